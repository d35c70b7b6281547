"""The parts every StockScan dialog ends with: the red one-sentence error under the fields (hidden
until there is something to say) and the OK / Cancel box wired to accept / reject."""
from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLayout


def error_label(name: str, layout: QLayout) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setStyleSheet("color: #c62828;")
    label.setWordWrap(True)
    label.hide()
    layout.addWidget(label)
    return label


def ok_cancel(dialog: QDialog, layout: QLayout) -> QDialogButtonBox:
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    box.accepted.connect(dialog.accept)
    box.rejected.connect(dialog.reject)
    layout.addWidget(box)
    return box
