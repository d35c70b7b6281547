"""Spread daily-bar requests over several hosts: one fetch thread per host, one shared queue.

Each host's thread takes the next task it has not tried yet and fetches it at that host's own pace
(the source's per-host gate sets the pace; a fast host simply takes more tasks). Outcomes:

- success → a ``FetchResult`` with the bars;
- ``NoDataError`` → final failure (the source answered: there is nothing; other hosts would agree);
- ``ThrottledError`` → the host rests (``retry_after`` of the error, else ``HOST_REST_S``), its task
  goes back to the front of the queue for the other hosts — the throttle is the host's fault, not
  the symbol's — and the host's thread takes tasks again when its rest is over;
- any other error → the task goes back to the queue for a host that has not tried it yet; when
  every host has tried it, it fails with its own last error.

When every host is resting the job *pauses*: nothing fails, ``paused_for()`` says how long until
the next host is asked again (the caller shows it), and the work goes on after the rest (or ends
when the caller cancels). The fetch threads never touch the store: results travel through a queue
to the caller's thread, the store's single writer.
``stop()`` makes the threads finish after their in-flight request; ``join()`` waits for them.
"""
from __future__ import annotations

import datetime as dt
import queue
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Callable

import pandas as pd

from ..reasons import R
from .errors import NoDataError, ThrottledError

Fetcher = Callable[[str, "dt.date | None"], pd.DataFrame]  # (symbol, start) -> bars

#: Seconds a throttled host rests when its error does not say (``ThrottledError.retry_after``).
HOST_REST_S = 60.0


@dataclass
class FetchTask:
    symbol: str
    start: dt.date | None = None      # None: the full history
    purpose: str = "full"             # "full" | "incremental" (the caller's label)
    tried: set[str] = field(default_factory=set)
    last_error: BaseException | None = None


@dataclass
class FetchResult:
    task: FetchTask
    host: str | None
    bars: pd.DataFrame | None = None
    error: BaseException | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


class HostFanout:
    """Run fetch tasks over ``fetchers`` (host name → fetch function), one thread per host."""

    def __init__(self, fetchers: dict[str, Fetcher]):
        if not fetchers:
            raise ValueError("at least one host is needed")
        self._fetchers = dict(fetchers)
        self._pending: deque[FetchTask] = deque()
        self._in_flight = 0
        self._resting_until: dict[str, float] = {}   # host -> monotonic time it may be asked again
        self.rested: dict[str, str] = {}          # host -> why it was rested (last time)
        self.per_host: dict[str, int] = {h: 0 for h in self._fetchers}
        self._cond = threading.Condition()
        self._stop = False
        self._results: queue.Queue[FetchResult] = queue.Queue()
        self._threads: list[threading.Thread] = []

    # -- caller side -------------------------------------------------------------------------
    def add(self, tasks: list[FetchTask] | FetchTask) -> None:
        """Queue tasks (also after ``start``, e.g. a full refetch decided from a result)."""
        tasks = [tasks] if isinstance(tasks, FetchTask) else list(tasks)
        with self._cond:
            self._pending.extend(tasks)
            self._cond.notify_all()

    def start(self) -> None:
        for host in self._fetchers:
            t = threading.Thread(target=self._worker, args=(host,), name=f"fetch-{host}", daemon=True)
            self._threads.append(t)
            t.start()

    def get(self, timeout: float) -> FetchResult | None:
        """The next finished task, or None after ``timeout`` seconds."""
        try:
            return self._results.get(timeout=timeout)
        except queue.Empty:
            return None

    def stop(self) -> None:
        with self._cond:
            self._stop = True
            self._cond.notify_all()

    def join(self) -> None:
        for t in self._threads:
            t.join()

    def paused_for(self) -> float | None:
        """Seconds until a host is asked again when every host rests and work waits; else None."""
        with self._cond:
            if not self._pending or len(self._resting_until) < len(self._fetchers):
                return None
            return max(0.0, min(self._resting_until.values()) - time.monotonic())

    def leftover(self) -> list[FetchTask]:
        """Tasks never started (after ``stop``)."""
        with self._cond:
            return list(self._pending)

    # -- fetch threads -----------------------------------------------------------------------
    def _take(self, host: str) -> FetchTask | None:
        with self._cond:
            while True:
                if self._stop:
                    return None
                until = self._resting_until.get(host)
                if until is not None:
                    left = until - time.monotonic()
                    if left > 0:
                        self._cond.wait(min(left, 0.5))
                        continue
                    del self._resting_until[host]       # rested: ask it again
                for i, task in enumerate(self._pending):
                    if host not in task.tried:
                        del self._pending[i]
                        self._in_flight += 1
                        return task
                self._cond.wait(0.5)  # idle until a task we may take arrives, or stop()

    def _worker(self, host: str) -> None:
        fetch = self._fetchers[host]
        while True:
            task = self._take(host)
            if task is None:
                return
            try:
                bars = fetch(task.symbol, task.start)
            except ThrottledError as exc:
                self._rest(host, task, exc)
            except NoDataError as exc:
                self._finish(FetchResult(task, host, error=exc))
            except Exception as exc:  # noqa: BLE001 - every failure is per symbol, never fatal
                self._retry_or_fail(host, task, exc)
            else:
                if bars is None or len(bars) == 0:
                    self._finish(FetchResult(task, host, error=NoDataError(R("data_empty_answer", symbol=task.symbol), task.symbol)))
                else:
                    with self._cond:
                        self.per_host[host] += 1
                    self._finish(FetchResult(task, host, bars=bars))

    def _finish(self, result: FetchResult) -> None:
        with self._cond:
            self._in_flight -= 1
            self._results.put(result)
            self._cond.notify_all()

    def _retry_or_fail(self, host: str, task: FetchTask, exc: BaseException) -> None:
        task.tried.add(host)
        task.last_error = exc
        with self._cond:
            self._in_flight -= 1
            if set(self._fetchers) - task.tried and not self._stop:
                self._pending.append(task)
            else:
                self._results.put(FetchResult(task, host, error=exc))
            self._cond.notify_all()

    def _rest(self, host: str, task: FetchTask, exc: ThrottledError) -> None:
        rest = getattr(exc, "retry_after", None) or HOST_REST_S
        with self._cond:
            self._in_flight -= 1
            self._resting_until[host] = time.monotonic() + float(rest)
            self.rested[host] = str(exc)
            self._pending.appendleft(task)    # not the symbol's fault: another host (or later) takes it
            self._cond.notify_all()
