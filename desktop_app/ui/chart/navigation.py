"""How the chart's view moves and fits: zoom around an anchor, pan, the crosshair stepped by
keys (←/→ step, ↑/↓ zoom, Home/End, Esc), and the y-range arithmetic that keeps the legend's and
the markers' room free. A mixin of ``ChartWidget`` (its ``price_plot``, ``cursor``, ``_data``)."""
from __future__ import annotations

import math

from ._qt import QtCore, QtGui

MIN_VISIBLE = 8
ZOOM_STEP = 1.25
Y_MARGIN = 0.05          # fraction of the visible span added above and below the bars


def with_margin(r: tuple[float, float] | None, margin: float = Y_MARGIN) -> tuple[float, float] | None:
    if r is None:
        return None
    lo, hi = r
    span = hi - lo
    if span <= 0:
        span = abs(hi) * 0.02 or 1.0
    return lo - span * margin, hi + span * margin


def fit_range(tops: list[tuple[float, float]],
               bottoms: list[tuple[float, float]]) -> tuple[float, float] | None:
    """The smallest y range [lo, hi] in which every ``(value, f)`` of ``tops`` has at least the
    fraction ``f`` of the range above it and every one of ``bottoms`` the fraction ``f`` below
    it. (E.g. the candles' high keeps the legend's pixels free above it while an MA line only
    needs the plain margin.) The range's height D solves D = max(top + f·D) − min(bottom − g·D),
    whose answer is the largest (top − bottom) / (1 − f − g) over all pairs."""
    tops = [(v, f) for v, f in tops if math.isfinite(v)]
    bottoms = [(v, f) for v, f in bottoms if math.isfinite(v)]
    if not tops or not bottoms:
        return None
    span = max(v for v, _ in tops) - min(v for v, _ in bottoms)
    if span <= 0:   # one flat price: a little room around it
        lo, hi = with_margin((min(v for v, _ in bottoms), max(v for v, _ in tops)))
        return lo, hi
    d = max((vt - vb) / (1.0 - ft - fb) for vt, ft in tops for vb, fb in bottoms)
    hi = max(vt + ft * d for vt, ft in tops)
    return hi - d, hi


class ChartNavigation:
    """View movement of the chart (see the module docstring)."""

    def _set_x_range(self, x0: float, x1: float) -> None:
        """Show [x0, x1] and fit the y ranges once. A changed range refits through
        ``sigXRangeChanged`` already; only an unchanged one (e.g. clamped at an edge) needs the
        explicit refit, which then costs nothing new to draw."""
        vb = self.price_plot.getViewBox()
        before = vb.viewRange()[0]
        self.price_plot.setXRange(x0, x1, padding=0)
        if vb.viewRange()[0] == before:
            self._refit()

    def _visible_width(self) -> float:
        (x0, x1), _ = self.price_plot.getViewBox().viewRange()
        return x1 - x0

    def _ensure_visible(self, i: int) -> None:
        i0, i1 = self.visible_range()
        if i0 <= i <= i1:
            return
        count = i1 - i0
        if i < i0:
            self.set_visible_range(i, i + count)
        else:
            self.set_visible_range(i - count, i)

    def zoom(self, factor: float, anchor: float | None = None) -> None:
        """Scale the visible bar count by ``factor`` (<1 zooms in) keeping ``anchor`` (an x) fixed;
        by default the cursor's bar when in view, else the right edge."""
        if self._data is None:
            return
        (x0, x1), _ = self.price_plot.getViewBox().viewRange()
        if anchor is None:
            c = self.cursor.index
            anchor = float(c) if c is not None and x0 <= c <= x1 else x1
        w = x1 - x0
        n = self._data.n
        nw = min(max(w * factor, min(MIN_VISIBLE, n)), n + 3.0)
        nx0 = anchor - (anchor - x0) * nw / w
        nx0 = min(max(nx0, -2.0), n + 1.0 - nw)
        self._set_x_range(nx0, nx0 + nw)

    def pan(self, bars: float) -> None:
        if self._data is None:
            return
        (x0, x1), _ = self.price_plot.getViewBox().viewRange()
        w = x1 - x0
        nx0 = min(max(x0 + bars, -2.0), self._data.n + 1.0 - w)
        self._set_x_range(nx0, nx0 + w)

    def step_cursor(self, delta: int) -> None:
        """Move the crosshair ``delta`` bars, panning when it leaves the view. With no crosshair
        in view, the first step just shows it on the last visible bar (as 通达信 does)."""
        if self._data is None:
            return
        i0, i1 = self.visible_range()
        cur = self.cursor.index
        if cur is None or not (i0 <= cur <= i1):
            self.cursor.move_to(i1)
            return
        new = self._data.clamp(cur + delta)
        if new < i0:
            self.pan(new - i0)
        elif new > i1:
            self.pan(new - i1)
        self.cursor.move_to(new)

    def keyPressEvent(self, ev: QtGui.QKeyEvent) -> None:  # noqa: N802 (Qt override)
        k = QtCore.Qt.Key
        key = ev.key()
        if self._data is None:
            return super().keyPressEvent(ev)
        if key == k.Key_Left:
            self.step_cursor(-1)
        elif key == k.Key_Right:
            self.step_cursor(1)
        elif key == k.Key_Up:
            self.zoom(1 / ZOOM_STEP)
        elif key == k.Key_Down:
            self.zoom(ZOOM_STEP)
        elif key == k.Key_Home:
            self.move_cursor_to(0)
        elif key == k.Key_End:
            self.move_cursor_to(self._data.n - 1)
        elif key == k.Key_Escape:
            self.cursor.hide_hline()
        else:
            return super().keyPressEvent(ev)
        ev.accept()
