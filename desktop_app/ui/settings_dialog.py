"""The settings dialog and the QSettings keys of the application's preferences.

Settings are read with ``load_settings()`` and written with ``save_settings()`` (plain
``QSettings()``; organisation/application names are set at start-up). The main window applies a
changed value at once: source (switched off the GUI thread), concurrency, retention, language
(live retranslation), theme."""
from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import QSettings, Signal, Slot
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QLabel,
                               QLineEdit, QPushButton, QSpinBox, QVBoxLayout, QWidget)

from desktop_app.core import paths
from desktop_app.ui.i18n import tr

DEFAULTS: dict[str, Any] = {
    "source": "auto",          # auto | akshare | demo
    "max_running": 2,
    "history_keep": 200,       # finished tasks kept in the history (oldest pruned first)
    "language": "system",      # system | zh_CN | en
    "theme": "system",         # system | light | dark
}
_INT_KEYS = {"max_running", "history_keep"}
#: What each saved value may be: an inclusive (min, max) range, or the allowed choices (the
#: dialog's spin-box ranges and combo items).
ALLOWED: dict[str, Any] = {
    "source": ("auto", "akshare", "demo"),
    "max_running": (1, 8),
    "history_keep": (10, 10000),
    "language": ("system", "zh_CN", "en"),
    "theme": ("system", "light", "dark"),
}


def load_settings(problems: list | None = None) -> dict[str, Any]:
    """The saved preferences; a value that is not allowed (``ALLOWED``: out of range, not a
    number, an unknown choice — a hand-edited or damaged settings file) is replaced by its default,
    and a Reason saying so is appended to ``problems``."""
    from desktop_app.core.reasons import R

    s = QSettings()
    out = {}
    for k, d in DEFAULTS.items():
        raw = s.value(f"settings/{k}", d)
        allowed = ALLOWED[k]
        v: Any = raw
        if k in _INT_KEYS:
            try:
                v = int(str(raw).strip())
                ok = allowed[0] <= v <= allowed[1]
            except (TypeError, ValueError):
                ok = False
            shown = f"{allowed[0]}–{allowed[1]}"
        else:
            v = raw if isinstance(raw, str) else str(raw)
            ok = v in allowed
            shown = ", ".join(allowed)
        if not ok:
            if problems is not None:
                problems.append(R("setting_out_of_range", key=k, value=repr(raw)[:40], allowed=shown, default=d))
            v = d
        out[k] = v
    return out


def save_settings(values: dict[str, Any]) -> None:
    s = QSettings()
    for k in DEFAULTS:
        if k in values:
            s.setValue(f"settings/{k}", values[k])
    s.sync()


class SettingsDialog(QDialog):
    """Edits the preferences; ``values()`` after ``accept``. "Clear cache" calls ``clear_cache``."""

    clear_cache_requested = Signal()

    def __init__(self, values: dict[str, Any] | None = None, parent: QWidget | None = None,
                 clear_cache: Callable[[], None] | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle(tr("Settings"))
        vals = dict(DEFAULTS)
        vals.update(values or {})
        lay = QVBoxLayout(self)
        form = QFormLayout()
        lay.addLayout(form)

        def combo(name: str, items: list[tuple[str, str]], value: str) -> QComboBox:
            c = QComboBox()
            c.setObjectName(name)
            for text, data in items:
                c.addItem(text, data)
            c.setCurrentIndex(max(0, c.findData(value)))
            return c

        self.source_combo = combo("sourceCombo", [
            (tr("Automatic (akshare when reachable, else demo)"), "auto"),
            (tr("akshare (live market data)"), "akshare"),
            (tr("Demo market (offline, synthetic)"), "demo")], vals["source"])
        form.addRow(tr("Data source"), self.source_combo)
        self.max_running = QSpinBox()
        self.max_running.setObjectName("maxRunning")
        self.max_running.setRange(1, 8)
        self.max_running.setValue(int(vals["max_running"]))
        form.addRow(tr("Tasks running at once"), self.max_running)
        self.history_keep = QSpinBox()
        self.history_keep.setObjectName("historyKeep")
        self.history_keep.setRange(10, 10000)
        self.history_keep.setValue(int(vals["history_keep"]))
        self.history_keep.setSuffix(" " + tr("tasks"))
        form.addRow(tr("Keep finished tasks"), self.history_keep)
        self.language_combo = combo("languageCombo", [
            (tr("Follow system"), "system"), ("中文", "zh_CN"), ("English", "en")], vals["language"])
        form.addRow(tr("Language"), self.language_combo)
        self.theme_combo = combo("themeCombo", [
            (tr("Follow system"), "system"), (tr("Light"), "light"), (tr("Dark"), "dark")], vals["theme"])
        form.addRow(tr("Theme"), self.theme_combo)
        cache_row = QHBoxLayout()
        self.cache_path = QLineEdit(str(paths.cache_dir()))
        self.cache_path.setObjectName("cachePath")
        self.cache_path.setReadOnly(True)
        self.clear_button = QPushButton(tr("Clear cache"))
        self.clear_button.setObjectName("clearCache")
        self.clear_button.clicked.connect(self._clear)
        cache_row.addWidget(self.cache_path, 1)
        cache_row.addWidget(self.clear_button)
        form.addRow(tr("Cache folder"), cache_row)
        self.cache_note = QLabel(tr("Clearing removes the cached daily bars of the current source; "
                                    "they are downloaded again when needed."))
        self.cache_note.setWordWrap(True)
        form.addRow(self.cache_note)
        self._clear_cache = clear_cache
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        box.accepted.connect(self.accept)
        box.rejected.connect(self.reject)
        lay.addWidget(box)

    @Slot()
    def _clear(self) -> None:
        self.clear_button.setEnabled(False)
        self.clear_button.setText(tr("Cache cleared"))
        if self._clear_cache is not None:
            self._clear_cache()
        self.clear_cache_requested.emit()

    def values(self) -> dict[str, Any]:
        return {
            "source": self.source_combo.currentData(),
            "max_running": self.max_running.value(),
            "history_keep": self.history_keep.value(),
            "language": self.language_combo.currentData(),
            "theme": self.theme_combo.currentData(),
        }
