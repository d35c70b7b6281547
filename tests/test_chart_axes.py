"""The chart's axes draw exactly what pyqtgraph's AxisItem would, with less work per frame:
ValueAxis' tick values, the lean draw specs, the trading-day axis' precomputed boundaries, and the
cursor's read-out that is re-laid out only when its text changes."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from PySide6 import QtGui  # noqa: I001  (PySide6 before pyqtgraph)

import pyqtgraph as pg
from desktop_app.ui.chart.bar_data import BarData
from desktop_app.ui.chart.chart_widget import ChartWidget
from desktop_app.ui.chart.date_axis import TradingDateAxis
from desktop_app.ui.chart.value_axis import ValueAxis


def make_bars(n: int, seed: int = 5, start: str = "2012-01-02") -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    dates = pd.bdate_range(start, periods=n, name="date")
    close = 20 * np.exp(np.cumsum(rng.normal(0, 0.02, n)))
    open_ = close * np.exp(rng.normal(0, 0.01, n))
    high = np.maximum(open_, close) * 1.01
    low = np.minimum(open_, close) * 0.99
    vol = rng.integers(1e5, 1e8, n).astype(float)
    return pd.DataFrame({"open": open_, "high": high, "low": low, "close": close, "volume": vol},
                        index=dates)


@pytest.fixture
def chart(qtbot):
    w = ChartWidget()
    qtbot.addWidget(w)
    w.resize(1200, 700)
    w.set_panes(["macd", "rsi"])
    w.show()
    w.set_bars(make_bars(1500), symbol="600000", name="T")
    w._finish_indicators()
    return w


def test_value_axis_ticks_equal_pyqtgraph(qapp):
    ours, ref = ValueAxis("right"), pg.AxisItem("right")
    for ax in (ours, ref):
        ax.setStyle(maxTickLevel=0, maxTextLevel=0)
    rng = np.random.default_rng(0)
    for _ in range(2000):
        c = 10 ** rng.uniform(-3, 9) * rng.choice([-1, 1])
        span = abs(c) * 10 ** rng.uniform(-4, 1)
        lo = c - span * rng.uniform(0, 1)
        hi = lo if rng.random() < 0.05 else lo + span
        size = rng.uniform(20, 900)
        assert ours.tickValues(lo, hi, size) == ref.tickValues(lo, hi, size)
    # other configurations go to pyqtgraph itself
    for ax in (ours, ref):
        ax.setStyle(maxTickLevel=2)
    assert ours.tickValues(1.0, 7.3, 400) == ref.tickValues(1.0, 7.3, 400)
    assert len(ours.tickValues(1.0, 7.3, 400)) > 1


def test_lean_specs_equal_pyqtgraph_specs(chart):
    def as_plain(specs):
        axis, ticks, texts = specs
        pt = lambda p: (round(p.x(), 9), round(p.y(), 9))  # noqa: E731
        return ((pt(axis[1]), pt(axis[2]), axis[0].color().name()),
                [(pt(a), pt(b), pen.color().name(QtGui.QColor.NameFormat.HexArgb))
                 for pen, a, b in ticks],
                [(r.getRect(), int(f), s) for r, f, s in texts])

    axes = [p.getAxis("right") for p in chart._plots()] + [chart._plots()[-1].getAxis("bottom")]
    checked = 0
    for i0, i1 in ((1400, 1499), (1000, 1300), (0, 1499), (700, 720)):
        chart.set_visible_range(i0, i1)
        chart.grab()
        for ax in axes:
            assert ax._lean_case()
            picture = QtGui.QPicture()
            p = QtGui.QPainter(picture)
            try:
                ours = ax._base_specs(p)   # before edge labels are slid inside the axis
                ref = pg.AxisItem.generateDrawSpecs(ax, p)
            finally:
                p.end()
            assert as_plain(ours) == as_plain(ref)
            checked += len(ours[2])
    assert checked > 20  # labels were really compared


def test_edge_labels_from_the_dropped_ticks_equal_a_scan_of_every_tick(chart):
    """The lean specs hand _slide_edge_labels the ticks that got no label; sliding those gives
    the same labels as its general path, which maps every tick of the axis again."""
    from desktop_app.ui.chart.axis_base import _MeasuringPainter

    axes = [p.getAxis("right") for p in chart._plots()] + [chart._plots()[-1].getAxis("bottom")]
    rng = np.random.default_rng(11)
    slid = 0
    for _ in range(40):
        i0 = int(rng.integers(0, 1400))
        chart.set_visible_range(i0, int(rng.integers(i0 + 20, 1500)))
        chart.grab()
        for ax in axes:
            measure = _MeasuringPainter(ax._sizes)
            base = ax._base_specs(measure)
            assert ax._slide_candidates is not None
            fast = ax._slide_edge_labels(measure, base)
            ax._slide_candidates = None                     # the general path: every tick
            full = ax._slide_edge_labels(measure, base)
            measure.end()
            plain = lambda specs: [(r.getRect(), int(f), t) for r, f, t in specs[2]]  # noqa: E731
            assert plain(fast) == plain(full)
            slid += len(full[2]) - len(base[2])
    assert slid > 0   # some labels were really slid inside an axis


def test_date_axis_follows_a_new_series(qapp):
    a, b = BarData(make_bars(600, start="2001-01-02")), BarData(make_bars(600, start="2013-06-03"))
    current = [a]
    axis = TradingDateAxis(lambda: current[0].dates)
    (_, ticks_a), = axis.tickValues(-0.5, 599.5, 800)
    labels_a = axis.tickStrings(ticks_a, 1, 1)
    current[0] = b  # same length, same range: the boundaries and labels must still be b's
    (_, ticks_b), = axis.tickValues(-0.5, 599.5, 800)
    labels_b = axis.tickStrings(ticks_b, 1, 1)
    assert labels_a != labels_b
    for t in ticks_b:
        i = int(t)
        assert b.dates[i - 1].astype("datetime64[M]") != b.dates[i].astype("datetime64[M]")
    assert all(lab.startswith(("2013", "2014", "2015")) for lab in labels_b)


def test_readout_is_laid_out_only_when_it_changes(chart, monkeypatch):
    from desktop_app.ui.chart.title_strip import TitleStrip

    chart.move_cursor_to(1200)
    strip = chart.title_strips()["price"]
    calls = []
    original = TitleStrip._relayout
    monkeypatch.setattr(TitleStrip, "_relayout", lambda self: (calls.append(self), original(self)))
    chart.cursor.refresh_text()
    assert calls == []  # same bar, same text: no re-layout
    chart.move_cursor_to(1201)
    assert strip in calls and chart.data.date_of(1201).strftime("%Y-%m-%d") in strip.full_text()
    calls.clear()
    chart.set_overlays({"ma": False})  # the read-out's content changes: it is rewritten
    assert strip in calls and "MA5" not in strip.full_text()
