"""The small dialog a validation starts with: the period (the last N trading days, default 250,
or from/to dates), the portfolio's top N and hold K, and the costs (commission, stamp duty,
slippage, in percent; the A-share defaults 0.025 %, 0.05 %, 0). Its choice is remembered in ``QSettings()``
under ``validation/options`` (the options dict ``workers.task_factory.validation_options`` makes)."""
from __future__ import annotations

import json

from PySide6.QtCore import QDate, QSettings, Qt
from PySide6.QtWidgets import (QDateEdit, QDialog, QDialogButtonBox, QDoubleSpinBox, QFormLayout, QHBoxLayout,
                               QLabel, QRadioButton, QSpinBox, QVBoxLayout, QWidget)

from desktop_app.ui.i18n import tr
from desktop_app.ui.dialog_parts import error_label

KEY = "validation/options"
DEFAULT = {"period": {"days": 250, "start": None, "end": None}, "top_n": 10, "hold": 5,
           "costs": {"commission": 0.00025, "stamp_duty": 0.0005, "slippage": 0.0}}


def remembered() -> dict:
    """The options last used (the defaults when none or unreadable)."""
    raw = QSettings().value(KEY)
    try:
        d = json.loads(raw) if isinstance(raw, str) else None
    except ValueError:
        d = None
    if not isinstance(d, dict) or not isinstance(d.get("period"), dict):
        return json.loads(json.dumps(DEFAULT))
    costs = d.get("costs") if isinstance(d.get("costs"), dict) else {}
    return {"period": {k: d["period"].get(k) for k in ("days", "start", "end")},
            "top_n": int(d.get("top_n") or 10), "hold": int(d.get("hold") or 5),
            "costs": {k: float(costs.get(k, v)) for k, v in DEFAULT["costs"].items()}}


def remember(options: dict) -> None:
    QSettings().setValue(KEY, json.dumps(options))


class ValidationDialog(QDialog):
    """``options()`` after ``accept``; the caller remembers them once the task is submitted."""

    def __init__(self, options: dict | None = None, title: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("validationDialog")
        self.setWindowTitle(tr("Validate the screen"))
        o = options or remembered()
        per = o["period"]
        lay = QVBoxLayout(self)
        intro = QLabel(tr("Evaluate the scan panel's screen on every trading day of a past period and "
                          "measure what its signals did next: bought at the next open, sold k days later."))
        intro.setWordWrap(True)
        lay.addWidget(intro)
        if title:
            what = QLabel(title)
            what.setObjectName("validationScreen")
            what.setWordWrap(True)
            what.setStyleSheet("font-weight: bold;")
            lay.addWidget(what)
        form = QFormLayout()
        self.last_radio = QRadioButton(tr("The last trading days"))
        self.last_radio.setObjectName("lastDaysRadio")
        self.days = QSpinBox()
        self.days.setObjectName("validationDays")
        self.days.setRange(5, 5000)
        self.days.setValue(int(per.get("days") or 250))
        self.days.setSuffix(tr(" days"))
        form.addRow(self.last_radio, self.days)
        self.dates_radio = QRadioButton(tr("From – to"))
        self.dates_radio.setObjectName("datesRadio")
        row = QHBoxLayout()
        self.start = QDateEdit()
        self.end = QDateEdit()
        for w, name, v, dflt in ((self.start, "validationStart", per.get("start"), QDate.currentDate().addYears(-1)),
                                 (self.end, "validationEnd", per.get("end"), QDate.currentDate())):
            w.setObjectName(name)
            w.setCalendarPopup(True)
            w.setDisplayFormat("yyyy-MM-dd")
            d = QDate.fromString(str(v), "yyyy-MM-dd") if v else QDate()
            w.setDate(d if d.isValid() else dflt)
            row.addWidget(w)
        form.addRow(self.dates_radio, row)
        self.top_n = QSpinBox()
        self.top_n.setObjectName("validationTopN")
        self.top_n.setRange(1, 100)
        self.top_n.setValue(int(o.get("top_n") or 10))
        form.addRow(tr("Portfolio: top N a day"), self.top_n)
        self.hold = QSpinBox()
        self.hold.setObjectName("validationHold")
        self.hold.setRange(1, 60)
        self.hold.setValue(int(o.get("hold") or 5))
        self.hold.setSuffix(tr(" days"))
        form.addRow(tr("Portfolio: hold K"), self.hold)
        costs = {**DEFAULT["costs"], **(o.get("costs") or {})}
        self.costs: dict[str, QDoubleSpinBox] = {}
        for key, label in (("commission", tr("Commission, each side")), ("stamp_duty", tr("Stamp duty, on sells")),
                           ("slippage", tr("Slippage, each side"))):
            box = QDoubleSpinBox()
            box.setObjectName(f"validation_{key}")
            box.setDecimals(3)
            box.setRange(0.0, 5.0)
            box.setSingleStep(0.005)
            box.setSuffix(" %")
            box.setValue(100.0 * float(costs[key]))
            self.costs[key] = box
            form.addRow(label, box)
        lay.addLayout(form)
        self.error = error_label("validationDialogError", lay)
        by_dates = bool(per.get("start") or per.get("end"))
        self.dates_radio.setChecked(by_dates)
        self.last_radio.setChecked(not by_dates)
        self.last_radio.toggled.connect(self._sync)
        self._sync()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("Validate"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("Cancel"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        lay.addWidget(self.buttons)
        self.setMinimumWidth(420)

    def _sync(self) -> None:
        last = self.last_radio.isChecked()
        self.days.setEnabled(last)
        self.start.setEnabled(not last)
        self.end.setEnabled(not last)

    def options(self) -> dict:
        from desktop_app.workers.task_factory import validation_options

        costs = {k: round(box.value() / 100.0, 8) for k, box in self.costs.items()}
        if self.last_radio.isChecked():
            return validation_options(days=self.days.value(), top_n=self.top_n.value(), hold=self.hold.value(),
                                      costs=costs)
        return validation_options(start=self.start.date().toString(Qt.DateFormat.ISODate),
                                  end=self.end.date().toString(Qt.DateFormat.ISODate),
                                  top_n=self.top_n.value(), hold=self.hold.value(), costs=costs)

    def accept(self) -> None:  # noqa: D401 (Qt override)
        if self.dates_radio.isChecked() and self.start.date() > self.end.date():
            self.error.setText(tr("The first day is after the last day."))
            self.error.show()
            return
        super().accept()
