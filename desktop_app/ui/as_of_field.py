"""The scan panel's "as of a past day" (历史日期) field: off, the scan uses the latest bars; on,
the scan is run as of the chosen day (``ScanRequest.as_of``) — bars up to that day only."""
from __future__ import annotations

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QCheckBox, QDateEdit, QHBoxLayout, QWidget

from desktop_app.ui.i18n import tr


class AsOfField(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("asOfField")
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.check = QCheckBox()
        self.check.setObjectName("asOfCheck")
        self.date = QDateEdit(QDate.currentDate().addMonths(-1))
        self.date.setObjectName("asOfDate")
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.date.setMaximumDate(QDate.currentDate())
        self.date.setEnabled(False)
        self.check.toggled.connect(self.date.setEnabled)
        lay.addWidget(self.check)
        lay.addWidget(self.date, 1)
        self.retranslate()

    def retranslate(self) -> None:
        self.check.setText(tr("As of"))
        self.check.setToolTip(tr("Scan as of a past day: the bars up to that day only"))

    def value(self) -> str:
        """"YYYY-MM-DD", or "" for the latest day."""
        return self.date.date().toString(Qt.DateFormat.ISODate) if self.check.isChecked() else ""

    def set_value(self, day: str) -> None:
        d = QDate.fromString(str(day or ""), Qt.DateFormat.ISODate)
        self.check.setChecked(d.isValid())
        if d.isValid():
            self.date.setDate(d)
