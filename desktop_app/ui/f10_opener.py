"""Where the F10 page opens from: the F10 key (in the chart, the results or the watchlist: the
stock of the focused list's current row, else the open stock), the rows' context menus of the
results and the watchlist, the chart's right-click menu, the analysis panel's fundamental score
(its "F10 company info…" button) and the window's View menu. Also the
Data menu's "Refresh fundamentals" (``refresh_action``): the "fundamentals" refresh task
(``core.data.fundamental_refresh``) in the one task table.

One ``F10Dialog`` per window, made on first use; the stock view's fundamental-score loader is
attached here too (``attach_stock_view``), so the stock view itself stays as it is.
"""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication

from desktop_app.ui import i18n
from desktop_app.ui.actions import make_action
from desktop_app.ui.i18n import model_lang, tr


def _inside(widget: Any, ancestor: Any) -> bool:
    while widget is not None:
        if widget is ancestor:
            return True
        widget = widget.parentWidget()
    return False


class F10Opener(QObject):
    """``window`` is the MainWindow; ``action`` is its F10 action (in the View menu)."""

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.w = window
        self.dialog: Any = None
        self.score_loader: Any = None
        self.action = QAction(window)
        self.action.setObjectName("actionF10")
        self.action.setShortcut(QKeySequence(Qt.Key.Key_F10))
        self.action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.action.triggered.connect(self.open_focused)
        window.addAction(self.action)
        # in the rows' context menus: that row's stock
        self.results_action = QAction(window)
        self.results_action.setObjectName("actionF10Results")
        self.results_action.triggered.connect(lambda: self._open_row(window.results_view.current_symbol()))
        window.results_view.add_row_action(self.results_action)
        self.watchlist_action = QAction(window)
        self.watchlist_action.setObjectName("actionF10Watchlist")
        self.watchlist_action.triggered.connect(lambda: self._open_row(window.watchlist_view.current_symbol()))
        window.watchlist_view.menu_actions.append(self.watchlist_action)
        self.refresh_action = make_action(window, "actionRefreshFundamentals", self.refresh_fundamentals)
        i18n.notifier.language_changed.connect(self._retranslate)
        self._retranslate()

    def attach_stock_view(self, view: Any) -> None:
        """The chart's right-click menu gets F10; the analysis panel gets its fundamental score."""
        from desktop_app.ui.fundamental_score_box import FundamentalScoreLoader

        menu = view.chart_menu()
        menu.addSeparator()
        menu.addAction(self.action)
        self.score_loader = FundamentalScoreLoader(view, self.w.ctx)
        self.score_loader.box.f10_button.clicked.connect(lambda: self._open_row(view.current_symbol()))

    @Slot(str)
    def _retranslate(self, _lang: str = "") -> None:
        for a in (self.action, self.results_action, self.watchlist_action):
            a.setText(tr("F10 company info"))
        self.refresh_action.setText(tr("Refresh fundamentals"))
        self.refresh_action.setStatusTip(tr("Fetch the whole market's financial reports, one request per report period"))
        if self.dialog is not None:
            self.dialog.retranslate()

    def focused_symbol(self) -> str:
        """The stock F10 is about: the focused list's current row, else the open stock."""
        w = self.w
        focus = QApplication.focusWidget()
        rv = w.results_view
        if _inside(focus, rv) and rv.current_symbol():
            return rv.current_symbol()
        if _inside(focus, w.watchlist_view) and w.watchlist_view.current_symbol():
            return w.watchlist_view.current_symbol()
        return w.current_symbol

    @Slot()
    def open_focused(self) -> str:
        symbol = self.focused_symbol()
        if not symbol:
            self.w.statusBar().showMessage(tr("Open a stock first, then press F10."), 5000)
            return ""
        self.open(symbol)
        return symbol

    @Slot()
    def refresh_fundamentals(self) -> str:
        """Submit the "fundamentals" refresh task on the current source and store ("" without one)."""
        ctx = self.w.ctx
        if ctx.source is None:
            self.w.statusBar().showMessage(tr("The data source is not ready yet."), 5000)
            return ""
        from desktop_app.workers.task_factory import submit_refresh

        return submit_refresh(ctx.task_manager, ctx.source, ctx.store, mode="fundamentals", lang=model_lang())

    def _open_row(self, symbol: str) -> None:
        if symbol:
            self.open(symbol)

    def open(self, symbol: str) -> Any:
        if self.dialog is None:
            from desktop_app.ui.f10_dialog import F10Dialog

            self.dialog = F10Dialog(self.w.ctx, self.w)
        self.dialog.show_symbol(symbol)
        return self.dialog
