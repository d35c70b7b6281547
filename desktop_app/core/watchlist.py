"""The watchlist (自选股): an ordered list of stock codes in ``data_dir()/watchlist.json``.

Writes are atomic (temp file in the same directory + ``os.replace``): a crash leaves the old list
or the new one, never half a file. The GUI calls ``add``/``remove`` (memory only) and saves through
a worker; the CLI and tests call ``save()`` directly.
"""
from __future__ import annotations

import json
import os
import tempfile
import threading
from pathlib import Path
from typing import Iterable

from . import paths
from .symbols import parse_symbol, parse_symbols


def normalize_code(token: str) -> str:
    """The 6-digit code of a stock in any form ``symbols.parse_symbol`` accepts ("600519",
    "sh600519", "600519.XSHG", full-width "６００５１９"). Raises ``SymbolError`` with
    parse_symbol's reason for anything else (index codes such as 000300, ETFs such as 510300)."""
    return parse_symbol(token).code


def _codes(codes: str | Iterable[str]) -> list[str]:
    """The stock codes among ``codes`` (pasted text or tokens); tokens that are no stock are
    skipped (the watchlist dock shows ``parse_symbols``' reasons to the user)."""
    return parse_symbols(codes if isinstance(codes, str) else [str(c) for c in codes]).codes


class Watchlist:
    def __init__(self, path: str | Path | None = None):
        self.path = Path(path) if path is not None else paths.data_dir() / "watchlist.json"
        self._lock = threading.RLock()
        self._symbols: list[str] = []
        self.load()

    def load(self) -> list[str]:
        """Read the file (a missing or unreadable file is an empty list)."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
        raw = data.get("symbols", []) if isinstance(data, dict) else data
        seen: dict[str, None] = {}
        for c in _codes([str(x) for x in raw]):
            seen.setdefault(c, None)
        with self._lock:
            self._symbols = list(seen)
            return list(self._symbols)

    def symbols(self) -> list[str]:
        with self._lock:
            return list(self._symbols)

    def contains(self, code: str) -> bool:
        codes = _codes([code])
        with self._lock:
            return bool(codes) and codes[0] in self._symbols

    def add(self, codes: str | Iterable[str]) -> list[str]:
        """Append codes not yet present; returns those actually added (invalid tokens ignored)."""
        added = []
        with self._lock:
            for c in _codes(codes):
                if c not in self._symbols:
                    self._symbols.append(c)
                    added.append(c)
        return added

    def remove(self, codes: str | Iterable[str]) -> list[str]:
        removed = []
        with self._lock:
            for c in _codes(codes):
                if c in self._symbols:
                    self._symbols.remove(c)
                    removed.append(c)
        return removed

    def save(self) -> None:
        with self._lock:
            payload = json.dumps({"version": 1, "symbols": self._symbols}, ensure_ascii=False, indent=1)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".watchlist-", suffix=".tmp", dir=str(self.path.parent))
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(payload)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise

    def __len__(self) -> int:
        return len(self.symbols())

    def __iter__(self):
        return iter(self.symbols())
