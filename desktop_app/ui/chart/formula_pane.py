"""A user's 通达信 indicator formula on the chart: in a pane of its own or over the candles.

:class:`FormulaIndicator` is what the user added (an id, a name, the formula text, where it goes);
:class:`FormulaResult` is what its evaluation for one stock gave (every output's values and drawing
style, or the reason it could not compile). The chart never evaluates: the view that owns it runs
the formula in a worker and hands the result over with the ``BarData`` it was computed for
(``formula_layer``).

:class:`FormulaGroup` draws the outputs of one result on a plot (``formula_items``: lines, or
sticks for ``STICK``/``COLORSTICK``; ``NODRAW`` outputs are not drawn but keep their value in the
title line) and says the title line's values; :class:`FormulaPane` is a pane with one group and
the same interface as ``indicator_pane.IndicatorPane`` (``plot``, ``set_data``, ``y_range``,
``readout``), so the chart lays it out, links, fits and reads it out like MACD.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from ..i18n import reason_text
from ._qt import pg
from .bar_data import BarData
from .formula_items import STICK_KINDS, FormulaLine, FormulaSticks, output_color
from .indicator_pane import fmt
from .style import ChartStyle
from .title_strip import Run, Segment

PANE_PREFIX = "formula:"   # a formula pane's key among the chart's panes and title strips


@dataclass(frozen=True)
class FormulaIndicator:
    id: str
    name: str
    text: str
    on_price: bool = False    # over the candles, else in a pane of its own

    @property
    def pane_key(self) -> str:
        return PANE_PREFIX + self.id


@dataclass(frozen=True, eq=False)
class OutputSeries:
    key: str                  # the output's key (its upper-cased name, or "#i" when unnamed)
    name: str | None          # as the title line shows it (None: unnamed, not shown there)
    color: str | None         # "#RRGGBB" from COLORxxx, or None for the default cycle
    width: int
    kind: str                 # "line", "dot", "dash", "stick", "colorstick", …
    draw: bool                # False for NODRAW
    values: np.ndarray        # one per bar of the BarData it was computed for


@dataclass(frozen=True, eq=False)
class FormulaResult:
    outputs: tuple[OutputSeries, ...] = ()
    error: Any = None         # a core Reason when the formula did not compile


class FormulaGroup:
    """The drawn outputs of one formula's result on ``plot``."""

    def __init__(self, spec: FormulaIndicator, plot: pg.PlotItem, style: ChartStyle) -> None:
        self.spec = spec
        self.plot = plot
        self.style = style
        self.items: list[FormulaLine | FormulaSticks] = []
        self.colors: dict[str, str] = {}
        self._data: BarData | None = None
        self.result: FormulaResult | None = None

    def show(self, data: BarData | None, result: FormulaResult | None) -> None:
        """Draw ``result`` (computed for ``data``); None draws nothing (not evaluated yet)."""
        if data is self._data and result is self.result:
            return
        for item in self.items:
            self.plot.removeItem(item)
        self.items, self.colors = [], {}
        self._data, self.result = data, result
        if data is None or result is None:
            return
        for k, out in enumerate(result.outputs):
            color = output_color(out.color, k, self.style)
            self.colors[out.key] = color
            if not out.draw:
                continue
            if out.kind in STICK_KINDS:
                item = FormulaSticks(out.key, color, out.kind, self.style)
            else:
                item = FormulaLine(out.key, color, out.width, out.kind)
            item.setZValue(3)
            self.plot.addItem(item)
            item.set_series(data, out.values)
            self.items.append(item)

    def y_range(self, i0: int, i1: int) -> tuple[float, float] | None:
        lo, hi = np.inf, -np.inf
        for item in self.items:
            r = item.y_range(i0, i1)
            if r is not None:
                lo, hi = min(lo, r[0]), max(hi, r[1])
        return (float(lo), float(hi)) if lo <= hi else None

    def segments(self, i: int, digits: int) -> list[Segment]:
        """The formula's name, then each named output's value at bar ``i`` in its colour."""
        out: list[Segment] = [(Run(self.spec.name, self.style.foreground, True),)]
        res, d = self.result, self._data
        if res is not None and res.error is not None:
            out.append((Run(reason_text(res.error), self.style.down),))
        if res is None or d is None or d.n == 0:
            return out
        j = d.clamp(i)
        for o in res.outputs:
            if o.name is not None:
                out.append((Run(f"{o.name} {fmt(float(o.values[j]), digits)}", self.colors[o.key]),))
        return out


class FormulaPane:
    """A pane showing one formula indicator (the ``IndicatorPane`` interface)."""

    def __init__(self, spec: FormulaIndicator, plot: pg.PlotItem, style: ChartStyle,
                 lookup: Callable[[str, BarData | None], FormulaResult | None]) -> None:
        self.name = spec.pane_key
        self.spec = spec
        self.plot = plot
        self.style = style
        self.group = FormulaGroup(spec, plot, style)
        self._lookup = lookup
        self._data: BarData | None = None

    def set_data(self, data: BarData | None) -> None:
        self._data = data
        self.group.show(data, self._lookup(self.spec.id, data))

    def refresh(self) -> None:
        """Show the result that has arrived for the pane's data."""
        self.set_data(self._data)

    def y_range(self, i0: int, i1: int) -> tuple[float, float] | None:
        return self.group.y_range(i0, i1)

    def readout(self, i: int) -> list[Segment]:
        return self.group.segments(i, 3)
