"""A GraphicsObject that draws only the visible bars, resampled to the pixels available.

Subclasses turn a :class:`Slice` into numpy-backed primitive arrays (``_build``) and draw them with
one ``drawLines``/``drawRects`` call per colour (``_draw``). The primitives are cached per
(visible slice, bucket size) key, so a repaint that does not change the view (a crosshair move, a
label update) only replays a handful of batched calls, and a pan or zoom rebuilds arrays whose size
is bounded by the view's pixel width, not by the history length. Items that resample at the same
density (``pixels_per_entry``) over the same bars share one :class:`Slice` (``shared_slice``): the
candles, volume and MACD bars at 3 px, every indicator line (``line_item``) at 1 px.
"""
from __future__ import annotations

import weakref

import numpy as np

from ._qt import PrimitiveArray, QtCore, QtGui, cosmetic_pen, pg
from .bar_data import BarData, Slice
from .style import ChartStyle

#: Resample when more bars are visible than pixel width / PIXELS_PER_BAR (≈480 entries at 1440 px,
#: finplot draws ≈600).
PIXELS_PER_BAR = 3.0
#: Below this many pixels per entry, bodies are not drawn: candles become high-low lines and volume
#: bars 1-px lines (as 通达信 does when zoomed far out), which halves the pixels to fill.
THIN_PX = 4.0


_SLICES: dict[tuple, tuple] = {}  # (id(data), i0, i1, max_entries) -> (weakref(data), Slice)


def shared_slice(data: BarData, i0: int, i1: int, max_entries: int) -> Slice:
    """``data.slice_for_drawing(i0, i1, max_entries)``, computed once for all the items asking for
    the same one (BarData is immutable, so a cached slice never goes stale)."""
    k = (id(data), i0, i1, max_entries)
    hit = _SLICES.get(k)
    if hit is not None and hit[0]() is data:
        return hit[1]
    s = data.slice_for_drawing(i0, i1, max_entries)
    if len(_SLICES) >= 8:
        _SLICES.clear()
    _SLICES[k] = (weakref.ref(data), s)
    return s


def fill_lines(arr: PrimitiveArray, x0: np.ndarray, y0: np.ndarray, x1: np.ndarray,
               y1: np.ndarray) -> None:
    arr.resize(len(x0))
    m = arr.ndarray()
    m[:, 0] = x0
    m[:, 1] = y0
    m[:, 2] = x1
    m[:, 3] = y1


def fill_rects(arr: PrimitiveArray, x: np.ndarray, y: np.ndarray, w: np.ndarray | float,
               h: np.ndarray) -> None:
    arr.resize(len(x))
    m = arr.ndarray()
    m[:, 0] = x
    m[:, 1] = y
    m[:, 2] = w
    m[:, 3] = h


def draw_lines(p: QtGui.QPainter, arr: PrimitiveArray) -> None:
    if len(arr):
        p.drawLines(*arr.drawargs())


def draw_rects(p: QtGui.QPainter, arr: PrimitiveArray) -> None:
    if len(arr):
        p.drawRects(*arr.drawargs())


class VisibleSliceItem(pg.GraphicsObject):
    """Base of the candle, volume, histogram and line items."""

    #: screen pixels per drawn entry before the bars are resampled into buckets
    pixels_per_entry = PIXELS_PER_BAR

    def __init__(self) -> None:
        super().__init__()
        self._data: BarData | None = None
        self._bounds = QtCore.QRectF()
        self._key: tuple | None = None
        self.last_slice: Slice | None = None  # what the last paint drew (tests, benchmarks)
        self.px_per_entry = 10.0  # screen pixels per drawn entry, known to ``_build``

    # ------------------------------------------------------------------ data
    def set_data(self, data: BarData | None) -> None:
        self.prepareGeometryChange()
        self._data = data
        self._key = None
        self.last_slice = None
        self._bounds = self._compute_bounds() if data is not None and data.n else QtCore.QRectF()
        self.update()

    def set_style(self, style: ChartStyle) -> None:
        """Pens and brushes per direction: ``True`` = up (red), ``False`` = down (green)."""
        self._pens = {True: cosmetic_pen(style.up), False: cosmetic_pen(style.down)}
        self._brushes = {True: QtGui.QBrush(QtGui.QColor(style.up)),
                         False: QtGui.QBrush(QtGui.QColor(style.down))}
        self.update()

    def _compute_bounds(self) -> QtCore.QRectF:
        raise NotImplementedError

    def boundingRect(self) -> QtCore.QRectF:  # noqa: N802 (Qt override)
        return self._bounds

    def y_range(self, i0: int, i1: int) -> tuple[float, float] | None:
        """The y extent of bars i0..i1 (inclusive), for fitting the pane."""
        raise NotImplementedError

    # ------------------------------------------------------------------ painting
    def current_slice(self) -> Slice | None:
        """The (possibly resampled) slice the item draws for the current view."""
        data, vb = self._data, self.getViewBox()
        if data is None or data.n == 0 or vb is None:
            return None
        (x0, x1), _ = vb.viewRange()
        i0, i1 = data.visible_slice(x0, x1)
        # one bar of margin each side: partially visible bars at the edges are drawn too
        i0, i1 = max(0, i0 - 1), min(data.n - 1, i1 + 1)
        max_entries = max(1, int(vb.width() / self.pixels_per_entry))
        key = (i0, i1, max_entries)
        if key != self._key:
            self._key = key
            self.last_slice = shared_slice(data, i0, i1, max_entries)
            self.px_per_entry = vb.width() / max(x1 - x0, 1e-9) * self.last_slice.width
            self._build(self.last_slice)
        return self.last_slice

    def paint(self, p: QtGui.QPainter, *args) -> None:
        if self.current_slice() is None:
            return
        p.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, False)
        self._draw(p)

    def _build(self, s: Slice) -> None:
        raise NotImplementedError

    def _draw(self, p: QtGui.QPainter) -> None:
        raise NotImplementedError
