"""Fundamentals' words, zh and en: reason templates (merged into ``catalogue.REASONS``), hit
headers, prefilter exclusions and the CLI's messages of ``stockscan-cli fundamentals``.

Kept beside the catalogue only for the file-size rule (as ``formula_reasons.py``): there is one
catalogue mechanism, and ``core/catalogue.py`` merges these into its tables.
"""
from __future__ import annotations

FUNDAMENTAL_REASONS: dict[str, tuple[str, str]] = {
    # data (core/data/akshare_fundamentals.py, demo_fundamentals.py)
    "what_fundamentals": ("{period} 业绩报表（全市场）", "financial reports for {period} (whole market)"),
    "what_financials": ("{symbol} 主要财务指标", "{symbol} financial indicators"),
    "what_valuation": ("{symbol} 估值历史", "{symbol} valuation history"),
    "what_dividends": ("{symbol} 分红送配", "{symbol} dividends"),
    "demo_no_reports": ("演示行情：没有 {period} 的财务报告", "demo market: no financial reports for {period}"),
    # the fundamental score (core/fundamental_score.py)
    "fscore_missing": ("无基本面评分：缺少 {fields}", "no fundamental score: {fields} missing"),
    "fscore_no_report": ("无基本面评分：没有财务报告", "no fundamental score: no financial report"),
    "fscore_scaled": ("缺少 {fields}，其余得分按满分 {possible} 折算为百分制",
                      "{fields} missing: the rest, out of {possible}, scaled to 100"),
    # multi-year growth (core/fundamental_growth.py)
    "cagr_no_annual": ("没有年报，无法计算多年复合增长", "no annual report: no multi-year growth"),
    "cagr_short_history": ("年报不足：最新为 {year} 年年报，缺少 {need} 年或更早的年报",
                           "too few annual reports: the newest is {year}'s, none of {need} or earlier"),
    "cagr_not_positive": ("{what} {start}–{end} 年首尾有亏损或为零，没有复合增长率",
                          "{what} {start}–{end}: a loss or zero at one end, no growth rate"),
    "cagr_value_missing": ("缺少 {start} 或 {end} 年的{what}", "{what} of {start} or {end} unknown"),
    "cagr_both": ("{first}；{second}", "{first}; {second}"),
    "fscore_rule_not_scored": ("未评分：{reason}", "not scored: {reason}"),
    # scan requests (core/scan_fundamentals.py)
    "fund_bounds_negative": ("{what}下限不能为负", "{what}: the minimum cannot be negative"),
    "fund_bounds_inverted": ("{what}：最小值 {lo} 大于最大值 {hi}", "{what}: minimum {lo} is above maximum {hi}"),
    "fund_not_finite": ("{what}必须是有限的数", "{what} must be a finite number"),
    "min_fscore_range": ("最低基本面得分必须在0到100之间", "the minimum fundamental score must be between 0 and 100"),
    "fund_needs_snapshot": ("估值筛选需要行情快照，但获取失败：{reason}",
                            "the valuation filters need the spot snapshot, which failed: {reason}"),
    "fund_needs_reports": ("财务筛选需要业绩报表，但获取失败：{reason}",
                           "the report filters need the financial reports, which failed: {reason}"),
    "phase_fundamentals": ("读取基本面数据", "reading fundamentals"),
    "phase_fund_periods": ("下载 {n} 个报告期的业绩报表", "fetching the reports of {n} periods"),
    "fund_no_data": ("{symbol}：没有基本面数据", "{symbol}: no fundamental data"),
    "sort_unknown": ("无法按 {key} 排序（可用：{keys}）", "cannot sort by {key} (one of: {keys})"),
}

#: Hit columns of the fundamentals (core/hits.py): key -> (zh, en).
FUNDAMENTAL_HEADERS: dict[str, tuple[str, str]] = {
    "pe": ("市盈率(动态)", "PE (dynamic)"), "pb": ("市净率", "PB"), "market_cap": ("总市值", "Market cap"),
    "float_cap": ("流通市值", "Float cap"), "eps": ("EPS", "EPS"), "revenue_yoy": ("营业收入同比", "Revenue YoY %"),
    "profit_yoy": ("净利润同比", "Profit YoY %"), "roe": ("ROE", "ROE %"), "bvps": ("每股净资产", "BVPS"),
    "gross_margin": ("毛利率", "Gross margin %"), "report_date": ("报告期", "Report period"),
    "fscore": ("基本面得分", "Fundamental score"), "combo": ("综合分", "Combined score"),
    # from the bars (core/scan_returns.py)
    "chg60": ("60日涨跌幅", "60-day change"), "ytd": ("年初至今", "Year to date"),
}

#: Exclusions of the fundamental prefilters (core/scan_fundamentals.py): id -> (zh, en).
FUNDAMENTAL_EXCLUSIONS: dict[str, tuple[str, str]] = {
    "pe": ("市盈率不在范围内（或亏损）", "PE outside the range (or a loss)"),
    "pb": ("市净率不在范围内", "PB outside the range"),
    "float_cap": ("流通市值不在范围内", "float cap outside the range"),
    "roe": ("ROE 低于下限", "ROE below the minimum"),
    "profit_yoy": ("净利润增长低于下限", "profit growth below the minimum"),
    "fscore": ("基本面得分低于下限", "fundamental score below the minimum"),
    "no_fundamentals": ("没有所需的基本面数据", "no fundamental data for the filter"),
    "chg60": ("60日涨跌幅不在范围内", "60-day change outside the range"),
    "ytd": ("年初至今涨跌幅不在范围内", "year-to-date change outside the range"),
    "returns_unknown": ("K线不足，无法计算60日涨跌幅或年初至今", "too few bars for the 60-day or year-to-date change"),
}

#: Words of the request's lines and the fundamentals command.
FUNDAMENTAL_WORDS: dict[str, tuple[str, str]] = {
    "pe": ("市盈率", "PE"), "pb": ("市净率", "PB"), "float_cap": ("流通市值", "float cap"),
    "roe": ("ROE", "ROE"), "profit_yoy": ("净利润增长", "profit growth"), "min_fscore": ("最低基本面得分", "Minimum fundamental score"),
    "fscore": ("基本面得分", "fundamental score"),
    "fundamentals": ("更新财务数据", "Refresh fundamentals"),
    "sort": ("排序", "Order by"),
}

FUNDAMENTAL_MESSAGES: dict[str, tuple[str, str]] = {
    "fund_title": ("{symbol} {name} 基本面（{source}）", "{symbol} {name} fundamentals ({source})"),
    "fund_report": ("最新报告期 {period}（公告 {notice}）", "latest report {period} (published {notice})"),
    "fund_valuation": ("估值 {day}：市盈率 {pe}，市净率 {pb}，总市值 {cap}，流通市值 {fcap}",
                       "valuation {day}: PE {pe}, PB {pb}, market cap {cap}, float cap {fcap}"),
    "fund_line": ("  {name}：{value}", "  {name}: {value}"),
    "fund_score": ("基本面得分 {score}", "fundamental score {score}"),
    "fund_not_scored": ("基本面得分：{reason}", "fundamental score: {reason}"),
    "fund_rule": ("  {mark} {points:>6}  {desc}  [{values}]", "  {mark} {points:>6}  {desc}  [{values}]"),
    "fundamentals": ("财务数据", "fundamentals"),
    "fund_periods_line": ("报告期：已有 {n} 个，最新 {latest}；估值 {valuations} 只（{day}）",
                          "report periods: {n} stored, newest {latest}; valuations of {valuations} stocks ({day})"),
    "fund_none": ("{symbol}：数据源没有财务报告", "{symbol}: the source has no financial reports"),
}

#: Names of the fundamental score's values in its trace (merged into ``catalogue.VALUE_NAMES``).
FUNDAMENTAL_VALUE_NAMES: dict[str, tuple[str, str]] = {
    "pe": ("市盈率", "PE"), "pb": ("市净率", "PB"), "roe_annual": ("年化ROE", "annualised ROE"),
    "gross_margin": ("毛利率", "gross margin"), "debt_ratio": ("资产负债率", "debt ratio"),
    "revenue_yoy": ("营业收入同比", "revenue YoY"), "profit_yoy": ("净利润同比", "profit YoY"),
    "revenue_cagr": ("营业收入复合增长", "revenue CAGR"), "profit_cagr": ("净利润复合增长", "profit CAGR"),
}
