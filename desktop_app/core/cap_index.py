"""A capitalisation-weighted index built from its members' daily bars and share counts.

The demo market has no index bars of its own, so the validation's benchmark (and the chart, for
an index code of the demo market) builds one the way index providers chain a price index: each
day's level is the previous level times the cap-weighted mean of the members' price relatives,

    level_t = level_{t-1} · Σ w_i · p_i,t / c_i,t-1 / Σ w_i,   w_i = shares_i · c_i,t-1,

where ``c_i,t-1`` is member i's last close before day t (carried over a suspension) and
``p_i,t`` is its open, high, low or close of day t (a member that did not trade on t counts at
its last close, relative 1). A member joins the day after its first bar (no previous close on
its listing day). ``shares`` are taken as constant (today's count): splits and new issues are
not chained, which a real index divisor would do. The index's high and low are the weighted
members' highs and lows, a bound rather than the true intraday extreme (members peak at
different times). Volume and amount are the members' sums.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .panel import Panel

BASE_LEVEL = 1000.0


def last_close_before(close: np.ndarray) -> np.ndarray:
    """(n, t) C-contiguous: each stock's last finite close strictly before each column (NaN
    before its first). The previous column's close, except on the rows with a gap after their
    first bar (a suspension, a delisting), whose cells take the close at the column of their
    last bar (a running maximum), gathered by flat index (a fraction of ``take_along_axis``'s
    cost). ``close`` may be a column slice of a wider array (read as it is, not copied)."""
    close = np.asarray(close, dtype=float)
    n, t = close.shape
    out = np.empty((n, t))
    out[:, :1] = np.nan
    if t < 2 or n == 0:
        out.fill(np.nan)
        return out
    out[:, 1:] = close[:, :-1]                         # right unless a bar is missing after the first
    fin = np.isfinite(close[:, :-1])
    first = np.argmax(fin, axis=1)
    gap = np.flatnonzero(fin.any(axis=1) & (fin.sum(axis=1) < (t - 1) - first))
    if len(gap):
        sub = np.ascontiguousarray(close[gap])
        last = np.full((len(gap), t), -1, dtype=np.intp)      # column j: the last bar before j
        np.copyto(last[:, 1:], np.arange(t - 1, dtype=np.intp)[None, :], where=fin[gap])
        np.maximum.accumulate(last, axis=1, out=last)
        before = last < 0                                  # no bar yet
        np.maximum(last, 0, out=last)
        last += (np.arange(len(gap), dtype=np.intp) * t)[:, None]
        fixed = sub.ravel().take(last)
        fixed[before] = np.nan
        out[gap] = fixed
    return out


def cap_weighted_index(panel: Panel, shares, base: float = BASE_LEVEL) -> pd.DataFrame:
    """The index of ``panel``'s rows weighted by ``shares`` (one count per row): a DataFrame on
    ``panel.dates`` with open, high, low, close (levels; ``base`` before the first day) and the
    members' summed volume and amount."""
    shares = np.asarray(shares, dtype=float)
    close = panel.close
    prev = last_close_before(close)
    w = np.where(np.isfinite(prev) & np.isfinite(shares)[:, None], shares[:, None] * prev, 0.0)
    w_sum = w.sum(axis=0)
    traded = np.isfinite(close)

    def relative(name: str) -> np.ndarray:
        px = panel.fields[name]
        with np.errstate(invalid="ignore", divide="ignore"):
            rel = np.where(traded & np.isfinite(px) & (w > 0), px / prev, 1.0)
            out = np.where(w_sum > 0, (w * rel).sum(axis=0) / np.where(w_sum > 0, w_sum, 1.0), 1.0)
        return out

    rel_close = relative("close")
    level_close = base * np.cumprod(rel_close)
    level_prev = np.concatenate([[base], level_close[:-1]])
    out = {"open": level_prev * relative("open"), "high": level_prev * relative("high"),
           "low": level_prev * relative("low"), "close": level_close}
    for name in ("volume", "amount"):
        f = panel.fields.get(name)
        out[name] = np.nansum(f, axis=0) if f is not None else np.full(len(panel.dates), np.nan)
    df = pd.DataFrame(out, index=pd.DatetimeIndex(panel.dates, name="date"))
    return df


def source_shares(source, symbols) -> np.ndarray:
    """Today's total share count of ``symbols`` from the source's spot snapshot
    (market cap / last price); NaN where the snapshot lacks a stock."""
    spot = source.spot()
    spot = spot.assign(symbol=spot["symbol"].astype(str)).drop_duplicates("symbol").set_index("symbol")
    with np.errstate(invalid="ignore", divide="ignore"):
        sh = pd.to_numeric(spot["market_cap"], errors="coerce") / pd.to_numeric(spot["last"], errors="coerce")
    return sh.reindex(pd.Index([str(s) for s in symbols])).to_numpy(dtype=float)
