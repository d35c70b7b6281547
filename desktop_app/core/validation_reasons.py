"""The forward-return validation's words, zh and en: reason templates (merged into
``catalogue.REASONS``) and the CLI's messages (merged into ``catalogue.MESSAGES``).

Kept beside the catalogue only for the file-size rule, as ``core/formula_reasons.py`` is: there is
one catalogue mechanism, and ``core/catalogue.py`` updates its two tables with these.
"""
from __future__ import annotations

VALIDATION_REASONS: dict[str, tuple[str, str]] = {
    "phase_validate_reading": ("验证：读取K线", "validation: reading bars"),
    "phase_validate_computing": ("验证：逐日计算信号 {done}/{total}", "validation: signals of every day {done}/{total}"),
    "phase_validate_statistics": ("验证：统计收益", "validation: statistics"),
    "validation_period_days": ("验证区间的交易日数须在 1 到 {maximum} 之间，给出的是 {days}",
                               "the period must be 1 to {maximum} trading days; {days} was given"),
    "validation_period_dates": ("验证区间的日期无效：{detail}", "the period's dates are invalid: {detail}"),
    "validation_period_order": ("验证区间的开始日期 {start} 晚于结束日期 {end}",
                                "the period starts on {start}, after its end {end}"),
    "validation_no_days": ("数据中没有验证区间内的交易日（K线截至 {latest}）",
                           "the data has no trading day in the period (bars up to {latest})"),
    "validation_top_hold": ("--top 和 --hold 至少为 1", "--top and --hold must be at least 1"),
    "validation_horizons": ("持有天数须为 1 到 {maximum} 之间的整数：{horizons}",
                            "horizons must be whole days from 1 to {maximum}: {horizons}"),
    "validation_costs": ("交易成本须在 0 到 5% 之间", "costs must be between 0 and 5 %"),
    "index_built": ("{name}（由成分股K线与股本按市值加权合成）",
                    "{name} (cap-weighted from its members' bars and share counts)"),
    "index_source": ("{name}（数据源的指数日K线）", "{name} (the source's daily index bars)"),
    "index_failed": ("无指数数据（{reason}），只比较全范围等权收益",
                     "no index ({reason}); only the universe's equal-weighted return is compared"),
    "index_unavailable": ("无指数数据：该数据源不提供指数K线，只比较全范围等权收益",
                          "no index: this source has no index bars; only the universe's equal-weighted "
                          "return is compared"),
    "bias_survivorship": ("幸存者偏差：股票范围是今天的列表，区间内已退市的股票不在其中",
                          "survivorship: the universe is today's list; stocks delisted during the period "
                          "are missing"),
    "bias_delisted": ("退市或长期停牌的股票在数据结束前没有卖出价，计为“未完成”而不计入收益",
                      "a stock delisted or suspended to the end has no exit price: counted as pending, "
                      "not in the returns"),
    "bias_st_today": ("ST 标记取今天的：当时是否为 ST（及其 5% 涨跌停）按今天判断",
                      "the ST flag is today's: whether a stock was ST then (and its 5 % limit) is judged "
                      "by today's flag"),
    "bias_fund_derived": ("过去某日的市盈率(动态)/市净率按当日收盘价与当时已公布的最新报告计算；流通市值/总市值按今天的流通股本/总股本估算",
                          "PE (dynamic) and PB on a past day: that day's close over the newest report public then; "
                          "float and total market cap with today's share counts"),
    "bias_mcap_today": ("市值按当日收盘价 × 今天的总股本估算（未计股本变动）",
                        "market cap as of a day is that day's close × today's share count (share changes "
                        "are not tracked)"),
    "bias_lots_costs": ("不计 100 股整手和 5 元最低佣金；开盘价成交、无冲击成本（滑点可设置）",
                        "no 100-share lots and no 5-yuan minimum commission; fills at the open with no "
                        "market impact (slippage is a setting)"),
    "bias_demo": ("演示市场是合成数据：结果只展示方法，不说明任何真实收益",
                  "the demo market is synthetic: this shows the method, not a result"),
}

#: The report's table headers and row names (``core/validation_tables.py``), zh and en.
VALIDATION_COLUMNS: dict[str, tuple[str, str]] = {
    "horizon": ("持有期", "Horizon"), "count": ("样本", "Count"), "mean": ("均值", "Mean"),
    "median": ("中位数", "Median"), "win_rate": ("胜率", "Win rate"), "p10": ("P10", "P10"),
    "p25": ("P25", "P25"), "p75": ("P75", "P75"), "p90": ("P90", "P90"),
    "mae_mean": ("平均最大不利", "Mean adverse"), "mfe_mean": ("平均最大有利", "Mean favourable"),
    "excess_universe": ("超额(范围)", "Excess vs universe"), "excess_index": ("超额(指数)", "Excess vs index"),
    "pending": ("未完成", "Pending"), "band": ("评分", "Score"), "rating": ("评级", "Rating"),
    "preset": ("策略", "Preset"), "signals": ("信号", "Signals"), "item": ("项目", "Item"),
    "number": ("数量", "Number"), "metric": ("指标", "Measure"), "portfolio": ("组合", "Portfolio"),
    "index": ("指数", "Index"), "total_return": ("总收益", "Total return"),
    "annual_return": ("年化收益", "Annualised return"), "volatility": ("年化波动率", "Annualised volatility"),
    "max_drawdown": ("最大回撤", "Maximum drawdown"), "turnover": ("年换手（倍）", "Turnover (times a year)"),
    "buys": ("买入笔数", "Buys"), "not_bought": ("买不到的笔数", "Picks not bought"),
    "bought": ("买入", "Bought"), "limit_up": ("涨停开盘，买不到", "Limit-up at the open: not bought"),
    "suspended": ("入场日停牌，买不到", "Suspended on the entry day: not bought"),
    "no_next_day": ("信号在数据末日，尚无次日", "Signal on the data's last day: no next day yet"),
    "pending_k": ("+{k} 未完成（窗口超出数据）", "+{k} pending (window past the data)"),
    "delayed_k": ("+{k} 卖出顺延（停牌）", "+{k} exit delayed (suspended)"),
    "universe_mean": ("范围等权均值", "Universe equal-weighted mean"), "index_mean": ("指数均值", "Index mean"),
}

#: The report's table titles.
VALIDATION_TABLES: dict[str, tuple[str, str]] = {
    "horizons": ("持有期收益（次日开盘买入，第 k 个交易日收盘卖出）",
                 "Forward returns (bought at the next open, sold at the close k trading days later)"),
    "bands": ("按评分区间（持有 {k} 日）", "By score band ({k}-day horizon)"),
    "presets": ("按策略（持有 {k} 日）", "By preset ({k}-day horizon)"),
    "entries": ("信号与入场", "Signals and entries"),
    "portfolio": ("组合：每日买入得分最高的 {n} 只，持有 {hold} 日，扣除成本",
                  "Portfolio: the top {n} each day, held {hold} days, after costs"),
}

#: Task titles and the task's parameters in words (merged into ``catalogue.WORDS``).
VALIDATION_WORDS: dict[str, tuple[str, str]] = {
    "validate_task": ("验证 {title}", "Validate {title}"),
    "validation": ("验证", "Validation"),
    "validation_days": ("最近 {days} 个交易日", "the last {days} trading days"),
    "validation_dates": ("{start} 至 {end}", "{start} to {end}"),
    "validation_picks": ("组合每日前 {n} 只，持有 {hold} 日", "portfolio: the top {n} a day, held {hold} days"),
}

VALIDATION_TASK_KINDS: dict[str, tuple[str, str]] = {"validation": ("验证", "Validation")}

VALIDATION_MESSAGES: dict[str, tuple[str, str]] = {
    "validate_wrote_xlsx": ("已写入验证报告：{path}", "wrote the validation report to {path}"),
    "validate_title": ("验证：{title}  区间 {start} 至 {end}（{days} 个交易日）",
                       "validation: {title}  period {start} to {end} ({days} trading days)"),
    "validate_counts": ("范围 {universe} 只；信号 {signals} 个（日均 {per_day:.1f}）；买入 {bought}，"
                        "涨停开盘买不到 {limit_up}，停牌买不到 {suspended}，区间末日无次日 {no_next}；"
                        "{elapsed:.2f} 秒",
                        "universe {universe}; {signals} signals ({per_day:.1f} a day); bought {bought}, "
                        "limit-up open {limit_up}, suspended {suspended}, no next day {no_next}; "
                        "{elapsed:.2f} s"),
    "validate_progress": ("验证：{fraction:.0%} {current}", "validation: {fraction:.0%} {current}"),
    "validate_index": ("指数：{name}", "index: {name}"),
    "validate_horizons": ("持有期收益（次日开盘买入，第 k 个交易日收盘卖出）",
                          "forward returns (bought at the next open, sold at the close k trading days later)"),
    "validate_horizon_header": ("期限\t样本\t均值\t中位数\t胜率\tP10\tP25\tP75\tP90\t最大不利\t最大有利\t"
                                "超额(范围)\t超额(指数)\t未完成",
                                "horizon\tcount\tmean\tmedian\twin\tP10\tP25\tP75\tP90\tMAE\tMFE\t"
                                "excess(univ)\texcess(index)\tpending"),
    "validate_bands": ("按评分区间（持有 {k} 日）", "by score band ({k}-day horizon)"),
    "validate_band_header": ("评分\t评级\t样本\t均值\t中位数\t胜率\t超额(范围)",
                             "score\trating\tcount\tmean\tmedian\twin\texcess(univ)"),
    "validate_presets": ("按策略（持有 {k} 日）", "by preset ({k}-day horizon)"),
    "validate_preset_header": ("策略\t样本\t均值\t中位数\t胜率\t超额(范围)",
                               "preset\tcount\tmean\tmedian\twin\texcess(univ)"),
    "validate_portfolio": ("组合：每日买入得分最高的 {n} 只，持有 {k} 日，扣除成本（佣金 {commission}，印花税 {stamp}，"
                           "滑点 {slippage}）",
                           "portfolio: the top {n} each day, held {k} days, after costs (commission "
                           "{commission}, stamp duty {stamp}, slippage {slippage})"),
    "validate_portfolio_line": ("总收益 {total}，年化 {annual}，波动率 {vol}，最大回撤 {mdd}，年换手 {turnover} 倍；"
                                "指数同期 {index_total}（年化 {index_annual}）；买入 {buys} 笔，买不到 {skipped} 笔",
                                "total {total}, annual {annual}, volatility {vol}, max drawdown {mdd}, turnover "
                                "{turnover}× a year; index {index_total} (annual {index_annual}); {buys} buys, "
                                "{skipped} not bought"),
    "validate_biases": ("仍存在的偏差：", "biases that remain:"),
    "validate_excluded": ("当日不满足基本面/涨跌幅条件而排除的信号：{items}",
                          "signals excluded by a bound on their day: {items}"),
    "validate_bias_line": ("  · {text}", "  · {text}"),
}
