"""Writing a table (headers + rows of plain values) to CSV or XLSX, atomically.

CSV is UTF-8 with a BOM so Excel opens Chinese text right; XLSX goes through openpyxl's
write-only workbook. Both are written to ``<name>.part`` and renamed, so a cancelled or failed
export never leaves half a file under the user's name. Used by the window's export task and by
the CLI alike (``core/hits.py`` decides what the cells are)."""
from __future__ import annotations

import csv
from pathlib import Path
from typing import Any, Callable, Sequence

from .jobs import CancelToken, Progress

_STEP = 500  # rows between progress reports / cancel checks


def _tick(i: int, n: int, progress: Callable[[Progress], None] | None, cancel: CancelToken | None) -> None:
    if i % _STEP == 0:
        if cancel is not None:
            cancel.raise_if_cancelled()
        if progress is not None:
            progress(Progress(done=i, total=n))


def write_csv(path: str | Path, headers: Sequence[str], rows: Sequence[Sequence[Any]],
              progress: Callable[[Progress], None] | None = None,
              cancel: CancelToken | None = None) -> Path:
    path = Path(path)
    tmp = path.with_name(path.name + ".part")
    with tmp.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(headers)
        for i, row in enumerate(rows, 1):
            w.writerow(["" if v is None else v for v in row])
            _tick(i, len(rows), progress, cancel)
    tmp.replace(path)
    return path


def write_xlsx(path: str | Path, headers: Sequence[str], rows: Sequence[Sequence[Any]],
               progress: Callable[[Progress], None] | None = None,
               cancel: CancelToken | None = None, sheet_title: str = "StockScan") -> Path:
    from openpyxl import Workbook

    path = Path(path)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=sheet_title[:31] or "Sheet1")
    ws.append(list(headers))
    for i, row in enumerate(rows, 1):
        ws.append(["" if v is None else v for v in row])
        _tick(i, len(rows), progress, cancel)
    tmp = path.with_name(path.name + ".part")
    wb.save(tmp)
    tmp.replace(path)
    return path


def write_table(path: str | Path, headers: Sequence[str], rows: Sequence[Sequence[Any]],
                progress: Callable[[Progress], None] | None = None,
                cancel: CancelToken | None = None) -> Path:
    """CSV or XLSX by the file's suffix."""
    writer = write_xlsx if str(path).lower().endswith(".xlsx") else write_csv
    return writer(path, headers, rows, progress, cancel)


def read_table(path: str | Path) -> tuple[list[str], list[list[Any]]]:
    """Read a written file back (tests and sanity checks): headers and rows as stored."""
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        from openpyxl import load_workbook

        wb = load_workbook(path, read_only=True)
        rows = [list(r) for r in wb.active.iter_rows(values_only=True)]
        wb.close()
    else:
        with path.open(encoding="utf-8-sig", newline="") as f:
            rows = list(csv.reader(f))
    return [str(h) for h in rows[0]], rows[1:]
