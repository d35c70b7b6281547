"""Exact ties are decided as ties, never by float error (issue 11, item 12; docs/INDICATORS.md,
"Comparisons"). The reference is exact rational arithmetic on 0.01-yuan prices (fractions)."""
from __future__ import annotations

from fractions import Fraction as F

import numpy as np
import pandas as pd
import pytest

from desktop_app.core import indicators as ind
from desktop_app.core import price_compare as pcmp
from desktop_app.core.panel import Panel
from desktop_app.core.scoring import score_frame


def bars(close, high=None, low=None, volume=None, open_=None):
    close = np.asarray(close, float)
    n = len(close)
    high = close if high is None else np.asarray(high, float)
    low = close if low is None else np.asarray(low, float)
    volume = np.full(n, 1e6) if volume is None else np.asarray(volume, float)
    open_ = close if open_ is None else np.asarray(open_, float)
    idx = pd.bdate_range(end="2025-12-31", periods=n, name="date")
    return pd.DataFrame({"open": open_, "high": high, "low": low, "close": close, "volume": volume,
                         "amount": close * volume, "turnover": 1.0}, index=idx)


def exact_ma(cents: np.ndarray, n: int, i: int) -> F:
    return F(int(cents[i - n + 1:i + 1].sum()), 100 * n)


def sign(x: F) -> int:
    return (x > 0) - (x < 0)


# ---------------------------------------------------------------- the helper itself
def test_helper_relations_and_nan():
    a = np.array([1.0, 1.0, 2.0, np.nan, 12.74])
    b = np.array([1.0, 2.0, 1.0, 1.0, 12.739999999999998])
    assert pcmp.gt(a, b).tolist() == [False, False, True, False, False]
    assert pcmp.ge(a, b).tolist() == [True, False, True, False, True]
    assert pcmp.lt(a, b).tolist() == [False, True, False, False, False]
    assert pcmp.le(a, b).tolist() == [True, True, False, False, True]
    assert pcmp.eq(a, b).tolist() == [True, False, False, False, True]
    assert pcmp.eq(np.nan, np.nan) == np.False_            # NaN meets no condition
    assert pcmp.compare(5.000000000000004, ">", 5) == np.False_    # (10.5 / 10 - 1) × 100
    assert pcmp.compare(5.000000000000004, ">=", 5) == np.True_
    assert pcmp.gt(1e-300, 0.0) and pcmp.lt(-1e-300, 0.0)      # comparisons with 0 are exact
    assert pcmp.gt(np.inf, 1.0) and pcmp.lt(1.0, np.inf)
    with pytest.raises(ValueError):
        pcmp.compare(1.0, "=>", 2.0)


def test_helper_is_the_documented_relation_on_arbitrary_floats():
    """|a − b| ≤ 1e-9 × min(|a|, |b|) is equality, evaluated exactly (fractions of the floats);
    negatives, zeros, ties at 0.3× and 3× the tolerance; NaN meets nothing, infinities compare as
    IEEE does; arrays and broadcasting against a scalar."""
    rng = np.random.default_rng(9)
    n = 4000
    a = rng.choice([-1, 1], n) * 10 ** rng.uniform(-3, 4, n)
    kind = rng.integers(0, 5, n)
    b = np.where(kind == 0, a * (1 + 0.3e-9 * rng.choice([-1, 1], n)),      # within the tolerance
        np.where(kind == 1, a * (1 + 3e-9 * rng.choice([-1, 1], n)),        # beyond it
        np.where(kind == 2, rng.choice([-1, 1], n) * 10 ** rng.uniform(-3, 4, n), a)))
    b[kind == 4] = 0.0
    a[:7] = [np.nan, 1.0, np.inf, np.inf, 0.0, -np.inf, np.inf]
    b[:7] = [1.0, np.nan, 1.0, np.inf, 0.0, np.inf, -np.inf]
    r = F(1, 10 ** 9)

    def exact(x, y):
        if not (np.isfinite(x) and np.isfinite(y)):
            return None
        fx, fy = F(float(x)), F(float(y))
        t = r * min(abs(fx), abs(fy))
        return 1 if fx - fy > t else -1 if fy - fx > t else 0

    got = {op: pcmp.compare(a, op, b) for op in pcmp.OPS}
    for i in range(n):
        e = exact(a[i], b[i])
        if e is None:                  # NaN meets nothing; infinities compare as IEEE does
            x, y = a[i], b[i]
            plain = {">": x > y, ">=": x >= y, "<": x < y, "<=": x <= y, "==": x == y}
            assert {op: bool(got[op][i]) for op in got} == plain, (x, y)
            continue
        want = {">": e > 0, ">=": e >= 0, "<": e < 0, "<=": e <= 0, "==": e == 0}
        assert {op: bool(got[op][i]) for op in got} == want, (a[i], b[i])
    assert bool(pcmp.gt(np.inf, 1.0)) and bool(pcmp.lt(1.0, np.inf))
    np.testing.assert_array_equal(pcmp.ge(a[7:], 2.0), [exact(x, 2.0) >= 0 for x in a[7:]])


@pytest.mark.parametrize("level, first_offset", [(12.74, 1234), (1800.00, 99999), (0.53, 1234)])
def test_helper_agrees_with_exact_arithmetic_on_grid_prices(level, first_offset):
    """Close vs MA5/10/20/60/250 and MA vs MA on a 0.01-yuan walk that ties often: the helper on
    the float values must give the exact rational comparison every time (both ways: float error
    ignored, the smallest real difference — 0.01/250 yuan at 1,800 yuan — kept)."""
    rng = np.random.default_rng(int(level * 100))
    t = 420
    cents = np.round(level * 100) + np.cumsum(rng.integers(-2, 3, t))
    cents[0] += first_offset         # a first value far from the rest (the sums' reference): float error
    cents = cents.astype(np.int64)
    close = cents / 100.0
    mas = {n: ind.sma(close, n) for n in (5, 10, 20, 60, 250)}
    float_wrong = 0
    checked = 0
    for i in range(249, t):
        ex = {n: exact_ma(cents, n, i) for n in mas}
        for n in mas:      # the rounding error the tolerance must absorb: far below 1e-9
            assert abs(F(float(mas[n][i])) - ex[n]) <= ex[n] * F(1, 10 ** 13)
        pairs = [(F(int(cents[i]), 100), close[i], ex[n], mas[n][i]) for n in mas]
        pairs += [(ex[a], mas[a][i], ex[b], mas[b][i]) for a, b in ((5, 10), (10, 20), (20, 60), (5, 20), (60, 250))]
        for xa, fa, xb, fb in pairs:
            s = sign(xa - xb)
            assert bool(pcmp.gt(fa, fb)) == (s > 0)
            assert bool(pcmp.lt(fa, fb)) == (s < 0)
            assert bool(pcmp.eq(fa, fb)) == (s == 0)
            assert bool(pcmp.ge(fa, fb)) == (s >= 0) and bool(pcmp.le(fa, fb)) == (s <= 0)
            float_wrong += ((fa > fb) != (s > 0)) or ((fa < fb) != (s < 0))
            checked += 1
    assert checked > 1000
    assert float_wrong > 0     # the walk does produce ties that plain float comparison gets wrong


# ---------------------------------------------------------------- ties in the score
def _tie_close_ma5():
    # The last five closes average exactly to the last close, 12.74 (12.75 + 12.77 + 12.74 + 12.70
    # + 12.74 = 63.70); with this history MA5 computes as 12.739999999999998.
    c = np.r_[8.87, np.full(70, 12.5), 12.75, 12.77, 12.74, 12.70, 12.74]
    assert sum(F(str(x)) for x in c[-5:]) / 5 == F("12.74")
    return c


def test_score_close_equal_to_ma5_is_not_above():
    c = _tie_close_ma5()
    res = score_frame(bars(c))
    assert res.values["ma5"][0] == 12.739999999999998 and res.values["close"][0] == 12.74  # the float tie
    assert res.rule_points["trend.close_gt_ma5"][0] == 0
    assert not [t for t in res.trace(0) if t.rule_id == "trend.close_gt_ma5"][0].met
    # one cent higher it is above
    up = c.copy()
    up[-1] = 12.75
    assert score_frame(bars(up)).rule_points["trend.close_gt_ma5"][0] == 5


def test_score_roc10_of_exactly_5_percent_is_in_the_2_to_5_tier():
    c = np.r_[np.full(70, 10.0), np.full(9, 10.2), 10.5]      # 10.5 / 10.0 − 1 = exactly 5 %
    res = score_frame(bars(c))
    assert res.values["roc10"][0] == 5.000000000000004
    assert res.rule_points["momentum.good"][0] == 8 and res.rule_points["momentum.strong"][0] == 0


@pytest.mark.parametrize("close, high, low, rule, exact_pct", [
    (6.40, 6.48, 6.32, "volatility.calm", "2.5"),      # TR 0.16 / 6.40 = exactly 2.5 %  -> 15 (1 ≤ x ≤ 2.5)
    (5.50, 5.61, 5.39, "volatility.lively", "4"),      # TR 0.22 / 5.50 = exactly 4 %    -> 10 (2.5 < x ≤ 4)
])
def test_score_atr_pct_on_a_tier_boundary(close, high, low, rule, exact_pct):
    assert (F(str(high)) - F(str(low))) / F(str(close)) * 100 == F(exact_pct)
    n = 80
    res = score_frame(bars(np.full(n, close), np.full(n, high), np.full(n, low)))
    assert res.values["atr_pct"][0] != float(exact_pct)     # float error around the boundary
    assert res.rule_points[rule][0] > 0


def test_score_ma5_equal_to_ma20_is_not_the_bullish_order():
    """MA5 == MA20 exactly (11.99) but computed 11.99 vs 11.989999999999998: the MA-order tier
    falls to "MA20 > MA60" (5 points) and ma_trend() says mixed, not bull."""
    last20 = [1198, 1200, 1185, 1195, 1204, 1190, 1219, 1199, 1187, 1219,
              1219, 1198, 1184, 1185, 1203, 1189, 1187, 1217, 1220, 1182]
    cents = np.r_[1975, np.linspace(800, 1150, 70).round(), last20].astype(np.int64)
    assert exact_ma(cents, 5, len(cents) - 1) == exact_ma(cents, 20, len(cents) - 1) == F("11.99")
    assert exact_ma(cents, 20, len(cents) - 1) > exact_ma(cents, 60, len(cents) - 1)
    res = score_frame(bars(cents / 100))
    assert res.values["ma5"][0] > res.values["ma20"][0]              # the float error
    assert res.rule_points["trend.ma_bull"][0] == 0 and res.rule_points["trend.ma5_gt_ma20"][0] == 0
    assert res.rule_points["trend.ma20_gt_ma60"][0] == 5
    assert res.ma_trend(0) == "mixed"


def test_panel_and_single_stock_decide_ties_alike():
    c = _tie_close_ma5()
    other = bars(10 * 1.01 ** np.arange(len(c)))
    p = Panel.from_frames({"000001": bars(c), "000002": other})
    from desktop_app.core.scoring import score_panel
    res = score_panel(p)
    assert res.rule_points["trend.close_gt_ma5"][0] == 0 and res.rule_points["trend.close_gt_ma5"][1] == 5


@pytest.mark.parametrize("k", [2.0, 0.97, -7.0, -0.05, 0.0, 1e-300, -1e-300, np.inf, -np.inf, np.nan])
def test_helper_against_a_scalar_is_the_same_relation(k):
    """Thresholds take a one-comparison path; it must agree with the array-against-array relation
    (itself checked against exact arithmetic above) on every value, either side of the operator."""
    rng = np.random.default_rng(3)
    base = k if np.isfinite(k) and k != 0 else 1.0
    a = np.r_[base * (1 + rng.choice([-1, 1], 2000) * 10 ** rng.uniform(-12, -7, 2000)),   # near ties
              rng.normal(0, 10, 500), -rng.uniform(0, 5, 200),
              [k, -k, 0.0, -0.0, np.nan, np.inf, -np.inf, 1e-300, -1e-300]]
    full = np.full_like(a, k)
    for op in pcmp.OPS:
        np.testing.assert_array_equal(pcmp.compare(a, op, k), pcmp.compare(a, op, full), err_msg=f"a {op} {k}")
        np.testing.assert_array_equal(pcmp.compare(k, op, a), pcmp.compare(full, op, a), err_msg=f"{k} {op} a")
