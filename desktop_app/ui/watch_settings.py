"""The settings of the intraday snapshot and the alerts: live snapshot on/off, its interval (at
least ``MIN_INTERVAL_S``; the whole-market snapshot takes about a minute to page in) and
close-to-tray. Kept in ``QSettings`` under ``watch/``."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QCheckBox, QDialog, QFormLayout, QLabel, QSpinBox, QVBoxLayout, QWidget

from desktop_app.ui.i18n import tr
from desktop_app.workers.snapshot_task import DEFAULT_INTERVAL_S, MIN_INTERVAL_S
from desktop_app.ui.dialog_parts import ok_cancel

DEFAULTS = {"live": True, "interval_s": DEFAULT_INTERVAL_S, "close_to_tray": False}


def _bool(v: Any) -> bool:
    return v if isinstance(v, bool) else str(v).lower() in ("1", "true", "yes")


def load_watch_settings() -> dict[str, Any]:
    s = QSettings()
    out = dict(DEFAULTS)
    out["live"] = _bool(s.value("watch/live", DEFAULTS["live"]))
    out["close_to_tray"] = _bool(s.value("watch/close_to_tray", DEFAULTS["close_to_tray"]))
    try:
        out["interval_s"] = max(MIN_INTERVAL_S, min(3600, int(s.value("watch/interval_s", DEFAULT_INTERVAL_S))))
    except (TypeError, ValueError):
        pass
    return out


def save_watch_settings(values: dict[str, Any]) -> None:
    s = QSettings()
    for k in DEFAULTS:
        if k in values:
            s.setValue(f"watch/{k}", values[k])
    s.sync()


class WatchSettingsDialog(QDialog):
    def __init__(self, values: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("watchSettingsDialog")
        self.setWindowTitle(tr("Snapshot and alerts"))
        lay = QVBoxLayout(self)
        form = QFormLayout()
        self.live = QCheckBox(tr("Refresh the snapshot during trading hours"))
        self.live.setObjectName("watchLive")
        self.live.setChecked(bool(values["live"]))
        self.interval = QSpinBox()
        self.interval.setObjectName("watchInterval")
        self.interval.setRange(MIN_INTERVAL_S // 60, 60)
        self.interval.setSuffix(tr(" min"))
        self.interval.setValue(max(MIN_INTERVAL_S, int(values["interval_s"])) // 60)
        self.tray = QCheckBox(tr("Closing the window keeps StockScan in the tray"))
        self.tray.setObjectName("watchCloseToTray")
        self.tray.setChecked(bool(values["close_to_tray"]))
        form.addRow(self.live)
        form.addRow(tr("Snapshot every"), self.interval)
        form.addRow(self.tray)
        lay.addLayout(form)
        note = QLabel(tr("The whole market's snapshot takes about a minute to arrive; alerts are checked on each one."))
        note.setWordWrap(True)
        lay.addWidget(note)
        ok_cancel(self, lay)

    def values(self) -> dict[str, Any]:
        return {"live": self.live.isChecked(), "interval_s": self.interval.value() * 60,
                "close_to_tray": self.tray.isChecked()}
