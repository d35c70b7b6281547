"""Issue 16 speed-ups give the numbers of the plain computations they replace: the universe's
daily forward return on dense blocks equals entry + forward + universe_mean over every cell;
the excursions' dense first offsets equal the one-offset-at-a-time loop (long, delayed windows
included); last_close_before equals its definition stock by stock."""
from __future__ import annotations

import numpy as np
import pytest

from desktop_app.core import validation_returns as vr
from desktop_app.core.cap_index import last_close_before
from desktop_app.core.data.demo import DemoSource
from desktop_app.core.validation_stats import universe_mean


@pytest.fixture(scope="module")
def market():
    from desktop_app.core.panel import Panel

    src = DemoSource(n_stocks=200)
    demo = src.panel()
    fields = {k: np.array(v, dtype=float) for k, v in demo.fields.items()}
    rng = np.random.default_rng(16)
    n, t = demo.shape
    gone = rng.random((n, t)) < 0.03                           # suspensions: no bar
    for r, c0 in zip(rng.integers(0, n, 20), rng.integers(t - 300, t - 30, 20)):
        gone[r, c0:c0 + 30] = True                             # long ones: exits delayed past E+k
    for k in ("open", "high", "low", "close"):
        fields[k][gone] = np.nan
    up = (rng.random((n, t)) < 0.02) & ~gone                   # opens at the limit-up price
    up[:, 0] = False
    prev = last_close_before(fields["close"])
    fields["open"][up] = np.round(prev[up] * 1.1, 2)
    fields["high"][up] = np.fmax(fields["high"][up], fields["open"][up])
    panel = Panel(demo.symbols, demo.dates, fields)
    syms = panel.symbols.tolist()
    st = src.universe().set_index("symbol").reindex(syms)["is_st"].fillna(False).to_numpy()
    return panel, vr.Market(panel, vr.row_limits(syms, st))


def test_last_close_before_is_its_definition(market):
    panel, _m = market
    close = panel.close.copy()
    close[3, :50] = np.nan                                     # listed late
    close[4, 100:130] = np.nan                                 # suspended
    got = last_close_before(close)
    for i in range(0, close.shape[0], 7):
        for j in range(close.shape[1]):
            before = close[i, :j][np.isfinite(close[i, :j])]
            want = before[-1] if len(before) else np.nan
            assert (np.isnan(want) and np.isnan(got[i, j])) or got[i, j] == want
    assert got.flags["C_CONTIGUOUS"] and np.isnan(got[:, 0]).all()


@pytest.mark.parametrize("rows_kind", ["all", "some"])
def test_universe_daily_equals_every_cell_bought_and_sold(market, rows_kind):
    panel, m = market
    n, t = panel.shape
    rows = np.arange(n) if rows_kind == "all" else np.arange(0, n, 3)
    cols = np.arange(t - 300, t) if rows_kind == "all" else np.arange(t - 300, t, 2)
    horizons = [1, 5, 20, 60]
    ur, uc = np.nonzero(np.isfinite(panel.close[rows][:, cols]))
    status, price = vr.entry(m, rows[ur], cols[uc])
    fw = vr.forward(m, rows[ur], cols[uc], status, price, horizons, returns_only=True)
    got = vr.universe_daily(m, rows, cols, horizons)
    for k in horizons:
        want = universe_mean(fw[k].ret, uc, len(cols))[0]
        np.testing.assert_array_equal(got[k], want)
        assert np.isfinite(want).sum() > 100
    assert (status == vr.LIMIT_UP).any() and (status == vr.SUSPENDED).any()


def test_dense_excursions_equal_the_loop(market, monkeypatch):
    panel, m = market
    n, t = panel.shape
    rng = np.random.default_rng(3)
    rows = np.sort(rng.integers(0, n, 4000))
    cols = rng.integers(t - 200, t - 1, 4000)
    order = np.lexsort((cols, rows))
    rows, cols = rows[order], cols[order]
    status, price = vr.entry(m, rows, cols)

    def run(width):
        monkeypatch.setattr(vr, "DENSE_OFFSETS", width)
        return vr.forward(m, rows, cols, status, price, [1, 5, 20, 40])

    loop = run(0)
    assert (loop[40].delayed).any()
    for width in (3, 24, 100):
        got = run(width)
        for k in loop:
            np.testing.assert_array_equal(got[k].mae, loop[k].mae)
            np.testing.assert_array_equal(got[k].mfe, loop[k].mfe)
