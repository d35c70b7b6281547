"""The desk's start in two halves, so the first frame comes before the heavy imports.

The shell (``MainWindow.__init__``): the title, the saved geometry, the status bar with the
source and its DEMO badge, and in the central "stockArea" a light placeholder where the stock view
goes. At the app's start (``defer_desk``) that is the whole first frame; the desk
(``ui/desk_build.py``: every dock with its panel, menus, toolbar, the saved dock state) is the first
step after it, else it is built in the constructor. Then, one event-loop turn after the first paint
(``ui/first_frame.AfterFirstFrame``), one step a turn, what was queued with ``after_first_frame``:
``app.build`` queues the source's detection (a worker) and the stored tasks' load (the history
thread) ahead of the rest, so they run while the GUI thread goes on with the scan panel's presets
(``core.strategies``) and ``_build_stock_view``: the stock view (chart | analysis: pandas,
pyqtgraph, the chart's layout) replaces the placeholder, the saved chart | analysis split applies,
and quick open is made (its index is built on a worker, ``core.stock_search`` imported there).

``ensure_built()`` runs what is left at once: tests, and whatever needs the stock view before the
event loop got there (``open_symbol``, quick open, the full-window chart). A mixin of ``MainWindow``.
"""
from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from desktop_app.ui.first_frame import AfterFirstFrame


class DeskStart:
    """Start-up methods of the main window (see the module docstring)."""

    def _init_start(self, restore: bool) -> None:
        self._restore = restore
        self.startup = AfterFirstFrame(self)   # the steps run one turn each after the first paint

    def ensure_built(self) -> None:
        """Finish the deferred start-up now: the stock view, and any other queued step."""
        self.startup.finish()

    def is_built(self) -> bool:
        return not self.startup.pending()

    def _build_watch(self) -> None:
        """The watch desk (issue 19: group tabs, holdings and alert docks, tray, snapshots) after the
        first frame (~40 ms); its docks then take their saved places."""
        from desktop_app.ui.watch_desk import WatchDesk

        self.watch = WatchDesk(self)
        if self._restore:
            self.restore_dock_state()

    def after_first_frame(self, step: Callable[[], Any], *, first: bool = False) -> None:
        """Queue a start-up step for after the first frame (``first``: ahead of the others)."""
        self.startup.then(step, first=first)

    def _build_central(self) -> None:
        """"stockArea" shows a light placeholder until the stock view (chart | analysis) replaces it
        after the first frame; the view's splitter is saved with the layout."""
        self.stock_area = QWidget()
        self.stock_area.setObjectName("stockArea")
        lay = QVBoxLayout(self.stock_area)
        lay.setContentsMargins(4, 4, 4, 4)
        self.stock_placeholder = QLabel()
        self.stock_placeholder.setObjectName("stockPlaceholder")
        self.stock_placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stock_placeholder.setAutoFillBackground(True)
        self.stock_placeholder.setBackgroundRole(QPalette.ColorRole.Base)
        self.stock_placeholder.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        lay.addWidget(self.stock_placeholder, 1)
        self.stock_view: Any = None            # ui.stock_view.StockView, from _build_stock_view
        self.stock_splitter: Any = None
        self.setCentralWidget(self.stock_area)
        self.quick_open_dialog: Any = None     # QuickOpenDialog, from _build_stock_view

    def _build_stock_view(self) -> None:
        """The deferred half of the build: the stock view (pandas, pyqtgraph, the chart's layout)
        replaces the placeholder, the saved chart | analysis split applies, and quick open (a
        dialog: its first build costs ≈20 ms of type set-up) is made."""
        if self.stock_view is not None:
            return
        from desktop_app.ui.quick_open import QuickOpenDialog
        from desktop_app.ui.stock_view import StockView

        self.quick_open_dialog = QuickOpenDialog(self.ctx, self)
        self.quick_open_dialog.symbol_chosen.connect(self.open_symbol)

        view = StockView(self.ctx)
        self.stock_area.layout().replaceWidget(self.stock_placeholder, view)
        self.stock_placeholder.hide()
        self.stock_placeholder.deleteLater()
        view.show()                             # (a widget added to a shown window stays hidden until then)
        self.stock_view, self.stock_splitter = view, view.splitter
        view.add_to_watchlist.connect(self.add_symbol_to_watchlist)
        view.scan_universe_requested.connect(self.scan_universe)
        self.focus_ring.panels.append(view.chart)
        self.f10.attach_stock_view(view)       # F10 in the chart's menu; the fundamental score
        if self._restore:
            self.restore_stock_split()
        if self._split_pending:
            QTimer.singleShot(0, self._default_split)   # once the view has its width
