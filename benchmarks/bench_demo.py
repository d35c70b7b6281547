"""How long the demo market takes to build: 5,000 stocks × ~3.2 years of daily bars.

``demo_generate_full_market``: seconds for a fresh ``DemoSource()`` to produce its universe, the
whole bar panel and the spot snapshot (best of a few runs).

Baseline: the obvious per-stock approach to the same model: for every stock a Python loop over
days (GARCH variance, drift regimes, limit clipping on the rounded close all depend on the previous
day), then a pandas DataFrame of OHLCV per stock. Because it is linear in the number of stocks and
slow, it is timed on a subset of stocks and scaled to 5,000 (the subset size is reported).
"""
from __future__ import annotations

import math
import random
import sys
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from desktop_app.core.calendar import last_trading_day  # noqa: E402
from desktop_app.core.data.demo import DemoSource  # noqa: E402
from common import metric as _metric  # noqa: E402

METRICS = ["demo_generate_full_market"]
N_STOCKS = 5000


def _vectorised(end) -> float:
    t0 = time.perf_counter()
    src = DemoSource(end=end)
    src.universe()
    src.panel()
    src.spot()
    return time.perf_counter() - t0


def _naive_stock(rng: random.Random, dates: pd.DatetimeIndex, limit: float) -> pd.DataFrame:
    """One stock, the per-stock way: scalar recursion over days, then a DataFrame."""
    vol = 0.021 * math.exp(rng.gauss(0, 0.2))
    a, b = 0.08, 0.90
    h, eps_prev, drift = vol * vol, 0.0, rng.gauss(0, 0.002)
    prev = round(13 * math.exp(rng.gauss(0, 0.7)) * 100)
    anchor = math.log(prev)
    float_lots = 5e8 * rng.uniform(0.35, 1) / 1e4
    rows = []
    for _ in range(len(dates)):
        if rng.random() < 1 / 45:
            drift = rng.gauss(0, 0.002)
        h = vol * vol * (1 - a - b) + a * eps_prev * eps_prev + b * h
        s = math.sqrt(h)
        eps = s * rng.gauss(0, 1)
        r = drift + eps + rng.gauss(0, 0.007) - 0.004 * (math.log(prev) - anchor)
        up, dn = math.floor(prev * (1 + limit) + 0.5), max(math.floor(prev * (1 - limit) + 0.5), 1)
        c = min(max(math.floor(prev * math.exp(r) + 0.5), dn), up)
        ret = c / prev - 1
        o = min(max(math.floor(prev * (1 + 0.3 * ret + 0.4 * s * rng.gauss(0, 1)) + 0.5), dn), up)
        hi = min(math.ceil(max(o, c) * (1 + 0.55 * s * abs(rng.gauss(0, 1)))), up)
        lo = max(math.floor(min(o, c) * (1 - 0.55 * s * abs(rng.gauss(0, 1)))), dn)
        v = max(round(1.5 * (s / vol) ** 1.2 * (1 + 4 * abs(ret)) * float_lots), 1) * 100
        rows.append((o / 100, hi / 100, lo / 100, c / 100, v))
        eps_prev, prev = eps, c
    df = pd.DataFrame(rows, columns=["open", "high", "low", "close", "volume"], index=dates)
    df["amount"] = (df["volume"] * (df["open"] + df["high"] + df["low"] + df["close"]) / 4).round()
    df["turnover"] = df["volume"] / (float_lots * 1e4) * 100
    return df


def _naive(end, n_sub: int) -> float:
    dates = DemoSource(n_stocks=10, end=end).calendar()
    rng = random.Random(7)
    t0 = time.perf_counter()
    frames = {f"{600000 + i:06d}": _naive_stock(rng, dates, 0.10) for i in range(n_sub)}
    pd.concat(frames, names=["symbol"])
    return (time.perf_counter() - t0) * N_STOCKS / n_sub


def run(quick: bool = False) -> dict:
    end = last_trading_day()
    repeats = 1 if quick else 3
    value = min(_vectorised(end) for _ in range(repeats))
    n_sub = 100 if quick else 500
    baseline = _naive(end, n_sub)
    print(f"   demo market: {value:.2f} s vectorised; per-stock baseline {baseline:.1f} s "
          f"(timed on {n_sub} stocks, scaled to {N_STOCKS})", flush=True)
    return {"demo_generate_full_market": _metric(value, "s", baseline)}


if __name__ == "__main__":
    print(run(quick="--quick" in sys.argv))
