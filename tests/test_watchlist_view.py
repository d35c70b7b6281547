"""The watchlist dock: add/paste (with rejected tokens), remove, quotes from the store read in a
worker, persisted to the data dir; and, in the real window, add hits to the watchlist from the
results and scan the watchlist."""
from __future__ import annotations

import shutil

import pytest
from PySide6.QtCore import Qt

from desktop_app.core.data.store import BarStore
from desktop_app.core.watch_store import WatchStore
from desktop_app.ui.app_context import AppContext
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.watchlist_view import WatchlistView

N_STOCKS = 200


@pytest.fixture
def warm_store_file(demo_store_file):
    return demo_store_file(N_STOCKS)


@pytest.fixture
def ctx(qtbot, tmp_path, warm_store_file):
    for f in warm_store_file.parent.glob(warm_store_file.name + "*"):
        shutil.copy(f, tmp_path / f.name)
    c = AppContext.for_demo(n_stocks=N_STOCKS, store=BarStore(tmp_path / warm_store_file.name))
    yield c
    c.shutdown()


def test_add_paste_remove_and_persist(ctx, qtbot):
    v = WatchlistView(ctx)
    qtbot.addWidget(v)
    v.show()
    syms = list(ctx.source.universe()["symbol"][:3])
    v.add_edit.setText(f"{syms[0]}, sh{syms[1]}  nonsense")
    v.add_from_edit()
    assert v.model.symbols() == syms[:2]
    assert v.message.isVisible() and "nonsense" in v.message.text()
    assert v.add_edit.text()  # kept so the user can fix the bad token
    v.add_symbols([syms[2]])
    assert ctx.watchlist.symbols() == syms
    qtbot.waitUntil(lambda: ctx.runner.pending_count() == 0, timeout=5000)
    assert WatchStore(ctx.watchlist.store.path).members(ctx.watchlist.group) == syms   # saved (SQLite)
    v.table.selectRow(1)
    v.remove_selected()
    assert v.model.symbols() == [syms[0], syms[2]]
    qtbot.waitUntil(lambda: ctx.runner.pending_count() == 0, timeout=5000)
    assert WatchStore(ctx.watchlist.store.path).members(ctx.watchlist.group) == [syms[0], syms[2]]


def test_quotes_come_from_the_store(ctx, qtbot):
    v = WatchlistView(ctx)
    qtbot.addWidget(v)
    sym = str(ctx.source.universe()["symbol"][5])
    v.add_symbols([sym])
    bars = ctx.store.read(sym)
    want_last = float(bars["close"].iloc[-1])
    want_chg = (bars["close"].iloc[-1] / bars["close"].iloc[-2] - 1) * 100
    qtbot.waitUntil(lambda: v.model.quote(sym).get("last") is not None, timeout=5000)
    q = v.model.quote(sym)
    assert q["last"] == pytest.approx(want_last)
    assert q["chg_pct"] == pytest.approx(want_chg)
    name = dict(zip(ctx.source.universe()["symbol"], ctx.source.universe()["name"]))[sym]
    assert q["name"] == name
    assert v.model.index(0, 2).data() == f"{want_last:.2f}"


def test_double_click_opens_the_stock(ctx, qtbot):
    v = WatchlistView(ctx)
    qtbot.addWidget(v)
    sym = str(ctx.source.universe()["symbol"][0])
    v.add_symbols([sym])
    with qtbot.waitSignal(v.open_symbol_requested, timeout=1000) as blocker:
        v.table.doubleClicked.emit(v.model.index(0, 1))
    assert blocker.args == [sym]


def test_add_hits_to_watchlist_then_scan_the_watchlist(ctx, qtbot):
    w = MainWindow(context=ctx)
    qtbot.addWidget(w)
    w.ensure_built()          # the stock view is built after the first frame
    w.show()
    try:
        w.scan_panel.min_score.setValue(0)
        tid = w.start_scan()
        qtbot.waitUntil(lambda: w.tm.get(tid).is_terminal, timeout=20000)
        assert w.tm.get(tid).status.value == "completed"
        rv = w.results_view
        rv.table.selectRow(0)
        rv.table.selectionModel().select(rv.proxy.index(1, 0), rv.table.selectionModel().SelectionFlag.Select
                                         | rv.table.selectionModel().SelectionFlag.Rows)
        picked = rv.selected_symbols()
        assert len(picked) == 2
        rv.add_action.trigger()
        assert ctx.watchlist.symbols() == picked
        assert w.watchlist_view.model.symbols() == picked
        w.scan_panel.min_score.setValue(0)
        w.scan_panel.exclude_suspended.setChecked(False)
        with qtbot.waitSignal(w.tm.task_added, timeout=2000):
            qtbot.mouseClick(w.watchlist_view.scan_button, Qt.MouseButton.LeftButton)
        wid = w.tm.task_ids()[-1]
        assert w.scan_panel.universe_kind() == "watchlist"
        qtbot.waitUntil(lambda: w.tm.get(wid).is_terminal, timeout=20000)
        info = w.tm.get(wid)
        assert info.status.value == "completed", info.error
        assert set(w.tm.results_model(wid).symbols()) == set(picked)
    finally:
        w.close()
