"""The tray icon (``QSystemTrayIcon``): a notification when an alert fires, "show the window" and
"quit" in its menu, and — when the setting asks for it — closing the window hides it to the tray
(the title bar's ×; Ctrl+Q and the tray's Quit still quit). ``notifications`` keeps what was shown
(title, text) for the alert log and the tests. Where the desktop has no tray, notifications go to
the status bar."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QSystemTrayIcon


class AlertTray(QObject):
    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.w = window
        self.close_to_tray = False
        self.notifications: list[tuple[str, str]] = []
        self.tray = QSystemTrayIcon(window.windowIcon(), window)
        self.tray.setObjectName("alertTray")
        self.menu = QMenu()
        self.show_action = QAction(self)
        self.show_action.triggered.connect(self.show_window)
        self.quit_action = QAction(self)
        self.quit_action.triggered.connect(self.quit)
        self.menu.addAction(self.show_action)
        self.menu.addAction(self.quit_action)
        self.tray.setContextMenu(self.menu)
        self.tray.activated.connect(lambda reason: self.show_window()
                                    if reason == QSystemTrayIcon.ActivationReason.Trigger else None)
        self.tray.setToolTip("StockScan")
        self.available = QSystemTrayIcon.isSystemTrayAvailable()
        if self.available:
            self.tray.show()
        window.installEventFilter(self)

    def retranslate(self, tr) -> None:
        self.show_action.setText(tr("Show StockScan"))
        self.quit_action.setText(tr("Quit"))

    def notify(self, title: str, text: str) -> None:
        self.notifications.append((title, text))
        if self.available and self.tray.supportsMessages():
            self.tray.showMessage(title, text, QSystemTrayIcon.MessageIcon.Information, 10000)
        else:
            self.w.statusBar().showMessage(f"{title}: {text}", 15000)

    def show_window(self) -> None:
        self.w.showNormal()
        self.w.raise_()
        self.w.activateWindow()

    def quit(self) -> None:
        self.close_to_tray = False
        self.w.close()

    @staticmethod
    def user_closed(event: QEvent) -> bool:
        """A close from the window manager (the title bar's ×), not one the program asked for."""
        return event.spontaneous()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        """The title bar's × (a spontaneous close) hides to the tray when asked; a close the
        program asks for (Ctrl+Q, Quit) goes through."""
        if (obj is self.w and event.type() == QEvent.Type.Close and self.close_to_tray and self.available
                and self.user_closed(event)):
            event.ignore()
            self.w.hide()
            return True
        return super().eventFilter(obj, event)
