"""Save-file dialogs that remember the last folder (and file type) and speak the UI language.

    path = save_file(parent, "results_export", tr("Export results"), "选股结果-20250103",
                     [FileType(tr("CSV (UTF-8, Excel)"), ".csv"), FileType(tr("Excel workbook"), ".xlsx")])

``open_save_dialog`` is the same without blocking: a window-modal dialog, already open, that
calls back with the chosen path (the stock view's PNG and report exports; tests drive the dialog).

``key`` names the dialog's memory in ``QSettings()`` (``dialogs/<key>/folder`` and ``…/suffix``):
each kind of export comes back to the folder it last saved to, offering the type last chosen,
the way 通达信's 数据导出 does. The returned path always ends with the chosen type's suffix.

Language: the platform's native dialog speaks the operating system's language, so it is used only
when that is the UI language; otherwise Qt's own dialog is used, which the app's installed Qt
translations (``qtbase_zh_CN.qm``, see ``ui/i18n.py``) render in Chinese. The title and the
file-type names are the caller's ``tr()`` words.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from PySide6.QtCore import QLocale, QSettings
from PySide6.QtWidgets import QFileDialog, QWidget

from desktop_app.ui.i18n import is_zh, tr


@dataclass(frozen=True)
class FileType:
    """One choice of the dialog's type box: a translated name and its suffix (with the dot)."""

    label: str
    suffix: str

    @property
    def filter(self) -> str:
        return f"{self.label} (*{self.suffix})"


def _key(key: str, what: str) -> str:
    return f"dialogs/{key}/{what}"


def last_folder(key: str) -> str:
    """The folder the ``key`` dialog last saved to, if it still exists; else the home folder."""
    v = QSettings().value(_key(key, "folder"))
    if isinstance(v, str) and v and os.path.isdir(v):
        return v
    return str(Path.home())


def remember(key: str, path: str | Path) -> None:
    p = Path(path)
    s = QSettings()
    s.setValue(_key(key, "folder"), str(p.parent))
    if p.suffix:
        s.setValue(_key(key, "suffix"), p.suffix.lower())


def native_speaks_ui_language() -> bool:
    """True when the system's language (what a native dialog speaks) is the UI's."""
    zh_system = QLocale.system().language() == QLocale.Language.Chinese
    return zh_system == is_zh()


def dialog_options() -> QFileDialog.Option:
    if native_speaks_ui_language():
        return QFileDialog.Option(0)
    return QFileDialog.Option.DontUseNativeDialog


def save_file(parent: QWidget | None, key: str, title: str, name: str, types: Sequence[FileType]) -> str:
    """Ask where to save; ``name`` is the suggested file name (its suffix is replaced by the
    remembered or first type's). Returns the chosen path with a suffix of ``types``, or "" if the
    user cancelled. Remembers the folder and type for the next ``key`` dialog."""
    if not types:
        raise ValueError("save_file needs at least one file type")
    remembered = QSettings().value(_key(key, "suffix"))
    first = next((t for t in types if t.suffix == remembered), types[0])
    start = os.path.join(last_folder(key), Path(name).stem + first.suffix)
    path, chosen_filter = QFileDialog.getSaveFileName(
        parent, title, start, ";;".join(t.filter for t in types), first.filter, dialog_options())
    if not path:
        return ""
    suffixes = {t.suffix.lower() for t in types}
    if Path(path).suffix.lower() not in suffixes:
        chosen = next((t for t in types if t.filter == chosen_filter), first)
        path += chosen.suffix
    remember(key, path)
    return path


def open_save_dialog(parent: QWidget, key: str, title: str, name: str, file_type: FileType,
                     on_chosen: Callable[[str], None]) -> QFileDialog:
    """A window-modal save dialog in the folder the ``key`` dialog last saved to, already open;
    ``on_chosen(path)`` gets the chosen path with the type's suffix ensured, and the folder is
    remembered. Always Qt's own dialog, its words set here in the UI language (a native one,
    opened without blocking, would speak the desktop's). Returns the dialog."""
    dlg = QFileDialog(parent, title)
    dlg.setObjectName("exportFileDialog")
    dlg.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    dlg.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dlg.setFileMode(QFileDialog.FileMode.AnyFile)
    dlg.setNameFilter(file_type.filter)
    dlg.setDefaultSuffix(file_type.suffix.lstrip("."))
    dlg.setDirectory(last_folder(key))
    dlg.selectFile(name)
    for label, text in ((QFileDialog.DialogLabel.LookIn, tr("Look in:")),
                        (QFileDialog.DialogLabel.FileName, tr("File name:")),
                        (QFileDialog.DialogLabel.FileType, tr("Files of type:")),
                        (QFileDialog.DialogLabel.Accept, tr("Save")),
                        (QFileDialog.DialogLabel.Reject, tr("Cancel"))):
        dlg.setLabelText(label, text)

    def chosen(path: str) -> None:
        if not path:
            return
        if not path.lower().endswith(file_type.suffix.lower()):
            path += file_type.suffix
        remember(key, path)
        on_chosen(path)

    dlg.fileSelected.connect(chosen)
    dlg.finished.connect(dlg.deleteLater)
    dlg.open()
    return dlg


def open_file(parent: QWidget | None, key: str, title: str, types: Sequence[FileType]) -> str:
    """Ask for a file to open, starting in the folder ``key`` last used; "" if cancelled."""
    every = f"{' / '.join(t.label for t in types)} ({' '.join('*' + t.suffix for t in types)})"
    filters = ";;".join([every] + [t.filter for t in types]) if len(types) > 1 else ";;".join(t.filter for t in types)
    path, _ = QFileDialog.getOpenFileName(parent, title, last_folder(key), filters, "", dialog_options())
    if path:
        remember(key, path)
    return path
