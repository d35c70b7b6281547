"""The scan panel's collapsible "基本面" (fundamentals) group: 市盈率 and 市净率 ranges, a 流通市值
range in 亿元, minimum ROE and 净利润同比 (percent, may be negative), a minimum 基本面得分, and
the 60日涨跌幅 / 年初至今 ranges (percent, may be negative; ``core/scan_returns.py``).

It turns its fields into ``ScanRequest`` keyword arguments (``request_fields``: ``pe_min`` …
``min_fscore``; caps in yuan), shows a bad number under its field the way the price fields do,
and keeps its text in the panel's ``state()`` (``STATE_KEYS``, the caps in 亿元 as typed). The
group opens by itself when a restored state fills any of its fields.
"""
from __future__ import annotations

import unicodedata

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (QFormLayout, QHBoxLayout, QLabel, QLineEdit, QToolButton, QVBoxLayout,
                               QWidget)

from desktop_app.ui.i18n import tr

FLOAT_CAP_UNIT = 1e8     # the 流通市值 fields are in 亿元; ScanRequest.float_cap_* are in yuan
ERROR_STYLE = "color: #c62828;"
#: Range fields: state key prefix (and ScanRequest field prefix) -> unit.
RANGES = {"pe": 1.0, "pb": 1.0, "float_cap": FLOAT_CAP_UNIT}
#: Ranges of a change in percent (may be negative).
SIGNED_RANGES = ("chg60", "ytd")
#: Single minimums: state key -> may it be negative (growth and ROE may).
MINIMUMS = {"roe_min": True, "profit_yoy_min": True, "min_fscore": False}
STATE_KEYS = tuple(f"{k}_{e}" for k in RANGES for e in ("min", "max")) + tuple(MINIMUMS) \
    + tuple(f"{k}_{e}" for k in SIGNED_RANGES for e in ("min", "max"))


def parse_number(text: str, signed: bool = False) -> float | None:
    """'' -> None; '12.5', '１２' or '1,200' -> a number; negative only when ``signed``;
    anything else raises ValueError."""
    t = unicodedata.normalize("NFKC", text).strip().replace(",", "")
    if not t:
        return None
    v = float(t)
    if v != v or v in (float("inf"), float("-inf")) or (v < 0 and not signed):
        raise ValueError(text)
    return v


class FundamentalFilters(QWidget):
    """The group (a header button that folds it, then the fields)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("fundamentalFilters")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.toggle = QToolButton()
        self.toggle.setObjectName("fundamentalToggle")
        self.toggle.setCheckable(True)
        self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toggle.setAutoRaise(True)
        self.toggle.toggled.connect(self._on_toggled)
        outer.addWidget(self.toggle)
        self.body = QWidget()
        self.body.setObjectName("fundamentalBody")
        form = QFormLayout(self.body)
        form.setContentsMargins(12, 0, 0, 0)
        outer.addWidget(self.body)
        self.edits: dict[str, QLineEdit] = {}
        self.labels: dict[str, QLabel] = {}
        self.errors: dict[str, QLabel] = {}
        for kind in RANGES:
            lo, hi = self._edit(f"{kind}_min"), self._edit(f"{kind}_max")
            row = QHBoxLayout()
            row.addWidget(lo)
            row.addWidget(QLabel("–"))
            row.addWidget(hi)
            self._row(form, kind, row)
        for key in MINIMUMS:
            self._row(form, key, self._edit(key))
        for kind in SIGNED_RANGES:
            lo, hi = self._edit(f"{kind}_min"), self._edit(f"{kind}_max")
            row = QHBoxLayout()
            row.addWidget(lo)
            row.addWidget(QLabel("–"))
            row.addWidget(hi)
            self._row(form, kind, row)
        self.toggle.setChecked(False)
        self._on_toggled(False)
        self.retranslate()

    def _edit(self, key: str) -> QLineEdit:
        e = QLineEdit()
        e.setObjectName("fund_" + key)
        self.edits[key] = e
        return e

    def _row(self, form: QFormLayout, key: str, field) -> None:
        label = QLabel()
        self.labels[key] = label
        form.addRow(label, field)
        err = QLabel()
        err.setObjectName(f"fund_{key}_error")
        err.setStyleSheet(ERROR_STYLE)
        err.setWordWrap(True)
        err.hide()
        self.errors[key] = err
        form.addRow(err)

    def retranslate(self) -> None:
        self.toggle.setText(tr("Fundamentals"))
        texts = {"pe": tr("P/E (dynamic)"), "pb": tr("P/B"), "float_cap": tr("Float cap (100M yuan)"),
                 "roe_min": tr("Min. ROE (%)"), "profit_yoy_min": tr("Min. net profit YoY (%)"),
                 "min_fscore": tr("Min. fundamental score"), "chg60": tr("60-day change (%)"),
                 "ytd": tr("Year to date (%)")}
        for key, text in texts.items():
            self.labels[key].setText(text)
        for key, e in self.edits.items():
            e.setPlaceholderText(tr("max") if key.endswith("_max") else tr("none") if key in MINIMUMS
                                 else tr("min"))
        self.edits["min_fscore"].setToolTip(tr("0–100; stocks without enough report data are excluded"))

    @Slot(bool)
    def _on_toggled(self, on: bool) -> None:
        self.body.setVisible(on)
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if on else Qt.ArrowType.RightArrow)

    def expanded(self) -> bool:
        return self.toggle.isChecked()

    def set_expanded(self, on: bool) -> None:
        self.toggle.setChecked(on)

    # -- values --------------------------------------------------------------------------------
    def _show(self, key: str, text: str) -> None:
        self.errors[key].setText(text)
        self.errors[key].setVisible(bool(text))

    def request_fields(self) -> dict | None:
        """The ScanRequest fields of the group (None where empty), or None with every problem
        shown under its field."""
        out: dict[str, float | None] = {}
        ok = True
        for kind, unit in RANGES.items():
            ok = self._range(kind, unit, False, out) and ok
        for key, signed in MINIMUMS.items():
            try:
                v = parse_number(self.edits[key].text(), signed)
            except ValueError:
                self._show(key, tr("Enter a number, or leave it empty.") if signed
                           else tr("Enter a score from 0 to 100, or leave it empty."))
                ok = False
                continue
            if key == "min_fscore" and v is not None and v > 100:
                self._show(key, tr("Enter a score from 0 to 100, or leave it empty."))
                ok = False
                continue
            self._show(key, "")
            out[key] = v
        for kind in SIGNED_RANGES:
            ok = self._range(kind, 1.0, True, out) and ok
        if not ok:
            self.set_expanded(True)       # a problem is never hidden in a folded group
            return None
        return out

    def _range(self, kind: str, unit: float, signed: bool, out: dict) -> bool:
        """One min–max pair into ``out`` (× ``unit``); False with its problem shown under it."""
        try:
            lo = parse_number(self.edits[f"{kind}_min"].text(), signed)
            hi = parse_number(self.edits[f"{kind}_max"].text(), signed)
        except ValueError:
            self._show(kind, tr("Enter a number, or leave it empty.") if signed
                       else tr("Enter a non-negative number, or leave it empty."))
            return False
        if lo is not None and hi is not None and lo > hi:
            self._show(kind, tr("The minimum is above the maximum."))
            return False
        self._show(kind, "")
        out[f"{kind}_min"] = None if lo is None else lo * unit
        out[f"{kind}_max"] = None if hi is None else hi * unit
        return True

    def state(self) -> dict:
        return {k: self.edits[k].text() for k in STATE_KEYS}

    def restore(self, st: dict) -> None:
        for k in STATE_KEYS:
            self.edits[k].setText(str(st.get(k) or ""))
        for k in self.errors:
            self._show(k, "")
        if any(self.edits[k].text().strip() for k in STATE_KEYS):
            self.set_expanded(True)


def state_of_request(request) -> dict:
    """The group's part of ``ScanPanel.state()`` for a ``ScanRequest`` (a saved screen)."""
    out = {}
    for k in STATE_KEYS:
        v = getattr(request, k, None)
        unit = FLOAT_CAP_UNIT if k.startswith("float_cap") else 1.0
        out[k] = "" if v is None else f"{float(v) / unit:g}"
    return out
