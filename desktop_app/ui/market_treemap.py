"""The market view's heat map: boards (industries or concepts) as tiles of a squarified treemap
(``core.treemap``), sized by market cap or amount, coloured by change on the A-share scale (red
up, green down, deeper with the size of the move, grey when flat). A tile's label is drawn only
when it fits; every tile has a tooltip. A click emits ``tile_clicked(key)`` (drill into the
board's members). Painted with QPainter: a few hundred rectangles, no scene graph needed."""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QPoint, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFontMetrics, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from desktop_app.core.treemap import squarify
from desktop_app.ui import theme

#: The change at which a tile's colour is full (fraction): a board's average moves less than a
#: stock, so the scale saturates at ±3 % (as 同花顺's and 东方财富's board heat maps roughly do).
FULL_AT = 0.03


@dataclass
class Tile:
    key: str
    label: str            # the board's name (first line)
    size: float           # area weight (market cap or amount)
    change: float         # fraction; NaN: no change (grey)
    tooltip: str


def heat_color(change: float, dark: bool) -> QColor:
    """The A-share heat colour of a change (fraction): red up, green down, grey when flat or
    unknown; the depth grows with |change| up to ``FULL_AT``."""
    flat = QColor(88, 92, 100) if dark else QColor(150, 154, 160)
    if change != change or change == 0:            # NaN or flat
        return flat
    t = min(1.0, abs(change) / FULL_AT) ** 0.5
    full = QColor(222, 42, 42) if change > 0 else QColor(20, 160, 70)
    if dark:
        full = full.darker(115)
    r = flat.red() + (full.red() - flat.red()) * t
    g = flat.green() + (full.green() - flat.green()) * t
    b = flat.blue() + (full.blue() - flat.blue()) * t
    return QColor(int(r), int(g), int(b))


def tile_label(fm: QFontMetrics, width: float, height: float, t: Tile) -> str:
    """What fits in a tile's inner ``width`` × ``height``: the name and the change on two lines,
    the name alone, or nothing (a name is never cut)."""
    line = fm.height()
    change = "" if t.change != t.change else f"{100 * t.change:+.2f}%"
    name_fits = fm.horizontalAdvance(t.label) <= width
    if height >= 2 * line and name_fits and fm.horizontalAdvance(change) <= width:
        return f"{t.label}\n{change}" if change else t.label
    return t.label if height >= line and name_fits else ""


class TreemapWidget(QWidget):
    tile_clicked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("marketTreemap")
        self.setMouseTracking(True)
        self.setMinimumSize(200, 140)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.tiles: list[Tile] = []
        self.rects: list[QRectF] = []
        self.selected = ""
        self.empty_text = ""

    def set_tiles(self, tiles: list[Tile], empty_text: str = "") -> None:
        self.tiles = list(tiles)
        self.empty_text = empty_text
        self._layout()
        self.update()

    def set_selected(self, key: str) -> None:
        self.selected = key
        self.update()

    def _layout(self) -> None:
        r = self.rect().adjusted(1, 1, -1, -1)
        rects = squarify([t.size for t in self.tiles], r.x(), r.y(), r.width(), r.height())
        self.rects = [QRectF(*x) for x in rects]

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        self._layout()
        super().resizeEvent(event)

    def tile_at(self, pos: QPoint) -> int:
        for i, r in enumerate(self.rects):
            if r.width() > 0 and r.contains(pos.toPointF() if hasattr(pos, "toPointF") else pos):
                return i
        return -1

    def tile_center(self, key: str) -> QPoint:
        """The centre of ``key``'s tile (tests click it)."""
        for t, r in zip(self.tiles, self.rects):
            if t.key == key:
                return r.center().toPoint()
        raise KeyError(key)

    def event(self, e: QEvent) -> bool:
        if e.type() == QEvent.Type.ToolTip:
            i = self.tile_at(e.pos())
            if i >= 0:
                QToolTip.showText(e.globalPos(), self.tiles[i].tooltip, self)
            else:
                QToolTip.hideText()
                e.ignore()
            return True
        return super().event(e)

    def mousePressEvent(self, e: QMouseEvent) -> None:  # noqa: N802 (Qt override)
        if e.button() == Qt.MouseButton.LeftButton:
            i = self.tile_at(e.position().toPoint())
            if i >= 0:
                self.set_selected(self.tiles[i].key)
                self.tile_clicked.emit(self.tiles[i].key)
        super().mousePressEvent(e)

    def paintEvent(self, _e: QPaintEvent) -> None:  # noqa: N802 (Qt override)
        p = QPainter(self)
        dark = theme.is_dark()
        pal = self.palette()
        p.fillRect(self.rect(), pal.base())
        if not self.tiles:
            p.setPen(pal.placeholderText().color())
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.empty_text)
            return
        border = pal.base().color()
        fm = QFontMetrics(p.font())
        for t, r in zip(self.tiles, self.rects):
            if r.width() < 1 or r.height() < 1:
                continue
            p.fillRect(r, heat_color(t.change, dark))
            p.setPen(QPen(border, 1))
            p.drawRect(r)
            inner = r.adjusted(3, 2, -3, -2)
            text = tile_label(fm, inner.width(), inner.height(), t)
            if text:                                    # else it does not fit: the tooltip says it
                p.setPen(QColor(255, 255, 255))
                p.drawText(inner, Qt.AlignmentFlag.AlignCenter, text)
        for t, r in zip(self.tiles, self.rects):
            if t.key == self.selected and r.width() > 0:
                p.setPen(QPen(pal.highlight().color(), 3))
                p.drawRect(r.adjusted(1, 1, -1, -1))
