"""The fused pass of MACD/RSI/KDJ (core/fused_filters.py) against the separate kernels of
core/indicators.py: equal bit for bit (np.array_equal, NaN positions included), not close."""
from __future__ import annotations

import numpy as np
import pytest

from desktop_app.core import fused_filters as ff
from desktop_app.core import indicators as ind
from desktop_app.core import panel_cache as pc
from desktop_app.core.panel import Panel

NAMES = ("dif", "dea", "macd", "rsi", "k", "d", "j")


def _flat(res):
    (dif, dea, hist), rsi, (k, d, j) = res
    return dif, dea, hist, rsi, k, d, j


def _assert_same(a, b):
    for name, x, y in zip(NAMES, _flat(a), _flat(b)):
        assert x.shape == y.shape, name
        assert np.array_equal(x, y, equal_nan=True), name


def _packed(fields: dict[str, np.ndarray]) -> pc.PackedPanel:
    n, t = fields["close"].shape
    dates = np.datetime64("2021-01-04") + np.arange(t)
    return pc.PackedPanel(Panel(np.array([f"{600000 + i}" for i in range(n)]), dates, fields))


def _gappy_market(n: int = 40, t: int = 260, seed: int = 5) -> dict[str, np.ndarray]:
    """Random walks with suspensions, late listings, a few very short histories, flat stretches
    (RSI's "no movement" and KDJ's "no range" cases) and ties at 0.01 yuan."""
    rng = np.random.default_rng(seed)
    c = np.round(20 + np.cumsum(rng.normal(0, 0.3, (n, t)), axis=1), 2)
    c = np.maximum(c, 0.5)
    h = np.round(c + rng.uniform(0, 0.4, (n, t)), 2)
    l = np.round(c - rng.uniform(0, 0.4, (n, t)), 2)
    a, b = t // 6, t // 3
    c[3, a:b] = c[3, a]                           # flat close ...
    h[3, a:b] = l[3, a:b] = c[3, a]               # ... and no range at all
    for r in range(0, n, 3):                      # suspensions
        c[r, rng.choice(t, t // 20, replace=False)] = np.nan
    c[5, : t // 2] = np.nan                       # listed late
    c[6, : t - 5] = np.nan                        # 5 bars only (no KDJ, no RSI)
    c[7, : t - 1] = np.nan                        # one bar
    c[8] = np.nan                                 # never traded
    return {"close": c, "high": h, "low": l, "open": c.copy(), "volume": np.ones((n, t))}


@pytest.mark.parametrize("tail", [320, 40])
def test_fused_equals_the_separate_kernels_on_the_demo_market(tail):
    from desktop_app.core.data.demo import DemoSource

    p = DemoSource(n_stocks=600).panel().tail(tail)
    x = pc.PackedPanel(p)
    fused = ff.fuse(x.h, x.l, x.c)
    assert fused is not None                      # the fused path itself, not its fallback
    _assert_same(fused, ff.separate(x.h, x.l, x.c))


@pytest.mark.parametrize("params", [((12, 26, 9), 14, (9, 3, 3)), ((5, 35, 5), 6, (14, 5, 2)),
                                    ((3, 4, 2), 2, (2, 2, 1))])
def test_fused_equals_the_separate_kernels_with_gaps_and_other_parameters(params):
    x = _packed(_gappy_market())
    fused = ff.fuse(x.h, x.l, x.c, *params)
    assert fused is not None
    _assert_same(fused, ff.separate(x.h, x.l, x.c, *params))


def test_more_steps_than_a_tile_and_tile_boundaries():
    """Series whose lengths fall on and around the tile boundaries of the loop."""
    for t in (ff.TILE - 2, ff.TILE - 1, ff.TILE, ff.TILE + 1, 3 * ff.TILE, 3 * ff.TILE + 1):
        x = _packed(_gappy_market(n=12, t=t, seed=t))
        fused = ff.fuse(x.h, x.l, x.c)
        assert fused is not None
        _assert_same(fused, ff.separate(x.h, x.l, x.c))


def test_a_panel_row_equals_the_stock_computed_alone():
    """Independent of both 2-D loops: the one-stock path recurses on Python floats."""
    fields = _gappy_market(n=12)
    x = _packed(fields)
    (dif, dea, hist), rsi, (k, d, j) = ff.fuse(x.h, x.l, x.c)
    for i in range(12):
        row = x.pk.packed_mask[i]
        c, h, l = x.c[row, i], x.h[row, i], x.l[row, i]
        alone = (*ind.macd(c), ind.rsi(c), *ind.kdj(h, l, c))
        for name, a, b in zip(NAMES, (dif, dea, hist, rsi, k, d, j), alone):
            assert np.array_equal(a[row, i], b, equal_nan=True), (i, name)


def test_a_flat_series_gives_the_documented_constants():
    c = np.full((30, 3), 10.0)
    (dif, dea, hist), rsi, (k, d, j) = ff.fuse(c, c, c)
    assert (dif == 0).all() and (dea == 0).all() and (hist == 0).all()
    assert np.isnan(rsi[:14]).all() and (rsi[14:] == 50).all()
    assert np.isnan(k[:8]).all() and (k[8:] == 50).all() and (d[8:] == 50).all() and (j[8:] == 50).all()


def test_stocks_starting_at_different_steps_use_the_separate_kernels():
    """Unpacked rows (a stock listed later) start their recursions at different steps, where the
    separate kernels restart after a NaN: the fused pass declines and the result is theirs."""
    f = _gappy_market(n=10)
    c, h, l = (np.ascontiguousarray(f[k].T) for k in ("close", "high", "low"))
    assert ff.fuse(h, l, c) is None
    _assert_same(ff.macd_rsi_kdj(h, l, c), ff.separate(h, l, c))
    one = c[:, :1]
    assert ff.fuse(one, one, one) is None         # one stock: the Python-float kernels


def test_infinities_and_missing_highs_inside_packed_rows():
    f = _gappy_market(n=10)
    f["close"][2, 100] = np.inf                   # not a bar: packed away
    f["high"][4, 120] = np.nan                    # a bar whose high is missing: RSV NaN there
    x = _packed(f)
    fused = ff.fuse(x.h, x.l, x.c)
    assert fused is not None
    _assert_same(fused, ff.separate(x.h, x.l, x.c))


def test_score_and_presets_run_no_separate_recursion(monkeypatch):
    """score_panel + every preset on a panel: MACD, RSI and KDJ come from the fused pass (no
    call of the separate recursion), and every total and signal equals the separate kernels'."""
    from desktop_app.core.data.demo import DemoSource
    from desktop_app.core.scoring import score_panel
    from desktop_app.core.strategies import STRATEGIES, fired_at

    full = DemoSource(n_stocks=300).panel().tail(320)

    def run():
        p = Panel(full.symbols, full.dates, dict(full.fields))
        res = score_panel(p)
        return res, fired_at(p, list(STRATEGIES))

    calls = []
    real = ind._k_recur
    monkeypatch.setattr(ind, "_k_recur", lambda *a, **k: calls.append(1) or real(*a, **k))
    fused_res, fused_fired = run()
    assert calls == []
    monkeypatch.setattr(ff, "fuse", lambda *a, **k: None)
    sep_res, sep_fired = run()
    assert len(calls) == 7                        # EMA fast, slow, DEA, RSI × 2, K, D
    assert np.array_equal(fused_res.total, sep_res.total, equal_nan=True)
    for key in ("dif", "dea", "rsi", "k", "d", "j", "macd"):
        assert np.array_equal(fused_res.values[key], sep_res.values[key], equal_nan=True), key
    assert fused_fired.keys() == sep_fired.keys()
    for sid in fused_fired:
        assert np.array_equal(fused_fired[sid], sep_fired[sid]), sid
