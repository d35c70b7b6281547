"""Fundamentals in the source's cache file, beside the bars (``BarStore``'s file, its connection
pool, transactions and file-problem handling).

Three tables, created on first use (an older store gains them; nothing else changes):
- ``fundamentals``: one financial report per (symbol, report period), FUNDAMENTAL_COLUMNS, with
  the day it became public (``available_day``: the notice date, or the period's deadline when the
  source gives none) and when we fetched it;
- ``valuations``: each symbol's latest snapshot valuation (PE(动态), PB, total and float cap,
  last price) and the trading day it is of — what ``source.spot()`` said, kept with its date;
- ``fundamental_periods``: which whole-market periods were fetched in bulk, and when (a
  fundamentals refresh resumes from it).

Crash safety is the bar store's: WAL, and every write one ``BEGIN IMMEDIATE`` transaction, so a
process killed mid-write leaves each batch either wholly there or wholly absent
(``tests/test_fundamental_store.py`` kills writers). Days are integers (days since 1970-01-01,
``bar_codec.day_number``).

``latest_as_of(day)`` is what a scan reads: for every symbol its newest report public on or
before ``day``, in ONE query over the whole market (SQLite's bare columns with ``max()`` take the
row of the maximum).
"""
from __future__ import annotations

import datetime as dt
import time
from typing import Iterable

import numpy as np
import pandas as pd

from . import bar_codec as codec
from .report_periods import deadline
from .source import FUNDAMENTAL_COLUMNS
from .store import BarStore

#: The numeric report fields, in FUNDAMENTAL_COLUMNS order.
REPORT_FIELDS = [c for c in FUNDAMENTAL_COLUMNS if c not in ("symbol", "report_date", "notice_date")]
VALUATION_FIELDS = ["last", "pe", "pb", "market_cap", "float_cap"]

_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS fundamentals(
    symbol TEXT NOT NULL,
    report_day INTEGER NOT NULL,
    available_day INTEGER NOT NULL,
    notice_day INTEGER,
    fetched REAL NOT NULL,
    {", ".join(f"{c} REAL" for c in REPORT_FIELDS)},
    PRIMARY KEY(symbol, report_day)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS valuations(
    symbol TEXT PRIMARY KEY,
    day INTEGER NOT NULL,
    fetched REAL NOT NULL,
    {", ".join(f"{c} REAL" for c in VALUATION_FIELDS)}
);
CREATE TABLE IF NOT EXISTS fundamental_periods(report_day INTEGER PRIMARY KEY, n INTEGER NOT NULL,
                                               fetched REAL NOT NULL)
"""


def _days(values) -> np.ndarray:
    """Dates (date, Timestamp, str, None) -> day numbers, float with NaN for missing (vectorised)."""
    ts = pd.to_datetime(pd.Series(list(values), dtype=object), errors="coerce")
    out = ts.to_numpy().astype("datetime64[D]").astype(np.int64).astype(float)
    out[ts.isna().to_numpy()] = np.nan
    return out


def _to_dates(days) -> list:
    """Day numbers (NaN/None for missing) -> ``datetime.date`` / None (vectorised)."""
    a = pd.to_numeric(pd.Series(list(days), dtype=object), errors="coerce").to_numpy(dtype=float)
    ok = np.isfinite(a)
    out = np.full(len(a), None, dtype=object)
    out[ok] = a[ok].astype(np.int64).astype("datetime64[D]").astype(object)
    return list(out)


def _num(v) -> float | None:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return f if np.isfinite(f) else None


class FundamentalStore:
    """Reports and valuations of one source, in its bar store's file. Thread-safe like the store."""

    def __init__(self, bars: BarStore):
        self.bars = bars
        with bars._write_txn() as conn:
            for stmt in filter(str.strip, _SCHEMA.split(";")):
                conn.execute(stmt)

    # ------------------------------------------------------------------ writes
    def write_reports(self, frame: pd.DataFrame, period: dt.date | None = None) -> int:
        """Insert or replace reports (FUNDAMENTAL_COLUMNS rows) in one transaction; with
        ``period``, also record that period as fetched in bulk (same transaction). Returns rows."""
        now = time.time()
        report = _days(frame["report_date"])
        notice = _days(frame["notice_date"]) if "notice_date" in frame else np.full(len(frame), np.nan)
        ok = np.isfinite(report) & frame["symbol"].astype(str).str.len().gt(0).to_numpy()
        deadlines = {d: codec.day_number(deadline(codec.day_to_date(int(d)))) for d in np.unique(report[ok])}
        avail = np.where(np.isfinite(notice), notice, [deadlines.get(d, 0) for d in report])
        values = frame.reindex(columns=REPORT_FIELDS).apply(pd.to_numeric, errors="coerce").astype(float)
        values = values.where(np.isfinite(values), None).astype(object).to_numpy()
        rows = [(str(s), int(r), int(a), None if np.isnan(n) else int(n), now, *v)
                for s, r, a, n, v, k in zip(frame["symbol"], report, avail, notice, values, ok) if k]
        cols = ["symbol", "report_day", "available_day", "notice_day", "fetched", *REPORT_FIELDS]
        with self.bars._write_txn() as conn:
            conn.executemany(f"INSERT OR REPLACE INTO fundamentals({','.join(cols)}) VALUES({','.join('?' * len(cols))})",
                             rows)
            if period is not None:
                conn.execute("INSERT OR REPLACE INTO fundamental_periods(report_day, n, fetched) VALUES(?,?,?)",
                             (codec.day_number(period), len(rows), now))
        return len(rows)

    def write_valuations(self, spot: pd.DataFrame, day: dt.date) -> int:
        """Keep each symbol's snapshot valuation (SPOT_COLUMNS: last, pe, pb, caps) as of ``day``;
        an older row of a symbol is replaced, a newer one kept."""
        now, d = time.time(), codec.day_number(day)
        rows = [(str(r["symbol"]), d, now, *(_num(r.get(c)) for c in ("last", "pe", "pb", "market_cap", "float_cap")))
                for r in spot.to_dict("records")]
        with self.bars._write_txn() as conn:
            conn.executemany("INSERT INTO valuations(symbol, day, fetched, last, pe, pb, market_cap, float_cap)"
                             " VALUES(?,?,?,?,?,?,?,?) ON CONFLICT(symbol) DO UPDATE SET day=excluded.day,"
                             " fetched=excluded.fetched, last=excluded.last, pe=excluded.pe, pb=excluded.pb,"
                             " market_cap=excluded.market_cap, float_cap=excluded.float_cap"
                             " WHERE excluded.day >= valuations.day", rows)
        return len(rows)

    def clear(self) -> None:
        with self.bars._write_txn() as conn:
            for t in ("fundamentals", "valuations", "fundamental_periods"):
                conn.execute(f"DELETE FROM {t}")

    # ------------------------------------------------------------------ reads
    def fetched_periods(self) -> dict[dt.date, float]:
        """Bulk-fetched periods -> when (epoch seconds)."""
        return {codec.day_to_date(d): f for d, f in self.bars._all("SELECT report_day, fetched FROM fundamental_periods")}

    def count(self) -> int:
        return self.bars._one("SELECT count(*) FROM fundamentals")[0]

    def has_any(self) -> bool:
        return self.bars._one("SELECT 1 FROM fundamentals LIMIT 1") is not None \
            or self.bars._one("SELECT 1 FROM valuations LIMIT 1") is not None

    def latest_as_of(self, day: dt.date | None = None, symbols: Iterable[str] | None = None) -> pd.DataFrame:
        """Each symbol's newest report public on or before ``day`` (None: the newest stored), one
        query for the whole market: FUNDAMENTAL_COLUMNS + ``fetched``, indexed by symbol."""
        cols = ", ".join(REPORT_FIELDS)
        where, args = ("WHERE available_day <= ?", (codec.day_number(day),)) if day is not None else ("", ())
        rows = self.bars._all(f"SELECT symbol, max(report_day), notice_day, fetched, {cols} FROM fundamentals "
                              f"{where} GROUP BY symbol", args)
        df = pd.DataFrame(rows, columns=["symbol", "report_day", "notice_day", "fetched", *REPORT_FIELDS])
        df = self._dates(df)
        if symbols is not None:
            df = df[df["symbol"].isin(set(symbols))]
        return df.set_index("symbol", drop=False)

    def all_reports(self, day: dt.date | None = None) -> pd.DataFrame:
        """Every stored report public on or before ``day`` (None: all), in one query: symbol,
        report_day, available_day (day numbers) and REPORT_FIELDS — a validation finds each
        day's newest public report from it (``core/validation_fundamentals``)."""
        where, args = ("WHERE available_day <= ?", (codec.day_number(day),)) if day is not None else ("", ())
        rows = self.bars._all(f"SELECT symbol, report_day, available_day, {', '.join(REPORT_FIELDS)} "
                              f"FROM fundamentals {where}", args)
        df = pd.DataFrame(rows, columns=["symbol", "report_day", "available_day", *REPORT_FIELDS])
        return df.astype({c: float for c in REPORT_FIELDS})

    def annual_history(self, day: dt.date | None = None) -> pd.DataFrame:
        """Every stored annual report (12-31 periods) public on or before ``day`` (None: all), in
        one query: symbol, year, revenue, profit (yuan) — the multi-year growth's input
        (``core/fundamental_growth.py``)."""
        span = self.bars._one("SELECT min(report_day), max(report_day) FROM fundamentals")
        if span is None or span[0] is None:
            return pd.DataFrame(columns=["symbol", "year", "revenue", "profit"])
        first, last = codec.day_to_date(int(span[0])).year, codec.day_to_date(int(span[1])).year
        ends = {codec.day_number(dt.date(y, 12, 31)): y for y in range(first, last + 1)}
        where, args = ("AND available_day <= ?", (codec.day_number(day),)) if day is not None else ("", ())
        rows = self.bars._all(f"SELECT symbol, report_day, revenue, profit FROM fundamentals WHERE report_day IN "
                              f"({','.join(map(str, ends))}) {where}", args)
        df = pd.DataFrame(rows, columns=["symbol", "year", "revenue", "profit"]).astype(
            {"revenue": float, "profit": float})
        df["year"] = df["year"].map(ends).astype(int)
        return df

    def history(self, symbol: str) -> pd.DataFrame:
        """One symbol's stored reports, newest first (FUNDAMENTAL_COLUMNS + ``fetched``)."""
        rows = self.bars._all(f"SELECT symbol, report_day, notice_day, fetched, {', '.join(REPORT_FIELDS)} "
                              "FROM fundamentals WHERE symbol=? ORDER BY report_day DESC", (symbol,))
        return self._dates(pd.DataFrame(rows, columns=["symbol", "report_day", "notice_day", "fetched", *REPORT_FIELDS]))

    @staticmethod
    def _dates(df: pd.DataFrame) -> pd.DataFrame:
        df = df.astype({c: float for c in REPORT_FIELDS})
        df["report_date"] = _to_dates(df["report_day"])
        df["notice_date"] = _to_dates(df["notice_day"])
        return df[FUNDAMENTAL_COLUMNS + ["fetched"]]

    def valuations(self, day: dt.date | None = None) -> pd.DataFrame:
        """The stored snapshot valuations (of ``day`` or before), indexed by symbol, with ``day``."""
        where, args = ("WHERE day <= ?", (codec.day_number(day),)) if day is not None else ("", ())
        rows = self.bars._all(f"SELECT symbol, day, {', '.join(VALUATION_FIELDS)} FROM valuations {where}", args)
        df = pd.DataFrame(rows, columns=["symbol", "day", *VALUATION_FIELDS]).astype({c: float for c in VALUATION_FIELDS})
        df["day"] = _to_dates(df["day"])
        return df.set_index("symbol", drop=False)
