"""The task manager's side of the history file: start-up load (task rows only), the results of
finished scans kept in memory (a small LRU; the rest read back on demand), the retention bound of
the table, other processes' tasks followed by polling, and the writes of this process's tasks.

A mixin of ``TaskManager``: every disk access runs on its ``HistoryWriter`` thread and comes back
through a queued signal (``_history_ready``, ``_poll_ready``, ``_hits_loaded``), so the GUI thread
never touches the file.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Slot

from ..core.jobs import CancelToken
from .job_runner import Job
from .task_info import TaskInfo, TaskStatus

if TYPE_CHECKING:         # imported on the first model (core.hits with it): after the first frame
    from .results_model import ResultsModel

log = logging.getLogger(__name__)

#: Finished scans whose results stay in memory; older ones are dropped and read back from the
#: history when asked for (``results_model`` then answers None and ``results_ready`` follows).
RESULTS_IN_MEMORY = 12


@dataclass
class _Task:
    """Everything the manager keeps about one task, in one place (its record in ``_entries``)."""
    info: TaskInfo
    job: Job | None = None
    model: ResultsModel | None = None
    token: CancelToken | None = None
    foreign: bool = False          # run by another process; followed through the history file


class TaskHistorySync:
    """History I/O of the task manager (see the module docstring)."""

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
        if e is not None and e.info.kind == "validation":      # its report: the result (to_dict())
            return e.info.status == TaskStatus.COMPLETED and e.info.result is not None
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
        e.model = new_results_model(self._lang)
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
                model = new_results_model(self._lang)      # running elsewhere, or hits at hand
                model.append_rows(hits.get(t.id, []))
            foreign = not t.is_terminal and rec.get("owner") not in (None, own)
            self._entries[t.id] = _Task(t, None, model, foreign=foreign)
        self._row = {tid: i for i, tid in enumerate(self._order)}
        self.endInsertRows()
        for t in infos:
            self.task_added.emit(t.id)
        self._emit_running_count()


def new_results_model(lang: str) -> "ResultsModel":
    """A results model; its module (and ``core.hits``) is imported on the first one, not at start."""
    from .results_model import ResultsModel

    return ResultsModel(lang=lang)
