"""Light, dark and follow-system themes, applied as a Fusion palette (no stylesheet on tables,
so the progress delegate and view painting stay fast and consistent)."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

THEMES = ("system", "light", "dark")

# A-share convention: red is up, green is down.
UP = QColor("#d32f2f")
DOWN = QColor("#2e7d32")
UP_DARK = QColor("#ff5252")
DOWN_DARK = QColor("#4caf50")

_system_palette: QPalette | None = None
_dark = False


def system_prefers_dark() -> bool:
    hints = QGuiApplication.styleHints()
    try:
        return hints.colorScheme() == Qt.ColorScheme.Dark
    except AttributeError:  # pragma: no cover (Qt < 6.5)
        return False


def dark_palette() -> QPalette:
    p = QPalette()
    base, window, text = QColor(30, 32, 36), QColor(43, 45, 50), QColor(220, 222, 226)
    p.setColor(QPalette.ColorRole.Window, window)
    p.setColor(QPalette.ColorRole.WindowText, text)
    p.setColor(QPalette.ColorRole.Base, base)
    p.setColor(QPalette.ColorRole.AlternateBase, QColor(38, 40, 45))
    p.setColor(QPalette.ColorRole.ToolTipBase, window)
    p.setColor(QPalette.ColorRole.ToolTipText, text)
    p.setColor(QPalette.ColorRole.Text, text)
    p.setColor(QPalette.ColorRole.Button, window)
    p.setColor(QPalette.ColorRole.ButtonText, text)
    p.setColor(QPalette.ColorRole.BrightText, QColor("#ff6e6e"))
    p.setColor(QPalette.ColorRole.Link, QColor("#64b5f6"))
    p.setColor(QPalette.ColorRole.Highlight, QColor("#3d6fb6"))
    p.setColor(QPalette.ColorRole.HighlightedText, QColor(255, 255, 255))
    p.setColor(QPalette.ColorRole.PlaceholderText, QColor(140, 142, 146))
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText, QPalette.ColorRole.WindowText):
        p.setColor(QPalette.ColorGroup.Disabled, role, QColor(120, 122, 126))
    return p


def apply_theme(choice: str) -> bool:
    """Apply "system" | "light" | "dark"; returns True when the result is dark."""
    global _system_palette, _dark
    app = QApplication.instance()
    if app is None:
        return False
    if _system_palette is None:
        _system_palette = QPalette(app.palette())
    dark = choice == "dark" or (choice == "system" and system_prefers_dark())
    if choice in ("light", "dark"):
        fusion = QStyleFactory.create("Fusion")
        if fusion is not None:
            app.setStyle(fusion)
    app.setPalette(dark_palette() if dark else (QPalette(_system_palette) if choice == "system"
                                                else app.style().standardPalette()))
    _dark = dark
    return dark


def is_dark() -> bool:
    return _dark


def up_color() -> QColor:
    return UP_DARK if _dark else UP


def down_color() -> QColor:
    return DOWN_DARK if _dark else DOWN


def score_color(score: float) -> QColor:
    """Badge colour of a 0-100 score: strong red/orange for high, grey for low."""
    if score >= 80:
        return QColor("#c62828")
    if score >= 70:
        return QColor("#ef6c00")
    if score >= 60:
        return QColor("#f9a825")
    if score >= 40:
        return QColor("#607d8b")
    return QColor("#9e9e9e")
