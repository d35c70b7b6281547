"""Indicator lines (``line_item.LineItem``): the visible slice only, min/max per pixel column when
the bars outnumber the pixels, broken at NaN, and never rebuilt by a crosshair move."""
from __future__ import annotations

import numpy as np
import pytest

from conftest import synthetic_bars

from desktop_app.ui.chart._qt import QtCore, cosmetic_pen, pg
from desktop_app.ui.chart.bar_data import BarData
from desktop_app.ui.chart.line_item import (LineItem, ResampledSeries, bucket_min_max,
                                             line_points)


def hand_data(n: int, gap: tuple[int, int]) -> tuple[BarData, np.ndarray]:
    """Bars plus a hand-made series "ma5" (a sine with a NaN run at ``gap`` and NaN warm-up)."""
    d = BarData(synthetic_bars(n, 5, "2010-01-04"))
    v = 10.0 + np.sin(np.arange(n) / 7.0) + np.arange(n) * 0.001
    v[:3] = np.nan
    v[gap[0]:gap[1]] = np.nan
    d._indicators = {"ma5": v}
    return d, v


def expected_segments(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Independent: a segment between every two consecutive points that are both finite."""
    ok = np.isfinite(y[:-1]) & np.isfinite(y[1:])
    return np.column_stack([x[:-1][ok], y[:-1][ok], x[1:][ok], y[1:][ok]])


@pytest.fixture
def plot(qtbot):
    w = pg.PlotWidget()
    qtbot.addWidget(w)
    w.resize(600, 300)
    w.show()
    vb = w.getPlotItem().getViewBox()
    vb.disableAutoRange()
    vb.setDefaultPadding(0.0)
    return w


def add_line(plot, data) -> LineItem:
    item = LineItem("ma5", cosmetic_pen("#ff0000"))
    plot.getPlotItem().addItem(item)
    item.set_data(data)
    return item


def test_line_draws_exactly_the_visible_slice_with_its_nan_gap(plot):
    d, v = hand_data(400, (120, 125))
    item = add_line(plot, d)
    plot.getPlotItem().getViewBox().setRange(xRange=(100, 160), yRange=(8, 12), padding=0)
    plot.grab()
    # one bar of margin each side, every bar its own point: x 99..161
    xs = np.arange(99, 162, dtype=float)
    assert item.last_slice.bucket == 1
    np.testing.assert_array_equal(item.points[0], xs)
    np.testing.assert_array_equal(item.points[1], v[99:162])
    np.testing.assert_array_equal(item.segments(), expected_segments(xs, v[99:162]))
    # the gap breaks the line: nothing is drawn from bar 119 to 125
    seg = item.segments()
    assert not ((seg[:, 0] >= 119) & (seg[:, 0] < 125)).any()
    assert len(item._polys) == 2


def test_line_resamples_to_min_max_per_pixel_column(plot):
    n = 6000
    d, v = hand_data(n, (2000, 2100))
    item = add_line(plot, d)
    vb = plot.getPlotItem().getViewBox()
    vb.setRange(xRange=(0, n - 1), yRange=(8, 12), padding=0)
    plot.grab()
    s = item.last_slice
    width = vb.width()
    assert s.bucket == int(np.ceil(n / int(width))) and s.bucket > 1
    # independent computation: buckets of s.bucket bars from bar 0, NaN-skipping min/max
    b = s.bucket
    k = -(-n // b)
    lo = np.array([np.nanmin(v[i * b:(i + 1) * b]) if np.isfinite(v[i * b:(i + 1) * b]).any()
                   else np.nan for i in range(k)])
    hi = np.array([np.nanmax(v[i * b:(i + 1) * b]) if np.isfinite(v[i * b:(i + 1) * b]).any()
                   else np.nan for i in range(k)])
    x, y = item.points
    assert len(x) == 2 * k <= 2 * (width + 2)
    np.testing.assert_array_equal(x[0::2], x[1::2])
    np.testing.assert_array_equal(x[0::2], s.x)
    np.testing.assert_array_equal(np.fmin(y[0::2], y[1::2]), lo)
    np.testing.assert_array_equal(np.fmax(y[0::2], y[1::2]), hi)
    np.testing.assert_array_equal(item.segments(), expected_segments(x, y))
    # no extreme is lost and the all-NaN buckets of the gap break the line
    assert np.nanmax(y) == np.nanmax(v) and np.nanmin(y) == np.nanmin(v)
    assert np.isnan(y[(x > 2000 + b) & (x < 2100 - b)]).all()


def test_bucket_min_max_matches_reduceat():
    rng = np.random.default_rng(1)
    seg = rng.normal(size=1003)
    seg[100:130] = np.nan
    for b in (2, 3, 7, 16, 17, 40):
        idx = np.arange(0, len(seg), b)
        lo, hi = bucket_min_max(seg, b)
        np.testing.assert_array_equal(lo, np.fmin.reduceat(seg, idx))
        np.testing.assert_array_equal(hi, np.fmax.reduceat(seg, idx))


def test_line_points_without_data_in_view_is_empty():
    d, v = hand_data(50, (10, 12))
    s = d.slice_for_drawing(0, 2, 100)
    x, y = line_points(v, s)
    assert len(x) == 3 and np.isnan(y).all()


def test_resampled_series_cuts_the_same_points_out_of_the_whole_series():
    """Every slice a pan or zoom can ask for, at every bucket size (more than the series keeps),
    gives the points reduced from its own bars: an independent per-bucket min/max in the order
    the bucket runs."""
    d, v = hand_data(997, (400, 431))
    cache = ResampledSeries()
    rng = np.random.default_rng(3)
    for _ in range(300):
        i0 = int(rng.integers(0, 990))
        i1 = int(rng.integers(i0, 997))
        s = d.slice_for_drawing(i0, i1, int(rng.integers(5, 120)))
        x, y = cache.points(v, s)
        np.testing.assert_array_equal(x, line_points(v, s)[0])
        want = []
        for c in s.x:
            start = int(c) // s.bucket * s.bucket   # the bucket's first bar (centre = mid-bucket)
            seg = v[start:min(len(v), start + s.bucket)]
            if s.bucket == 1:
                want.append(seg[0])
                continue
            lo = np.nan if np.isnan(seg).all() else np.nanmin(seg)
            hi = np.nan if np.isnan(seg).all() else np.nanmax(seg)
            want += [lo, hi] if seg[-1] >= seg[0] else [hi, lo]
        np.testing.assert_array_equal(y, np.array(want))
    assert len(cache._by_bucket) <= ResampledSeries.KEEP


@pytest.mark.parametrize("gap", [(0, 0), (400, 431)])
def test_resampled_series_runs_are_the_finite_runs_of_each_slice(gap):
    """With NaN only in the warm-up (the usual MA case) the runs come from the whole series'
    first finite value; with a gap in the middle the slice is scanned. Either way they are the
    runs of consecutive finite values of the slice's points, found here by a plain loop."""
    d, v = hand_data(997, gap)
    v[:59] = np.nan                                   # MA60's warm-up
    cache = ResampledSeries()
    rng = np.random.default_rng(5)
    for _ in range(300):
        i0 = int(rng.integers(0, 990))
        s = d.slice_for_drawing(i0, int(rng.integers(i0, 997)), int(rng.integers(5, 120)))
        _x, y = cache.points(v, s)
        want, start = [], None
        for i, value in enumerate([*y, np.nan]):
            if np.isfinite(value) and start is None:
                start = i
            elif not np.isfinite(value) and start is not None:
                if i - start >= 2:
                    want.append((start, i))
                start = None
        assert cache.runs(y) == want


def test_crosshair_moves_do_not_rebuild_the_lines(make_chart, qtbot):
    chart = make_chart(1000, 700)
    chart.set_panes(["macd", "kdj", "rsi"])
    chart.set_overlays({"ma": True, "boll": True})
    chart.set_bars(synthetic_bars(3000, 2), symbol="600000")
    qtbot.waitUntil(chart.indicators_shown)
    chart.set_visible_range(1000, 2999)
    chart.grab()
    lines = [*chart.overlays.ma_curves.values(), *chart.overlays.boll_curves.values(),
             *(c for p in chart._pane_objs.values() for c in p.curves.values())]
    assert len(lines) == 13 and all(len(c.segments()) for c in lines)
    builds = [c.builds for c in lines]
    vb = chart.price_plot.getViewBox()
    lo, hi = chart.price_y_range()
    for x in np.linspace(1100, 2900, 15):
        chart.cursor.on_mouse_moved(vb.mapViewToScene(QtCore.QPointF(float(x), (lo + hi) / 2)))
        chart.grab()
    assert [c.builds for c in lines] == builds
    chart.pan(50)
    chart.grab()
    assert all(c.builds == b + 1 for c, b in zip(lines, builds))


def test_hidden_lines_are_not_built_and_toggles_show_them(make_chart, qtbot):
    chart = make_chart(1000, 700)
    chart.set_bars(synthetic_bars(500, 4), symbol="600000")
    qtbot.waitUntil(chart.indicators_shown)
    chart.grab()
    boll = list(chart.overlays.boll_curves.values())
    assert not any(c.isVisible() for c in boll) and all(c.builds == 0 for c in boll)
    chart.set_overlays({"boll": True})
    chart.grab()
    assert all(c.isVisible() and c.builds == 1 and len(c.segments()) for c in boll)
    # the price pane fits the BOLL lines in view
    i0, i1 = chart.visible_range()
    ind = chart.data.indicators()
    lo, hi = chart.price_y_range()
    assert lo <= np.nanmin(ind["boll_lower"][i0:i1 + 1]) and hi >= np.nanmax(ind["boll_upper"][i0:i1 + 1])
