"""Importing stock lists into a watchlist group: 通达信 ``.blk`` block files, CSV/XLSX tables
and pasted text, each with a preview of the lines rejected and why (before anything is added).

``.blk`` (通达信 ``T0002/blocknew/*.blk``): one stock a line, seven digits — a market digit and the
6-digit code: ``1`` Shanghai, ``0`` Shenzhen, ``2`` Beijing (``1600519``, ``0000001``, ``2920001``);
the first line is often empty; GBK text, CRLF line ends. A bare 6-digit line is read as a code.
The market digit is checked against the code's exchange (``symbols.parse_symbol`` with the
exchange suffix), so ``0600519`` is rejected with parse_symbol's "wrong exchange" reason.

CSV/XLSX: the column headed 代码 / 证券代码 / 股票代码 / code / symbol (else the first column); every
row's cell goes through ``symbols.parse_symbol``. A number cell (Excel turns 000586 into 586) is
padded back to six digits. CSV is read as UTF-8 (with or without BOM), else GBK (通达信 and
同花顺 export GBK).
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .reasons import R, Reason
from .symbols import SymbolError, parse_symbol

BLK_MARKETS = {"1": "SH", "0": "SZ", "2": "BJ"}
CODE_HEADERS = ("代码", "证券代码", "股票代码", "code", "symbol", "ticker", "stock")


@dataclass
class ImportPreview:
    """What an import would add: the codes in file order (duplicates once) and every rejected
    line as ``(where, text, reason)`` — ``where`` is the 1-based line (or row) number."""

    codes: list[str] = field(default_factory=list)
    rejected: list[tuple[int, str, Reason]] = field(default_factory=list)
    duplicates: int = 0

    def _take(self, code: str) -> None:
        if code in self.codes:
            self.duplicates += 1
        else:
            self.codes.append(code)


def decode_text(data: bytes) -> str:
    """UTF-8 (BOM or not) when it decodes, else GBK (GB18030, its superset), never failing."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030", errors="replace")


def parse_blk(data: bytes) -> ImportPreview:
    """A 通达信 block file's bytes (see the module docstring)."""
    out = ImportPreview()
    for n, raw in enumerate(decode_text(data).splitlines(), 1):
        line = raw.strip()
        if not line:
            continue
        if len(line) == 7 and line.isdigit():
            market = BLK_MARKETS.get(line[0])
            if market is None:
                out.rejected.append((n, line, R("blk_bad_market", digit=line[0])))
                continue
            token = f"{line[1:]}.{market}"
        else:
            token = line
        try:
            out._take(parse_symbol(token).code)
        except SymbolError as e:
            out.rejected.append((n, line, e.reason))
    return out


def blk_bytes(codes: list[str]) -> bytes:
    """The ``.blk`` form of ``codes`` (export to 通达信): CRLF lines of market digit + code."""
    digit = {v: k for k, v in BLK_MARKETS.items()}
    return "".join(f"{digit[parse_symbol(c).exchange]}{parse_symbol(c).code}\r\n" for c in codes).encode("gbk")


def _cell_token(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    if isinstance(v, int):
        return str(v).zfill(6) if 0 <= v < 1_000_000 else str(v)
    s = str(v).strip()
    if s.startswith('="') and s.endswith('"'):      # core/table_file's CSV code form
        s = s[2:-1]
    return s


def _code_column(header: list[Any]) -> int | None:
    """The index of the code column named in a header row, or None (no such header)."""
    names = [str(h or "").strip().lower() for h in header]
    for want in CODE_HEADERS:
        if want in names:
            return names.index(want)
    return None


def parse_rows(rows: list[list[Any]]) -> ImportPreview:
    """Rows of a table (the first may be a header): each row's code cell checked."""
    out = ImportPreview()
    if not rows:
        return out
    col = _code_column(rows[0])
    start = 1 if col is not None else 0
    col = col or 0
    for n, row in enumerate(rows[start:], start + 1):
        cell = row[col] if col < len(row) else None
        token = _cell_token(cell)
        if not token and not any(_cell_token(c) for c in row):
            continue                                  # an empty row
        try:
            out._take(parse_symbol(token).code)
        except SymbolError as e:
            out.rejected.append((n, token, e.reason))
    return out


def read_rows(path: str | Path) -> list[list[Any]]:
    """A CSV's or XLSX's rows as read (cells as stored)."""
    path = Path(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        wb = load_workbook(path, read_only=True, data_only=True)
        try:
            return [list(r) for r in wb.active.iter_rows(values_only=True)]
        finally:
            wb.close()
    text = decode_text(path.read_bytes())
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    return [r for r in csv.reader(io.StringIO(text), dialect)]


def parse_text(text: str) -> ImportPreview:
    """Pasted text (the clipboard): one code or several per line, any separator parse_symbols takes."""
    from .symbols import _SEPARATORS

    out = ImportPreview()
    for n, line in enumerate(text.splitlines(), 1):
        for tok in _SEPARATORS.split(line):
            if not tok:
                continue
            try:
                out._take(parse_symbol(tok).code)
            except SymbolError as e:
                out.rejected.append((n, tok, e.reason))
    return out


def preview_file(path: str | Path) -> ImportPreview:
    """Blocking (a worker or the CLI): the preview of a .blk, .csv, .xlsx or text file."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".blk":
        return parse_blk(path.read_bytes())
    if suffix in (".csv", ".xlsx", ".xlsm"):
        return parse_rows(read_rows(path))
    return parse_text(decode_text(path.read_bytes()))
