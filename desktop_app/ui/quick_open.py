"""Quick open (Ctrl+K), like 通达信's 键盘精灵: type a code, a name or pinyin initials, Enter opens.

The search index (``core.stock_search.StockIndex``: pypinyin over every name) is built on the
window's background runner (``context.runner``, newest build wins; ``core.stock_search`` and its
pandas are imported there, never at start-up) the first time the dialog is shown for a source, and rebuilt when the source changes; typing before it is ready shows
"building…" and the query runs as soon as the index arrives.

The indexes StockScan knows are in the search too (``StockIndex(…, indexes=True)``): each hit
says its kind (股票/指数), and an index's code is shown with its exchange (``sh000001``), so
上证指数 and 平安银行 000001 are two rows; choosing one emits ``index:000001`` or ``000001``.

The popup is not modal, and closes when another window is activated (as 通达信's does). Modal, it
lost keystrokes: between the first key, which opens it, and the moment its window has the
keyboard (asynchronous under X11), the keys still reach the main window, and Qt drops key events
to a window a modal dialog blocks — typing 600577 fast gave 6577. Those keys now reach the window's
key filter (``ui/desk_keys``), which hands them to :meth:`QuickOpenDialog.take_key`.
"""
from __future__ import annotations

import logging
from functools import partial
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (QDialog, QLabel, QLineEdit, QListWidget, QListWidgetItem,
                               QVBoxLayout, QWidget)

from desktop_app.ui.i18n import tr

if TYPE_CHECKING:
    from desktop_app.core.stock_search import StockIndex

log = logging.getLogger(__name__)
LIMIT = 30


def _build_index(source: Any) -> tuple[Any, StockIndex | None, str]:
    """Runs on the background runner: ``(source, index or None, error)``."""
    from desktop_app.core.stock_search import StockIndex

    try:
        return source, StockIndex(source.universe(), indexes=True), ""
    except Exception as e:  # e.g. the universe could not be fetched: say so in the dialog
        log.warning("quick-open index failed: %s", e)
        return source, None, str(e) or type(e).__name__


def hit_text(symbol: str, name: str) -> str:
    """A row of the popup: code, name and kind (an index's code with its exchange)."""
    if symbol.startswith("index:"):
        from desktop_app.core.symbols import INDEXES

        code = symbol.removeprefix("index:")
        exchange = INDEXES[code][2].lower() if code in INDEXES else ""
        return f"{exchange}{code}   {name}   {tr('Index')}"
    return f"{symbol}   {name}   {tr('Stock')}"


class QuickOpenDialog(QDialog):
    """``symbol_chosen(symbol)`` when the user picks a stock. ``context.source`` gives the universe,
    ``context.runner`` builds the index."""

    symbol_chosen = Signal(str)
    index_ready = Signal()

    def __init__(self, context: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("quickOpen")
        self.setModal(False)      # see the module docstring: a modal popup lost keystrokes
        self.ctx = context
        self._was_active = False
        self.index: StockIndex | None = None
        self._index_source: Any = None
        self._building_for: Any = None
        self._index_key = f"quick-open-index-{id(self)}"
        lay = QVBoxLayout(self)
        self.edit = QLineEdit()
        self.edit.setObjectName("quickOpenEdit")
        self.edit.setClearButtonEnabled(True)
        self.edit.installEventFilter(self)
        self.status = QLabel()
        self.status.setObjectName("quickOpenStatus")
        self.list = QListWidget()
        self.list.setObjectName("quickOpenList")
        lay.addWidget(self.edit)
        lay.addWidget(self.list, 1)
        lay.addWidget(self.status)
        self.edit.textChanged.connect(self._refresh)
        self.edit.returnPressed.connect(self.accept_current)
        self.list.itemActivated.connect(self._on_item_activated)
        sig = getattr(context, "source_changed", None)
        if sig is not None:
            sig.connect(self._on_source_changed)
        self.resize(420, 380)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(tr("Quick open"))
        self.edit.setPlaceholderText(tr("Code, name or pinyin initials (e.g. 600519, 茅台, gzmt)"))
        self._refresh()

    # -- index --------------------------------------------------------------------------------
    def ensure_index(self) -> None:
        """Start building the index for the current source unless it exists or is being built."""
        src = getattr(self.ctx, "source", None)
        if src is None or src is self._index_source or src is self._building_for:
            return
        self._building_for = src
        self.ctx.runner.run(partial(_build_index, src), self._on_built, key=self._index_key)
        self._refresh()

    def _on_built(self, built: tuple[Any, StockIndex | None, str]) -> None:
        source, index, error = built
        if source is not self._building_for:
            return  # a newer source is being indexed
        self._building_for = None
        if index is None:
            self.status.setText(tr("Could not list the stocks: {error}").format(error=error))
            return
        self.index, self._index_source = index, source
        self._refresh()
        self.index_ready.emit()

    @Slot()
    def _on_source_changed(self) -> None:
        self.index, self._index_source = None, None
        if self.isVisible():
            self.ensure_index()

    # -- dialog -------------------------------------------------------------------------------
    def open_with(self, text: str = "") -> None:
        """Show the dialog, optionally pre-filled (a key typed on the chart starts a search)."""
        self._was_active = False
        self.ensure_index()
        self.edit.setText(text)
        self.edit.setFocus()
        self.show()
        self.raise_()
        self.activateWindow()
        self._caret_to_end()

    @Slot()
    def _caret_to_end(self) -> None:
        self.edit.deselect()
        self.edit.end(False)

    def type_text(self, text: str) -> None:
        """Continue the query with ``text`` (keys typed before the popup had the keyboard)."""
        self.edit.end(False)
        self.edit.insert(text)
        self.edit.setFocus()

    def is_opening(self) -> bool:
        """Shown but its window does not have the keyboard yet (the keys still go elsewhere)."""
        return self.isVisible() and not self.isActiveWindow()

    def take_key(self, event: QKeyEvent, text: str) -> bool:
        """A key that reached the main window while the popup :meth:`is_opening`: what typing it
        into the popup would do (``text``: its 键盘精灵 character, or ""). False for other keys."""
        key = event.key()
        if text:
            self.type_text(text)
        elif key == Qt.Key.Key_Backspace:
            self.edit.backspace()
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.accept_current()
        elif key == Qt.Key.Key_Escape:
            self.reject()
        else:
            return False
        return True

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        """Close when another window is activated after the popup had the keyboard (a click in
        the main window), as 通达信's 键盘精灵 does; not while it is still opening."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.ActivationChange:
            if self.isActiveWindow():
                self._was_active = True
            elif self._was_active and self.isVisible():
                self._was_active = False
                self.reject()

    def showEvent(self, event) -> None:  # noqa: N802 (Qt override)
        self.ensure_index()
        super().showEvent(event)

    def matches(self) -> list[tuple[str, str]]:
        return [tuple(self.list.item(i).data(Qt.ItemDataRole.UserRole)) for i in range(self.list.count())]

    @Slot()
    def _refresh(self) -> None:
        q = self.edit.text().strip()
        self.list.clear()
        if self.index is None:
            building = self._building_for is not None
            self.status.setText(tr("Building the search index…") if building
                                else tr("No data source yet.") if getattr(self.ctx, "source", None) is None
                                else "")
            return
        hits = self.index.search(q, limit=LIMIT) if q else []
        for sym, name in hits:
            it = QListWidgetItem(hit_text(sym, name))
            it.setData(Qt.ItemDataRole.UserRole, (sym, name))
            self.list.addItem(it)
        if hits:
            self.list.setCurrentRow(0)
        self.status.setText(tr("{n} matches").format(n=len(hits)) if q else
                            tr("{n} stocks and indexes").format(n=len(self.index)))

    @Slot()
    def accept_current(self) -> None:
        """Enter: open the selected match (the best one unless the user moved)."""
        item = self.list.currentItem() or (self.list.item(0) if self.list.count() else None)
        if item is None:
            return
        self._choose(item)

    @Slot(QListWidgetItem)
    def _on_item_activated(self, item: QListWidgetItem) -> None:
        self._choose(item)

    def _choose(self, item: QListWidgetItem) -> None:
        sym = item.data(Qt.ItemDataRole.UserRole)[0]
        self.accept()
        self.edit.clear()
        self.symbol_chosen.emit(str(sym))

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        """↑/↓/PgUp/PgDn in the edit move the selection in the list. When the edit gets the focus
        (the popup opening pre-filled by 键盘精灵) the caret goes after the text, nothing selected:
        the next key continues the code instead of replacing its first digit."""
        if obj is self.edit and event.type() == QEvent.Type.FocusIn:
            QTimer.singleShot(0, self._caret_to_end)
        if obj is self.edit and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            if event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown):
                QCoreApplication.sendEvent(self.list, event)  # the list moves its current row
                return True
        return super().eventFilter(obj, event)
