"""Price-pane overlays: MA5/10/20/60, BOLL, support/resistance lines and strategy markers.

Lines are :class:`~.line_item.LineItem` items: like the candles they draw only the visible slice,
resampled to min/max per pixel column when there are more bars than pixels, one polyline per
line, rebuilt only when the view changes. Markers are small triangles under the bar's low, one row
per strategy, drawn in pixel size whatever the zoom; hovering one shows the strategy's name and the
date. Support/resistance levels are dashed lines (at most the ``MAX_LEVELS_PER_SIDE`` nearest to
the last close on each side); their prices are tagged on the axis by ``level_tags.LevelTags``.
Each group (``ma``, ``boll``, ``levels``, ``markers``) is switched on and off on its own.
"""
from __future__ import annotations

import numpy as np

from ._qt import QtCore, QtGui, cosmetic_pen, pg
from .bar_data import MA_PERIODS, BarData
from .line_item import LineItem
from .pane_line import PaneLine, remove
from .style import LIGHT, ChartStyle

MA_KEYS = tuple(f"ma{p}" for p in MA_PERIODS)
BOLL_KEYS = ("boll_mid", "boll_upper", "boll_lower")


def make_curve(key: str, pen: QtGui.QPen) -> LineItem:
    """The line of indicator series ``key`` (fed by ``set_data(BarData | None)``)."""
    return LineItem(key, pen)


MARKER_GAP_PX = 9.0     # from the bar's low to the first marker's centre
MARKER_STEP_PX = 12.0   # between two strategies' markers on the same bar
MARKER_HALF_PX = 6.0    # half a marker's height
MAX_LEVELS_PER_SIDE = 3
OVERLAY_KEYS = ("ma", "boll", "levels", "markers")


def nearest_levels(levels, ref: float | None, per_side: int = MAX_LEVELS_PER_SIDE):
    """``(price, kind, note)`` of the ``per_side`` supports and resistances nearest to ``ref``."""
    clean = []
    for lv in levels or []:
        price, kind = lv[0], lv[1]
        note = str(lv[2]) if len(lv) > 2 and lv[2] is not None else ""
        if price is not None and np.isfinite(price):
            clean.append((float(price), str(kind), note))
    out = []
    for kind in ("resistance", "support"):
        side = [lv for lv in clean if lv[1] == kind]
        if ref is not None and np.isfinite(ref):
            side.sort(key=lambda lv: abs(lv[0] - ref))
        out += side[:per_side]
    out += [lv for lv in clean if lv[1] not in ("resistance", "support")][:per_side]
    return out


def _marker_tip(x, y, data) -> str:
    return str(data)


class Overlays:
    def __init__(self, plot: pg.PlotItem, style: ChartStyle = LIGHT) -> None:
        self.plot = plot
        self.style = style
        self.ma_curves = {k: make_curve(k, cosmetic_pen(c)) for k, c in zip(MA_KEYS, style.ma)}
        self.boll_curves = {k: make_curve(k, cosmetic_pen(c)) for k, c in zip(BOLL_KEYS, style.boll)}
        for c in (*self.ma_curves.values(), *self.boll_curves.values()):
            plot.addItem(c)
        self.markers = pg.ScatterPlotItem(pxMode=True, size=11, hoverable=True, tip=_marker_tip)
        self.markers.setZValue(5)
        plot.addItem(self.markers)
        self.level_lines: list[PaneLine] = []
        self.levels: list[tuple[float, str, str]] = []
        self.marker_labels: list[str] = []
        self._markers_by_index: dict[int, list[str]] = {}
        self._mk_x = np.empty(0)
        self._mk_low = np.empty(0)
        self._mk_row = np.empty(0)
        self._mk_brush: list = []
        self._mk_label: list[str] = []
        self._mk_tip: list[str] = []
        self.ma_on = True
        self.boll_on = False
        self.levels_on = True
        self.markers_on = True

    # ------------------------------------------------------------------ state
    def set_visible(self, ma: bool, boll: bool, levels: bool | None = None,
                    markers: bool | None = None) -> None:
        self.ma_on, self.boll_on = bool(ma), bool(boll)
        if levels is not None:
            self.levels_on = bool(levels)
        if markers is not None:
            self.markers_on = bool(markers)
        for c in self.ma_curves.values():
            c.setVisible(self.ma_on)
        for c in self.boll_curves.values():
            c.setVisible(self.boll_on)
        for line in self.level_lines:
            line.setVisible(self.levels_on)
        # an empty scatter still runs its Python paint on every frame: hide it when it has nothing
        self.markers.setVisible(self.markers_on and bool(len(self._mk_x)))

    def marker_rows(self) -> int:
        """Rows of markers drawn under the bars (0 when markers are off or there are none)."""
        return len(self.marker_labels) if self.markers_on and len(self._mk_x) else 0

    def clear(self) -> None:
        for c in (*self.ma_curves.values(), *self.boll_curves.values()):
            c.set_data(None)
        self._clear_levels()
        self._clear_markers()

    def _clear_markers(self) -> None:
        self.markers.clear()
        self.marker_labels = []
        self._markers_by_index = {}
        self._mk_x = self._mk_low = self._mk_row = np.empty(0)
        self._mk_brush, self._mk_label, self._mk_tip = [], [], []

    def _clear_levels(self) -> None:
        for line in self.level_lines:
            remove(line)
        self.level_lines = []
        self.levels = []

    def set_data(self, data: BarData, markers: dict[str, list] | None,
                 levels: list[tuple] | None) -> None:
        self.clear()
        self.set_markers(data, markers)
        self.set_levels(data, levels)

    def set_markers(self, data: BarData, markers: dict[str, list] | None) -> None:
        self._clear_markers()
        self._set_markers(data, markers or {})
        self.set_visible(self.ma_on, self.boll_on)

    def set_levels(self, data: BarData, levels: list[tuple] | None) -> None:
        self._clear_levels()
        ref = float(data.close[-1]) if data is not None and data.n else None
        self._set_levels(nearest_levels(levels, ref))
        self.set_visible(self.ma_on, self.boll_on)

    def set_indicator_data(self, data: BarData | None) -> None:
        """Feed the MA/BOLL curves (None empties them, e.g. until indicators are computed)."""
        self._indicator_data = data
        for c in (*self.ma_curves.values(), *self.boll_curves.values()):
            c.set_data(data if data is not None and data.n else None)

    def has_indicator_data(self, data: BarData) -> bool:
        return getattr(self, "_indicator_data", None) is data

    def _set_markers(self, data: BarData, markers: dict[str, list]) -> None:
        xs, lows, rows = [], [], []
        for row, (label, dates) in enumerate(markers.items()):
            self.marker_labels.append(label)
            brush = pg.mkBrush(self.style.markers[row % len(self.style.markers)])
            for d in dates:
                i = data.index_of(d)
                if i is None:
                    continue
                self._markers_by_index.setdefault(i, []).append(label)
                xs.append(float(i))
                lows.append(float(data.low[i]))
                rows.append(row)
                self._mk_brush.append(brush)
                self._mk_label.append(label)
                self._mk_tip.append(f"{label}\n{str(data.dates[i])}")
        self._mk_x = np.asarray(xs, dtype=np.float64)
        self._mk_low = np.asarray(lows, dtype=np.float64)
        self._mk_row = np.asarray(rows, dtype=np.float64)

    def marker_colors(self) -> list[str]:
        """The marker colour of each strategy, in ``marker_labels`` order."""
        m = self.style.markers
        return [m[row % len(m)] for row in range(len(self.marker_labels))]

    def marker_tips(self) -> list[str]:
        """The tooltip of every marker placed ("name\nYYYY-MM-DD")."""
        return list(self._mk_tip)

    def place_markers(self, units_per_px: float) -> None:
        """Put each marker a fixed number of pixels under its bar's low (called after a y refit)."""
        if not len(self._mk_x):
            return
        y = self._mk_low - (MARKER_GAP_PX + MARKER_STEP_PX * self._mk_row) * units_per_px
        self.markers.setData(x=self._mk_x, y=y, symbol="t1", size=10, pen=None,
                             brush=self._mk_brush, data=self._mk_tip)

    def _set_levels(self, levels: list[tuple[float, str, str]]) -> None:
        """Dashed lines; their prices are tagged on the axis (``LevelTags``), not in the plot."""
        self.levels = list(levels)
        for price, kind, _note in levels:
            color = self.style.resistance if kind == "resistance" else self.style.support
            pen = cosmetic_pen(color, 1.0, QtCore.Qt.PenStyle.DashLine)
            line = PaneLine(self.plot.getViewBox(), False, pen, z=4, value=float(price))
            line.setVisible(self.levels_on)
            self.level_lines.append(line)

    def signals_at(self, i: int) -> list[str]:
        """Strategies whose marker sits on bar ``i``."""
        return list(self._markers_by_index.get(i, []))
