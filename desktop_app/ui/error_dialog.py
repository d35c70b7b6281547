"""A readable error dialog (summary, details on demand, copy button, log path) and the hook that
routes uncaught exceptions from any thread to it without killing the app."""
from __future__ import annotations

import logging
import sys
import threading
import traceback
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QPlainTextEdit,
                               QPushButton, QVBoxLayout, QWidget)

from desktop_app.ui.i18n import tr

log = logging.getLogger("stockscan.errors")


class ErrorDialog(QDialog):
    """Shows what went wrong in one sentence, the full details on demand, and where the log is."""

    def __init__(self, summary: str, details: str = "", log_path: str | Path | None = None,
                 parent: QWidget | None = None, title: str | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("errorDialog")
        self.setWindowTitle(title or tr("StockScan — error"))
        self.details = details
        lay = QVBoxLayout(self)
        self.summary_label = QLabel(summary)
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(self.summary_label)
        if log_path:
            self.log_label = QLabel(tr("Log file: {path}").format(path=log_path))
            self.log_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.log_label.setWordWrap(True)
            lay.addWidget(self.log_label)
        self.details_edit = QPlainTextEdit(details)
        self.details_edit.setReadOnly(True)
        self.details_edit.setVisible(False)
        self.details_edit.setMinimumHeight(200)
        lay.addWidget(self.details_edit)
        row = QHBoxLayout()
        self.toggle_button = QPushButton(tr("Show details"))
        self.toggle_button.setEnabled(bool(details))
        self.toggle_button.clicked.connect(self._toggle)
        self.copy_button = QPushButton(tr("Copy details"))
        self.copy_button.clicked.connect(self.copy_details)
        row.addWidget(self.toggle_button)
        row.addWidget(self.copy_button)
        row.addStretch(1)
        lay.addLayout(row)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        lay.addWidget(buttons)
        self.resize(560, 200)

    @Slot()
    def _toggle(self) -> None:
        show = not self.details_edit.isVisible()
        self.details_edit.setVisible(show)
        self.toggle_button.setText(tr("Hide details") if show else tr("Show details"))
        self.adjustSize()

    @Slot()
    def copy_details(self) -> None:
        text = self.summary_label.text() + ("\n\n" + self.details if self.details else "")
        QGuiApplication.clipboard().setText(text)


class ExceptionRouter(QObject):
    """Installed as ``sys.excepthook`` and ``threading.excepthook``: logs every uncaught exception
    and shows it in an ``ErrorDialog`` on the GUI thread (a queued signal from other threads)."""

    error = Signal(str, str)

    def __init__(self, log_path: str | Path | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.log_path = log_path
        self.dialogs: list[ErrorDialog] = []
        self.max_open = 3  # never drown the user in dialogs from an exception storm
        self.error.connect(self._show)
        self._prev_hook = sys.excepthook
        self._prev_thread_hook = threading.excepthook

    def install(self) -> None:
        sys.excepthook = self.handle
        threading.excepthook = self._thread_hook

    def uninstall(self) -> None:
        sys.excepthook = self._prev_hook
        threading.excepthook = self._prev_thread_hook

    def handle(self, exc_type, exc, tb) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            self._prev_hook(exc_type, exc, tb)
            return
        details = "".join(traceback.format_exception(exc_type, exc, tb))
        log.error("uncaught exception:\n%s", details)
        self.error.emit(f"{exc_type.__name__}: {exc}", details)

    def _thread_hook(self, args) -> None:
        if args.exc_type is SystemExit:
            return
        self.handle(args.exc_type, args.exc_value, args.exc_traceback)

    @Slot(str, str)
    def _show(self, summary: str, details: str) -> None:
        self.dialogs = [d for d in self.dialogs if d.isVisible()]
        if len(self.dialogs) >= self.max_open:
            return
        text = tr("Something went wrong, but StockScan keeps running.") + "\n\n" + summary
        dlg = ErrorDialog(text, details, self.log_path)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialogs.append(dlg)
        dlg.show()
