"""The minute-bar cache (issue 17 §4): one SQLite file per source beside the bar store,
``cache_dir()/minutes-<store key>.sqlite``, so minute history accumulates past what a host keeps
(eastmoney: 1-minute bars for 5 days only).

One row per bar, keyed ``(symbol, period, minute)`` (``minute`` = the bar's end time in minutes
since 1970, local market time): ``merge`` writes a fetched frame with ``INSERT OR REPLACE`` in one
transaction (a crash leaves the previous state, WAL mode), so fetched bars overwrite the cached
ones of the same minute and older cached bars stay. ``fetched`` remembers when a stock's period
was last fetched (the loader's freshness check). Minute history is small (60 days of 5-minute
bars = 2,880 rows), so rows, not the daily store's blobs.

Busy, full and read-only files raise ``file_errors`` problems; a file that is not a database is
only a cache: it is moved aside and started anew.
"""
from __future__ import annotations

import logging
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from desktop_app.core import file_errors as fe
from desktop_app.core.minute_bars import MINUTE_COLUMNS, minutes_of

log = logging.getLogger(__name__)
SCHEMA = """
CREATE TABLE IF NOT EXISTS minute_bars (
    symbol TEXT NOT NULL, period TEXT NOT NULL, minute INTEGER NOT NULL,
    open REAL, high REAL, low REAL, close REAL, volume REAL, amount REAL,
    PRIMARY KEY (symbol, period, minute)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS minute_fetches (
    symbol TEXT NOT NULL, period TEXT NOT NULL, fetched_at REAL NOT NULL,
    PRIMARY KEY (symbol, period));
"""


def minute_store_path(source: Any) -> Path:
    from desktop_app.core.data.store import store_key
    from desktop_app.core.paths import cache_dir

    return cache_dir() / f"minutes-{store_key(source)}.sqlite"


class MinuteStore:
    """Cached minute bars of one source (see the module docstring). Thread-safe: a connection
    per call, serialised writes."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._ready = False

    def _connect(self) -> sqlite3.Connection:
        try:
            conn = sqlite3.connect(str(self.path), timeout=fe.busy_timeout(), isolation_level=None)
            if not self._ready:
                conn.execute("PRAGMA journal_mode=WAL")
                conn.executescript(SCHEMA)
                self._ready = True
            return conn
        except sqlite3.DatabaseError as exc:
            problem = fe.sqlite_problem(exc, self.path)
            if problem is not None:
                raise problem from exc
            log.warning("minute cache %s unusable (%s): starting a new one", self.path, exc)
            fe.move_aside(self.path)
            return self._connect()

    def merge(self, symbol: str, period: str, bars: pd.DataFrame, fetched_at: float | None = None) -> int:
        """Write ``bars`` over the cached ones (same minute replaced, others kept); record the fetch.
        Returns the rows written."""
        minutes_of(period)
        rows = _rows(symbol, period, bars)
        with self._lock:
            conn = self._connect()
            try:
                conn.execute("BEGIN IMMEDIATE")
                conn.executemany("INSERT OR REPLACE INTO minute_bars VALUES (?,?,?,?,?,?,?,?,?)", rows)
                conn.execute("INSERT OR REPLACE INTO minute_fetches VALUES (?,?,?)",
                             (symbol, period, time.time() if fetched_at is None else fetched_at))
                conn.execute("COMMIT")
            except sqlite3.Error as exc:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise fe.sqlite_problem(exc, self.path) or exc
            finally:
                conn.close()
        return len(rows)

    def read(self, symbol: str, period: str) -> pd.DataFrame:
        """The cached bars of ``symbol`` and ``period``, ascending (empty frame when none)."""
        conn = self._connect()
        try:
            got = conn.execute("SELECT minute, open, high, low, close, volume, amount FROM minute_bars "
                               "WHERE symbol=? AND period=? ORDER BY minute", (symbol, period)).fetchall()
        except sqlite3.Error as exc:
            raise fe.sqlite_problem(exc, self.path) or exc
        finally:
            conn.close()
        arr = np.array(got, dtype=float).reshape(-1, 7)
        index = pd.DatetimeIndex(arr[:, 0].astype(np.int64).astype("datetime64[m]").astype("datetime64[ns]"),
                                 name="date")
        return pd.DataFrame(arr[:, 1:], index=index, columns=MINUTE_COLUMNS)

    def fetched(self, symbol: str, period: str) -> float | None:
        """When ``symbol``'s ``period`` bars were last fetched (epoch seconds), None if never."""
        conn = self._connect()
        try:
            row = conn.execute("SELECT fetched_at FROM minute_fetches WHERE symbol=? AND period=?",
                               (symbol, period)).fetchone()
        finally:
            conn.close()
        return None if row is None else float(row[0])


def _rows(symbol: str, period: str, bars: pd.DataFrame) -> list[tuple]:
    if bars.empty:
        return []
    minutes = bars.index.values.astype("datetime64[m]").astype(np.int64)
    cols = [bars[c].to_numpy(float) for c in MINUTE_COLUMNS]
    return [(symbol, period, int(m), *(float(c[i]) for c in cols)) for i, m in enumerate(minutes)]
