"""Sub panes under price + volume: MACD, KDJ and RSI.

Lines are :class:`~.line_item.LineItem` items and the MACD bars a :class:`HistogramItem`, both
drawing only the visible slice (resampled per pixel column / per bucket when zoomed far out). A pane reports the y extent of its series
over the visible bars, so the chart can refit it after every zoom or pan.
"""
from __future__ import annotations

import math

from ...core.catalogue import VALUE_NAMES, pick
from ..i18n import model_lang
from ._qt import QtCore, cosmetic_pen, pg
from .bar_data import BarData
from .overlays import make_curve
from .pane_line import PaneLine
from .style import LIGHT, ChartStyle
from .title_strip import Run, Segment
from .volume_item import HistogramItem

PANE_NAMES = ("macd", "kdj", "rsi")

# name -> (title, line series, histogram series or None, reference levels)
SPECS: dict[str, tuple[str, tuple[str, ...], str | None, tuple[float, ...]]] = {
    "macd": ("MACD(12,26,9)", ("dif", "dea"), "macd", (0.0,)),
    "kdj": ("KDJ(9,3,3)", ("k", "d", "j"), None, (20.0, 80.0)),
    "rsi": ("RSI(14)", ("rsi",), None, (30.0, 70.0)),
}


def value_name(key: str) -> str:
    """An indicator value's name as 通达信 says it (core.catalogue.VALUE_NAMES), in the UI language."""
    return pick(VALUE_NAMES.get(key), model_lang(), key.upper())


def fmt(v: float, digits: int = 2) -> str:
    return "—" if v is None or not math.isfinite(v) else f"{v:.{digits}f}"


class IndicatorPane:
    def __init__(self, name: str, plot: pg.PlotItem, style: ChartStyle = LIGHT) -> None:
        if name not in SPECS:
            raise ValueError(f"unknown pane {name!r}; choose from {PANE_NAMES}")
        self.name = name
        self.plot = plot
        self.style = style
        self.title, self.keys, hist_key, refs = SPECS[name]
        self.hist: HistogramItem | None = None
        if hist_key:
            self.hist = HistogramItem(hist_key, style)
            plot.addItem(self.hist)
        self.curves = {k: make_curve(k, cosmetic_pen(c)) for k, c in zip(self.keys, style.lines)}
        for c in self.curves.values():
            plot.addItem(c)
        #: the dotted reference lines, under the pane's lines and bars
        self.level_lines = [PaneLine(plot.getViewBox(), False,
                                     cosmetic_pen(style.grid if level else style.crosshair, 1.0,
                                                  QtCore.Qt.PenStyle.DotLine), z=-50, value=level)
                            for level in refs]
        self._data: BarData | None = None

    @property
    def series(self) -> list[str]:
        return [*self.keys, *([self.hist.key] if self.hist else [])]

    def set_data(self, data: BarData | None) -> None:
        self._data = data
        if self.hist is not None:
            self.hist.set_data(data)
        for c in self.curves.values():
            c.set_data(data if data is not None and data.n else None)

    def y_range(self, i0: int, i1: int) -> tuple[float, float] | None:
        if self._data is None or self._data.n == 0:
            return None
        r = self._data.series_range(self.series, i0, i1)
        if r is not None and self.hist is not None:
            r = (min(r[0], 0.0), max(r[1], 0.0))
        return r

    def readout(self, i: int) -> list[Segment]:
        """The pane's title line: its name, then each series' value in its line colour."""
        head: Segment = (Run(self.title, self.style.foreground, True),)
        if self._data is None or self._data.n == 0 or not self._data.indicators_ready():
            return [head]
        ind = self._data.indicators()
        colors = dict(zip(self.keys, self.style.lines))
        out = [head]
        for key in self.series:
            v = float(ind[key][self._data.clamp(i)])
            color = colors.get(key) or (self.style.up if v >= 0 else self.style.down)
            out.append((Run(f"{value_name(key)} {fmt(v, 3 if key != 'rsi' else 2)}", color),))
        return out
