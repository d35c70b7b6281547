"""One way to make a named, shortcut-carrying action on a widget."""
from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget


def make_action(owner: QWidget, name: str, slot: Callable, shortcut: Any = None,
                context: Qt.ShortcutContext = Qt.ShortcutContext.WindowShortcut) -> QAction:
    """An action added to ``owner`` (so its shortcut works while ``owner`` is focused/active);
    ``name`` is its objectName (tests and saved state find it by that)."""
    a = QAction(owner)
    a.setObjectName(name)
    if shortcut is not None:
        a.setShortcut(shortcut)
        a.setShortcutContext(context)
    a.triggered.connect(slot)
    owner.addAction(a)
    return a
