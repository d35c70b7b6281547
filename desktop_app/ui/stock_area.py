"""Wire the stock view into the main window: ``attach_stock_view(window)``.

What it does to the window (MainWindow of ``ui/main_window.py``):
- the StockView takes the place of the window's placeholder splitter in "stockArea", and
  ``window.stock_splitter`` then names the view's splitter, so the window's save/restore/reset of
  the splitter state keep working (the saved sizes are carried over);
- ``window.open_symbol_requested`` opens the stock in the view (results, watchlist, command line);
- a "Quick open…" action (Ctrl+K) opens ``QuickOpenDialog``; a chosen stock goes through
  ``window.open_symbol`` so the window's notion of the current stock stays the same;
- the panel's "Add to watchlist" calls ``window.add_to_watchlist([symbol])``; "Scan its board"
  selects the universe in the scan panel and starts the scan (``window.start_scan``), so the scan
  panel's checks and filters apply as for any scan;
- ``window.pending_open_symbol`` (``stockscan 600519``) or an already requested stock is opened.
"""
from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtGui import QAction, QKeySequence

from desktop_app.ui import i18n
from desktop_app.ui.quick_open import QuickOpenDialog
from desktop_app.ui.i18n import tr
from desktop_app.ui.stock_view import StockView

log = logging.getLogger(__name__)


class _StockAreaGlue(QObject):
    """Bound-method receivers (queued connections need them) between the view and the window."""

    def __init__(self, window: Any, view: StockView, dialog: QuickOpenDialog, action: QAction) -> None:
        super().__init__(window)
        self.setObjectName("stockAreaGlue")
        self.window, self.view, self.dialog, self.action = window, view, dialog, action

    @Slot()
    def quick_open(self) -> None:
        self.dialog.open_with("")

    @Slot(str)
    def open_symbol(self, symbol: str) -> None:
        opener = getattr(self.window, "open_symbol", None)
        if callable(opener):
            opener(symbol)
        else:
            self.view.open_symbol(symbol)

    @Slot(str)
    def add_to_watchlist(self, symbol: str) -> None:
        adder = getattr(self.window, "add_to_watchlist", None)
        if callable(adder):
            adder([symbol])
            return
        wl = getattr(getattr(self.window, "ctx", None), "watchlist", None)
        if wl is not None:  # fallback: the core watchlist directly
            wl.add([symbol])
            wl.save()

    @Slot(str)
    def scan_universe(self, universe: str) -> None:
        panel = getattr(self.window, "scan_panel", None)
        if panel is None or not hasattr(self.window, "start_scan"):
            log.warning("the window offers no scan; cannot scan %s", universe)
            return
        panel.set_universe(universe)
        dock = getattr(self.window, "scan_dock", None)
        if dock is not None:
            dock.show()
            dock.raise_()
        self.window.start_scan()

    @Slot(str)
    def retranslate(self, _lang: str = "") -> None:
        self.action.setText(tr("Quick open…"))
        self.view.retranslate()
        self.dialog.retranslate()


def attach_stock_view(window: Any) -> StockView:
    """Put a StockView into the window's "stockArea" and connect it (see the module docstring)."""
    ctx = getattr(window, "ctx", None) or getattr(window, "context", None)
    area = getattr(window, "stock_area", None) or window.findChild(QObject, "stockArea")
    view = StockView(ctx, area)
    old = getattr(window, "stock_splitter", None)
    lay = area.layout()
    if old is not None and lay is not None and lay.indexOf(old) >= 0:
        state = old.saveState()
        lay.replaceWidget(old, view)
        old.hide()
        old.deleteLater()
        view.splitter.restoreState(state)
    elif lay is not None:
        lay.addWidget(view, 1)
    window.stock_splitter = view.splitter
    label = getattr(window, "stock_label", None)
    if label is not None:
        label.hide()  # the view shows the stock's name and code itself
    window.stock_view = view

    dialog = QuickOpenDialog(ctx, window)
    action = QAction(window)
    action.setObjectName("actionQuickOpen")
    action.setShortcut(QKeySequence("Ctrl+K"))
    action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    window.addAction(action)
    menu = getattr(window, "file_menu", None)
    if menu is not None:
        first = menu.actions()[0] if menu.actions() else None
        menu.insertAction(first, action)
    window.quick_open_action = action
    window.quick_open_dialog = dialog

    glue = _StockAreaGlue(window, view, dialog, action)
    action.triggered.connect(glue.quick_open)
    dialog.symbol_chosen.connect(glue.open_symbol)
    view.add_to_watchlist.connect(glue.add_to_watchlist)
    view.scan_universe_requested.connect(glue.scan_universe)
    if hasattr(window, "open_symbol_requested"):
        window.open_symbol_requested.connect(view.open_symbol)
    i18n.notifier.language_changed.connect(glue.retranslate)
    glue.retranslate()

    pending = getattr(window, "pending_open_symbol", None)
    if pending:
        window.pending_open_symbol = None
        glue.open_symbol(str(pending))
    elif getattr(window, "current_symbol", ""):
        view.open_symbol(window.current_symbol)  # opened before the view existed
    return view
