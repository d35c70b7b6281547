"""Entry, exit and the can't-buy rule of the forward-return validation on hand-made bars
(core/validation_returns.py), and the portfolio curve computed by hand (costs included)."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from desktop_app.core.panel import Panel
from desktop_app.core.validation_portfolio import Costs, portfolio
from desktop_app.core.validation_returns import (
    BOUGHT, LIMIT_UP, NO_NEXT_DAY, SUSPENDED, Market, entry, forward, limit_up_cents, row_limits)

NAN = math.nan


def _panel(symbols, opens, closes, highs=None, lows=None, volume=None) -> Panel:
    o = np.array(opens, dtype=float)
    c = np.array(closes, dtype=float)
    h = np.fmax(o, c) if highs is None else np.array(highs, dtype=float)
    lo = np.fmin(o, c) if lows is None else np.array(lows, dtype=float)
    v = np.where(np.isfinite(c), 1e6, NAN) if volume is None else np.array(volume, dtype=float)
    dates = pd.bdate_range("2025-01-06", periods=o.shape[1], name="date")
    return Panel(np.array(symbols, dtype=object), dates,
                 {"open": o, "high": h, "low": lo, "close": c, "volume": v, "amount": v * c})


def test_limit_up_price_is_rounded_half_up_to_the_cent():
    # 10.05 × 1.10 = 11.055 -> 11.06 (exchange rounding), ChiNext 9.99 × 1.20 = 11.988 -> 11.99
    assert limit_up_cents(np.array([10.05, 9.99, 3.33]), np.array([0.10, 0.20, 0.05])).tolist() == [1106, 1199, 350]
    assert row_limits(["600001", "300001", "688001", "830799", "000001"], [False, False, False, False, True]).tolist() \
        == [0.10, 0.20, 0.20, 0.30, 0.05]


def test_entry_refuses_limit_up_opens_and_suspensions():
    # rows: main board opening at prev×1.10 (limit-up), main board one cent below, ChiNext at +20 %
    # (limit-up), ChiNext at +10 % (bought: its limit is 20 %), suspended on the entry day,
    # a new listing whose first bar is the entry day (no limit), a main-board ST at +5 %
    p = _panel(["600001", "600002", "300001", "300002", "600003", "600004", "000005"],
               opens=[[10.0, 11.06, 11.5], [10.0, 11.05, 11.5], [10.0, 12.0, 12.1], [10.0, 11.0, 11.2],
                      [10.0, NAN, 10.2], [NAN, 30.0, 31.0], [4.0, 4.20, 4.3]],
               closes=[[10.05, 11.06, 11.6], [10.05, 11.0, 11.4], [10.0, 12.0, 12.2], [10.0, 11.1, 11.3],
                       [10.0, NAN, 10.3], [NAN, 33.0, 32.0], [4.0, 4.20, 4.25]])
    m = Market(p, row_limits(p.symbols, [False] * 6 + [True]))
    rows = np.arange(7)
    status, price = entry(m, rows, np.zeros(7, dtype=int))
    assert status.tolist() == [LIMIT_UP, BOUGHT, LIMIT_UP, BOUGHT, SUSPENDED, BOUGHT, LIMIT_UP]
    assert price[1] == 11.05 and price[3] == 11.0 and price[5] == 30.0 and np.isnan(price[0])
    status, _ = entry(m, np.array([1]), np.array([2]))          # a signal on the last day
    assert status.tolist() == [NO_NEXT_DAY]


def test_exit_at_the_close_k_days_after_entry_delayed_by_a_suspension():
    # signal on day 0, entry at day 1's open (10); +1 = day 2's close, +2 = day 3 suspended -> day 4,
    # +4 = day 5 beyond the data: pending
    p = _panel(["600001"], opens=[[9.9, 10.0, 10.4, NAN, 10.8]],
               closes=[[10.0, 10.2, 10.5, NAN, 11.0]],
               highs=[[10.0, 10.3, 10.9, NAN, 11.2]], lows=[[9.8, 9.7, 10.1, NAN, 10.6]])
    m = Market(p, row_limits(p.symbols, [False]))
    status, price = entry(m, np.array([0]), np.array([0]))
    fw = forward(m, np.array([0]), np.array([0]), status, price, horizons=(1, 2, 4))
    assert fw[1].ret[0] == 10.5 / 10.0 - 1 and fw[1].exit_col[0] == 2 and not fw[1].delayed[0]
    assert fw[2].ret[0] == 11.0 / 10.0 - 1 and fw[2].exit_col[0] == 4 and fw[2].delayed[0]
    assert np.isnan(fw[4].ret[0]) and fw[4].pending[0]
    # excursions over entry day .. exit day: lows 9.7, 10.1 (and 10.6); highs 10.3, 10.9 (11.2)
    assert fw[1].mae[0] == 9.7 / 10 - 1 and fw[1].mfe[0] == 10.9 / 10 - 1
    assert fw[2].mae[0] == 9.7 / 10 - 1 and fw[2].mfe[0] == 11.2 / 10 - 1


def test_portfolio_by_hand_with_costs():
    # A, B, C; days 0..4; top 2, hold 1 (two sleeves of 0.5). Day 1's picks: C (85, opens limit-up on
    # day 2: its slot stays cash) and A (80); day 2's picks: B (90) and A (70).
    p = _panel(["600001", "600002", "600003"],
               opens=[[10, 10, 10.2, 10.6, 11.0], [20, 20, 20, 20.5, 21.0], [10, 10, 11.0, 11.5, 12.0]],
               closes=[[10, 10, 10.5, 11.0, 10.8], [20, 20, 20, 21.0, 22.0], [10, 10, 11.0, 11.5, 12.0]])
    m = Market(p, row_limits(p.symbols, [False] * 3))
    rows, cols = np.array([2, 0, 1, 1, 0]), np.array([1, 1, 1, 2, 2])
    score = np.array([85.0, 80.0, 75.0, 90.0, 70.0])
    status, price = entry(m, rows, cols)
    assert status.tolist() == [LIMIT_UP, BOUGHT, BOUGHT, BOUGHT, BOUGHT]
    costs = Costs(commission=0.0003, stamp_duty=0.0005, slippage=0.001)
    pf = portfolio(m, rows, cols, score, status, price, first_col=1, last_col=2, top_n=2, hold=1, costs=costs,
                   index_close=p.close[1])                     # B's closes as a stand-in index
    buy = lambda alloc, px: alloc / (px * 1.001 * 1.0003)          # noqa: E731
    sell = lambda sh, px: sh * px * 0.999 * (1 - 0.0003 - 0.0005)  # noqa: E731
    a0 = buy(0.25, 10.2)                                        # sleeve 0: A at day 2's open
    eq2 = 0.25 + 0.5 + a0 * 10.5
    b1, a1 = buy(0.25, 20.5), buy(0.25, 10.6)                   # sleeve 1: B and A at day 3's open
    cash0 = 0.25 + sell(a0, 11.0)                               # A (sleeve 0) sold at day 3's close
    eq3 = cash0 + b1 * 21.0 + a1 * 11.0
    eq4 = cash0 + sell(b1, 22.0) + sell(a1, 10.8)
    eq = [1.0, eq2, eq3, eq4]
    assert pf["curve_cols"] == [1, 2, 3, 4]
    np.testing.assert_allclose(pf["equity"], eq, rtol=1e-13)
    assert pf["buys"] == 3 and pf["not_bought"] == 1
    assert math.isclose(pf["total_return"], eq4 - 1, rel_tol=1e-12)
    assert math.isclose(pf["annual_return"], eq4 ** (244 / 3) - 1, rel_tol=1e-9)
    rets = np.diff(eq) / np.array(eq[:-1])
    assert math.isclose(pf["volatility"], float(np.std(rets, ddof=1)) * math.sqrt(244), rel_tol=1e-9)
    peak = np.maximum.accumulate(eq)
    assert math.isclose(pf["max_drawdown"], float(min(np.array(eq) / peak - 1)), abs_tol=1e-15)
    traded = 0.25 + 0.25 + 0.25 + a0 * 11.0 * 0.999 + (b1 * 22.0 + a1 * 10.8) * 0.999
    assert math.isclose(pf["turnover"], traded / 2 / np.mean(eq) * 244 / 3, rel_tol=1e-12)
    np.testing.assert_allclose(pf["index_curve"], [1.0, 1.0, 21 / 20, 22 / 20])


def test_entry_checks_the_exact_limit_only_near_it_and_agrees_with_checking_everywhere():
    """``entry`` computes the exact limit-up price only where the open comes within a few cents
    of it: over random opens around every board's limit, the status equals the exact rule."""
    rng = np.random.default_rng(16)
    n = 4000
    syms = rng.choice(["600001", "300001", "688001", "830799"], size=n)
    st = rng.random(n) < 0.2
    limits = row_limits(syms, st)
    prev = np.round(rng.uniform(1.0, 120.0, n), 2)
    opens = np.round(prev * (1 + limits) + rng.integers(-12, 4, n) / 100.0, 2)
    p = _panel(syms, opens=np.stack([prev, opens], axis=1), closes=np.stack([prev, opens], axis=1))
    m = Market(p, limits)
    status, _ = entry(m, np.arange(n), np.zeros(n, dtype=int))
    exact = np.round(opens * 100.0) >= limit_up_cents(prev, limits)
    assert exact.sum() > 100 and (~exact).sum() > 100
    assert np.array_equal(status == LIMIT_UP, exact)
