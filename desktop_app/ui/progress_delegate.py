"""Task-table delegate: a progress bar painted with ``QStyle.drawControl`` (no per-row widgets,
QT_NOTES.md §4.5) and status text coloured by state."""
from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QPainter, QPalette
from PySide6.QtWidgets import (QApplication, QStyle, QStyledItemDelegate, QStyleOptionProgressBar,
                               QStyleOptionViewItem)

STATUS_COLORS = {
    "pending": QColor("#8d6e63"),
    "running": QColor("#1565c0"),
    "completed": QColor("#2e7d32"),
    "failed": QColor("#c62828"),
    "cancelled": QColor("#757575"),
    "interrupted": QColor("#ef6c00"),
}


def status_key(value) -> str:
    """A TaskStatus enum member or a string -> its lower-case name."""
    v = getattr(value, "value", value)
    return str(v).lower() if v is not None else ""


class TaskDelegate(QStyledItemDelegate):
    """Paints ``progress_column`` as a progress bar and colours ``status_column``'s text."""

    def __init__(self, progress_role: int, status_role: int, progress_column: int = -1,
                 status_column: int = -1, parent=None) -> None:
        super().__init__(parent)
        self.progress_role = progress_role
        self.status_role = status_role
        self.progress_column = progress_column
        self.status_column = status_column

    def initStyleOption(self, option: QStyleOptionViewItem,  # noqa: N802 (Qt override)
                        index: QModelIndex | QPersistentModelIndex) -> None:
        super().initStyleOption(option, index)
        if index.column() == self.status_column:
            color = STATUS_COLORS.get(status_key(index.data(self.status_role)))
            if color is not None:
                option.palette.setColor(QPalette.ColorRole.Text, color)
                option.font.setBold(True)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        if index.column() != self.progress_column:
            super().paint(painter, option, index)
            return
        value = index.data(self.progress_role)
        try:
            frac = max(0.0, min(1.0, float(value or 0.0)))
        except (TypeError, ValueError):
            frac = 0.0
        widget = option.widget
        style = widget.style() if widget is not None else QApplication.style()
        # background/selection first, so a selected row still looks selected
        style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, widget)
        bar = QStyleOptionProgressBar()
        bar.rect = option.rect.adjusted(2, 3, -2, -3)
        bar.minimum = 0
        bar.maximum = 1000
        bar.progress = int(round(frac * 1000))
        bar.text = f"{frac * 100:.0f}%"
        bar.textVisible = True
        bar.textAlignment = Qt.AlignmentFlag.AlignCenter
        bar.state = option.state | QStyle.StateFlag.State_Horizontal
        bar.palette = option.palette
        bar.fontMetrics = option.fontMetrics
        style.drawControl(QStyle.ControlElement.CE_ProgressBar, bar, painter, widget)
