"""The watchlist dock's groups (自选股1, 自选股2 …): a tab per group above the list, and the group
actions — new, rename, delete, import (.blk / CSV / XLSX), paste from the clipboard.

The tabs switch the active group of the window's ``GroupWatchlist`` (memory only) and reload the
list; codes dragged from the list onto another tab move there, codes dropped on the list (from
the list itself, or text from elsewhere) are placed where they fall. Changes are saved through
the watchlist view's own one-at-a-time worker save. An import is read and checked on the
background runner, then previewed (``ImportPreviewDialog``) before anything is added.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal, Slot
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import (QAbstractItemView, QDialog, QHBoxLayout, QInputDialog, QMenu, QMessageBox,
                               QTabBar, QToolButton, QWidget)

from desktop_app.core.reasons import Reason
from desktop_app.ui.file_dialogs import FileType, open_file
from desktop_app.ui.i18n import reason_text, tr
from desktop_app.workers.watchlist_model import codes_of_mime


class GroupBar(QWidget):
    """Installed at the top of ``view`` (a ``WatchlistView`` whose context holds a GroupWatchlist)."""

    groups_changed = Signal()          # a group was created, renamed, deleted or switched

    def __init__(self, view: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent or view)
        self.setObjectName("watchGroupBar")
        self.view = view
        self.ctx = view.ctx
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.tabs = QTabBar()
        self.tabs.setObjectName("watchGroupTabs")
        self.tabs.setExpanding(False)
        self.tabs.setDocumentMode(True)
        self.tabs.setAcceptDrops(True)
        self.tabs.installEventFilter(self)
        self.tabs.currentChanged.connect(self._on_tab)
        self.tabs.tabBarDoubleClicked.connect(lambda i: self.rename_group())
        lay.addWidget(self.tabs, 1)
        self.menu_button = QToolButton()
        self.menu_button.setObjectName("watchGroupMenu")
        self.menu_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.menu = QMenu(self)
        self.new_action = QAction(self)
        self.new_action.setObjectName("actionWatchNewGroup")
        self.new_action.triggered.connect(lambda: self.new_group())
        self.rename_action = QAction(self)
        self.rename_action.triggered.connect(lambda: self.rename_group())
        self.delete_action = QAction(self)
        self.delete_action.triggered.connect(lambda: self.delete_group())
        self.import_action = QAction(self)
        self.import_action.setObjectName("actionWatchImport")
        self.import_action.triggered.connect(lambda: self.import_file())
        self.paste_action = QAction(self)
        self.paste_action.setObjectName("actionWatchPaste")
        self.paste_action.triggered.connect(lambda: self.import_clipboard())
        for a in (self.new_action, self.rename_action, self.delete_action, None, self.import_action, self.paste_action):
            self.menu.addSeparator() if a is None else self.menu.addAction(a)
        self.menu_button.setMenu(self.menu)
        lay.addWidget(self.menu_button)
        view.layout().insertWidget(0, self)
        table = view.table
        table.setDragEnabled(True)
        table.setAcceptDrops(True)
        table.setDropIndicatorShown(True)
        table.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        table.setDefaultDropAction(Qt.DropAction.MoveAction)
        view.model.dropped.connect(self._dropped_on_list)
        self.last_dialog: Any = None
        self.retranslate()
        self.refresh()

    @property
    def watchlist(self) -> Any:
        return self.ctx.watchlist

    def retranslate(self) -> None:
        self.menu_button.setText(tr("Groups"))
        self.menu_button.setToolTip(tr("New, rename, delete a group; import .blk / CSV / XLSX or the clipboard"))
        self.new_action.setText(tr("New group…"))
        self.rename_action.setText(tr("Rename group…"))
        self.delete_action.setText(tr("Delete group"))
        self.import_action.setText(tr("Import .blk / CSV / XLSX…"))
        self.paste_action.setText(tr("Import codes from the clipboard"))

    def refresh(self) -> None:
        """The tabs from the watchlist's groups, the active one current."""
        self.tabs.blockSignals(True)
        while self.tabs.count():
            self.tabs.removeTab(0)
        for g in self.watchlist.groups():
            self.tabs.addTab(g)
        self.tabs.setCurrentIndex(max(0, self.watchlist.groups().index(self.watchlist.group)))
        self.tabs.blockSignals(False)

    def _changed(self, reload: bool = True) -> None:
        self.view._save()
        self.refresh()
        if reload:
            self.view.reload()
        self.groups_changed.emit()

    def _fail(self, exc: BaseException) -> None:
        self.view._say(reason_text(Reason.of(exc)), error=True)

    # -- groups -----------------------------------------------------------------------------
    @Slot(int)
    def _on_tab(self, i: int) -> None:
        if i >= 0:
            self.switch_to(self.tabs.tabText(i))

    def switch_to(self, group: str) -> None:
        self.watchlist.set_group(group)
        self.refresh()
        self.view.reload()
        self.groups_changed.emit()

    def new_group(self, name: str | None = None) -> str:
        if name is None:
            name, ok = QInputDialog.getText(self, tr("New group"), tr("Name of the new group"))
            if not ok:
                return ""
        try:
            name = self.watchlist.create_group(name)
        except Exception as e:  # noqa: BLE001 - a reason for the user (name taken, empty)
            self._fail(e)
            return ""
        self.watchlist.set_group(name)
        self._changed()
        return name

    def rename_group(self, new: str | None = None) -> str:
        old = self.watchlist.group
        if new is None:
            new, ok = QInputDialog.getText(self, tr("Rename group"), tr("New name of “{name}”").format(name=old), text=old)
            if not ok:
                return ""
        try:
            new = self.watchlist.rename_group(old, new)
        except Exception as e:  # noqa: BLE001
            self._fail(e)
            return ""
        self._changed(reload=False)
        return new

    def delete_group(self, ask: bool = True) -> bool:
        g = self.watchlist.group
        n = len(self.watchlist.members(g))
        if ask and n and QMessageBox.question(self, tr("Delete group"), tr("Delete “{name}” and its {n} stocks?")
                                              .format(name=g, n=n)) != QMessageBox.StandardButton.Yes:
            return False
        try:
            self.watchlist.delete_group(g)
        except Exception as e:  # noqa: BLE001 - the last group stays
            self._fail(e)
            return False
        self._changed()
        return True

    # -- drag and drop ------------------------------------------------------------------------
    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        if obj is self.tabs and event.type() in (QEvent.Type.DragEnter, QEvent.Type.DragMove):
            if self.tabs.tabAt(event.position().toPoint()) >= 0 and codes_of_mime(event.mimeData()):
                event.acceptProposedAction()
                return True
        if obj is self.tabs and event.type() == QEvent.Type.Drop:
            i = self.tabs.tabAt(event.position().toPoint())
            if i >= 0:
                self.drop_on_group(codes_of_mime(event.mimeData()), self.tabs.tabText(i))
                event.acceptProposedAction()
                return True
        return super().eventFilter(obj, event)

    def drop_on_group(self, codes: list[str], group: str) -> list[str]:
        """Codes dropped on a group's tab: from this list they move there; text is added there."""
        mine = [c for c in codes if c in self.watchlist.symbols()]
        if group == self.watchlist.group:
            return []
        moved = self.watchlist.move(mine, group) if mine else []
        added = self.watchlist.add([c for c in codes if c not in mine], group)
        if moved or added:
            self._changed()
            self.view._say(tr("Moved {n} to “{group}”.").format(n=len(moved) + len(added), group=group))
        return moved + added

    @Slot(list, int)
    def _dropped_on_list(self, codes: list[str], row: int) -> None:
        self.watchlist.place(codes, row)
        self._changed()

    # -- imports ----------------------------------------------------------------------------
    def import_file(self, path: str | None = None) -> None:
        if path is None:
            path = open_file(self, "watch_import", tr("Import into the watchlist"),
                             [FileType(tr("TDX block file"), ".blk"), FileType(tr("CSV"), ".csv"),
                              FileType(tr("Excel workbook"), ".xlsx"), FileType(tr("Text"), ".txt")])
            if not path:
                return
        from desktop_app.core.watch_import import preview_file

        self.ctx.runner.run(lambda: preview_file(path), lambda p: self.show_preview(p, Path(path).name), self._fail)

    def import_clipboard(self) -> None:
        from desktop_app.core.watch_import import parse_text

        text = QGuiApplication.clipboard().text()
        self.ctx.runner.run(lambda: parse_text(text), lambda p: self.show_preview(p, tr("Clipboard")), self._fail)

    def show_preview(self, preview: Any, name: str) -> QDialog:
        from desktop_app.ui.watch_import_dialog import ImportPreviewDialog

        dlg = ImportPreviewDialog(preview, self.watchlist.groups(), self.watchlist.group, name, self)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.accepted.connect(lambda: self._import_accepted(dlg.preview, dlg.group()))
        self.last_dialog = dlg
        dlg.open()
        return dlg

    def _import_accepted(self, preview: Any, group: str) -> None:
        added = self.watchlist.add(preview.codes, group)
        self.watchlist.set_group(group)
        self._changed()
        self.view._say(tr("Added {n}.").format(n=len(added)))
