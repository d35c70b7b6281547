"""Volume bars (coloured like their candle) and the MACD histogram, visible slice only."""
from __future__ import annotations

import numpy as np

from ._qt import PrimitiveArray, QtCore, QtGui
from .bar_data import Slice
from .base_item import THIN_PX, VisibleSliceItem, draw_lines, draw_rects, fill_lines, fill_rects
from .style import LIGHT, ChartStyle

BAR_FRACTION = 0.8


class VolumeItem(VisibleSliceItem):
    """Bars from 0 to the (bucket-summed) volume, red on up bars, green on down bars."""

    def __init__(self, style: ChartStyle = LIGHT) -> None:
        super().__init__()
        self._rects = {True: PrimitiveArray(QtCore.QRectF, 4), False: PrimitiveArray(QtCore.QRectF, 4)}
        self._lines = {True: PrimitiveArray(QtCore.QLineF, 4), False: PrimitiveArray(QtCore.QLineF, 4)}
        self.set_style(style)

    def _compute_bounds(self) -> QtCore.QRectF:
        d = self._data
        # a resampled bucket sums volumes, so the bound covers the largest possible sum
        top = float(d.volume.sum()) or 1.0
        return QtCore.QRectF(-1.0, 0.0, d.n + 1.0, top)

    def y_range(self, i0: int, i1: int) -> tuple[float, float] | None:
        """0 .. max volume of the entries drawn (bucket sums when resampled)."""
        if self._data is None or self._data.n == 0:
            return None
        s = self.current_slice()
        if s is not None and s.bucket > 1:
            vis = (s.x >= i0 - s.width) & (s.x <= i1 + s.width)
            vmax = float(s.volume[vis].max()) if vis.any() else 0.0
        else:
            vmax = self._data.volume_max(i0, i1)
        return 0.0, vmax

    def _build(self, s: Slice) -> None:
        half = s.width * BAR_FRACTION / 2.0
        thin = self.px_per_entry < THIN_PX
        for up in (True, False):
            m = s.up if up else ~s.up
            x, zero = s.x[m], np.zeros(int(m.sum()))
            if thin:  # 1-px lines, not 2-px filled rects: the same picture at half the fill
                self._rects[up].resize(0)
                fill_lines(self._lines[up], x, zero, x, s.volume[m])
            else:
                self._lines[up].resize(0)
                fill_rects(self._rects[up], x - half, zero, 2 * half, s.volume[m])

    def _draw(self, p: QtGui.QPainter) -> None:
        for up in (True, False):
            p.setPen(self._pens[up])
            p.setBrush(self._brushes[up])
            draw_rects(p, self._rects[up])
            draw_lines(p, self._lines[up])


class HistogramItem(VisibleSliceItem):
    """Vertical lines from 0 to a per-bar value (the MACD bar), red above zero, green below.

    When resampled, each bucket shows the value of largest magnitude, so peaks stay visible.
    """

    def __init__(self, key: str = "macd", style: ChartStyle = LIGHT) -> None:
        super().__init__()
        self.key = key
        self._lines = {True: PrimitiveArray(QtCore.QLineF, 4), False: PrimitiveArray(QtCore.QLineF, 4)}
        self.set_style(style)

    def _values(self) -> np.ndarray:
        return self._data.indicators()[self.key]

    def _compute_bounds(self) -> QtCore.QRectF:
        v = self._values()
        v = v[np.isfinite(v)]
        lo = min(0.0, float(v.min())) if v.size else -1.0
        hi = max(0.0, float(v.max())) if v.size else 1.0
        return QtCore.QRectF(-1.0, lo, self._data.n + 1.0, max(hi - lo, 1e-9))

    def y_range(self, i0: int, i1: int) -> tuple[float, float] | None:
        if self._data is None:
            return None
        r = self._data.series_range([self.key], i0, i1)
        return None if r is None else (min(0.0, r[0]), max(0.0, r[1]))

    def _build(self, s: Slice) -> None:
        v = self._values()
        if s.bucket == 1:
            vals = v[s.x.astype(np.int64)]
        else:
            b = s.bucket
            start = int(s.x[0] - (b - 1) / 2.0)
            stop = min(len(v), start + b * len(s.x))
            seg = np.nan_to_num(v[start:stop], nan=0.0)
            idx = np.arange(0, len(seg), b)
            hi = np.maximum.reduceat(seg, idx)
            lo = np.minimum.reduceat(seg, idx)
            vals = np.where(np.abs(hi) >= np.abs(lo), hi, lo)
        vals = np.nan_to_num(vals, nan=0.0)
        for pos in (True, False):
            m = vals >= 0 if pos else vals < 0
            x = s.x[m]
            fill_lines(self._lines[pos], x, np.zeros(len(x)), x, vals[m])

    def _draw(self, p: QtGui.QPainter) -> None:
        for pos in (True, False):
            p.setPen(self._pens[pos])
            draw_lines(p, self._lines[pos])
