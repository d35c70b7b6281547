"""60日涨跌幅 and 年初至今: a stock's change over a window of its bars, as of the scan day — hit
columns and prefilters of a scan (``core/scan.py``), computed on the scan's panel, so a scan as
of a past day (``ScanRequest.as_of``) reads them as of that day.

Definitions (percent; ``docs/INDICATORS.md`` "60日涨跌幅 and 年初至今"):
- the close *now* is the stock's last close on or before the panel's last day (a stock suspended
  today keeps its last close, as 通达信 shows it);
- ``chg60`` = close now / close 60 trading days before the panel's last day − 1, where that
  base is the stock's last close on or before that day (a suspension then: the close before it);
  unknown (NaN) when the panel has fewer than 61 days or the stock had no bar by then;
- ``ytd`` = close now / the last close of the previous calendar year − 1 (通达信's 年初至今:
  against the previous year's last close, not this year's first open); unknown for a stock
  listed this year, or when the panel does not reach back into the previous year.
Bars are forward-adjusted (qfq), so a dividend or split inside the window is no change.

A prefilter bound on an unknown value excludes the stock as ``returns_unknown`` (counted, never
silently passed); a value outside its bounds as ``chg60`` / ``ytd``.
"""
from __future__ import annotations

import numpy as np

from .numfmt import finite

WINDOW = 60
#: The request's bounds: field -> (value key, "min" | "max").
BOUNDS = {"chg60_min": ("chg60", "min"), "chg60_max": ("chg60", "max"),
          "ytd_min": ("ytd", "min"), "ytd_max": ("ytd", "max")}
KEYS = ("chg60", "ytd")


def _close_on_or_before(close: np.ndarray, col: int) -> np.ndarray:
    """Each row's last finite close in columns ``0..col`` (NaN when none)."""
    part = close[:, :col + 1]
    ok = np.isfinite(part)
    last = part.shape[1] - 1 - np.argmax(ok[:, ::-1], axis=1)
    out = part[np.arange(len(part)), last]
    return np.where(ok.any(axis=1), out, np.nan)


def period_returns(panel) -> dict[str, np.ndarray]:
    """``chg60`` and ``ytd`` (percent, NaN where unknown) for every row of ``panel``."""
    n, t = panel.close.shape if panel.close.ndim == 2 else (0, 0)
    out = {k: np.full(n, np.nan) for k in KEYS}
    if n == 0 or t == 0:
        return out
    close = np.asarray(panel.close, dtype=float)
    now = _close_on_or_before(close, t - 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        if t > WINDOW:
            base = _close_on_or_before(close, t - 1 - WINDOW)
            out["chg60"] = np.where(base > 0, (now / base - 1.0) * 100.0, np.nan)
        years = np.asarray(panel.dates.year)
        before = np.flatnonzero(years < years[-1])
        if len(before):
            base = _close_on_or_before(close, int(before[-1]))
            out["ytd"] = np.where(base > 0, (now / base - 1.0) * 100.0, np.nan)
    return out


def has_bounds(request) -> bool:
    return any(getattr(request, f, None) is not None for f in BOUNDS)


def request_problems(request) -> list:
    """Non-finite or inverted bounds (``ScanRequest.validate``)."""
    from .catalogue import HIT_HEADERS
    from .reasons import R

    out = []
    for key in KEYS:
        lo, hi = getattr(request, f"{key}_min", None), getattr(request, f"{key}_max", None)
        what = {"zh": HIT_HEADERS[key][0], "en": HIT_HEADERS[key][1]}
        for v in (lo, hi):
            if v is not None and not finite(v):
                out.append(R("fund_not_finite", what=what))
        if finite(lo) and finite(hi) and float(lo) > float(hi):
            out.append(R("fund_bounds_inverted", what=what, lo=float(lo), hi=float(hi)))
    return out



def exclusions(request, values: dict[str, np.ndarray]) -> list[tuple[str, np.ndarray]]:
    """(exclusion id, mask) for the request's bounds, the unknown ones first."""
    n = len(values["chg60"])
    unknown = np.zeros(n, dtype=bool)
    out: list[tuple[str, np.ndarray]] = []
    for key in KEYS:
        lo, hi = getattr(request, f"{key}_min", None), getattr(request, f"{key}_max", None)
        if lo is None and hi is None:
            continue
        v = values[key]
        unknown |= ~np.isfinite(v)
        bad = np.zeros(n, dtype=bool)
        with np.errstate(invalid="ignore"):
            if lo is not None:
                bad |= v < float(lo)
            if hi is not None:
                bad |= v > float(hi)
        out.append((key, bad))
    return [("returns_unknown", unknown)] + out if out else []
