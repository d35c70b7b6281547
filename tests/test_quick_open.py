"""Quick open (Ctrl+K): by code, by name, by pinyin initials; Enter opens the best match; ↓ moves
the choice; the index is built off the GUI thread and rebuilt for a new source."""
from __future__ import annotations

import types

import pytest
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtTest import QTest

from desktop_app.core.data.demo import DemoSource
from desktop_app.core.stock_search import pinyin_initials
from desktop_app.core.symbols import INDEXES
from desktop_app.ui.app_context import BackgroundRunner
from desktop_app.ui.quick_open import QuickOpenDialog


@pytest.fixture(scope="module")
def demo() -> DemoSource:
    return DemoSource(n_stocks=200)


@pytest.fixture
def runner():
    r = BackgroundRunner()
    yield r
    r.shutdown(wait=True)  # joins the index builders


@pytest.fixture
def make_dialog(qtbot, runner):
    def make(ctx=None, source=None) -> QuickOpenDialog:
        d = QuickOpenDialog(ctx if ctx is not None else types.SimpleNamespace(source=source, runner=runner))
        qtbot.addWidget(d)
        return d

    return make


def opened(qtbot, dlg, demo) -> QuickOpenDialog:
    with qtbot.waitSignal(dlg.index_ready, timeout=10000):
        dlg.open_with("")
    assert len(dlg.index) == len(demo.universe()) + len(INDEXES)  # the stocks and the indexes
    return dlg


def test_by_code_enter_opens(make_dialog, qtbot, demo):
    dlg = opened(qtbot, make_dialog(source=demo), demo)
    uni = demo.universe()
    sym, name = uni["symbol"].iloc[9], uni["name"].iloc[9]
    QTest.keyClicks(dlg.edit, sym)
    assert dlg.matches()[0] == (sym, name)
    with qtbot.waitSignal(dlg.symbol_chosen, timeout=2000) as blk:
        QTest.keyClick(dlg.edit, Qt.Key.Key_Return)
    assert blk.args == [sym]
    assert not dlg.isVisible() and dlg.edit.text() == ""


def test_by_name_and_by_pinyin_initials(make_dialog, qtbot, demo):
    dlg = opened(qtbot, make_dialog(source=demo), demo)
    uni = demo.universe()
    sym, name = uni["symbol"].iloc[33], uni["name"].iloc[33]
    dlg.edit.setText(name)
    assert dlg.matches()[0] == (sym, name)
    dlg.edit.clear()
    initials = pinyin_initials(name)
    QTest.keyClicks(dlg.edit, initials.upper())
    hits = dlg.matches()
    assert (sym, name) in hits
    assert all(pinyin_initials(n).startswith(initials) or initials in pinyin_initials(n) or initials in n.lower()
               for _, n in hits)
    # move to our stock with ↓ and open it
    for _ in range([s for s, _ in hits].index(sym)):
        QTest.keyClick(dlg.edit, Qt.Key.Key_Down)
    with qtbot.waitSignal(dlg.symbol_chosen, timeout=2000) as blk:
        QTest.keyClick(dlg.edit, Qt.Key.Key_Return)
    assert blk.args == [sym]


def test_no_match_enter_does_nothing(make_dialog, qtbot, demo):
    dlg = opened(qtbot, make_dialog(source=demo), demo)
    chosen: list[str] = []
    dlg.symbol_chosen.connect(chosen.append)
    QTest.keyClicks(dlg.edit, "qqqqxx")
    assert dlg.matches() == []
    QTest.keyClick(dlg.edit, Qt.Key.Key_Return)
    assert chosen == [] and dlg.isVisible()


class Ctx(QObject):
    source_changed = Signal()

    def __init__(self, runner):
        super().__init__()
        self.source = None
        self.runner = runner


def test_waits_for_source_and_rebuilds_on_change(make_dialog, qtbot, runner):
    ctx = Ctx(runner)
    dlg = make_dialog(ctx)
    dlg.open_with("")
    assert dlg.index is None and dlg.status.text() == "No data source yet."
    small = DemoSource(n_stocks=120, seed=3)
    ctx.source = small
    with qtbot.waitSignal(dlg.index_ready, timeout=10000):
        ctx.source_changed.emit()
    assert len(dlg.index) == len(small.universe()) + len(INDEXES)  # the stocks and the indexes
    other = DemoSource(n_stocks=200, seed=4)
    ctx.source = other
    with qtbot.waitSignal(dlg.index_ready, timeout=10000):
        ctx.source_changed.emit()
    assert len(dlg.index) == len(other.universe()) + len(INDEXES)  # the stocks and the indexes


class GatedSource:
    """A demo market whose universe waits until released (no sleeps in the test)."""

    def __init__(self, demo):
        import threading

        self._demo, self.release, self.asked = demo, threading.Event(), threading.Event()

    def universe(self):
        self.asked.set()
        assert self.release.wait(10)
        return self._demo.universe()


def test_a_build_for_an_old_source_is_dropped(make_dialog, qtbot, runner):
    """The index builds on the context's runner, newest build wins: an index for a source the
    user has switched away from never replaces the current one."""
    ctx = Ctx(runner)
    dlg = make_dialog(ctx)
    slow = GatedSource(DemoSource(n_stocks=150, seed=5))
    ctx.source = slow
    dlg.open_with("")
    assert slow.asked.wait(10)                 # the old build is running
    fresh = DemoSource(n_stocks=120, seed=6)
    ctx.source = fresh
    with qtbot.waitSignal(dlg.index_ready, timeout=10000):
        ctx.source_changed.emit()
    with qtbot.waitSignal(runner.superseded, timeout=10000):
        slow.release.set()                     # the old build ends; its index is dropped
    assert len(dlg.index) == len(fresh.universe()) + len(INDEXES)  # the stocks and the indexes
