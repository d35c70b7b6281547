"""The 选股方案 (saved screens) menu of the main window.

Save the scan panel's request, with the results' visible columns, as a named screen; run a saved
one (the panel shows what ran, the results take its columns, F5's path starts it); import a screen
file or a 通达信 formula ``.txt``; export; delete. Screens live in ``core.screens.ScreenLibrary``;
every read and write goes through the window's background runner (the GUI thread does no I/O), and
every refusal is one sentence in the UI language.
"""
from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QInputDialog, QMenu, QMessageBox, QToolButton

from desktop_app.ui.actions import make_action
from desktop_app.ui.file_dialogs import FileType, open_file, save_file
from desktop_app.ui.fundamental_filters import state_of_request
from desktop_app.ui.i18n import reason_text, tr
from desktop_app.ui.scan_panel import AMOUNT_UNIT, MCAP_UNIT

log = logging.getLogger(__name__)


def _number(v: Any, unit: float = 1.0) -> str:
    if v is None:
        return ""
    x = float(v) / unit
    return f"{x:g}"


def panel_state(request) -> dict:
    """A ``ScanRequest`` in the form of ``ScanPanel.state()``, so the panel can show it."""
    from desktop_app.core.scan import split_universe          # numpy/pandas: not before the first frame

    kind, arg = split_universe(request.universe)
    universe_kind = {"board": f"board:{arg}", "index": f"index:{arg}"}.get(kind, kind)
    return {
        "universe_kind": universe_kind, "board": arg if kind in ("industry", "concept") else "",
        "codes": arg.replace(",", " ") if kind == "codes" else "", "exclude_st": request.exclude_st,
        "exclude_suspended": request.exclude_suspended, "min_days": int(request.min_listed_days or 0),
        "price_min": _number(request.price_min), "price_max": _number(request.price_max),
        "mcap_min": _number(request.mcap_min, MCAP_UNIT), "mcap_max": _number(request.mcap_max, MCAP_UNIT),
        "amount": _number(request.min_amount, AMOUNT_UNIT), "min_score": int(round(request.min_score)),
        "strategies": list(request.strategies), "mode": request.mode, "formula": request.formula or "",
        "as_of": request.as_of,
        **state_of_request(request),
    }


class ScreenMenu(QObject):
    """Builds and runs the menu; ``window`` is the MainWindow (scan panel, results, runner)."""

    def __init__(self, window) -> None:
        super().__init__(window)
        from desktop_app.core.screens import ScreenLibrary

        self.w = window
        self.library = ScreenLibrary()
        self.current: str | None = None           # the screen last saved or run: Ctrl+S saves over it
        self.menu = QMenu(window)
        self.menu.setObjectName("screensMenu")
        self.save_action = self._action("saveScreen", self.save, QKeySequence(QKeySequence.StandardKey.Save))
        self.save_as_action = self._action("saveScreenAs", self.save_as)
        self.import_action = self._action("importScreen", self.import_dialog)
        self.export_action = self._action("exportScreen", self.export_dialog)
        self.delete_action = self._action("deleteScreen", self.delete_dialog)
        self.names: list[str] = []
        self.button = QToolButton()              # the same menu in the scan panel, beside Start
        self.button.setObjectName("screensButton")
        self.button.setMenu(self.menu)
        self.button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        window.scan_panel.button_row.addWidget(self.button)
        self.menu.aboutToShow.connect(self.refresh)
        self._fill()
        self.refresh()

    def _action(self, name: str, slot, shortcut=None) -> QAction:
        return make_action(self.w, name, slot, shortcut)

    def retranslate(self) -> None:
        self.menu.setTitle(tr("Sc&reens"))
        self.button.setText(tr("Screens"))
        self.button.setToolTip(tr("Save, run, import or export screens (选股方案)"))
        self.save_action.setText(tr("Save screen"))
        self.save_as_action.setText(tr("Save screen as…"))
        self.import_action.setText(tr("Import screen or formula…"))
        self.export_action.setText(tr("Export screen…"))
        self.delete_action.setText(tr("Delete screen…"))
        self._fill()

    # -- the list ------------------------------------------------------------------------------
    @Slot()
    def refresh(self) -> None:
        """Read the saved screens' names off the GUI thread; the menu fills when they arrive."""
        self.w.ctx.runner.run(self.library.names, self._on_names, key="screens:names")

    def _on_names(self, names: list[str]) -> None:
        self.names = list(names)
        self._fill()

    def _fill(self) -> None:
        m = self.menu
        m.clear()
        for a in (self.save_action, self.save_as_action):
            m.addAction(a)
        m.addSeparator()
        if not self.names:
            empty = m.addAction(tr("No saved screens"))
            empty.setEnabled(False)
        for name in self.names:
            a = m.addAction(name)
            a.setObjectName(f"runScreen:{name}")
            a.setToolTip(tr("Run the screen “{name}”").format(name=name))
            a.triggered.connect(lambda _=False, n=name: self.run(n))
        m.addSeparator()
        for a in (self.import_action, self.export_action, self.delete_action):
            m.addAction(a)
        self.export_action.setEnabled(bool(self.names))
        self.delete_action.setEnabled(bool(self.names))

    # -- save ----------------------------------------------------------------------------------
    @Slot()
    def save(self) -> None:
        if self.current:
            self._save_as(self.current)
        else:
            self.save_as()

    @Slot()
    def save_as(self) -> None:
        name, ok = QInputDialog.getText(self.w, tr("Save screen"), tr("Name of the screen:"),
                                        text=self.current or "")
        if ok:
            self._save_as(name)

    def _save_as(self, name: str) -> None:
        from desktop_app.core.screens import Screen, check_name

        why = check_name(name)
        if why is not None:
            self._refuse(reason_text(why))
            return
        request = self.w.scan_panel.build_request()
        if request is None:
            self.w.scan_dock.raise_()
            return
        rv = self.w.results_view
        screen = Screen(name.strip(), request.to_dict(), columns=rv.visible_columns() if rv.source_model else [])
        self.w.ctx.runner.run(lambda: self.library.save(screen), lambda _p: self._saved(screen.name), self._failed)

    def _saved(self, name: str) -> None:
        self.current = name
        self.w.statusBar().showMessage(tr("Saved the screen “{name}”").format(name=name), 5000)
        self.refresh()

    # -- run -----------------------------------------------------------------------------------
    def run(self, name: str) -> None:
        """Load the screen (off the GUI thread), show it in the panel, take its columns, scan."""
        self.w.ctx.runner.run(lambda: self.library.get(name), self._run_loaded, self._failed)

    def _run_loaded(self, screen) -> None:
        request = screen.scan_request()
        problems = request.validate()
        if problems:
            self._refuse("\n".join(reason_text(p) for p in problems))
            return
        self.current = screen.name
        self.w.scan_panel.restore(panel_state(request))
        if screen.columns:
            self.w.results_view.show_columns(screen.columns)
        self.w.submit_scan(request)

    # -- import / export / delete --------------------------------------------------------------
    @Slot()
    def import_dialog(self) -> None:
        path = open_file(self.w, "screen_import", tr("Import screen or formula"),
                         [FileType(tr("StockScan screen"), ".json"), FileType(tr("通达信 formula text"), ".txt")])
        if not path:
            return
        self.w.ctx.runner.run(lambda: self.library.import_any(path), lambda s: self._saved(s.name), self._failed)

    @Slot()
    def export_dialog(self) -> None:
        name = self._pick(tr("Export screen"))
        if not name:
            return
        path = save_file(self.w, "screen_export", tr("Export screen"), name,
                         [FileType(tr("StockScan screen"), ".json"), FileType(tr("通达信 formula text"), ".txt")])
        if path:
            self.w.ctx.runner.run(lambda: self.library.export(name, path), None, self._failed)

    @Slot()
    def delete_dialog(self) -> None:
        name = self._pick(tr("Delete screen"))
        if not name:
            return
        if self.current == name:
            self.current = None
        self.w.ctx.runner.run(lambda: self.library.delete(name), lambda _ok: self.refresh(), self._failed)

    def _pick(self, title: str) -> str:
        if not self.names:
            return ""
        name, ok = QInputDialog.getItem(self.w, title, tr("Screen:"), self.names, 0, False)
        return name if ok else ""

    def _failed(self, exc: BaseException) -> None:
        from desktop_app.core.reasons import Reason

        log.warning("screens: %s", exc)
        self._refuse(reason_text(Reason.of(exc)))

    def _refuse(self, text: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, tr("Screens"), text, QMessageBox.StandardButton.Ok, self.w)
        box.setObjectName("screenRefusal")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.open()
