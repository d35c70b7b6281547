"""Adding a holding (持仓): code, quantity, cost a share and the day bought; checked by
``core.watch_store.check_holding`` (the reason shows under the fields)."""
from __future__ import annotations

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (QDateEdit, QDialog, QDoubleSpinBox, QFormLayout,
                               QLineEdit, QVBoxLayout, QWidget)

from desktop_app.ui.i18n import reason_text, tr
from desktop_app.ui.dialog_parts import error_label, ok_cancel


class HoldingDialog(QDialog):
    def __init__(self, code: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("holdingDialog")
        self.setWindowTitle(tr("Add a holding"))
        self.holding = None
        lay = QVBoxLayout(self)
        form = QFormLayout()
        self.code_edit = QLineEdit(code)
        self.code_edit.setObjectName("holdingCode")
        self.code_edit.setPlaceholderText("600519")
        self.quantity = QDoubleSpinBox()
        self.quantity.setObjectName("holdingQuantity")
        self.quantity.setDecimals(0)
        self.quantity.setRange(0, 1e10)
        self.quantity.setSingleStep(100)
        self.quantity.setValue(100)
        self.cost = QDoubleSpinBox()
        self.cost.setObjectName("holdingCost")
        self.cost.setDecimals(3)
        self.cost.setRange(0, 1e6)
        self.date = QDateEdit(QDate.currentDate())
        self.date.setObjectName("holdingDate")
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        form.addRow(tr("Code"), self.code_edit)
        form.addRow(tr("Quantity (shares)"), self.quantity)
        form.addRow(tr("Cost a share (yuan)"), self.cost)
        form.addRow(tr("Bought on"), self.date)
        lay.addLayout(form)
        self.error = error_label("holdingError", lay)
        ok_cancel(self, lay)

    def accept(self) -> None:
        from desktop_app.core.watch_store import WatchError, check_holding

        try:
            self.holding = check_holding(self.code_edit.text(), self.quantity.value(), self.cost.value(),
                                         self.date.date().toString("yyyy-MM-dd"))
        except WatchError as e:
            self.error.setText(reason_text(e.reason))
            self.error.show()
            return
        super().accept()
