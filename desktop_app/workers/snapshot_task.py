"""The intraday snapshot: a background task in the one TaskManager that fetches the market's
snapshot (``source.spot()``: ``stock_zh_a_spot_em`` pages the whole market in about a minute) and
runs one alert check pass on it (``core/alert_store.check_once``).

``SnapshotScheduler`` decides when: at most once per ``interval`` (user-set, never below
``MIN_INTERVAL_S``: the host throttles), never while the previous one runs, and only during the
trading sessions (``core/trading_hours.py``), and only while something needs live prices
(``wanted``: the window says so when an alert rule or a holding exists). The demo market has no clock of its own: its
session is always open and each snapshot is the next deterministic tick (``core/demo_ticks.py``),
labelled DEMO. The clock is injectable (tests use a fake one); a ``QTimer`` polls it.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Callable

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from ..core.catalogue import word
from .task_info import TaskStatus

MIN_INTERVAL_S = 120
DEFAULT_INTERVAL_S = 300
POLL_MS = 10_000


@dataclass
class SnapshotResult:
    at: str                      # when the snapshot arrived (ISO, local time)
    rows: int                    # stocks in it
    demo: bool
    tick: int
    fired: list = field(default_factory=list)    # core.alerts.Firing, the new ones
    quotes: Any = field(default=None, repr=False)  # the snapshot's quotes by symbol (the desk takes them)

    @property
    def found(self) -> int:      # the task table's "found" column: the alerts fired
        return len(self.fired)

    def __str__(self) -> str:    # what the history file keeps of it
        return f"snapshot {self.at}: {self.rows} stocks, {len(self.fired)} alerts"


def snapshot_job(source: Any, store: Any, watch: Any, tick: int, clock: Callable[[], dt.datetime]):
    def job(progress, cancel, emit_hits):
        from ..core.alert_store import AlertStore, check_once, market_view

        from ..core.trading_hours import beijing

        day = None if getattr(source, "is_demo", False) else beijing(clock()).date()   # the session's day
        view = market_view(source, store, watch, day=day, demo_tick=tick)
        cancel.raise_if_cancelled()
        fired = check_once(AlertStore(watch), view)
        return SnapshotResult(clock().isoformat(timespec="seconds"), len(view.quotes), view.demo, tick, fired,
                              view.quotes)
    return job


def bars_check_job(source: Any, store: Any, watch: Any, clock: Callable[[], dt.datetime]):
    """One alert check on the stored bars (after the daily update): no snapshot is fetched."""
    def job(progress, cancel, emit_hits):
        from ..core.alert_store import AlertStore, bars_view, check_once

        view = bars_view(source, store, watch)
        fired = check_once(AlertStore(watch), view)
        return SnapshotResult(clock().isoformat(timespec="seconds"), len(view.quotes), view.demo, -1, fired)
    return job


class SnapshotScheduler(QObject):
    arrived = Signal(object)          # SnapshotResult
    alerts_fired = Signal(list)       # [Firing]: the new ones, for the tray and the log
    failed = Signal(str)              # the task id of a failed snapshot

    def __init__(self, tasks: Any, parts: Callable[[], tuple], interval_s: int = DEFAULT_INTERVAL_S,
                 clock: Callable[[], dt.datetime] | None = None, lang: Callable[[], str] | None = None,
                 parent: QObject | None = None) -> None:
        """``parts()`` -> (source, store, watch store) at submit time (None watch: not ready)."""
        super().__init__(parent)
        self.tasks = tasks
        self.parts = parts
        self.clock = clock or dt.datetime.now
        self.lang = lang or (lambda: "zh")
        self.interval_s = max(MIN_INTERVAL_S, int(interval_s))
        self.enabled = True
        #: whether anything needs live prices now (the desk: an alert rule or a holding exists)
        self.wanted: Callable[[], bool] = lambda: True
        self.last_start: dt.datetime | None = None
        self.last_arrival: dt.datetime | None = None
        self.running: str | None = None
        self.previous: str | None = None      # the last completed snapshot task
        #: remove the previous completed snapshot task when a new one completes (the window: a
        #: snapshot every few minutes would fill the task list); a failed one stays, to be read
        self.keep_one = False
        self.tick = 0
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self.poll)
        tasks.task_finished.connect(self._on_finished)

    def start(self) -> None:
        self._timer.start()
        self.poll()

    def stop(self) -> None:
        self._timer.stop()

    def set_interval(self, seconds: int) -> int:
        self.interval_s = max(MIN_INTERVAL_S, int(seconds))
        return self.interval_s

    def in_session(self, now: dt.datetime) -> bool:
        from ..core.trading_hours import in_session

        source = self.parts()[0]
        return bool(getattr(source, "is_demo", False)) or in_session(now)

    def due(self, now: dt.datetime | None = None) -> bool:
        """Whether a snapshot should start now (the module docstring's rules)."""
        now = now or self.clock()
        if not self.enabled or self.running is not None or self.parts()[2] is None or not self.wanted():
            return False
        if self.last_start is not None and (now - self.last_start).total_seconds() < self.interval_s:
            return False
        return self.in_session(now)

    @Slot()
    def poll(self) -> str | None:
        """Start a snapshot task if one is due; returns its task id."""
        now = self.clock()
        if not self.due(now):
            return None
        return self.run_now(now)

    def run_now(self, now: dt.datetime | None = None) -> str:
        """Start one snapshot task now (the user's 刷新; the interval counts from here)."""
        source, store, watch = self.parts()
        self.last_start = now or self.clock()
        title = word("snapshot_task", self.lang()) + (" · DEMO" if getattr(source, "is_demo", False) else "")
        self.running = self.tasks.submit("snapshot", title, snapshot_job(source, store, watch, self.tick, self.clock),
                                         params={"source": getattr(source, "name", ""), "tick": self.tick})
        return self.running

    def check_bars(self) -> str | None:
        """One check pass on the stored bars now (the daily update has just filled them)."""
        source, store, watch = self.parts()
        if watch is None or self.running is not None or not self.wanted():
            return None
        self.running = self.tasks.submit("snapshot", word("alerts_after_update", self.lang()),
                                         bars_check_job(source, store, watch, self.clock),
                                         params={"source": getattr(source, "name", ""), "bars": True})
        return self.running

    @Slot(str, str)
    def _on_finished(self, task_id: str, status: str) -> None:
        if task_id != self.running:
            kind = self.tasks.get(task_id).kind if task_id in self.tasks.task_ids() else ""
            if kind == "refresh" and status == TaskStatus.COMPLETED:
                self.check_bars()         # alerts are checked after the daily update too
            return
        self.running = None
        if status != TaskStatus.COMPLETED:
            self.failed.emit(task_id)
            return
        result = self.tasks.get(task_id).result
        if not isinstance(result, SnapshotResult):
            return
        if result.tick >= 0:               # a snapshot (not a check on the bars)
            self.tick += 1
            self.last_arrival = self.clock()
        if self.keep_one and self.previous is not None:      # one row in the task list, the latest
            self.tasks.remove(self.previous)
        self.previous = task_id
        self.arrived.emit(result)
        if result.fired:
            self.alerts_fired.emit(list(result.fired))
