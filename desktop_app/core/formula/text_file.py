"""Reading a formula text file (通达信 exports ``.txt`` in GBK; newer tools write UTF-8)."""
from __future__ import annotations

from pathlib import Path

from ..reasons import R, ReasonError
from .compiler import MAX_TEXT


def decode_formula(raw: bytes) -> str:
    """UTF-8 (with or without a BOM) when the bytes are valid UTF-8, else GB18030 (a superset of
    GBK and GB2312, what 通达信 writes)."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="replace")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("gb18030", errors="replace")


def read_formula_file(path: str | Path) -> str:
    """The formula in ``path``; ``ReasonError(formula_file_unreadable)`` when it cannot be read.
    Reads at most a little more than the longest formula accepted (the compiler says "too long")."""
    try:
        with open(path, "rb") as fh:
            raw = fh.read(4 * MAX_TEXT + 4)
    except OSError as e:
        raise ReasonError(R("formula_file_unreadable", path=str(path), detail=e.strerror or type(e).__name__)) from e
    return decode_formula(raw)
