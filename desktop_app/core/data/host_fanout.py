"""Spread daily-bar requests over several hosts: one fetch thread per host, one shared queue.

Each host's thread takes the next task it has not tried yet and fetches it at that host's own pace
(the source's per-host gate sets the pace; a fast host simply takes more tasks). Outcomes:

- success → a ``FetchResult`` with the bars;
- ``NoDataError`` → final failure (the source answered: there is nothing; other hosts would agree);
- ``ThrottledError`` → the host is rested for the rest of the job, its task goes back to the front
  of the queue for the other hosts, and its thread ends;
- any other error → the task goes back to the queue for a host that has not tried it yet; when
  every live host has tried it, it fails with the last error.

When every host is resting, the tasks left fail with "all hosts throttled". The fetch threads never
touch the store: results travel through a queue to the caller's thread, the store's single writer.
``stop()`` makes the threads finish after their in-flight request; ``join()`` waits for them.
"""
from __future__ import annotations

import datetime as dt
import queue
import threading
from collections import deque
from dataclasses import dataclass, field
from typing import Callable

import pandas as pd

from ..reasons import R, Reason
from .errors import DataError, NoDataError, ThrottledError

Fetcher = Callable[[str, "dt.date | None"], pd.DataFrame]  # (symbol, start) -> bars


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
        self._live: set[str] = set(self._fetchers)
        self.rested: dict[str, str] = {}          # host -> why it was rested
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
            if not self._live:
                for t in tasks:
                    self._results.put(FetchResult(t, None, error=ThrottledError(R("hosts_all_resting"))))
                return
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

    def leftover(self) -> list[FetchTask]:
        """Tasks never started (after ``stop``)."""
        with self._cond:
            return list(self._pending)

    # -- fetch threads -----------------------------------------------------------------------
    def _take(self, host: str) -> FetchTask | None:
        with self._cond:
            while True:
                if self._stop or host not in self._live:
                    return None
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
                return
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
            if self._live - task.tried and not self._stop:
                self._pending.append(task)
            else:
                self._results.put(FetchResult(task, host, error=exc))
            self._cond.notify_all()

    def _rest(self, host: str, task: FetchTask, exc: ThrottledError) -> None:
        with self._cond:
            self._in_flight -= 1
            self._live.discard(host)
            self.rested[host] = str(exc)
            self._pending.appendleft(task)
            # Tasks no live host may take any more fail now, with their last error.
            keep: deque[FetchTask] = deque()
            for t in self._pending:
                if self._live - t.tried:
                    keep.append(t)
                else:
                    err = t.last_error if (t.last_error is not None and self._live) else ThrottledError(
                        R("hosts_all_resting_last", last=Reason.of(exc)), t.symbol)
                    self._results.put(FetchResult(t, host, error=err))
            self._pending = keep
            self._cond.notify_all()
