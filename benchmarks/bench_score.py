"""score_full_market: score a whole market and evaluate every strategy preset at the last bar.

Panel: the demo market (``DemoSource(n_stocks=5000)``), last 500 trading days (quick: 1,000 × 250).
Value: wall time of ``score_panel(panel)`` + ``fired_at(panel, all presets)`` on a fresh Panel
object (so nothing is cached from a previous round): one warm-up round, then best of 5 (the
machine is shared; the first round also pays for the process's first large allocations).

Baseline: the obvious per-stock pandas implementation of the same score rules (rolling / ewm on
each stock's DataFrame, rules applied with if/elif on the last row), as the seed system does. To
keep the run short it is timed on a sample of 250 stocks (quick: 50), best of 2, and scaled linearly to the
whole panel. The baseline does NOT include the presets, so the reported ratio is a lower bound.
The baseline's totals are checked against ``score_panel`` on the sample (same rules, same numbers).
"""
from __future__ import annotations

import math
import time

import numpy as np
import pandas as pd
from common import metric as _metric  # noqa: E402

METRICS = ["score_full_market"]


def baseline_score(df: pd.DataFrame) -> float:
    """Per-stock pandas score of the last bar (the seed system's approach, with its bugs fixed)."""
    c, h, l, v = df["close"], df["high"], df["low"], df["volume"]
    if len(c) < 60:
        return math.nan
    ma = {n: c.rolling(n).mean() for n in (5, 20, 60)}
    pc = c.shift(1)
    tr = pd.concat([h - l, (h - pc).abs(), (l - pc).abs()], axis=1).max(axis=1)
    atr = tr.rolling(14).mean()
    d = c.diff()
    up = d.clip(lower=0).ewm(alpha=1 / 14, adjust=False).mean()
    dn = d.abs().ewm(alpha=1 / 14, adjust=False).mean()
    rsi = 100 * (up / dn)
    dif = c.ewm(span=12, adjust=False).mean() - c.ewm(span=26, adjust=False).mean()
    dea = dif.ewm(span=9, adjust=False).mean()
    mid = c.rolling(20).mean()
    sd = c.rolling(20).std()
    upper, lower = mid + 2 * sd, mid - 2 * sd
    vr = v.rolling(5).mean() / v.rolling(20).mean().shift(5)
    roc = (c / c.shift(10) - 1) * 100
    x = {k: s.iloc[-1] for k, s in (("close", c), ("pc", pc), ("ma5", ma[5]), ("ma20", ma[20]),
                                    ("ma60", ma[60]), ("atr", atr), ("rsi", rsi), ("dif", dif), ("dea", dea),
                                    ("up", upper), ("lo", lower), ("vr", vr), ("roc", roc))}
    trend = 15 if x["ma5"] > x["ma20"] > x["ma60"] else 10 if x["ma5"] > x["ma20"] else 5 if x["ma20"] > x["ma60"] else 0
    trend += 5 * (int(x["close"] > x["ma5"]) + int(x["close"] > x["ma20"]) + int(x["close"] > x["ma60"]))
    a = x["atr"] / x["close"] * 100
    vol = 15 if 1 <= a <= 2.5 else 10 if 2.5 < a <= 4 else 5 if a < 1 else 0
    r = x["rsi"] if dn.iloc[-1] > 0 else 50.0
    tech = 7 if 40 <= r <= 60 else 10 if (30 <= r < 40 or 60 < r <= 70) else 8 if r < 30 else 2
    tech += 10 if x["dif"] > x["dea"] else 0
    w = x["up"] - x["lo"]
    p = (x["close"] - x["lo"]) / w if w > 0 else 0.5
    tech += 3 if 0.3 <= p <= 0.7 else 5 if p < 0.2 else 1 if p > 0.8 else 0
    upd, down = x["close"] > x["pc"], x["close"] < x["pc"]
    vr_ = x["vr"]
    volu = 20 if vr_ > 1.5 and upd else 15 if vr_ > 1.2 and upd else 10 if vr_ < 0.8 and down else 0 if vr_ > 1.2 and down else 8
    m = x["roc"]
    mom = 10 if m > 5 else 8 if 2 <= m <= 5 else 5 if 0 <= m < 2 else 3 if -2 <= m < 0 else 0
    return float(min(trend, 30) + vol + min(tech, 25) + volu + mom)


def run(quick: bool = False) -> dict:
    from desktop_app.core.data.demo import DemoSource
    from desktop_app.core.panel import Panel
    from desktop_app.core.scoring import score_panel
    from desktop_app.core.strategies import STRATEGIES, fired_at

    n_stocks, days, sample = (1000, 250, 50) if quick else (5000, 500, 250)
    full = DemoSource(n_stocks=n_stocks).panel().tail(days)

    best = math.inf
    for rnd in range(6):
        p = Panel(full.symbols, full.dates, dict(full.fields))  # fresh object: empty indicator cache
        t0 = time.perf_counter()
        res = score_panel(p)
        fired = fired_at(p, list(STRATEGIES))
        if rnd:
            best = min(best, time.perf_counter() - t0)
        del p
    assert len(fired) == len(STRATEGIES)

    rows = np.linspace(0, len(full.symbols) - 1, sample).astype(int)
    frames = [full.row_frame(i) for i in rows]
    per_stock = math.inf
    for _ in range(2):
        t0 = time.perf_counter()
        base = [baseline_score(df) for df in frames]
        per_stock = min(per_stock, (time.perf_counter() - t0) / sample)
    baseline = per_stock * len(full.symbols)

    ours = res.total[rows]
    both = np.isfinite(ours) & np.isfinite(base)
    agree = float(np.mean(np.isclose(ours[both], np.asarray(base)[both]))) if both.any() else 1.0
    if agree < 0.98:
        raise AssertionError(f"baseline and score_panel disagree on {100 * (1 - agree):.1f}% of the sample")
    print(f"   panel {n_stocks}x{days}: score+presets {best:.3f} s; per-stock pandas "
          f"{per_stock * 1e3:.2f} ms/stock -> {baseline:.2f} s; totals agree on {agree:.0%} of {both.sum()}")
    return {"score_full_market": _metric(best, "s", baseline)}


if __name__ == "__main__":
    import sys
    from pathlib import Path
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    print(run(quick="--quick" in sys.argv))
