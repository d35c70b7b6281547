"""A validation report as an XLSX workbook (issue 16): one sheet per table of the report
(``core/validation_tables``, the tables the window shows), a summary sheet (the headline and the
biases that remain), the data behind the pictures (signals per day, the portfolio's equity curve
against the index, the distribution of the chosen horizon's returns) and a sheet of Excel charts
drawn from that data — so the CLI's ``validate --xlsx`` (no Qt) has pictures too. The window's
export also writes its pyqtgraph charts as PNG files beside the workbook (``validation_export``).

Written through ``core/table_file.write_xlsx_sheets`` (atomic). Cells are numbers, not text:
a return or rate is stored as a fraction with a percent format (what the report shows as +1.23 %
is 0.0123), a count as a whole number; "—" is an empty cell.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from .table_file import ColumnFormat, Formatted, Sheet, write_xlsx_sheets
from .validation_reasons import VALIDATION_COLUMNS
from .validation_tables import Cell, all_tables, band_key, biases, column, headline

_SIGNED = ColumnFormat("percent", "+0.00%;-0.00%;0.00%")
_PLAIN = ColumnFormat("percent", "0.00%")
_COUNT = ColumnFormat("number", "#,##0")
_NUMBER = ColumnFormat("number", "0.00")

#: Sheet and chart words (zh, en) that are not the report's own table titles.
WORDS: dict[str, tuple[str, str]] = {
    "summary": ("概要", "Summary"),
    "signals": ("每日信号数", "Signals per day"),
    "equity": ("组合净值", "Portfolio equity"),
    "histogram": ("+{k}日收益分布", "+{k} day returns"),
    "charts": ("图表", "Charts"),
    "date": ("日期", "Date"),
    "count": ("信号数", "Signals"),
    "portfolio": ("组合", "Portfolio"),
    "index": ("指数", "Index"),
    "bin": ("收益区间", "Return bin"),
    "bin_from": ("下限", "From"),
}


def word(key: str, lang: str, **params) -> str:
    zh, en = WORDS[key]
    return (zh if lang == "zh" else en).format(**params)


def cell_value(c: Cell) -> Any:
    """What a report cell is in the workbook: its raw number in the format it is shown with
    (percent cells as fractions), else its text; "—" empty."""
    v, text = c.value, c.text
    if v is None or isinstance(v, bool) or not isinstance(v, (int, float)):
        return "" if text == "—" else text
    if text.endswith("%"):
        return Formatted(100.0 * float(v), _SIGNED if text.startswith(("+", "-")) else _PLAIN)
    plain = text.replace(",", "")
    try:
        float(plain)
    except ValueError:
        return text
    if text.startswith("+"):              # "+5": a horizon's label
        return text
    return Formatted(v, _COUNT if isinstance(v, int) or float(v).is_integer() else _NUMBER)


def sheets(d: dict, lang: str, k: int | None = None) -> list[Sheet]:
    """Every sheet of the workbook, in order (charts excluded: ``add_charts``)."""
    k = band_key(d["horizons"]) if k is None else k
    out = [Sheet(word("summary", lang), [d["title"]["zh" if lang == "zh" else "en"]],
                 [[line] for line in headline(d, lang)] + [[""]] + [[b] for b in biases(d, lang)])]
    for t in all_tables(d, lang, k):
        out.append(Sheet(t.title, t.headers, [[cell_value(c) for c in row] for row in t.rows], freeze_columns=1))
    days = d.get("signals_per_day") or []
    out.append(Sheet(word("signals", lang), [word("date", lang), word("count", lang)],
                     [[str(day), int(n)] for day, n in days], [ColumnFormat(), _COUNT]))
    curve = (d.get("portfolio") or {}).get("curve") or []
    out.append(Sheet(word("equity", lang), [word("date", lang), word("portfolio", lang), word("index", lang)],
                     [[str(c[0]), c[1], "" if c[2] is None else c[2]] for c in curve],
                     [ColumnFormat(), ColumnFormat("number", "0.0000"), ColumnFormat("number", "0.0000")]))
    h = (d.get("histograms") or {}).get(str(k)) or {}
    edges, counts = h.get("edges") or [], h.get("counts") or []
    labels = [f"<{100 * edges[0]:+.0f}%"] if edges else []
    labels += [f"{100 * a:+.0f}%…{100 * b:+.0f}%" for a, b in zip(edges, edges[1:])]
    labels += [f"≥{100 * edges[-1]:+.0f}%"] if edges else []
    out.append(Sheet(word("histogram", lang, k=k), [word("bin", lang), word("count", lang)],
                     [[lab, int(n)] for lab, n in zip(labels, counts)], [ColumnFormat(), _COUNT]))
    return out


def add_charts(wb, lang: str, k: int, n_days: int, n_curve: int, n_bins: int) -> None:
    """A sheet of Excel charts over the data sheets (the last three of ``sheets``): the +k
    histogram, the signals per day and the portfolio curve against the index."""
    from openpyxl.chart import BarChart, LineChart, Reference

    days, curve, bins = wb.worksheets[-3:]
    ws = wb.create_sheet(word("charts", lang))
    for chart, sheet, n, last_col, anchor, legend in ((BarChart(), bins, n_bins, 2, "A1", False),
                                                      (LineChart(), days, n_days, 2, "A18", False),
                                                      (LineChart(), curve, n_curve, 3, "A35", True)):
        if not n:
            continue
        chart.title = sheet.title
        if not legend:
            chart.legend = None
        chart.add_data(Reference(sheet, min_col=2, max_col=last_col, min_row=1, max_row=n + 1), titles_from_data=True)
        chart.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=n + 1))
        chart.width, chart.height = 24, 8
        ws.add_chart(chart, anchor)


def write_report_xlsx(path: str | Path, d: dict, lang: str, k: int | None = None, progress=None,
                      cancel=None) -> Path:
    """The workbook of report ``d`` (a ``ValidationResult.to_dict()``) at ``path``."""
    k = band_key(d["horizons"]) if k is None else k
    sh = sheets(d, lang, k)

    def charts(wb) -> None:
        add_charts(wb, lang, k, len(sh[-3].rows), len(sh[-2].rows), len(sh[-1].rows))
    return write_xlsx_sheets(path, sh, progress, cancel, after=charts)


__all__ = ["cell_value", "sheets", "write_report_xlsx", "column", "VALIDATION_COLUMNS"]
