"""Issue 12 item 2, overlays: support/resistance prices tagged on the price axis never overlap each
other or the read-out (many levels close together, rectangles checked pairwise; at most the nearest
levels); BOLL and MA lines have distinct colours and a legend names them; each toggle of the pane
menu hides and shows what it names; a strategy marker's tooltip names the strategy and the date."""
from __future__ import annotations

import itertools
import types

import numpy as np
import pandas as pd
import pytest
from PySide6 import QtCore, QtGui, QtWidgets  # noqa: I001  (PySide6 before pyqtgraph)

from desktop_app.core.data.demo import DemoSource
from desktop_app.core.data.store import BarStore
from desktop_app.ui import i18n
from desktop_app.ui.app_context import BackgroundRunner
from desktop_app.ui.chart.level_tags import place
from desktop_app.ui.chart.overlays import MAX_LEVELS_PER_SIDE
from desktop_app.ui.chart.style import THEMES
from desktop_app.ui.stock_view import StockView


def bars_around(n: int = 200, price: float = 20.0) -> pd.DataFrame:
    """A gentle zig-zag around ``price`` (every bar's range is known)."""
    i = np.arange(n, dtype=float)
    close = price + 0.5 * np.sin(i / 6.0)
    return pd.DataFrame({"open": close - 0.05, "high": close + 0.15, "low": close - 0.2,
                         "close": close, "volume": 1e6 + i},
                        index=pd.bdate_range("2023-01-02", periods=n, name="date"))


def overlaps(a: QtCore.QRectF, b: QtCore.QRectF) -> bool:
    inter = a & b
    return inter.isValid() and inter.width() > 0.01 and inter.height() > 0.01


# ---------------------------------------------------------------------------- placement
def test_place_never_overlaps_and_stays_in_bounds():
    rng = np.random.default_rng(4)
    for _ in range(500):
        n = int(rng.integers(1, 25))
        h = float(rng.uniform(8, 20))
        top, bottom = 0.0, float(rng.uniform(20, 400))
        desired = list(rng.uniform(-50, bottom + 50, n))
        prio = list(rng.uniform(0, 1, n))
        ys = place(desired, h, top, bottom, prio)
        kept = sorted(y for y in ys if y is not None)
        assert len(kept) == min(n, int(np.floor((bottom - top) / h)))
        assert all(top - 1e-9 <= y and y + h <= bottom + 1e-9 for y in kept)
        assert all(b - a >= h - 1e-9 for a, b in zip(kept, kept[1:]))
        dropped = [p for p, y in zip(prio, ys) if y is None]
        if dropped:   # the labels left out are the lowest priority (largest value)
            assert min(dropped) >= max(p for p, y in zip(prio, ys) if y is not None)
    # with room, a label sits on its line
    assert place([50.0, 200.0], 10, 0, 300) == [45.0, 195.0]


@pytest.mark.parametrize("width,height", [(1200, 700), (520, 420)])
def test_many_close_levels_get_separate_tags_off_the_read_out(make_chart, width, height):
    chart = make_chart(width, height)
    bars = bars_around()
    close = float(bars["close"].iloc[-1])
    # twelve levels within 0.6 % of each other on both sides of the close, and two far ones
    levels = [(close * (1 + 0.0005 * k), "resistance") for k in range(1, 7)]
    levels += [(close * (1 - 0.0005 * k), "support") for k in range(1, 7)]
    levels += [(close * 1.5, "resistance"), (close * 0.5, "support")]
    chart.set_bars(bars, symbol="600000", name="X", levels=levels)
    chart.grab()
    tags = chart.level_tags.shown()
    # at most the nearest levels: three per side, the ones closest to the close
    assert len(chart.overlays.levels) == 2 * MAX_LEVELS_PER_SIDE
    want = sorted([round(close * (1 + 0.0005 * k), 6) for k in (1, 2, 3)]
                  + [round(close * (1 - 0.0005 * k), 6) for k in (1, 2, 3)])
    assert sorted(round(p, 6) for p, _k, _n in chart.overlays.levels) == want
    assert len(tags) == 2 * MAX_LEVELS_PER_SIDE
    rects = [t.sceneBoundingRect() for t in tags]
    for a, b in itertools.combinations(rects, 2):
        assert not overlaps(a, b), (a, b)
    axis = chart.price_plot.getAxis("right").sceneBoundingRect()
    strips = [s.sceneBoundingRect() for s in chart.title_strips().values()]
    for r in rects:
        assert axis.adjusted(-0.5, -0.5, 0.5, 0.5).contains(r)       # on the price axis
        assert not any(overlaps(r, s) for s in strips)               # never over a read-out
    # each tag shows its level's price, in price order, the column centred on the levels' lines
    vb = chart.price_plot.getViewBox()
    by_y = sorted(tags, key=lambda t: t.sceneBoundingRect().top())
    assert [t.price for t in by_y] == sorted((t.price for t in tags), reverse=True)
    for t in tags:
        assert t.text() == f"{t.price:.2f}"
        line_y = vb.mapViewToScene(QtCore.QPointF(0, t.price)).y()
        assert abs(t.sceneBoundingRect().center().y() - line_y) <= 3.2 * t.rect().height()
    # still apart after zooming and panning
    chart.zoom(0.5)
    chart.pan(-30)
    chart.grab()
    rects = [t.sceneBoundingRect() for t in chart.level_tags.shown()]
    assert all(not overlaps(a, b) for a, b in itertools.combinations(rects, 2))


def test_level_tags_follow_a_resize_and_never_leave_the_axis(make_chart):
    chart = make_chart(900, 600)
    bars = bars_around()
    close = float(bars["close"].iloc[-1])
    chart.set_bars(bars, symbol="600000",
                   levels=[(close + 0.01 * k, "resistance") for k in range(1, 4)]
                   + [(close - 0.01 * k, "support") for k in range(1, 4)])
    for h in (600, 260, 180):
        chart.resize(900, h)
        chart.grab()
        axis = chart.price_plot.getAxis("right").sceneBoundingRect()
        rects = [t.sceneBoundingRect() for t in chart.level_tags.shown()]
        assert rects and all(axis.adjusted(-0.5, -0.5, 0.5, 0.5).contains(r) for r in rects)
        assert all(not overlaps(a, b) for a, b in itertools.combinations(rects, 2))


# ---------------------------------------------------------------------------- colours, legend
@pytest.mark.parametrize("theme", ["light", "dark"])
def test_boll_and_ma_have_distinct_colours(make_chart, qtbot, theme):
    st = THEMES[theme]
    assert not set(map(str.lower, st.ma)) & set(map(str.lower, st.boll))
    assert not set(map(str.lower, st.markers)) & set(map(str.lower, (*st.ma, *st.boll)))
    chart = make_chart(1000, 600)
    chart.set_theme(theme)
    chart.set_overlays({"ma": True, "boll": True})
    chart.set_bars(bars_around(), symbol="600000")
    qtbot.waitUntil(chart.indicators_shown)
    ma = {c.pen.color().name() for c in chart.overlays.ma_curves.values()}
    boll = {c.pen.color().name() for c in chart.overlays.boll_curves.values()}
    assert ma == set(st.ma) and boll == set(st.boll) and not ma & boll
    assert chart.legend_texts()[:2] == ["MA5/10/20/60", "BOLL(20,2)"]


def test_legend_never_covers_a_candle(make_chart, qtbot):
    chart = make_chart(1000, 600)
    bars = bars_around()
    chart.set_bars(bars, symbol="600000", markers={"MACD金叉": list(bars.index[150::10]),
                                                   "KDJ金叉": list(bars.index[155::10])},
                   levels=[(float(bars["close"].iloc[-1]) * 1.01, "resistance")])
    qtbot.waitUntil(chart.indicators_shown)
    chart.grab()
    assert chart.legend_texts() == ["MA5/10/20/60", "Resistance", "MACD金叉", "KDJ金叉"]
    legend = chart.legend.sceneBoundingRect()
    vb = chart.price_plot.getViewBox()
    i0, i1 = chart.visible_range()
    for i in range(i0, i1 + 1):
        top = vb.mapViewToScene(QtCore.QPointF(float(i), float(bars["high"].iloc[i])))
        if legend.left() <= top.x() <= legend.right():
            assert top.y() > legend.bottom()
    # markers hang under the lows, inside the pane
    x, y = chart.overlays.markers.getData()
    bottom = chart.price_y_range()[0]
    assert len(x) and np.all(y > bottom)


# ---------------------------------------------------------------------------- toggles
@pytest.fixture
def view(qtbot, tmp_path):
    runner = BackgroundRunner()
    ctx = types.SimpleNamespace(source=DemoSource(n_stocks=60), store=BarStore(tmp_path / "b.sqlite"),
                                runner=runner)
    v = StockView(ctx)
    qtbot.addWidget(v)
    v.resize(1400, 800)
    v.show()
    yield v
    runner.shutdown(wait=True)
    i18n.set_language("en")


def open_stock_with_markers(view, qtbot) -> None:
    from desktop_app.core.strategies import STRATEGIES

    uni = view.ctx.source.universe()
    for sym in uni["symbol"]:
        with qtbot.waitSignal(view.stock_loaded, timeout=10000):
            view.open_symbol(sym, strategies=list(STRATEGIES))
        if view.chart.overlays.marker_labels and view.chart.overlays.levels:
            break
    qtbot.waitUntil(view.chart.indicators_shown)
    view.chart.grab()


def test_each_toggle_hides_and_shows_what_it_names(view, qtbot):
    open_stock_with_markers(view, qtbot)
    chart = view.chart
    ov = chart.overlays
    assert ov.marker_labels and ov.levels
    last = chart.data.n - 1
    marked = next(i for i in range(last, -1, -1) if ov.signals_at(i))
    chart.move_cursor_to(marked)

    def state():
        return {
            "ma": all(c.isVisible() for c in ov.ma_curves.values()) and "MA5 " in chart.readout_text(),
            "boll": all(c.isVisible() for c in ov.boll_curves.values()),
            "levels": all(line.isVisible() for line in ov.level_lines) and bool(chart.level_tags.shown()),
            "markers": ov.markers.isVisible() and len(ov.markers.getData()[0]) > 0,
        }

    names = {"ma": "MA5/10/20/60", "boll": "BOLL(20,2)"}
    for key, action in view.overlay_actions.items():
        for on in (False, True):
            action.setChecked(on)
            chart.grab()
            assert state()[key] is on, (key, on)
            assert chart.overlays_enabled()[key] is on
            legend = chart.legend_texts()
            if key in names:
                assert (names[key] in legend) is on
            elif key == "markers":
                assert (ov.marker_labels[0] in legend) is on
                assert (ov.signals_at(marked)[0] in chart.readout_text()) is on
            else:
                assert ("Resistance" in legend or "Support" in legend) is on
            # the other overlays keep their state
            others = {k: v for k, v in state().items() if k != key}
            assert all(others[k] is view.overlay_actions[k].isChecked() for k in others)
    # the menu speaks the UI language
    i18n.set_language("zh_CN")
    view.retranslate()
    assert view.overlay_actions["levels"].text() == "支撑/压力线"
    assert view.overlay_actions["markers"].text() == "策略信号标记"


def test_marker_tooltip_names_the_strategy_and_date(view, qtbot):
    open_stock_with_markers(view, qtbot)
    chart = view.chart
    ov = chart.overlays
    x, y = ov.markers.getData()
    i0, i1 = chart.visible_range()
    k = next(j for j in range(len(x) - 1, -1, -1) if i0 <= x[j] <= i1)
    vb = chart.price_plot.getViewBox()
    scene = vb.mapViewToScene(QtCore.QPointF(float(x[k]), float(y[k])))
    gview = chart._view
    local = gview.mapFromScene(scene)
    ev = QtGui.QMouseEvent(QtCore.QEvent.Type.MouseMove, QtCore.QPointF(local),
                           QtCore.QPointF(gview.viewport().mapToGlobal(local)),
                           QtCore.Qt.MouseButton.NoButton, QtCore.Qt.MouseButton.NoButton,
                           QtCore.Qt.KeyboardModifier.NoModifier)
    QtWidgets.QApplication.sendEvent(gview.viewport(), ev)
    tip = vb.toolTip()
    date = str(chart.data.dates[int(x[k])])
    assert date in tip
    assert any(name in tip for name in ov.marker_labels)
    assert f"{ov.signals_at(int(x[k]))[0]}\n{date}" in ov.marker_tips()
    # in Chinese the strategy names change with the language, the view stays
    rng = chart.visible_range()
    i18n.set_language("zh_CN")
    view.retranslate()
    assert chart.visible_range() == rng
    from desktop_app.core.strategies import STRATEGIES
    zh_names = {s.name_zh for s in STRATEGIES.values()}
    assert ov.marker_labels and all(lab in zh_names for lab in ov.marker_labels)
    assert all(t.split("\n")[0] in zh_names for t in ov.marker_tips())


def test_right_click_opens_the_pane_menu(view, qtbot):
    open_stock_with_markers(view, qtbot)
    gview = view.chart._view
    pos = gview.viewport().rect().center()
    with qtbot.waitSignal(view.chart.context_menu_requested, timeout=2000):
        ev = QtGui.QContextMenuEvent(QtGui.QContextMenuEvent.Reason.Mouse, pos,
                                     gview.viewport().mapToGlobal(pos))
        QtWidgets.QApplication.sendEvent(gview.viewport(), ev)
    qtbot.waitUntil(view.chart_menu().isVisible, timeout=2000)
    labels = [a.text() for a in view.chart_menu().actions() if a.text()]
    assert {"MACD", "KDJ", "RSI", "MA5/10/20/60", "BOLL(20,2)"} <= set(labels)
    view.chart_menu().close()
