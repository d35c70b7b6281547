"""The watchlist dock (自选股): add/remove/paste codes, last price and change from the store
(read in a worker), persisted in the data dir (saved in a worker), "scan watchlist".

A long paste (more than ``PARSE_SLICE`` tokens: 100,000 take ≈2 s to check) is checked and added
on the background runner, never on the GUI thread; a short one at once."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPoint, Qt, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence, QPalette
from PySide6.QtWidgets import (QHBoxLayout, QHeaderView, QLabel, QLineEdit, QMenu,
                               QPushButton, QStyledItemDelegate, QTableView, QVBoxLayout, QWidget)

from desktop_app.core.reasons import Reason
from desktop_app.core.symbols import _SEPARATORS, parse_symbols
from desktop_app.ui import theme
from desktop_app.ui.row_tables import setup_row_table
from desktop_app.ui.i18n import current_language, reason_text, tr
from desktop_app.workers.watchlist_model import SortRole, SymbolRole, WatchlistModel, quotes_from_store


class _ChangeDelegate(QStyledItemDelegate):
    def initStyleOption(self, option, index) -> None:  # noqa: N802
        super().initStyleOption(option, index)
        if index.column() == WatchlistModel.COLUMNS.index("chg_pct"):
            v = index.data(SortRole)
            if isinstance(v, (int, float)) and v == v and v != 0:
                option.palette.setColor(QPalette.ColorRole.Text,
                                        theme.up_color() if v > 0 else theme.down_color())


def _names_of(source: Any) -> dict[str, str]:
    """Blocking: symbol -> name from the source's universe ({} when unavailable)."""
    if source is None:
        return {}
    try:
        u = source.universe()
        return dict(zip(u["symbol"].astype(str), u["name"].astype(str)))
    except Exception:
        return {}


class WatchlistView(QWidget):
    open_symbol_requested = Signal(str)
    scan_watchlist_requested = Signal()
    changed = Signal()

    def __init__(self, context: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("watchlistView")
        self.ctx = context
        self.names: dict[str, str] = {}
        self._saving = False
        self._save_again = False
        self.model = WatchlistModel("zh" if current_language() == "zh_CN" else "en", self)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(2, 2, 2, 2)
        row = QHBoxLayout()
        self.add_edit = QLineEdit()
        self.add_edit.setObjectName("watchlistAdd")
        self.add_edit.returnPressed.connect(self.add_from_edit)
        self.add_button = QPushButton()
        self.add_button.setObjectName("watchlistAddButton")
        self.add_button.clicked.connect(self.add_from_edit)
        row.addWidget(self.add_edit, 1)
        row.addWidget(self.add_button)
        lay.addLayout(row)
        self.message = QLabel()
        self.message.setObjectName("watchlistMessage")
        self.message.setWordWrap(True)
        self.message.hide()
        lay.addWidget(self.message)
        self.table = QTableView()
        self.table.setObjectName("watchlistTable")
        self.table.setModel(self.model)
        self.table.setItemDelegate(_ChangeDelegate(self.table))
        setup_row_table(self.table)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.doubleClicked.connect(self._on_activated)
        self.table.activated.connect(self._on_activated)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._menu)
        lay.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        self.remove_button = QPushButton()
        self.remove_button.setObjectName("watchlistRemove")
        self.remove_button.clicked.connect(self.remove_selected)
        self.scan_button = QPushButton()
        self.scan_button.setObjectName("watchlistScan")
        self.scan_button.clicked.connect(self.scan_watchlist_requested)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        buttons.addWidget(self.scan_button)
        lay.addLayout(buttons)
        self.remove_action = QAction(self)
        self.remove_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        self.remove_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.remove_action.triggered.connect(self.remove_selected)
        self.table.addAction(self.remove_action)
        self.menu_actions: list[QAction] = []     # more row actions for the context menu (F10)
        self.retranslate()
        self.reload()

    def retranslate(self) -> None:
        self.add_edit.setPlaceholderText(tr("Add or paste codes, e.g. 600519 000001"))
        self.add_button.setText(tr("Add"))
        self.remove_button.setText(tr("Remove"))
        self.remove_action.setText(tr("Remove from watchlist"))
        self.scan_button.setText(tr("Scan watchlist"))
        self.model.set_language("zh" if current_language() == "zh_CN" else "en")

    # -- data ---------------------------------------------------------------------------------
    def symbols(self) -> list[str]:
        return self.ctx.watchlist.symbols()

    def current_symbol(self) -> str:
        """The code of the table's current row, or ""."""
        return str(self.table.currentIndex().siblingAtColumn(0).data(SymbolRole) or "")

    def reload(self) -> None:
        """Show the watchlist's symbols and fetch their quotes (and names) in the background."""
        syms = self.ctx.watchlist.symbols()
        self.model.set_symbols(syms)
        self.refresh_quotes()

    def refresh_quotes(self) -> None:
        syms = self.model.symbols()
        if not syms:
            return
        store, source, known = self.ctx.store, self.ctx.source, dict(self.names)
        need_names = any(s not in known for s in syms)

        def work() -> dict:
            names = dict(known)
            if need_names:
                names.update(_names_of(source))
            return quotes_from_store(store, syms, names)

        self.ctx.runner.run(work, self.model.set_quotes)

    def _save(self) -> None:
        """Save in a worker, one save at a time (two overlapping saves could land out of order)."""
        self.changed.emit()
        if self._saving:
            self._save_again = True
            return
        self._saving = True
        self.ctx.runner.run(self.ctx.watchlist.save, self._saved, self._save_failed)

    def _saved(self, _: Any = None) -> None:
        self._saving = False
        if self._save_again:
            self._save_again = False
            self._save()

    def _save_failed(self, exc: BaseException) -> None:
        self._say(tr("Could not save the watchlist: {error}").format(error=reason_text(Reason.of(exc))), error=True)
        self._saved()

    def add_symbols(self, codes: list[str], names: dict[str, str] | None = None) -> list[str]:
        if names:
            self.names.update(names)
        added = self.ctx.watchlist.add(codes)
        if added:
            self._save()
            self.reload()
        return added

    def remove_symbols(self, codes: list[str]) -> list[str]:
        removed = self.ctx.watchlist.remove(codes)
        if removed:
            self._save()
            self.reload()
        return removed

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet("color: #c62828;" if error else "")
        self.message.setVisible(bool(text))

    @Slot()
    def add_from_edit(self) -> None:
        from desktop_app.ui.scan_panel import PARSE_SLICE

        text = self.add_edit.text()
        tokens = [t for t in _SEPARATORS.split(text) if t]
        if len(tokens) <= PARSE_SLICE:
            res = parse_symbols(tokens)
            self._added_from_edit((res, self.add_symbols(res.codes) if res.symbols else []))
            return
        watchlist = self.ctx.watchlist

        def work() -> tuple:
            res = parse_symbols(tokens)
            return res, (watchlist.add(res.codes) if res.symbols else [])

        self._say(tr("Checking the codes… {done} of {n}").format(done=0, n=len(tokens)))
        self.add_edit.setEnabled(False)
        self.ctx.runner.run(work, self._added_in_background, self._add_failed, key="watchlist-add")

    def _added_in_background(self, result: tuple) -> None:
        self.add_edit.setEnabled(True)
        if result[1]:
            self._save()
            self.reload()
        self._added_from_edit(result)

    def _add_failed(self, exc: BaseException) -> None:
        self.add_edit.setEnabled(True)
        self._say(reason_text(Reason.of(exc)), error=True)

    def _added_from_edit(self, result: tuple) -> None:
        res, added = result
        parts = []
        if res.symbols:
            parts.append(tr("Added {n}.").format(n=len(added)))
        if res.rejected:
            parts.append(tr("Rejected: {items}").format(
                items="; ".join(f"{t} — {reason_text(r)}" for t, r in res.rejected[:10])))
            if len(res.rejected) > 10:
                parts.append(tr("… and {n} more").format(n=len(res.rejected) - 10))
        self._say(" ".join(parts), error=bool(res.rejected))
        if not res.rejected:
            self.add_edit.clear()

    @Slot()
    def remove_selected(self) -> None:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        codes = [self.model.index(r, 0).data(SymbolRole) for r in rows]
        if codes:
            self.remove_symbols(codes)

    @Slot(QModelIndex)
    def _on_activated(self, idx: QModelIndex) -> None:
        s = idx.data(SymbolRole)
        if s:
            self.open_symbol_requested.emit(str(s))

    @Slot(QPoint)
    def _menu(self, pos: QPoint) -> None:
        menu = QMenu(self)
        menu.addAction(self.remove_action)
        menu.addActions(self.menu_actions)
        menu.popup(self.table.viewport().mapToGlobal(pos))
