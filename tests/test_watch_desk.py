"""The window's watch desk (issue 19), driven like a user: create a group, import a .blk into it
(its bad line previewed with the reason), scan the group; add a holding and see it valued; set an
alert that fires on the demo tick and see the notification and the alert log entry."""
from __future__ import annotations

import shutil

import pytest
from PySide6.QtCore import QMimeData
from PySide6.QtWidgets import QDialogButtonBox

from desktop_app.core.data.store import BarStore
from desktop_app.core.demo_ticks import demo_snapshot
from desktop_app.core.watch_store import WatchStore
from desktop_app.ui.app_context import AppContext
from desktop_app.ui.main_window import MainWindow

N_STOCKS = 200


@pytest.fixture
def window(qtbot, tmp_path, demo_store_file):
    src = demo_store_file(N_STOCKS)
    for f in src.parent.glob(src.name + "*"):
        shutil.copy(f, tmp_path / f.name)
    ctx = AppContext.for_demo(n_stocks=N_STOCKS, store=BarStore(tmp_path / src.name))
    w = MainWindow(context=ctx)
    qtbot.addWidget(w)
    w.ensure_built()
    w.show()
    qtbot.waitUntil(lambda: w.ctx.source is not None, timeout=20000)
    yield w
    w.close()
    ctx.shutdown()


def _ok(dlg):
    dlg.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()


def test_group_blk_import_and_scan_the_group(window, qtbot, tmp_path):
    w = window
    bar = w.watch.groups
    codes = list(w.ctx.source.universe()["symbol"].astype(str))
    sh = [c for c in codes if c.startswith("6")][:2]
    sz = [c for c in codes if c.startswith("0")][:1]
    assert bar.new_group("短线") == "短线"
    assert [bar.tabs.tabText(i) for i in range(bar.tabs.count())] == ["自选股1", "短线"]
    blk = tmp_path / "DX.blk"
    blk.write_bytes(("\r\n" + "".join(f"1{c}\r\n" for c in sh) + f"0{sz[0]}\r\n1{sz[0]}\r\n").encode("gbk"))
    bar.import_file(str(blk))
    qtbot.waitUntil(lambda: bar.last_dialog is not None and bar.last_dialog.isVisible(), timeout=5000)
    dlg = bar.last_dialog
    assert dlg.rejected.rowCount() == 1 and dlg.rejected.item(0, 1).text() == f"1{sz[0]}"
    assert sz[0] in dlg.rejected.item(0, 2).text()          # "… listed in Shenzhen, not in Shanghai"
    assert dlg.group() == "短线"
    _ok(dlg)
    assert w.ctx.watchlist.symbols() == sh + sz and w.watchlist_view.model.symbols() == sh + sz
    qtbot.waitUntil(lambda: w.ctx.runner.pending_count() == 0, timeout=5000)
    assert WatchStore(w.ctx.watchlist.store.path).members("短线") == sh + sz
    # drag the first code onto 自选股1's tab: it moves there
    mime = w.watchlist_view.model.mimeData([w.watchlist_view.model.index(0, 0)])
    assert bar.drop_on_group(mime.text().split(), "自选股1") == [sh[0]]
    assert w.ctx.watchlist.members("自选股1") == [sh[0]] and w.ctx.watchlist.symbols() == sh[1:] + sz
    # the group is a scan universe
    sp = w.scan_panel
    i = sp.universe_combo.findData("group:短线")
    assert i >= 0
    sp.universe_combo.setCurrentIndex(i)
    sp.min_score.setValue(0)
    sp.exclude_suspended.setChecked(False)
    tid = w.start_scan()
    qtbot.waitUntil(lambda: w.tm.get(tid).is_terminal, timeout=20000)
    assert w.tm.get(tid).status.value == "completed", w.tm.get(tid).error
    assert set(w.tm.results_model(tid).symbols()) <= set(sh[1:] + sz)
    assert w.tm.get(tid).total == 2


def test_holding_is_valued_in_the_dock(window, qtbot):
    w = window
    code = str(w.ctx.source.universe()["symbol"].iloc[3])
    dlg = w.watch.holdings.add_dialog(code)
    dlg.quantity.setValue(1000)
    dlg.cost.setValue(10.0)
    _ok(dlg)
    view = w.watch.holdings
    qtbot.waitUntil(lambda: view.model.rowCount() == 1, timeout=10000)
    bars = w.ctx.source.daily_bars(code)
    last = float(bars["close"].iloc[-1])
    row = view.model.row(0)
    assert row["market_value"] == pytest.approx(1000 * last)
    assert row["pnl"] == pytest.approx(1000 * (last - 10.0))
    assert row["weight"] == pytest.approx(100.0)
    assert view.model.index(0, view.model.COLUMNS.index("last")).data() == f"{last:.2f}"
    assert "DEMO" in view.totals.text()


def test_alert_fires_on_the_demo_tick_and_is_logged(window, qtbot):
    w = window
    code = str(w.ctx.source.universe()["symbol"].iloc[0])
    price = float(demo_snapshot(w.ctx.source.spot(), 0).set_index("symbol").at[code, "last"])
    dlg = w.watch.edit_alert(code)
    dlg.set_kind("price_above")
    dlg.value.setValue(price)
    _ok(dlg)
    qtbot.waitUntil(lambda: len(w.watch.log.rules) == 1, timeout=5000)
    assert w.watch.log.rules[0].params == {"price": round(price, 4)}
    w.watch.scheduler.tick = 0
    tid = w.watch.check_now()
    assert tid and w.tm.get(tid).kind == "snapshot"
    qtbot.waitUntil(lambda: bool(w.watch.tray.notifications), timeout=20000)
    title, text = w.watch.tray.notifications[0]
    assert "DEMO" in title and code in text
    qtbot.waitUntil(lambda: bool(w.watch.log.entry_texts()), timeout=5000)
    assert any(code in t and "DEMO" in t for t in w.watch.log.entry_texts())
    assert "DEMO" in w.watch.status_label.text()
    # the watchlist shows the snapshot's price, its names kept
    w.watchlist_view.add_symbols([code])
    qtbot.waitUntil(lambda: bool(w.watchlist_view.model.quote(code).get("name")), timeout=10000)
    w.watch._quote_watchlist()
    q = w.watchlist_view.model.quote(code)
    last_tick = w.watch.scheduler.tick - 1
    want = float(demo_snapshot(w.ctx.source.spot(), last_tick).set_index("symbol").at[code, "last"])
    assert q["last"] == pytest.approx(want) and q["name"] == w.ctx.source.universe().set_index("symbol").at[code, "name"]
    # the next tick: the same alert does not fire again today
    tid = w.watch.check_now()
    qtbot.waitUntil(lambda: w.tm.get(tid).is_terminal, timeout=20000)
    assert len(w.watch.tray.notifications) == 1


def test_text_dropped_on_the_list_is_placed_there(window, qtbot):
    w = window
    codes = list(w.ctx.source.universe()["symbol"].astype(str)[:3])
    w.watchlist_view.add_symbols(codes[:2])
    m = QMimeData()
    m.setText(codes[2])
    w.watchlist_view.model.dropMimeData(m, None, 0, 0, w.watchlist_view.model.index(-1, -1))
    assert w.ctx.watchlist.symbols() == [codes[2]] + codes[:2]


def test_snapshot_rows_of_an_earlier_session_are_dropped(window, qtbot):
    w = window
    old = w.tm.submit("snapshot", "old", lambda progress, cancel, emit: None)
    scan = w.tm.submit("analysis", "keep", lambda progress, cancel, emit: None)
    qtbot.waitUntil(lambda: w.tm.get(old).is_terminal and w.tm.get(scan).is_terminal, timeout=5000)
    w.watch._drop_old_snapshots()
    assert old not in w.tm.task_ids() and scan in w.tm.task_ids()


def test_holdings_import_reports_bad_rows_and_export_round_trips(window, qtbot, tmp_path):
    from desktop_app.core.holdings_file import preview_holdings

    w = window
    codes = list(w.ctx.source.universe()["symbol"].astype(str)[:2])
    src = tmp_path / "h.csv"
    src.write_text(f"代码,数量,成本,日期\n{codes[0]},100,10.5,2024-01-02\n{codes[1]},-1,3,\n", encoding="utf-8")
    view = w.watch.holdings
    view.import_file(str(src))
    qtbot.waitUntil(lambda: view.model.rowCount() == 1, timeout=10000)
    assert view.message.isVisible() and "3:" in view.message.text() and codes[1] in view.message.text()
    out = tmp_path / "out.xlsx"
    view.export_file(str(out))
    qtbot.waitUntil(lambda: out.exists(), timeout=10000)
    back = preview_holdings(out)
    assert [(h.code, h.quantity, h.cost, h.date) for h in back.holdings] == [(codes[0], 100.0, 10.5, "2024-01-02")]


def test_settings_set_the_interval_and_close_to_tray(window, qtbot, monkeypatch):
    from PySide6.QtGui import QCloseEvent

    from desktop_app.ui.watch_settings import load_watch_settings

    w = window
    dlg = w.watch.open_settings()
    dlg.interval.setValue(1)                      # clamped to the 2-minute minimum
    assert dlg.interval.value() == 2
    dlg.interval.setValue(10)
    dlg.tray.setChecked(True)
    _ok(dlg)
    assert w.watch.scheduler.interval_s == 600 and w.watch.tray.close_to_tray
    assert load_watch_settings()["interval_s"] == 600 and load_watch_settings()["close_to_tray"] is True
    tray = w.watch.tray
    tray.available = True
    monkeypatch.setattr(tray, "user_closed", lambda e: True)      # the title bar's ×
    ev = QCloseEvent()
    assert tray.eventFilter(w, ev) and not ev.isAccepted() and w.isHidden()
    monkeypatch.setattr(tray, "user_closed", lambda e: False)     # Ctrl+Q: goes through
    assert not tray.eventFilter(w, QCloseEvent())


def test_the_alert_editor_is_reachable_from_every_stock_menu(window, qtbot):
    w = window
    qtbot.waitUntil(lambda: not w.startup.pending(), timeout=10000)
    assert w.watch.chart_alert in w.stock_view.chart_menu().actions()
    assert w.watch.results_alert in w.results_view._row_menu.actions()
    assert w.watch.watch_alert in w.watchlist_view.menu_actions
    code = str(w.ctx.source.universe()["symbol"].iloc[1])
    w.watchlist_view.add_symbols([code])
    w.watchlist_view.table.setCurrentIndex(w.watchlist_view.model.index(0, 0))
    w.watch.watch_alert.trigger()
    assert w.watch.editor.target.currentData() == ("stock", code)
    w.watch.editor.reject()
    w.watch.holdings.alert_requested.emit(code)
    assert w.watch.editor.kind.currentData() == "stop_loss"
    w.watch.editor.reject()
    assert w.watch.alert_action.shortcut().toString() == "Ctrl+Alt+A"


def test_holdings_and_alerts_sit_with_the_task_strip_and_show_whole(window, qtbot):
    from PySide6.QtCore import Qt

    w = window
    w.resize(1600, 1000)                       # (the offscreen screen is 800×600: no room to grow)
    for dock in (w.watch.holdings_dock, w.watch.alert_dock):
        assert w.dockWidgetArea(dock) == Qt.DockWidgetArea.BottomDockWidgetArea
        assert dock in w.tabifiedDockWidgets(w.tasks_dock)
    qtbot.waitUntil(lambda: w.task_strip_fitted is not None, timeout=3000)
    strip = w.tasks_dock.height()
    grown = 0
    for dock in (w.watch.holdings_dock, w.watch.alert_dock):
        dock.raise_()                          # its tab clicked: the strip grows to show it whole
        need = dock.widget().minimumSizeHint().height()
        qtbot.waitUntil(lambda: dock.widget().height() >= need or dock.height() > max(strip, grown),
                        timeout=3000)          # whole, or as tall as the desk allows
        grown = max(grown, dock.height())
    w.tasks_dock.raise_()                      # back to the tasks: fitted to their rows again
    qtbot.waitUntil(lambda: w.tasks_dock.isVisible() and w.tasks_dock.height() <= max(strip, grown), timeout=3000)
    assert w.task_view.height() >= w.task_view.compact_height(w.task_strip_rows())   # its rows whole
    assert not w._task_strip_user
