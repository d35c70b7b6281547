"""The results table's proxy and cell delegate: a filter that never sorts (the model sorts
itself) and forwards whole cells in one call, and the score badge / red-up green-down change
painting. Used by ``ui/results_view.py`` for both of its views (frozen 代码/名称 and the rest)."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QRectF, QSortFilterProxyModel, Qt
from PySide6.QtGui import QColor, QPainter, QPalette
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem

from desktop_app.ui import theme
from desktop_app.ui.progress_delegate import contrast

SORT_ROLE = Qt.ItemDataRole.UserRole + 2     # ResultsModel.SortRole: the raw value
SYMBOL_ROLE = Qt.ItemDataRole.UserRole + 1   # ResultsModel.SymbolRole
SEARCH_ROLE = Qt.ItemDataRole.UserRole + 4   # ResultsModel.SearchRole


class HitFilterProxy(QSortFilterProxyModel):
    """Filters rows by a text across code/name/industry. Never sorts (the source model does).

    Uses Qt's own fixed-string filter on the model's SearchRole instead of a Python
    ``filterAcceptsRow``: with no filter text Qt then accepts rows without calling into Python at
    all, so rows streaming in during a scan cost no GIL round trip per row."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._needle = ""
        self._source: Any = None
        self.setDynamicSortFilter(True)
        self.setFilterRole(SEARCH_ROLE)
        self.setFilterKeyColumn(0)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)

    def setSourceModel(self, model) -> None:  # noqa: N802 (Qt override)
        """Keep the source in a Python attribute: calling ``self.sourceModel()`` from Python in a
        QSortFilterProxyModel subclass makes PySide6 keep a reference to every model it returned,
        so each scan's results shown once stayed in memory for the whole session."""
        self._source = model
        super().setSourceModel(model)

    def set_text(self, text: str) -> None:
        needle = text.strip().lower()
        if needle == self._needle:
            return
        self._needle = needle
        self.setFilterFixedString(needle)

    def multiData(self, index, roleDataSpan) -> None:  # noqa: N802,N803 (Qt override)
        """Forward a cell's roles in one call to the source's ``multiData`` (the base proxy asks the
        source role by role, each a GIL-taking call into Python; see ResultsModel.multiData)."""
        src = self._source
        if src is None or not index.isValid():
            for rd in roleDataSpan:
                rd.clearData()
            return
        src.multiData(self.mapToSource(index), roleDataSpan)

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        """Route any sort request to the source model (never sort a big table in the proxy)."""
        src = self._source
        if src is not None and column >= 0:
            src.sort(column, order)


_BADGE_TEXT: dict[int, QColor] = {}


def badge_text_color(badge: QColor) -> QColor:
    """White on a badge where white reads (WCAG 4.5:1), else whichever of black/white reads
    better: white on the amber 60-69 badge was 1.9:1."""
    key = badge.rgb()
    if key not in _BADGE_TEXT:
        white, black = QColor(255, 255, 255), QColor(0, 0, 0)
        if contrast(white, badge) >= 4.5:
            _BADGE_TEXT[key] = white
        else:
            _BADGE_TEXT[key] = max((white, black), key=lambda c: contrast(c, badge))
    return _BADGE_TEXT[key]


class HitDelegate(QStyledItemDelegate):
    """Score as a coloured badge; change % red when up, green when down (A-share convention)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.score_column = -1
        self.change_column = -1
        self.change_columns: frozenset[int] = frozenset()     # more signed changes (60日涨跌幅, 年初至今)

    def initStyleOption(self, option: QStyleOptionViewItem, index) -> None:  # noqa: N802
        super().initStyleOption(option, index)
        if index.column() == self.change_column or index.column() in self.change_columns:
            v = index.data(SORT_ROLE)
            if isinstance(v, (int, float)) and v == v and v != 0:
                option.palette.setColor(QPalette.ColorRole.Text,
                                        theme.up_color() if v > 0 else theme.down_color())

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index) -> None:
        if index.column() != self.score_column:
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        text = opt.text
        opt.text = ""
        widget = opt.widget
        style = widget.style() if widget is not None else None
        if style is not None:
            # the enum through the instance: importing QStyle costs ~8 ms before the first frame
            style.drawControl(style.ControlElement.CE_ItemViewItem, opt, painter, widget)
        v = index.data(SORT_ROLE)
        try:
            score = float(v)
        except (TypeError, ValueError):
            score = None
        if score is None:
            return
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        fm = opt.fontMetrics
        w = fm.horizontalAdvance(text) + 12
        h = min(opt.rect.height() - 4, fm.height() + 4)
        r = QRectF(opt.rect.right() - w - 4, opt.rect.center().y() - h / 2, w, h)
        painter.setPen(Qt.PenStyle.NoPen)
        color = theme.score_color(score)
        painter.setBrush(color)
        painter.drawRoundedRect(r, h / 2, h / 2)
        painter.setPen(badge_text_color(color))
        painter.drawText(r, int(Qt.AlignmentFlag.AlignCenter), text)
        painter.restore()
