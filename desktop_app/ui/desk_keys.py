"""The keys of a 通达信 desk, in one application-wide event filter owned by the main window.

- 键盘精灵: digits or letters typed anywhere in the window (chart, tables — not in a text field)
  open the quick-open popup pre-filled with what was typed; the keys that follow, until the
  popup's window has the keyboard, are typed into it too (``QuickOpenDialog.take_key``).
- PgUp / PgDn with the focus in the stock view: the previous / next stock of the list the stock
  came from (results or watchlist); the list's selection follows.
- Enter in the chart toggles the full-window K-line; Esc leaves it.
- Ctrl+E exports even when the focus is in a line edit (which would take Ctrl+E as "end of line").

The filter only *routes* keys to the window's own methods (``quick_open_with``, ``step_stock``,
``toggle_full_chart``, ``export_dialog``); the work stays in the window.
"""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (QAbstractSpinBox, QApplication, QComboBox, QLineEdit, QPlainTextEdit,
                               QTextEdit, QWidget)

_TEXT_INPUTS = (QLineEdit, QTextEdit, QPlainTextEdit, QAbstractSpinBox)
_PLAIN = Qt.KeyboardModifier.NoModifier | Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.KeypadModifier


def _inside(widget: Any, ancestor: QWidget) -> bool:
    while widget is not None:
        if widget is ancestor:
            return True
        widget = widget.parentWidget() if isinstance(widget, QWidget) else None
    return False


def is_text_input(widget: Any) -> bool:
    if isinstance(widget, _TEXT_INPUTS):
        return True
    return isinstance(widget, QComboBox) and widget.isEditable()


def spirit_text(event: QKeyEvent) -> str:
    """The character a keystroke starts a 键盘精灵 search with, or "" (digits, letters)."""
    if event.modifiers() & ~_PLAIN:
        return ""
    text = event.text()
    return text if len(text) == 1 and text.isascii() and text.isalnum() else ""


class DeskKeys(QObject):
    """Installed on the QApplication while ``window`` lives; see the module docstring."""

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window

    def install(self) -> None:
        """Start filtering. The window does it after its first frame: an application-wide Python
        filter sees every event of the first show (≈1,100) and makes PySide6 set up a Python type,
        enums included, for each kind of object passing through (≈10 ms before the first paint).
        A child of the window: Qt drops the application's filter when this object is deleted with
        the window (no destroyed-signal slot on a half-deleted object)."""
        QApplication.instance().installEventFilter(self)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        t = event.type()
        if t not in (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride):
            return False
        w = self.window
        if not isinstance(obj, QWidget) or obj.window() is not w or not (
                w.isActiveWindow() or (w.quick_open_dialog is not None and w.quick_open_dialog.isVisible())):
            return False
        key = event.key()
        if t == QEvent.Type.ShortcutOverride:
            if isinstance(obj, QLineEdit) and key == Qt.Key.Key_E \
                    and event.modifiers() == Qt.KeyboardModifier.ControlModifier:
                event.ignore()          # let the window's Ctrl+E shortcut have it, not the line edit
                return True
            if w.full_chart and key == Qt.Key.Key_Escape:
                event.accept()          # Esc leaves the full-window chart (not "cancel task")
                return True
            return False
        # KeyPress
        dlg = w.quick_open_dialog
        if dlg is not None and dlg.is_opening() and dlg.take_key(event, spirit_text(event)):
            return True     # typed after the key that opened the 键盘精灵, before it had the keyboard
        if is_text_input(obj):
            return False
        in_stock = w.stock_view is not None and _inside(obj, w.stock_view)   # None: not built yet
        if w.full_chart and key == Qt.Key.Key_Escape:
            w.toggle_full_chart(False)
            return True
        if in_stock and key in (Qt.Key.Key_PageUp, Qt.Key.Key_PageDown):
            return w.step_stock(-1 if key == Qt.Key.Key_PageUp else 1)
        if in_stock and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and _inside(obj, w.stock_view.chart):
            w.toggle_full_chart()
            return True
        text = spirit_text(event)
        if text:
            w.quick_open_with(text)
            return True
        return False
