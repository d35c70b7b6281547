"""Issue 16's last speed-ups give the numbers of the computations they replace: the presets and
the score on the period's span of packed bars (``panel_cache.SpanView``) equal the full
history's; chunks of stocks taken by age and put back in (row, column) order change nothing;
the median and percentiles from one partition are numpy's; the prices read through a column
slice's row pitch are those of a contiguous copy."""
from __future__ import annotations

import numpy as np
import pytest

from desktop_app.core import panel_cache as pc
from desktop_app.core import validation_compute as vc
from desktop_app.core import validation_returns as vr
from desktop_app.core.data.demo import DemoSource
from desktop_app.core.panel import Panel
from desktop_app.core.scan import ScanRequest
from desktop_app.core.score_days import score_days, span_start
from desktop_app.core.strategies import LOOKBACK, STRATEGIES, packed_signals
from desktop_app.core.validation import Period, validate
from desktop_app.core.validation_signals import chunk_signals
from desktop_app.core.validation_stats import PERCENTILES, order_stats


@pytest.fixture(scope="module")
def demo():
    src = DemoSource(n_stocks=240, years=3.0)
    return src, src.panel(), src.universe().set_index("symbol", drop=False)


@pytest.fixture(scope="module")
def mature(demo):
    """The stocks with bars on every day of the last 120 and 200 bars before them: their span
    starts well inside the history."""
    _src, panel, uni = demo
    t = panel.shape[1]
    fin = np.isfinite(panel.close)
    keep = np.flatnonzero(fin[:, t - 120:].all(axis=1) & (fin[:, :t - 120].sum(axis=1) >= 200))
    sub = panel.rows(keep)
    return sub, uni.loc[sub.symbols.tolist()], np.arange(t - 120, t)


def test_the_span_starts_the_presets_lookback_before_the_period(mature):
    sub, _info, cols = mature
    start = span_start(sub, cols)
    before = np.isfinite(sub.close[:, :cols[0]]).sum(axis=1)
    assert start == before.min() - (LOOKBACK - 1) > 0
    assert span_start(sub, None) == 0 and pc.packed_panel(sub).span(0) is pc.packed_panel(sub)


def test_presets_on_the_span_equal_the_full_history(mature):
    sub, _info, cols = mature
    start = span_start(sub, cols)
    full = packed_signals(sub)
    pc.drop_cache(sub)
    span = packed_signals(sub, start=start)
    for sid in STRATEGIES:
        assert span[sid].shape == (sub.shape[1] - start, sub.shape[0])
        assert np.array_equal(span[sid][LOOKBACK - 1:], full[sid][start + LOOKBACK - 1:]), sid
    assert sum(int(full[sid][start:].sum()) for sid in STRATEGIES) > 100
    pc.drop_cache(sub)


def test_score_and_signals_on_the_span_equal_the_full_history(mature):
    sub, info, cols = mature
    total, valid = score_days(sub)
    pc.drop_cache(sub)
    part, pvalid = score_days(sub, cols)
    assert np.array_equal(part[:, cols], total[:, cols], equal_nan=True)
    assert np.array_equal(pvalid[:, cols], valid[:, cols]) and pvalid[:, cols].sum() > 1000
    req = ScanRequest(min_score=50, strategies=["ma_bull", "kdj_golden"], mode="any")
    pc.drop_cache(sub)
    full = chunk_signals(req, sub, info)
    only = chunk_signals(req, sub, info, columns=cols)
    assert only.start > 0 and full.start == 0
    assert np.array_equal(only.mask[:, cols], full.mask[:, cols]) and only.mask[:, cols].sum() > 100
    rr, cc = np.nonzero(np.isfinite(sub.close[:, cols]))
    assert np.array_equal(only.presets_at(rr, cols[cc]), full.presets_at(rr, cols[cc]))
    assert (only.presets_at(rr, cols[cc]) != 0).sum() > 100


def test_chunks_by_age_in_any_size_give_the_same_validation(demo, monkeypatch):
    """Chunks of 37 stocks (many spans, young stocks together) or in plain row order: the same
    result, number for number."""
    src, _panel, _uni = demo

    from desktop_app.core.data.store import BarStore

    store = BarStore.for_source(src)      # empty: the demo market is read from memory, as in a first scan
    req = ScanRequest(min_score=60, strategies=["ma_bull", "turtle_breakout"], mode="any")

    def run():
        d = validate(req, Period(days=120), src, store).to_dict()
        d.pop("elapsed")
        return d

    base = run()
    monkeypatch.setattr(vc, "CHUNK", 37)
    small = run()
    monkeypatch.setattr(vc, "_by_age", lambda panel, rows, first_col: rows)
    plain = run()
    assert base == small == plain and base["signals"] > 50 and len(base["presets"]) > 2


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 10, 11, 99, 100, 1001])
def test_order_stats_are_numpys_median_and_percentiles(n):
    rng = np.random.default_rng(n)
    for r in (rng.normal(0, 0.05, n), np.round(rng.normal(0, 0.05, n), 2), rng.integers(-2, 3, n) / 7.0):
        median, pct = order_stats(r.copy())
        assert np.float64(median).tobytes() == np.float64(np.median(r)).tobytes()
        assert pct.tobytes() == np.percentile(r, PERCENTILES).tobytes()


def test_prices_read_through_a_slices_pitch_equal_a_contiguous_copy(demo):
    _src, panel, _uni = demo
    n, t = panel.shape
    sliced = Panel(panel.symbols, panel.dates[5:-3], {k: v[:, 5:-3] for k, v in panel.fields.items()})
    copied = Panel(sliced.symbols, sliced.dates, {k: np.ascontiguousarray(v) for k, v in sliced.fields.items()})
    assert not sliced.close.flags["C_CONTIGUOUS"]
    limits = np.full(n, 0.1)
    a, b = vr.Market(sliced, limits), vr.Market(copied, limits)
    assert a.close.base is not None and np.shares_memory(a.close, panel.close)
    assert np.array_equal(a.prev, b.prev, equal_nan=True) and np.array_equal(a.next_bar, b.next_bar)
    rng = np.random.default_rng(5)
    rows, cols = rng.integers(0, n, 3000), rng.integers(0, t - 8, 3000)
    order = np.lexsort((cols, rows))
    rows, cols = rows[order], cols[order]
    sa, pa = vr.entry(a, rows, cols)
    sb, pb = vr.entry(b, rows, cols)
    assert np.array_equal(sa, sb) and np.array_equal(pa, pb, equal_nan=True)
    fa, fb = vr.forward(a, rows, cols, sa, pa, [1, 5, 20]), vr.forward(b, rows, cols, sb, pb, [1, 5, 20])
    for k in (1, 5, 20):
        for f in ("ret", "exit_col", "delayed", "pending", "mae", "mfe"):
            assert np.array_equal(getattr(fa[k], f), getattr(fb[k], f), equal_nan=True), (k, f)
    assert np.isfinite(fa[20].ret).sum() > 1000
    ua = vr.universe_daily(a, np.arange(n), np.arange(t - 200, t - 8), [1, 5, 20])
    ub = vr.universe_daily(b, np.arange(n), np.arange(t - 200, t - 8), [1, 5, 20])
    for k in ua:
        assert np.array_equal(ua[k], ub[k], equal_nan=True)
