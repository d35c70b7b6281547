"""The window's side of a validation (issue 16): "Validate" next to Start in the scan panel and in
the Scan menu (Ctrl+F5), the options dialog, the validation task, and its report.

The scan panel's current request (universe, prefilters, score, presets, formula) is checked as for
a scan; the period and the portfolio's top N / hold K come from ``ValidationDialog`` (remembered).
The task runs in the one task manager (``workers.task_factory.submit_validation``); when one
started here completes, its report opens; the task table's "open results" opens any completed
validation's report, also after a restart (its ``to_dict()`` is the task's stored result).

Built in the shell: nothing here imports numpy, pandas or pyqtgraph until a validation is started
or a report opened."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QPushButton

from desktop_app.ui import i18n
from desktop_app.ui.i18n import model_lang, reason_text, tr
from desktop_app.ui.validation_dialog import ValidationDialog, remember, remembered

SHORTCUT = "Ctrl+F5"


class ValidationDesk(QObject):
    """``window`` is the MainWindow (scan panel and menu, task manager, context, status bar)."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.w = window
        self.report: Any = None                    # ui.validation_view.ValidationReport, once opened
        self._mine: set[str] = set()               # validations started here: open when they complete
        self.action = QAction(window)
        self.action.setObjectName("actionValidate")
        self.action.setShortcut(QKeySequence(SHORTCUT))
        self.action.triggered.connect(self.start)
        window.addAction(self.action)
        window.scan_menu.insertAction(window.cancel_action, self.action)
        self.button = QPushButton()
        self.button.setObjectName("validateButton")
        self.button.clicked.connect(self.start)
        window.scan_panel.button_row.addWidget(self.button)
        window.tm.task_finished.connect(self._on_finished)
        i18n.notifier.language_changed.connect(self._on_language)
        self.retranslate()

    def retranslate(self) -> None:
        self.action.setText(tr("Validate the screen…"))
        self.button.setText(tr("Validate"))
        self.button.setToolTip(tr("Forward returns of this screen over past days ({key})").format(key=SHORTCUT))

    @Slot(str)
    def _on_language(self, _lang: str) -> None:
        self.retranslate()

    # -- starting ---------------------------------------------------------------------------
    def ask_options(self, title: str) -> dict | None:
        dlg = ValidationDialog(remembered(), title, self.w)
        return dlg.options() if dlg.exec() == QDialog.DialogCode.Accepted else None

    @Slot()
    def start(self, options: dict | None = None) -> str:
        """Validate the scan panel's request; returns the task id ("" if refused or cancelled)."""
        panel = self.w.scan_panel
        req = panel.build_request()
        if req is None:
            self.w.scan_dock.show()
            self.w.scan_dock.raise_()
            return ""
        if self.w.ctx.source is None:
            panel.show_refusal(tr("The data source is not ready yet; try again in a moment."))
            return ""
        if not isinstance(options, dict):
            options = self.ask_options(req.title(model_lang()))
            if options is None:
                return ""
        from desktop_app.core.scan import ScanError
        from desktop_app.workers.task_factory import submit_validation

        try:
            tid = submit_validation(self.w.tm, req, options, self.w.ctx.source, self.w.ctx.store,
                                    watchlist=self.w.ctx.watchlist.symbols(), lang=model_lang())
        except ScanError as e:
            panel.show_refusal(reason_text(e.reason))
            return ""
        panel.show_refusal("")
        remember(options)
        self._mine.add(tid)
        self.w.task_view.select_task(tid)
        self.w.tasks_dock.show()
        self.w.tasks_dock.raise_()
        return tid

    @Slot(str, str)
    def _on_finished(self, task_id: str, status: str) -> None:
        if task_id not in self._mine:
            return
        self._mine.discard(task_id)
        info = self._info(task_id)
        if status == "completed":
            self.open_report(task_id)
        elif status == "failed" and info is not None:
            self.w.scan_panel.show_refusal(reason_text(info.error))

    def _info(self, task_id: str) -> Any:
        try:
            return self.w.tm.get(task_id) if task_id else None
        except KeyError:          # removed meanwhile
            return None

    # -- the report -------------------------------------------------------------------------
    def open_report(self, task_id: str) -> bool:
        """Show a validation's report; False when ``task_id`` is not a validation."""
        info = self._info(task_id)
        if info is None or info.kind != "validation":
            return False
        from desktop_app.ui.validation_view import ValidationReport, result_dict

        d = result_dict(info.result)
        if d is None:
            self.w.statusBar().showMessage(tr("This validation has no report: it did not complete."), 8000)
            return True
        if self.report is None:
            self.report = ValidationReport(self._submit_export, self.w)
        self.report.show_result(task_id, d)
        self.report.show()
        self.report.raise_()
        self.report.activateWindow()
        return True

    def _submit_export(self, title: str, job: Any, params: dict) -> str:
        return self.w.tm.submit("export", title, job, params=params)
