"""Export of a validation report (issue 16): CSV of every table, or an HTML page with the tables,
the biases and the charts embedded as PNG images. The tables are ``core/validation_tables``'s,
the same the window shows; the PNGs are drawn by the window (bytes in, no Qt here). Written
atomically; ``export_job`` is the task manager's job."""
from __future__ import annotations

import base64
import csv
import html
import io
from pathlib import Path

from .atomic_file import write_text_atomic
from .jobs import Progress
from .validation_tables import Table, all_tables, biases, headline


def csv_text(d: dict, lang: str, k: int | None = None) -> str:
    """Every table one after another: its title, its header row, its rows, a blank line."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    for line in headline(d, lang):
        w.writerow([line])
    w.writerow([])
    for t in all_tables(d, lang, k):
        w.writerow([t.title])
        w.writerow(t.headers)
        for row in t.rows:
            w.writerow([c.text for c in row])
        w.writerow([])
    for line in biases(d, lang):
        w.writerow([line])
    return "\ufeff" + buf.getvalue()          # BOM: Excel opens UTF-8 as such


def _table_html(t: Table) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in t.headers)
    body = []
    for row in t.rows:
        cells = []
        for c in row:
            cls = ""
            if c.signed and isinstance(c.value, (int, float)) and c.value:
                cls = ' class="up"' if c.value > 0 else ' class="down"'
            cells.append(f"<td{cls}>{html.escape(c.text)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<h2>{html.escape(t.title)}</h2>\n<table><tr>{head}</tr>\n" + "\n".join(body) + "</table>\n"


def html_text(d: dict, lang: str, images: dict[str, bytes] | None = None, k: int | None = None,
              captions: dict[str, str] | None = None) -> str:
    """A self-contained page: headline, tables, charts (``images``: name -> PNG bytes), biases."""
    title = html.escape(d["title"]["zh" if lang == "zh" else "en"])
    parts = [f"<!DOCTYPE html>\n<html lang=\"{'zh-CN' if lang == 'zh' else 'en'}\"><head><meta charset=\"utf-8\">"
             f"<title>{title}</title><style>body{{font-family:sans-serif;margin:24px}}"
             "table{border-collapse:collapse;margin-bottom:16px}td,th{border:1px solid #ccc;padding:3px 8px;"
             "text-align:right}th{background:#f3f3f3}td:first-child{text-align:left}.up{color:#d32f2f}"
             ".down{color:#2e7d32}img{max-width:100%;border:1px solid #ddd}</style></head><body>"]
    parts += [f"<p>{html.escape(line)}</p>" for line in headline(d, lang)]
    for t in all_tables(d, lang, k):
        parts.append(_table_html(t))
    for name, png in (images or {}).items():
        cap = html.escape((captions or {}).get(name, name))
        data = base64.b64encode(png).decode("ascii")
        parts.append(f"<h2>{cap}</h2><img alt=\"{cap}\" src=\"data:image/png;base64,{data}\">")
    items = "".join(f"<li>{html.escape(b)}</li>" for b in biases(d, lang))
    parts.append(f"<ul>{items}</ul></body></html>\n")
    return "\n".join(parts)


def png_paths(path: str | Path, names) -> dict[str, Path]:
    """Where an XLSX export puts its charts: ``<name>-<chart>.png`` beside the workbook."""
    p = Path(path)
    return {n: p.with_name(f"{p.stem}-{n}.png") for n in names}


def export_job(path: str, d: dict, lang: str, images: dict[str, bytes] | None = None, k: int | None = None,
               captions: dict[str, str] | None = None):
    """A task job writing the report to ``path`` (.html; .xlsx with the charts as PNG files beside
    it, ``png_paths``; else CSV); returns the path."""
    def job(progress, cancel, emit_hits):
        progress(Progress(done=0, total=1, current=Path(path).name))
        cancel.raise_if_cancelled()
        suffix = Path(path).suffix.lower()
        if suffix == ".xlsx":
            from .atomic_file import write_bytes_atomic
            from .validation_xlsx import write_report_xlsx

            write_report_xlsx(path, d, lang, k, cancel=cancel)
            for name, target in png_paths(path, images or {}).items():
                write_bytes_atomic(target, (images or {})[name])
        else:
            is_html = suffix in (".html", ".htm")
            text = html_text(d, lang, images, k, captions) if is_html else csv_text(d, lang, k)
            write_text_atomic(path, text)
        progress(Progress(done=1, total=1, current=Path(path).name))
        return path
    return job
