"""The record of one task as the TaskManager holds it (and as ``get(id)`` hands out copies of it).

Times are epoch seconds (``time.time()``) so they survive a restart through the history store.
"""
from __future__ import annotations

import copy
import time
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from ..core.reasons import Reason, reason_from_column


class TaskStatus(str, Enum):
    PENDING = "pending"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"
    INTERRUPTED = "interrupted"   # found pending/running after a crash or a forced exit

    def __str__(self) -> str:  # "running", not "TaskStatus.RUNNING"
        return self.value


#: Once a task is in one of these states nothing changes it again (a late worker result is dropped).
TERMINAL = frozenset({TaskStatus.COMPLETED, TaskStatus.FAILED, TaskStatus.CANCELLED, TaskStatus.INTERRUPTED})


@dataclass
class TaskInfo:
    id: str
    kind: str                      # "scan" | "analysis" | "refresh" | "export" | ...
    title: str
    status: TaskStatus = TaskStatus.PENDING
    progress: float = 0.0          # 0..1
    done: int = 0
    total: int = 0
    found: int = 0
    failed: int = 0
    failures: list[tuple[str, Reason]] = field(default_factory=list)   # (item, reason)
    rejected: list[tuple[str, Reason]] = field(default_factory=list)   # input codes not scanned, why
    created: float = field(default_factory=time.time)
    started: float | None = None
    finished: float | None = None
    current: Reason | str = ""     # a phase (Reason) or what is worked on (a symbol, a file name)
    error: Reason | str = ""       # why it failed ("" unless failed)
    params: dict = field(default_factory=dict)
    result: Any = None

    @property
    def is_terminal(self) -> bool:
        return self.status in TERMINAL

    @property
    def elapsed(self) -> float | None:
        """Seconds spent running (to now while running); None before it started."""
        if self.started is None:
            return None
        end = self.finished if self.finished is not None else time.time()
        return max(0.0, end - self.started)

    @property
    def eta(self) -> float | None:
        """Seconds left by linear extrapolation; None unless running with some progress."""
        if self.status != TaskStatus.RUNNING or self.started is None:
            return None
        frac = self.progress           # done/total, or more when a job weighs its phases
        if frac <= 0.0:
            return None
        el = self.elapsed or 0.0
        return max(0.0, el * (1.0 - frac) / frac)

    def copy(self) -> "TaskInfo":
        """A copy safe to hand out: mutable containers are copied, ``result`` is shared."""
        c = copy.copy(self)
        c.failures = list(self.failures)
        c.rejected = list(self.rejected)
        c.params = copy.deepcopy(self.params)
        return c

    def to_record(self) -> dict:
        """The row the history store keeps (see ``core.history.HistoryStore.save_task``)."""
        result = None
        to_dict = getattr(self.result, "to_dict", None)
        if self.kind in ("analysis", "validation") and callable(to_dict):
            try:
                result = to_dict()
            except Exception:  # a report that cannot serialise is not worth losing the task over
                result = None
        elif self.kind in ("analysis", "validation") and isinstance(self.result, dict):
            result = self.result
        elif self.rejected:
            result = {"rejected": [[t, r] for t, r in self.rejected]}
        return {
            "id": self.id, "kind": self.kind, "title": self.title, "status": self.status.value,
            "params": self.params, "created": self.created, "started": self.started,
            "finished": self.finished, "done": self.done, "total": self.total, "found": self.found,
            "failed": self.failed, "failures": [list(f) for f in self.failures], "error": self.error,
            "current": self.current, "result": result,
        }

    @classmethod
    def from_record(cls, rec: dict) -> "TaskInfo":
        status = TaskStatus(rec.get("status") or "interrupted")
        total = int(rec.get("total") or 0)
        done = int(rec.get("done") or 0)
        progress = 1.0 if status == TaskStatus.COMPLETED else (done / total if total else 0.0)
        return cls(
            id=rec["id"], kind=rec.get("kind") or "", title=rec.get("title") or "", status=status,
            progress=progress, done=done, total=total, found=int(rec.get("found") or 0),
            failed=int(rec.get("failed") or 0),
            failures=[(str(a), Reason.of(b)) for a, b in (rec.get("failures") or [])],
            created=float(rec.get("created") or 0.0), started=rec.get("started"),
            finished=rec.get("finished"), current=_stored_reason(rec.get("current")),
            error=_stored_reason(rec.get("error")), params=dict(rec.get("params") or {}),
            rejected=[(str(a), Reason.of(b)) for a, b in ((rec.get("result") or {}).get("rejected") or [])]
            if isinstance(rec.get("result"), dict) else [],
            result=rec.get("result"),
        )


def _stored_reason(value: Any) -> Reason | str:
    """A stored error/current column: "" when empty, else its Reason (JSON or older plain text)."""
    return reason_from_column(value) if value else ""
