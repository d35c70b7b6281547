"""Indicators vs straightforward reference implementations on constructed series."""
from __future__ import annotations

import math

import numpy as np
import pytest

from desktop_app.core import indicators as ind

N = 80
FLAT = np.full(N, 10.37)
LINEAR = 10.0 + 0.1 * np.arange(N)
ALT = np.where(np.arange(N) % 2 == 0, 10.0, 11.0)
RNG = np.random.default_rng(3)
WALK = 20.0 * np.exp(np.cumsum(RNG.normal(0, 0.02, N)))
SERIES = {"flat": FLAT, "linear": LINEAR, "alternating": ALT, "walk": WALK}


def close_hl(c):
    return c * 1.01, c * 0.98  # high, low


# ---------------------------------------------------------------- references (plain Python)
def ref_sma(x, n):
    return [math.nan if i < n - 1 else sum(x[i - n + 1:i + 1]) / n for i in range(len(x))]


def ref_recur(x, alpha, seed=None):
    out, prev = [], None
    for v in x:
        if v is None or (isinstance(v, float) and math.isnan(v)):
            out.append(math.nan)
            continue
        prev = (v if seed is None else alpha * v + (1 - alpha) * seed) if prev is None else alpha * v + (1 - alpha) * prev
        out.append(prev)
    return out


def ref_ema(x, n):
    return ref_recur(list(x), 2 / (n + 1))


def ref_rsi(c, n):
    d = [math.nan] + [c[i] - c[i - 1] for i in range(1, len(c))]
    up = ref_recur([max(v, 0) if not math.isnan(v) else math.nan for v in d], 1 / n)
    dn = ref_recur([abs(v) for v in d], 1 / n)
    out = []
    for i in range(len(c)):
        if i < n:
            out.append(math.nan)
        elif dn[i] == 0:
            out.append(50.0)
        else:
            out.append(100 * up[i] / dn[i])
    return out


def ref_kdj(h, l, c, n=9, m1=3, m2=3):
    rsv = []
    for i in range(len(c)):
        if i < n - 1:
            rsv.append(math.nan)
            continue
        hh, ll = max(h[i - n + 1:i + 1]), min(l[i - n + 1:i + 1])
        rsv.append(50.0 if hh == ll else (c[i] - ll) / (hh - ll) * 100)
    k = ref_recur(rsv, 1 / m1, seed=50.0)
    d = ref_recur(k, 1 / m2, seed=50.0)
    return k, d, [3 * a - 2 * b for a, b in zip(k, d)]


def ref_std(x, n, ddof):
    out = []
    for i in range(len(x)):
        if i < n - 1:
            out.append(math.nan)
        else:
            w = x[i - n + 1:i + 1]
            m = sum(w) / n
            out.append(math.sqrt(sum((v - m) ** 2 for v in w) / (n - ddof)))
    return out


def close(a, b, tol=1e-9):
    np.testing.assert_allclose(np.asarray(a, float), np.asarray(b, float), rtol=tol, atol=tol, equal_nan=True)


# ---------------------------------------------------------------- against references
@pytest.mark.parametrize("name", list(SERIES))
def test_sma_ema_match_reference(name):
    x = SERIES[name]
    for n in (1, 5, 20):
        close(ind.sma(x, n), ref_sma(list(x), n))
        close(ind.ema(x, n), ref_ema(x, n))


def test_sma_flat_is_exact_and_warmup():
    out = ind.sma(FLAT, 5)
    assert np.isnan(out[:4]).all() and not np.isnan(out[4:]).any()
    assert (out[4:] == 10.37).all()  # exact: no float drift on a flat series


def test_ema_seeded_with_first_value():
    out = ind.ema(LINEAR, 12)
    assert out[0] == LINEAR[0]
    assert out[1] == pytest.approx(2 / 13 * LINEAR[1] + 11 / 13 * LINEAR[0])
    assert not np.isnan(out).any()


def test_tdx_sma_is_weighted_recursion():
    out = ind.tdx_sma(ALT, 5, 2)
    close(out, ref_recur(list(ALT), 2 / 5))
    with pytest.raises(ValueError):
        ind.tdx_sma(ALT, 3, 4)


@pytest.mark.parametrize("name", list(SERIES))
def test_macd_convention(name):
    c = SERIES[name]
    dif, dea, m = ind.macd(c)
    e12, e26 = np.array(ref_ema(c, 12)), np.array(ref_ema(c, 26))
    close(dif, e12 - e26)
    close(dea, ref_recur(list(e12 - e26), 0.2))
    close(m, 2 * (dif - dea))  # the ×2 Chinese convention
    if name == "flat":
        assert np.allclose(dif, 0) and np.allclose(m, 0)


@pytest.mark.parametrize("name", list(SERIES))
def test_rsi_wilder(name):
    c = SERIES[name]
    out = ind.rsi(c, 14)
    close(out, ref_rsi(list(c), 14))
    assert np.isnan(out[:14]).all() and not np.isnan(out[14:]).any()


def test_rsi_edge_values():
    assert np.all(ind.rsi(LINEAR, 6)[6:] == 100.0)          # only gains
    assert np.all(ind.rsi(LINEAR[::-1].copy(), 6)[6:] == 0.0)  # only losses
    assert np.all(ind.rsi(FLAT, 6)[6:] == 50.0)              # no movement
    # Wilder (alpha 1/n), not a plain mean: after gains then one loss the value is not Cutler's
    c = np.array([10.0] * 3 + [11, 12, 13, 12, 13, 14, 13, 12, 13, 14, 15, 16, 15, 16, 17.0])
    cut = []
    d = np.diff(c)
    g, lo = np.maximum(d, 0)[-6:].mean(), np.maximum(-d, 0)[-6:].mean()
    cut = 100 * g / (g + lo)
    assert ind.rsi(c, 6)[-1] != pytest.approx(cut, abs=1e-6)
    assert ind.rsi(c, 6)[-1] == pytest.approx(ref_rsi(list(c), 6)[-1])


@pytest.mark.parametrize("name", list(SERIES))
def test_kdj_seeded_50(name):
    c = SERIES[name]
    h, l = close_hl(c)
    k, d, j = ind.kdj(h, l, c)
    rk, rd, rj = ref_kdj(list(h), list(l), list(c))
    close(k, rk), close(d, rd), close(j, rj)
    assert np.isnan(k[:8]).all() and not np.isnan(k[8:]).any()
    rsv0 = (c[8] - l[:9].min()) / (h[:9].max() - l[:9].min()) * 100
    assert k[8] == pytest.approx(50 * 2 / 3 + rsv0 / 3)


def test_kdj_flat_stays_50():
    k, d, j = ind.kdj(FLAT, FLAT, FLAT)
    assert np.allclose(k[8:], 50) and np.allclose(d[8:], 50) and np.allclose(j[8:], 50)


@pytest.mark.parametrize("name", list(SERIES))
def test_boll_sample_std(name):
    c = SERIES[name]
    mid, up, lo = ind.boll(c, 20, 2)
    sd = np.array(ref_std(list(c), 20, 1))
    close(mid, ref_sma(list(c), 20))
    close(up, mid + 2 * sd, 1e-8)
    close(lo, mid - 2 * sd, 1e-8)
    _m, up0, _l = ind.boll(c, 20, 2, ddof=0)
    close(up0, mid + 2 * np.array(ref_std(list(c), 20, 0)), 1e-8)
    if name == "flat":
        assert (up[19:] == 10.37).all() and (lo[19:] == 10.37).all()


def test_atr_simple_mean_of_true_range():
    c = ALT
    h, l = c + 0.5, c - 0.5
    tr = [h[0] - l[0]] + [max(h[i] - l[i], abs(h[i] - c[i - 1]), abs(l[i] - c[i - 1])) for i in range(1, N)]
    close(ind.true_range(h, l, c), tr)
    close(ind.atr(h, l, c, 14), ref_sma(tr, 14))
    assert np.isnan(ind.atr(h, l, c, 14)[:13]).all()


def test_obv_roc_highest_lowest_volume_ratio():
    c = np.array([10, 11, 11, 10, 12, 13, 12.0])
    v = np.array([100, 200, 300, 400, 500, 600, 700.0])
    close(ind.obv(c, v), [0, 200, 200, -200, 300, 900, 200])
    close(ind.roc(c, 2), [np.nan, np.nan, 10, -100 / 11, 100 * 1 / 11, 30, 0])
    close(ind.highest(c, 3), [np.nan, np.nan, 11, 11, 12, 13, 13])
    close(ind.lowest(c, 3), [np.nan, np.nan, 10, 10, 10, 10, 12])
    close(ind.volume_ratio(v, 2), [np.nan, np.nan, 2.0, 400 / 250, 500 / 350, 600 / 450, 700 / 550])
    for n in (1, 2, 3, 4, 5, 7, 9, 13):  # the doubling window covers every n
        x = WALK
        ref = [np.nan] * (n - 1) + [max(x[i - n + 1:i + 1]) for i in range(n - 1, N)]
        close(ind.highest(x, n), ref, 0)


def test_cci_wr_bias():
    c = WALK
    h, l = close_hl(c)
    tp = (h + l + c) / 3
    n = 14
    ref = [math.nan] * (n - 1)
    for i in range(n - 1, N):
        w = tp[i - n + 1:i + 1]
        m = w.mean()
        ref.append((tp[i] - m) / (0.015 * np.abs(w - m).mean()))
    close(ind.cci(h, l, c, n), ref)
    hh = np.array([np.nan] * 9 + [h[i - 9:i + 1].max() for i in range(9, N)])
    ll = np.array([np.nan] * 9 + [l[i - 9:i + 1].min() for i in range(9, N)])
    close(ind.wr(h, l, c, 10), 100 * (hh - c) / (hh - ll))
    close(ind.bias(c, 6), (c / np.array(ref_sma(list(c), 6)) - 1) * 100)


# ---------------------------------------------------------------- shapes, gaps, NaN
def _all_outputs(c, h, l, v):
    outs = [ind.sma(c, 5), ind.ema(c, 9), *ind.macd(c), ind.rsi(c), *ind.kdj(h, l, c), *ind.boll(c),
            ind.atr(h, l, c), ind.obv(c, v), ind.roc(c), ind.highest(c, 10), ind.lowest(c, 10),
            ind.volume_ratio(v), ind.cci(h, l, c), ind.wr(h, l, c), ind.bias(c), ind.tdx_sma(c, 6, 1),
            ind.shift(c, 2), ind.stdev(c, 10)]
    return outs


def test_2d_rows_equal_1d_calls():
    rows = np.vstack([FLAT, LINEAR, ALT, WALK])
    h, l = close_hl(rows)
    v = 1000 + 100 * rows
    two = _all_outputs(rows, h, l, v)
    for i in range(rows.shape[0]):
        one = _all_outputs(rows[i], h[i], l[i], v[i])
        for a, b in zip(two, one):
            np.testing.assert_array_equal(a[i], b)


def test_gaps_are_skipped():
    """A row with NaN gaps equals the same stock computed on its gap-free series."""
    gap_at = [0, 1, 17, 18, 19, 40, 79]  # leading (not listed), middle (suspended), last
    full = np.vstack([WALK, LINEAR])
    with_gaps = full.copy()
    with_gaps[0, gap_at] = np.nan
    h, l = close_hl(with_gaps)
    v = 1000 + 100 * with_gaps
    keep = np.setdiff1d(np.arange(N), gap_at)
    own = WALK[keep]
    hh, ll = close_hl(own)
    panel_out = _all_outputs(with_gaps, h, l, v)
    own_out = _all_outputs(own, hh, ll, 1000 + 100 * own)
    for a, b in zip(panel_out, own_out):
        assert np.isnan(a[0, gap_at]).all()
        np.testing.assert_array_equal(a[0, keep], b)
    # the gap-free neighbour row is unaffected by row 0's gaps
    np.testing.assert_array_equal(panel_out[0][1], ind.sma(LINEAR, 5))


def test_nan_in_one_input_invalidates_that_bar_only():
    c = WALK.copy()
    h, l = close_hl(c)
    h[30] = np.nan
    k, _d, _j = ind.kdj(h, l, c)
    assert np.isnan(k[30]) and not np.isnan(k[31:]).any()


def test_all_nan_and_short_rows():
    x = np.vstack([np.full(10, np.nan), np.arange(10.0)])
    assert np.isnan(ind.sma(x, 5)[0]).all()
    assert np.isnan(ind.ema(x, 5)[0]).all()
    assert np.isnan(ind.sma(np.arange(3.0), 5)).all()
    with pytest.raises(ValueError):
        ind.sma(np.zeros((2, 2, 2)), 2)


def test_packed_rows_roundtrip_and_position():
    mask = np.array([[True, False, True, True], [False, False, True, True], [True, True, True, False]])
    pk = ind.PackedRows(mask)
    a = np.arange(12.0).reshape(3, 4)
    packed = pk.pack(a)
    np.testing.assert_array_equal(packed[0], [0, 2, 3, np.nan])
    np.testing.assert_array_equal(packed[1], [6, 7, np.nan, np.nan])
    back = pk.unpack(packed)
    np.testing.assert_array_equal(back, np.where(mask, a, np.nan))
    np.testing.assert_array_equal(pk.position(2), [1, 0, 2])
    np.testing.assert_array_equal(pk.position(1), [-1, -1, 1])
    np.testing.assert_array_equal(pk.count_until(1), [1, 0, 2])


def test_single_row_fast_path_equals_the_panel_loop_bit_for_bit():
    """The one-stock recursion (used by the chart) must give the same bits as the 2-D loop."""
    from desktop_app.core.indicators import _k_recur, _k_recur_general

    rng = np.random.default_rng(3)
    x = np.cumsum(rng.normal(size=300)) + 50
    x[:7] = np.nan
    col = x.reshape(-1, 1)
    two = np.hstack([col, col])  # same start in both columns -> the vectorised loop
    for seed in (None, 50.0):
        one = _k_recur(col, 0.2, seed)
        assert np.array_equal(one[:, 0], _k_recur(two, 0.2, seed)[:, 0], equal_nan=True)
        assert np.array_equal(one[:, 0], _k_recur_general(two, 0.2, seed)[:, 0], equal_nan=True)


def test_degenerate_ranges_follow_the_documented_conventions():
    """docs/INDICATORS.md: WR 50 and RSV 50 when the range is 0, CCI 0 when AVEDEV is 0, the
    volume ratio NaN where the previous mean volume is 0, no warnings or infinities anywhere."""
    c = np.r_[np.full(30, 10.0), 10.5, np.full(30, 10.5)]   # flat, a step, flat again (一字板 days)
    with np.errstate(all="raise"):
        wr, cci = ind.wr(c, c, c, 10), ind.cci(c, c, c, 14)
        k, d, _j = ind.kdj(c, c, c)
        vr = ind.volume_ratio(np.r_[np.zeros(10), np.full(5, 100.0)], 5)
    assert (wr[9:30] == 50).all() and (wr[-10:] == 50).all() and wr[30] == 0   # close at the high
    assert (cci[13:30] == 0).all() and (cci[-14:] == 0).all() and cci[30] > 0
    assert (k[8:30] == 50).all() and (d[8:30] == 50).all()
    assert np.isnan(vr[:11]).all() and vr[-1] == 100 / 80   # previous five: 0, 100, 100, 100, 100
    assert not np.isinf(np.r_[wr, cci, k, d]).any()


def test_panel_rows_bit_identical_to_single_stock_on_the_demo_market():
    """docs/INDICATORS.md promises bit-identical panel and single-stock results. On the demo
    market (0.01-yuan prices, 300 stocks, a few suspensions added) every output of every row must
    equal the stock computed alone. A numpy reduction whose summation order depends on the memory
    layout (CCI's AVEDEV once: two of these rows differed in the last bits) fails here."""
    from desktop_app.core.data.demo import DemoSource

    p = DemoSource(n_stocks=300).panel().tail(300)
    c, h, l, v = (p.fields[k].copy() for k in ("close", "high", "low", "volume"))
    rng = np.random.default_rng(11)
    for r in range(0, len(c), 7):
        c[r, rng.choice(c.shape[1], 5, replace=False)] = np.nan
    two = _all_outputs(c, h, l, v)
    for i in range(len(c)):
        one = _all_outputs(c[i], h[i], l[i], v[i])
        for k, (a, b) in enumerate(zip(two, one)):
            assert np.array_equal(a[i], b, equal_nan=True), (i, k)


def test_stdev_of_a_flat_window_is_exactly_zero_whatever_came_before():
    """Sums of deviations from a first value far from the window used to leave a residue of up
    to ~1e-6 yuan on a flat window (first close 162.35, then 63.07 flat), so BOLL's bands did not
    meet the close. A window of identical values has standard deviation 0 exactly."""
    rng = np.random.default_rng(0)
    rows = []
    for _ in range(200):
        first, level = np.round(rng.uniform(0.5, 200, 2), 2)
        rows.append(np.r_[first, np.full(25, level)])
    x = np.vstack(rows)
    assert (ind.stdev(x, 20)[:, 20:] == 0).all()
    mid, up, lo = ind.boll(x)
    assert (up == mid)[:, 20:].all() and (lo == mid)[:, 20:].all()
    # the mean itself is the level up to rounding (deviation sums), i.e. equal for price_compare
    from desktop_app.core import price_compare
    assert price_compare.eq(mid[:, 20:], x[:, 20:]).all()
    assert ind.stdev(np.array([162.35] + [63.07] * 25), 20)[-1] == 0.0
    # one different value in the window: not flat, the ordinary formula
    y = np.r_[162.35, np.full(25, 63.07), 63.08]
    close(ind.stdev(y, 20)[-1], np.std(y[-20:], ddof=1), 1e-9)
