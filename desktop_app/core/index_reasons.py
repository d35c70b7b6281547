"""The words of index charts and periods (issue 17), zh and en: reason templates merged into
``catalogue.REASONS`` and the CLI's messages merged into ``catalogue.MESSAGES`` (kept apart for
the file-size rule, as ``core/validation_reasons.py`` is)."""
from __future__ import annotations

INDEX_REASONS: dict[str, tuple[str, str]] = {
    "what_index_bars": ("指数 {index}（{code}）日线", "daily bars of index {index} ({code})"),
    "index_no_bars": ("指数 {code} 没有K线", "index {code} has no bars"),
    "index_no_member_bars": ("指数 {code} 的成分股都没有K线（先更新数据）",
                             "no member of index {code} has bars (refresh the data first)"),
}
INDEX_MESSAGES: dict[str, tuple[str, str]] = {
    "index_heading": ("{name}（{code}）{period}，截至 {date}", "{name} ({code}) {period}, as of {date}"),
    "index_columns": ("日期          开盘        最高        最低        收盘       涨跌幅",
                      "date          open        high        low         close      chg%"),
    "breadth_heading": ("成分股宽度（{date}，{n}/{members} 只有K线）",
                        "breadth of its members ({date}, {n} of {members} with bars)"),
    "breadth_updown": ("上涨 {up}　下跌 {down}　平盘 {flat}", "up {up}  down {down}  flat {flat}"),
    "report_period": ("以下按{period}计算（指标、评分、信号与支撑压力；风险指标仍按日K）",
                      "computed on {period} bars (indicators, score, signals, levels; risk from daily bars)"),
    "breadth_above": ("站上MA20 {ma20}　站上MA60 {ma60}", "above MA20 {ma20}  above MA60 {ma60}"),
}
