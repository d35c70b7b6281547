"""The demo market's intraday session: deterministic ticks after its last daily bar, so alerts
fire offline (everything they show is labelled DEMO).

The demo's "today" is the trading day after its last bar; its 昨收 is that bar's close. Tick ``k``
(one per snapshot refresh) moves each stock along its own wave, inside its price limit:
``last = round(prev × (1 + 0.9 × limit × sin(2π·k/TICKS_PER_WAVE + phase)), 2)`` with the phase
from a CRC of the code; open is tick 0's price, high/low the extremes of ticks 0..k, volume and
amount grow with k. The same ``k`` always gives the same snapshot.
"""
from __future__ import annotations

import datetime as dt
import zlib

import numpy as np
import pandas as pd

TICKS_PER_WAVE = 12
SHAPE = 0.9           # share of the daily limit a wave reaches


def demo_day(last_bar: dt.date) -> dt.date:
    """The demo session's day: the weekday after its last bar."""
    return (pd.Timestamp(last_bar) + pd.offsets.BDay(1)).date()


def _limits(spot: pd.DataFrame) -> np.ndarray:
    from .symbols import BOARD_PREFIXES, is_st_name

    lim = np.full(len(spot), 0.10)
    codes = spot["symbol"].astype(str).to_numpy()
    for i, c in enumerate(codes):
        if c[:3] in BOARD_PREFIXES["chinext"] + BOARD_PREFIXES["star"]:
            lim[i] = 0.20
        elif c[:3] in BOARD_PREFIXES["bse"]:
            lim[i] = 0.30
        elif is_st_name(str(spot["name"].iloc[i])):
            lim[i] = 0.05
    return lim


def tick_prices(prev: np.ndarray, phase: np.ndarray, limit: np.ndarray, k: int) -> np.ndarray:
    """The price of tick ``k`` (the module docstring's formula)."""
    return np.round(prev * (1.0 + SHAPE * limit * np.sin(2 * np.pi * k / TICKS_PER_WAVE + phase)), 2)


def phases(codes) -> np.ndarray:
    return np.array([(zlib.crc32(str(c).encode()) % 3600) / 3600.0 * 2 * np.pi for c in codes])


def demo_snapshot(base_spot: pd.DataFrame, k: int) -> pd.DataFrame:
    """The demo's snapshot at tick ``k`` from its end-of-data spot (``DemoSource.spot()``)."""
    s = base_spot.copy()
    prev = s["last"].to_numpy(dtype=float)
    ph = phases(s["symbol"])
    lim = _limits(s)
    ticks = np.stack([tick_prices(prev, ph, lim, j) for j in range(k + 1)])
    s["prev_close"] = prev
    s["open"] = ticks[0]
    s["last"] = ticks[-1]
    s["high"] = ticks.max(axis=0)
    s["low"] = ticks.min(axis=0)
    frac = (k + 1) / (4 * TICKS_PER_WAVE)
    s["volume"] = np.round(base_spot["volume"].to_numpy(dtype=float) * frac)
    s["amount"] = s["volume"] * s["last"]
    return s
