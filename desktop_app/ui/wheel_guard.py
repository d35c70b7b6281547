"""Wheel scrolling a form must scroll it, not change the spin box or combo box that passes under
the pointer: such a field takes the wheel only while it has the keyboard focus (clicked or
tabbed into), otherwise the wheel goes to the scroll area around the form."""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractScrollArea, QWidget


class WheelGuard(QObject):
    def __init__(self, scroll: QAbstractScrollArea, fields: list[QWidget]) -> None:
        super().__init__(scroll)
        self.scroll = scroll
        for f in fields:
            f.setFocusPolicy(Qt.FocusPolicy.StrongFocus)      # no focus from the wheel itself
            f.installEventFilter(self)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.Wheel and isinstance(obj, QWidget) and not obj.hasFocus():
            QCoreApplication.sendEvent(self.scroll.verticalScrollBar(), event)
            return True
        return False
