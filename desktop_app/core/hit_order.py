"""The order of a scan's hits (``ScanRequest.sort``, ``stockscan-cli scan --sort``) and the
combined score 综合分 that one may sort by.

综合分 (``combo``) = the mean of the technical score and the fundamental score, both 0–100, where
both exist; a stock without a fundamental score has no 综合分 (unknown, sorted last), never the
technical score alone: a stock with no reports would otherwise outrank one with poor ones
(``docs/INDICATORS.md`` "综合分").
"""
from __future__ import annotations

import math

#: Hit columns a scan's hits may be ordered by, highest first.
SORT_KEYS = ("score", "combo", "fscore", "chg_pct", "chg60", "ytd", "amount", "turnover", "vol_ratio",
             "pe", "pb", "market_cap", "roe", "profit_yoy")
#: Keys that need the fundamental columns (the scan reads fundamentals for them).
FUNDAMENTAL_SORT_KEYS = frozenset({"combo", "fscore", "pe", "pb", "market_cap", "roe", "profit_yoy"})


def _num(v) -> float:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return math.nan
    return f


def combined_score(score, fscore) -> float:
    """综合分: (technical + fundamental) / 2 where both are known, else NaN."""
    a, b = _num(score), _num(fscore)
    return (a + b) / 2.0 if math.isfinite(a) and math.isfinite(b) else math.nan


def sort_hits(rows: list[dict], key: str = "score") -> list[dict]:
    """Highest ``key`` first (ties by the technical score), rows without the value last (stable)."""
    def k(r: dict) -> tuple:
        v, s = _num(r.get(key)), _num(r.get("score"))
        ok = math.isfinite(v)
        return (0 if ok else 1, -v if ok else 0.0, -s if math.isfinite(s) else 0.0)
    return sorted(rows, key=k)
