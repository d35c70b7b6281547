"""Candlesticks, A-share colours: a rising bar is filled red, a falling bar filled green.

Only the visible slice is drawn (resampled into buckets when bars are narrower than two pixels):
one ``drawLines`` for the wicks and one ``drawRects`` for the bodies per colour.
"""
from __future__ import annotations

import numpy as np

from ._qt import PrimitiveArray, QtCore, QtGui
from .bar_data import Slice
from .base_item import THIN_PX, VisibleSliceItem, draw_lines, draw_rects, fill_lines, fill_rects
from .style import LIGHT, ChartStyle

BODY_FRACTION = 0.8


class CandleItem(VisibleSliceItem):
    def __init__(self, style: ChartStyle = LIGHT) -> None:
        super().__init__()
        self._wicks = {True: PrimitiveArray(QtCore.QLineF, 4), False: PrimitiveArray(QtCore.QLineF, 4)}
        self._bodies = {True: PrimitiveArray(QtCore.QRectF, 4), False: PrimitiveArray(QtCore.QRectF, 4)}
        self.set_style(style)

    def _compute_bounds(self) -> QtCore.QRectF:
        d = self._data
        lo, hi = float(d.low.min()), float(d.high.max())
        return QtCore.QRectF(-1.0, lo, d.n + 1.0, max(hi - lo, 1e-9))

    def y_range(self, i0: int, i1: int) -> tuple[float, float] | None:
        return None if self._data is None else self._data.price_range(i0, i1)

    def _build(self, s: Slice) -> None:
        half = s.width * BODY_FRACTION / 2.0
        for up in (True, False):
            m = s.up if up else ~s.up
            x = s.x[m]
            fill_lines(self._wicks[up], x, s.low[m], x, s.high[m])
            if self.px_per_entry < THIN_PX:  # too narrow for a body: the high-low line says it all
                self._bodies[up].resize(0)
                continue
            o, c = s.open[m], s.close[m]
            fill_rects(self._bodies[up], x - half, np.minimum(o, c), 2 * half, np.abs(c - o))

    def _draw(self, p: QtGui.QPainter) -> None:
        for up in (True, False):
            p.setPen(self._pens[up])
            draw_lines(p, self._wicks[up])
            p.setBrush(self._brushes[up])
            draw_rects(p, self._bodies[up])
