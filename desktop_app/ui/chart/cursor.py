"""Crosshair that snaps to bars, with each pane's read-out on its title strip.

The vertical line sits on the bar under the mouse (or the one stepped to with the keys) in every
pane; the horizontal line follows the mouse in the pane it is over, with its value at the right
edge. Each pane's read-out (a list of segments, see ``title_strip``) is written to that pane's
:class:`~.title_strip.TitleStrip`, above the plot; a strip re-lays itself out only when its text
changes.
"""
from __future__ import annotations

from collections.abc import Callable

from ._qt import QtCore, QtGui, QtWidgets, cosmetic_pen, pg
from .labels import big_number
from .pane_line import PaneLine, remove
from .style import LIGHT, ChartStyle
from .title_strip import Segment, TitleStrip

ReadoutFn = Callable[[int], list[Segment]]


class _PaneCursor:
    def __init__(self, plot: pg.PlotItem, readout: ReadoutFn, strip: TitleStrip,
                 style: ChartStyle) -> None:
        self.plot = plot
        self.readout = readout
        self.strip = strip
        pen = cosmetic_pen(style.crosshair, 1.0, QtCore.Qt.PenStyle.DashLine)
        vb = plot.getViewBox()
        self.vline = PaneLine(vb, True, pen, z=20)
        self.hline = PaneLine(vb, False, pen, z=20)
        for line in (self.vline, self.hline):
            line.setVisible(False)
        self.ylabel = QtWidgets.QGraphicsSimpleTextItem(vb)
        self.ylabel.setBrush(QtGui.QColor(style.foreground))
        self.ylabel.setZValue(30)
        self.ylabel.setVisible(False)

    def detach(self) -> None:
        for item in (self.vline, self.hline, self.ylabel):
            remove(item)


class ChartCursor(QtCore.QObject):
    """Owns the crosshair of every pane. ``index`` is the bar it is on (None before any move)."""

    moved = QtCore.Signal(int)

    def __init__(self, style: ChartStyle = LIGHT, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self.style = style
        self.index: int | None = None
        self.n = 0
        self._panes: list[_PaneCursor] = []

    def attach(self, panes: list[tuple[pg.PlotItem, ReadoutFn, TitleStrip]], n: int) -> None:
        """(Re)build the crosshair for these panes over a series of ``n`` bars."""
        for p in self._panes:
            p.detach()
        self._panes = [_PaneCursor(plot, fn, strip, self.style) for plot, fn, strip in panes]
        self.n = n
        if self.index is not None:
            self.index = min(self.index, n - 1) if n else None
        self.refresh_text()

    # ------------------------------------------------------------------ moves
    def move_to(self, i: int, *, plot: pg.PlotItem | None = None, y: float | None = None) -> None:
        if self.n == 0:
            return
        i = max(0, min(self.n - 1, int(i)))
        changed = i != self.index
        self.index = i
        for p in self._panes:
            p.vline.set_value(float(i))
            p.vline.setVisible(True)
            here = plot is p.plot and y is not None
            p.hline.setVisible(here)
            p.ylabel.setVisible(here)
            if here:
                p.hline.set_value(y)
                self._place_ylabel(p, i, y)
        self.refresh_text()
        if changed:
            self.moved.emit(i)

    def on_mouse_moved(self, scene_pos: QtCore.QPointF) -> None:
        """Snap to the bar under the mouse."""
        for p in self._panes:
            vb = p.plot.getViewBox()
            if vb.sceneBoundingRect().contains(scene_pos):
                pt = vb.mapSceneToView(scene_pos)
                self.move_to(int(round(pt.x())), plot=p.plot, y=pt.y())
                return

    def hide_hline(self) -> None:
        for p in self._panes:
            p.hline.setVisible(False)
            p.ylabel.setVisible(False)

    def hide(self) -> None:
        """No crosshair at all (the read-outs then show the last bar)."""
        self.index = None
        for p in self._panes:
            for item in (p.vline, p.hline, p.ylabel):
                item.setVisible(False)
        self.refresh_text()

    def is_shown(self) -> bool:
        return any(p.vline.isVisible() or p.hline.isVisible() for p in self._panes)

    # ------------------------------------------------------------------ text
    def refresh_text(self, i: int | None = None) -> None:
        """Rewrite every pane's read-out for bar ``i`` (default: the cursor's bar, else the last)."""
        if i is None:
            i = self.index if self.index is not None else self.n - 1
        for p in self._panes:
            p.strip.set_segments(p.readout(i) if self.n else [])

    def _place_ylabel(self, p: _PaneCursor, i: int, y: float) -> None:
        vb = p.plot.getViewBox()
        p.ylabel.setText(_fmt_value(y))
        local = vb.mapFromView(QtCore.QPointF(float(i), y))
        br = p.ylabel.boundingRect()
        p.ylabel.setPos(vb.width() - br.width() - 2, local.y() - br.height())


def _fmt_value(y: float) -> str:
    return big_number(y, 2)
