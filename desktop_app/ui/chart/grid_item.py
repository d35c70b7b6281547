"""Horizontal grid lines at the right axis' ticks, drawn opaque in one drawLines call.

pyqtgraph's own axis grid (``PlotItem.showGrid``) replays an alpha-blended picture across the
whole pane and cost ≈5–10 ms per pane per frame offscreen at 1600×900 — more than all the candles.
This item lives in the ViewBox's pixel space (not its data space) and places its lines again only
when the y range or the pane's size changes.
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
        self._vb.sigRangeChanged.connect(self._changed)
        self._vb.sigResized.connect(self._changed)

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
        if self._lines:
            p.setPen(self._pen)
            p.drawLines(self._lines)

    def _rows(self, values: list[float], rect: QtCore.QRectF) -> list[float]:
        """The pixel rows of ``values`` inside ``rect``."""
        out = []
        self._vb.updateMatrix()
        to_pixels = self._vb.childTransform()   # mapFromView's transform, taken once
        for v in values:
            y = to_pixels.map(QtCore.QPointF(0.0, v)).y()
            if rect.top() <= y <= rect.bottom():
                out.append(y)
        return out
