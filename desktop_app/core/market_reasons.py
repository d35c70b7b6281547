"""The market overview's words, zh and en: reason templates (merged into ``catalogue.REASONS``)
and the CLI's messages (merged into ``catalogue.MESSAGES``), kept beside the catalogue for the
file-size rule as ``core/validation_reasons.py`` is."""
from __future__ import annotations

MARKET_REASONS: dict[str, tuple[str, str]] = {
    "market_no_bars": ("没有K线：先运行 stockscan-cli refresh 补全历史",
                       "no bars: run stockscan-cli refresh to fill the store first"),
    "market_day_before_data": ("{day} 早于数据的第一个交易日 {first}",
                               "{day} is before the data's first trading day {first}"),
    "market_day_moved": ("{requested} 不是数据中的交易日，显示此前最近的交易日 {day}",
                         "{requested} is not a trading day of the data; showing the trading day before it, {day}"),
    "market_st_today": ("ST 标记取今天的：过去某日是否为 ST（及其涨跌停幅度）按今天判断",
                        "the ST flag is today's: whether a stock was ST on a past day (and its limit) is "
                        "judged by today's flag"),
    "market_no_caps": ("没有股本数据：板块市值留空", "no share counts: board market caps are left empty"),
    "market_no_concepts": ("概念板块成分只来自本地数据源（演示市场）：此处没有概念板块",
                           "concept members come from a local source only (the demo market): no concepts here"),
}

MARKET_MESSAGES: dict[str, tuple[str, str]] = {
    "market_title": ("市场概览 {date}（{source}）", "market overview {date} ({source})"),
    "market_breadth": ("上涨 {up} 家，平盘 {flat} 家，下跌 {down} 家；停牌 {suspended} 家，新股 {new} 家，无K线 {no_bars} 家",
                       "up {up}, flat {flat}, down {down}; suspended {suspended}, new listings {new}, "
                       "no bars {no_bars}"),
    "market_limits": ("涨停 {limit_up} 家，跌停 {limit_down} 家，炸板 {broken} 家（炸板率 {broken_rate}）",
                      "limit-up {limit_up}, limit-down {limit_down}, broken {broken} (broken rate {broken_rate})"),
    "market_amount": ("成交额 {today}，前 {k} 日均值 {mean}（{ratio}）",
                      "amount {today}, previous {k} days' mean {mean} ({ratio})"),
    "market_histogram": ("涨跌分布：", "distribution of changes:"),
    "market_hist_line": ("  {label:>10}  {count:>5}  {bar}", "  {label:>10}  {count:>5}  {bar}"),
    "market_rules": ("涨跌幅限制：{items}", "price limits: {items}"),
    "market_boards": ("板块\t上涨\t下跌\t涨停\t跌停\t平均涨幅\t站上MA20\t站上MA60\t成交额\t总市值",
                      "board\tup\tdown\tlimit-up\tlimit-down\tavg change\t>MA20\t>MA60\tamount\tmarket cap"),
    "market_ladder": ("连板天梯：", "limit-up ladder:"),
    "market_ladder_level": ("  {days} 连板（{n} 家）：{items}", "  {days} in a row ({n}): {items}"),
    "market_ladder_none": ("  今日无涨停", "  no limit-up today"),
    "market_ladder_demo": ("  （演示行情：由本地K线计算，无封板时间）", "  (DEMO: computed from the stored bars, no seal times)"),
    "market_broken": ("炸板（{n} 家）：{items}", "broken limit-up ({n}): {items}"),
    "market_limit_down": ("跌停（{n} 家）：{items}", "limit-down ({n}): {items}"),
    "market_list_none": ("无", "none"),
    "market_seal": (" 首封 {first} 末封 {last} 封单 {seal} 开板 {opened}",
                    "; first seal {first}, last {last}, seal {seal}, opened {opened}"),
    "market_top": ("涨幅居前的 {n} 个行业：", "top {n} industries:"),
    "market_bottom": ("跌幅居前的 {n} 个行业：", "bottom {n} industries:"),
    "market_bad_date": ("--date {value} 不是日期：{detail}", "--date {value} is not a date: {detail}"),
    "market_top_min": ("--top 至少为 1，给出的是 {value}", "--top must be at least 1; {value} was given"),
    "market_group_line": ("  {name}\t{change}\t上涨 {up}/{members}\t涨停 {limit_up}\t成交额 {amount}",
                          "  {name}\t{change}\tup {up}/{members}\tlimit-up {limit_up}\tamount {amount}"),
}

MARKET_REASONS.update({
    "what_limit_pool": ("{day} 的{pool}", "the {pool} of {day}"),
    "what_board_heat": ("{kind}板块行情", "{kind} board quotes"),
    "market_pools_too_old": ("{day} 的涨停池未保存，数据源只保留最近 {days} 天：封板时间等不可用，显示本地计算的结果",
                             "the limit-up pools of {day} were not saved and the host keeps only the last {days} "
                             "days: no seal times; showing what the store computes"),
})
