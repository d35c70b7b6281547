"""A line across a pane at one data value: the crosshair's lines, the indicator panes' reference
levels (MACD 0, KDJ 20/80, RSI 30/70), the support/resistance lines, the 分时 view's previous close.

It is drawn in the ViewBox's pixels: it stores its value, and its paint maps that one value through
the view's transform. A ``pg.InfiniteLine`` recomputed its bounds through several view mappings in
Python on every zoom, pan and move (≈0.1 ms each; 0.9 ms of a zoom frame for the five reference
levels with every pane on, ≈0.5 ms of a crosshair move for the six crosshair lines).

Being a child of the ViewBox, not of its data group, the line is stacked against the data as a
whole: a positive z draws it over every bar and line of the pane, a negative one under them all.
"""
from __future__ import annotations

from ._qt import QtCore, QtGui, QtWidgets, pg


class PaneLine(QtWidgets.QGraphicsObject):
    def __init__(self, vb: pg.ViewBox, vertical: bool, pen: QtGui.QPen, z: float,
                 value: float | None = None) -> None:
        super().__init__(vb)
        self._vb = vb
        self._vertical = vertical
        self._pen = QtGui.QPen(pen)
        self._value = None if value is None else float(value)
        self.setZValue(z)
        vb.sigRangeChanged.connect(self._moved)      # the same value, another pixel
        vb.sigResized.connect(self._resized)

    def set_value(self, value: float) -> None:
        if value != self._value:
            self._value = float(value)
            self.update()

    def value(self) -> float | None:
        return self._value

    def _moved(self, *_args) -> None:
        self.update()

    def _resized(self, *_args) -> None:
        self.prepareGeometryChange()

    def boundingRect(self) -> QtCore.QRectF:  # noqa: N802 (Qt override)
        return self._vb.rect()

    def pixel(self) -> float | None:
        """Where the line is drawn, in the ViewBox's pixels (x when vertical, else y)."""
        if self._value is None:
            return None
        self._vb.updateMatrix()
        at = self._vb.childTransform().map(
            QtCore.QPointF(self._value, 0.0) if self._vertical else QtCore.QPointF(0.0, self._value))
        return at.x() if self._vertical else at.y()

    def paint(self, p: QtGui.QPainter, *args) -> None:
        pos, r = self.pixel(), self._vb.rect()
        if pos is None:
            return
        p.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, False)
        p.setPen(self._pen)
        if self._vertical:
            p.drawLine(QtCore.QPointF(pos, r.top()), QtCore.QPointF(pos, r.bottom()))
        else:
            p.drawLine(QtCore.QPointF(r.left(), pos), QtCore.QPointF(r.right(), pos))


def remove(line: QtWidgets.QGraphicsItem) -> None:
    """Take ``line`` out of its scene (it is then deleted with its last Python reference)."""
    if line.scene() is not None:
        line.scene().removeItem(line)
