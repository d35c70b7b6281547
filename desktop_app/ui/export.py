"""Export of result rows to CSV (UTF-8 with BOM, so Excel opens Chinese text right) and XLSX.

The GUI thread only takes a snapshot of the rows (plain Python values); the file is written by a
job that runs in the TaskManager (``export_job``), never on the GUI thread."""
from __future__ import annotations

import csv
import math
from pathlib import Path
from typing import Any, Callable, Sequence

from desktop_app.core.jobs import CancelToken, Progress


def cell(value: Any) -> Any:
    """A result value as a spreadsheet cell: lists joined, NaN/None empty, numpy scalars plain."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple, set)):
        return ",".join(str(v) for v in value)
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        try:
            value = value.item()
        except (TypeError, ValueError):
            pass
    if isinstance(value, float) and math.isnan(value):
        return ""
    if hasattr(value, "isoformat") and not isinstance(value, (int, float)):
        return value.isoformat()
    return value


def write_csv(path: str | Path, headers: Sequence[str], rows: Sequence[Sequence[Any]],
              progress: Callable[[Progress], None] | None = None,
              cancel: CancelToken | None = None) -> Path:
    """Write atomically (temp file then rename), UTF-8 with BOM."""
    path = Path(path)
    tmp = path.with_name(path.name + ".part")
    with tmp.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(headers)
        for i, row in enumerate(rows, 1):
            w.writerow([cell(v) for v in row])
            if i % 500 == 0:
                if cancel is not None:
                    cancel.raise_if_cancelled()
                if progress is not None:
                    progress(Progress(done=i, total=len(rows)))
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
        ws.append([cell(v) for v in row])
        if i % 500 == 0:
            if cancel is not None:
                cancel.raise_if_cancelled()
            if progress is not None:
                progress(Progress(done=i, total=len(rows)))
    tmp = path.with_name(path.name + ".part")
    wb.save(tmp)
    tmp.replace(path)
    return path


def export_job(path: str | Path, headers: Sequence[str], rows: Sequence[Sequence[Any]]):
    """A TaskManager job ``job(progress, cancel, emit_hits) -> str`` writing CSV or XLSX by suffix."""
    headers, rows = list(headers), [list(r) for r in rows]
    writer = write_xlsx if str(path).lower().endswith(".xlsx") else write_csv

    def job(progress: Callable[[Progress], None], cancel: CancelToken, emit_hits: Any = None) -> str:
        progress(Progress(done=0, total=len(rows), current=Path(path).name))
        out = writer(path, headers, rows, progress, cancel)
        progress(Progress(done=len(rows), total=len(rows), current=Path(path).name))
        return str(out)

    return job


def read_back(path: str | Path) -> tuple[list[str], list[list[Any]]]:
    """Read an exported file (tests and a sanity check): headers and rows as written."""
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
