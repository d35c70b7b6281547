"""Task-table delegate: a progress bar painted by hand (no per-row widgets, QT_NOTES.md §4.5) and
status text coloured by state.

The bar is drawn here rather than by ``QStyle.CE_ProgressBar`` because the style's bar took its
text colours from the item palette: light text on Fusion's light-blue chunk in the light theme,
a groove the colour of the row in the dark theme, and the chunk vanishing into a selected row.
``bar_colors`` picks a groove, a chunk and the text colour over each from the palette (so light,
dark and a dark system palette all work), each text at a WCAG contrast of at least 4.5:1."""
from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPalette
from PySide6.QtWidgets import QApplication, QStyledItemDelegate, QStyleOptionViewItem

STATUS_COLORS = {
    "pending": QColor("#8d6e63"),
    "running": QColor("#1565c0"),
    "completed": QColor("#2e7d32"),
    "failed": QColor("#c62828"),
    "cancelled": QColor("#757575"),
    "interrupted": QColor("#ef6c00"),
}


def _luminance(c: QColor) -> float:
    """WCAG relative luminance."""
    def ch(v: float) -> float:
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4
    return 0.2126 * ch(c.redF()) + 0.7152 * ch(c.greenF()) + 0.0722 * ch(c.blueF())


def contrast(a: QColor, b: QColor) -> float:
    """WCAG contrast ratio of two colours (1 … 21)."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _mix(a: QColor, b: QColor, t: float) -> QColor:
    return QColor(round(a.red() + (b.red() - a.red()) * t), round(a.green() + (b.green() - a.green()) * t),
                  round(a.blue() + (b.blue() - a.blue()) * t))


CHUNK_LIGHT = QColor("#1565c0")   # a blue dark enough for white text on a light theme
CHUNK_DARK = QColor("#3d6fb6")    # the dark theme's highlight


def bar_colors(palette: QPalette, selected: bool = False) -> tuple[QColor, QColor, QColor, QColor, QColor]:
    """(groove, groove border, chunk, text over the groove, text over the chunk) for ``palette``;
    on a ``selected`` row the chunk moves away from the selection colour if it is that colour
    (the dark theme's highlight is its chunk)."""
    base, text = palette.color(QPalette.ColorRole.Base), palette.color(QPalette.ColorRole.Text)
    dark = base.lightness() < 128
    groove = _mix(base, text, 0.10)
    border = _mix(base, text, 0.30)
    chunk = CHUNK_DARK if dark else CHUNK_LIGHT
    if selected and contrast(chunk, palette.color(QPalette.ColorRole.Highlight)) < 1.3:
        chunk = QColor((chunk.lighter(135) if dark else chunk.darker(135)).rgb())
    white, black = QColor(255, 255, 255), QColor(0, 0, 0)
    on_chunk = max((white, black), key=lambda c: contrast(c, chunk))
    on_groove = text if contrast(text, groove) >= 4.5 else max((white, black), key=lambda c: contrast(c, groove))
    return groove, border, chunk, on_groove, on_chunk


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
        style.drawPrimitive(style.PrimitiveElement.PE_PanelItemViewItem, option, painter, widget)
        selected = bool(option.state & style.StateFlag.State_Selected)   # (enums via the instance: see hit_cells)
        groove, border, chunk, on_groove, on_chunk = bar_colors(option.palette, selected)
        r = QRectF(option.rect.adjusted(3, 4, -3, -4))
        text = f"{frac * 100:.0f}%"
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        outline = r.adjusted(0.5, 0.5, -0.5, -0.5)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(groove)
        painter.drawRoundedRect(outline, 3, 3)
        filled = QRectF(r.left(), r.top(), r.width() * frac, r.height())
        if frac > 0:
            painter.setBrush(chunk)
            painter.drawRoundedRect(filled, 3, 3)
        painter.setPen(border)            # outline last: the bar stays a bar on a selected row
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(outline, 3, 3)
        painter.setFont(option.font)
        align = int(Qt.AlignmentFlag.AlignCenter)
        # the text in two colours, split where the chunk ends: readable over both
        painter.setClipRect(filled)
        painter.setPen(on_chunk)
        painter.drawText(r, align, text)
        painter.setClipRect(QRectF(filled.right(), r.top(), r.width() - filled.width(), r.height()))
        painter.setPen(on_groove)
        painter.drawText(r, align, text)
        painter.restore()
