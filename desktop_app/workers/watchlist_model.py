"""Table model of the watchlist (自选股): code, name, last price, change %.

The GUI thread owns it; quotes are read from the bar store by a worker and applied here with
``set_quotes`` (one range ``dataChanged``)."""
from __future__ import annotations

import math
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QMimeData, QModelIndex, QPersistentModelIndex, Qt, Signal

from .lang_headers import LangHeaders

SymbolRole = Qt.ItemDataRole.UserRole + 1
SortRole = Qt.ItemDataRole.UserRole + 2
#: Codes dragged out of a watchlist table (to another group's tab, or to a new place in the list).
CODES_MIME = "application/x-stockscan-codes"


def codes_mime(codes: list[str]) -> QMimeData:
    m = QMimeData()
    m.setData(CODES_MIME, " ".join(codes).encode("ascii"))
    m.setText("\n".join(codes))
    return m


def codes_of_mime(data: QMimeData) -> list[str]:
    """The codes a drop carries: our own drag, else plain text (parsed by the receiver)."""
    if data.hasFormat(CODES_MIME):
        return bytes(data.data(CODES_MIME)).decode("ascii").split()
    return [data.text()] if data.hasText() else []

HEADERS = {"symbol": ("代码", "Code"), "name": ("名称", "Name"), "last": ("最新价", "Last"),
           "chg_pct": ("涨跌幅", "Change")}


def quotes_from_store(store: Any, symbols: list[str], names: dict[str, str] | None = None) -> dict:
    """Blocking (run in a worker): {symbol: {"name", "last", "chg_pct"}} from the last two bars."""
    out: dict[str, dict] = {}
    for s in symbols:
        q: dict[str, Any] = {"name": (names or {}).get(s, "")}
        try:
            bars = store.read(s) if store is not None else None
        except Exception:  # a broken series shows as "—", it must not cost the whole list
            bars = None
        if bars is not None and len(bars):
            close = bars["close"].to_numpy(dtype=float)
            q["last"] = float(close[-1])
            if len(close) >= 2 and close[-2] > 0:
                q["chg_pct"] = (close[-1] / close[-2] - 1.0) * 100.0
        out[s] = q
    return out


class WatchlistModel(LangHeaders, QAbstractTableModel):
    HEADERS = HEADERS
    COLUMNS = ["symbol", "name", "last", "chg_pct"]
    #: (codes, row): codes dropped on the list before ``row`` (-1: at the end) — a reorder or an add
    dropped = Signal(list, int)

    def __init__(self, lang: str = "zh", parent=None) -> None:
        super().__init__(parent)
        self._symbols: list[str] = []
        self._quotes: dict[str, dict] = {}
        self._lang = lang

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._symbols)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.COLUMNS)

    def data(self, index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self._symbols):
            return None
        sym = self._symbols[index.row()]
        col = self.COLUMNS[index.column()]
        q = self._quotes.get(sym, {})
        v = sym if col == "symbol" else q.get(col)
        if role == Qt.ItemDataRole.DisplayRole:
            if v is None or (isinstance(v, float) and math.isnan(v)):
                return "—" if col in ("last", "chg_pct") else ""
            if col == "last":
                return f"{v:.2f}"
            if col == "chg_pct":
                return f"{v:+.2f}%"
            return str(v)
        if role == SortRole:
            return v
        if role == SymbolRole:
            return sym
        if role == Qt.ItemDataRole.TextAlignmentRole and col in ("last", "chg_pct"):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def flags(self, index):
        base = super().flags(index)
        if index.isValid():
            return base | Qt.ItemFlag.ItemIsDragEnabled
        return base | Qt.ItemFlag.ItemIsDropEnabled

    def supportedDropActions(self):  # noqa: N802
        return Qt.DropAction.MoveAction | Qt.DropAction.CopyAction

    def mimeTypes(self) -> list[str]:  # noqa: N802
        return [CODES_MIME, "text/plain"]

    def mimeData(self, indexes) -> QMimeData:  # noqa: N802
        rows = sorted({i.row() for i in indexes if i.isValid()})
        return codes_mime([self._symbols[r] for r in rows if r < len(self._symbols)])

    def dropMimeData(self, data, action, row: int, column: int, parent) -> bool:  # noqa: N802
        """The drop is reported (``dropped``); the view applies it to the watchlist and reloads,
        so the model is never changed behind the watchlist's back."""
        codes = codes_of_mime(data)
        if not codes:
            return False
        if row < 0 and parent.isValid():
            row = parent.row()
        self.dropped.emit(codes, row)
        return False          # not True: Qt must not remove the dragged rows itself (a MoveAction)


    def set_symbols(self, symbols: list[str]) -> None:
        if list(symbols) == self._symbols:
            return
        self.beginResetModel()
        self._symbols = list(symbols)
        self.endResetModel()

    def symbols(self) -> list[str]:
        return list(self._symbols)

    def set_quotes(self, quotes: dict[str, dict]) -> None:
        self._quotes.update(quotes)
        if self._symbols:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._symbols) - 1, len(self.COLUMNS) - 1))

    def quote(self, symbol: str) -> dict:
        return dict(self._quotes.get(symbol, {}))
