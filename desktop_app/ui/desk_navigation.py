"""How a 通达信 user moves on the desk: 键盘精灵, PgUp/PgDn through the list the stock came
from (the list's selection following), a moved selection opening its stock (debounced), the
full-window K-line, Insert into the watchlist, and the key map of Help → Keyboard.

A mixin of ``MainWindow``; ``ui/desk_keys.py`` routes the keys here.
"""
from __future__ import annotations

from PySide6.QtCore import QByteArray, QModelIndex, Qt, QTimer, Slot
from PySide6.QtWidgets import QMessageBox

from desktop_app.ui.i18n import tr

LAYOUT_VERSION = 2          # 2: chart-first desk (issue 12); older saved layouts are not restored
SELECTION_FOLLOW_MS = 150   # a moved selection in results/watchlist opens its stock after this


class DeskNavigation:
    """Navigation methods of the main window (see the module docstring)."""

    def _init_navigation(self) -> None:
        self.full_chart = False
        self._full_chart_state: QByteArray | None = None
        self._stock_list: str = ""          # "results" | "watchlist": where the open stock came from
        self._follow = QTimer(self)
        self._follow.setSingleShot(True)
        self._follow.setInterval(SELECTION_FOLLOW_MS)
        self._follow.timeout.connect(self._open_followed)
        self._followed: tuple[str, str] = ("", "")

    def quick_open_with(self, text: str) -> None:
        """键盘精灵: the quick-open popup, pre-filled with what was typed (keys typed before the
        popup has the focus are added to its text, not lost)."""
        self.ensure_built()
        dlg = self.quick_open_dialog
        if dlg.isVisible():
            dlg.type_text(text)
        else:
            dlg.open_with(text)

    def _list_symbols(self, which: str) -> list[str]:
        if which == "results":
            return [s for s in (self.results_view.proxy.index(r, 0).data(Qt.ItemDataRole.UserRole + 1)
                                for r in range(self.results_view.proxy.rowCount())) if s]
        if which == "watchlist":
            return list(self.watchlist_view.symbols())
        return []

    def step_stock(self, step: int) -> bool:
        """PgUp/PgDn: the previous/next stock of the list the open stock came from; the list's
        selection follows. False when there is no such list (the key then does nothing)."""
        which = self._stock_list or ("results" if self.results_view.source_model is not None else "")
        syms = self._list_symbols(which)
        if not syms:
            return False
        i = syms.index(self.current_symbol) + step if self.current_symbol in syms else (0 if step > 0 else len(syms) - 1)
        i = max(0, min(len(syms) - 1, i))
        self._select_in(which, i)
        self.open_symbol(syms[i], origin=which)
        return True

    def _select_in(self, which: str, row: int) -> None:
        table = self.results_view.table if which == "results" else self.watchlist_view.table
        idx = table.model().index(row, 0)
        sm = table.selectionModel()
        sm.blockSignals(True)        # the chart is opened by the caller, not by the follow timer
        try:
            table.setCurrentIndex(idx)
            table.selectRow(row)
        finally:
            sm.blockSignals(False)
        table.scrollTo(idx)

    @Slot(QModelIndex, QModelIndex)
    def _results_row_changed(self, cur: QModelIndex, _prev: QModelIndex) -> None:
        self._follow_selection("results", cur)

    @Slot(QModelIndex, QModelIndex)
    def _watchlist_row_changed(self, cur: QModelIndex, _prev: QModelIndex) -> None:
        self._follow_selection("watchlist", cur)

    def _follow_selection(self, which: str, cur: QModelIndex) -> None:
        sym = cur.siblingAtColumn(0).data(Qt.ItemDataRole.UserRole + 1) if which == "results" else (
            self._list_symbols("watchlist")[cur.row()] if cur.isValid() and cur.row() < len(self.watchlist_view.symbols()) else None)
        if cur.isValid() and sym:
            self._followed = (which, str(sym))
            self._follow.start()      # debounced: holding ↓ does not load every stock on the way

    @Slot()
    def _open_followed(self) -> None:
        which, sym = self._followed
        if sym and sym != self.current_symbol:
            self.open_symbol(sym, origin=which)

    def toggle_full_chart(self, on: bool | None = None) -> None:
        """Enter in the chart: the K-line fills the window (docks and toolbar hidden); Esc back."""
        on = (not self.full_chart) if on is None else on
        if on == self.full_chart:
            return
        self.ensure_built()
        if on:
            self._full_chart_state = self.saveState(LAYOUT_VERSION)
            for d in (self.scan_dock, self.watchlist_dock, self.results_dock, self.tasks_dock):
                d.hide()
            self.toolbar.hide()
            self.stock_view.panel.hide()
        else:
            self.toolbar.show()
            self.stock_view.panel.show()
            if self._full_chart_state is not None:
                self.restoreState(self._full_chart_state, LAYOUT_VERSION)
        self.full_chart = on
        self.stock_view.chart.setFocus()

    @Slot()
    def add_current_to_watchlist(self) -> list[str]:
        """Insert (通达信's 加入自选): the open stock joins the watchlist."""
        if not self.current_symbol:
            return []
        return self.add_to_watchlist([self.current_symbol])

    @Slot()
    def show_keyboard_help(self) -> None:
        QMessageBox.information(self, tr("Keyboard"), keyboard_help_text())


def keymap() -> list[tuple[str, str]]:
    """(key, what it does) for Help → Keyboard: 通达信's keys where StockScan has the same job."""
    return [
        ("0–9, A–Z", tr("Keyboard spirit: type a code, name or pinyin initials anywhere to open a stock")),
        ("Ctrl+K", tr("Quick open")),
        ("F3", tr("Market review (复盘): breadth, limit-ups, board heat; again: back to the chart")),
        ("F5", tr("Scan")),
        ("Ctrl+F5", tr("Validate the scan over past days (forward returns)")),
        ("Esc", tr("Cancel the selected task; leave the full-window chart")),
        ("Enter", tr("Open the selected stock; in the chart: full-window K-line")),
        ("PgUp / PgDn", tr("In the chart: previous / next stock of its list")),
        ("← / →", tr("In the chart: step bars")),
        ("↑ / ↓", tr("In the chart: zoom")),
        ("Home / End", tr("In the chart: first / last bar")),
        ("F8", tr("In the chart: cycle the period (1/5/15/30/60 minutes, day, week, month)")),
        ("Shift+F8", tr("In the chart: cycle 前复权 / 后复权 / 不复权")),
        ("F9", tr("In the chart: intraday (分时) view / K-line")),
        ("F10", tr("Company info (F10) of the open stock or the selected row")),
        ("Insert", tr("Add the open stock to the watchlist")),
        ("Delete", tr("Remove from the watchlist; remove the selected task")),
        ("Ctrl+F", tr("Filter results")),
        ("Ctrl+E", tr("Export results")),
        ("Ctrl+S", tr("Save the scan as a screen (选股方案)")),
        ("Ctrl+Q", tr("Quit")),
    ]


def keyboard_help_text() -> str:
    return "\n".join(f"{k}\t{v}" for k, v in keymap())
