"""One presenter for a scan's hit row: its columns, their headers, each cell's display text and
its value in an exported file, in Chinese or English.

The results table (``workers/results_model.py``), the window's export, ``stockscan-cli scan``
(table, ``--csv``, ``--json``) and ``stockscan-cli history show`` all go through here, so the same
scan looks the same everywhere and the window's CSV equals the CLI's byte for byte.

A hit row is a dict with the keys of ``HIT_COLUMNS`` (built by ``core/scan.py``): numbers as
floats (NaN when unknown), ``board``/``ma_trend``/``macd_state`` as ids, ``strategies`` as a list
of preset ids.
"""
from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from . import numfmt
from .catalogue import HIT_HEADERS, pick
from .jobs import CancelToken, Progress
from .score_rules import STATE_NAMES
from .symbols import BOARDS

HIT_COLUMNS: list[str] = [
    "symbol", "name", "board", "industry", "score", "label_zh", "label_en", "last", "chg_pct",
    "amount", "turnover", "rsi", "ma_trend", "macd_state", "vol_ratio", "strategies",
    "trend", "volatility", "technical", "volume", "momentum",
]
NUMERIC_HIT_COLUMNS = frozenset({"score", "last", "chg_pct", "amount", "turnover", "rsi", "vol_ratio",
                                 "trend", "volatility", "technical", "volume", "momentum"})
#: Decimals a number column shows and exports with.
DIGITS: dict[str, int] = {"score": 1, "trend": 1, "volatility": 1, "technical": 1, "volume": 1,
                          "momentum": 1, "rsi": 1, "last": 2, "chg_pct": 2, "turnover": 2,
                          "vol_ratio": 2, "amount": 0}
_NAMED = {"board": BOARDS, "ma_trend": STATE_NAMES, "macd_state": STATE_NAMES}


@lru_cache(maxsize=4)
def strategy_names(lang: str) -> dict[str, str]:
    from .strategies import STRATEGIES
    zh = str(lang).startswith("zh")
    return {sid: (s.name_zh if zh else s.name_en) for sid, s in STRATEGIES.items()}


def header(col: str, lang: str) -> str:
    return pick(HIT_HEADERS.get(col), lang, col)


def headers(columns: Sequence[str], lang: str) -> list[str]:
    return [header(c, lang) for c in columns]


def missing(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def _strategies_text(v: Any, lang: str) -> str:
    if not v:
        return ""
    items = v if isinstance(v, (list, tuple)) else str(v).split(",")
    names = strategy_names(lang)
    return ("、" if str(lang).startswith("zh") else ", ").join(names.get(s, s) for s in items)


def _name(col: str, v: Any, lang: str) -> str:
    pair = _NAMED[col].get(str(v))
    return pick(pair[:2] if pair else None, lang, str(v))


def display(col: str, v: Any, lang: str) -> str:
    """The text a table cell shows: 万/亿 amounts, signed percentages, names for ids, "—" missing."""
    if col == "strategies":
        return _strategies_text(v, lang)
    if missing(v):
        return numfmt.MISSING
    if col in _NAMED:
        return _name(col, v, lang)
    if col == "chg_pct":
        return numfmt.pct(v, DIGITS[col])
    if col == "turnover":
        return numfmt.pct(v, DIGITS[col], sign=False)
    if col == "amount":
        return numfmt.big(v, lang, 2 if str(lang).startswith("zh") else 1)
    if col in DIGITS:
        return numfmt.num(v, DIGITS[col])
    return str(v)


def export_value(col: str, v: Any, lang: str) -> Any:
    """A cell of an exported file: numbers stay numbers (rounded as shown), ids become names,
    missing values are empty, codes stay text."""
    if col == "strategies":
        return _strategies_text(v, lang)
    if missing(v):
        return ""
    if col in _NAMED:
        return _name(col, v, lang)
    if col in NUMERIC_HIT_COLUMNS:
        f = float(v)
        if not math.isfinite(f):
            return ""
        return round(f, DIGITS.get(col, 4)) if col != "amount" else round(f)
    if hasattr(v, "item") and not isinstance(v, str):  # numpy scalars
        v = v.item()
    return v if isinstance(v, (int, float)) else str(v)


def export_rows(rows: Iterable[dict], lang: str, columns: Sequence[str] | None = None
                ) -> tuple[list[str], list[list[Any]]]:
    cols = list(columns or HIT_COLUMNS)
    return headers(cols, lang), [[export_value(c, r.get(c), lang) for c in cols] for r in rows]


def json_row(row: dict, lang: str) -> dict:
    """A hit for ``--json``: raw values (ids, floats) plus the display names a reader needs."""
    out = dict(row)
    out["strategy_names"] = [strategy_names(lang).get(s, s) for s in (row.get("strategies") or [])]
    out["board_name"] = display("board", row.get("board"), lang)
    return out


def write_hits(path: str | Path, rows: Iterable[dict], lang: str, columns: Sequence[str] | None = None,
               progress: Callable[[Progress], None] | None = None, cancel: CancelToken | None = None) -> Path:
    """The hits as a CSV (UTF-8 with BOM) or XLSX file, by the path's suffix."""
    from .table_file import write_table

    head, body = export_rows(rows, lang, columns)
    return write_table(path, head, body, progress, cancel)


def export_job(path: str | Path, rows: Sequence[dict], lang: str, columns: Sequence[str] | None = None):
    """A task-manager job ``job(progress, cancel, emit_hits) -> path`` writing ``rows`` (a snapshot
    taken on the GUI thread) with ``write_hits``."""
    rows = [dict(r) for r in rows]
    cols = list(columns or HIT_COLUMNS)

    def job(progress: Callable[[Progress], None], cancel: CancelToken, emit_hits: Any = None) -> str:
        name = Path(path).name
        progress(Progress(done=0, total=len(rows), current=name))
        out = write_hits(path, rows, lang, cols, progress, cancel)
        progress(Progress(done=len(rows), total=len(rows), current=name))
        return str(out)

    return job


def table_lines(rows: Sequence[dict], lang: str, columns: Sequence[str], limit: int) -> list[str]:
    """Tab-separated lines for a terminal: header, then up to ``limit`` rows as displayed."""
    out = ["\t".join(headers(columns, lang))]
    out += ["\t".join(display(c, r.get(c), lang) for c in columns) for r in rows[:limit]]
    return out
