"""Column headers in the UI language for a table model: ``COLUMNS`` (keys) and ``HEADERS``
(key → (zh, en)) on the class, ``self._lang`` set by the model; ``set_language`` re-announces them."""
from __future__ import annotations

from PySide6.QtCore import Qt


class LangHeaders:
    COLUMNS: tuple[str, ...] = ()
    HEADERS: dict[str, tuple[str, str]] = {}
    _lang = "zh"

    def headerData(self, section: int, orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        if 0 <= section < len(self.COLUMNS):
            zh, en = self.HEADERS[self.COLUMNS[section]]
            return zh if self._lang == "zh" else en
        return None

    def set_language(self, lang: str) -> None:
        self._lang = lang
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self.COLUMNS) - 1)
