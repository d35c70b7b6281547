"""Relative strength: an index drawn over the candles (issue 17), a mixin of ``ChartWidget``.

:meth:`set_compare` hands the chart an index's daily closes (a Series on dates) and its name.
Each chart bar gets the index's close as of that bar's date (its last close on or before it, so
a weekly or monthly bar gets the index's close of the same last trading day). Both are
normalised to the **first visible bar**: the line drawn is ``index close / index close at the
first visible bar × the stock's close there``, so where the line runs above the candles the
index has done better since the left edge of the view. The scale follows every pan and zoom
(rebuilt only when the first visible bar changes). The chart stores no settings; the view owns
the choice (``ui/relative_strength``).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .bar_data import BarData
from .formula_items import FormulaLine
from .legend import Entry

COMPARE_COLOR = "#12a4b4"   # teal: MA60 is blue, MA20 magenta


class ChartCompare:
    """The compared index of the chart's price pane."""

    def _init_compare(self) -> None:
        self._compare_name = ""
        self._compare_series: pd.Series | None = None
        self._compare_aligned = np.empty(0)
        self._compare_for: BarData | None = None
        self._compare_i0 = -1
        self._compare_item: FormulaLine | None = None

    # ------------------------------------------------------------------ public API
    def set_compare(self, name: str, close: pd.Series | None) -> None:
        """Overlay ``close`` (an index's closes on a DatetimeIndex) named ``name``; None removes it."""
        self._compare_name = name if close is not None else ""
        self._compare_series = close.dropna().sort_index() if close is not None else None
        self._compare_for, self._compare_i0 = None, -1
        self._apply_compare(self._data)
        self._update_legend()
        self._refit()

    def compare_name(self) -> str:
        return self._compare_name

    def compare_values(self) -> np.ndarray:
        """The line's values per bar (empty when nothing is compared)."""
        item = self._compare_item
        return item.values() if item is not None and self._compare_series is not None else np.empty(0)

    def compare_closes(self) -> np.ndarray:
        """The index close as of each chart bar (NaN before the index's first bar)."""
        return self._compare_aligned.copy()

    # ------------------------------------------------------------------ chart hooks
    def _build_compare_layer(self) -> None:
        self._compare_item = FormulaLine("compare", COMPARE_COLOR, 2)
        self._compare_item.setZValue(4)
        self.price_plot.addItem(self._compare_item)
        self._compare_for, self._compare_i0 = None, -1

    def _apply_compare(self, d: BarData | None) -> None:
        s = self._compare_series
        if d is None or s is None or not len(s) or d.intraday:   # daily closes say nothing within a day
            self._compare_aligned = np.empty(0)
            self._compare_item.set_series(None, None)
            return
        idx = s.index.values.astype("datetime64[D]")
        pos = np.searchsorted(idx, d.dates, side="right") - 1
        vals = s.to_numpy(float)
        self._compare_aligned = np.where(pos >= 0, vals[np.maximum(pos, 0)], np.nan)
        self._compare_for, self._compare_i0 = d, -1
        self._rescale_compare(self.visible_range()[0])

    def _rescale_compare(self, i0: int) -> None:
        d = self._data
        if d is None or self._compare_series is None or self._compare_for is not d or i0 == self._compare_i0:
            return
        a = self._compare_aligned
        ok = np.flatnonzero(np.isfinite(a[i0:]) & np.isfinite(d.close[i0:]))
        if not len(ok):
            self._compare_item.set_series(None, None)
            return
        j = i0 + int(ok[0])                     # the first visible bar the index has
        self._compare_i0 = i0
        self._compare_item.set_series(d, a / a[j] * float(d.close[j]))

    def _compare_price_range(self, i0: int, i1: int) -> list[tuple[float, float]]:
        self._rescale_compare(i0)
        r = self._compare_item.y_range(i0, i1) if self._compare_series is not None else None
        return [r] if r is not None else []

    def _compare_legend(self) -> list[Entry]:
        if self._compare_series is None or self._data is None or self._data.intraday:
            return []
        return [Entry("line", (COMPARE_COLOR,), self._compare_name)]

    def _copy_compare_to(self, twin: "ChartCompare") -> None:
        twin._compare_name, twin._compare_series = self._compare_name, self._compare_series
