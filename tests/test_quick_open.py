"""Quick open (Ctrl+K): by code, by name, by pinyin initials; Enter opens the best match; ↓ moves
the choice; the index is built off the GUI thread and rebuilt for a new source."""
from __future__ import annotations

import types

import pytest
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtTest import QTest

from desktop_app.core.data.demo import DemoSource
from desktop_app.core.stock_search import pinyin_initials
from desktop_app.ui.quick_open import QuickOpenDialog


@pytest.fixture(scope="module")
def demo() -> DemoSource:
    return DemoSource(n_stocks=200)


@pytest.fixture
def make_dialog(qtbot):
    made: list[QuickOpenDialog] = []

    def make(ctx) -> QuickOpenDialog:
        d = QuickOpenDialog(ctx)
        qtbot.addWidget(d)
        made.append(d)
        return d

    yield make
    for d in made:
        d.wait_index()


def opened(qtbot, dlg, demo) -> QuickOpenDialog:
    with qtbot.waitSignal(dlg.index_ready, timeout=10000):
        dlg.open_with("")
    assert len(dlg.index) == len(demo.universe())
    return dlg


def test_by_code_enter_opens(make_dialog, qtbot, demo):
    dlg = opened(qtbot, make_dialog(types.SimpleNamespace(source=demo)), demo)
    uni = demo.universe()
    sym, name = uni["symbol"].iloc[9], uni["name"].iloc[9]
    QTest.keyClicks(dlg.edit, sym)
    assert dlg.matches()[0] == (sym, name)
    with qtbot.waitSignal(dlg.symbol_chosen, timeout=2000) as blk:
        QTest.keyClick(dlg.edit, Qt.Key.Key_Return)
    assert blk.args == [sym]
    assert not dlg.isVisible() and dlg.edit.text() == ""


def test_by_name_and_by_pinyin_initials(make_dialog, qtbot, demo):
    dlg = opened(qtbot, make_dialog(types.SimpleNamespace(source=demo)), demo)
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
    dlg = opened(qtbot, make_dialog(types.SimpleNamespace(source=demo)), demo)
    chosen: list[str] = []
    dlg.symbol_chosen.connect(chosen.append)
    QTest.keyClicks(dlg.edit, "qqqqxx")
    assert dlg.matches() == []
    QTest.keyClick(dlg.edit, Qt.Key.Key_Return)
    assert chosen == [] and dlg.isVisible()


class Ctx(QObject):
    source_changed = Signal()

    def __init__(self):
        super().__init__()
        self.source = None


def test_waits_for_source_and_rebuilds_on_change(make_dialog, qtbot):
    ctx = Ctx()
    dlg = make_dialog(ctx)
    dlg.open_with("")
    assert dlg.index is None and dlg.status.text() == "No data source yet."
    small = DemoSource(n_stocks=120, seed=3)
    ctx.source = small
    with qtbot.waitSignal(dlg.index_ready, timeout=10000):
        ctx.source_changed.emit()
    assert len(dlg.index) == len(small.universe())
    other = DemoSource(n_stocks=200, seed=4)
    ctx.source = other
    with qtbot.waitSignal(dlg.index_ready, timeout=10000):
        ctx.source_changed.emit()
    assert len(dlg.index) == len(other.universe())
