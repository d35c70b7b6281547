"""The demo market's intraday bars (issue 17 §4): a deterministic 240-minute path inside each
daily bar, consistent with it.

For one day's bar (O, H, L, C, V, A) the path starts at O, visits the day's two extremes (the
low first on a rising day, the high first on a falling one, at times drawn from a hash of the
stock and the day) and ends at C; between those anchors a Brownian bridge wiggles it, clipped to
[L, H] (reflected off them). Prices are whole cents. Minute highs/lows widen each minute's open–close a little, still
inside [L, H], and the two anchor minutes reach H and L exactly, so the day's 1-minute bars give
back exactly O, H, L and C. Volume follows a U (busy open and close, quiet lunch hours) with
noise; it and the amount are spread by cumulative rounding so that they sum to V and A.
"""
from __future__ import annotations

import zlib

import numpy as np
import pandas as pd

from desktop_app.core.minute_bars import MINUTE_COLUMNS, SLOTS_PER_DAY, aggregate, slot_end_minute

#: How many trading days back each period reaches (eastmoney: 1-minute for the last 5 days,
#: the others for months).
DEMO_DAYS = {"1m": 5, "5m": 60, "15m": 60, "30m": 120, "60m": 250}


def _rng(symbol: str, day: pd.Timestamp) -> np.random.Generator:
    return np.random.default_rng(zlib.crc32(f"{symbol}|{day:%Y-%m-%d}".encode()))


def _spread(total: float, weights: np.ndarray, unit: float) -> np.ndarray:
    """``total`` split in proportion to ``weights`` in multiples of ``unit`` (the last part takes
    the remainder): the parts sum back to ``total``."""
    if not np.isfinite(total) or total <= 0 or weights.sum() <= 0:
        return np.zeros(len(weights))
    cum = np.round(np.cumsum(weights) / weights.sum() * total / unit) * unit
    cum[-1] = total
    return np.diff(np.r_[0.0, cum])


def day_path(symbol: str, day: pd.Timestamp, o: float, h: float, lo: float, c: float,
             volume: float, amount: float) -> pd.DataFrame:
    """The 240 one-minute bars of one day (see the module docstring)."""
    rng = _rng(symbol, day)
    n = SLOTS_PER_DAY
    first_low = c >= o
    a = int(rng.integers(5, n - 60))                  # the first extreme, then the second at least
    b = int(rng.integers(a + 30, n - 5))              # half an hour later: no cliffs
    anchors_t = np.array([0, a, b, n])                 # close of slot t-1 ... t = n is the close
    e1, e2 = (lo, h) if first_low else (h, lo)
    anchors_p = np.array([o, e1, e2, c])
    t = np.arange(n + 1, dtype=float)
    base = np.interp(t, anchors_t, anchors_p)
    scale = max(h - lo, 0.01) * 0.3
    noise = np.zeros(n + 1)
    for s0, s1 in zip(anchors_t[:-1], anchors_t[1:]):  # a Brownian bridge per leg (0 at anchors)
        m = s1 - s0
        if m > 1:
            walk = np.cumsum(rng.normal(0.0, 1.0, m))
            bridge = walk - np.arange(1, m + 1) / m * walk[-1]
            noise[s0 + 1:s1 + 1] = bridge * scale / np.sqrt(m)
    raw = base + noise
    raw = np.where(raw > h, 2 * h - raw, np.where(raw < lo, 2 * lo - raw, raw))   # reflected, not stuck
    path = np.clip(np.round(raw * 100) / 100, lo, h)
    path[anchors_t] = anchors_p                         # exact anchors (O, extremes, C)
    opens, closes = path[:-1].copy(), path[1:].copy()
    opens[0] = o
    wiggle = np.round(np.abs(rng.normal(0.0, scale * 0.1, (2, n))) * 100) / 100
    highs = np.minimum(np.maximum(opens, closes) + wiggle[0], h)
    lows = np.maximum(np.minimum(opens, closes) - wiggle[1], lo)
    x = (np.arange(n) + 0.5) / n
    u = 1.0 + 3.0 * (2 * x - 1) ** 4 + 0.8 * np.exp(-x * 40) + 0.6 * np.exp(-(1 - x) * 60)
    weights = u * rng.lognormal(0.0, 0.35, n)
    vol = _spread(float(volume), weights, 100.0)
    typical = (highs + lows + closes) / 3
    amt = _spread(float(amount), vol * typical, 0.01)
    stamps = pd.Timestamp(day).normalize() + pd.to_timedelta(slot_end_minute(np.arange(n)), unit="min")
    return pd.DataFrame({"open": opens, "high": highs, "low": lows, "close": closes,
                         "volume": vol, "amount": amt},
                        index=pd.DatetimeIndex(stamps, name="date").as_unit("ns"))[MINUTE_COLUMNS]


def demo_minute_bars(symbol: str, daily: pd.DataFrame, period: str) -> pd.DataFrame:
    """``period`` bars for the last ``DEMO_DAYS[period]`` traded days of ``daily`` (the demo
    market's daily bars of ``symbol``)."""
    traded = daily[daily["close"].notna()].tail(DEMO_DAYS[period])
    frames = [day_path(symbol, d, r.open, r.high, r.low, r.close, r.volume, r.amount)
              for d, r in zip(traded.index, traded.itertuples())]
    if not frames:
        return pd.DataFrame(columns=MINUTE_COLUMNS, index=pd.DatetimeIndex([], name="date"), dtype=float)
    return aggregate(pd.concat(frames), period)
