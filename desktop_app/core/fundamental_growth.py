"""Multi-year growth of the fundamental score: the compound annual growth rate (CAGR) of revenue
and net profit from the history of **annual** reports (12-31 periods), as of a day.

Definition (``docs/INDICATORS.md`` "The fundamental score"): let Y be the newest annual report
public on the day. Over n = 3 years when the annual report of Y−3 is known, else n = 2 with
Y−2's (one year would only repeat the YoY rules; none: not scored):

    CAGR = (V_Y / V_{Y−n}) ^ (1/n) − 1, in percent,

for V = revenue and V = net profit (yuan), defined only when both ends are positive: a loss at
either end has no growth rate, so it is *not scored* with that reason, never 0 points.

``growth_values`` works for the whole market at once from a frame of annual rows
(symbol, year, revenue, profit: ``FundamentalStore.annual_history`` or a source's reports),
and gives per row a ``Reason`` for each value it could not compute (``reasons``).
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .reasons import R, Reason

MAX_YEARS, MIN_YEARS = 3, 2
KEYS = {"revenue_cagr": "revenue", "profit_cagr": "profit"}
_NAMES = {"revenue_cagr": {"zh": "营业收入", "en": "revenue"}, "profit_cagr": {"zh": "净利润", "en": "net profit"}}


def cagr(end, start, years) -> np.ndarray:
    """(end / start) ** (1/years) − 1 in percent; NaN unless both ends are positive."""
    end, start = np.asarray(end, dtype=float), np.asarray(start, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        ok = (end > 0) & (start > 0) & np.isfinite(end) & np.isfinite(start)
        ratio = np.where(ok, end / np.where(ok, start, 1.0), 1.0)
        return np.where(ok, ratio ** (1.0 / np.asarray(years, dtype=float)) * 100.0 - 100.0, np.nan)


def annual_rows(reports: pd.DataFrame) -> pd.DataFrame:
    """FUNDAMENTAL_COLUMNS rows -> the annual ones as (symbol, year, revenue, profit)."""
    if reports is None or not len(reports):
        return pd.DataFrame(columns=["symbol", "year", "revenue", "profit"])
    dates = pd.to_datetime(pd.Series(list(reports["report_date"])), errors="coerce")
    annual = (dates.dt.month == 12) & (dates.dt.day == 31)
    sub = reports.loc[annual.to_numpy()]
    return pd.DataFrame({"symbol": sub["symbol"].astype(str).to_numpy(),
                         "year": dates[annual].dt.year.to_numpy().astype(int),
                         "revenue": pd.to_numeric(sub["revenue"], errors="coerce").to_numpy(dtype=float),
                         "profit": pd.to_numeric(sub["profit"], errors="coerce").to_numpy(dtype=float)})


def growth_values(annual: pd.DataFrame, symbols: list[str]) -> tuple[dict[str, np.ndarray], np.ndarray,
                                                                       list[Reason | None]]:
    """({"revenue_cagr", "profit_cagr"} arrays, years used per row (NaN: none), the reason per row
    when either value is missing (None when both are known)), in ``symbols``' order."""
    n = len(symbols)
    out = {k: np.full(n, np.nan) for k in KEYS}
    years = np.full(n, np.nan)
    reasons: list[Reason | None] = [R("cagr_no_annual")] * n
    if annual is None or not len(annual):
        return out, years, reasons
    a = annual.dropna(subset=["year"]).drop_duplicates(["symbol", "year"], keep="last")
    rev = a.pivot(index="symbol", columns="year", values="revenue")
    prof = a.pivot(index="symbol", columns="year", values="profit")
    idx = pd.Index([str(s) for s in symbols])
    rev, prof = rev.reindex(idx), prof.reindex(idx)
    cols = np.asarray(rev.columns, dtype=int)
    if not len(cols):
        return out, years, reasons
    R_, P_ = rev.to_numpy(dtype=float), prof.to_numpy(dtype=float)
    have = np.isfinite(R_) | np.isfinite(P_)
    rows = np.arange(n)
    any_ = have.any(axis=1)
    newest = np.where(have, np.arange(len(cols)), -1).max(axis=1)
    y = np.where(any_, cols[newest.clip(0)], -1)
    span = np.full(n, 0)
    start_col = np.zeros(n, dtype=np.intp)
    for k in range(MIN_YEARS, MAX_YEARS + 1):           # the longer span wins: 3 over 2
        j = np.searchsorted(cols, y - k).clip(0, len(cols) - 1)
        ok = any_ & (cols[j] == y - k) & have[rows, j]
        span = np.where(ok, k, span)
        start_col = np.where(ok, j, start_col)
    scored = span > 0
    years[scored] = span[scored]
    end_col = newest.clip(0)
    vals = {}
    for key, arr in (("revenue_cagr", R_), ("profit_cagr", P_)):
        end, start = arr[rows, end_col], arr[rows, start_col]
        v = np.where(scored, cagr(end, start, np.where(scored, span, 1)), np.nan)
        out[key] = v
        vals[key] = (end, start)
    for i in np.flatnonzero(~(scored & np.isfinite(out["revenue_cagr"]) & np.isfinite(out["profit_cagr"]))):
        yi = int(y[i])
        if yi < 0:
            continue                                        # no annual report: cagr_no_annual
        if not scored[i]:
            reasons[i] = R("cagr_short_history", year=yi, need=yi - MIN_YEARS)
            continue
        lack = []
        for key in KEYS:
            if math.isfinite(out[key][i]):
                continue
            end, start = float(vals[key][0][i]), float(vals[key][1][i])
            first = yi - int(span[i])
            lack.append(R("cagr_not_positive", what=_NAMES[key], start=first, end=yi)
                        if math.isfinite(end) and math.isfinite(start)
                        else R("cagr_value_missing", what=_NAMES[key], start=first, end=yi))
        reasons[i] = lack[0] if len(lack) == 1 else R("cagr_both", first=lack[0], second=lack[1])
    for i in np.flatnonzero(scored & np.isfinite(out["revenue_cagr"]) & np.isfinite(out["profit_cagr"])):
        reasons[i] = None
    return out, years, reasons
