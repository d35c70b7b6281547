"""A pane's horizontal lines: the grid at the right axis' ticks and the indicator's reference levels.

pyqtgraph's own axis grid (``PlotItem.showGrid``) replays an alpha-blended picture across the
whole pane and cost ≈5–10 ms per pane per frame offscreen at 1600×900 — more than all the candles.
Reference levels (MACD's 0, KDJ's 20/80, RSI's 30/70) were ``pg.InfiniteLine`` items, which
recompute their bounding rect through several view mappings in Python on every zoom or pan
(≈0.1 ms each). Both are drawn here instead, in the ViewBox's pixel space (not its data space),
re-placed only when the y range or the pane's size changes: the grid opaque in one ``drawLines``
call, each level across the whole pane in its own (dotted) pen.
"""
from __future__ import annotations

from ._qt import QtCore, QtGui, QtWidgets, cosmetic_pen, pg


class GridItem(QtWidgets.QGraphicsObject):
    def __init__(self, plot: pg.PlotItem, color: str) -> None:
        self._vb = plot.getViewBox()
        super().__init__(self._vb)
        self._axis = plot.getAxis("right")
        self._pen = cosmetic_pen(color)
        self.setZValue(-100)
        self._key: tuple | None = None
        self._lines: list[QtCore.QLineF] = []
        self._levels: list[tuple[float, QtGui.QPen]] = []
        self._level_lines: list[tuple[QtGui.QPen, QtCore.QLineF]] = []
        self._vb.sigRangeChanged.connect(self._changed)
        self._vb.sigResized.connect(self._changed)

    def set_levels(self, levels: list[tuple[float, QtGui.QPen]]) -> None:
        """The reference levels drawn across the pane: (value, pen) pairs."""
        self._levels = [(float(v), QtGui.QPen(pen)) for v, pen in levels]
        self._key = None
        self.update()

    def levels(self) -> list[float]:
        return [v for v, _pen in self._levels]

    def level_lines(self) -> list[tuple[QtGui.QPen, QtCore.QLineF]]:
        """The level lines of the last paint, in the ViewBox's pixels (tests)."""
        return list(self._level_lines)

    def _changed(self, *_args) -> None:
        self.prepareGeometryChange()
        self.update()

    def boundingRect(self) -> QtCore.QRectF:  # noqa: N802 (Qt override)
        return self._vb.rect()

    def paint(self, p: QtGui.QPainter, *args) -> None:
        rect = self._vb.rect()
        if rect.height() <= 0:
            return
        _, (y0, y1) = self._vb.viewRange()
        key = (y0, y1, rect.width(), rect.height())
        if key != self._key:  # the lines only move with the y range or the pane size
            self._key = key
            levels = self._axis.tickValues(y0, y1, rect.height())
            values = [v for _, vals in levels[:2] for v in vals]
            self._lines = [QtCore.QLineF(rect.left(), y, rect.right(), y)
                           for y in self._rows(values, rect)]
            # drawn from the right, as pg.InfiniteLine did: the dots start at the latest bar
            self._level_lines = [
                (pen, QtCore.QLineF(rect.right(), y, rect.left(), y))
                for (_v, pen), y in zip(self._levels, self._rows(self.levels(), rect, keep=True))
                if y is not None]
        if self._lines:
            p.setPen(self._pen)
            p.drawLines(self._lines)
        for pen, line in self._level_lines:
            p.setPen(pen)
            p.drawLine(line)

    def _rows(self, values: list[float], rect: QtCore.QRectF, keep: bool = False) -> list:
        """The pixel rows of ``values`` inside ``rect`` (with ``keep``, None for the others, so
        the list stays aligned with ``values``)."""
        out = []
        self._vb.updateMatrix()
        to_pixels = self._vb.childTransform()   # mapFromView's transform, taken once
        for v in values:
            y = to_pixels.map(QtCore.QPointF(0.0, v)).y()
            if rect.top() <= y <= rect.bottom():
                out.append(y)
            elif keep:
                out.append(None)
        return out
