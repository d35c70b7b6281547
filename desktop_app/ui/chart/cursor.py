"""Crosshair that snaps to bars, with a read-out line at the top of every pane.

The vertical line sits on the bar under the mouse (or the one stepped to with the keys) in every
pane; the horizontal line follows the mouse in the pane it is over, with its value at the right
edge. Read-outs are text items parented to each ViewBox (pixel coordinates, not data coordinates),
so they stay put while the view zooms and pans.
"""
from __future__ import annotations

from collections.abc import Callable

from ._qt import QtCore, QtGui, QtWidgets, cosmetic_pen, pg
from .labels import big_number
from .style import LIGHT, ChartStyle

ReadoutFn = Callable[[int], str]


class _PaneCursor:
    def __init__(self, plot: pg.PlotItem, readout: ReadoutFn, style: ChartStyle) -> None:
        self.plot = plot
        self.readout = readout
        pen = cosmetic_pen(style.crosshair, 1.0, QtCore.Qt.PenStyle.DashLine)
        self.vline = pg.InfiniteLine(angle=90, movable=False, pen=pen)
        self.hline = pg.InfiniteLine(angle=0, movable=False, pen=pen)
        for line in (self.vline, self.hline):
            line.setZValue(20)
            line.setVisible(False)
            plot.addItem(line, ignoreBounds=True)
        vb = plot.getViewBox()
        self.text = QtWidgets.QGraphicsTextItem(vb)
        self.text.setDefaultTextColor(QtGui.QColor(style.foreground))
        self.text.setPos(2, -2)
        self.text.setZValue(30)
        self.html: str | None = None  # what ``text`` shows: re-parsing unchanged HTML is skipped
        self.ylabel = QtWidgets.QGraphicsSimpleTextItem(vb)
        self.ylabel.setBrush(QtGui.QColor(style.foreground))
        self.ylabel.setZValue(30)
        self.ylabel.setVisible(False)

    def detach(self) -> None:
        for line in (self.vline, self.hline):
            self.plot.removeItem(line)
        for item in (self.text, self.ylabel):
            if item.scene() is not None:
                item.scene().removeItem(item)


class ChartCursor(QtCore.QObject):
    """Owns the crosshair of every pane. ``index`` is the bar it is on (None before any move)."""

    moved = QtCore.Signal(int)

    def __init__(self, style: ChartStyle = LIGHT, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self.style = style
        self.index: int | None = None
        self.n = 0
        self._panes: list[_PaneCursor] = []

    def attach(self, panes: list[tuple[pg.PlotItem, ReadoutFn]], n: int) -> None:
        """(Re)build the crosshair for these panes over a series of ``n`` bars."""
        for p in self._panes:
            p.detach()
        self._panes = [_PaneCursor(plot, fn, self.style) for plot, fn in panes]
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
            p.vline.setPos(float(i))
            p.vline.setVisible(True)
            here = plot is p.plot and y is not None
            p.hline.setVisible(here)
            p.ylabel.setVisible(here)
            if here:
                p.hline.setPos(y)
                self._place_ylabel(p, i, y)
        self.refresh_text()
        if changed:
            self.moved.emit(i)

    def on_mouse_moved(self, scene_pos: QtCore.QPointF) -> None:
        """Slot for ``GraphicsScene.sigMouseMoved``: snap to the bar under the mouse."""
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

    # ------------------------------------------------------------------ text
    def refresh_text(self, i: int | None = None) -> None:
        """Rewrite every pane's read-out for bar ``i`` (default: the cursor's bar, else the last)."""
        if i is None:
            i = self.index if self.index is not None else self.n - 1
        for p in self._panes:
            html = p.readout(i) if self.n else ""
            # wrap between items (never inside one) when the pane is narrower than the read-out
            width = max(40.0, p.plot.getViewBox().width() - 4)
            if abs(p.text.textWidth() - width) > 0.5:
                p.text.setTextWidth(width)
            if html != p.html:  # a move within the same bar, or a repeated refresh, costs no layout
                p.text.setHtml(html)
                p.html = html

    def _place_ylabel(self, p: _PaneCursor, i: int, y: float) -> None:
        vb = p.plot.getViewBox()
        p.ylabel.setText(_fmt_value(y))
        local = vb.mapFromView(QtCore.QPointF(float(i), y))
        br = p.ylabel.boundingRect()
        p.ylabel.setPos(vb.width() - br.width() - 2, local.y() - br.height())


def _fmt_value(y: float) -> str:
    return big_number(y, 2)
