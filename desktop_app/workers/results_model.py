"""The table model of one scan's hits: grows live while the scan runs, sorts inside itself.

Rows are the HIT_COLUMNS dicts that ``core.scan.run_scan`` produces; the columns are core's presented
``hits.COLUMNS`` (代码 名称 最新价 涨跌幅 得分 评级 …, the rating in the model's language), followed by
the fundamental columns when the scan read fundamentals (``hits.fundamental_columns``: 市盈率(动态) …
基本面得分, numbers but 报告期) and the formula output columns the rows bring (``hits.formula_columns``:
"MA5", "主力线" …, named as in the formula, numbers), inserted once when the first such rows arrive. Inserts are batched (one
``beginInsertRows`` per ``append_rows``); sorting is done here (``layoutChanged`` with persistent
indexes remapped), never through a QSortFilterProxyModel (≈500 ms vs ≈5 ms at 5,000 rows,
QT_NOTES §4.3). While a sort is active, appended rows are merged into the order at once.
"""
from __future__ import annotations

from typing import Any, Iterable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from ..core import hits
from ..core.hits import COLUMNS, NUMERIC_HIT_COLUMNS, missing as _missing
from ..core.reasons import lang_of

SymbolRole = Qt.ItemDataRole.UserRole + 1
SortRole = Qt.ItemDataRole.UserRole + 2     # the raw value (numbers as numbers)
RowRole = Qt.ItemDataRole.UserRole + 3      # the whole row dict
SearchRole = Qt.ItemDataRole.UserRole + 4   # "code name industry", lower case: what the filter matches

_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
#: Every role ``ResultsModel.data`` answers (keep in step with it; ``multiData`` skips the rest).
_DATA_ROLES = frozenset({Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.TextAlignmentRole,
                         Qt.ItemDataRole.ToolTipRole, SortRole, SymbolRole, RowRole, SearchRole})


def format_cell(col: str, v: Any, lang: str = "zh") -> str:
    """The display text of one hit cell: core's one presenter (``core/hits.py``)."""
    return hits.display(col, v, lang)


def _numeric(col: str) -> bool:
    """Sorted as numbers and aligned right: core's number columns and a formula's outputs."""
    return col in NUMERIC_HIT_COLUMNS or hits.is_formula_column(col)


class ResultsModel(QAbstractTableModel):
    COLUMNS = list(COLUMNS)     # the default columns; an instance adds its rows' formula columns

    def __init__(self, lang: str = "zh", parent=None):
        super().__init__(parent)
        self.COLUMNS = list(COLUMNS)
        self._rows: list[dict] = []
        self._lang = lang_of(lang)
        self._keys = self._row_keys()
        # Best hits first until the user picks another column.
        self._sort: tuple[int, Qt.SortOrder] | None = (self.COLUMNS.index("score"), Qt.SortOrder.DescendingOrder)

    def _row_keys(self) -> list[str]:
        """Per column, the row key it reads in the current language (``hits.source_key``)."""
        return [hits.source_key(c, self._lang) for c in self.COLUMNS]

    # -- Qt model API ------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def data(self, index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self._rows) or index.column() >= len(self.COLUMNS):
            return None
        row = self._rows[index.row()]
        col = self.COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return hits.display(col, row.get(self._keys[index.column()]), self._lang)
        if role == SortRole:
            v = row.get(self._keys[index.column()])
            return None if _missing(v) else (v if not isinstance(v, list) else ",".join(v))
        if role == SymbolRole:
            return row.get("symbol")
        if role == RowRole:
            return dict(row)
        if role == SearchRole:
            return " ".join(str(row.get(k) or "") for k in ("symbol", "name", "industry")).lower()
        if role == Qt.ItemDataRole.TextAlignmentRole and _numeric(col):
            return _RIGHT
        if role == Qt.ItemDataRole.ToolTipRole and col == "strategies":   # the whole list, never elided
            return hits.display(col, row.get(col), self._lang) or None
        return None

    # -- fewer calls from C++ into Python --------------------------------------------------
    # Every call from Qt into a Python override must take the GIL, which a running scan thread
    # holds for up to the interpreter's switch interval. Painting one cell used to cost ~21 such
    # calls (7 roles × data + index(), whose base version calls rowCount and columnCount); with
    # these two overrides (and HitFilterProxy.multiData) it costs ~2. benchmarks/bench_gui_stall.py
    def index(self, row: int, column: int,
              parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> QModelIndex:
        if parent.isValid() or not (0 <= row < len(self._rows) and 0 <= column < len(self.COLUMNS)):
            return QModelIndex()
        return self.createIndex(row, column)

    def multiData(self, index, roleDataSpan) -> None:  # noqa: N802,N803 (Qt override)
        """All the roles a view asks for one cell (≈7 per paint) in one call. Roles ``data``
        never answers (font, colours, decoration, check state) are cleared without a lookup."""
        for rd in roleDataSpan:
            role = rd.role()
            if role in _DATA_ROLES:
                rd.setData(self.data(index, role))
            else:
                rd.clearData()

    def headerData(self, section: int, orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            if 0 <= section < len(self.COLUMNS):
                return hits.header(self.COLUMNS[section], self._lang)
            return None
        return str(section + 1)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.COLUMNS):
            return
        self._sort = (column, order)
        self.layoutAboutToBeChanged.emit()
        old_persistent = self.persistentIndexList()
        old_rows = [p.row() for p in old_persistent]
        ids = [id(r) for r in self._rows]
        self._rows = self._sorted(self._rows, column, order)
        if old_persistent:
            pos = {id(r): i for i, r in enumerate(self._rows)}
            new = [self.index(pos[ids[r]], p.column()) for p, r in zip(old_persistent, old_rows)]
            self.changePersistentIndexList(old_persistent, new)
        self.layoutChanged.emit()

    def _sorted(self, rows: list[dict], column: int, order: Qt.SortOrder) -> list[dict]:
        """Stable; numbers numerically, text by its string; missing values always last. The rating
        sorts by the score it stands for (强烈建议买入 above 建议买入), not by its text."""
        col = self.COLUMNS[column]
        if col == "label":
            col = "score"
        else:
            col = self._keys[column]
        present = [r for r in rows if not _missing(r.get(col))]
        missing = [r for r in rows if _missing(r.get(col))]
        desc = order == Qt.SortOrder.DescendingOrder
        if _numeric(col):
            present.sort(key=lambda r: float(r[col]), reverse=desc)
        else:
            present.sort(key=lambda r: hits.display(col, r[col], self._lang), reverse=desc)
        return present + missing

    # -- feeding -----------------------------------------------------------------------------
    def _add_row_columns(self, rows: list[dict]) -> None:
        """The fundamental and formula output columns of ``rows`` not yet shown, appended after
        the others (in ``hits.export_columns``' order)."""
        new = [k for k in hits.fundamental_columns(rows) + hits.formula_columns(rows) + hits.since_columns(rows)
               if k not in self.COLUMNS]
        if not new:
            return
        first = len(self.COLUMNS)
        self.beginInsertColumns(QModelIndex(), first, first + len(new) - 1)
        self.COLUMNS.extend(new)
        self._keys = self._row_keys()
        self.endInsertColumns()

    def append_rows(self, rows: Iterable[dict]) -> None:
        rows = list(rows)
        if not rows:
            return
        self._add_row_columns(rows)
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
        self._rows.extend(rows)
        self.endInsertRows()
        if self._sort is not None:
            self.sort(*self._sort)

    def merge_values(self, by_symbol: dict[str, dict]) -> None:
        """Add values to the rows (``{symbol: {key: value}}``, e.g. a past scan's returns since,
        ``core/since_scan``); their new columns are appended as for ``append_rows``."""
        if not by_symbol or not self._rows:
            return
        self._rows = [{**r, **by_symbol.get(str(r.get("symbol")), {})} for r in self._rows]
        self._add_row_columns(self._rows)
        self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(self.COLUMNS) - 1))
        if self._sort is not None:
            self.sort(*self._sort)

    def clear(self) -> None:
        self.beginResetModel()
        self._rows = []
        self.endResetModel()

    def set_language(self, lang: str) -> None:
        lang = lang_of(lang)
        if lang == self._lang:
            return
        self._lang = lang
        self._keys = self._row_keys()
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self.COLUMNS) - 1)
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(self.COLUMNS) - 1),
                                  [Qt.ItemDataRole.DisplayRole])

    @property
    def language(self) -> str:
        return self._lang

    # -- reading -----------------------------------------------------------------------------
    def rows(self) -> list[dict]:
        """The rows in the current (sorted) order; a new list (the dicts are shared, do not mutate)."""
        return list(self._rows)

    def row_dict(self, r: int) -> dict:
        return dict(self._rows[r])

    def symbols(self) -> list[str]:
        return [r.get("symbol") for r in self._rows]
