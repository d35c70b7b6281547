"""The head of a score section: the 0–100 total in large type, a note beside it, and one bar per
dimension ("value / cap"). The technical score (``ui/analysis_panel``) and the fundamental score
(``ui/fundamental_score_box``) both show their totals this way."""
from __future__ import annotations

import math
from typing import Mapping

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QProgressBar, QVBoxLayout, QWidget

from desktop_app.ui.i18n import is_zh


class ScoreHeader(QWidget):
    """``dimensions``: dimension -> (cap, zh name, en name); object names start with ``prefix``."""

    def __init__(self, dimensions: Mapping[str, tuple], prefix: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.dimensions = dict(dimensions)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        self.total_label = QLabel()
        self.total_label.setObjectName(f"{prefix}Total")
        f = QFont(self.total_label.font())
        f.setPointSizeF(f.pointSizeF() * 1.8)
        f.setBold(True)
        self.total_label.setFont(f)
        self.note_label = QLabel()
        self.note_label.setObjectName(f"{prefix}Note")
        self.note_label.setWordWrap(True)
        top.addWidget(self.total_label)
        top.addWidget(self.note_label, 1)
        lay.addLayout(top)
        form = QFormLayout()
        self.dim_names: dict[str, QLabel] = {}
        self.dim_bars: dict[str, QProgressBar] = {}
        for dim, (cap, _zh, _en) in self.dimensions.items():
            bar = QProgressBar()
            bar.setObjectName(f"{prefix}_dim_{dim}")
            bar.setRange(0, int(round(cap)))
            bar.setTextVisible(True)
            self.dim_names[dim] = QLabel()
            self.dim_bars[dim] = bar
            form.addRow(self.dim_names[dim], bar)
        lay.addLayout(form)
        self.retranslate()

    def retranslate(self) -> None:
        zh = is_zh()
        for dim, (_cap, dzh, den) in self.dimensions.items():
            self.dim_names[dim].setText(dzh if zh else den)

    def show_score(self, total: str, note: str, values: Mapping[str, float | None]) -> None:
        """The total's text ("—" when not scored), the note, and each dimension's points."""
        self.total_label.setText(total)
        self.note_label.setText(note)
        for dim, bar in self.dim_bars.items():
            v = values.get(dim)
            ok = v is not None and math.isfinite(float(v))
            bar.setValue(int(round(float(v))) if ok else 0)
            bar.setFormat(f"{float(v):g} / {bar.maximum()}" if ok else f"— / {bar.maximum()}")
