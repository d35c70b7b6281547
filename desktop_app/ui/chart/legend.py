"""A small one-line legend in the price pane's top-left corner: what each line and marker is.

Entries: the MA lines (one swatch per period), the BOLL band, each strategy's marker colour and the
support/resistance dashes — only for what is switched on and present. Entries that do not fit the
pane's width are left out whole. The chart reserves the legend's height above the highest bar when
it fits the y range, so the legend never covers a candle.
"""
from __future__ import annotations

import math
from typing import NamedTuple

from ._qt import QtCore, QtGui, QtWidgets

SWATCH_W = 14.0
SWATCH_GAP = 2.0
ENTRY_GAP = 10.0
PAD = 3.0
MARGIN = 3.0   # from the pane's corner


class Entry(NamedTuple):
    kind: str                  # "line" | "dash" | "triangle"
    colors: tuple[str, ...]
    text: str


class Legend(QtWidgets.QGraphicsObject):
    def __init__(self, parent: QtWidgets.QGraphicsItem, foreground: str, background: str) -> None:
        super().__init__(parent)
        self._fg = QtGui.QColor(foreground)
        self._bg = QtGui.QColor(background)
        self._bg.setAlpha(215)
        self._font = QtGui.QFont()
        self._font.setPixelSize(11)
        self._fm = QtGui.QFontMetricsF(self._font)
        self._h = math.ceil(self._fm.height()) + 2 * PAD
        self._entries: tuple[Entry, ...] = ()
        self._widths: list[float] = []
        self._shown = 0
        self._w = 0.0
        self._max_w = 0.0
        self.setZValue(35)
        self.setPos(MARGIN, MARGIN)
        self.setCacheMode(QtWidgets.QGraphicsItem.CacheMode.DeviceCoordinateCache)

    def set_entries(self, entries: list[Entry]) -> None:
        entries = tuple(entries)
        if entries == self._entries:
            return
        self.prepareGeometryChange()
        self._entries = entries
        self._widths = [self._entry_width(e) for e in entries]
        self._relayout()
        self.update()

    def set_max_width(self, w: float) -> None:
        w = max(0.0, w - 2 * MARGIN)
        if abs(w - self._max_w) < 0.5:
            return
        self.prepareGeometryChange()
        self._max_w = w
        self._relayout()
        self.update()

    def entries(self) -> tuple[Entry, ...]:
        return self._entries

    def shown_texts(self) -> list[str]:
        return [e.text for e in self._entries[:self._shown]]

    def height(self) -> float:
        """Pixels the legend takes from the pane's top (0 when it shows nothing)."""
        return self._h + MARGIN if self._shown else 0.0

    def _entry_width(self, e: Entry) -> float:
        n = len(e.colors) if e.kind == "line" else 1
        sw = (SWATCH_W if e.kind != "triangle" else 9.0) if n == 1 else n * 6.0 + (n - 1) * 1.0
        return sw + SWATCH_GAP + self._fm.horizontalAdvance(e.text)

    def _relayout(self) -> None:
        x, shown = 0.0, 0
        for k, w in enumerate(self._widths):
            nxt = x + (ENTRY_GAP if k else 0.0) + w
            if nxt + 2 * PAD > self._max_w:
                break
            x, shown = nxt, shown + 1
        self._shown = shown
        self._w = x + 2 * PAD if shown else 0.0
        self.setVisible(bool(shown))

    def boundingRect(self) -> QtCore.QRectF:  # noqa: N802 (Qt override)
        return QtCore.QRectF(0.0, 0.0, self._w, self._h if self._shown else 0.0)

    def paint(self, p: QtGui.QPainter, *args) -> None:
        if not self._shown:
            return
        p.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, True)
        p.setPen(QtCore.Qt.PenStyle.NoPen)
        p.setBrush(self._bg)
        p.drawRoundedRect(self.boundingRect(), 3, 3)
        p.setFont(self._font)
        mid = self._h / 2
        baseline = (self._h - self._fm.height()) / 2 + self._fm.ascent()
        x = PAD
        for k, e in enumerate(self._entries[:self._shown]):
            if k:
                x += ENTRY_GAP
            if e.kind == "triangle":
                c = QtGui.QColor(e.colors[0])
                p.setPen(QtCore.Qt.PenStyle.NoPen)
                p.setBrush(c)
                tri = QtGui.QPolygonF([QtCore.QPointF(x, mid + 4), QtCore.QPointF(x + 9, mid + 4),
                                       QtCore.QPointF(x + 4.5, mid - 4)])
                p.drawPolygon(tri)
                x += 9.0
            elif e.kind == "dash":
                pen = QtGui.QPen(QtGui.QColor(e.colors[0]), 1.5, QtCore.Qt.PenStyle.DashLine)
                p.setPen(pen)
                p.drawLine(QtCore.QPointF(x, mid), QtCore.QPointF(x + SWATCH_W, mid))
                x += SWATCH_W
            else:
                n = len(e.colors)
                w = SWATCH_W if n == 1 else 6.0
                for j, c in enumerate(e.colors):
                    p.setPen(QtGui.QPen(QtGui.QColor(c), 2.0))
                    p.drawLine(QtCore.QPointF(x, mid), QtCore.QPointF(x + w, mid))
                    x += w + (1.0 if j < n - 1 else 0.0)
            x += SWATCH_GAP
            p.setPen(self._fg)
            p.drawText(QtCore.QPointF(x, baseline), e.text)
            x += self._fm.horizontalAdvance(e.text)
