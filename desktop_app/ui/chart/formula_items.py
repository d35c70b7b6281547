"""How one output of a 通达信 indicator formula is drawn: a line or sticks from 0.

The data of a formula output is an array aligned with a :class:`~.bar_data.BarData` (one value per
bar, NaN where undefined), not one of the chart's own indicator series, so these items are the
chart's fast items fed with that array:

- :class:`FormulaLine` is a :class:`~.line_item.LineItem` (visible slice only, min/max per pixel
  column, one polyline per unbroken run) in the output's colour, width (``LINETHICK``) and dash
  (``DOTLINE``, ``DASHLINE``);
- :class:`FormulaSticks` is the MACD pane's :class:`~.volume_item.HistogramItem` (vertical lines
  from 0, the largest magnitude per bucket when resampled): ``STICK``/``VOLSTICK`` in the output's
  colour, ``COLORSTICK`` red above 0 and green below (the chart style's up/down colours).

``output_color`` turns the formula's colour into one that shows on the theme: 通达信 formulas are
written for a black background, so ``COLORWHITE`` is the foreground on the light theme (and
``COLORBLACK`` on the dark one); an output without a colour takes the next of 通达信's default line
colours (the chart's indicator line colours).
"""
from __future__ import annotations

import numpy as np

from ._qt import QtCore, QtGui, cosmetic_pen
from .bar_data import BarData
from .line_item import LineItem
from .style import ChartStyle
from .volume_item import HistogramItem

STICK_KINDS = ("stick", "colorstick", "volstick")
DASHES = {"dot": QtCore.Qt.PenStyle.DotLine, "dash": QtCore.Qt.PenStyle.DashLine}


def default_colors(style: ChartStyle) -> tuple[str, ...]:
    """通达信's order of line colours for outputs without ``COLORxxx``."""
    return (*style.lines, style.ma[3], style.markers[0], style.markers[2])


def output_color(color: str | None, index: int, style: ChartStyle) -> str:
    """The colour an output is drawn in (see the module docstring)."""
    if not color:
        cycle = default_colors(style)
        return cycle[index % len(cycle)]
    dark = QtGui.QColor(style.background).lightness() < 128
    if color.upper() == ("#000000" if dark else "#FFFFFF"):
        return style.foreground
    return color


def visible_range(values: np.ndarray, i0: int, i1: int) -> tuple[float, float] | None:
    """nanmin/nanmax of ``values[i0..i1]`` (None when nothing is defined there)."""
    if i1 < i0 or not len(values):
        return None
    v = values[max(0, i0):min(len(values), i1 + 1)]
    v = v[np.isfinite(v)]
    return (float(v.min()), float(v.max())) if v.size else None


class FormulaLine(LineItem):
    """A formula output drawn as a line."""

    def __init__(self, key: str, color: str, width: int = 1, kind: str = "line") -> None:
        super().__init__(key, cosmetic_pen(color, float(max(1, width)),
                                           DASHES.get(kind, QtCore.Qt.PenStyle.SolidLine)))
        self.color = color
        self.kind = kind
        self._values = np.empty(0)

    def set_series(self, data: BarData | None, values: np.ndarray | None) -> None:
        self._values = np.asarray(values, dtype=np.float64) if values is not None else np.empty(0)
        self.set_data(data if data is not None and len(self._values) == data.n else None)

    def values(self) -> np.ndarray:
        return self._values if self.has_data() else np.empty(0)

    def _compute_bounds(self) -> QtCore.QRectF:
        """A constant output (``0,DOTLINE``) is a flat line: its bounds get some height, or the
        scene would never ask a zero-height item to paint."""
        r = super()._compute_bounds()
        if r.isNull() or r.height() > 1e-6:
            return r
        pad = max(1.0, abs(r.top()))
        return QtCore.QRectF(r.left(), r.top() - pad, r.width(), 2 * pad)

    def y_range(self, i0: int, i1: int) -> tuple[float, float] | None:
        return visible_range(self.values(), i0, i1)


class FormulaSticks(HistogramItem):
    """A formula output drawn as sticks from 0 (``STICK``, ``VOLSTICK``, ``COLORSTICK``)."""

    def __init__(self, key: str, color: str, kind: str, style: ChartStyle) -> None:
        self.color = color
        self.kind = kind
        self._series = np.empty(0)
        super().__init__(key, style)

    def set_style(self, style: ChartStyle) -> None:
        super().set_style(style)
        if self.kind != "colorstick":  # one colour, whatever the sign
            self._pens = {True: cosmetic_pen(self.color), False: cosmetic_pen(self.color)}

    def set_series(self, data: BarData | None, values: np.ndarray | None) -> None:
        self._series = np.asarray(values, dtype=np.float64) if values is not None else np.empty(0)
        self.set_data(data if data is not None and len(self._series) == data.n else None)

    def _values(self) -> np.ndarray:
        return self._series

    def values(self) -> np.ndarray:
        return self._series if self._data is not None else np.empty(0)

    def pen_color(self, positive: bool) -> str:
        """The colour of a stick above (``True``) or below 0."""
        return self._pens[positive].color().name()

    def y_range(self, i0: int, i1: int) -> tuple[float, float] | None:
        r = visible_range(self.values(), i0, i1)
        return None if r is None else (min(0.0, r[0]), max(0.0, r[1]))

    def lines_drawn(self, positive: bool) -> np.ndarray:
        """The (x0, y0, x1, y1) rows of the sticks of one sign the last build drew (tests)."""
        arr = self._lines[positive]
        return arr.ndarray()[:len(arr)].copy() if len(arr) else np.empty((0, 4))
