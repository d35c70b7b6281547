"""One presenter for a scan's hit row: its columns, their headers, each cell's display text and
its value in an exported file, in Chinese or English.

The results table (``workers/results_model.py``), the window's export, ``stockscan-cli scan``
(table, ``--csv``, ``--json``) and ``stockscan-cli history show`` all go through here, so the same
scan looks the same everywhere and the window's CSV equals the CLI's byte for byte.

A hit row is a dict with the keys of ``HIT_COLUMNS`` (built by ``core/scan.py``, in that key
order): numbers as floats (NaN when unknown), ``board``/``ma_trend``/``macd_state`` as ids,
``strategies`` as a list of preset ids, the rating in both languages (``label_zh``/``label_en``).

What is *presented* is ``COLUMNS``, in the order 通达信 users expect (代码 名称 最新价 涨跌幅 得分
评级 …): the results table's columns and default order, and the columns of every export that
does not name its own (the CLI's ``--csv``). Its ``label`` column is the rating in the language
asked for (``source_key``). The window exports the table's visible columns in their visible order
(``HitRows.columns``), so for the default layout its file equals the CLI's byte for byte.

Exported cells open right in Excel (``core/table_file.py``): the code is text (CSV ``="000586"``,
XLSX a text cell), ids are names in the asked language, numbers are numbers rounded as shown.
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
from .since_reasons import SINCE_COLUMNS
from .symbols import BOARDS
from .table_file import ColumnFormat

#: The keys of a hit row, in the order ``core/scan.py`` builds them (the stored/JSON schema).
HIT_COLUMNS: list[str] = [
    "symbol", "name", "board", "industry", "score", "label_zh", "label_en", "last", "chg_pct",
    "amount", "turnover", "rsi", "ma_trend", "macd_state", "vol_ratio", "strategies",
    "trend", "volatility", "technical", "volume", "momentum", "chg60", "ytd",
]
#: The fundamental columns (``core/scan_fundamentals.HIT_KEYS``): in a hit row only when the scan
#: read fundamentals (asked for, or stored); presented after ``COLUMNS`` then.
FUNDAMENTAL_COLUMNS: list[str] = ["pe", "pb", "market_cap", "float_cap", "eps", "revenue_yoy", "profit_yoy",
                                  "roe", "bvps", "gross_margin", "report_date", "fscore", "combo"]
#: The presented columns in their default order (table, exports, CLI ``--csv``).
COLUMNS: list[str] = [
    "symbol", "name", "last", "chg_pct", "score", "label", "amount", "turnover", "vol_ratio", "chg60", "ytd",
    "industry", "board", "strategies", "ma_trend", "macd_state", "rsi",
    "trend", "volatility", "technical", "volume", "momentum",
]
#: Decimals of a formula output column (a hit row's key beyond HIT_COLUMNS, named as in the
#: formula, e.g. "MA5" or "主力线"): shown with 2 like 通达信, exported with 4.
FORMULA_DIGITS, FORMULA_EXPORT_DIGITS = 2, 4
_KNOWN_KEYS = frozenset(HIT_COLUMNS) | frozenset(COLUMNS) | frozenset(FUNDAMENTAL_COLUMNS) | frozenset(SINCE_COLUMNS)
#: The columns that stay on the left: frozen in the results table, first in an export.
FROZEN_COLUMNS: tuple[str, ...] = ("symbol", "name")
NUMERIC_HIT_COLUMNS = frozenset({"score", "last", "chg_pct", "amount", "turnover", "rsi", "vol_ratio",
                                 "trend", "volatility", "technical", "volume", "momentum", "chg60", "ytd",
                                 *(c for c in FUNDAMENTAL_COLUMNS if c != "report_date"), *SINCE_COLUMNS})
#: Decimals a number column shows and exports with.
DIGITS: dict[str, int] = {"score": 1, "trend": 1, "volatility": 1, "technical": 1, "volume": 1,
                          "momentum": 1, "rsi": 1, "last": 2, "chg_pct": 2, "turnover": 2,
                          "vol_ratio": 2, "amount": 0,
                          "pe": 2, "pb": 2, "market_cap": 0, "float_cap": 0, "eps": 3, "bvps": 2,
                          "revenue_yoy": 2, "profit_yoy": 2, "roe": 2, "gross_margin": 2, "fscore": 1,
                          "combo": 1, "chg60": 2, "ytd": 2, **{c: 2 for c in SINCE_COLUMNS}}
#: Columns whose whole numbers show without decimals (scores add up whole rule points: "85", "85.5").
WHOLE_WHEN_INTEGRAL = frozenset({"score", "trend", "volatility", "technical", "volume", "momentum", "fscore", "combo"})
#: Amounts shown the Chinese way (万/亿; K/M/B in English) and exported whole (yuan).
_AMOUNTS = frozenset({"amount", "market_cap", "float_cap"})
#: Percent values shown signed (growth) or plain (ratios).
_SIGNED_PCT = frozenset({"chg_pct", "revenue_yoy", "profit_yoy", "chg60", "ytd", *SINCE_COLUMNS})
_PLAIN_PCT = frozenset({"turnover", "roe", "gross_margin"})
_NAMED = {"board": BOARDS, "ma_trend": STATE_NAMES, "macd_state": STATE_NAMES}
#: How each column is written to a file (see ``core/table_file.py``); the rest are text.
_FORMATS: dict[str, ColumnFormat] = {
    "symbol": ColumnFormat("code"),
    "last": ColumnFormat("number", "0.00"),
    "chg_pct": ColumnFormat("percent", "+0.00%;-0.00%;0.00%"),
    "chg60": ColumnFormat("percent", "+0.00%;-0.00%;0.00%"), "ytd": ColumnFormat("percent", "+0.00%;-0.00%;0.00%"),
    "turnover": ColumnFormat("percent", "0.00%"),
    "amount": ColumnFormat("number", "#,##0"),
    "market_cap": ColumnFormat("number", "#,##0"), "float_cap": ColumnFormat("number", "#,##0"),
    "pe": ColumnFormat("number", "0.00"), "pb": ColumnFormat("number", "0.00"), "eps": ColumnFormat("number", "0.000"),
    "bvps": ColumnFormat("number", "0.00"),
    "revenue_yoy": ColumnFormat("percent", "+0.00%;-0.00%;0.00%"), "profit_yoy": ColumnFormat("percent", "+0.00%;-0.00%;0.00%"),
    "roe": ColumnFormat("percent", "0.00%"), "gross_margin": ColumnFormat("percent", "0.00%"),
    "vol_ratio": ColumnFormat("number", "0.00"),
    "rsi": ColumnFormat("number", "0.0"),
    **{c: ColumnFormat("number", "General") for c in WHOLE_WHEN_INTEGRAL},
    **{c: ColumnFormat("percent", "+0.00%;-0.00%;0.00%") for c in SINCE_COLUMNS},
}


class HitRows(list):
    """Hit rows plus the columns to present them with (``columns``; None: ``COLUMNS``) — what the
    results view hands the window's export: its visible rows and its visible columns in order."""

    columns: list[str] | None = None

    def __init__(self, rows: Iterable[dict] = (), columns: Sequence[str] | None = None) -> None:
        super().__init__(rows)
        self.columns = list(columns) if columns else None


def is_formula_column(col: str) -> bool:
    """A formula output's column (``core/formula/screen.py`` adds them to the hit rows)."""
    return col not in _KNOWN_KEYS


def formula_columns(rows: Iterable[dict]) -> list[str]:
    """The formula output columns of hit rows, in the formula's order (those of the first row)."""
    for r in rows:
        return [k for k in r if is_formula_column(k)]
    return []


def _zh(lang: str) -> bool:
    return str(lang).startswith("zh")


def source_key(col: str, lang: str) -> str:
    """The hit-row key a presented column reads: ``label`` is ``label_zh`` or ``label_en``."""
    if col == "label":
        return "label_zh" if _zh(lang) else "label_en"
    return col


def value(row: dict, col: str, lang: str) -> Any:
    """The raw value of presented column ``col`` in hit ``row``."""
    return row.get(source_key(col, lang))


#: The ids a column of names can hold (``known_texts``).
_VALUE_IDS = {"board": tuple(BOARDS), "ma_trend": ("bull", "bear", "mixed"),
              "macd_state": ("golden_cross", "dead_cross", "above", "below")}


def known_texts(col: str, lang: str) -> list[str]:
    """Every text a column of names can show (boards, states, ratings), for sizing a column
    without measuring its rows; empty for other columns."""
    if col in _VALUE_IDS:
        return [display(col, i, lang) for i in _VALUE_IDS[col]]
    if source_key(col, lang) in ("label_zh", "label_en"):
        from .scoring import LABELS

        return [lab.zh if _zh(lang) else lab.en for lab in LABELS]
    return []


def column_format(col: str) -> ColumnFormat:
    return _FORMATS.get(col, ColumnFormat())


def frozen_count(columns: Sequence[str]) -> int:
    """How many of ``columns``, from the left, are frozen columns (panes frozen in an XLSX)."""
    n = 0
    for c in columns:
        if c not in FROZEN_COLUMNS:
            break
        n += 1
    return n


@lru_cache(maxsize=4)
def strategy_names(lang: str) -> dict[str, str]:
    from .strategies import STRATEGIES
    zh = str(lang).startswith("zh")
    return {sid: (s.name_zh if zh else s.name_en) for sid, s in STRATEGIES.items()}


def header(col: str, lang: str) -> str:
    if col == "label":  # 评级 / Rating: the rating in the asked language
        return header(source_key(col, lang), lang)
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
    if col in _SIGNED_PCT:
        return numfmt.pct(v, DIGITS[col])
    if col in _PLAIN_PCT:
        return numfmt.pct(v, DIGITS[col], sign=False)
    if col in _AMOUNTS:
        return numfmt.big(v, lang, 2 if str(lang).startswith("zh") else 1)
    if col in WHOLE_WHEN_INTEGRAL:
        r = _whole_or_rounded(v, DIGITS[col])
        return numfmt.num(r, 0 if float(r).is_integer() else DIGITS[col])
    if col in DIGITS:
        return numfmt.num(v, DIGITS[col])
    if is_formula_column(col) and isinstance(v, (int, float)):
        return numfmt.num(v, FORMULA_DIGITS, thousands=True)
    return str(v)


def _whole_or_rounded(v: Any, digits: int) -> int | float:
    """``v`` rounded to ``digits``; an int when that is a whole number (85.0 -> 85, 85.5 -> 85.5)."""
    f = float(v)
    if not math.isfinite(f):
        return f
    r = round(f, digits) + 0.0     # + 0.0: no "-0"
    return int(r) if r.is_integer() else r


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
        if col in WHOLE_WHEN_INTEGRAL:
            return _whole_or_rounded(f, DIGITS[col])
        return round(f, DIGITS.get(col, 4)) if col not in _AMOUNTS else round(f)
    if is_formula_column(col) and isinstance(v, (int, float)) and not isinstance(v, bool):
        return round(float(v), FORMULA_EXPORT_DIGITS) if math.isfinite(float(v)) else ""
    if hasattr(v, "item") and not isinstance(v, str):  # numpy scalars
        v = v.item()
    return v if isinstance(v, (int, float)) else str(v)


def export_columns(rows: Any = None, columns: Sequence[str] | None = None) -> list[str]:
    """The columns an export writes: ``columns`` if given, else the rows' own (``HitRows``), else
    the default ``COLUMNS`` followed by the rows' formula output columns."""
    chosen = columns or getattr(rows, "columns", None)
    if chosen:
        return list(chosen)
    if not isinstance(rows, Sequence):
        return list(COLUMNS)
    return COLUMNS + fundamental_columns(rows) + formula_columns(rows) + since_columns(rows)


def fundamental_columns(rows: Iterable[dict]) -> list[str]:
    """FUNDAMENTAL_COLUMNS when the rows carry them (the scan read fundamentals), else none."""
    for r in rows:
        return list(FUNDAMENTAL_COLUMNS) if "fscore" in r else []
    return []


def since_columns(rows: Iterable[dict]) -> list[str]:
    """SINCE_COLUMNS when the rows carry them (a past scan's returns since, ``core/since_scan``)."""
    for r in rows:
        return list(SINCE_COLUMNS) if "since_ret" in r else []
    return []


def export_rows(rows: Iterable[dict], lang: str, columns: Sequence[str] | None = None
                ) -> tuple[list[str], list[list[Any]]]:
    cols = export_columns(rows, columns)
    keys = [source_key(c, lang) for c in cols]
    return headers(cols, lang), [[export_value(c, r.get(k), lang) for c, k in zip(cols, keys)] for r in rows]


def json_row(row: dict, lang: str) -> dict:
    """A hit for ``--json``: raw values (ids, floats) plus the display names a reader needs."""
    out = dict(row)
    out["strategy_names"] = [strategy_names(lang).get(s, s) for s in (row.get("strategies") or [])]
    out["board_name"] = display("board", row.get("board"), lang)
    return out


def write_hits(path: str | Path, rows: Iterable[dict], lang: str, columns: Sequence[str] | None = None,
               progress: Callable[[Progress], None] | None = None, cancel: CancelToken | None = None) -> Path:
    """The hits as a CSV (UTF-8 with BOM) or XLSX file, by the path's suffix (``columns``: see
    ``export_columns``)."""
    from .table_file import write_table

    cols = export_columns(rows, columns)
    head, body = export_rows(rows, lang, cols)
    return write_table(path, head, body, progress, cancel, formats=[column_format(c) for c in cols],
                       freeze_columns=frozen_count(cols))


def export_job(path: str | Path, rows: Sequence[dict], lang: str, columns: Sequence[str] | None = None):
    """A task-manager job ``job(progress, cancel, emit_hits) -> path`` writing ``rows`` (a snapshot
    taken on the GUI thread; a ``HitRows`` brings its columns) with ``write_hits``."""
    cols = export_columns(rows, columns)
    rows = [dict(r) for r in rows]

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
    out += ["\t".join(display(c, value(r, c, lang), lang) for c in columns) for r in rows[:limit]]
    return out
