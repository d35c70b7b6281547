"""Table model of the holdings (持仓) with their valuation (``core/portfolio.Valuation``): one row a
lot — code, name, quantity, cost, last, market value, day change, floating P&L and %, weight,
volatility and max drawdown. The GUI thread owns it; the valuation is computed in a worker and
applied with ``set_valuation`` (one model reset)."""
from __future__ import annotations

import math
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from ..core import numfmt as nf
from .lang_headers import LangHeaders

IdRole = Qt.ItemDataRole.UserRole + 1
SortRole = Qt.ItemDataRole.UserRole + 2
SymbolRole = Qt.ItemDataRole.UserRole + 3
HEADERS = {
    "code": ("代码", "Code"), "name": ("名称", "Name"), "quantity": ("数量", "Quantity"), "cost": ("成本", "Cost"),
    "last": ("现价", "Last"), "market_value": ("市值", "Value"), "day_change": ("当日盈亏", "Day P&L"),
    "day_change_pct": ("涨跌幅", "Change"), "pnl": ("浮动盈亏", "Floating P&L"), "pnl_pct": ("盈亏比例", "P&L %"),
    "weight": ("仓位", "Weight"), "volatility": ("波动率", "Volatility"), "max_drawdown": ("最大回撤", "Max drawdown"),
    "date": ("买入日期", "Bought"),
}
SIGNED = ("day_change", "day_change_pct", "pnl", "pnl_pct")       # red up, green down


class HoldingsModel(LangHeaders, QAbstractTableModel):
    HEADERS = HEADERS
    COLUMNS = ["code", "name", "last", "day_change_pct", "pnl", "pnl_pct", "market_value", "weight", "quantity",
               "cost", "day_change", "volatility", "max_drawdown", "date"]

    def __init__(self, lang: str = "zh", parent=None) -> None:
        super().__init__(parent)
        self._rows: list[dict] = []
        self._lang = lang

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.COLUMNS)

    def text(self, col: str, v: Any) -> str:
        if col in ("code", "name", "date"):
            return "" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)
        if col == "quantity":
            return nf.num(v, 0)
        if col in ("cost", "last"):
            return nf.num(v, 3 if col == "cost" else 2)
        if col in ("market_value", "day_change", "pnl"):
            return nf.big(v, self._lang, 2, 2)
        if col in ("day_change_pct", "pnl_pct", "max_drawdown"):
            return nf.pct(v)
        return nf.pct(v, sign=False)                       # weight, volatility

    def data(self, index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row = self._rows[index.row()]
        col = self.COLUMNS[index.column()]
        v = row.get(col)
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(col, v)
        if role == SortRole:
            return v
        if role == IdRole:
            return int(row["id"])
        if role == SymbolRole:
            return row["code"]
        if role == Qt.ItemDataRole.TextAlignmentRole and col not in ("code", "name", "date"):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(self.COLUMNS) - 1))

    def set_valuation(self, valuation: Any) -> None:
        self.beginResetModel()
        self._rows = valuation.rows.to_dict("records") if valuation is not None else []
        self.endResetModel()

    def row(self, r: int) -> dict:
        return dict(self._rows[r])
