"""A dock panel's row of push buttons (left-aligned; each shrinks to 36 px in a narrow dock),
named ``<prefix>_<key>`` for tests and the layout; the texts are set by the panel's retranslate."""
from __future__ import annotations

from typing import Callable

from PySide6.QtWidgets import QBoxLayout, QHBoxLayout, QPushButton, QSizePolicy


def button_row(prefix: str, slots: tuple[tuple[str, Callable[[], object]], ...],
               layout: QBoxLayout) -> dict[str, QPushButton]:
    row = QHBoxLayout()
    buttons: dict[str, QPushButton] = {}
    for key, slot in slots:
        b = QPushButton()
        b.setObjectName(f"{prefix}_{key}")
        b.clicked.connect(lambda _=False, s=slot: s())
        b.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        b.setMinimumWidth(36)
        buttons[key] = b
        row.addWidget(b)
    row.addStretch(1)
    layout.addLayout(row)
    return buttons
