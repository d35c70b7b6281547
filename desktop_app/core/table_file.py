"""Writing a table (headers + rows of plain values) to CSV or XLSX, atomically, so that it opens
right in Excel.

Both are written to ``<name>.part`` and renamed, so a cancelled or failed export never leaves half
a file under the user's name. Used by the window's export task and by the CLI alike
(``core/hits.py`` decides what the cells are and passes one ``ColumnFormat`` per column).

CSV — UTF-8 with a BOM, so Excel reads the Chinese right. Excel guesses every bare field's type,
so a code column (``ColumnFormat("code")``) is written in the form Excel keeps as text: the
formula ``="000586"`` (RFC 4180-quoted in the file, its quotes doubled). A bare ``000586`` would
become the number 586 and a bare ``600519`` a number that sorts and filters as one. Excel,
WPS and LibreOffice show the formula's text, ``000586``; ``read_table`` below reads it back as the
text too. (A tab-prefixed code also stays text but carries the tab into the cell, so it is not used.)
Numbers are plain (``1.23`` for +1.23 %: the header says the unit), already rounded as shown.

XLSX — openpyxl's write-only workbook: code and text cells are text cells (the code column also
formatted ``@``), numbers carry their number format (percent columns are stored as fractions, 0.0123
shown ``+1.23%``; amounts with thousands separators), a bold header row frozen with the first
``freeze_columns`` columns, an autofilter over the whole table, column widths fitted to the text.
"""
from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

from .jobs import CancelToken, Progress

_STEP = 500  # rows between progress reports / cancel checks


@dataclass(frozen=True)
class ColumnFormat:
    """How one column of values is written.

    ``kind``: ``"code"`` (a code kept as text: CSV ``="000586"``, XLSX text cell), ``"text"``,
    ``"number"`` or ``"percent"`` (values in percent points, 1.23 = 1.23 %: the CSV keeps them, the
    XLSX stores ``value / 100`` with a ``%`` format). ``number_format``: the XLSX number format."""

    kind: str = "text"
    number_format: str = "General"


TEXT = ColumnFormat()
_CODE_CSV = re.compile(r'^="(.*)"$', re.S)


def _tick(i: int, n: int, progress: Callable[[Progress], None] | None, cancel: CancelToken | None) -> None:
    if i % _STEP == 0:
        if cancel is not None:
            cancel.raise_if_cancelled()
        if progress is not None:
            progress(Progress(done=i, total=n))


def _formats(formats: Sequence[ColumnFormat] | None, n: int) -> list[ColumnFormat]:
    out = list(formats or [])
    return out + [TEXT] * (n - len(out))


def csv_code(v: Any) -> str:
    """A code as Excel keeps it when it opens a CSV: ``="000586"`` (empty stays empty)."""
    s = "" if v is None else str(v)
    return f'="{s}"' if s else ""


def write_csv(path: str | Path, headers: Sequence[str], rows: Sequence[Sequence[Any]],
              progress: Callable[[Progress], None] | None = None,
              cancel: CancelToken | None = None, formats: Sequence[ColumnFormat] | None = None,
              freeze_columns: int = 0) -> Path:
    """``freeze_columns`` is ignored (a CSV has no panes); accepted so both writers share one call."""
    path = Path(path)
    fmts = _formats(formats, len(headers))
    codes = [i for i, f in enumerate(fmts) if f.kind == "code"]
    tmp = path.with_name(path.name + ".part")
    with tmp.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(headers)
        for i, row in enumerate(rows, 1):
            out = ["" if v is None else v for v in row]
            for c in codes:
                if c < len(out):
                    out[c] = csv_code(out[c])
            w.writerow(out)
            _tick(i, len(rows), progress, cancel)
    tmp.replace(path)
    return path


def _text_width(s: str) -> int:
    """Display width in Excel's character units: CJK and full-width characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def _sample_text(v: Any, fmt: ColumnFormat) -> str:
    if v is None or v == "":
        return ""
    if fmt.kind == "percent":
        return f"{float(v):+.2f}%"
    if fmt.kind == "number" and "#,##0" in fmt.number_format:
        return f"{float(v):,.0f}"
    return str(v)


@dataclass(frozen=True)
class Formatted:
    """One cell whose format differs from its column's (a table whose rows mix kinds, e.g. a
    report's measures: returns as percent, turnover as a number): ``value`` written as ``fmt``."""
    value: Any
    fmt: ColumnFormat


@dataclass
class Sheet:
    """One sheet of a multi-sheet workbook (``write_xlsx_sheets``)."""
    title: str
    headers: Sequence[str]
    rows: Sequence[Sequence[Any]]
    formats: Sequence[ColumnFormat] | None = None
    freeze_columns: int = 0


def write_xlsx(path: str | Path, headers: Sequence[str], rows: Sequence[Sequence[Any]],
               progress: Callable[[Progress], None] | None = None,
               cancel: CancelToken | None = None, formats: Sequence[ColumnFormat] | None = None,
               freeze_columns: int = 0, sheet_title: str = "StockScan") -> Path:
    return write_xlsx_sheets(path, [Sheet(sheet_title, headers, rows, formats, freeze_columns)], progress, cancel)


_BAD_TITLE = re.compile(r"[\\/*?:\[\]]")


def sheet_title(text: str, taken: set[str]) -> str:
    """A valid, unique sheet title (≤ 31 characters, none of ``\\ / * ? : [ ]``)."""
    base = _BAD_TITLE.sub(" ", str(text)).strip()[:31] or "Sheet"
    title, n = base, 2
    while title.lower() in taken:
        tail = f" ({n})"
        title, n = base[:31 - len(tail)] + tail, n + 1
    taken.add(title.lower())
    return title


def write_xlsx_sheets(path: str | Path, sheets: Sequence[Sheet],
                      progress: Callable[[Progress], None] | None = None, cancel: CancelToken | None = None,
                      after: Callable[[Any], None] | None = None) -> Path:
    """An XLSX of several sheets, each as ``write_xlsx`` writes one. ``after(workbook)`` may add
    to the (write-only) workbook before it is saved, e.g. a sheet of charts."""
    from openpyxl import Workbook

    path = Path(path)
    wb = Workbook(write_only=True)
    taken: set[str] = set()
    for sh in sheets:
        _fill_sheet(wb.create_sheet(title=sheet_title(sh.title, taken)), sh, progress, cancel)
    if after is not None:
        after(wb)
    tmp = path.with_name(path.name + ".part")
    wb.save(tmp)
    tmp.replace(path)
    return path


def _fill_sheet(ws, sh: Sheet, progress, cancel) -> None:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    headers, rows, freeze_columns = sh.headers, sh.rows, sh.freeze_columns
    n_cols = len(headers)
    fmts = _formats(sh.formats, n_cols)

    def plain(v):
        return v.value if isinstance(v, Formatted) else v

    # Widths, panes and the filter must be set before the first row is written (write-only).
    sample = rows[:200]
    for c, (h, fmt) in enumerate(zip(headers, fmts)):
        widest = max([_text_width(str(h))] + [_text_width(_sample_text(plain(r[c]), fmt)) for r in sample if c < len(r)])
        ws.column_dimensions[get_column_letter(c + 1)].width = min(60, max(6, widest + 2))
    ws.freeze_panes = f"{get_column_letter(min(freeze_columns, n_cols) + 1)}2"
    if n_cols:
        ws.auto_filter.ref = f"A1:{get_column_letter(n_cols)}{len(rows) + 1}"
    bold = Font(bold=True)
    head = []
    for h in headers:
        cell = WriteOnlyCell(ws, value=str(h))
        cell.font = bold
        head.append(cell)
    ws.append(head)
    for i, row in enumerate(rows, 1):
        out = []
        for v, fmt in zip(row, fmts):
            if isinstance(v, Formatted):
                v, fmt = v.value, v.fmt
            if v is None or v == "":
                out.append(None)
                continue
            if fmt.kind == "text" and not str(v).startswith("="):
                out.append(str(v))            # a plain str is a text cell (a styled cell costs 2×)
                continue
            if fmt.kind == "number" and fmt.number_format == "General":
                out.append(v)
                continue
            if fmt.kind in ("code", "text"):
                cell = WriteOnlyCell(ws, value=str(v))
                cell.data_type = "s"          # a text cell even if it looks like a number or formula
                if fmt.kind == "code":
                    cell.number_format = "@"
            else:
                if fmt.kind == "percent":
                    v = round(float(v) / 100.0, 12)
                cell = WriteOnlyCell(ws, value=v)
                cell.number_format = fmt.number_format
            out.append(cell)
        ws.append(out)
        _tick(i, len(rows), progress, cancel)


def write_table(path: str | Path, headers: Sequence[str], rows: Sequence[Sequence[Any]],
                progress: Callable[[Progress], None] | None = None,
                cancel: CancelToken | None = None, formats: Sequence[ColumnFormat] | None = None,
                freeze_columns: int = 0) -> Path:
    """CSV or XLSX by the file's suffix."""
    writer = write_xlsx if str(path).lower().endswith(".xlsx") else write_csv
    return writer(path, headers, rows, progress, cancel, formats=formats, freeze_columns=freeze_columns)


def read_table(path: str | Path) -> tuple[list[str], list[list[Any]]]:
    """Read a written file back (tests and sanity checks): headers and rows as stored, except that
    a CSV code written as ``="000586"`` comes back as its text, ``000586``, as Excel shows it."""
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        from openpyxl import load_workbook

        wb = load_workbook(path, read_only=True)
        rows = [list(r) for r in wb.active.iter_rows(values_only=True)]
        wb.close()
    else:
        with path.open(encoding="utf-8-sig", newline="") as f:
            rows = [[_unwrap(v) for v in r] for r in csv.reader(f)]
    return [str(h) for h in rows[0]], rows[1:]


def _unwrap(v: str) -> str:
    m = _CODE_CSV.match(v)
    return m.group(1) if m else v
