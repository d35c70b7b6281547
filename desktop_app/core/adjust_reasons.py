"""The words of the 复权 choice and the index fallbacks (issue 17), zh and en: reason templates
merged into ``catalogue.REASONS``, the CLI's messages into ``catalogue.MESSAGES`` (kept apart for
the file-size rule, as ``core/index_reasons.py`` is)."""
from __future__ import annotations

ADJUST_REASONS: dict[str, tuple[str, str]] = {
    "adjust_no_raw": ("{symbol} 没有不复权K线，无法换算复权", "{symbol}: no unadjusted bars to convert the adjustment from"),
    "what_raw_bars": ("{symbol} 不复权日线（{host}）", "unadjusted daily bars of {symbol} ({host})"),
    "data_index_all_hosts_failed": ("指数 {code} 的日线在所有数据源都失败：{errors}",
                                    "daily bars of index {code} failed on every host: {errors}"),
}
ADJUST_MESSAGES: dict[str, tuple[str, str]] = {
    "adjust_heading": ("复权方式：{name}", "adjustment: {name}"),
}
