"""Texts of scans as of a past day (``ScanRequest.as_of``), merged into ``core/catalogue.py``."""
from __future__ import annotations

ASOF_REASONS: dict[str, tuple[str, str]] = {
    "as_of_fund_derived": (
        "历史日期的基本面按当日收盘价与当时已公布的最新财报推算（与回测验证相同）：市盈率(动态) = 收盘价 ÷ "
        "(每股收益 × 12 ÷ 报告覆盖月数)，市净率 = 收盘价 ÷ 每股净资产；市值按今天的股本估算",
        "as-of fundamentals are derived from that day's close and the newest reports public then (as the "
        "validation does): PE (dynamic) = close ÷ (EPS × 12 ÷ months covered), PB = close ÷ BVPS; caps "
        "with today's share counts"),
}
ASOF_WORDS: dict[str, tuple[str, str]] = {
    "as_of_fundamentals": ("历史基本面", "As-of fundamentals"),
}
