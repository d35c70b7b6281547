"""The words of minute bars and the 分时 view (issue 17 §4–5), zh and en: reason templates merged
into ``catalogue.REASONS`` and the CLI's messages into ``catalogue.MESSAGES`` (kept apart for the
file-size rule, as ``core/index_reasons.py`` is)."""
from __future__ import annotations

MINUTE_REASONS: dict[str, tuple[str, str]] = {
    "what_minute_bars": ("{symbol} {period}线（{host}）", "{symbol} {period} bars ({host})"),
    "minute_no_index": ("指数 {code} 没有分钟线（只有个股有）", "index {code} has no minute bars (stocks only)"),
    "minute_no_bars": ("{symbol} 没有{period}线", "{symbol} has no {period} bars"),
    "minute_from_cache": ("{symbol} {period}线取自缓存（{error}）", "{symbol} {period} bars from the cache ({error})"),
}
MINUTE_MESSAGES: dict[str, tuple[str, str]] = {
    "minute_heading": ("{symbol} {period}线 {n} 根（{first} 至 {last}）",
                       "{symbol} {period} bars: {n} ({first} to {last})"),
    "minute_columns": ("时间                  开盘        最高        最低        收盘        成交量        成交额",
                       "time                  open        high        low         close       volume        amount"),
    "minute_written": ("已写出 {n} 根 {period}线到 {path}", "wrote {n} {period} bars to {path}"),
    "intraday_heading": ("{symbol} 分时 {day}（{minutes} 分钟）", "{symbol} intraday {day} ({minutes} minutes)"),
    "intraday_values": ("昨收 {prev}　最新 {last}　均价 {avg}　涨幅 {chg}　成交量 {volume}　成交额 {amount}",
                        "prev close {prev}  last {last}  avg {avg}  change {chg}  volume {volume}  amount {amount}"),
}
