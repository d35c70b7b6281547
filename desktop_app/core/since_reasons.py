"""Words of a past scan's since-scan returns (``core/since_scan.py``), zh and en: the hit
headers and the CLI's line. Merged into ``core/catalogue.py`` like the other ``*_reasons`` files."""
from __future__ import annotations

#: The columns added to a past scan's hit rows, in their presented order (``core/since_scan``;
#: here, without numpy, because ``core/hits`` — which the window's first frame imports — needs it).
SINCE_COLUMNS: list[str] = ["since_ret", "since_ret_5", "since_ret_10", "since_ret_20"]

SINCE_HEADERS: dict[str, tuple[str, str]] = {
    "since_ret": ("至今收益", "Return to date"),
    "since_ret_5": ("5日后收益", "Return +5d"),
    "since_ret_10": ("10日后收益", "Return +10d"),
    "since_ret_20": ("20日后收益", "Return +20d"),
}

SINCE_REASONS: dict[str, tuple[str, str]] = {
    "since_scan_note": ("扫描日 {day}：次日开盘买入（涨停或停牌未买入为 —），收益至各自收盘",
                        "scan day {day}: bought at the next open (— when it opened limit-up or was "
                        "suspended), returns to each close"),
    "since_scan_unknown": ("无法得知此扫描的日期，不计算其后收益", "the scan's day is unknown: no returns since"),
}
