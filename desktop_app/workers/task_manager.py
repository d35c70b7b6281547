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
from dataclasses import dataclass
from typing import Any, Callable

from PySide6.QtCore import (QAbstractTableModel, QModelIndex, QPersistentModelIndex, QThreadPool,
                            QTimer, Qt, Signal, Slot)

from ..core.catalogue import HOSTS, TASK_KINDS, TASK_STATES, WORDS, pick, word
from ..core.history import HEARTBEAT_S, HistoryStore, HistoryWriter, new_task_id
from ..core.jobs import CancelToken, Progress
from ..core.reasons import R, Reason, lang_of
from ..core.scan import ScanRequest, describe_request
from .job_runner import Job, JobRunner, JobSignals
from .results_model import ResultsModel
from .task_info import TERMINAL, TaskInfo, TaskStatus

log = logging.getLogger(__name__)

IdRole = Qt.ItemDataRole.UserRole + 1
StatusRole = Qt.ItemDataRole.UserRole + 2
ProgressRole = Qt.ItemDataRole.UserRole + 3     # float 0..1
TaskRole = Qt.ItemDataRole.UserRole + 4         # a TaskInfo copy

COLUMNS = ["title", "started", "kind", "status", "progress", "counts", "found", "failed", "elapsed", "eta", "current"]
FLUSH_MS = 50
TICK_MS = 1000
POLL_MS = 2000        # how often the history is read for other processes' tasks
#: Finished scans whose results stay in memory; older ones are dropped and read back from the
#: history when asked for (``results_model`` then answers None and ``results_ready`` follows).
RESULTS_IN_MEMORY = 12
DEFAULT_RETENTION = 200
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


def format_clock(ts: float | None, now: float | None = None) -> str:
    """A task's start: "14:03:27" today, "11-28 14:03" on another day."""
    if not ts:
        return ""
    t, today = time.localtime(ts), time.localtime(now if now is not None else time.time())
    same_day = (t.tm_year, t.tm_yday) == (today.tm_year, today.tm_yday)
    return time.strftime("%H:%M:%S" if same_day else "%m-%d %H:%M", t)


def format_seconds(s: float | None) -> str:
    if s is None:
        return ""
    s = int(round(s))
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}:{s % 60:02d}"
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"


@dataclass
class _Task:
    """Everything the manager keeps about one task, in one place."""
    info: TaskInfo
    job: Job | None = None
    model: ResultsModel | None = None
    token: CancelToken | None = None
    foreign: bool = False          # run by another process; followed through the history file


class TaskManager(QAbstractTableModel):
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

    def kind_text(self, kind: str) -> str:
        return pick(TASK_KINDS.get(kind), self._lang, kind)

    def status_text(self, status: TaskStatus | str) -> str:
        key = str(getattr(status, "value", status))
        return pick(TASK_STATES.get(key), self._lang, key)

    def text(self, value: Any) -> str:
        """A task's Reason (error, phase, failure) in the manager's language."""
        return value.text(self._lang) if isinstance(value, Reason) else str(value or "")

    def params_text(self, info: TaskInfo) -> str:
        """A task's parameters as lines a user reads (a scan's filters in words)."""
        p = dict(info.params or {})
        colon = "：" if self._lang == "zh" else ": "
        lines: list[str] = []
        if info.kind == "scan" and isinstance(p.get("request"), dict):
            lines += describe_request(ScanRequest.from_dict(p.pop("request")), self._lang)
        p.pop("watchlist", None)
        p.pop("via", None)
        for key, value in p.items():
            if value in (None, "", []):
                continue
            if key == "source":
                value = pick(HOSTS.get(str(value)), self._lang, str(value))
            elif key == "mode":
                value = word(str(value), self._lang) if str(value) in WORDS else value
            elif isinstance(value, (list, tuple)):
                shown = ", ".join(map(str, value[:12]))
                value = shown + (f" … (+{len(value) - 12})" if len(value) > 12 else "")
            lines.append(f"{pick(WORDS.get(key), self._lang, key)}{colon}{value}")
        return "\n".join(lines)

    def rejected_text(self, info: TaskInfo, limit: int = 20) -> str:
        """The input codes a scan did not scan and why (as ``stockscan-cli scan`` prints them)."""
        if not info.rejected:
            return ""
        colon = "：" if self._lang == "zh" else ": "
        items = [f"{tok}{colon}{self.text(why)}" for tok, why in info.rejected[:limit]]
        if len(info.rejected) > limit:
            items.append("…")
        return self.text(R("codes_rejected", n=len(info.rejected), items="; ".join(items)))

    def failures_text(self, info: TaskInfo, limit: int = 20) -> str:
        """``item: reason`` lines for a tooltip or the details dialog."""
        colon = "：" if self._lang == "zh" else ": "
        lines = [f"{item}{colon}{self.text(why)}" for item, why in info.failures[:limit]]
        if len(info.failures) > limit:
            more = len(info.failures) - limit
            lines.append(f"… 另有 {more} 个" if self._lang == "zh" else f"… and {more} more")
        return "\n".join(lines)

    def data(self, index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self._order)) or not (0 <= index.column() < len(COLUMNS)):
            return None
        t = self._entries[self._order[index.row()]].info
        col = COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(t, col)
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

    def _display(self, t: TaskInfo, col: str) -> str:
        if col == "title":
            return t.title
        if col == "started":
            return format_clock(t.started or t.created)
        if col == "kind":
            return self.kind_text(t.kind)
        if col == "status":
            return self.status_text(t.status)
        if col == "progress":
            return f"{t.progress * 100:.0f}%"
        if col == "counts":
            return f"{t.done}/{t.total}" if t.total else (str(t.done) if t.done else "")
        if col == "found":
            return str(t.found)
        if col == "failed":
            return str(t.failed)
        if col == "elapsed":
            return format_seconds(t.elapsed)
        if col == "eta":
            return format_seconds(t.eta)
        if col == "current":
            return self.text(t.error) if t.status == TaskStatus.FAILED else self.text(t.current)
        return ""

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

    def results_model(self, task_id: str) -> ResultsModel | None:
        """The task's results. None for a task without results, and for a finished scan whose
        results were dropped from memory: those are read back off the GUI thread and
        ``results_ready(task_id)`` is emitted when they are here."""
        e = self._entries.get(task_id)
        if e is None:
            return None
        if e.model is None and e.info.kind == "scan" and e.info.is_terminal and self._writer is not None:
            if task_id not in self._reloading:
                self._reloading.add(task_id)
                self._writer.submit(self._reload_hits_job, task_id)
            return None
        if e.model is not None and task_id in self._recent:
            self._recent.remove(task_id)
            self._recent.append(task_id)
        return e.model

    def has_results(self, task_id: str) -> bool:
        e = self._entries.get(task_id)
        return e is not None and (e.model is not None or (e.info.kind == "scan" and e.info.is_terminal))

    def _reload_hits_job(self, task_id: str) -> None:  # on the writer thread
        try:
            rows = self._history.load_hits(task_id)
        except Exception:
            log.exception("could not read the hits of %s", task_id)
            rows = []
        self._hits_loaded.emit(task_id, rows)

    @Slot(str, object)
    def _on_hits_loaded(self, task_id: str, rows: list) -> None:
        self._reloading.discard(task_id)
        e = self._entries.get(task_id)
        if e is None or e.model is not None:
            return
        e.model = ResultsModel(lang=self._lang)
        e.model.append_rows(rows)
        self._keep_results(task_id)
        self.results_ready.emit(task_id)

    def _keep_results(self, task_id: str) -> None:
        """Remember a finished scan's results as the newest in memory; drop the oldest beyond
        ``RESULTS_IN_MEMORY`` (only when the history holds them to read back)."""
        if task_id in self._recent:
            self._recent.remove(task_id)
        self._recent.append(task_id)
        if self._writer is None:
            return
        while len(self._recent) > RESULTS_IN_MEMORY:
            old = self._entries.get(self._recent.pop(0))
            if old is not None and old.info.is_terminal and not old.foreign:
                old.model = None        # a view showing it keeps its own reference until it moves on

    @Slot()
    def _bound_rows(self) -> None:
        """Keep at most ``retention`` finished tasks in the table (the history keeps as many)."""
        if not self._retention or self._retention <= 0:
            return
        finished = [tid for tid in self._order if self._entries[tid].info.is_terminal]
        for tid in finished[:max(0, len(finished) - self._retention)]:
            row = self._row[tid]
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._order[row]
            slim = self._entries.pop(tid).info
            slim.failures, slim.result, slim.params = [], None, {}
            self._retired[tid] = slim
            self._row = {t: i for i, t in enumerate(self._order)}
            self.endRemoveRows()
            self._dirty.discard(tid)
            if tid in self._recent:
                self._recent.remove(tid)

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
        model = ResultsModel(lang=self._lang) if (e.model is not None or t.kind == "scan") else None
        return self.submit(t.kind, t.title, job, params=params, results_model=model)

    def load_history(self) -> None:
        """Load stored tasks on the writer thread; they are inserted when the load comes back.
        Rows left pending/running by a dead process are marked interrupted first. Only the task
        rows are read: a scan's hits come when its results are first asked for (``results_model``
        answers None, then ``results_ready``), so start-up costs nothing per stored scan."""
        if self._writer is None:
            self.history_loaded.emit(0)
            return
        exclude = set(self._entries)
        self._writer.submit(self._load_history_job, exclude)

    def _load_history_job(self, exclude: set[str]) -> None:  # on the writer thread
        store = self._history
        try:
            started = time.time()
            store.mark_unfinished_interrupted(exclude)
            recs = [r for r in store.load_tasks() if r["id"] not in exclude]
            hits: dict = {}       # lazy: a scan's hits are read when its results are first shown
        except Exception:
            log.exception("could not load the task history")
            recs, hits, started = [], {}, time.time()
        self._history_ready.emit((recs, hits, started))

    # -- other processes' tasks -----------------------------------------------------------------
    @Slot()
    def _poll_history(self) -> None:
        if self._writer is None or self._closed or self._polling:
            return
        self._polling = True
        foreign = [tid for tid, e in self._entries.items() if e.foreign and not e.info.is_terminal]
        self._writer.submit(self._poll_job, self._poll_since, foreign)

    def _poll_job(self, since: float, foreign: list[str]) -> None:  # on the writer thread
        store = self._history
        try:
            started = time.time()
            store.mark_unfinished_interrupted(include_own=False)   # a CLI killed with SIGKILL
            recs = [r for r in store.tasks_changed_since(since - 1.0, foreign) if r.get("owner") != store.owner]
            hits = {r["id"]: store.load_hits(r["id"]) for r in recs
                    if r.get("kind") == "scan" and r.get("status") not in ("pending", "running")}
        except Exception:
            log.exception("could not read the task history")
            recs, hits, started = [], {}, since
        self._poll_ready.emit((recs, hits, started))

    @Slot(object)
    def _on_poll_ready(self, payload) -> None:
        recs, hits, started = payload
        self._polling = False
        self._poll_since = max(self._poll_since, started)
        new = []
        for rec in recs:
            e = self._entries.get(rec["id"])
            if e is None:
                if rec.get("status") in ("pending", "running"):
                    new.append(rec)      # a task another process started after our load
                continue
            if not e.foreign or e.info.is_terminal:
                continue
            fresh = TaskInfo.from_record(rec)
            t = e.info
            for f in ("status", "done", "total", "found", "failed", "failures", "current", "error",
                      "started", "finished", "progress"):
                setattr(t, f, getattr(fresh, f))
            if t.status == TaskStatus.RUNNING and t.total:
                t.progress = min(1.0, t.done / t.total)
            if t.is_terminal:
                if e.model is not None and rec["id"] in hits:
                    e.model.append_rows(hits[rec["id"]])
                self.task_finished.emit(t.id, t.status.value)
            self._mark(t.id)
        if new:
            self._insert_loaded(new, hits)
        self._emit_running_count()

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

    # -- history -----------------------------------------------------------------------------
    def _persist(self, tid: str, final: bool = False) -> None:
        if self._writer is None:
            return
        e = self._entries.get(tid)
        if e is None:
            return
        if e.foreign:
            return                      # another process writes its own rows
        if not final:
            self._writer.submit(self._history.save_task, e.info.to_record())
        else:
            m = e.model
            self._writer.submit(self._history.finish_task, e.info.to_record(),
                                m.rows() if m is not None else None)
            if self._retention is not None and self._retention > 0:
                self._writer.submit(self._history.prune, self._retention)

    @Slot(object)
    def _on_history_ready(self, payload) -> None:
        recs, hits, started = payload
        recs = [r for r in recs if r["id"] not in self._entries]
        self._insert_loaded(recs, hits, at_top=True)
        self._poll_since = started
        if self._writer is not None and not self._closed:
            self._poll.start()
        self.history_loaded.emit(len(recs))

    def _insert_loaded(self, recs: list[dict], hits: dict, at_top: bool = False) -> None:
        """Rows read from the history file: our past tasks, and other processes' (foreign) ones."""
        if not recs:
            return
        own = getattr(self._history, "owner", None)
        infos = [TaskInfo.from_record(r) for r in recs]
        first = 0 if at_top else len(self._order)
        self.beginInsertRows(QModelIndex(), first, first + len(infos) - 1)
        self._order[first:first] = [t.id for t in infos]
        for t, rec in zip(infos, recs):
            model = None
            if t.kind == "scan" and (t.id in hits or not t.is_terminal):
                model = ResultsModel(lang=self._lang)      # running elsewhere, or hits at hand
                model.append_rows(hits.get(t.id, []))
            foreign = not t.is_terminal and rec.get("owner") not in (None, own)
            self._entries[t.id] = _Task(t, None, model, foreign=foreign)
        self._row = {tid: i for i, tid in enumerate(self._order)}
        self.endInsertRows()
        for t in infos:
            self.task_added.emit(t.id)
        self._emit_running_count()


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
