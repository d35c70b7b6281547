"""An indicator line (MA, BOLL, DIF/DEA, K/D/J, RSI) drawn like the candles: visible slice only.

:class:`LineItem` is a :class:`~.base_item.VisibleSliceItem` resampling at one entry per pixel
column: while the visible bars fit in the view's pixel width it joins one point per bar; past that,
each bucket of bars (one pixel column, aligned like the candles' buckets) becomes two points at the
bucket's centre, its min and its max (in the order the bucket runs: min first when it rises), so no
peak is lost. Each run of finite points is one ``QPolygonF`` drawn with ``drawPolyline`` (half
the vertices of ``drawLines`` segments, and about twice as fast in Qt's raster engine); the line
breaks at NaN (MA60's first 59 bars), so a line is one polyline per frame unless its series has
gaps. The polylines are rebuilt only when the visible slice changes (pan, zoom, resize), never on a
crosshair move; ``builds`` counts the rebuilds.

Buckets are aligned to multiples of the bucket size counted from bar 0 (``slice_for_drawing``), so
the resampled values of any view are a run of the whole series resampled at that bucket size. Each
item keeps the whole series' resampled values for the last few bucket sizes
(:class:`ResampledSeries`): a pan, or zooming back to a density seen before, slices them instead
of reducing the visible bars again.
"""
from __future__ import annotations

import numpy as np

from pyqtgraph import functions as fn

from ._qt import QtCore, QtGui, cosmetic_pen
from .bar_data import BarData, Slice
from .base_item import VisibleSliceItem
from .style import ChartStyle


def bucket_min_max(seg: np.ndarray, b: int) -> tuple[np.ndarray, np.ndarray]:
    """Min and max of each run of ``b`` values of ``seg`` (the last run may be shorter), skipping
    NaN (an all-NaN run gives NaN). Small buckets are reduced over a contiguous (b, runs) copy,
    one ``fmin.reduce``/``fmax.reduce`` each down its columns: ~10x faster than
    ``np.fmin.reduceat`` and ~3x faster than reducing the (runs, b) view column by column, which
    matters with a dozen lines rebuilt per zoom frame."""
    if b > 16:
        idx = np.arange(0, len(seg), b)
        return np.fmin.reduceat(seg, idx), np.fmax.reduceat(seg, idx)
    k = -(-len(seg) // b)
    if k * b != len(seg):
        pad = np.full(k * b, np.nan)
        pad[:len(seg)] = seg
        seg = pad
    m = np.ascontiguousarray(seg.reshape(k, b).T)
    return np.fmin.reduce(m, axis=0), np.fmax.reduce(m, axis=0)


def bucket_points(seg: np.ndarray, b: int) -> np.ndarray:
    """The two y values per bucket of ``b`` values of ``seg`` (its min and max, in the order the
    bucket runs: min first when it rises), for buckets starting at ``seg[0]``."""
    idx = np.arange(0, len(seg), b)
    lo, hi = bucket_min_max(seg, b)
    last = np.minimum(idx + b, len(seg)) - 1
    rising = seg[last] >= seg[idx]
    y = np.empty(2 * len(idx))
    y[0::2] = np.where(rising, lo, hi)
    y[1::2] = np.where(rising, hi, lo)
    return y


def line_points(values: np.ndarray, s: Slice) -> tuple[np.ndarray, np.ndarray]:
    """The (x, y) points drawn for ``values`` over the slice ``s`` (NaN where there is no value)."""
    if s.bucket == 1:
        return s.x, values[s.x.astype(np.int64)]
    b = s.bucket
    b0 = (int(s.x[0]) // b) * b          # buckets start at multiples of b (see slice_for_drawing)
    b1 = min(len(values), b0 + b * len(s.x))
    y = bucket_points(values[b0:b1], b)
    return np.repeat(s.x[:len(y) // 2], 2), y


class ResampledSeries:
    """One series' :func:`bucket_points` over its whole length, for the last ``KEEP`` bucket
    sizes; :meth:`points` is :func:`line_points` for a slice, cut out of them. Each keeps the
    index of its first finite value and whether every value after it is finite (the usual case:
    NaN only in the warm-up), so :meth:`runs` rarely has to scan the slice."""

    KEEP = 4

    def __init__(self) -> None:
        self._of: np.ndarray | None = None
        self._by_bucket: dict[int, tuple[np.ndarray, int, bool]] = {}
        self._last: tuple[int, bool] | None = None   # (offset, clean) of the last points()

    def points(self, values: np.ndarray, s: Slice) -> tuple[np.ndarray, np.ndarray]:
        if s.bucket == 1:
            self._last = None
            return line_points(values, s)
        if values is not self._of:
            self._of, self._by_bucket = values, {}
        b = s.bucket
        entry = self._by_bucket.pop(b, None)
        if entry is None:
            whole = bucket_points(values, b)
            ok = np.isfinite(whole)
            first = int(ok.argmax()) if len(ok) else 0
            entry = (whole, first, bool(ok[first:].all()))
            if len(self._by_bucket) >= self.KEEP:
                self._by_bucket.pop(next(iter(self._by_bucket)))
        self._by_bucket[b] = entry            # the most recently used last
        whole, first, clean = entry
        j = int(s.x[0]) // b                 # the slice's first bucket
        y = whole[2 * j:2 * (j + len(s.x))]
        self._last = (first - 2 * j, clean)
        return _doubled_x(s, len(y) // 2), y

    def runs(self, y: np.ndarray) -> list[tuple[int, int]]:
        """:func:`finite_runs` of the ``y`` the last :meth:`points` returned."""
        if self._last is not None and self._last[1]:
            first = max(0, self._last[0])
            return [(first, len(y))] if len(y) - first >= 2 else []
        return finite_runs(y)


_DOUBLED: list = [None, 0, None]   # (slice, entries, x): every line of a frame cuts the same x


def _doubled_x(s: Slice, k: int) -> np.ndarray:
    """``np.repeat(s.x[:k], 2)``, made once per slice for all the lines drawing it."""
    if _DOUBLED[0] is not s or _DOUBLED[1] != k:
        _DOUBLED[:] = [s, k, np.repeat(s.x[:k], 2)]
    return _DOUBLED[2]


class LineItem(VisibleSliceItem):
    """One indicator series of a :class:`BarData`, in one cosmetic pen."""

    pixels_per_entry = 1.0

    def __init__(self, key: str, pen: QtGui.QPen) -> None:
        super().__init__()
        self.key = key
        self.pen = QtGui.QPen(pen)
        self._polys: list[QtGui.QPolygonF] = []
        self._resampled = ResampledSeries()
        self.builds = 0            # segment rebuilds (tests, benchmarks)
        self.points: tuple[np.ndarray, np.ndarray] = (np.empty(0), np.empty(0))

    def set_style(self, style: ChartStyle) -> None:  # the colour comes with the pen
        pass

    def set_pen(self, pen: QtGui.QPen | str) -> None:
        self.pen = QtGui.QPen(pen) if isinstance(pen, QtGui.QPen) else cosmetic_pen(pen)
        self.update()

    def set_data(self, data: BarData | None) -> None:
        self._polys = []
        self._resampled = ResampledSeries()
        self.points = (np.empty(0), np.empty(0))
        super().set_data(data)

    def has_data(self) -> bool:
        return self._data is not None and self._data.n > 0

    def values(self) -> np.ndarray:
        """The whole series (empty without data)."""
        return self._data.indicators()[self.key] if self.has_data() else np.empty(0)

    def _compute_bounds(self) -> QtCore.QRectF:
        v = self.values()
        v = v[np.isfinite(v)]
        if not v.size:
            return QtCore.QRectF()
        lo, hi = float(v.min()), float(v.max())
        return QtCore.QRectF(-1.0, lo, self._data.n + 1.0, max(hi - lo, 1e-9))

    def y_range(self, i0: int, i1: int) -> tuple[float, float] | None:
        return self._data.series_range([self.key], i0, i1) if self.has_data() else None

    def _build(self, s: Slice) -> None:
        self.builds += 1
        x, y = self._resampled.points(self.values(), s)
        self.points = (x, y)
        self._polys = []
        for a, b in self._resampled.runs(y):
            poly = fn.create_qpolygonf(b - a)
            m = fn.ndarray_from_qpolygonf(poly)
            m[:, 0] = x[a:b]
            m[:, 1] = y[a:b]
            self._polys.append(poly)

    def segments(self) -> np.ndarray:
        """The (x0, y0, x1, y1) rows of the segments the last build would draw (tests)."""
        rows = []
        for poly in self._polys:
            m = fn.ndarray_from_qpolygonf(poly)
            rows.append(np.column_stack([m[:-1], m[1:]]))
        return np.concatenate(rows) if rows else np.empty((0, 4))

    def _draw(self, p: QtGui.QPainter) -> None:
        p.setPen(self.pen)
        for poly in self._polys:
            p.drawPolyline(poly)


def finite_runs(y: np.ndarray) -> list[tuple[int, int]]:
    """``[a, b)`` index ranges of the runs of at least two consecutive finite values of ``y``."""
    ok = np.isfinite(y)
    first = int(ok.argmax()) if len(ok) else 0   # the first finite value (0 when there is none)
    if ok[first:].all():   # the usual case: finite, or NaN only before the first value (MA60)
        return [(first, len(y))] if len(y) - first >= 2 else []
    edges = np.flatnonzero(np.diff(np.concatenate(([False], ok, [False])).astype(np.int8)))
    return [(int(a), int(b)) for a, b in zip(edges[0::2], edges[1::2]) if b - a >= 2]
