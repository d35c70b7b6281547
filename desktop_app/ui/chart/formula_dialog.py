"""The "Add formula indicator…" dialog: a name, a 通达信 indicator formula, own pane or price pane.

The formula is checked (``core.formula.check``: parsing and naming, no bars, milliseconds) when
the user presses OK; a formula with errors keeps the dialog open with every problem as its
positioned sentence (``第1行第17列: 未知函数 MAA；是否是 MA?``) in the UI language, and the text cursor
on the first one. :func:`error_text` renders such a list of reasons; it lives here, with the chart,
and the scan panel's formula editor may have its own (see the report of issue 14 §6).

The dialog opens window-modal with :meth:`QDialog.open` and reports through ``accepted``;
:meth:`values` gives what was typed. :meth:`retranslate` rewrites its words (and the errors shown)
after a language switch.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase, QTextCursor
from PySide6.QtWidgets import (QButtonGroup, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout,
                               QLabel, QLineEdit, QPlainTextEdit, QRadioButton, QVBoxLayout, QWidget)

from ..i18n import reason_text, tr

EXAMPLE = "VAR1:=EMA(C,12)-EMA(C,26);\n主力:EMA(VAR1,9),COLORRED;\n散户:MA(VAR1,5),COLORGREEN;\n0,DOTLINE;"


def error_text(reasons) -> str:
    """Every problem of a formula, one sentence a line, in the UI language."""
    return "\n".join(reason_text(r) for r in reasons)


def first_position(reasons) -> tuple[int, int] | None:
    """(line, column), both from 1, of the first positioned problem."""
    for r in reasons:
        params = getattr(r, "params", {}) or {}
        if params.get("line") and params.get("column"):
            return int(params["line"]), int(params["column"])
    return None


class FormulaIndicatorDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("formulaIndicatorDialog")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.resize(560, 380)
        self._reasons: list = []
        self._missing_name = False
        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("formulaName")
        self.formula_edit = QPlainTextEdit()
        self.formula_edit.setObjectName("formulaText")
        self.formula_edit.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.formula_edit.setPlaceholderText(EXAMPLE)
        self.own_pane = QRadioButton()
        self.own_pane.setObjectName("formulaOwnPane")
        self.price_pane = QRadioButton()
        self.price_pane.setObjectName("formulaPricePane")
        self.own_pane.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.own_pane)
        group.addButton(self.price_pane)
        self.error_label = QLabel()
        self.error_label.setObjectName("formulaError")
        self.error_label.setWordWrap(True)
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label.setStyleSheet("QLabel#formulaError { color: #d32f2f; }")
        self.error_label.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok |
                                        QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.try_accept)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout()
        self.name_label, self.formula_label, self.place_label = QLabel(), QLabel(), QLabel()
        form.addRow(self.name_label, self.name_edit)
        form.addRow(self.formula_label, self.formula_edit)
        places = QHBoxLayout()
        places.addWidget(self.own_pane)
        places.addWidget(self.price_pane)
        places.addStretch(1)
        form.addRow(self.place_label, places)
        lay = QVBoxLayout(self)
        lay.addLayout(form, 1)
        lay.addWidget(self.error_label)
        lay.addWidget(self.buttons)
        self.retranslate()

    def values(self) -> tuple[str, str, bool]:
        """``(name, formula text, on the price pane)`` as typed."""
        return self.name_edit.text().strip(), self.formula_edit.toPlainText(), self.price_pane.isChecked()

    def errors(self) -> str:
        """The error sentences shown ("" when none)."""
        return self.error_label.text() if not self.error_label.isHidden() else ""

    def try_accept(self) -> bool:
        """Accept if the name is given and the formula compiles; else show why and stay open."""
        from desktop_app.core.formula import check

        name, text, _on_price = self.values()
        self._missing_name = not name
        self._reasons = check(text)
        self._show_errors()
        if self._missing_name or self._reasons:
            pos = first_position(self._reasons)
            if pos is not None:
                self._put_cursor(*pos)
            return False
        self.accept()
        return True

    def _put_cursor(self, line: int, column: int) -> None:
        block = self.formula_edit.document().findBlockByNumber(line - 1)
        if not block.isValid():
            return
        cur = QTextCursor(block)
        cur.movePosition(QTextCursor.MoveOperation.Right, QTextCursor.MoveMode.MoveAnchor,
                         min(column - 1, max(0, block.length() - 1)))
        self.formula_edit.setTextCursor(cur)
        self.formula_edit.setFocus()

    def _show_errors(self) -> None:
        lines = [tr("Give the indicator a name.")] if self._missing_name else []
        if self._reasons:
            lines.append(error_text(self._reasons))
        self.error_label.setText("\n".join(lines))
        self.error_label.setVisible(bool(lines))

    def retranslate(self) -> None:
        self.setWindowTitle(tr("Add formula indicator"))
        self.name_label.setText(tr("Name:"))
        self.name_edit.setPlaceholderText(tr("e.g. 主力线"))
        self.formula_label.setText(tr("Formula:"))
        self.place_label.setText(tr("Draw in:"))
        self.own_pane.setText(tr("Its own pane"))
        self.price_pane.setText(tr("The price pane"))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("Add"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("Cancel"))
        if not self.error_label.isHidden():
            self._show_errors()
