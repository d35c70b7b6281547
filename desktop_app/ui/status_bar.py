"""The main window's status bar: data source with its DEMO badge and one-click switch, data
freshness ("数据截至 2026-11-27") and the running-task count."""
from __future__ import annotations

from typing import Any

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QStatusBar, QToolButton

from desktop_app.core.data.probe import source_details
from desktop_app.ui.i18n import model_lang, reason_text, tr

def demo_badge_text() -> str:
    """DEMO, and the word for it in the UI language (演示数据 in Chinese)."""
    return "DEMO " + tr("demo data")
BADGE_STYLE = ("QLabel { background: #d84315; color: white; font-weight: bold;"
               " border-radius: 3px; padding: 1px 6px; }")


class StatusBarWidgets:
    """Builds the permanent widgets into ``bar`` and keeps their texts current."""

    def __init__(self, bar: QStatusBar, switch_action: QAction) -> None:
        self.bar = bar
        self.switch_action = switch_action
        self.source_label = QLabel()
        self.source_label.setObjectName("sourceLabel")
        self.demo_badge = QLabel(demo_badge_text())
        self.demo_badge.setObjectName("demoBadge")
        self.demo_badge.setStyleSheet(BADGE_STYLE)
        self.demo_badge.hide()
        # One click from the DEMO badge to live data (and back): DESIGN.md §4.1.
        self.switch_button = QToolButton()
        self.switch_button.setObjectName("switchSourceButton")
        self.switch_button.setDefaultAction(switch_action)
        self.switch_button.setAutoRaise(True)
        self.freshness_label = QLabel()
        self.freshness_label.setObjectName("freshnessLabel")
        self.running_label = QLabel()
        self.running_label.setObjectName("runningLabel")
        for w in (self.demo_badge, self.source_label, self.switch_button, self.freshness_label,
                  self.running_label):
            bar.addPermanentWidget(w)

    def show_source(self, ctx: Any) -> None:
        """Source name, DEMO badge, the fallback note as tooltip, and the switch's wording."""
        if ctx.source is None:
            self.source_label.setText(tr("Detecting data source…") if ctx.switching else tr("No data source"))
            self.demo_badge.hide()
            return
        self.demo_badge.setVisible(ctx.is_demo)
        self.demo_badge.setText(demo_badge_text())
        name = tr("Demo market") if ctx.is_demo else "akshare"
        self.source_label.setText(tr("Source: {name}").format(name=name))
        note = ctx.source_note
        details = source_details(note, model_lang()) if note else ""
        self.source_label.setToolTip("\n".join(x for x in (reason_text(note) if note else "", details) if x))
        self.switch_action.setText(tr("Use live data (akshare)") if ctx.is_demo else tr("Use the demo market"))

    def show_freshness(self, date: Any) -> None:
        if date is None:
            self.freshness_label.setText(tr("No data cached yet"))
        else:
            self.freshness_label.setText(tr("Data as of {date}").format(
                date=date.isoformat() if hasattr(date, "isoformat") else str(date)))

    def show_running(self, n: int) -> None:
        self.running_label.setText(tr("Running tasks: {n}").format(n=n))
