"""Price-pane overlays: MA5/10/20/60, BOLL, support/resistance lines and strategy markers.

Lines are pyqtgraph ``PlotDataItem`` curves with clip-to-view and peak downsampling (float64 x),
so their cost follows the visible range. Markers are small triangles under the bar's low, one row
per strategy, drawn in pixel size whatever the zoom.
"""
from __future__ import annotations

import numpy as np

from ._qt import QtCore, QtGui, cosmetic_pen, pg
from .bar_data import MA_PERIODS, BarData
from .labels import level_name
from .style import LIGHT, ChartStyle

MA_KEYS = tuple(f"ma{p}" for p in MA_PERIODS)
BOLL_KEYS = ("boll_mid", "boll_upper", "boll_lower")


def make_curve(pen: QtGui.QPen) -> pg.PlotDataItem:
    """A line with clip-to-view and peak downsampling (the PlotItem it is added to must have the
    same modes: ``PlotItem.addItem`` overrides them with its own)."""
    curve = pg.PlotDataItem(pen=pen)
    curve.setClipToView(True)
    curve.setDownsampling(auto=True, method="peak")
    # peak keeps the min and max of each bucket, so one bucket per pixel loses no visible extreme
    curve.opts["autoDownsampleFactor"] = 1.0
    return curve


MARKER_GAP_PX = 9.0     # from the bar's low to the first marker's centre
MARKER_STEP_PX = 12.0   # between two strategies' markers on the same bar


class Overlays:
    def __init__(self, plot: pg.PlotItem, style: ChartStyle = LIGHT) -> None:
        self.plot = plot
        self.style = style
        self.ma_curves = {k: make_curve(cosmetic_pen(c)) for k, c in zip(MA_KEYS, style.ma)}
        self.boll_curves = {k: make_curve(cosmetic_pen(c)) for k, c in zip(BOLL_KEYS, style.boll)}
        for c in (*self.ma_curves.values(), *self.boll_curves.values()):
            plot.addItem(c)
        self.markers = pg.ScatterPlotItem(pxMode=True, size=11, hoverable=True,
                                          tip=lambda x, y, data: str(data))
        self.markers.setZValue(5)
        plot.addItem(self.markers)
        self.level_lines: list[pg.InfiniteLine] = []
        self.marker_labels: list[str] = []
        self._markers_by_index: dict[int, list[str]] = {}
        self._mk_x = np.empty(0)
        self._mk_low = np.empty(0)
        self._mk_row = np.empty(0)
        self._mk_brush: list = []
        self._mk_label: list[str] = []
        self.ma_on = True
        self.boll_on = False

    # ------------------------------------------------------------------ state
    def set_visible(self, ma: bool, boll: bool) -> None:
        self.ma_on, self.boll_on = bool(ma), bool(boll)
        for c in self.ma_curves.values():
            c.setVisible(self.ma_on)
        for c in self.boll_curves.values():
            c.setVisible(self.boll_on)

    def clear(self) -> None:
        for c in (*self.ma_curves.values(), *self.boll_curves.values()):
            c.setData([], [])
        self.markers.clear()
        for line in self.level_lines:
            self.plot.removeItem(line)
        self.level_lines = []
        self.marker_labels = []
        self._markers_by_index = {}
        self._mk_x = self._mk_low = self._mk_row = np.empty(0)
        self._mk_brush, self._mk_label = [], []

    def set_data(self, data: BarData, markers: dict[str, list] | None,
                 levels: list[tuple[float, str]] | None) -> None:
        self.clear()
        self._set_markers(data, markers or {})
        self._set_levels(levels or [])
        self.set_visible(self.ma_on, self.boll_on)

    def set_indicator_data(self, data: BarData | None) -> None:
        """Feed the MA/BOLL curves (None empties them, e.g. until indicators are computed)."""
        self._indicator_data = data
        for key, c in (*self.ma_curves.items(), *self.boll_curves.items()):
            if data is None or data.n == 0:
                c.setData([], [])
            else:
                c.setData(data.x, data.indicators()[key], connect="finite")

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
        self._mk_x = np.asarray(xs, dtype=np.float64)
        self._mk_low = np.asarray(lows, dtype=np.float64)
        self._mk_row = np.asarray(rows, dtype=np.float64)
        # an empty scatter still runs its Python paint on every frame: hide it when it has nothing
        self.markers.setVisible(bool(len(self._mk_x)))

    def place_markers(self, units_per_px: float) -> None:
        """Put each marker a fixed number of pixels under its bar's low (called after a y refit)."""
        if not len(self._mk_x):
            return
        y = self._mk_low - (MARKER_GAP_PX + MARKER_STEP_PX * self._mk_row) * units_per_px
        self.markers.setData(x=self._mk_x, y=y, symbol="t1", size=10, pen=None,
                             brush=self._mk_brush, data=self._mk_label)

    def _set_levels(self, levels: list[tuple[float, str]]) -> None:
        # Nearby levels would print their labels on top of each other: stagger them along x.
        # Resistance labels hang below their line (the read-out owns the pane's top edge),
        # support labels sit above theirs.
        shown = [(p, k) for p, k in levels if p is not None and np.isfinite(p)]
        for slot, (price, kind) in enumerate(shown):
            color = self.style.resistance if kind == "resistance" else self.style.support
            pen = cosmetic_pen(color, 1.0, QtCore.Qt.PenStyle.DashLine)
            line = pg.InfiniteLine(pos=float(price), angle=0, pen=pen, movable=False,
                                   label=f"{level_name(kind)} {price:.2f}",
                                   labelOpts={"position": 0.97 - 0.2 * (slot % 4), "color": color,
                                              "anchors": [(1, 0), (1, 0)] if kind == "resistance"
                                              else [(1, 1), (1, 1)]})
            line.setZValue(4)
            self.plot.addItem(line, ignoreBounds=True)
            self.level_lines.append(line)

    def signals_at(self, i: int) -> list[str]:
        """Strategies whose marker sits on bar ``i``."""
        return list(self._markers_by_index.get(i, []))
