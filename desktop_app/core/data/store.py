"""The local bar store: one SQLite file per source, one blob per symbol (DESIGN.md §4.2).

Why this shape:
- One row per bar reads 2.5M bars in 5–8 s here; one blob per symbol reads them in well under a
  second (FACTS.md). A blob is the symbol's whole series (``bar_codec``), so a scan reads one row per
  stock and decodes it with a zero-copy numpy view. Records are stored newest first, so the last
  ``k`` bars are the blob's first bytes and a scan's tail read costs its own pages whatever the
  stored history (an oldest-first blob of a version 1 file is still read; measured alternatives in
  docs/PERFORMANCE.md). ``read_panel`` scatters each series into the panel as it is read
  (``panel_assembly``).
- Crash safety comes from SQLite: WAL journal, every replace/extend in one transaction, so a process
  killed mid-write leaves each series either old or new, never a mix (``tests/test_store_crash.py``).
  ``synchronous=NORMAL`` is safe against process death (only an OS crash may lose the last commits).
- Threads: connections are borrowed from a small pool per operation. In WAL mode readers never wait
  for a writer; writers take the write lock up front (``BEGIN IMMEDIATE``) and queue on the busy
  timeout (``busy_timeout``, default ``file_errors.busy_timeout()``).
- A locked or busy file is busy, never damaged: the store waits ``busy_timeout``, tells
  ``on_busy`` who holds it, waits again, and then raises ``FileBusy`` (nothing is moved aside).
- A file with an unknown schema version, missing tables, or that is not SQLite at all is moved aside
  (``*.corrupt-<timestamp>``; another program's database ``*.foreign-<timestamp>``, unchanged) and
  an empty store is rebuilt; ``rebuilt`` (a Reason naming the kept copy) says why, so the UI can
  tell the user. It is never silently used.
- Out of space, read-only files and I/O errors raise ``file_errors.FileProblem`` subclasses
  (``DiskFull``, ``NotWritable`` …) whose reason names the file and what to do; the failed
  transaction is rolled back, so everything committed before is kept.

A successful write clears the symbol's failure. Raw prices + factors in the same transactions: adjust_store.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import inspect
import json
import logging
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

import numpy as np
import pandas as pd

from .. import file_errors as fe
from ..panel import PANEL_FIELDS, Panel
from ..reasons import R, Reason, reason_from_column
from . import adjust_store as adj
from . import bar_codec as codec
from .panel_assembly import PanelAssembly
from .source import BAR_COLUMNS
from .store_txn import StoreTxn

log = logging.getLogger(__name__)

SCHEMA_VERSION = 2     # 2: blobs newest first (bar_codec); a version 1 file is read and marked 2 on open
_READABLE_VERSIONS = ("1", "2")
_TABLES = {"meta", "series", "failures"}
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS series(
    symbol TEXT PRIMARY KEY,
    first_day INTEGER NOT NULL,
    last_day INTEGER NOT NULL,
    n INTEGER NOT NULL,
    last_close REAL,
    updated REAL NOT NULL,
    data BLOB NOT NULL          -- last column: metadata queries never touch the blob's pages
);
CREATE TABLE IF NOT EXISTS failures(symbol TEXT PRIMARY KEY, reason TEXT NOT NULL, at REAL NOT NULL);
""" + adj.SCHEMA + ";"  # unadjusted prices + factors beside each series (adjust_store; added on open)
#: Index series live in the same table under "index:<code>" (``core.index_data``), so 上证指数
#: 000001 never meets 平安银行 000001; every listing of "the stored stocks" leaves them out.
_STOCKS = "symbol NOT LIKE 'index:%'"
_IN_CHUNK = 500  # symbols per "IN (...)" query (SQLite's parameter limit is 999 on old builds)
assert tuple(BAR_COLUMNS) == tuple(PANEL_FIELDS), "panel and bar columns must agree"


class StoreCorruptError(Exception):
    """A stored series (or the file) cannot be decoded."""


MAX_IDLE = 4   # idle SQLite connections a store keeps open


class BarStore:
    """Daily bars of one source, cached on disk. Safe to share between threads."""

    def __init__(self, path: Path | str, *, busy_timeout: float | None = None,
                 on_busy: Callable[[Reason], None] | None = None):
        self.path = Path(path)
        self.busy_timeout = fe.busy_timeout() if busy_timeout is None else max(0.0, float(busy_timeout))
        self.on_busy = on_busy
        #: Why the file found at ``path`` was moved aside (names the kept copy), or None.
        self.rebuilt: Reason | None = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise fe.os_problem(e, self.path) from e
        # Connections are borrowed per operation from a small pool and given back: their number is
        # bounded by the operations in flight (at most MAX_IDLE kept open), whatever threads come
        # and go. Per-thread connections leaked one per pool job (QThreadPool's threads look new
        # to threading.local), two descriptors each, until "unable to open database file".
        self._idle: list[sqlite3.Connection] = []
        self._open: set[sqlite3.Connection] = set()
        self._conns_lock = threading.Lock()
        self._closed = False
        try:
            self._open_checked()
        except BaseException:
            self.close()
            raise

    @property
    def rebuilt_reason(self) -> str | None:
        """``rebuilt`` in English (logs, older callers)."""
        return None if self.rebuilt is None else str(self.rebuilt)

    @classmethod
    def for_source(cls, source: Any, **kw: Any) -> "BarStore":
        """The store of one source (``bars-akshare.sqlite``; a demo market's own
        ``bars-demo-5000-7.sqlite`` per size and seed): never mixed. ``source`` is a source or the
        key (``store_key``)."""
        from ..paths import cache_dir

        return cls(cache_dir() / f"bars-{store_key(source)}.sqlite", **kw)

    # ------------------------------------------------------------------ connections and schema
    def _connect(self) -> sqlite3.Connection:
        try:
            conn = sqlite3.connect(str(self.path), timeout=self.busy_timeout, isolation_level=None,
                                   check_same_thread=False)
            conn.execute(f"PRAGMA busy_timeout={int(self.busy_timeout * 1000)}")
            conn.execute("PRAGMA synchronous=NORMAL")
        except sqlite3.Error as e:
            raise self._problem(e) from e
        return conn

    def _problem(self, exc: BaseException) -> BaseException:
        """The FileProblem behind a low-level error (else the error itself)."""
        return fe.sqlite_problem(exc, self.path, self.busy_timeout * (fe.BUSY_RETRIES + 1)) or exc

    def _still_busy(self, attempt: int, exc: BaseException) -> None:
        """After waiting ``busy_timeout`` once more for another process's lock: say who holds it and
        wait again, or (the last attempt) raise ``FileBusy``."""
        problem = self._problem(exc)
        if problem is exc:
            raise exc
        if not isinstance(problem, fe.FileBusy):
            raise problem from exc
        if attempt >= fe.BUSY_RETRIES:
            raise problem from exc
        note = R("file_busy_waiting", file=str(self.path), holder=fe.holder_term(self.path))
        log.warning("bar store: %s", note)
        if self.on_busy is not None:
            self.on_busy(note)

    def _borrow(self) -> sqlite3.Connection:
        with self._conns_lock:
            if self._closed:
                raise RuntimeError("BarStore is closed")
            if self._idle:
                return self._idle.pop()
        conn = self._connect()
        with self._conns_lock:
            self._open.add(conn)
        return conn

    def _give_back(self, conn: sqlite3.Connection) -> None:
        with self._conns_lock:
            if not self._closed and len(self._idle) < MAX_IDLE:
                self._idle.append(conn)
                return
            self._open.discard(conn)
        conn.close()

    @contextlib.contextmanager
    def _use(self) -> Iterator[sqlite3.Connection]:
        """A connection for one operation (autocommit mode; see ``store_txn.StoreTxn`` for transactions)."""
        conn = self._borrow()
        try:
            yield conn
        except sqlite3.OperationalError as e:
            problem = self._problem(e)
            if problem is e:
                raise
            raise problem from e
        finally:
            self._give_back(conn)

    def _all(self, sql: str, args: tuple = ()) -> list:
        with self._use() as conn:
            return conn.execute(sql, args).fetchall()

    def _one(self, sql: str, args: tuple = ()):
        with self._use() as conn:
            return conn.execute(sql, args).fetchone()

    def open_connections(self) -> int:
        """Connections currently open (idle + in use): bounded, whatever the number of threads."""
        with self._conns_lock:
            return len(self._open)

    def _open_checked(self) -> None:
        found = None
        try:
            exists = self.path.exists() and self.path.stat().st_size > 0
        except OSError as e:
            raise fe.os_problem(e, self.path) from e
        if exists:
            found = self._problem_with_file()
        if found:
            self.rebuilt = fe.set_aside(self.path, *found)
            log.warning("bar store %s: %s", self.path, self.rebuilt)
        with self._use() as conn:
            conn.execute("PRAGMA journal_mode=WAL")
        with self._write_txn() as conn:
            for stmt in filter(str.strip, _SCHEMA.split(";")):
                conn.execute(stmt)
            # A version 1 file's oldest-first blobs stay readable; each becomes newest first when the
            # symbol is next written (the daily update extends every traded symbol).
            conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES('schema_version', ?)", (str(SCHEMA_VERSION),))

    def _problem_with_file(self) -> tuple[Reason, bool] | None:
        """Why the existing file must not be used, as (detail, is another program's file), or None
        if it is a store of this schema. A busy file raises ``FileBusy`` (after waiting); it is
        never reported as damaged."""
        attempt = 0
        while True:
            try:
                return self._inspect_file()
            except sqlite3.OperationalError as e:
                problem = self._problem(e)
                if isinstance(problem, fe.FileBusy):
                    self._still_busy(attempt, e)
                    attempt += 1
                    continue
                if problem is not e:
                    raise problem from e
                if self._passes_integrity_check():
                    raise fe.FileProblem(R("file_io_error", file=str(self.path), detail=str(e)), self.path) from e
                return R("file_not_sqlite", detail=str(e)), False
            except sqlite3.DatabaseError as e:   # not a database, or a malformed one
                return R("file_not_sqlite", detail=str(e)), False

    def _inspect_file(self) -> tuple[Reason, bool] | None:
        conn = sqlite3.connect(str(self.path), timeout=self.busy_timeout, isolation_level=None)
        try:
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if not tables:
                return None  # an empty SQLite file: just create the schema
            if not tables & _TABLES:
                return R("file_foreign_tables", tables=", ".join(sorted(tables)[:5])), True
            missing = _TABLES - tables
            if missing:
                return R("file_missing_tables", tables=", ".join(sorted(missing))), False
            row = conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
            if row is None or str(row[0]) not in _READABLE_VERSIONS:
                return R("file_schema_version", found=repr(row[0] if row else None), expected=SCHEMA_VERSION), False
            conn.execute("SELECT symbol FROM series LIMIT 1").fetchall()
            return None
        finally:
            conn.close()

    def _passes_integrity_check(self) -> bool:
        try:
            conn = sqlite3.connect(str(self.path), timeout=self.busy_timeout, isolation_level=None)
            try:
                return conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
            finally:
                conn.close()
        except sqlite3.OperationalError:
            return True     # could not look (busy, I/O): not evidence of damage
        except sqlite3.DatabaseError:
            return False

    def close(self) -> None:
        """Close the idle connections (borrowed ones close when given back). The store cannot be
        used afterwards."""
        with self._conns_lock:
            self._closed = True
            conns, self._idle = self._idle, []
            self._open.difference_update(conns)
        for c in conns:
            try:
                c.close()
            except sqlite3.Error:  # pragma: no cover
                pass

    def __enter__(self) -> "BarStore":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ------------------------------------------------------------------ transactions
    def _write_txn(self) -> StoreTxn:
        return StoreTxn(self, "BEGIN IMMEDIATE")

    def _read_txn(self) -> StoreTxn:
        return StoreTxn(self, "BEGIN")

    # ------------------------------------------------------------------ writes
    @staticmethod
    def _row(symbol: str, rec: np.ndarray) -> tuple:
        return (symbol, int(rec["d"][0]), int(rec["d"][-1]), len(rec), float(rec["v"][-1, BAR_COLUMNS.index("close")]),
                time.time(), codec.encode(rec))

    def _put(self, conn: sqlite3.Connection, symbol: str, rec: np.ndarray, bars: pd.DataFrame | None = None) -> None:
        adj.put(conn, symbol, bars, rec)      # a replaced series: its raw prices, or none
        if len(rec) == 0:
            conn.execute("DELETE FROM series WHERE symbol=?", (symbol,))
            conn.execute("DELETE FROM failures WHERE symbol=?", (symbol,))
        else:
            self._put_series(conn, symbol, rec)

    def write(self, symbol: str, bars: pd.DataFrame) -> None:
        """Replace the symbol's series atomically (an empty frame deletes it)."""
        self.write_many({symbol: bars})

    def write_many(self, series: dict[str, pd.DataFrame]) -> None:
        """Replace several series in one transaction."""
        with self._write_txn() as conn:
            for s, df in series.items():
                self._put(conn, s, codec.frame_to_records(df), df)

    def write_records(self, recs: dict[str, np.ndarray]) -> None:
        """Replace several series, given as sorted codec records, in one transaction."""
        with self._write_txn() as conn:
            for s, rec in recs.items():
                self._put(conn, s, rec)

    def extend(self, symbol: str, bars: pd.DataFrame) -> None:
        """Merge new bars into the stored series atomically; on overlapping dates the new values win
        (a stored adjustment is kept aligned: ``adjust_store.extend``)."""
        self.extend_many({symbol: bars})

    def extend_many(self, series: dict[str, pd.DataFrame]) -> None:
        """``extend`` for several symbols in one transaction."""
        new = {s: codec.frame_to_records(df) for s, df in series.items()}
        with self._write_txn() as conn:
            for s, rec in new.items():
                if len(rec) == 0:
                    continue
                row = conn.execute("SELECT data FROM series WHERE symbol=?", (s,)).fetchone()
                if row is not None:
                    rec = codec.normalise_records(np.concatenate([self._decode(s, row[0]), rec]))
                    self._put_series(conn, s, rec)
                    adj.extend(conn, s, series[s], rec)
                else:
                    self._put(conn, s, rec, series[s])

    def _put_series(self, conn: sqlite3.Connection, symbol: str, rec: np.ndarray) -> None:
        conn.execute("INSERT OR REPLACE INTO series(symbol, first_day, last_day, n, last_close, updated, data)"
                     " VALUES(?,?,?,?,?,?,?)", self._row(symbol, rec))
        conn.execute("DELETE FROM failures WHERE symbol=?", (symbol,))

    def readjust(self, changes: dict[str, tuple[int, float]]) -> None:
        """Ex-dividend days, no download: ``{symbol: (day, ratio)}`` (``adjust_store.rescale``)."""
        with self._write_txn() as conn:
            for s, (day, ratio) in changes.items():
                row = conn.execute("SELECT data FROM series WHERE symbol=?", (s,)).fetchone()
                if row is not None:
                    self._put_series(conn, s, adj.rescale(conn, s, self._decode(s, row[0]), day, ratio))

    def read_adjustment(self, symbol: str) -> pd.DataFrame | None:
        """The symbol's unadjusted prices and forward factors (``adjust_store.as_frame``), or None."""
        with self._use() as conn:
            return adj.as_frame(rec) if (rec := adj.read_conn(conn, symbol)) is not None else None

    def delete(self, symbol: str) -> None:
        with self._write_txn() as conn:
            conn.execute("DELETE FROM series WHERE symbol=?", (symbol,))
            conn.execute("DELETE FROM adjustment WHERE symbol=?", (symbol,))

    def clear(self) -> None:
        """Forget every series and failure (the schema and meta stay)."""
        with self._write_txn() as conn:
            conn.execute("DELETE FROM series")
            conn.execute("DELETE FROM failures")
            conn.execute("DELETE FROM adjustment")

    # ------------------------------------------------------------------ failures and meta
    def record_failure(self, symbol: str, reason: Reason | str) -> None:
        self.record_failures({symbol: reason})

    def record_failures(self, failures: dict[str, Reason | str]) -> None:
        """Keep each symbol's last failure (its reason as JSON: code, params and the English)."""
        with self._write_txn() as conn:
            conn.executemany("INSERT OR REPLACE INTO failures(symbol, reason, at) VALUES(?,?,?)",
                             [(s, json.dumps(Reason.of(r).to_json(), ensure_ascii=False), time.time())
                              for s, r in failures.items()])

    def failures(self) -> dict[str, Reason]:
        rows = self._all("SELECT symbol, reason FROM failures ORDER BY symbol")
        return {s: reason_from_column(r) for s, r in rows}

    def clear_failure(self, symbol: str) -> None:
        with self._write_txn() as conn:
            conn.execute("DELETE FROM failures WHERE symbol=?", (symbol,))

    def meta(self, key: str, default: str | None = None) -> str | None:
        row = self._one("SELECT value FROM meta WHERE key=?", (key,))
        return default if row is None else row[0]

    def set_meta(self, key: str, value) -> None:
        with self._write_txn() as conn:
            conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES(?,?)", (key, str(value)))

    # ------------------------------------------------------------------ reads
    @staticmethod
    def _decode(symbol: str, blob: bytes) -> np.ndarray:
        try:
            return codec.decode(blob)
        except codec.BlobFormatError as e:
            raise StoreCorruptError(f"series {symbol}: {e}") from e

    def symbols(self) -> list[str]:
        return [r[0] for r in self._all(f"SELECT symbol FROM series WHERE {_STOCKS} ORDER BY symbol")]

    def __len__(self) -> int:
        return self._one(f"SELECT count(*) FROM series WHERE {_STOCKS}")[0]

    def __contains__(self, symbol: str) -> bool:
        return self._one("SELECT 1 FROM series WHERE symbol=?", (symbol,)) is not None

    def last_dates(self) -> dict[str, dt.date]:
        rows = self._all(f"SELECT symbol, last_day FROM series WHERE {_STOCKS}")
        return {s: codec.day_to_date(d) for s, d in rows}

    def last_closes(self) -> dict[str, float]:
        return dict(self._all(f"SELECT symbol, last_close FROM series WHERE {_STOCKS}"))

    def latest_date(self) -> dt.date | None:
        """The newest bar date in the store: its freshness."""
        d = self._one(f"SELECT max(last_day) FROM series WHERE {_STOCKS}")[0]
        return None if d is None else codec.day_to_date(d)

    def read(self, symbol: str) -> pd.DataFrame | None:
        """The symbol's bars (DatetimeIndex "date", BAR_COLUMNS), or None if not stored."""
        row = self._one("SELECT data FROM series WHERE symbol=?", (symbol,))
        if row is None:
            return None
        return codec.records_to_frame(self._decode(symbol, row[0]))

    def tail_records(self, n: int, symbols: Iterable[str] | None = None) -> dict[str, np.ndarray]:
        """The last ``n`` bars of each series as codec records (low level; refresh uses it)."""
        return dict(self._iter_records(symbols, tail=n))

    def _iter_records(self, symbols: Iterable[str] | None, tail: int | None = None) -> Iterator[tuple[str, np.ndarray]]:
        """(symbol, records) for the stored ones of ``symbols`` (all if None), in one read snapshot."""
        with self._read_txn() as conn:
            yield from self._records(conn, self._rows(conn, symbols), tail)

    @staticmethod
    def _rows(conn: sqlite3.Connection, symbols: Iterable[str] | None) -> list[tuple[int, str, int]]:
        """(rowid, symbol, n) of the stored ones of ``symbols`` (all if None, by symbol)."""
        if symbols is None:
            return conn.execute(f"SELECT rowid, symbol, n FROM series WHERE {_STOCKS} ORDER BY symbol").fetchall()
        wanted = list(dict.fromkeys(symbols))
        rows = []
        for i in range(0, len(wanted), _IN_CHUNK):
            chunk = wanted[i:i + _IN_CHUNK]
            rows += conn.execute(f"SELECT rowid, symbol, n FROM series WHERE symbol IN ({','.join('?' * len(chunk))})",
                                 chunk).fetchall()
        return rows

    def _records(self, conn: sqlite3.Connection, rows: list[tuple[int, str, int]],
                 tail: int | None) -> Iterator[tuple[str, np.ndarray]]:
        """Each row's records (all, or the last ``tail``): views of bytes read just then, so a caller
        that lets them go holds one row at a time."""
        if tail is not None:
            for rowid, sym, n in rows:
                yield sym, self._read_tail(conn, rowid, sym, n, tail)
            return
        for i in range(0, len(rows), _IN_CHUNK):
            ids = [r[0] for r in rows[i:i + _IN_CHUNK]]
            for sym, blob in conn.execute(f"SELECT symbol, data FROM series WHERE rowid IN ({','.join('?' * len(ids))})", ids):
                yield sym, self._decode(sym, blob)

    def _read_tail(self, conn: sqlite3.Connection, rowid: int, sym: str, n: int, tail: int) -> np.ndarray:
        """The last ``tail`` records, reading only their bytes: a newest-first blob's first ones (an
        old oldest-first blob's last ones, found after its header)."""
        k = min(n, max(tail, 0))
        with conn.blobopen("series", "data", rowid, readonly=True) as b:
            if len(b) != codec.HEADER_SIZE + n * codec.RECORD_SIZE:
                raise StoreCorruptError(f"series {sym}: blob length does not match its row count")
            data = b.read(codec.HEADER_SIZE + k * codec.RECORD_SIZE)
            try:
                version = codec.check_header(data, n)
            except codec.BlobFormatError as e:
                raise StoreCorruptError(f"series {sym}: {e}") from e
            start, length = codec.tail_span(version, n, k)
            if start != codec.HEADER_SIZE:
                b.seek(start)
                return codec.tail(b.read(length), version, k)
        return codec.tail(data, version, k, codec.HEADER_SIZE)

    def read_panel(self, symbols: Iterable[str] | None = None, start=None, end=None,
                   last_n: int | None = None) -> Panel:
        """Aligned panel of stored series (union of their dates; NaN where a stock did not trade).

        Rows follow ``symbols`` (sorted when None); symbols not in the store are absent. ``start`` /
        ``end`` bound the dates (inclusive); ``last_n`` keeps the last ``last_n`` dates of the union.
        Each series is scattered into the panel's arrays as it is read (``panel_assembly``).
        """
        tail = last_n if (last_n is not None and end is None) else None
        with self._read_txn() as conn:
            rows = self._rows(conn, symbols)
            found = {r[1] for r in rows}
            order = sorted(found) if symbols is None else [s for s in dict.fromkeys(symbols) if s in found]
            at = {s: i for i, s in enumerate(order)}
            asm = PanelAssembly(len(order), last_n, None if start is None else codec.day_number(start),
                                None if end is None else codec.day_number(end))
            for sym, rec in self._records(conn, rows, tail):
                asm.add(at[sym], rec)
        return asm.panel(np.array(order, dtype=object))


def store_key(source: Any) -> str:
    """The name of a source's store file (``bars-<key>.sqlite``): the source's name, and for a
    demo market its size and seed (and years when not the default), since demo markets of
    different sizes or seeds give the same codes different prices."""
    if isinstance(source, str):
        return source
    name = str(getattr(source, "name", "source"))
    if not getattr(source, "is_demo", False) or not hasattr(source, "n_stocks"):
        return name
    key = f"{name}-{int(source.n_stocks)}-{int(getattr(source, 'seed', 0))}"
    years = getattr(source, "years", None)
    try:
        default = inspect.signature(type(source)).parameters["years"].default
    except (KeyError, TypeError, ValueError):
        default = years
    if years is not None and years != default:
        key += f"-{float(years):g}y"
    return key
