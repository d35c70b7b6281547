"""Issue 12, the trading desk (window side): a chart-first layout at every size, 通达信's keys
(键盘精灵, PgUp/PgDn through the list, Enter/Esc full-window K-line, Insert adds to the watchlist),
Tab leaving tables, Ctrl+E from the filter box, a keyboard map in Help."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from conftest import copy_store
from desktop_app.ui import i18n
from desktop_app.ui.app_context import AppContext
from desktop_app.ui.desk_navigation import keymap
from desktop_app.ui.main_window import MainWindow

N_STOCKS = 300
SYMBOL_ROLE = Qt.ItemDataRole.UserRole + 1


@pytest.fixture
def desk(qtbot, tmp_path, demo_store_file, open_window):
    made = []

    def make(width: int = 1600, height: int = 1000, restore: bool = False) -> MainWindow:
        store = copy_store(demo_store_file(N_STOCKS), tmp_path / f"s{len(made)}")
        w = open_window(AppContext.for_demo(n_stocks=N_STOCKS, store=store), restore=restore)
        made.append(w)
        w.resize(width, height)
        w.activateWindow()
        qtbot.waitUntil(w.isActiveWindow, timeout=3000)
        w.reset_layout()            # the default layout at this size
        qtbot.wait(50)
        return w

    return make


def scanned(qtbot, w: MainWindow) -> str:
    w.scan_panel.min_score.setValue(0)
    tid = w.start_scan()
    qtbot.waitUntil(lambda: w.tm.get(tid).is_terminal, timeout=20000)
    w.show_task_results(tid)
    return tid


@pytest.mark.parametrize("size", [(1280, 720), (1600, 1000)])
def test_the_chart_is_the_main_area_and_its_price_pane_stays_readable(desk, qtbot, size):
    w = desk(*size)
    central = w.centralWidget().geometry()
    docks_w = sum(d.width() for d in (w.scan_dock, w.results_dock) if d.isVisible() and not d.isFloating()
                  and w.dockWidgetArea(d) in (Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.RightDockWidgetArea)
                  and not w.tabifiedDockWidgets(d) or d is w.scan_dock)
    assert central.width() > w.width() * 0.5 and central.width() > docks_w
    assert w.tasks_dock.height() < w.height() * 0.25          # a compact task strip
    scanned(qtbot, w)
    with qtbot.waitSignal(w.stock_view.stock_loaded, timeout=10000):
        w.open_symbol(w.results_view.proxy.index(0, 0).data(SYMBOL_ROLE), origin="results")
    qtbot.wait(50)
    r = w.stock_view.chart.price_plot.getViewBox().sceneBoundingRect()
    # the price pane of a 通达信 screen: at least ~half the chart's height, wide enough for 120+ candles
    assert r.height() >= 230 and r.width() >= 420, (size, r)
    assert r.height() >= 0.4 * w.stock_view.chart.height()


def test_results_share_the_left_column_when_narrow_and_have_their_own_when_wide(desk):
    narrow, wide = desk(1280, 720), desk(1700, 1000)
    assert narrow.results_dock in narrow.tabifiedDockWidgets(narrow.scan_dock)
    assert wide.dockWidgetArea(wide.results_dock) == Qt.DockWidgetArea.RightDockWidgetArea


def test_typing_a_code_anywhere_opens_quick_open_prefilled(desk, qtbot):
    w = desk()
    scanned(qtbot, w)
    table = w.results_view.table
    table.setFocus()
    qtbot.waitUntil(table.hasFocus, timeout=2000)
    QTest.keyClicks(table, "300")
    dlg = w.quick_open_dialog
    qtbot.waitUntil(dlg.isVisible, timeout=2000)
    assert dlg.edit.text().startswith("3")
    qtbot.waitUntil(lambda: dlg.edit.text() == "300", timeout=2000)
    dlg.close()
    w.stock_view.chart.setFocus()
    QTest.keyClick(w.stock_view.chart, Qt.Key.Key_6)
    qtbot.waitUntil(dlg.isVisible, timeout=2000)
    assert dlg.edit.text() == "6"
    dlg.close()


def test_keys_typed_after_the_popup_opens_continue_the_code(desk, qtbot):
    """Under X11 the popup takes the keys after the first one; its first digit must not be
    selected (and replaced by the second): 600 typed is 600 searched."""
    w = desk()
    w.results_view.table.setFocus()
    QTest.keyClick(w.results_view.table, Qt.Key.Key_6)
    dlg = w.quick_open_dialog
    qtbot.waitUntil(dlg.isVisible, timeout=2000)
    qtbot.wait(50)                                   # the popup's focus-in has happened
    QTest.keyClicks(dlg.edit, "00")
    assert dlg.edit.text() == "600"
    dlg.close()


def test_keys_typed_while_the_popup_is_opening_reach_it_not_the_window(desk, qtbot, monkeypatch):
    """Under X11 the keys after the first one still reach the main window until the popup's
    window has the keyboard. The popup is not modal (Qt drops key events to a window a modal
    dialog blocks: 600577 typed fast gave 6577), and the window's key filter types those keys
    into it — even when the window's focus is in a text field — Backspace and Enter included."""
    w = desk()
    scanned(qtbot, w)
    w.results_view.table.setFocus()
    QTest.keyClick(w.results_view.table, Qt.Key.Key_6)
    dlg = w.quick_open_dialog
    qtbot.waitUntil(dlg.isVisible, timeout=2000)
    assert not dlg.isModal()
    monkeypatch.setattr(dlg, "isActiveWindow", lambda: False)      # its window not focused yet
    field = w.results_view.filter_edit
    for key in (Qt.Key.Key_0, Qt.Key.Key_0, Qt.Key.Key_9, Qt.Key.Key_Backspace):
        QTest.keyClick(field, key)                   # X still sends them to the main window
    assert dlg.edit.text() == "600" and field.text() == ""
    proxy = w.results_view.proxy
    codes = [proxy.index(r, 0).data(Qt.ItemDataRole.UserRole + 1) for r in range(proxy.rowCount())]
    code = next(c for c in codes if c.startswith("600"))
    for ch in code[3:]:
        QTest.keyClick(field, ch)
    assert dlg.edit.text() == code and field.text() == ""
    qtbot.waitUntil(lambda: bool(dlg.matches()) and dlg.matches()[0][0] == code, timeout=5000)
    with qtbot.waitSignal(w.stock_view.stock_loaded, timeout=10000):
        QTest.keyClick(field, Qt.Key.Key_Return)
    assert not dlg.isVisible() and w.stock_view.current_symbol() == code


def test_typing_in_a_text_field_stays_in_the_field(desk, qtbot):
    w = desk()
    scanned(qtbot, w)
    w.results_view.filter_edit.setFocus()
    QTest.keyClicks(w.results_view.filter_edit, "60")
    assert w.results_view.filter_edit.text() == "60" and not w.quick_open_dialog.isVisible()


def test_pgdn_in_the_chart_opens_the_next_result_and_the_selection_follows(desk, qtbot):
    w = desk()
    scanned(qtbot, w)
    proxy = w.results_view.proxy
    first, second, third = (proxy.index(r, 0).data(SYMBOL_ROLE) for r in range(3))
    w.open_symbol(first, origin="results")
    chart = w.stock_view.chart
    chart.setFocus()
    QTest.keyClick(chart, Qt.Key.Key_PageDown)
    assert w.current_symbol == second
    assert w.results_view.table.currentIndex().row() == 1
    QTest.keyClick(chart, Qt.Key.Key_PageDown)
    QTest.keyClick(chart, Qt.Key.Key_PageUp)
    assert w.current_symbol == second
    qtbot.waitUntil(lambda: w.stock_view.current_symbol() == second, timeout=10000)
    assert third != second


def test_moving_the_selection_in_results_opens_that_stock(desk, qtbot):
    w = desk()
    scanned(qtbot, w)
    for table in (w.results_view.frozen, w.results_view.table):    # 代码/名称 pane, and the rest
        col = next(c for c in range(table.model().columnCount()) if not table.isColumnHidden(c))
        table.setFocus()
        table.setCurrentIndex(table.model().index(0, col))
        QTest.keyClick(table, Qt.Key.Key_Down)
        want = table.model().index(1, col).data(SYMBOL_ROLE)
        qtbot.waitUntil(lambda: w.current_symbol == want, timeout=3000)
        w.open_symbol(table.model().index(5, col).data(SYMBOL_ROLE))


def test_enter_in_the_chart_fills_the_window_and_esc_returns(desk, qtbot):
    w = desk()
    scanned(qtbot, w)
    w.open_symbol(w.results_view.proxy.index(0, 0).data(SYMBOL_ROLE), origin="results")
    chart = w.stock_view.chart
    before = chart.width()
    chart.setFocus()
    QTest.keyClick(chart, Qt.Key.Key_Return)
    assert w.full_chart and not w.scan_dock.isVisible() and not w.tasks_dock.isVisible()
    qtbot.waitUntil(lambda: chart.width() > before + 200, timeout=2000)
    running = w.tm.running_count()
    QTest.keyClick(chart, Qt.Key.Key_Escape)
    assert not w.full_chart and w.scan_dock.isVisible() and w.tasks_dock.isVisible()
    assert w.tm.running_count() == running


def test_insert_adds_the_open_stock_to_the_watchlist(desk, qtbot):
    w = desk()
    scanned(qtbot, w)
    sym = w.results_view.proxy.index(2, 0).data(SYMBOL_ROLE)
    w.open_symbol(sym, origin="results")
    w.stock_view.chart.setFocus()
    QTest.keyClick(w.stock_view.chart, Qt.Key.Key_Insert)
    assert sym in w.watchlist_view.symbols()


def test_ctrl_e_exports_from_the_filter_box(desk, qtbot, monkeypatch):
    w = desk()
    scanned(qtbot, w)
    calls = []
    monkeypatch.setattr(w, "export_dialog", lambda: calls.append(1))
    w.export_action.triggered.disconnect()
    w.export_action.triggered.connect(lambda: w.export_dialog())
    w.results_view.filter_edit.setFocus()
    QTest.keyClick(w.results_view.filter_edit, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert calls == [1]


def test_tab_leaves_the_tables(desk):
    w = desk()
    for table in (w.results_view.table, w.results_view.frozen, w.task_view, w.watchlist_view.table):
        assert not table.tabKeyNavigation()


def test_the_keyboard_map_is_in_help_and_in_both_languages(desk):
    w = desk()
    assert w.keys_action in w.help_menu.actions()
    keys = [k for k, _ in keymap()]
    assert {"PgUp / PgDn", "Insert", "F5", "Enter"} <= set(keys)
    i18n.set_language("zh_CN")
    assert "键盘精灵" in dict(keymap())["0–9, A–Z"]


def test_going_live_while_offline_warns_first(desk, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from desktop_app.core.reasons import R
    w = desk()
    w.ctx.source_note = R("source_offline", details=R("probe_unreachable", details="x: refused"))
    asked = []
    monkeypatch.setattr(QMessageBox, "exec", lambda self: asked.append(self.objectName()) or QMessageBox.StandardButton.No)
    w.toggle_source()
    assert asked == ["offlineWarning"] and w.ctx.is_demo and not w.ctx.switching
    i18n.set_language("zh_CN")
    w.status.show_source(w.ctx)
    assert w.source_label.toolTip().startswith("离线：正在使用演示行情") and "x: refused" in w.source_label.toolTip()


def test_no_chinese_font_is_said_once_with_the_package(monkeypatch):
    from PySide6.QtGui import QFontDatabase

    from desktop_app.app import cjk_font_notice
    monkeypatch.setattr(QFontDatabase, "families", staticmethod(lambda *a: []))
    note = cjk_font_notice("zh_CN")
    assert note is not None and "fonts-noto-cjk" in note.text("zh") and "fonts-noto-cjk" in str(note)


def test_the_panel_with_the_keys_shows_a_focus_ring(desk, qtbot):
    w = desk()
    ring = w.focus_ring
    for panel in (w.results_view.table, w.stock_view.chart, w.task_view):
        panel.setFocus()
        qtbot.waitUntil(lambda: ring.target is panel and ring.isVisible(), timeout=2000)
        assert ring.parentWidget() is panel and ring.geometry() == panel.rect()
        img = panel.grab().toImage()
        hl = panel.palette().highlight().color()
        # the ring is on the panel's edge, where nothing else is drawn in the highlight colour
        assert img.pixelColor(img.width() // 2, 0).name() == hl.name()
    w.scan_panel.min_score.setFocus()          # a field outside the tracked panels: no ring
    qtbot.waitUntil(lambda: not ring.isVisible(), timeout=2000)


def test_the_task_strip_grows_with_tasks_up_to_a_cap_and_keeps_a_dragged_height(desk, qtbot):
    from desktop_app.ui.desk_layout import TASK_ROWS_MAX, TASK_ROWS_MIN

    w = desk(1600, 1000)
    row = w.task_view.verticalHeader().defaultSectionSize()
    assert w.tm.rowCount() == 0 and w.task_strip_rows() == TASK_ROWS_MIN
    empty = w.tasks_dock.height()

    def add(n: int) -> None:
        for _ in range(n):
            tid = w.tm.submit("export", "t", lambda progress, cancel, hits: None)
            qtbot.waitUntil(lambda: w.tm.get(tid).is_terminal, timeout=5000)

    add(4)
    qtbot.waitUntil(lambda: w.task_strip_fitted == 4, timeout=3000)
    four = w.tasks_dock.height()
    assert four > empty
    assert w.task_view.viewport().height() >= 4 * row          # every row whole, scroll bar or not
    add(TASK_ROWS_MAX + 3)
    qtbot.waitUntil(lambda: w.task_strip_fitted == TASK_ROWS_MAX, timeout=3000)
    capped = w.tasks_dock.height()
    assert w.task_strip_rows() == TASK_ROWS_MAX
    assert capped == pytest.approx(four + (TASK_ROWS_MAX - 4) * row, abs=3)    # a row's height a task
    assert capped < w.height() * 0.25
    # the user drags the strip taller: it stays as they left it, whatever the task count
    qtbot.wait(100)                                # every fit queued by the tasks above has run
    w.resizeDocks([w.tasks_dock], [capped + 120], Qt.Orientation.Vertical)
    qtbot.waitUntil(lambda: w.tasks_dock.height() > capped + 60, timeout=3000)
    dragged = w.tasks_dock.height()
    add(1)
    qtbot.wait(100)
    assert w.tasks_dock.height() == dragged
    w.task_strip_fitted = None
    w.reset_layout()                               # and "reset layout" hands it back to the count
    qtbot.waitUntil(lambda: w.task_strip_fitted == TASK_ROWS_MAX, timeout=3000)
    assert w.tasks_dock.height() == pytest.approx(capped, abs=3)


def test_a_new_window_never_starts_larger_than_the_screen(qtbot, tmp_path, demo_store_file):
    store = copy_store(demo_store_file(N_STOCKS), tmp_path / "fit")
    w = MainWindow(context=AppContext.for_demo(n_stocks=N_STOCKS, store=store), restore=False)
    qtbot.addWidget(w)
    free = w.screen().availableGeometry()
    assert w.width() <= free.width() and w.height() <= free.height()
    assert (w.width(), w.height()) == (min(1400, free.width()), min(860, free.height()))
    w.close()
    w.shutdown()


def test_at_1280_the_task_strip_shows_its_rows_whole_above_the_scroll_bar(desk, qtbot):
    w = desk(1280, 720)
    for _ in range(2):
        tid = w.tm.submit("export", "t", lambda progress, cancel, hits: None)
        qtbot.waitUntil(lambda: w.tm.get(tid).is_terminal, timeout=5000)
    qtbot.waitUntil(lambda: w.task_strip_fitted == 2, timeout=3000)
    assert w.task_view.horizontalScrollBar().isVisible()           # the columns do not fit at 1280
    assert w.task_view.viewport().height() >= 2 * w.task_view.verticalHeader().defaultSectionSize()
