"""An alert check pass (issue 19).

- ``alert_check_ms``: ``core.alerts.evaluate`` of seven rules (price above/below, change above,
  volume ratio, limit-up, 炸板, stop-loss) on a group holding the whole 5,000-stock demo market
  (quick: 1,000) and on its holdings, at one tick of the demo session (``core/demo_ticks.py``)
  over the last 300 bars. Median of 5. Baseline, in the same run: the same rules one stock at a
  time — each stock's quote row and its bars read through pandas, each condition tested in
  Python — whose firings are checked against the vectorised result.
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from common import metric  # noqa: E402

METRICS = ["alert_check_ms"]


def per_stock(rules, view, codes, holdings) -> set:
    """The firings, one stock and one rule at a time (the baseline)."""
    import numpy as np

    from desktop_app.core.price_limits import limit_on, limit_up_cents
    from desktop_app.core.symbols import board_of

    cost = {h.code: h.cost for h in holdings}
    uni = view.universe.set_index("symbol")
    out = set()
    for c in codes:
        q = view.quotes.loc[c]
        row = list(view.panel.symbols).index(c)
        vol = view.panel.volume[row][-5:]
        ratio = q["volume"] / vol.mean() if np.isfinite(vol).all() and vol.mean() > 0 else np.nan
        up = float(limit_up_cents(q["prev_close"], limit_on(board_of(c), bool(uni.at[c, "is_st"]), view.day)))
        chg = (q["last"] / q["prev_close"] - 1) * 100
        for r in rules:
            p = r.params
            hit = {"price_above": lambda: q["last"] >= p.get("price", 0) - 1e-9 * max(abs(p.get("price", 0)), 1),
                   "price_below": lambda: q["last"] <= p.get("price", 0) + 1e-9 * max(abs(p.get("price", 0)), 1),
                   "change_above": lambda: chg >= p.get("pct", 0) - 1e-9 * max(abs(p.get("pct", 0)), 1),
                   "volume_ratio": lambda: ratio >= p.get("ratio", 0) - 1e-9 * max(abs(p.get("ratio", 0)), 1),
                   "limit_up": lambda: round(q["last"] * 100) >= up,
                   "limit_broken": lambda: round(q["high"] * 100) >= up > round(q["last"] * 100),
                   "stop_loss": lambda: c in cost and q["last"] <= cost[c] * 0.9 + 1e-9 * max(cost[c] * 0.9, 1),
                   }[r.kind]()
            if hit and (r.target_kind != "holdings" or c in cost):
                out.add((r.id, c))
    return out


def run(quick: bool = False) -> dict:
    from desktop_app.core.alerts import AlertRule, MarketView, evaluate
    from desktop_app.core.data.demo import DemoSource
    from desktop_app.core.demo_ticks import demo_snapshot
    from desktop_app.core.portfolio import quotes_from_spot
    from desktop_app.core.watch_store import Holding

    n = 1000 if quick else 5000
    src = DemoSource(n_stocks=n)
    codes = src.universe()["symbol"].astype(str).tolist()
    spot = demo_snapshot(src.spot(), 3)
    quotes = quotes_from_spot(spot)
    for c in ("open", "low", "amount"):
        quotes[c] = spot.set_index("symbol")[c]
    panel = src.panel(codes).tail(300)
    holdings = [Holding(c, 100, float(quotes.at[c, "last"]) * 1.05, "", i) for i, c in enumerate(codes[::10])]
    import datetime as dt

    day = (panel.dates[-1] + dt.timedelta(days=3)).date()
    view = MarketView(quotes, day, panel, src.universe(), holdings, True)
    g = {"all": codes}
    rules = [AlertRule("price_above", "group", "all", {"price": 20.0}, True, 1),
             AlertRule("price_below", "group", "all", {"price": 8.0}, True, 2),
             AlertRule("change_above", "group", "all", {"pct": 5}, True, 3),
             AlertRule("volume_ratio", "group", "all", {"ratio": 0.4}, True, 4),
             AlertRule("limit_up", "group", "all", {}, True, 5),
             AlertRule("limit_broken", "group", "all", {}, True, 6),
             AlertRule("stop_loss", "holdings", "", {"pct": 10}, True, 7)]
    fired = evaluate(rules, view, g)
    walls = []
    for _ in range(5):
        t = time.perf_counter()
        fired = evaluate(rules, view, g)
        walls.append(time.perf_counter() - t)
    wall = statistics.median(walls)
    t = time.perf_counter()
    base = per_stock(rules, view, codes, holdings)
    baseline = time.perf_counter() - t
    got = {(f.rule_id, f.code) for f in fired}
    assert got == base, (len(got), len(base), sorted(got ^ base)[:5])
    print(f"   alert check {wall * 1000:.0f} ms ({len(got)} firings of {len(rules)} rules on {n} stocks); "
          f"per-stock loop {baseline:.2f} s", flush=True)
    return {"alert_check_ms": metric(wall * 1000, "ms", baseline * 1000)}
