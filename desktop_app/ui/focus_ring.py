"""Visible keyboard focus: a thin highlight ring around the panel that has the keys (a table, the
chart, the task list), so a keyboard user sees where PgDn or Enter will go.

One transparent overlay widget, moved onto whichever tracked panel holds the focus. It paints only
its border and lets the mouse through; nothing about the panel itself changes (no style sheet,
which would route every cell of an item view through the slower style-sheet style).
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QPainter, QPen
from PySide6.QtWidgets import QApplication, QWidget

RING_PX = 2


class FocusRing(QWidget):
    def __init__(self, panels: list[QWidget], parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("focusRing")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.panels = list(panels)
        self.target: QWidget | None = None
        self.hide()
        QApplication.instance().focusChanged.connect(self._on_focus)

    def panel_of(self, widget: QObject | None) -> QWidget | None:
        while isinstance(widget, QWidget):
            if widget in self.panels:
                return widget
            widget = widget.parentWidget()
        return None

    def _on_focus(self, _old: QWidget | None, new: QWidget | None) -> None:
        panel = self.panel_of(new)
        if panel is self.target:
            return
        if self.target is not None:
            self.target.removeEventFilter(self)
        self.target = panel
        if panel is None or not panel.isVisible():
            self.hide()
            return
        self.setParent(panel)
        panel.installEventFilter(self)
        self._fit()
        self.show()
        self.raise_()

    def _fit(self) -> None:
        if self.target is not None:
            self.setGeometry(self.target.rect())

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if obj is self.target and event.type() in (QEvent.Type.Resize, QEvent.Type.Show):
            self._fit()
            self.raise_()
        elif obj is self.target and event.type() == QEvent.Type.Hide:
            self.hide()
        return False

    def paintEvent(self, _event) -> None:  # noqa: N802 (Qt override)
        p = QPainter(self)
        pen = QPen(self.palette().highlight().color(), RING_PX)
        pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
        p.setPen(pen)
        half = RING_PX / 2
        p.drawRect(self.rect().adjusted(half, half, -half, -half))
        p.end()
