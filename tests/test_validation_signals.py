"""Every day's signal at once (core/score_days.py, core/validation_signals.py): bit-identical to
scoring and presets day by day, and free of look-ahead (truncating after D never changes D)."""
from __future__ import annotations

import numpy as np
import pytest

from desktop_app.core.data.demo import DemoSource
from desktop_app.core.formula import compile_formula
from desktop_app.core.scan import ScanRequest
from desktop_app.core.score_days import score_days
from desktop_app.core.scoring import score_panel
from desktop_app.core.strategies import STRATEGIES, fired_at
from desktop_app.core.validation_signals import chunk_signals


@pytest.fixture(scope="module")
def demo():
    src = DemoSource(n_stocks=300)
    uni = src.universe().set_index("symbol", drop=False)
    return src.panel(), uni


def test_all_days_score_equals_day_by_day_scoring(demo):
    panel, _ = demo
    total, valid = score_days(panel)
    t = panel.shape[1]
    for c in list(range(0, t, 9)) + [t - 1]:
        r = score_panel(panel, at=c)
        assert np.array_equal(r.total, total[:, c], equal_nan=True), c
        assert np.array_equal(r.valid, valid[:, c]), c
    assert valid.sum() > 0.5 * np.isfinite(panel.close).sum()


def test_all_days_presets_equal_fired_at(demo):
    panel, uni = demo
    cs = chunk_signals(ScanRequest(min_score=0), panel, uni.loc[panel.symbols.tolist()])
    for c in range(70, panel.shape[1], 37):
        fired = fired_at(panel, None, at=c)
        for k, sid in enumerate(STRATEGIES):
            assert np.array_equal((cs.presets[:, c] >> k) & 1 == 1, fired[sid]), (sid, c)


def test_signals_use_no_bar_after_their_day(demo):
    panel, uni = demo
    info = uni.loc[panel.symbols.tolist()]
    req = ScanRequest(min_score=55, strategies=["ma_bull", "kdj_golden"], mode="any", price_min=3.0,
                      min_amount=1e7, formula="XG: C > MA(C, 20) AND V > 0;")
    formula = compile_formula(req.formula)
    full = chunk_signals(req, panel, info, formula)
    rng = np.random.default_rng(16)
    for d in rng.choice(np.arange(80, panel.shape[1] - 1), size=8, replace=False):
        cut = type(panel)(panel.symbols, panel.dates[:d + 1], {k: v[:, :d + 1] for k, v in panel.fields.items()})
        part = chunk_signals(req, cut, info, formula)
        assert np.array_equal(part.mask[:, d], full.mask[:, d]), d
        assert np.array_equal(part.total[:, d], full.total[:, d], equal_nan=True), d
        assert np.array_equal(part.presets[:, d], full.presets[:, d]), d
    assert full.mask.sum() > 0


def test_prefilters_as_of_each_day(demo):
    panel, uni = demo
    info = uni.loc[panel.symbols.tolist()]
    base = chunk_signals(ScanRequest(min_score=0, min_listed_days=0, exclude_st=False), panel, info)
    cheap = chunk_signals(ScanRequest(min_score=0, min_listed_days=0, exclude_st=False, price_max=10.0), panel, info)
    with np.errstate(invalid="ignore"):
        assert np.array_equal(cheap.mask, base.mask & (panel.close <= 10.0))
    st = info["is_st"].to_numpy(bool)
    no_st = chunk_signals(ScanRequest(min_score=0, min_listed_days=0), panel, info)
    assert np.array_equal(no_st.mask, base.mask & ~st[:, None]) and st.any()


def test_scoring_only_the_periods_days_is_bit_identical(demo):
    """The validation scores its period's days only (``score_days(panel, columns)``): those days'
    numbers equal the unrestricted ones bit for bit, the other days are left out."""
    panel, uni = demo
    total, valid = score_days(panel)
    t = panel.shape[1]
    cols = np.arange(t - 150, t - 3)
    part, pvalid = score_days(panel, cols)
    assert np.array_equal(part[:, cols], total[:, cols], equal_nan=True)
    assert np.array_equal(pvalid[:, cols], valid[:, cols]) and pvalid[:, cols].sum() > 0
    assert not pvalid[:, :cols[0]].any() and np.isnan(part[:, -1]).all()
    req = ScanRequest(min_score=55, strategies=["ma_bull"], mode="any")
    info = uni.loc[panel.symbols.tolist()]
    full = chunk_signals(req, panel, info)
    only = chunk_signals(req, panel, info, columns=cols)
    assert np.array_equal(only.mask[:, cols], full.mask[:, cols]) and not only.mask[:, :cols[0]].any()


def test_scoring_only_some_cells_is_bit_identical(demo):
    """The validation scores only the cells its other conditions let through
    (``score_days(panel, where=...)``): those cells' numbers equal the unrestricted ones (which
    equal ``score_panel`` above) bit for bit, the others are left out."""
    panel, _ = demo
    total, valid = score_days(panel)
    where = np.random.default_rng(7).random(panel.shape) < 0.3
    part, pvalid = score_days(panel, where=where)
    assert np.array_equal(pvalid, valid & where) and pvalid.sum() > 0
    assert np.array_equal(part[where], total[where], equal_nan=True)
    assert np.isnan(part[~where]).all()
