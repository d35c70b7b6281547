"""The preview of an import into a watchlist group (a 通达信 .blk, CSV/XLSX, the clipboard): how
many codes would be added to which group, and every rejected line with its reason, before
anything is added."""
from __future__ import annotations

from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel,
                               QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from desktop_app.ui.i18n import reason_text, tr


class ImportPreviewDialog(QDialog):
    def __init__(self, preview, groups: list[str], group: str, source_name: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("watchImportDialog")
        self.setWindowTitle(tr("Import into the watchlist"))
        self.preview = preview
        lay = QVBoxLayout(self)
        form = QFormLayout()
        self.group_combo = QComboBox()
        self.group_combo.setObjectName("watchImportGroup")
        self.group_combo.addItems(groups)
        self.group_combo.setCurrentText(group)
        form.addRow(tr("Into group"), self.group_combo)
        lay.addLayout(form)
        self.summary = QLabel(tr("{file}: {n} codes to add, {bad} lines rejected, {dup} duplicates.").format(
            file=source_name, n=len(preview.codes), bad=len(preview.rejected), dup=preview.duplicates))
        self.summary.setObjectName("watchImportSummary")
        self.summary.setWordWrap(True)
        lay.addWidget(self.summary)
        self.rejected = QTableWidget(len(preview.rejected), 3)
        self.rejected.setObjectName("watchImportRejected")
        self.rejected.setHorizontalHeaderLabels([tr("Line"), tr("Text"), tr("Why rejected")])
        self.rejected.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.rejected.verticalHeader().hide()
        self.rejected.horizontalHeader().setStretchLastSection(True)
        for i, (n, text, reason) in enumerate(preview.rejected):
            for j, v in enumerate((str(n), text, reason_text(reason))):
                self.rejected.setItem(i, j, QTableWidgetItem(v))
        self.rejected.setVisible(bool(preview.rejected))
        lay.addWidget(self.rejected, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("Add {n}").format(n=len(preview.codes)))
        buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(bool(preview.codes))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.resize(560, 380 if preview.rejected else 160)

    def group(self) -> str:
        return self.group_combo.currentText()
