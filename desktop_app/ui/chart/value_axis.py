"""The right-hand value axis of every pane: pyqtgraph's ticks, remembered per view range.

Both the axis picture and the pane's :class:`GridItem` ask for the ticks of the same range on every
zoom or pan; the second ask (and any repaint whose range did not change) reuses the first answer.
Labels of large values (volume, amounts) are shortened to 万/亿 or K/M/B so they fit the axis width.
"""
from __future__ import annotations

import math

import numpy as np

from ..i18n import model_lang
from .axis_base import ChartAxis
from .labels import axis_number


class ValueAxis(ChartAxis):
    def __init__(self, orientation: str = "right", **kw) -> None:
        super().__init__(orientation, **kw)
        self._ticks_key: tuple | None = None
        self._ticks: list = []
        self._strings: dict[tuple, list[str]] = {}

    def tickValues(self, minVal: float, maxVal: float, size: float):  # noqa: N802,N803 (pg API)
        key = (minVal, maxVal, size, self.scale, self.logMode, self.style["maxTickLevel"],
               self._tickDensity, str(self._tickSpacing))
        if key != self._ticks_key:
            self._ticks = self._tick_values(minVal, maxVal, size)
            self._ticks_key = key
        return self._ticks

    def _tick_values(self, minVal: float, maxVal: float, size: float):  # noqa: N803
        """pyqtgraph's values; with one tick level (the chart's setting) its de-duplication
        against higher levels has nothing to compare with and is skipped."""
        if self.logMode or self._tickSpacing is not None or self.style["maxTickLevel"] != 0:
            return super().tickValues(minVal, maxVal, size)
        lo, hi = sorted((minVal, maxVal))
        lo, hi = lo * self.scale, hi * self.scale
        levels = self.tickSpacing(lo, hi, size)
        if not levels:
            return []
        spacing, offset = levels[0]
        start = (math.ceil((lo - offset) / spacing) * spacing) + offset
        num = int((hi - start) / spacing) + 1
        values = (np.arange(num) * spacing + start) / self.scale
        return [(spacing / self.scale, values.tolist())]

    def tickStrings(self, values, scale, spacing):  # noqa: N802 (pg API)
        """The labels, remembered for the last few tick sets: the ticks are round numbers, so a
        pan or zoom mostly asks for the same ones again (a copy: callers blank entries)."""
        key = (tuple(values), scale, spacing, model_lang())   # 万/亿 or K/M/B by language
        strings = self._strings.get(key)
        if strings is None:
            if len(self._strings) >= 64:
                self._strings.clear()
            strings = self._strings[key] = self._tick_strings(values, scale, spacing)
        return list(strings)

    def _tick_strings(self, values, scale, spacing) -> list[str]:
        top = max((abs(v) for v in values), default=0.0)
        if top >= 1e4:  # short labels: a 64-px axis drops labels that do not fit
            return [axis_number(v, top) for v in values]
        return super().tickStrings(values, scale, spacing)
