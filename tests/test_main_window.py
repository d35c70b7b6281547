"""The real main window end to end on a small demo market: F5 and the button start a scan, the
task row appears at once and completes, hits arrive before completion, Esc cancels, an empty
universe is refused, double-click opens a stock, the layout survives a restart, the language
switches live, and closing with a running task joins every thread."""
from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDockWidget

from desktop_app.core.data.store import BarStore
from desktop_app.ui import i18n
from desktop_app.ui.app_context import AppContext
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.status_bar import demo_badge_text
from conftest import copy_store

N_STOCKS = 300


@pytest.fixture
def warm_store_file(demo_store_file):
    return demo_store_file(N_STOCKS)


@pytest.fixture
def make_window(tmp_path, warm_store_file, open_window):
    made: list[MainWindow] = []

    def make(warm: bool = True, latency: float = 0.0, restore: bool = True, **kw) -> MainWindow:
        store = copy_store(warm_store_file, tmp_path / f"store{len(made)}") if warm else None
        made.append(open_window(AppContext.for_demo(n_stocks=N_STOCKS, latency=latency, store=store, **kw),
                                restore=restore))
        return made[-1]

    return make


@pytest.fixture
def slow_scoring(monkeypatch):
    """Score in chunks of 40 with a pause, so a scan streams hits over about a second."""
    import time

    from desktop_app.core import scan, scoring

    real = scoring.score_panel

    def slow(panel, *a, **k):
        time.sleep(0.08)
        return real(panel, *a, **k)

    monkeypatch.setattr(scan, "CHUNK", 40)
    monkeypatch.setattr(scoring, "score_panel", slow)


def status(w: MainWindow, tid: str) -> str:
    return w.tm.get(tid).status.value


def wait_done(qtbot, w: MainWindow, tid: str, timeout: int = 20000) -> None:
    qtbot.waitUntil(lambda: w.tm.get(tid).is_terminal, timeout=timeout)


def test_window_shows_docks_source_badge_and_freshness(make_window, qtbot):
    w = make_window()
    assert w.windowTitle() == "StockScan"
    names = {d.objectName() for d in w.findChildren(QDockWidget)}
    assert {"scanDock", "tasksDock", "resultsDock", "watchlistDock"} <= names
    assert w.centralWidget().objectName() == "stockArea"
    assert w.demo_badge.isVisible() and w.demo_badge.text() == demo_badge_text() and w.demo_badge.text().startswith("DEMO")
    qtbot.waitUntil(lambda: w.freshness_label.text().startswith("Data as of 20"), timeout=5000)
    assert w.ctx.latest_date is not None
    assert w.running_label.text() == "Running tasks: 0"


def test_f5_starts_a_scan_that_completes(make_window, qtbot):
    w = make_window()
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow, timeout=3000)
    w.scan_panel.min_score.setFocus()
    w.scan_panel.min_score.setValue(40)
    QTest.keyClick(w.scan_panel.min_score, Qt.Key.Key_F5)
    assert w.tm.rowCount() == 1  # the row exists at once
    tid = w.tm.task_ids()[0]
    assert w.tm.get(tid).kind == "scan"
    wait_done(qtbot, w, tid)
    info = w.tm.get(tid)
    assert info.status.value == "completed", info.error
    model = w.tm.results_model(tid)
    assert w.results_view.source_model is model
    assert model.rowCount() == info.found > 0
    assert w.results_view.count_label.text() == f"{info.found} hits"
    assert all(r["score"] >= 40 for r in model.rows())


def test_button_starts_a_scan_and_hits_arrive_while_running(make_window, qtbot, slow_scoring):
    w = make_window()
    w.scan_panel.min_score.setValue(30)
    seen_while_running: list[int] = []

    def on_rows(*_):
        tid = w.tm.task_ids()[-1]
        if status(w, tid) == "running":
            seen_while_running.append(w.tm.results_model(tid).rowCount())

    qtbot.mouseClick(w.scan_panel.start_button, Qt.MouseButton.LeftButton)
    assert w.tm.rowCount() == 1
    tid = w.tm.task_ids()[0]
    w.tm.results_model(tid).rowsInserted.connect(on_rows)
    wait_done(qtbot, w, tid)
    assert status(w, tid) == "completed"
    assert seen_while_running and seen_while_running[0] > 0
    assert seen_while_running[0] < w.tm.results_model(tid).rowCount()


def test_esc_cancels_the_selected_task_and_it_stays_cancelled(make_window, qtbot, slow_scoring):
    w = make_window()
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow, timeout=3000)
    tid = w.start_scan()
    assert tid
    qtbot.waitUntil(lambda: status(w, tid) == "running", timeout=5000)
    w.task_view.setFocus()
    w.task_view.select_task(tid)
    QTest.keyClick(w.task_view, Qt.Key.Key_Escape)
    assert status(w, tid) == "cancelled"
    qtbot.waitUntil(lambda: w.tm.running_count() == 0, timeout=5000)
    qtbot.wait(200)
    assert status(w, tid) == "cancelled"


def test_codes_outside_the_market_are_refused_with_a_message(make_window, qtbot):
    w = make_window()
    # 688981 is a valid STAR code, but not in a 300-stock demo market: the universe is empty.
    listed = set(w.ctx.source.universe()["symbol"])
    code = next(c for c in ("688981", "600000", "000002", "300001") if c not in listed)
    w.scan_panel.set_universe(f"codes:{code}")
    tid = w.start_scan()
    wait_done(qtbot, w, tid)
    assert status(w, tid) == "failed"
    assert w.scan_panel.universe_error.isVisible()
    assert "no stocks to scan" in w.scan_panel.universe_error.text()


def test_invalid_codes_are_refused_before_anything_runs(make_window):
    w = make_window()
    w.scan_panel.set_universe("codes:")
    w.scan_panel.codes_edit.setPlainText("hello 12345")
    assert w.start_scan() == ""
    assert w.tm.rowCount() == 0
    assert w.scan_panel.universe_error.text() == "No valid stock code to scan."
    assert "hello" in w.scan_panel.codes_info.text()


def test_enter_and_double_click_open_the_stock(make_window, qtbot):
    w = make_window()
    w.scan_panel.min_score.setValue(0)
    tid = w.start_scan()
    wait_done(qtbot, w, tid)
    table = w.results_view.table
    idx = table.model().index(0, 0)
    sym = idx.data(Qt.ItemDataRole.UserRole + 1)
    with qtbot.waitSignal(w.open_symbol_requested, timeout=2000) as blocker:
        table.setCurrentIndex(idx)
        table.setFocus()
        QTest.keyClick(table, Qt.Key.Key_Return)
    assert blocker.args == [sym]
    assert w.stock_view.current_symbol() == sym and sym in w.stock_view.title_label.text()
    with qtbot.waitSignal(w.open_symbol_requested, timeout=2000):
        table.doubleClicked.emit(table.model().index(1, 1))


def test_failed_task_shows_its_full_error_on_demand(make_window, qtbot):
    w = make_window()
    msg = "boom: " + "x" * 300

    def bad(progress, cancel, emit_hits):
        raise RuntimeError(msg)

    tid = w.tm.submit("scan", "bad", bad)
    wait_done(qtbot, w, tid)
    w.task_view.select_task(tid)
    dlg = w.task_view.show_details()
    assert msg in dlg.text.toPlainText()
    dlg.close()


def test_layout_and_scan_settings_survive_a_restart(make_window, qtbot):
    w = make_window()
    w.resize(1900, 1000)   # room for the chart and the panel above their minimum widths
    qtbot.wait(50)
    w.watchlist_dock.hide()
    w.stock_splitter.setSizes([820, 300])   # far from the default split, so a lost state shows
    sizes = w.stock_splitter.sizes()
    w.scan_panel.min_score.setValue(77)
    w.scan_panel.set_universe("index:000905")
    w.task_view.setColumnWidth(0, 333)
    w.close()
    assert QSettings().value("window/state") is not None

    w2 = make_window()
    assert not w2.watchlist_dock.isVisible()
    qtbot.wait(50)
    # offscreen, restoreGeometry fits the window to the 800-px virtual screen: give it the same room
    w2.resize(w.width(), w.height())
    qtbot.wait(50)
    s2 = w2.stock_splitter.sizes()  # the central area's width depends on the docks: compare shares
    assert abs(s2[0] / sum(s2) - sizes[0] / sum(sizes)) < 0.02
    assert w2.scan_panel.min_score.value() == 77
    assert w2.scan_panel.universe_kind() == "index:000905"
    assert w2.task_view.columnWidth(0) == 333
    w2.reset_layout()
    assert w2.watchlist_dock.isVisible() or w2.tabifiedDockWidgets(w2.watchlist_dock)
    assert not w2.watchlist_dock.isHidden()


def test_language_switches_live(make_window, qtbot):
    w = make_window()
    tid = w.start_scan()
    w.apply_language("zh_CN")
    assert w.scan_dock.windowTitle() == "扫描"
    assert w.scan_panel.start_button.text() == "开始扫描 (F5)"
    assert w.scan_panel.universe_combo.itemText(0) == "全市场"
    assert w.tm.headerData(0, Qt.Orientation.Horizontal) == "任务"
    assert w.tm.results_model(tid).headerData(0, Qt.Orientation.Horizontal) == "代码"
    assert w.freshness_label.text().startswith(("数据截至", "尚无"))
    assert w.tm.row_of(tid) == 0  # state kept: the task is still there
    w.apply_language("en")
    assert w.scan_dock.windowTitle() == "Scan"
    assert w.tm.results_model(tid).headerData(0, Qt.Orientation.Horizontal) == "Code"
    wait_done(qtbot, w, tid)


def test_a_language_switch_retranslates_each_panel_once(make_window):
    w = make_window()
    calls: dict[str, int] = {}
    for name in ("scan_panel", "task_view", "stock_view", "quick_open_dialog"):
        panel = getattr(w, name)
        real = panel.retranslate

        def counted(real=real, name=name):
            calls[name] = calls.get(name, 0) + 1
            real()

        panel.retranslate = counted
    w.apply_language("zh_CN")
    assert calls == dict.fromkeys(calls, 1) and len(calls) == 4
    assert w.quick_open_action.text() == "快速打开…"
    i18n.set_language("en")  # a switch from elsewhere (the settings) retranslates the same way
    assert calls == dict.fromkeys(calls, 2)
    w.apply_language("en")   # no change, no work
    assert calls == dict.fromkeys(calls, 2)


def test_the_window_builds_its_stock_view_and_quick_open(make_window):
    """One owner: the window makes and wires the stock view, nothing patches it afterwards."""
    w = make_window()
    assert w.stock_view.parent() is w.stock_area and w.stock_splitter is w.stock_view.splitter
    assert w.file_menu.actions()[0] is w.quick_open_action
    assert w.quick_open_action.shortcut().toString() == "Ctrl+K"
    assert w.quick_open_dialog.parent() is w
    with pytest.raises(TypeError):
        MainWindow()  # a window always gets its context (app.py builds it)


def test_close_with_a_running_task_exits_cleanly(make_window, qtbot, slow_scoring):
    w = make_window()
    tid = w.start_scan()
    qtbot.waitUntil(lambda: status(w, tid) == "running", timeout=5000)
    w.close()
    assert status(w, tid) in ("interrupted", "cancelled")
    assert w.tm.running_count() == 0
    alive = [t.name for t in threading.enumerate() if t.name.startswith("stockscan-bg")]
    assert alive == []


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_ctrl_e_exports_the_visible_sorted_rows(make_window, qtbot, tmp_path, monkeypatch, suffix):
    from PySide6.QtWidgets import QFileDialog

    from desktop_app.core.table_file import read_table as read_back

    w = make_window()
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow, timeout=3000)
    w.scan_panel.min_score.setValue(0)
    tid = w.start_scan()
    wait_done(qtbot, w, tid)
    rv = w.results_view
    rv.sort_by("chg_pct", Qt.SortOrder.AscendingOrder)
    industry = rv.source_model.row_dict(0)["industry"]
    rv.filter_edit.setText(industry)
    want = [rv.proxy.index(r, 0).data() for r in range(rv.proxy.rowCount())]
    assert 0 < len(want) < rv.source_model.rowCount()
    path = tmp_path / f"out.{suffix}"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))
    with qtbot.waitSignal(w.tm.task_added, timeout=2000) as blocker:
        QTest.keyClick(w.results_view.table, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    eid = blocker.args[0]
    wait_done(qtbot, w, eid)
    assert w.tm.get(eid).kind == "export" and status(w, eid) == "completed"
    headers, rows = read_back(path)
    assert headers[0] == "Code"
    assert [str(r[0]) for r in rows] == want
    chg = [float(r[headers.index("Change %")]) for r in rows]
    assert chg == sorted(chg)


def test_ctrl_f_delete_and_rerun(make_window, qtbot):
    w = make_window()
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow, timeout=3000)
    tid = w.start_scan()
    wait_done(qtbot, w, tid)
    QTest.keyClick(w.task_view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert w.results_view.filter_edit.hasFocus()
    w.task_view.setFocus()
    w.task_view.select_task(tid)
    new_id = w.task_view.rerun_selected()
    assert new_id and new_id != tid and w.tm.rowCount() == 2
    wait_done(qtbot, w, new_id)
    assert w.tm.get(new_id).found == w.tm.get(tid).found
    w.task_view.select_task(tid)
    w.task_view.setFocus()
    QTest.keyClick(w.task_view, Qt.Key.Key_Delete)
    assert w.tm.task_ids() == [new_id]


def test_one_click_from_demo_to_live_data_and_back(make_window, qtbot, monkeypatch, tmp_path):
    """The status bar's switch button moves between the demo market and akshare, off the GUI
    thread; the DEMO badge follows the source."""
    from desktop_app.ui import app_context

    class LiveSource:  # stands in for AkShareSource: no network in tests
        name, is_demo = "akshare", False

        def boards(self, kind):
            return []

        def universe(self):
            import pandas as pd
            return pd.DataFrame(columns=["symbol", "name", "exchange", "board", "industry", "listed_date", "is_st"])

    built = []
    real = app_context.build_source

    def fake_build(preference, demo_stocks=None):
        built.append(preference)
        if preference == "akshare":
            return LiveSource(), BarStore(tmp_path / "bars-akshare.sqlite"), ""
        return real(preference, 200)

    monkeypatch.setattr(app_context, "build_source", fake_build)
    w = make_window(auto_backfill=False)
    assert w.ctx.is_demo and not w.demo_badge.isHidden()
    assert w.switch_source_action.text() in ("Use live data (akshare)", "切换到实时数据 (akshare)")
    w.switch_source_button.click()
    qtbot.waitUntil(lambda: not w.ctx.is_demo and not w.ctx.switching, timeout=5000)
    assert built == ["akshare"] and w.demo_badge.isHidden()
    assert w.switch_source_action.text() in ("Use the demo market", "切换到演示市场")
    w.switch_source_button.click()
    qtbot.waitUntil(lambda: w.ctx.is_demo and not w.ctx.switching, timeout=10000)
    assert built == ["akshare", "demo"] and not w.demo_badge.isHidden()
