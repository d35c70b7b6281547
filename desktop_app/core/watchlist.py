"""The watchlist (自选股): an ordered list of stock codes in ``data_dir()/watchlist.json``.

Writes are atomic (temp file in the same directory + ``os.replace``): a crash leaves the old list
or the new one, never half a file. The GUI calls ``add``/``remove`` (memory only) and saves through
a worker; the CLI and tests call ``save()`` directly.

Reading is forgiving where the user's intent is clear and loud where it is not: a UTF-8 BOM (Windows
Notepad) and trailing commas are accepted; a file that is not JSON, not UTF-8, or does not hold a
list of codes (``null``, ``5``, ``{"symbols": null}``, another program's JSON) is moved aside
(``watchlist.json.corrupt-<stamp>``) and the list starts empty, with ``opened_note`` (a Reason
naming the kept copy) for the window and the CLI to show. A file that cannot be read at all is
never overwritten: ``save()`` raises its problem instead.
"""
from __future__ import annotations

import json
import logging
import re
import threading
from pathlib import Path
from typing import Iterable

from . import file_errors as fe
from . import paths
from .atomic_file import write_text_atomic
from .reasons import R, Reason
from .symbols import parse_symbol, parse_symbols

log = logging.getLogger(__name__)
_TRAILING_COMMA = re.compile(r",(\s*[\]}])")


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
        #: Why the file found was set aside or cannot be used (names the file), or None.
        self.opened_note: Reason | None = None
        self._blocked: fe.FileProblem | None = None   # unreadable: never overwrite it
        self.load()

    def _read_raw(self) -> list:
        """The codes stored in the file ([] when there is none); a damaged one is moved aside."""
        self._blocked = None
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return []
        except OSError as e:
            self._blocked = fe.os_problem(e, self.path)
            self._blocked.reason = R("file_io_error", file=str(self.path), detail=e.strerror or str(e))
            self.opened_note = self._blocked.reason
            return []
        if not data.strip():
            return []
        try:
            text = data.decode("utf-8-sig")            # a BOM from Windows Notepad is fine
        except UnicodeDecodeError:
            return self._set_aside(R("file_not_text"))
        try:
            parsed = json.loads(text)
        except ValueError as e:
            try:
                parsed = json.loads(_TRAILING_COMMA.sub(r"\1", text))   # [..., "600519",] is clear enough
            except ValueError:
                return self._set_aside(R("file_not_json", line=getattr(e, "lineno", "?"), column=getattr(e, "colno", "?")))
        raw = parsed.get("symbols") if isinstance(parsed, dict) else parsed
        if not isinstance(raw, list) or not all(isinstance(x, (str, int)) and not isinstance(x, bool) for x in raw):
            return self._set_aside(R("watchlist_not_list"))
        return raw

    def _set_aside(self, detail: Reason) -> list:
        try:
            kept = fe.move_aside(self.path, "corrupt")
        except OSError as e:
            self._blocked = fe.os_problem(e, self.path)
            self.opened_note = R("file_io_error", file=str(self.path), detail=detail)
            return []
        self.opened_note = fe.moved_reason(self.path, kept, detail)
        log.warning("watchlist: %s", self.opened_note)
        return []

    def load(self) -> list[str]:
        """Read the file (a missing file is an empty list; a damaged one is moved aside, see the
        module docstring)."""
        raw = self._read_raw()
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
        """Write the list atomically. Raises ``file_errors.FileProblem`` (full disk, read-only …,
        or a file that could not be read and so is not overwritten)."""
        if self._blocked is not None:
            raise self._blocked
        with self._lock:
            payload = json.dumps({"version": 1, "symbols": self._symbols}, ensure_ascii=False, indent=1)
        write_text_atomic(self.path, payload)

    def __len__(self) -> int:
        return len(self.symbols())

    def __iter__(self):
        return iter(self.symbols())
