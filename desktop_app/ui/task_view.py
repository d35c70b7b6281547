"""The task table: every task of the TaskManager with a live progress bar, coloured status,
counts, failures on hover, elapsed/ETA/current; cancel (Esc), remove (Delete), re-run, open
results, and the full error of a failed task on demand."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, QPoint, Qt, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QMenu, QPlainTextEdit, QTableView, QToolTip,
                               QVBoxLayout, QWidget)

from desktop_app.ui.actions import make_action
from desktop_app.ui.row_tables import setup_row_table
from desktop_app.ui.i18n import tr
from desktop_app.ui.progress_delegate import TaskDelegate, status_key
from desktop_app.workers.task_info import TERMINAL as _TERMINAL_STATES

TERMINAL = frozenset(s.value for s in _TERMINAL_STATES)


def model_column(model: Any, *keys: str) -> int:
    """Index of the first of ``keys`` in the model's column keys (``COLUMNS`` or ``columns``)."""
    cols = getattr(model, "COLUMNS", None) or getattr(model, "columns", None)
    if callable(cols):
        cols = cols()
    if cols:
        cols = [c if isinstance(c, str) else getattr(c, "key", str(c)) for c in cols]
        for k in keys:
            if k in cols:
                return cols.index(k)
    return -1


class TaskDetailsDialog(QDialog):
    """The whole story of one task: parameters, counts, error text and every failure reason."""

    def __init__(self, info: Any, words: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("taskDetails")
        self.setWindowTitle(tr("Task details"))
        lay = QVBoxLayout(self)
        self.text = QPlainTextEdit(self.describe(info, words))
        self.text.setReadOnly(True)
        lay.addWidget(self.text)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        box.rejected.connect(self.reject)
        lay.addWidget(box)
        self.resize(640, 420)

    @staticmethod
    def describe(info: Any, words: Any) -> str:
        """``words``: the TaskManager, whose kind/status/reason texts the task table shows."""
        parts = [
            f"{tr('Task')}: {getattr(info, 'title', '')}  ({getattr(info, 'id', '')})",
            f"{tr('Kind')}: {words.kind_text(getattr(info, 'kind', ''))}",
            f"{tr('Status')}: {words.status_text(status_key(getattr(info, 'status', '')))}",
            f"{tr('Processed')}: {getattr(info, 'done', 0)}/{getattr(info, 'total', 0)}   "
            f"{tr('Found')}: {getattr(info, 'found', 0)}   {tr('Failed')}: {getattr(info, 'failed', 0)}",
        ]
        if getattr(info, "params", None):
            parts += [f"{tr('Parameters')}:", words.params_text(info)]
        if getattr(info, "error", None):
            parts += ["", tr("Error") + ":", words.text(info.error)]
        rj = words.rejected_text(info, limit=10_000)
        if rj:
            parts += ["", rj]
        ft = words.failures_text(info, limit=10_000)
        if ft:
            parts += ["", tr("Failed items and reasons") + ":", ft]
        return "\n".join(parts)


class TaskView(QTableView):
    """A view over the TaskManager (no proxy: the manager already coalesces its updates)."""

    task_selected = Signal(str)            # current task id ("" when none)
    open_results_requested = Signal(str)

    def __init__(self, task_manager: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("taskView")
        self.tm = task_manager
        self.setModel(task_manager)
        setup_row_table(self, extended=False)
        self.horizontalHeader().setStretchLastSection(True)
        mcls = type(task_manager)
        self.delegate = TaskDelegate(
            getattr(mcls, "ProgressRole", Qt.ItemDataRole.UserRole + 2),
            getattr(mcls, "StatusRole", Qt.ItemDataRole.UserRole + 1),
            model_column(task_manager, "progress"), model_column(task_manager, "status"), self)
        self.setItemDelegate(self.delegate)
        self.failed_column = model_column(task_manager, "failed")
        self.error_column = model_column(task_manager, "error")
        self._id_role = getattr(mcls, "IdRole", Qt.ItemDataRole.UserRole)
        self.selectionModel().currentRowChanged.connect(self._on_current_changed)
        self.doubleClicked.connect(self._on_double_clicked)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._menu)
        self._make_actions()
        widths = {"title": 240, "started": 80, "progress": 140, "current": 120}
        task_manager.rowsInserted.connect(self._on_rows_inserted)
        for key, w in widths.items():
            c = model_column(task_manager, key)
            if c >= 0:
                self.setColumnWidth(c, w)

    @Slot(QModelIndex, int, int)
    def _on_rows_inserted(self, _parent: QModelIndex, _first: int, last: int) -> None:
        """The newest task stays in view (tasks are appended: submitted here, or by the CLI)."""
        if last == self.model().rowCount() - 1:
            self.scrollToBottom()

    def compact_height(self, rows: int = 4) -> int:
        """The task strip's height for ``rows`` rows: the header, the rows and room for the
        horizontal scroll bar (the columns do not fit a 1280-wide window), so no row is cut."""
        bar = self.horizontalScrollBar().sizeHint().height()
        return self.horizontalHeader().sizeHint().height() + rows * self.verticalHeader().defaultSectionSize() + bar + 8

    # -- actions ------------------------------------------------------------------------------
    def _make_actions(self) -> None:
        def act(name: str, shortcut: Any, slot) -> QAction:
            return make_action(self, name, slot, shortcut, Qt.ShortcutContext.WidgetWithChildrenShortcut)

        # Esc is the main window's shortcut (two actions on one key would be ambiguous and neither fires)
        self.cancel_action = act("cancelTask", None, self.cancel_selected)
        self.remove_action = act("removeTask", QKeySequence(QKeySequence.StandardKey.Delete),
                                 self.remove_selected)
        self.rerun_action = act("rerunTask", None, self.rerun_selected)
        self.open_action = act("openResults", None, self.open_selected)
        self.details_action = act("taskDetails", None, self.show_details)
        self.retranslate()

    def retranslate(self) -> None:
        self.cancel_action.setText(tr("Cancel task"))
        self.remove_action.setText(tr("Remove task"))
        self.rerun_action.setText(tr("Re-run"))
        self.open_action.setText(tr("Open results"))
        self.details_action.setText(tr("Details / error…"))

    # -- selection ----------------------------------------------------------------------------
    def selected_id(self) -> str:
        idx = self.currentIndex()
        if not idx.isValid():
            return ""
        tid = idx.siblingAtColumn(0).data(self._id_role)
        return str(tid) if tid else ""

    def info(self, task_id: str) -> Any:
        """The task's TaskInfo, or None when it is gone (removed meanwhile)."""
        if not task_id:
            return None
        try:
            return self.tm.get(task_id)
        except KeyError:
            return None

    def select_task(self, task_id: str) -> None:
        try:
            row = self.tm.row_of(task_id)
        except KeyError:
            return
        if row is None or row < 0:
            return
        idx = self.tm.index(row, 0)
        self.setCurrentIndex(idx)
        self.scrollTo(idx)

    @Slot(QModelIndex, QModelIndex)
    def _on_current_changed(self, cur: QModelIndex, _prev: QModelIndex) -> None:
        self.task_selected.emit(self.selected_id())

    @Slot(QModelIndex)
    def _on_double_clicked(self, idx: QModelIndex) -> None:
        tid = self.selected_id()
        info = self.info(tid)
        if info is not None and status_key(info.status) == "failed":
            self.show_details()
        elif tid:
            self.open_results_requested.emit(tid)

    # -- commands -----------------------------------------------------------------------------
    @Slot()
    def cancel_selected(self) -> None:
        tid = self.selected_id()
        if tid:
            self.tm.cancel(tid)

    @Slot()
    def remove_selected(self) -> None:
        tid = self.selected_id()
        if not tid:
            return
        info = self.info(tid)
        if info is not None and status_key(info.status) not in TERMINAL:
            self.tm.cancel(tid)  # a live task is cancelled first; remove it once it is final
            return
        self.tm.remove(tid)

    @Slot()
    def rerun_selected(self) -> str:
        tid = self.selected_id()
        if not tid:
            return ""
        new_id = self.tm.rerun(tid)
        if new_id:
            self.select_task(new_id)
        return new_id or ""

    @Slot()
    def open_selected(self) -> None:
        tid = self.selected_id()
        if tid:
            self.open_results_requested.emit(tid)

    @Slot()
    def show_details(self) -> TaskDetailsDialog | None:
        tid = self.selected_id()
        info = self.info(tid)
        if info is None:
            return None
        dlg = TaskDetailsDialog(info, self.tm, self)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.show()
        return dlg

    @Slot(QPoint)
    def _menu(self, pos: QPoint) -> None:
        idx = self.indexAt(pos)
        if idx.isValid():
            self.setCurrentIndex(idx)
        tid = self.selected_id()
        info = self.info(tid)
        menu = QMenu(self)
        st = status_key(info.status) if info is not None else ""
        self.cancel_action.setEnabled(st in ("pending", "running"))
        self.rerun_action.setEnabled(st in TERMINAL)
        self.remove_action.setEnabled(bool(tid))
        self.open_action.setEnabled(info is not None and self.tm.has_results(tid))
        self.details_action.setEnabled(info is not None)
        for a in (self.open_action, self.details_action, self.rerun_action, self.cancel_action,
                  self.remove_action):
            menu.addAction(a)
        menu.popup(self.viewport().mapToGlobal(pos))

    # -- tooltips: failures with reasons, the error of a failed task ----------------------------
    def viewportEvent(self, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.ToolTip:
            idx = self.indexAt(event.pos())
            if idx.isValid() and idx.data(Qt.ItemDataRole.ToolTipRole) is None:
                tid = idx.siblingAtColumn(0).data(self._id_role)
                info = self.info(str(tid) if tid else "")
                text = ""
                if info is not None:
                    text = self.tm.failures_text(info)
                    if getattr(info, "error", None):
                        text = (self.tm.text(info.error)[:600] + ("\n\n" + text if text else ""))
                if text:
                    QToolTip.showText(event.globalPos(), text, self)
                    return True
        return super().viewportEvent(event)
