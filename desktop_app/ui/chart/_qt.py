"""Binding choke point for the chart: PySide6 is imported before pyqtgraph so pyqtgraph binds to it."""
from __future__ import annotations

import os

os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")

from PySide6 import QtCore, QtGui, QtWidgets  # noqa: E402  (must precede pyqtgraph)

import pyqtgraph as pg  # noqa: E402
from pyqtgraph.Qt.internals import PrimitiveArray  # noqa: E402  (internal, see primitives below)

__all__ = ["QtCore", "QtGui", "QtWidgets", "pg", "PrimitiveArray", "cosmetic_pen"]


def cosmetic_pen(color: str | QtGui.QColor, width: float = 1.0,
                 style: QtCore.Qt.PenStyle = QtCore.Qt.PenStyle.SolidLine) -> QtGui.QPen:
    """A pen whose width is in pixels whatever the view's scale."""
    pen = QtGui.QPen(QtGui.QColor(color))
    pen.setCosmetic(True)
    pen.setWidthF(width)
    pen.setStyle(style)
    return pen
