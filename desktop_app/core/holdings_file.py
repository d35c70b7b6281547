"""Holdings to and from CSV/XLSX (``core/table_file.py`` writes; ``core/watch_import.read_rows``
reads), with a preview of the rejected rows and why.

Columns (zh or en headers, any order): 代码/code, 数量/quantity, 成本/cost, 日期/date (optional).
Without a header row the order is code, quantity, cost, date.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .reasons import R, Reason
from .table_file import ColumnFormat, write_table
from .watch_import import _cell_token, read_rows
from .watch_store import Holding, WatchError, check_holding

HEADERS = {"zh": ["代码", "数量", "成本", "日期"], "en": ["code", "quantity", "cost", "date"]}
_ALIASES = {
    "code": ("代码", "证券代码", "股票代码", "code", "symbol"),
    "quantity": ("数量", "持仓数量", "股数", "持股数", "quantity", "qty", "shares"),
    "cost": ("成本", "成本价", "买入价", "cost", "price"),
    "date": ("日期", "买入日期", "date"),
}
FORMATS = [ColumnFormat("code"), ColumnFormat("number", "0"), ColumnFormat("number", "0.000"), ColumnFormat("text")]


@dataclass
class HoldingsPreview:
    holdings: list[Holding] = field(default_factory=list)
    rejected: list[tuple[int, str, Reason]] = field(default_factory=list)   # (row, text, reason)


def _columns(header: list[Any]) -> dict[str, int] | None:
    names = [str(h or "").strip().lower() for h in header]
    found = {}
    for key, aliases in _ALIASES.items():
        for a in aliases:
            if a in names:
                found[key] = names.index(a)
                break
    return found if {"code", "quantity", "cost"} <= set(found) else None


def parse_holding_rows(rows: list[list[Any]]) -> HoldingsPreview:
    out = HoldingsPreview()
    if not rows:
        return out
    cols = _columns(rows[0])
    start = 1 if cols is not None else 0
    cols = cols or {"code": 0, "quantity": 1, "cost": 2, "date": 3}
    for n, row in enumerate(rows[start:], start + 1):
        if not any(_cell_token(c) for c in row):
            continue

        def cell(key: str) -> Any:
            i = cols.get(key)
            return row[i] if i is not None and i < len(row) else None

        code = _cell_token(cell("code"))
        date = cell("date")
        if hasattr(date, "date") and not isinstance(date, str):
            date = date.date()
        try:
            out.holdings.append(check_holding(code, cell("quantity"), cell("cost"), date))
        except WatchError as e:
            out.rejected.append((n, ", ".join(_cell_token(c) for c in row), e.reason))
    return out


def preview_holdings(path: str | Path) -> HoldingsPreview:
    """Blocking: the holdings a CSV/XLSX file holds, and its rejected rows."""
    return parse_holding_rows(read_rows(path))


def export_holdings(path: str | Path, holdings: list[Holding], lang: str = "zh") -> Path:
    """Write the holdings (CSV with BOM or XLSX by suffix); ``preview_holdings`` reads them back."""
    rows = [[h.code, h.quantity, h.cost, h.date] for h in holdings]
    return write_table(path, HEADERS["zh" if lang == "zh" else "en"], rows, formats=FORMATS)


def no_holdings_reason() -> Reason:
    return R("holdings_none")
