"""Task history: every task of every kind (GUI and CLI alike) with its final state and scan hits.

SQLite in WAL mode in ``paths.data_dir()/history.sqlite``. One row per task in ``tasks``; a scan's
hits are one JSON blob per task in ``hits`` (one read per task instead of one per row).

Several processes share the file (the window, ``stockscan-cli scan``, a second window). A task row
names its **owner** (``host:pid``) and carries a **heartbeat** that the owner refreshes while the
task runs. Only a pending/running task whose owner is gone (its pid is dead on this host, or its
heartbeat is older than ``STALE_S``) is marked interrupted; other processes' live tasks are left
running, and a reader sees their progress. A task's final row and its hits commit in one
transaction (``finish_task``), so a completed task always has exactly its ``found`` hits.

Opening: the file is checked first. A damaged file (not SQLite, truncated, failing SQLite's quick
check) is moved aside (``history.sqlite.corrupt-<stamp>``); a database of another program (other
tables, or a ``tasks`` table without StockScan's columns) is moved aside unchanged
(``.foreign-<stamp>``) and never written to; ``opened_note`` (a Reason naming the kept copy) says
so. A file locked by another process is waited for (``file_errors.busy_timeout()``, its holder
named) and then raises ``FileBusy``; out of space / read-only raise ``DiskFull`` / ``NotWritable``
(``core/file_errors.py``) — at open and on every later call.

Threading: ``HistoryStore`` is thread-safe (one connection behind a lock, ``check_same_thread=False``).
The GUI thread must not do disk I/O, so the TaskManager never calls the store itself: it hands
writes and the start-up load to a ``HistoryWriter``, one background thread draining a FIFO queue.
FIFO order matters: a task's "pending" row, its "running" row and its final row land in that order.
"""
from __future__ import annotations

import json
import logging
import os
import queue
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any, Callable, Iterable

from . import file_errors as fe
from . import paths
from .reasons import R, Reason

log = logging.getLogger(__name__)

UNFINISHED = ("pending", "running")
TASK_FIELDS = ("id", "kind", "title", "status", "params", "created", "started", "finished", "done",
               "total", "found", "failed", "failures", "error", "current", "result", "owner", "heartbeat")
#: A live owner refreshes its running tasks' heartbeat at least this often (seconds) ...
HEARTBEAT_S = 5.0
#: ... so a heartbeat older than this means the owner is gone (another host, or a reused pid).
STALE_S = 45.0
_JSON_FIELDS = {"params", "failures", "result"}
_REASON_FIELDS = {"error", "current"}   # TEXT columns: a Reason as JSON, or plain text (older rows)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS tasks (
    id TEXT PRIMARY KEY, kind TEXT NOT NULL, title TEXT NOT NULL, status TEXT NOT NULL,
    params TEXT, created REAL, started REAL, finished REAL, done INTEGER, total INTEGER,
    found INTEGER, failed INTEGER, failures TEXT, error TEXT, current TEXT, result TEXT,
    owner TEXT, heartbeat REAL
);
CREATE INDEX IF NOT EXISTS tasks_created ON tasks(created);
CREATE TABLE IF NOT EXISTS hits (task_id TEXT PRIMARY KEY, n INTEGER NOT NULL, rows TEXT NOT NULL);
"""


def host_name() -> str:
    """This machine's name (``uname``: the same as ``socket.gethostname()`` without importing
    socket, ≈6 ms before the first frame)."""
    if hasattr(os, "uname"):
        return os.uname().nodename
    import socket

    return socket.gethostname()


def process_owner() -> str:
    """This process as a task owner: ``host:pid``."""
    return f"{host_name()}:{os.getpid()}"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):   # exists but not ours, or a platform without signal 0
        return True
    return True


def owner_alive(owner: str | None, heartbeat: float | None, now: float | None = None) -> bool:
    """Is the process that owns a pending/running task still there?"""
    if not owner:
        return False                      # rows from before owners existed: their process is gone
    now = time.time() if now is None else now
    if heartbeat is None or now - float(heartbeat) > STALE_S:
        return False
    host, _, pid = owner.rpartition(":")
    if host == host_name() and pid.isdigit():
        return _pid_alive(int(pid))
    return True


def new_task_id() -> str:
    """A short unique task id (12 hex digits); the CLI accepts any unique prefix of it."""
    return os.urandom(6).hex()      # (not uuid, which imports platform: ~6 ms at start)


def _default(o: Any):
    """JSON for reasons (code, params and the English text), numpy scalars, sets; else text."""
    if isinstance(o, Reason):
        return o.to_json()
    if hasattr(o, "item"):
        return o.item()
    if isinstance(o, (set, frozenset)):
        return sorted(o)
    return str(o)


def _dumps(v: Any) -> str:
    return json.dumps(v, ensure_ascii=False, default=_default)


def _reason_column(v: Any) -> Any:
    return _dumps(v) if isinstance(v, Reason) else v


_OUR_TABLES = {"tasks", "hits"}
_BASE_TASK_COLUMNS = set(TASK_FIELDS) - {"owner", "heartbeat"}   # files from before owners lack those
_HIT_COLUMNS = {"task_id", "n", "rows"}


class _Guard:
    """The store's lock; an sqlite error inside it surfaces as the FileProblem it means (busy,
    full disk, read-only …) for this file."""

    def __init__(self, store: "HistoryStore"):
        self._lock = threading.RLock()
        self._store = store

    def __enter__(self) -> "_Guard":
        self._lock.acquire()
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        self._lock.release()
        if isinstance(exc, sqlite3.OperationalError):
            problem = fe.sqlite_problem(exc, self._store.path, self._store.busy_timeout)
            if problem is not None:
                raise problem from exc


class HistoryStore:
    def __init__(self, path: str | Path | None = None, *, busy_timeout: float | None = None,
                 on_busy: Callable[[Reason], None] | None = None):
        self.path = Path(path) if path is not None else paths.data_dir() / "history.sqlite"
        self.busy_timeout = fe.busy_timeout() if busy_timeout is None else max(0.0, float(busy_timeout))
        self.on_busy = on_busy
        #: Why the file found at ``path`` was moved aside (a Reason naming the kept copy), or None.
        self.opened_note: Reason | None = None
        self._lock = _Guard(self)
        self._conn = self._open()
        self.owner = process_owner()

    # -- opening -----------------------------------------------------------------------------
    def _open(self) -> sqlite3.Connection:
        memory = str(self.path) == ":memory:"
        if not memory:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as e:
                raise fe.os_problem(e, self.path) from e
        attempt = 0
        while True:
            try:
                if not memory:
                    self._set_aside_if_unusable()
                return self._connect_and_prepare()
            except sqlite3.OperationalError as e:
                problem = fe.sqlite_problem(e, self.path, self.busy_timeout * (fe.BUSY_RETRIES + 1))
                if not isinstance(problem, fe.FileBusy):
                    if problem is None:
                        raise
                    raise problem from e
                if attempt >= fe.BUSY_RETRIES:
                    raise problem from e
                attempt += 1
                note = R("file_busy_waiting", file=str(self.path), holder=fe.holder_term(self.path))
                log.warning("history: %s", note)
                if self.on_busy is not None:
                    self.on_busy(note)

    def _connect_and_prepare(self) -> sqlite3.Connection:
        conn = sqlite3.connect(str(self.path), timeout=self.busy_timeout, check_same_thread=False,
                               isolation_level=None)
        try:
            conn.execute(f"PRAGMA busy_timeout={int(self.busy_timeout * 1000)}")
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() not in ("wal", "memory"):
                conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            if not _OUR_TABLES <= tables:
                conn.executescript(_SCHEMA)
            cols = {r[1] for r in conn.execute("PRAGMA table_info(tasks)")}
            for col, decl in (("owner", "TEXT"), ("heartbeat", "REAL")):  # files from before owners
                if col not in cols:
                    conn.execute(f"ALTER TABLE tasks ADD COLUMN {col} {decl}")
        except BaseException:
            conn.close()
            raise
        return conn

    def _set_aside_if_unusable(self) -> None:
        """Move a damaged or foreign file aside (``opened_note`` says where). Busy: raises the
        OperationalError for ``_open`` to wait on."""
        try:
            if not self.path.exists() or self.path.stat().st_size == 0:
                return
        except OSError as e:
            raise fe.os_problem(e, self.path) from e
        found = self._inspect()
        if found is None:
            return
        self.opened_note = fe.set_aside(self.path, *found)
        log.warning("history: %s", self.opened_note)

    def _inspect(self) -> tuple[Reason, bool] | None:
        """(why, is another program's file) when the existing file must not be used; None if it
        is a StockScan history (or an empty database). Read-only: nothing is written."""
        try:
            conn = sqlite3.connect(self.path.resolve().as_uri() + "?mode=ro", uri=True, timeout=self.busy_timeout,
                                   isolation_level=None)
        except sqlite3.OperationalError:
            return None   # cannot even open it read-only: let the real open say why
        try:
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            tables = {t for t in tables if not t.startswith("sqlite_")}
            if not tables:
                return None
            foreign = tables - _OUR_TABLES
            if foreign:
                return R("file_foreign_tables", tables=", ".join(sorted(foreign)[:5])), True
            for table, need in (("tasks", _BASE_TASK_COLUMNS), ("hits", _HIT_COLUMNS)):
                if table in tables:
                    cols = {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}
                    if not need <= cols:
                        return R("file_foreign_columns", table=table), True
            check = conn.execute("PRAGMA quick_check").fetchone()[0]
            if check != "ok":
                return R("file_not_sqlite", detail=str(check)), False
            conn.execute("SELECT count(*) FROM tasks").fetchone()
            return None
        except sqlite3.OperationalError as e:
            if fe.sqlite_problem(e, self.path) is not None:
                raise
            return R("file_not_sqlite", detail=str(e)), False
        except sqlite3.DatabaseError as e:   # not a database, malformed, truncated
            return R("file_not_sqlite", detail=str(e)), False
        finally:
            conn.close()

    # -- writing -----------------------------------------------------------------------------
    def save_task(self, record: dict) -> None:
        """Insert or replace one task row. Missing fields are stored as NULL/empty; the row is
        owned by this process (its heartbeat is now) unless ``record`` names another owner."""
        with self._lock:
            self._conn.execute(*self._task_sql(record))

    def finish_task(self, record: dict, hits: list[dict] | None = None) -> None:
        """A task's final row and (for a scan) its hits, in one transaction: a reader — or a
        process started after a crash — never sees a completed task without its hits."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                if hits is not None:
                    self._conn.execute("INSERT OR REPLACE INTO hits (task_id, n, rows) VALUES (?, ?, ?)",
                                       (record["id"], len(hits), _dumps(list(hits))))
                self._conn.execute(*self._task_sql(record))
                self._conn.execute("COMMIT")
            except BaseException:
                if self._conn.in_transaction:   # SQLite may have rolled back already (full disk)
                    self._conn.execute("ROLLBACK")
                raise

    def heartbeat(self, progress: dict[str, dict]) -> None:
        """Refresh this process's running tasks: ``{task_id: {"done", "total", "found", "failed",
        "current"}}`` (the progress other processes show)."""
        now = time.time()
        with self._lock:
            self._conn.executemany(
                "UPDATE tasks SET heartbeat = ?, done = ?, total = ?, found = ?, failed = ?, current = ? "
                "WHERE id = ? AND owner = ?",
                [(now, p.get("done"), p.get("total"), p.get("found"), p.get("failed"),
                  _reason_column(p.get("current")), tid, self.owner) for tid, p in progress.items()])

    def _task_sql(self, record: dict) -> tuple[str, list]:
        if not record.get("id"):
            raise ValueError("a task record needs an id")
        record = dict(record)
        record.setdefault("owner", self.owner)
        record["heartbeat"] = time.time() if record["owner"] == self.owner else record.get("heartbeat")
        values = []
        for f in TASK_FIELDS:
            v = record.get(f)
            if f in _JSON_FIELDS:
                v = None if v is None else _dumps(v)
            elif f in _REASON_FIELDS:
                v = _reason_column(v)      # read back with core.reasons.reason_from_column
            elif f == "status" and v is not None:
                v = str(getattr(v, "value", v))
            values.append(v)
        if values[1] is None:
            values[1] = ""
        if values[2] is None:
            values[2] = ""
        if values[3] is None:
            values[3] = "pending"
        return (f"INSERT OR REPLACE INTO tasks ({','.join(TASK_FIELDS)}) "
                f"VALUES ({','.join('?' * len(TASK_FIELDS))})", values)

    def save_hits(self, task_id: str, rows: list[dict]) -> None:
        """Replace the stored hits of a task with ``rows`` (HIT_COLUMNS dicts)."""
        blob = _dumps(list(rows))
        with self._lock:
            self._conn.execute("INSERT OR REPLACE INTO hits (task_id, n, rows) VALUES (?, ?, ?)",
                               (task_id, len(rows), blob))

    def delete_task(self, task_id: str) -> bool:
        with self._lock:
            self._conn.execute("BEGIN")
            cur = self._conn.execute("DELETE FROM tasks WHERE id = ?", (task_id,))
            self._conn.execute("DELETE FROM hits WHERE task_id = ?", (task_id,))
            self._conn.execute("COMMIT")
            return cur.rowcount > 0

    def mark_unfinished_interrupted(self, exclude: Iterable[str] = (), include_own: bool = True) -> int:
        """Pending/running rows whose owner is gone become "interrupted". Returns how many.
        ``exclude``: ids owned by a live manager in this process, left alone; rows of other live
        processes are left alone too (``owner_alive``). ``include_own=False`` leaves every row of
        this process alone (a poll while this process's own tasks are being written)."""
        ex = set(exclude)
        now = time.time()
        with self._lock:
            rows = self._conn.execute("SELECT id, owner, heartbeat FROM tasks "
                                      "WHERE status IN ('pending', 'running')").fetchall()
            dead = [tid for tid, owner, beat in rows
                    if tid not in ex and (include_own if owner == self.owner else not owner_alive(owner, beat, now))]
            for i in range(0, len(dead), 500):
                part = dead[i:i + 500]
                self._conn.execute(
                    f"UPDATE tasks SET status = 'interrupted', finished = COALESCE(finished, ?) "
                    f"WHERE id IN ({','.join('?' * len(part))}) AND status IN ('pending', 'running')",
                    [now, *part])
        return len(dead)

    def tasks_changed_since(self, since: float, ids: Iterable[str] = ()) -> list[dict]:
        """Rows created, or heart-beaten, after ``since`` plus the rows ``ids`` (what a window
        polls to follow other processes' tasks)."""
        ids = list(ids)
        sql = (f"SELECT {','.join(TASK_FIELDS)} FROM tasks WHERE created > ? OR heartbeat > ? "
               f"OR finished > ?")
        args: list[Any] = [since, since, since]
        if ids:
            sql += f" OR id IN ({','.join('?' * len(ids))})"
            args += ids
        with self._lock:
            rows = self._conn.execute(sql + " ORDER BY created, rowid", args).fetchall()
        return [self._row(r) for r in rows]

    def prune(self, keep: int) -> int:
        """Keep the ``keep`` newest finished tasks, delete older finished ones (and their hits).
        Pending and running tasks are never deleted. Returns how many were deleted."""
        keep = max(0, int(keep))
        with self._lock:
            ids = [r[0] for r in self._conn.execute(
                "SELECT id FROM tasks WHERE status NOT IN ('pending', 'running') "
                "ORDER BY created DESC, rowid DESC LIMIT -1 OFFSET ?", (keep,))]
            if not ids:
                return 0
            self._conn.execute("BEGIN")
            for i in range(0, len(ids), 500):
                part = ids[i:i + 500]
                marks = ",".join("?" * len(part))
                self._conn.execute(f"DELETE FROM tasks WHERE id IN ({marks})", part)
                self._conn.execute(f"DELETE FROM hits WHERE task_id IN ({marks})", part)
            self._conn.execute("COMMIT")
            return len(ids)

    # -- reading -----------------------------------------------------------------------------
    def _row(self, row: sqlite3.Row | tuple) -> dict:
        rec = dict(zip(TASK_FIELDS, row))
        for f in _JSON_FIELDS:
            v = rec.get(f)
            if v is not None:
                try:
                    rec[f] = json.loads(v)
                except ValueError:
                    rec[f] = None
        rec["params"] = rec.get("params") or {}
        rec["failures"] = [tuple(x) for x in (rec.get("failures") or [])]
        return rec

    def load_tasks(self) -> list[dict]:
        """Every stored task, oldest first."""
        with self._lock:
            rows = self._conn.execute(
                f"SELECT {','.join(TASK_FIELDS)} FROM tasks ORDER BY created, rowid").fetchall()
        return [self._row(r) for r in rows]

    def get_task(self, task_id: str) -> dict | None:
        with self._lock:
            row = self._conn.execute(f"SELECT {','.join(TASK_FIELDS)} FROM tasks WHERE id = ?",
                                     (task_id,)).fetchone()
        return None if row is None else self._row(row)

    def find_ids(self, prefix: str) -> list[str]:
        """Ids starting with ``prefix`` (the CLI accepts unique prefixes)."""
        with self._lock:
            return [r[0] for r in self._conn.execute(
                "SELECT id FROM tasks WHERE substr(id, 1, ?) = ? ORDER BY created",
                (len(prefix), prefix))]

    def load_hits(self, task_id: str) -> list[dict]:
        with self._lock:
            row = self._conn.execute("SELECT rows FROM hits WHERE task_id = ?", (task_id,)).fetchone()
        return [] if row is None else json.loads(row[0])

    def hit_counts(self) -> dict[str, int]:
        with self._lock:
            return dict(self._conn.execute("SELECT task_id, n FROM hits").fetchall())

    def close(self) -> None:
        with self._lock:
            try:
                self._conn.close()
            except sqlite3.Error:  # pragma: no cover
                pass


class HistoryWriter:
    """One background thread that runs history calls in submission order (FIFO).

    ``submit(fn, *args)`` never blocks on disk. ``flush()`` waits until everything submitted so far
    ran; ``close()`` drains the queue and joins the thread (bounded).
    """

    _STOP = object()

    def __init__(self, store: HistoryStore):
        self.store = store
        self._q: queue.Queue = queue.Queue()
        self._thread = threading.Thread(target=self._loop, name="stockscan-history", daemon=True)
        self._closed = False
        self._thread.start()

    def submit(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        if self._closed:
            log.warning("history writer closed; dropping %s", getattr(fn, "__name__", fn))
            return
        self._q.put((fn, args, kwargs))

    def flush(self, timeout: float | None = 10.0) -> bool:
        if self._closed or not self._thread.is_alive():
            return True
        ev = threading.Event()
        self._q.put((ev.set, (), {}))
        return ev.wait(timeout)

    def close(self, timeout: float = 10.0) -> bool:
        """Run what is queued, stop the thread. True if it stopped within ``timeout``."""
        if self._closed:
            return not self._thread.is_alive()
        self._closed = True
        self._q.put(self._STOP)
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def _loop(self) -> None:
        while True:
            item = self._q.get()
            if item is self._STOP:
                return
            fn, args, kwargs = item
            try:
                fn(*args, **kwargs)
            except Exception:
                log.exception("history write failed: %s", getattr(fn, "__name__", fn))
