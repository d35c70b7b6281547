"""ChartWidget behaviour (issue 7): read-out, fitted y ranges after zoom/pan, pane/overlay state,
short and gappy histories, placeholder, DEMO watermark, PNG export."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from conftest import synthetic_bars

from PySide6 import QtCore, QtGui, QtWidgets  # noqa: I001  (PySide6 before pyqtgraph)

from desktop_app.ui.chart.chart_widget import DEFAULT_VISIBLE, ChartWidget


def make_bars(n: int, seed: int = 1, start: str = "2020-01-02") -> pd.DataFrame:
    return synthetic_bars(n, seed, start, base=20.0)


@pytest.fixture
def chart(make_chart):
    return make_chart(1000, 700)


def _envelope(chart: ChartWidget, bars: pd.DataFrame, i0: int, i1: int) -> tuple[float, float]:
    """low..high of the visible bars and of the MA/BOLL lines the chart shows, computed here with
    pandas (rolling means and sample standard deviations, as 通达信's MA and STD)."""
    traded = bars.dropna(subset=["close"])
    vis = traded.iloc[i0:i1 + 1]
    lo, hi = float(vis["low"].min()), float(vis["high"].max())
    flags = chart.overlays_enabled()
    if chart.indicators_shown():
        close = traded["close"]
        lines = []
        if flags["ma"]:
            lines += [close.rolling(n).mean() for n in (5, 10, 20, 60)]
        if flags["boll"]:
            mid, sd = close.rolling(20).mean(), close.rolling(20).std(ddof=1)
            lines += [mid, mid + 2 * sd, mid - 2 * sd]
        for line in lines:
            v = line.iloc[i0:i1 + 1].dropna()
            if len(v):
                lo, hi = min(lo, float(v.min())), max(hi, float(v.max()))
    return lo, hi


def assert_fitted(chart: ChartWidget, bars: pd.DataFrame) -> None:
    """The price pane's y range covers the visible bars' low..high (and the MA/BOLL lines shown)
    with a small margin, or the room kept for the legend above and the markers below; the volume
    pane covers the visible volumes from 0."""
    i0, i1 = chart.visible_range()
    low, high = _envelope(chart, bars, i0, i1)
    vis = bars.dropna(subset=["close"]).iloc[i0:i1 + 1]
    lo, hi = chart.price_y_range()
    span = high - low
    assert lo <= low and hi >= high
    px = chart.price_plot.getViewBox().height() / (hi - lo)   # pixels per price unit
    legend_px = chart.legend.height() + 3
    rows = chart.overlays.marker_rows()
    markers_px = 9 + 12 * (rows - 1) + 6 + 3 if rows else 0
    assert (hi - high) <= 0.1 * span + 1e-9 or (hi - high) * px <= legend_px
    assert (low - lo) <= 0.1 * span + 1e-9 or (low - lo) * px <= markers_px
    vlo, vhi = chart.volume_y_range()
    assert vlo == 0 and vhi >= float(vis["volume"].max())


def scene_pos_of(chart: ChartWidget, i: int) -> QtCore.QPointF:
    vb = chart.price_plot.getViewBox()
    lo, hi = chart.price_y_range()
    return vb.mapViewToScene(QtCore.QPointF(float(i), (lo + hi) / 2))


def send_mouse_move(chart: ChartWidget, scene_pos: QtCore.QPointF) -> None:
    view = chart._view
    local = QtCore.QPointF(view.mapFromScene(scene_pos))
    glob = QtCore.QPointF(view.viewport().mapToGlobal(local.toPoint()))
    ev = QtGui.QMouseEvent(QtCore.QEvent.Type.MouseMove, local, glob, QtCore.Qt.MouseButton.NoButton,
                           QtCore.Qt.MouseButton.NoButton, QtCore.Qt.KeyboardModifier.NoModifier)
    QtWidgets.QApplication.sendEvent(view.viewport(), ev)


def send_wheel(chart: ChartWidget, scene_pos: QtCore.QPointF, delta: int) -> None:
    view = chart._view
    local = QtCore.QPointF(view.mapFromScene(scene_pos))
    glob = QtCore.QPointF(view.viewport().mapToGlobal(local.toPoint()))
    ev = QtGui.QWheelEvent(local, glob, QtCore.QPoint(0, 0), QtCore.QPoint(0, delta),
                           QtCore.Qt.MouseButton.NoButton, QtCore.Qt.KeyboardModifier.NoModifier,
                           QtCore.Qt.ScrollPhase.NoScrollPhase, False)
    QtWidgets.QApplication.sendEvent(view.viewport(), ev)


# ---------------------------------------------------------------------------- read-out
def test_initial_view_shows_last_bars_and_fits(chart):
    bars = make_bars(400)
    chart.set_bars(bars, symbol="600519", name="贵州茅台")
    assert chart.visible_range() == (400 - DEFAULT_VISIBLE, 399)
    assert not chart.is_placeholder_shown()
    assert_fitted(chart, bars)


def test_readout_equals_bar_after_move_cursor_to(chart, qtbot):
    bars = make_bars(300)
    chart.set_bars(bars, symbol="600519")
    with qtbot.waitSignal(chart.cursor_moved) as blocker:
        chart.move_cursor_to(123)
    assert blocker.args == [123]
    r = chart.readout()
    row = bars.iloc[123]
    assert r["date"] == bars.index[123]
    for k in ("open", "high", "low", "close", "volume"):
        assert r[k] == pytest.approx(row[k])
    assert r["chg_pct"] == pytest.approx((row["close"] / bars["close"].iloc[122] - 1) * 100)
    assert r["ma5"] == pytest.approx(bars["close"].iloc[119:124].mean())
    assert r["ma20"] == pytest.approx(bars["close"].iloc[104:124].mean())
    for k in ("dif", "dea", "macd", "k", "d", "j", "rsi", "boll_upper"):
        assert math.isfinite(r[k])
    # the cursor bar is now in view even though the initial view was the last 120 bars
    i0, i1 = chart.visible_range()
    assert i0 <= 123 <= i1
    assert_fitted(chart, bars)


def test_readout_follows_simulated_mouse_move(chart):
    bars = make_bars(300)
    chart.set_bars(bars, symbol="000001")
    chart.grab()
    for i in (200, 251, 299):
        # a little off the bar centre still snaps to it
        pos = scene_pos_of(chart, i) + QtCore.QPointF(1.0, 0.0)
        send_mouse_move(chart, pos)
        assert chart.cursor_index() == i
        r = chart.readout()
        assert r["date"] == bars.index[i]
        assert r["close"] == pytest.approx(bars["close"].iloc[i])
        assert r["high"] == pytest.approx(bars["high"].iloc[i])


# ---------------------------------------------------------------------------- zoom and pan
def test_wheel_zoom_keeps_price_range_fitted(chart):
    bars = make_bars(1000)
    chart.set_bars(bars, symbol="600000")
    chart.grab()
    before = chart.visible_range()
    pos = scene_pos_of(chart, 940)
    send_wheel(chart, pos, 120)  # wheel forward: zoom in around the mouse
    after = chart.visible_range()
    assert after[1] - after[0] < before[1] - before[0]
    assert after[0] <= 940 <= after[1]
    assert_fitted(chart, bars)
    for _ in range(6):  # zoom far out
        send_wheel(chart, pos, -240)
    out = chart.visible_range()
    assert out[1] - out[0] > before[1] - before[0]
    assert_fitted(chart, bars)


def test_keys_zoom_step_and_pan_keep_fit(chart, qtbot):
    bars = make_bars(600)
    chart.set_bars(bars, symbol="600000")
    chart.setFocus()
    qtbot.keyClick(chart, QtCore.Qt.Key.Key_Left)  # first press shows the crosshair on the last bar
    assert chart.cursor_index() == 599
    qtbot.keyClick(chart, QtCore.Qt.Key.Key_Left)
    assert chart.cursor_index() == 598 and chart.readout()["date"] == bars.index[598]
    w0 = np.subtract(*chart.visible_range()[::-1])
    qtbot.keyClick(chart, QtCore.Qt.Key.Key_Up)
    w1 = np.subtract(*chart.visible_range()[::-1])
    assert w1 < w0
    assert_fitted(chart, bars)
    qtbot.keyClick(chart, QtCore.Qt.Key.Key_Down)
    qtbot.keyClick(chart, QtCore.Qt.Key.Key_Down)
    assert np.subtract(*chart.visible_range()[::-1]) > w1
    assert_fitted(chart, bars)
    # Left steps the cursor one bar; past the left edge the view pans with it
    i0, _ = chart.visible_range()
    chart.move_cursor_to(i0)
    qtbot.keyClick(chart, QtCore.Qt.Key.Key_Left)
    assert chart.cursor_index() == i0 - 1
    assert chart.visible_range()[0] == i0 - 1
    assert_fitted(chart, bars)
    qtbot.keyClick(chart, QtCore.Qt.Key.Key_Right)
    assert chart.cursor_index() == i0
    qtbot.keyClick(chart, QtCore.Qt.Key.Key_Home)
    assert chart.cursor_index() == 0 and chart.visible_range()[0] == 0
    assert_fitted(chart, bars)
    qtbot.keyClick(chart, QtCore.Qt.Key.Key_End)
    assert chart.cursor_index() == 599 and chart.visible_range()[1] == 599
    assert_fitted(chart, bars)


def test_pan_and_drag_keep_fit(chart):
    bars = make_bars(800)
    chart.set_bars(bars, symbol="600000")
    chart.pan(-300)
    assert chart.visible_range()[1] < 700
    assert_fitted(chart, bars)
    # a mouse drag in the price pane pans (the ViewBox's own drag, x only)
    chart.grab()
    view = chart._view
    start = view.mapFromScene(scene_pos_of(chart, 450))
    end = start + QtCore.QPoint(300, 40)
    before = chart.visible_range()
    vp = view.viewport()
    QtCore.QCoreApplication.processEvents()
    from PySide6.QtTest import QTest
    QTest.mousePress(vp, QtCore.Qt.MouseButton.LeftButton, QtCore.Qt.KeyboardModifier.NoModifier, start)
    for k in range(1, 11):
        QTest.mouseMove(vp, start + (end - start) * (k / 10))
    QTest.mouseRelease(vp, QtCore.Qt.MouseButton.LeftButton, QtCore.Qt.KeyboardModifier.NoModifier, end)
    after = chart.visible_range()
    assert after[0] < before[0]  # dragged right: earlier bars come into view
    assert_fitted(chart, bars)


def test_indicators_follow_the_first_frame(chart, qtbot):
    """Candles paint first; MA lines and panes fill in one event-loop turn later."""
    bars = make_bars(500)
    chart.set_panes(["macd"])
    chart.set_bars(bars, symbol="600000")
    assert not chart.indicators_shown()
    chart.grab()
    qtbot.waitUntil(chart.indicators_shown)
    y = chart.overlays.ma_curves["ma5"].values()
    assert len(y) == 500 and y[4] == pytest.approx(bars["close"].iloc[:5].mean())
    # a new stock replaces the old one's lines
    other = make_bars(80, seed=9)
    chart.set_bars(other, symbol="600001")
    qtbot.waitUntil(chart.indicators_shown)
    assert len(chart.overlays.ma_curves["ma5"].values()) == 80


def test_set_visible_range_fits_subpanes(chart, qtbot):
    bars = make_bars(500)
    chart.set_panes(["macd", "rsi"])
    chart.set_bars(bars, symbol="600000")
    qtbot.waitUntil(chart.indicators_shown)
    chart.set_visible_range(100, 180)
    assert chart.visible_range() == (100, 180)
    assert_fitted(chart, bars)
    rsi = chart.data.indicators()["rsi"][100:181]
    lo, hi = chart.pane_y_range("rsi")
    assert lo <= np.nanmin(rsi) and hi >= np.nanmax(rsi)
    assert hi - lo <= 1.3 * (np.nanmax(rsi) - np.nanmin(rsi))


def test_reference_levels_are_drawn_at_their_values_behind_the_lines(chart, qtbot):
    """KDJ's 20/80, RSI's 30/70 and MACD's 0 are dotted lines across their pane, at the pixel row
    the pane's y range puts each value (computed here from the range and the pane's height), under
    the pane's lines; a zoom moves them with the range."""
    chart.set_panes(["macd", "kdj", "rsi"])
    chart.set_bars(make_bars(500), symbol="600000")
    qtbot.waitUntil(chart.indicators_shown)
    for i0, i1 in ((0, 499), (300, 420)):
        chart.set_visible_range(i0, i1)
        chart.grab()
        for name, levels in (("macd", [0.0]), ("kdj", [20.0, 80.0]), ("rsi", [30.0, 70.0])):
            pane = chart._pane_objs[name]
            vb = pane.plot.getViewBox()
            _, (y0, y1) = vb.viewRange()
            h = vb.rect().height()
            assert [line.value() for line in pane.level_lines] == levels
            assert [line.pixel() for line in pane.level_lines] == pytest.approx(
                [(y1 - v) / (y1 - y0) * h for v in levels], abs=1e-6)
            assert all(line.isVisible() and line._pen.style() == QtCore.Qt.PenStyle.DotLine
                       for line in pane.level_lines)
            assert all(line.zValue() < vb.childGroup.zValue() for line in pane.level_lines)


def test_crosshair_lines_sit_on_the_bar_and_follow_a_zoom(chart, qtbot):
    """The vertical line is on the bar in every pane, the horizontal one at the mouse's value in
    the pane it is over only; a zoom moves them with the bar (pixels computed here from each
    pane's range and size)."""
    chart.set_panes(["macd", "rsi"])
    chart.set_bars(make_bars(300), symbol="600000")
    qtbot.waitUntil(chart.indicators_shown)
    chart.set_visible_range(100, 199)
    lo, hi = chart.price_y_range()
    y = lo + 0.3 * (hi - lo)
    chart.cursor.move_to(150, plot=chart.price_plot, y=y)

    def px(vb, v, vertical):
        (x0, x1), (y0, y1) = vb.viewRange()
        r = vb.rect()
        return (v - x0) / (x1 - x0) * r.width() if vertical else (y1 - v) / (y1 - y0) * r.height()

    for _ in range(2):
        chart.grab()
        panes = chart.cursor._panes
        assert len(panes) >= 4
        for p in panes:
            vb = p.plot.getViewBox()
            assert p.vline.isVisible() and p.vline.value() == 150.0
            assert p.vline.pixel() == pytest.approx(px(vb, 150.0, True), abs=1e-6)
            assert p.hline.isVisible() == (p.plot is chart.price_plot)
        price = panes[0]
        assert price.hline.pixel() == pytest.approx(px(price.plot.getViewBox(), y, False), abs=1e-6)
        before = panes[1].vline.pixel()
        chart.zoom(0.5, anchor=140.0)        # the bar and the value stay; their pixels move
        assert chart.visible_range() != (100, 199)
    assert panes[1].vline.pixel() != pytest.approx(before)
    chart.cursor.hide()
    assert not chart.cursor.is_shown()


# ---------------------------------------------------------------------------- settings
def test_pane_and_overlay_state_without_settings(chart, qtbot):
    """The chart exposes its state and setters and stores nothing (the stock view remembers)."""
    from PySide6.QtCore import QSettings

    default = {"ma": True, "boll": False, "levels": True, "markers": True}
    assert chart.panes() == ["macd"] and chart.overlays_enabled() == default
    chart.set_panes(["kdj", "rsi", "kdj"])
    chart.set_overlays({"ma": False, "boll": True})
    assert chart.panes() == ["kdj", "rsi"]
    assert chart.overlays_enabled() == {**default, "ma": False, "boll": True}
    chart.set_overlays({"levels": False, "markers": False})
    assert chart.overlays_enabled() == {"ma": False, "boll": True, "levels": False, "markers": False}
    assert not [k for k in QSettings().allKeys() if k.startswith("chart")]
    other = ChartWidget()
    qtbot.addWidget(other)
    assert other.panes() == ["macd"] and other.overlays_enabled() == default
    with pytest.raises(ValueError):
        other.set_panes(["vol2"])
    with pytest.raises(ValueError):
        other.set_overlays({"ema": True})


def test_changing_panes_keeps_view_and_data(chart):
    bars = make_bars(400)
    chart.set_bars(bars, symbol="600000")
    chart.set_visible_range(50, 150)
    chart.move_cursor_to(77)
    chart.set_panes(["macd", "kdj", "rsi"])
    assert chart.visible_range() == (50, 150)
    assert chart.readout()["date"] == bars.index[77]
    assert_fitted(chart, bars)
    chart.grab()


# ---------------------------------------------------------------------------- odd histories
@pytest.mark.parametrize("n", [1, 2, 5])
def test_short_history_renders(chart, qtbot, n):
    bars = make_bars(n)
    chart.set_panes(["macd", "kdj", "rsi"])
    chart.set_overlays({"ma": True, "boll": True})
    chart.set_bars(bars, symbol="688999", markers={"x": [bars.index[-1]]},
                   levels=[(float(bars["close"].iloc[-1]) * 1.1, "resistance")])
    assert chart.visible_range() == (0, n - 1)
    assert_fitted(chart, bars)
    chart.grab()
    chart.setFocus()
    for key in (QtCore.Qt.Key.Key_Left, QtCore.Qt.Key.Key_Right, QtCore.Qt.Key.Key_Up,
                QtCore.Qt.Key.Key_Down, QtCore.Qt.Key.Key_Home, QtCore.Qt.Key.Key_End):
        qtbot.keyClick(chart, key)
    send_wheel(chart, scene_pos_of(chart, 0), 120)
    chart.grab()
    chart.move_cursor_to(n - 1)
    r = chart.readout()
    assert r["date"] == bars.index[-1] and r["close"] == pytest.approx(bars["close"].iloc[-1])
    assert r["signals"] == ["x"]
    if n == 1:
        assert math.isnan(r["chg_pct"]) and math.isnan(r["ma5"])


def test_suspensions_are_dropped(chart):
    bars = make_bars(60)
    suspended = bars.index[[10, 11, 12, 40]]
    bars.loc[suspended, ["open", "high", "low", "close"]] = np.nan
    bars.loc[suspended, "volume"] = 0.0
    chart.set_bars(bars, symbol="600001", markers={"s": [suspended[0], bars.index[13]]})
    traded = bars.dropna(subset=["close"])
    assert chart.data.n == 56
    assert chart.visible_range() == (0, 55)
    # x is ordinal over traded days: bar 10 is the first day after the suspension
    chart.move_cursor_to(10)
    r = chart.readout()
    assert r["date"] == bars.index[13]
    assert r["chg_pct"] == pytest.approx((traded["close"].iloc[10] / traded["close"].iloc[9] - 1) * 100)
    assert r["signals"] == ["s"]  # the marker on a suspended day is skipped
    assert_fitted(chart, traded)
    chart.grab()


def test_no_bars_shows_placeholder(chart):
    chart.set_bars(make_bars(5).iloc[0:0], symbol="000000")
    assert chart.is_placeholder_shown()
    assert chart.readout() == {}
    assert chart.visible_range() == (0, -1)


# ---------------------------------------------------------------------------- states
def test_placeholder_then_chart_then_clear(chart):
    chart.show_placeholder("加载中…")
    assert chart.is_placeholder_shown() and chart.placeholder_text() == "加载中…"
    chart.set_bars(make_bars(100), symbol="600519")
    assert not chart.is_placeholder_shown() and chart.has_data()
    chart.show_placeholder("加载中…")
    assert chart.is_placeholder_shown()
    chart.set_bars(make_bars(50), symbol="600520")
    assert not chart.is_placeholder_shown()
    assert chart.symbol() == "600520"
    chart.clear()
    assert chart.is_placeholder_shown() and not chart.has_data()


def test_demo_watermark_only_for_demo(chart):
    chart.set_bars(make_bars(100), symbol="600519", is_demo=True)
    assert chart.has_watermark()
    chart.set_bars(make_bars(100), symbol="600519", is_demo=False)
    assert not chart.has_watermark()


def test_grab_png_writes_an_image(chart, tmp_path):
    chart.set_bars(make_bars(200), symbol="600519", is_demo=True,
                   markers={"MACD金叉": list(make_bars(200).index[150::10])},
                   levels=[(15.0, "support"), (30.0, "resistance")])
    path = tmp_path / "chart.png"
    assert chart.grab_png(path)
    img = QtGui.QImage(str(path))
    assert not img.isNull() and img.width() == chart.width()


@pytest.mark.parametrize("lang,words", [("en", ["Open", "Close", "Resistance"]), ("zh_CN", ["开盘", "收盘", "压力位"])])
def test_readout_and_level_labels_speak_the_ui_language(chart, lang, words):
    from desktop_app.ui import i18n

    before = i18n.current_language()
    try:
        i18n.set_language(lang)
        bars = make_bars(80)
        chart.set_bars(bars, symbol="600000", name="X", levels=[(float(bars["high"].max()), "resistance")])
        chart.move_cursor_to(40)
        text = " ".join([chart.readout_text(), *chart.legend_texts(),
                         *(t.toolTip() for t in chart.level_tags.tags)])
        for w in words:
            assert w in text
    finally:
        i18n.set_language(before)
