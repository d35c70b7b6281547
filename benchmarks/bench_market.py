"""The market at a glance for one day (issue 18).

- ``market_overview_ms``: ``core.market.market_overview`` of the whole 5,000-stock demo market
  (quick: 1,000) for its last day, from a warm store (filled beforehand, read once before timing):
  the universe, the bars' window read from the store, every stock's change, limits, 炸板, 连板 and
  MA20/MA60, the histogram, the amounts, boards, industries, concepts and the ladder. Median of 5.
  Baseline, in the same run: a per-stock pandas loop over the same store — each stock's bars read
  and computed alone (its limit prices, its run of limit-ups walked back, rolling MAs), the groups
  summed in Python — whose counts are checked against the vectorised result.
"""
from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from common import metric  # noqa: E402

METRICS = ["market_overview_ms"]


def per_stock_loop(store, uni, day, window: int) -> dict:
    """The day's counts and ladder, one stock at a time with pandas (the baseline)."""
    import numpy as np
    import pandas as pd

    from desktop_app.core.price_limits import limit_on, no_limit_days

    counts = {"up": 0, "flat": 0, "down": 0, "suspended": 0, "limit_up": 0, "limit_down": 0, "broken": 0}
    industries: dict[str, dict] = {}
    ladder = []
    for r in uni.itertuples():
        df = store.read(r.symbol)
        if df is None:
            continue
        df = df[df.index <= day].tail(window)
        if df.empty:
            continue
        if df.index[-1] != day:
            counts["suspended"] += 1
            continue
        prev_c = (df["close"].shift(1) * 100).round()
        bp = pd.Series([round(limit_on(r.board, r.is_st, d.date()) * 10000) for d in df.index], index=df.index)
        up_c = (prev_c * (10000 + bp) + 5000) // 10000
        dn_c = ((prev_c * (10000 - bp) + 5000) // 10000).clip(lower=1)
        close_c, high_c = (df["close"] * 100).round(), (df["high"] * 100).round()
        free = no_limit_days(r.board, r.listed_date) if pd.Timestamp(r.listed_date) >= df.index[0] else 0
        has = prev_c.notna() & (np.arange(1, len(df) + 1) > free)
        is_up = has & (close_c >= up_c)
        run = 0
        for v in reversed(is_up.tolist()):
            if not v:
                break
            run += 1
        ma20 = df["close"].rolling(20).mean().iloc[-1]
        ma60 = df["close"].rolling(60).mean().iloc[-1]
        g = industries.setdefault(r.industry, {"up": 0, "down": 0, "n": 0, "above20": 0, "above60": 0, "amount": 0.0})
        g["n"] += 1
        g["amount"] += float(df["amount"].iloc[-1])
        g["above20"] += bool(df["close"].iloc[-1] > ma20)
        g["above60"] += bool(df["close"].iloc[-1] > ma60)
        if pd.isna(prev_c.iloc[-1]):
            continue
        move = close_c.iloc[-1] - prev_c.iloc[-1]
        key = "up" if move > 0 else "down" if move < 0 else "flat"
        counts[key] += 1
        g[key] = g.get(key, 0) + 1
        counts["limit_up"] += bool(is_up.iloc[-1])
        counts["limit_down"] += bool(has.iloc[-1] and close_c.iloc[-1] <= dn_c.iloc[-1])
        counts["broken"] += bool(has.iloc[-1] and high_c.iloc[-1] >= up_c.iloc[-1] > close_c.iloc[-1])
        if run:
            ladder.append((-run, r.symbol))
    return {"counts": counts, "ladder": [(s, -k) for k, s in sorted(ladder)], "industries": industries}


def run(quick: bool = False) -> dict:
    from common import stockscan_home

    from desktop_app.core.data.demo import DemoSource
    from desktop_app.core.data.store import BarStore
    from desktop_app.core.market import WINDOW, market_overview

    n = 1000 if quick else 5000
    with stockscan_home(Path(tempfile.mkdtemp(prefix="stockscan-bench-market-"))):
        src = DemoSource(n_stocks=n)
        store = BarStore.for_source(src)
        recs, _ = src.bulk_records(src.universe()["symbol"].tolist())
        store.write_records(recs)                                   # the warm store (not timed)
        res = market_overview(src, store)                           # first read: pages cached
        walls = []
        for _ in range(5):
            t = time.perf_counter()
            res = market_overview(src, store)
            walls.append(time.perf_counter() - t)
        wall = statistics.median(walls)
        import pandas as pd

        uni, day = src.universe(), pd.Timestamp(res.date)
        t = time.perf_counter()
        base = per_stock_loop(store, uni, day, WINDOW)
        baseline = time.perf_counter() - t
        store.close()
    got = {k: res.counts[k] for k in base["counts"]}
    assert got == base["counts"], (got, base["counts"])
    assert [(x["symbol"], x["days"]) for x in res.ladder] == base["ladder"]
    print(f"   market_overview {wall * 1000:.0f} ms ({res.counts['traded']} traded, {res.counts['limit_up']} "
          f"limit-up); per-stock pandas loop {baseline:.2f} s", flush=True)
    return {"market_overview_ms": metric(wall * 1000, "ms", baseline * 1000)}
