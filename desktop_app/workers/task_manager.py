"""The TaskManager: the one store of every task (scan, analysis, refresh, export) — DESIGN.md §3.

A ``QAbstractTableModel`` owned by the GUI thread. ``submit`` returns an id that ``get`` answers at
once and forever after (until the user removes the task): the seed system's "任务不存在" is
impossible by construction, because the row exists before any worker starts and there is no other
dictionary of tasks anywhere.

- Jobs run on a private ``QThreadPool`` through ``JobRunner``s; their signals arrive queued on
  bound methods of this object (GUI thread). At most ``max_running`` run at once, the rest wait
  ``pending`` in FIFO order.
- Terminal states are final: ``cancel`` marks the task ``cancelled`` at once (the thread frees its
  slot when the job notices the token); anything a worker reports afterwards is dropped.
- ``dataChanged`` is coalesced: changed rows are collected and flushed every ``FLUSH_MS`` as one
  signal per contiguous row range; a 1 s tick refreshes elapsed/ETA of running rows.
- History: the GUI thread never touches the disk. Rows are written by a ``HistoryWriter`` (one
  background thread, FIFO) when a task is submitted, starts and ends (its final row and hits in one
  transaction), plus a heartbeat of running tasks every ``HEARTBEAT_S``; the start-up load runs on
  that thread too and comes back through a queued signal.
- Other processes (``stockscan-cli scan``, a second window) share the history file. Their running
  tasks are shown as *foreign* rows (no job here: they cannot be cancelled or removed from this
  window while they run); every ``POLL_MS`` the writer thread reads what changed and the rows follow
  the other process's progress to its end, hits included. A foreign task whose process died is
  marked interrupted by whoever notices first.
- Two concepts live beside it as mixins: ``task_words.TaskWords`` (every text the table and
  the task dialogs show) and ``task_history.TaskHistorySync`` (the history file: load, results
  LRU, retention, other processes' tasks, this process's writes).
- Shutdown: cancel, ``waitForDone`` with a bound, mark unfinished tasks ``interrupted``, drain the
  history writer. Jobs are cooperative; a job that ignores its token past the bound keeps its pool
  thread, and the pool (a child of this model) still joins it when it is destroyed — Qt never sees
  a QThread destroyed while running.
"""
from __future__ import annotations

import dataclasses
import logging
import time
from collections import deque
from typing import TYPE_CHECKING, Any, Callable

from PySide6.QtCore import (QAbstractTableModel, QModelIndex, QPersistentModelIndex, QThreadPool,
                            QTimer, Qt, Signal, Slot)

from ..core.history import HEARTBEAT_S, HistoryStore, HistoryWriter, new_task_id
from ..core.jobs import CancelToken, Progress
from ..core.reasons import Reason, lang_of
from .job_runner import Job, JobRunner, JobSignals
from .task_info import TERMINAL, TaskInfo, TaskStatus
from .task_history import TaskHistorySync, _Task, new_results_model
from .task_words import TaskWords

if TYPE_CHECKING:
    from .results_model import ResultsModel

log = logging.getLogger(__name__)

IdRole = Qt.ItemDataRole.UserRole + 1
StatusRole = Qt.ItemDataRole.UserRole + 2
ProgressRole = Qt.ItemDataRole.UserRole + 3     # float 0..1
TaskRole = Qt.ItemDataRole.UserRole + 4         # a TaskInfo copy

COLUMNS = ["title", "started", "kind", "status", "progress", "counts", "found", "failed", "elapsed", "eta", "current"]
FLUSH_MS = 50
TICK_MS = 1000
POLL_MS = 2000        # how often the history is read for other processes' tasks
DEFAULT_RETENTION = 200
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


class TaskManager(TaskWords, TaskHistorySync, QAbstractTableModel):
    IdRole = IdRole
    StatusRole = StatusRole
    ProgressRole = ProgressRole
    TaskRole = TaskRole
    COLUMNS = COLUMNS

    task_added = Signal(str)
    task_changed = Signal(str)
    task_finished = Signal(str, str)        # id, status
    running_count_changed = Signal(int)
    history_loaded = Signal(int)            # how many tasks came back from history
    _history_ready = Signal(object)         # internal: emitted on the writer thread
    _poll_ready = Signal(object)            # internal: other processes' task rows (writer thread)
    results_ready = Signal(str)             # a dropped scan's results are back in memory
    _hits_loaded = Signal(str, object)      # internal: hits read back on the writer thread

    def __init__(self, history: HistoryStore | None = None, max_running: int = 2, parent=None, *,
                 retention: int = DEFAULT_RETENTION):
        super().__init__(parent)
        self._order: list[str] = []
        self._row: dict[str, int] = {}
        self._entries: dict[str, _Task] = {}
        # Threads that have not finished yet, by task id. Not part of _Task: a removed task's
        # thread may still be finishing (it frees its pool slot when the job notices the token).
        self._runners: dict[str, JobRunner] = {}
        self._lang = "en"
        self._queue: deque[str] = deque()
        self._factories: dict[str, Callable[[dict], Job]] = {}
        self._max_running = max(1, int(max_running))
        self._retention = retention
        self._closed = False
        self._last_running = 0

        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(self._max_running)
        self._signals = JobSignals(self)
        q = Qt.ConnectionType.QueuedConnection
        self._signals.progress.connect(self._on_progress, q)
        self._signals.hits.connect(self._on_hits, q)
        self._signals.finished.connect(self._on_finished, q)
        self._signals.failed.connect(self._on_failed, q)
        self._signals.cancelled.connect(self._on_cancelled, q)
        self._signals.done.connect(self._on_done, q)
        self._history_ready.connect(self._on_history_ready, q)
        self._poll_ready.connect(self._on_poll_ready, q)
        self._hits_loaded.connect(self._on_hits_loaded, q)
        self._recent: list[str] = []            # finished scans with results in memory, oldest first
        # Finished tasks beyond the retention bound: out of the table, a slim record still answers get()
        self._retired: dict[str, TaskInfo] = {}
        self._reloading: set[str] = set()

        self._history = history
        self._writer = HistoryWriter(history) if history is not None else None

        self._dirty: set[str] = set()
        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.setInterval(FLUSH_MS)
        self._flush_timer.timeout.connect(self._flush)
        self._tick = QTimer(self)
        self._tick.setInterval(TICK_MS)
        self._tick.timeout.connect(self._on_tick)
        self._last_beat = 0.0
        self._poll_since = 0.0
        self._polling = False
        self._poll = QTimer(self)
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(self._poll_history)

    # -- Qt model API ------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._order)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1)
        if not 0 <= section < len(COLUMNS):
            return None
        return self._header_text(COLUMNS[section])

    def _header_text(self, col: str) -> str:
        return {
            "title": self.tr("Task"), "started": self.tr("Started"), "kind": self.tr("Kind"), "status": self.tr("Status"),
            "progress": self.tr("Progress"), "counts": self.tr("Done/Total"), "found": self.tr("Found"),
            "failed": self.tr("Failed"), "elapsed": self.tr("Elapsed"), "eta": self.tr("ETA"),
            "current": self.tr("Current"),
        }[col]

    # -- words (the one place the task table's texts come from) ---------------------------
    def set_language(self, lang: str) -> None:
        """"zh"/"zh_CN"/"en": kinds, states, phases, errors and failure reasons follow it."""
        lang = lang_of(lang)
        if lang == self._lang:
            return
        self._lang = lang
        for e in self._entries.values():
            if e.model is not None:
                e.model.set_language(lang)
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(COLUMNS) - 1)
        if self._order:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._order) - 1, len(COLUMNS) - 1))

    @property
    def language(self) -> str:
        return self._lang

    def data(self, index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self._order)) or not (0 <= index.column() < len(COLUMNS)):
            return None
        t = self._entries[self._order[index.row()]].info
        col = COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.display_text(t, col)
        if role == IdRole:
            return t.id
        if role == StatusRole:
            return t.status.value
        if role == ProgressRole:
            return float(t.progress)
        if role == TaskRole:
            return t.copy()
        if role == Qt.ItemDataRole.ToolTipRole:
            if col in ("status", "current") and t.error:
                return self.text(t.error)
            if col == "failed" and (t.failures or t.rejected):
                return "\n\n".join(x for x in (self.failures_text(t), self.rejected_text(t)) if x)
            if col == "title":
                return t.title
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole and col in ("progress", "counts", "found", "failed", "elapsed", "eta"):
            return _RIGHT
        return None

    # -- queries -----------------------------------------------------------------------------
    def get(self, task_id: str) -> TaskInfo:
        """A copy of the task. KeyError only for an id never submitted here or removed by the user
        (a finished task that left the table under the retention bound still answers)."""
        e = self._entries.get(task_id)
        if e is None:
            return self._retired[task_id].copy()
        return e.info.copy()

    def task_ids(self) -> list[str]:
        return list(self._order)

    def task_at(self, row: int) -> TaskInfo:
        return self._entries[self._order[row]].info.copy()

    def row_of(self, task_id: str) -> int:
        return self._row[task_id]

    def report(self, task_id: str) -> Any:
        """The analysis result (a StockReport, or its dict when loaded from history)."""
        e = self._entries.get(task_id)
        return None if e is None else e.info.result

    def running_count(self) -> int:
        return sum(1 for e in self._entries.values() if e.info.status == TaskStatus.RUNNING)

    def active_workers(self) -> int:
        """Threads still running a job (a cancelled task keeps its thread until the job notices)."""
        return len(self._runners)

    def max_running(self) -> int:
        return self._max_running

    def set_max_running(self, n: int) -> None:
        self._max_running = max(1, int(n))
        self._pool.setMaxThreadCount(self._max_running)
        self._schedule()

    def set_retention(self, keep: int) -> None:
        self._retention = keep

    def set_job_factory(self, kind: str, factory: Callable[[dict], Job]) -> None:
        """How ``rerun`` rebuilds a job from a task's stored params. ``factory(params)`` is called
        at re-run time, so it builds on whatever source and store are current then."""
        self._factories[kind] = factory

    # -- commands ----------------------------------------------------------------------------
    def submit(self, kind: str | None = None, title: str = "", job: Job | None = None, *,
               params: dict | None = None, results_model: ResultsModel | None = None):
        """Add a task and return its id, which ``get`` answers at once and until removed.

        Called with no arguments this is Qt's own ``QAbstractItemModel.submit()`` (views call it
        whenever their current row changes) and just returns True.
        """
        if kind is None:
            return True
        if job is None:
            raise TypeError("submit() needs a job")
        if self._closed:
            raise RuntimeError("the task manager is shut down")
        tid = new_task_id()
        while tid in self._entries:  # pragma: no cover - 48 random bits
            tid = new_task_id()
        info = TaskInfo(id=tid, kind=kind, title=title, params=dict(params or {}))
        row = len(self._order)
        self.beginInsertRows(QModelIndex(), row, row)
        self._order.append(tid)
        self._row[tid] = row
        self._entries[tid] = _Task(info, job, results_model)
        self.endInsertRows()
        if results_model is not None:
            results_model.set_language(self._lang)
        self._queue.append(tid)
        self._persist(tid)
        self.task_added.emit(tid)
        self._schedule()
        return tid

    def cancel(self, task_id: str) -> bool:
        e = self._entries.get(task_id)
        if e is None or e.info.status in TERMINAL or e.foreign:
            return False
        if e.token is not None:
            e.token.cancel()
        self._finish(e.info, TaskStatus.CANCELLED)
        return True

    def remove(self, task_id: str) -> bool:
        if task_id not in self._entries:
            return self._retired.pop(task_id, None) is not None
        if self._entries[task_id].foreign and not self._entries[task_id].info.is_terminal:
            return False                # another process is running it
        self.cancel(task_id)
        row = self._row[task_id]
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._order[row]
        entry = self._entries.pop(task_id)
        self._row = {tid: i for i, tid in enumerate(self._order)}
        self.endRemoveRows()
        self._dirty.discard(task_id)
        m = entry.model
        if m is not None and m.parent() is None:
            m.deleteLater()
        if self._writer is not None:
            self._writer.submit(self._history.delete_task, task_id)
        return True

    def rerun(self, task_id: str) -> str:
        """Submit the task again. A kind with a factory is rebuilt from its stored params on the
        current source and store (a task loaded from history, or one whose source has since been
        switched); otherwise the task's own job runs again."""
        e = self._entries[task_id]
        t = e.info
        factory = self._factories.get(t.kind)
        if factory is not None:
            job, params = factory(dict(t.params)), factory_params(t.params, factory)
        elif e.job is not None:
            job, params = e.job, dict(t.params)
        else:
            raise ValueError(f"cannot re-run a {t.kind!r} task loaded from history: no job factory")
        model = new_results_model(self._lang) if (e.model is not None or t.kind == "scan") else None
        return self.submit(t.kind, t.title, job, params=params, results_model=model)

    def shutdown(self, timeout_ms: int = 3000) -> bool:
        """Cancel running tasks, wait for their threads (bounded), record unfinished tasks as
        interrupted, flush history. True if every thread stopped within the bound."""
        if self._closed:
            return True
        self._closed = True
        self._tick.stop()
        self._poll.stop()
        for tid in list(self._order):
            e = self._entries[tid]
            if e.info.status not in TERMINAL:
                if e.token is not None:
                    e.token.cancel()
                self._finish(e.info, TaskStatus.INTERRUPTED)
        self._queue.clear()
        ok = self._pool.waitForDone(max(0, int(timeout_ms)))
        if not ok:
            log.warning("shutdown: %d task thread(s) still running after %d ms", len(self._runners), timeout_ms)
        self._flush_timer.stop()
        self._flush()
        if self._writer is not None:
            self._writer.close(timeout=max(1.0, timeout_ms / 1000))
        return ok

    # -- scheduling --------------------------------------------------------------------------
    def _schedule(self) -> None:
        while not self._closed and self._queue and len(self._runners) < self._max_running:
            tid = self._queue.popleft()
            e = self._entries.get(tid)
            if e is None or e.info.status != TaskStatus.PENDING:
                continue
            t = e.info
            e.token = tok = CancelToken()
            t.status = TaskStatus.RUNNING
            t.started = time.time()
            runner = JobRunner(tid, e.job, tok, self._signals)
            self._runners[tid] = runner
            self._mark(tid)
            self._persist(tid)
            self._pool.start(runner)
        if self._runners and not self._tick.isActive() and not self._closed:
            self._tick.start()
        self._emit_running_count()

    def _emit_running_count(self) -> None:
        n = self.running_count()
        if n != self._last_running:
            self._last_running = n
            self.running_count_changed.emit(n)

    # -- worker signals (GUI thread) ---------------------------------------------------------
    def _live(self, tid: str) -> TaskInfo | None:
        e = self._entries.get(tid)
        return None if e is None or e.info.status in TERMINAL else e.info

    @Slot(str, object)
    def _on_progress(self, tid: str, p: Progress) -> None:
        t = self._live(tid)
        if t is None:
            return
        t.done, t.total = int(p.done), int(p.total)
        t.found = max(t.found, int(p.found))
        t.failed = max(t.failed, int(p.failed))
        if p.failures:
            t.failures.extend(p.failures)
        t.failed = max(t.failed, len(t.failures))
        t.current = p.current
        if t.total > 0:
            t.progress = min(1.0, max(0.0, t.done / t.total))
        if p.fraction is not None:           # a weighted phase (a first scan's fetch) moves the bar
            t.progress = min(1.0, max(t.progress, float(p.fraction)))
        self._mark(tid)

    @Slot(str, object)
    def _on_hits(self, tid: str, rows: list) -> None:
        t = self._live(tid)
        if t is None:
            return
        m = self._entries[tid].model
        if m is not None:
            m.append_rows(rows)
            t.found = max(t.found, m.rowCount())
        else:
            t.found += len(rows)
        self._mark(tid)

    @Slot(str, object)
    def _on_finished(self, tid: str, result: Any) -> None:
        t = self._live(tid)
        if t is None:
            return
        _adopt_result(t, result)
        if self._entries[tid].model is not None and getattr(result, "hits", None):
            # The hits live in the results model (and the history): the outcome keeps its counts
            # only, or every finished scan would hold its rows twice for the whole session.
            result = dataclasses.replace(result, hits=[]) if dataclasses.is_dataclass(result) else result
        t.result = result
        t.progress = 1.0
        self._finish(t, TaskStatus.COMPLETED)

    @Slot(str, object)
    def _on_failed(self, tid: str, reason: Any) -> None:
        t = self._live(tid)
        if t is None:
            return
        t.error = Reason.of(reason)
        self._finish(t, TaskStatus.FAILED)

    @Slot(str)
    def _on_cancelled(self, tid: str) -> None:
        t = self._live(tid)
        if t is not None:
            self._finish(t, TaskStatus.CANCELLED)

    @Slot(str)
    def _on_done(self, tid: str) -> None:
        self._runners.pop(tid, None)
        e = self._entries.get(tid)
        if e is not None:
            e.token = None
        if not self._runners:
            self._tick.stop()
        self._schedule()

    def _finish(self, t: TaskInfo, status: TaskStatus) -> None:
        """The one place a task becomes terminal."""
        if t.status in TERMINAL:
            return
        was_pending = t.status == TaskStatus.PENDING
        t.status = status
        t.finished = time.time()
        if status != TaskStatus.COMPLETED:
            t.current = ""                      # no phase is in progress any more
            m = self._entries[t.id].model
            if m is not None:
                t.found = m.rowCount()          # the hits counted are the hits kept
        if was_pending and status == TaskStatus.CANCELLED:
            try:
                self._queue.remove(t.id)
            except ValueError:
                pass
        self._mark(t.id)
        self._persist(t.id, final=True)
        e = self._entries[t.id]
        if t.kind in self._factories:
            e.job = None                # a re-run rebuilds it; keep no source/store alive for it
        if e.model is not None:
            self._keep_results(t.id)
        self.task_finished.emit(t.id, status.value)
        self._emit_running_count()
        if not self._closed:
            QTimer.singleShot(0, self._bound_rows)   # not while a caller (remove, cancel) holds rows

    # -- change coalescing -------------------------------------------------------------------
    def _mark(self, tid: str) -> None:
        self._dirty.add(tid)
        if not self._flush_timer.isActive() and not self._closed:
            self._flush_timer.start()

    @Slot()
    def _flush(self) -> None:
        if not self._dirty:
            return
        dirty, self._dirty = self._dirty, set()
        rows = sorted(self._row[tid] for tid in dirty if tid in self._row)
        last_col = len(COLUMNS) - 1
        start = prev = None
        for r in rows:
            if start is None:
                start = prev = r
            elif r == prev + 1:
                prev = r
            else:
                self.dataChanged.emit(self.index(start, 0), self.index(prev, last_col))
                start = prev = r
        if start is not None:
            self.dataChanged.emit(self.index(start, 0), self.index(prev, last_col))
        for tid in dirty:
            if tid in self._row:
                self.task_changed.emit(tid)

    @Slot()
    def _on_tick(self) -> None:
        running = [self._entries[tid].info for tid in self._order
                   if self._entries[tid].info.status == TaskStatus.RUNNING and not self._entries[tid].foreign]
        for t in running:
            self._mark(t.id)
        now = time.monotonic()
        if running and self._writer is not None and now - self._last_beat >= HEARTBEAT_S:
            self._last_beat = now
            self._writer.submit(self._history.heartbeat, {
                t.id: {"done": t.done, "total": t.total, "found": t.found, "failed": t.failed,
                       "current": t.current} for t in running})


def _adopt_result(t: TaskInfo, result: Any) -> None:
    """Take the exact final counts from a job's result when it carries them (ScanOutcome,
    RefreshReport …): progress signals are throttled, the result is the truth."""
    failed = getattr(result, "failed", None)
    if isinstance(failed, dict):
        t.failures = [(str(k), Reason.of(v)) for k, v in failed.items()]
        t.failed = len(t.failures)
    elif isinstance(failed, list):
        t.failures = [(str(a), Reason.of(b)) for a, b in failed]
        t.failed = len(t.failures)
    rejected = getattr(result, "rejected", None)
    if isinstance(rejected, list):
        t.rejected = [(str(a), Reason.of(b)) for a, b in rejected]
    found = getattr(result, "found", None)
    if isinstance(found, int):
        t.found = found
    size = getattr(result, "universe_size", None)
    if isinstance(size, int) and size > 0:
        t.total = t.done = size
    elif t.total:
        t.done = t.total


def factory_params(params: dict, factory: Callable) -> dict:
    """The params a re-run task records: the stored ones, updated by what the factory says it
    used (e.g. the current source's name), when it says so."""
    out = dict(params)
    current = getattr(factory, "current_params", None)
    if callable(current):
        out.update(current())
    return out
