"""Formula indicators on the chart (issue 14 §6): "Add formula indicator…" in the Panes menu, its
dialog (errors positioned, in the UI language), lines equal to an independent pandas computation,
COLORSTICK sticks red above 0 and green below, remembered in QSettings across a restart,
removable, evaluated off the GUI thread and again for every stock shown."""
from __future__ import annotations

import threading

import numpy as np
import pandas as pd
import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDialogButtonBox

from conftest import synthetic_bars
from test_stock_view import ctx, demo, make_view, runner  # noqa: F401 (fixtures)

from desktop_app.core.data.store import BarStore
from desktop_app.core.formula import check
from desktop_app.ui import i18n, stock_formulas
from desktop_app.ui.chart.formula_items import FormulaLine, FormulaSticks
from desktop_app.ui.chart.formula_pane import FormulaIndicator

ZHULI = "VAR1:=EMA(C,12)-EMA(C,26); 主力:EMA(VAR1,9),COLORRED; 散户:MA(VAR1,5),COLORGREEN; 0,DOTLINE;"


def ema(s: pd.Series, n: int) -> pd.Series:
    """通达信's EMA: Y = (2X + (N-1)Y')/(N+1), Y = X on the first bar."""
    return s.ewm(alpha=2.0 / (n + 1), adjust=False).mean()


def zhuli_reference(close: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    c = pd.Series(close)
    var1 = ema(c, 12) - ema(c, 26)
    return ema(var1, 9).to_numpy(), var1.rolling(5).mean().to_numpy()


def open_stock(view, qtbot, sym: str) -> None:
    with qtbot.waitSignal(view.stock_loaded, timeout=10000):
        view.open_symbol(sym)


def wait_result(view, qtbot, fid: str = "1"):
    qtbot.waitUntil(lambda: view.chart.formula_result(fid) is not None, timeout=10000)
    view.chart.grab()
    return view.chart.formula_result(fid)


def add_through_dialog(view, name: str, text: str, on_price: bool = False):
    view.formulas.add_action.trigger()
    dlg = view.formulas.dialog
    assert dlg is not None and dlg.isVisible()
    dlg.name_edit.setText(name)
    dlg.formula_edit.setPlainText(text)
    (dlg.price_pane if on_price else dlg.own_pane).setChecked(True)
    dlg.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    return dlg


@pytest.fixture
def store(tmp_path):
    return BarStore(tmp_path / "bars.sqlite")


def test_add_a_formula_pane_through_the_menu_and_its_dialog(make_view, ctx, qtbot, demo, store):
    view = make_view(ctx(demo, store))
    assert view.formulas.add_action in view.chart_menu().actions()
    open_stock(view, qtbot, demo.universe()["symbol"].iloc[3])
    dlg = add_through_dialog(view, "主力线", ZHULI)
    assert not dlg.isVisible()
    chart = view.chart
    assert [s.name for s in chart.formula_indicators()] == ["主力线"]
    assert "formula:1" in chart.formula_panes() and "formula:1" in chart.title_strips()
    result = wait_result(view, qtbot)
    pane = chart.formula_panes()["formula:1"]
    lines = {it.key: it for it in pane.group.items}
    assert set(lines) == {"主力", "散户", "#3"} and all(isinstance(it, FormulaLine) for it in lines.values())
    want_zl, want_sh = zhuli_reference(chart.data.close)
    np.testing.assert_allclose(lines["主力"].values(), want_zl, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(lines["散户"].values(), want_sh, rtol=1e-9, atol=1e-12)
    assert np.isnan(lines["散户"].values()[:4]).all() and np.isfinite(lines["散户"].values()[4:]).all()
    np.testing.assert_array_equal(lines["#3"].values(), np.zeros(chart.data.n))
    # styles: COLORRED, COLORGREEN, a dotted 0 line; the lines are drawn over the visible bars
    assert lines["主力"].pen.color().name() == "#ff0000"
    assert lines["散户"].pen.color().name() == "#00ff00"
    assert lines["#3"].pen.style() == Qt.PenStyle.DotLine
    i0, i1 = chart.visible_range()
    for it in lines.values():
        assert it.last_slice is not None and len(it.segments()) > 0
        x, y = it.points
        np.testing.assert_array_equal(y, it.values()[x.astype(int)])
    lo, hi = chart.pane_y_range("formula:1")
    assert lo <= np.nanmin(want_sh[i0:i1 + 1]) and hi >= np.nanmax(want_zl[i0:i1 + 1])
    # the title line: the name, then each named output's value under the cursor in its colour
    k = i1 - 7
    chart.move_cursor_to(k)
    segs = chart.title_strips()["formula:1"].segments()
    assert segs[0][0].text == "主力线" and segs[0][0].bold
    assert [(s[0].text, s[0].color) for s in segs[1:]] == [
        (f"主力 {want_zl[k]:.3f}", "#FF0000"), (f"散户 {want_sh[k]:.3f}", "#00FF00")]
    assert result.error is None


def test_colorstick_is_red_above_zero_and_green_below_stick_is_one_colour(make_chart, qtbot):
    chart = make_chart()
    chart.set_bars(synthetic_bars(600, seed=4), symbol="600000")
    specs = [FormulaIndicator("1", "MACD柱", "M:(EMA(C,12)-EMA(C,26))*2,COLORSTICK;"),
             FormulaIndicator("2", "S", "S:C-MA(C,20),STICK,COLORYELLOW;")]
    chart.set_formula_indicators(specs)
    qtbot.waitUntil(chart.indicators_shown)
    assert chart.set_formula_results(chart.data, stock_formulas.evaluate_formulas(specs, chart.data.frame))
    chart.set_visible_range(chart.data.n - 200, chart.data.n - 1)
    chart.grab()
    st = chart.style_
    sticks = chart.formula_panes()["formula:1"].group.items[0]
    assert isinstance(sticks, FormulaSticks)
    c = pd.Series(chart.data.close)
    want = ((ema(c, 12) - ema(c, 26)) * 2).to_numpy()
    np.testing.assert_allclose(sticks.values(), want, rtol=1e-9)
    xs = sticks.last_slice.x.astype(int)          # one stick per visible bar (not resampled)
    up, down = sticks.lines_drawn(True), sticks.lines_drawn(False)
    assert len(up) == (want[xs] >= 0).sum() and len(down) == (want[xs] < 0).sum() and len(down) > 0
    assert (up[:, 1] == 0).all() and (up[:, 3] >= 0).all() and (down[:, 3] < 0).all()
    np.testing.assert_allclose(np.sort(up[:, 3]), np.sort(want[xs][want[xs] >= 0]))
    assert sticks.pen_color(True) == st.up and sticks.pen_color(False) == st.down
    one = chart.formula_panes()["formula:2"].group.items[0]
    assert one.pen_color(True) == one.pen_color(False) == "#ffff00"
    assert len(one.lines_drawn(True)) and len(one.lines_drawn(False))
    lo, hi = chart.pane_y_range("formula:1")
    assert lo < 0 < hi


def test_an_invalid_formula_shows_its_error_and_adds_nothing(make_view, ctx, qtbot, demo, store):
    view = make_view(ctx(demo, store))
    bad = "MA5:=MA(C,5);\nX:MAA(C,5);"
    dlg = add_through_dialog(view, "坏公式", bad)
    assert dlg.isVisible()
    assert view.chart.formula_indicators() == [] and not view.chart.formula_panes()
    assert not QSettings().value(stock_formulas.FORMULAS_KEY, "")
    assert not view.formulas.remove_menu.isEnabled()
    reasons = check(bad)
    assert dlg.errors() == reasons[0].text("en")
    assert "line 2, column 3" in dlg.errors() and "MAA" in dlg.errors()
    cur = dlg.formula_edit.textCursor()
    assert (cur.blockNumber(), cur.positionInBlock()) == (1, 2)   # on the error
    # a language switch rewrites the dialog and its error
    i18n.set_language("zh_CN")
    view.retranslate()
    assert dlg.errors() == reasons[0].text("zh") and "第2行第3列" in dlg.errors()
    assert dlg.windowTitle() == "添加指标公式"
    assert view.formulas.add_action.text() == "添加指标公式…"
    assert view.formulas.remove_menu.title() == "删除指标公式"
    # a missing name is said too
    dlg.name_edit.setText("")
    dlg.formula_edit.setPlainText("M:MA(C,5);")
    assert not dlg.try_accept() and "请给指标起个名字" in dlg.errors()
    dlg.name_edit.setText("均线")
    assert dlg.try_accept()
    assert [s.name for s in view.chart.formula_indicators()] == ["均线"]


def test_the_pane_survives_a_restart_and_removing_it_removes_it(make_view, ctx, qtbot, demo, store):
    sym = demo.universe()["symbol"].iloc[5]
    first = make_view(ctx(demo, store))
    add_through_dialog(first, "主力线", ZHULI)
    add_through_dialog(first, "均线", "M:MA(C,5),COLORYELLOW;", on_price=True)
    saved = first.chart.formula_indicators()
    second = make_view(ctx(demo, store))   # the next start reads QSettings
    assert second.chart.formula_indicators() == saved
    assert list(second.chart.formula_panes()) == ["formula:1"]
    assert [g.spec.name for g in second.chart.formula_overlays()] == ["均线"]
    assert [a.text() for a in second.formulas.remove_actions.values()] == ["主力线", "均线"]
    open_stock(second, qtbot, sym)
    wait_result(second, qtbot, "1")
    wait_result(second, qtbot, "2")
    want_zl, _ = zhuli_reference(second.chart.data.close)
    np.testing.assert_allclose(second.chart.formula_panes()["formula:1"].group.items[0].values(), want_zl, rtol=1e-9)
    # the price-pane formula: drawn over the candles, in the price title line and the legend
    line = second.chart.formula_overlays()[0].items[0]
    assert line.getViewBox() is second.chart.price_plot.getViewBox()
    ma5 = pd.Series(second.chart.data.close).rolling(5).mean().to_numpy()
    np.testing.assert_allclose(line.values(), ma5, rtol=1e-9)
    assert f"均线 M {ma5[-1]:.2f}" in second.chart.readout_text("price")
    assert "均线" in second.chart.legend_texts()
    # an export twin shows them too
    twin = second.chart.clone()
    try:
        assert twin.formula_result("1") is second.chart.formula_result("1")
        assert "formula:1" in twin.formula_panes()
    finally:
        twin.deleteLater()
    second.formulas.remove_actions["1"].trigger()
    assert not second.chart.formula_panes() and "formula:1" not in second.chart.title_strips()
    assert [s.name for s in second.chart.formula_indicators()] == ["均线"]
    assert list(second.formulas.remove_actions) == ["2"]
    second.formulas.remove_actions["2"].trigger()
    assert second.chart.formula_overlays() == [] and second.chart.formula_indicators() == []
    assert make_view(ctx(demo, store)).chart.formula_indicators() == []


def test_evaluation_runs_off_the_gui_thread_and_again_for_each_stock(make_view, ctx, qtbot, demo, store,
                                                                    monkeypatch):
    calls: list[tuple[threading.Thread, np.ndarray]] = []
    real = stock_formulas.evaluate_formulas

    def spy(specs, bars):
        calls.append((threading.current_thread(), bars["close"].to_numpy()))
        return real(specs, bars)

    monkeypatch.setattr(stock_formulas, "evaluate_formulas", spy)
    view = make_view(ctx(demo, store))
    view.formulas.add("MA", "M5:MA(C,5);")
    assert calls == []                                  # no stock shown yet: nothing to evaluate
    a, b = demo.universe()["symbol"].iloc[[7, 8]]
    for sym in (a, b):
        open_stock(view, qtbot, sym)
        result = wait_result(view, qtbot)
        close = view.chart.data.close
        np.testing.assert_array_equal(calls[-1][1], close)   # evaluated for this stock's bars
        np.testing.assert_allclose(result.outputs[0].values, pd.Series(close).rolling(5).mean(), rtol=1e-9)
        assert f"M5 {pd.Series(close).rolling(5).mean().iloc[-1]:.3f}" in view.chart.readout_text("formula:1")
    assert len(calls) == 2
    assert all(t is not threading.main_thread() for t, _c in calls)
    assert all(t.name.startswith("stockscan-bg") for t, _c in calls)   # the window's runner
    # a result computed for the bars the chart no longer shows is never drawn
    old = view.chart.data
    open_stock(view, qtbot, a)
    assert not view.chart.set_formula_results(old, real(view.chart.formula_indicators(), old.frame))
