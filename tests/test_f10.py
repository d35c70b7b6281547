"""Issue 15, the window side: the F10 page (F10 key on the chart, the results and the watchlist;
the rows' context menus) shows the source's reports, valuation and dividends, DEMO-labelled,
closes with Esc, and says why a part is missing; the analysis panel shows the fundamental score
beside the technical one, equal to core's, or "not scored" with its reason."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from conftest import copy_store
from desktop_app.core.data.errors import NoDataError
from desktop_app.core.reasons import R
from desktop_app.core.stock_fundamentals import load_stock_fundamentals
from desktop_app.ui.app_context import AppContext
from desktop_app.ui.desk_navigation import keymap

N = 200


@pytest.fixture
def window(qtbot, tmp_path, demo_store_file, open_window):
    store = copy_store(demo_store_file(N), tmp_path / "s")
    w = open_window(AppContext.for_demo(n_stocks=N, store=store))
    w.apply_language("zh_CN")
    return w


def _open(w, qtbot, symbol: str) -> None:
    w.open_symbol(symbol)
    qtbot.waitUntil(lambda: w.stock_view.current_symbol() == symbol and w.stock_view.current_report() is not None
                    and not w.f10.score_loader.box.is_loading(), timeout=15000)


def _wan_yi(v: float) -> str:
    """万/亿 written out independently of core's formatter."""
    if abs(v) >= 1e8:
        return f"{v / 1e8:.2f}亿"
    if abs(v) >= 1e4:
        return f"{v / 1e4:.2f}万"
    return f"{v:.0f}"


def _f10(w, qtbot, symbol: str):
    qtbot.waitUntil(lambda: w.f10.dialog is not None and w.f10.dialog.symbol() == symbol
                    and w.f10.dialog.data() is not None, timeout=15000)
    return w.f10.dialog


def test_f10_on_the_chart_shows_the_sources_reports_valuation_and_dividends(window, qtbot):
    w = window
    src = w.ctx.source
    sym = str(src.universe()["symbol"].iloc[3])
    _open(w, qtbot, sym)
    chart = w.stock_view.chart
    w.activateWindow()
    chart.setFocus()
    qtbot.keyClick(chart, Qt.Key.Key_F10)
    dlg = _f10(w, qtbot, sym)
    assert dlg.isVisible() and dlg.demo_label.isVisible()
    reports = src.financial_indicators(sym)
    t = dlg.reports_table
    assert t.rowCount() == min(8, len(reports)) > 0
    assert [t.horizontalHeaderItem(c).text() for c in range(t.columnCount())] == [
        "报告期", "每股收益(元)", "营业收入", "营业收入同比", "净利润", "净利润同比", "净资产收益率", "每股净资产", "毛利率"]
    for i, r in enumerate(reports.head(8).itertuples()):
        row = [t.item(i, c).text() for c in range(t.columnCount())]
        want = [r.report_date.isoformat(), f"{r.eps:.3f}", _wan_yi(r.revenue), f"{r.revenue_yoy:+.2f}%",
                _wan_yi(r.profit), f"{r.profit_yoy:+.2f}%", f"{r.roe:.2f}%", f"{r.bvps:.2f}", f"{r.gross_margin:.2f}%"]
        if r.revenue_yoy != r.revenue_yoy:              # the oldest reports may lack a year before
            want[3] = "—"
        if r.profit_yoy != r.profit_yoy:
            want[5] = "—"
        assert row == want, i
    assert reports["report_date"].is_monotonic_decreasing
    last = src.valuation_history(sym).iloc[-1]
    assert dlg.valuation_labels["date"][1].text() == last["date"].isoformat()
    assert dlg.valuation_labels["pe_ttm"][1].text() == f"{last['pe_ttm']:.2f}"
    assert dlg.valuation_labels["market_cap"][1].text() == _wan_yi(last["market_cap"])
    divs = src.dividends(sym)
    assert dlg.dividends_table.rowCount() == len(divs)
    if len(divs):
        assert dlg.dividends_table.item(0, 1).text() == f"10派{divs.iloc[0]['cash_per_10']:.2f}元"
    assert dlg.profile_labels["industry"][1].text() == str(src.universe().set_index("symbol").loc[sym, "industry"])
    qtbot.keyClick(dlg, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dlg.isVisible(), timeout=3000)


def test_f10_follows_the_focused_list_and_the_row_menus(window, qtbot):
    w = window
    syms = [str(s) for s in w.ctx.source.universe()["symbol"].iloc[:3]]
    _open(w, qtbot, syms[0])
    w.scan_panel.min_score.setValue(0)
    tid = w.start_scan()
    qtbot.waitUntil(lambda: w.tm.get(tid).is_terminal, timeout=30000)
    w.show_task_results(tid)
    rv = w.results_view
    rv.table.setCurrentIndex(rv.proxy.index(2, 2))
    row_sym = rv.current_symbol()
    assert row_sym and row_sym != syms[0]
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow, timeout=3000)
    rv.table.setFocus()
    qtbot.waitUntil(lambda: rv.table.hasFocus(), timeout=3000)
    w.f10.action.trigger()                               # F10 with the results focused: that row
    assert _f10(w, qtbot, row_sym).symbol() == row_sym
    assert w.f10.results_action in rv._row_menu.actions()
    w.watchlist_view.add_symbols([syms[1]], {})
    qtbot.waitUntil(lambda: w.watchlist_view.model.rowCount() == 1, timeout=5000)
    w.watchlist_view.table.setCurrentIndex(w.watchlist_view.model.index(0, 0))
    w.f10.watchlist_action.trigger()                     # the watchlist row's context menu entry
    assert _f10(w, qtbot, syms[1]).symbol() == syms[1]
    # the chart follows the selected watchlist row (debounced, as 通达信's list does): let it, so
    # "the open stock" below is that one and not whichever was open a moment before
    qtbot.waitUntil(lambda: w.current_symbol == syms[1], timeout=5000)
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow, timeout=3000)
    w.stock_view.chart.setFocus()
    qtbot.waitUntil(lambda: w.stock_view.chart.hasFocus(), timeout=3000)
    w.f10.action.trigger()                               # in the chart: the open stock
    assert _f10(w, qtbot, syms[1]).symbol() == syms[1] == w.current_symbol
    assert w.f10.action in w.stock_view.chart_menu().actions()
    assert "F10" in [k for k, _ in keymap()]


def test_the_analysis_panel_shows_the_fundamental_score_of_core(window, qtbot):
    w = window
    src = w.ctx.source
    for sym in [str(s) for s in src.universe()["symbol"].iloc[5:8]]:
        _open(w, qtbot, sym)
        box = w.stock_view.panel.fscore_box
        core = load_stock_fundamentals(src, sym).score
        assert bool(core.valid[0])
        total = float(core.total[0])
        shown = box.header.total_label.text()
        assert float(shown) == pytest.approx(total, abs=0.05 if not total.is_integer() else 0)
        trace = core.trace(0)
        assert box.trace_table.rowCount() == len(trace)
        pts = [box.trace_table.item(i, 3).text() for i in range(len(trace))]
        given = sum(float(p.split("/")[0]) for p in pts)
        assert given == pytest.approx(total, abs=0.1)        # the shown trace sums to the total
        assert box.isVisible() and w.stock_view.panel.score_box.isVisible()
        assert f"{core.dims['valuation'][0]:g} / 30" == box.dim_bars["valuation"].format()


def test_missing_reports_are_not_scored_and_f10_says_why(window, qtbot, monkeypatch):
    w = window
    src = w.ctx.source
    sym = str(src.universe()["symbol"].iloc[9])

    def none(symbol):
        raise NoDataError(R("demo_no_stock", code=symbol), symbol)

    monkeypatch.setattr(src, "financial_indicators", none)
    _open(w, qtbot, sym)
    box = w.stock_view.panel.fscore_box
    qtbot.waitUntil(lambda: box.header.note_label.text().startswith("未评分"), timeout=10000)
    assert box.header.total_label.text() == "—" and not box.trace_table.isVisible()
    assert R("demo_no_stock", code=sym).text("zh") in box.header.note_label.text()
    dlg = w.f10.open(sym)
    assert dlg.status_label.text().startswith("正在载入")          # the placeholder, at once
    dlg = _f10(w, qtbot, sym)
    assert dlg.reports_table.rowCount() == 0
    assert dlg.reports_note.isVisible() and R("demo_no_stock", code=sym).text("zh") in dlg.reports_note.text()
    assert dlg.valuation_labels["pe_ttm"][1].text() != "—"     # the other parts still show


def test_f10_valuation_chart_draws_the_sources_series_with_dates(window, qtbot):
    import numpy as np

    w = window
    src = w.ctx.source
    sym = str(src.universe()["symbol"].iloc[4])
    dlg = w.f10.open(sym)
    dlg = _f10(w, qtbot, sym)
    chart = dlg.valuation_chart
    hist = src.valuation_history(sym)
    assert len(hist) > 100
    for key in ("pe_ttm", "pb"):
        x, y = chart.curves[key].getData()
        assert list(x) == list(range(len(hist)))
        np.testing.assert_array_equal(y, hist[key].to_numpy(dtype=float))
        assert chart.axes[key].dates == [d.isoformat() for d in hist["date"]]
    dlg.tabs.setCurrentIndex(0)
    assert chart.plots["pe_ttm"].isVisible() and not chart.note.isVisible()
    text = chart.caption.text()
    first, last = hist["date"].iloc[0].isoformat(), hist["date"].iloc[-1].isoformat()
    assert f"估值历史 {first} – {last}（{len(hist)} 个交易日）" in text
    pe = hist["pe_ttm"].to_numpy(dtype=float)
    lo = int(np.nanargmin(pe))
    assert f"最新 {pe[-1]:.2f}（{last}）" in text                       # every number with its date
    assert f"最低 {pe[lo]:.2f}（{hist['date'].iloc[lo].isoformat()}）" in text
    assert dlg.reports_table.rowCount() > 0                               # and the report table


def test_f10_without_valuation_history_says_why(window, qtbot, monkeypatch):
    w = window
    src = w.ctx.source
    sym = str(src.universe()["symbol"].iloc[11])

    def none(symbol):
        raise NoDataError(R("demo_no_stock", code=symbol), symbol)

    monkeypatch.setattr(src, "valuation_history", none)
    dlg = _f10(w, qtbot, w.f10.open(sym).symbol())
    dlg.tabs.setCurrentIndex(0)
    chart = dlg.valuation_chart
    assert not chart.plots["pe_ttm"].isVisible() and chart.note.isVisible()
    assert chart.note.text() == "没有估值历史：" + R("demo_no_stock", code=sym).text("zh")
    assert list(chart.curves["pe_ttm"].getData()[1] or []) == []
    monkeypatch.setattr(src, "valuation_history", lambda symbol: src.__class__.valuation_history(src, symbol).iloc[:0])
    sym2 = str(src.universe()["symbol"].iloc[12])
    dlg = _f10(w, qtbot, w.f10.open(sym2).symbol())
    assert dlg.valuation_chart.note.text() == "数据源没有这只股票的估值历史。"
    assert dlg.reports_table.rowCount() > 0                               # the other parts still show


def test_f10_opens_from_the_analysis_panels_fundamental_score(window, qtbot):
    w = window
    sym = str(w.ctx.source.universe()["symbol"].iloc[6])
    _open(w, qtbot, sym)
    button = w.stock_view.panel.fscore_box.f10_button
    assert button.isVisible() and button.text() == "F10 基本资料…"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert _f10(w, qtbot, sym).symbol() == sym
