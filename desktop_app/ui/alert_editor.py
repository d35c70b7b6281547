"""The alert editor (预警设置): what to watch (a stock, a watchlist group or the holdings), the kind
of alert and its parameter. Opened from a stock's context menu (results, watchlist), the chart
and the holdings table; the rule is checked by ``core.alerts.check_rule`` before it is saved."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (QComboBox, QDialog, QDoubleSpinBox, QFormLayout, QLabel,
                               QLineEdit, QVBoxLayout, QWidget)

from desktop_app.ui.i18n import reason_text, tr
from desktop_app.ui.dialog_parts import error_label, ok_cancel

if TYPE_CHECKING:                   # core.alerts needs numpy: imported when a rule is made
    from desktop_app.core.alerts import AlertRule

HOLDING_KINDS = ("stop_loss", "take_profit")    # core.alerts.HOLDING_KINDS (that module needs numpy)

#: The kinds in the editor's order.
KINDS_SHOWN = ("price_above", "price_below", "change_above", "change_below", "volume_ratio", "limit_up",
               "limit_broken", "preset", "formula", "score_above", "score_below", "stop_loss", "take_profit")


def kind_texts() -> dict[str, tuple[str, str | None, str, float | None]]:
    """kind -> (its label, the parameter's key, the parameter's label, default value), translated."""
    table = {
        "price_above": ("Price at or above", "price", "Price (yuan)", None),
        "price_below": ("Price at or below", "price", "Price (yuan)", None),
        "change_above": ("Rise of at least", "pct", "Change (%)", 5.0),
        "change_below": ("Fall of at least", "pct", "Change (%)", 5.0),
        "volume_ratio": ("Volume ratio at least", "ratio", "Volume ratio (× 5-day mean)", 2.0),
        "limit_up": ("Limit-up", None, "", None),
        "limit_broken": ("Limit-up broken", None, "", None),
        "preset": ("Preset fires", "preset", "Preset", None),
        "formula": ("Formula selects", "text", "Formula", None),
        "score_above": ("Score at or above", "threshold", "Score", 70.0),
        "score_below": ("Score at or below", "threshold", "Score", 45.0),
        "stop_loss": ("Stop-loss below cost by", "pct", "Below cost (%)", 8.0),
        "take_profit": ("Take-profit above cost by", "pct", "Above cost (%)", 20.0),
    }
    return {k: (tr(label), key, tr(plabel) if plabel else "", d) for k, (label, key, plabel, d) in table.items()}


def kind_label(kind: str) -> str:
    return kind_texts().get(kind, (kind,))[0]


def rule_text(rule) -> str:
    """A rule's condition as the rules table shows it: "Rise of at least 2%", "Preset fires MACD金叉"."""
    from desktop_app.core.numfmt import num

    label, key, _, _ = kind_texts().get(rule.kind, (rule.kind, None, "", None))
    v = rule.params.get(key) if key else None
    if v is None and rule.kind in ("stop_loss", "take_profit") and "price" in rule.params:
        return f"{label} {num(rule.params['price'])}"
    if v is None:
        return label
    if key == "pct":
        return f"{label} {v:g}%"
    if key == "price":
        return f"{label} {num(v)}"
    if key == "preset":
        try:
            from desktop_app.core.strategies import find_strategy
            from desktop_app.ui.i18n import model_lang

            s = find_strategy(str(v))
            return f"{label} {s.name_zh if model_lang() == 'zh' else s.name_en}"
        except Exception:  # noqa: BLE001 - a preset this build no longer has: show its id
            return f"{label} {v}"
    return f"{label} {v:g}" if isinstance(v, (int, float)) else f"{label} {v}"


class AlertEditor(QDialog):
    """``code``: the stock it was opened on ("" for none); ``groups``: the watchlist groups;
    ``price``: the stock's last price (the default line of a price alert)."""

    def __init__(self, code: str = "", groups: list[str] | None = None, price: float | None = None,
                 holding: bool = False, presets: list[tuple[str, str]] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("alertEditor")
        self.setWindowTitle(tr("Set an alert"))
        self.setMinimumWidth(420)
        self.rule: AlertRule | None = None
        self.price = price
        lay = QVBoxLayout(self)
        form = QFormLayout()
        self.target = QComboBox()
        self.target.setObjectName("alertTarget")
        if code:
            self.target.addItem(tr("Stock {code}").format(code=code), ("stock", code))
        for g in groups or []:
            self.target.addItem(tr("Group “{name}”").format(name=g), ("group", g))
        self.target.addItem(tr("Every holding"), ("holdings", ""))
        self.kind = QComboBox()
        self.kind.setObjectName("alertKind")
        self.texts = kind_texts()
        for k in KINDS_SHOWN:
            self.kind.addItem(self.texts[k][0], k)
        self.value_label = QLabel()
        self.value = QDoubleSpinBox()
        self.value.setObjectName("alertValue")
        self.value.setDecimals(2)
        self.value.setRange(-1e6, 1e6)
        self.preset = QComboBox()
        self.preset.setObjectName("alertPreset")
        for pid, name in presets or []:
            self.preset.addItem(name, pid)
        self.formula = QLineEdit()
        self.formula.setObjectName("alertFormula")
        self.formula.setPlaceholderText("XG: CROSS(MA(C,5), MA(C,20));")
        form.addRow(tr("Watch"), self.target)
        form.addRow(tr("When"), self.kind)
        form.addRow(self.value_label, self.value)
        self.preset_label = QLabel(tr("Preset"))
        form.addRow(self.preset_label, self.preset)
        self.formula_label = QLabel(tr("Formula"))
        form.addRow(self.formula_label, self.formula)
        lay.addLayout(form)
        self.note = QLabel(tr("An alert fires once a day per stock until it is re-armed."))
        self.note.setWordWrap(True)
        lay.addWidget(self.note)
        self.error = error_label("alertError", lay)
        ok_cancel(self, lay)
        self.kind.currentIndexChanged.connect(self._on_kind)
        if holding:
            self.set_kind("stop_loss")
        self._on_kind()

    def set_kind(self, kind: str) -> None:
        self.kind.setCurrentIndex(max(0, self.kind.findData(kind)))

    def _on_kind(self) -> None:
        k = str(self.kind.currentData())
        _, key, label, default = self.texts[k]
        numeric = key in ("price", "pct", "ratio", "threshold")
        self.value_label.setText(label if numeric else "")
        self.value_label.setVisible(numeric)
        self.value.setVisible(numeric)
        if numeric:
            self.value.setValue(default if default is not None else (self.price or 0.0))
        for w in (self.preset_label, self.preset):
            w.setVisible(key == "preset")
        for w in (self.formula_label, self.formula):
            w.setVisible(key == "text")

    def values(self) -> AlertRule:
        from desktop_app.core.alerts import AlertRule

        k = str(self.kind.currentData())
        key = self.texts[k][1]
        tk, tv = self.target.currentData()
        if k in HOLDING_KINDS and tk == "group":
            tk, tv = "holdings", ""
        params: dict[str, Any] = {}
        if key in ("price", "pct", "ratio", "threshold"):
            params[key] = round(float(self.value.value()), 4)
        elif key == "preset":
            params[key] = str(self.preset.currentData() or "")
        elif key == "text":
            params[key] = self.formula.text().strip()
        return AlertRule(k, tk, tv, params)

    def accept(self) -> None:
        from desktop_app.core.alerts import check_rule
        from desktop_app.core.reasons import Reason

        rule = self.values()
        try:
            check_rule(rule)
        except Exception as e:  # noqa: BLE001 - the reason under the fields (a formula's error …)
            reasons = getattr(e, "reasons", None)
            self.error.setText("; ".join(reason_text(r) for r in reasons) if reasons else reason_text(Reason.of(e)))
            self.error.show()
            return
        self.rule = rule
        super().accept()
