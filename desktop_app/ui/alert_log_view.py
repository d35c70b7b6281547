"""The alert dock (预警): the log of fired alerts (newest first, DEMO marked) and the rules with
their state — remove, re-arm (fire again today), on/off, and "check now". Reads and writes run on
the background runner; the log is re-read after each check pass."""
from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QAbstractItemView, QHeaderView, QLabel, QTableWidget, QTableWidgetItem, QTabWidget,
                               QVBoxLayout, QWidget)

from desktop_app.core.reasons import Reason
from desktop_app.ui.i18n import model_lang, reason_text, tr
from desktop_app.ui.button_row import button_row


def _table(name: str, headers: int) -> QTableWidget:
    t = QTableWidget(0, headers)
    t.setObjectName(name)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.verticalHeader().hide()
    t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    t.horizontalHeader().setStretchLastSection(True)
    return t


class AlertLogView(QWidget):
    new_rule_requested = Signal()
    check_requested = Signal()

    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("alertLogView")
        self.ctx = ctx
        self.entries: list = []
        self.rules: list = []
        lay = QVBoxLayout(self)
        lay.setContentsMargins(2, 2, 2, 2)
        self.status = QLabel()
        self.status.setObjectName("alertStatus")
        lay.addWidget(self.status)
        self.tabs = QTabWidget()
        self.log_table = _table("alertLogTable", 3)
        self.rule_table = _table("alertRuleTable", 4)
        self.log_table.setColumnWidth(0, 150)
        self.log_table.setColumnWidth(1, 64)
        self.tabs.addTab(self.log_table, "")
        rules_page = QWidget()
        rl = QVBoxLayout(rules_page)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.rule_table, 1)
        self.buttons = button_row("alerts", (("new", self.new_rule_requested.emit), ("remove", self.remove_selected),
                                             ("rearm", self.rearm_selected), ("toggle", self.toggle_selected),
                                             ("check", self.check_requested.emit)), rl)
        self.tabs.addTab(rules_page, "")
        lay.addWidget(self.tabs, 1)
        self.retranslate()

    def retranslate(self) -> None:
        self.tabs.setTabText(0, tr("Fired"))
        self.tabs.setTabText(1, tr("Rules"))
        self.log_table.setHorizontalHeaderLabels([tr("Time"), tr("Code"), tr("Alert")])
        self.rule_table.setHorizontalHeaderLabels([tr("No."), tr("Watch"), tr("When"), tr("State")])
        for key, text in (("new", "New…"), ("remove", "Remove"), ("rearm", "Re-arm"), ("toggle", "On / off"),
                          ("check", "Check now")):
            self.buttons[key].setText(tr(text))
        self.buttons["rearm"].setToolTip(tr("Let the alert fire again today"))
        self._fill()

    @property
    def alerts(self) -> Any:
        from desktop_app.core.alert_store import AlertStore

        return AlertStore(self.ctx.watchlist.store)

    def reload(self) -> None:
        alerts = self.alerts
        self.ctx.runner.run(lambda: (alerts.log(), alerts.rules(), alerts.fired_today()), self._loaded,
                            self._failed, key="alert-log")

    def _failed(self, exc: BaseException) -> None:
        self.status.setText(reason_text(Reason.of(exc)))

    def _loaded(self, result: tuple) -> None:
        self.entries, self.rules, self.fired = result
        self._fill()

    def _fill(self) -> None:
        from desktop_app.ui.alert_editor import rule_text

        lang = model_lang()
        self.log_table.setRowCount(len(self.entries))
        for i, e in enumerate(self.entries):
            text = ("DEMO · " if e.demo else "") + e.message.text(lang)
            for j, v in enumerate((e.at.replace("T", " "), e.code, text)):
                item = QTableWidgetItem(v)
                item.setToolTip(text)
                self.log_table.setItem(i, j, item)
        self.rule_table.setRowCount(len(self.rules))
        fired = {rid for rid, _ in getattr(self, "fired", set())}
        for i, r in enumerate(self.rules):
            target = {"stock": r.target, "group": tr("Group “{name}”").format(name=r.target),
                      "holdings": tr("Every holding")}[r.target_kind]
            state = tr("on") if r.enabled else tr("off")
            if r.id in fired:
                state += " · " + tr("fired today")
            for j, v in enumerate((f"#{r.id}", target, rule_text(r), state)):
                self.rule_table.setItem(i, j, QTableWidgetItem(v))

    def entry_texts(self) -> list[str]:
        return [self.log_table.item(i, 2).text() for i in range(self.log_table.rowCount())]

    def _selected_rules(self) -> list:
        rows = sorted({i.row() for i in self.rule_table.selectedIndexes()})
        return [self.rules[r] for r in rows if r < len(self.rules)]

    def _run(self, fn) -> None:
        self.ctx.runner.run(fn, lambda _: self.reload(), self._failed)

    def remove_selected(self) -> None:
        picked, alerts = self._selected_rules(), self.alerts
        if picked:
            self._run(lambda: [alerts.remove(r.id) for r in picked])

    def rearm_selected(self) -> None:
        picked, alerts = self._selected_rules(), self.alerts
        if picked:
            self._run(lambda: [alerts.rearm(r.id) for r in picked])

    def toggle_selected(self) -> None:
        picked, alerts = self._selected_rules(), self.alerts
        if picked:
            self._run(lambda: [alerts.set_enabled(r.id, not r.enabled) for r in picked])

    def rule_summary(self) -> list[str]:
        return [json.dumps({"kind": r.kind, "target": r.target, **r.params}, ensure_ascii=False) for r in self.rules]
