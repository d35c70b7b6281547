"""The intraday snapshot task: with a fake clock it never starts more often than its interval,
never outside the trading sessions (lunch, after the close, weekends), runs in the one
TaskManager, and its alert check fires a rule once."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from desktop_app.core.alert_store import AlertStore
from desktop_app.core.alerts import AlertRule
from desktop_app.core.trading_hours import in_session
from desktop_app.core.watch_store import WatchStore
from desktop_app.workers.snapshot_task import MIN_INTERVAL_S, SnapshotScheduler
from desktop_app.workers.task_manager import TaskManager


class LiveLike:
    """A source that is not the demo (so the real sessions apply), answering spot() at once."""
    name, is_demo = "fake", False

    def __init__(self):
        self.calls = 0

    def spot(self):
        self.calls += 1
        return pd.DataFrame({"symbol": ["600519"], "name": ["贵州茅台"], "last": [1600.0], "prev_close": [1550.0],
                             "open": [1560.0], "high": [1610.0], "low": [1550.0], "volume": [1e5], "amount": [1.6e8]})

    def universe(self):
        raise RuntimeError("offline")


class Clock:
    def __init__(self, t):
        self.t = t

    def __call__(self):
        return self.t


@pytest.fixture
def setup(qtbot, tmp_path):
    tm = TaskManager()
    watch = WatchStore(tmp_path / "w.sqlite")
    source = LiveLike()
    clock = Clock(dt.datetime(2024, 7, 1, 9, 0))      # a Monday, a trading day
    sched = SnapshotScheduler(tm, lambda: (source, None, watch), interval_s=300, clock=clock)
    yield tm, watch, source, clock, sched
    assert tm.shutdown(5000)


def test_sessions():
    assert in_session(dt.datetime(2024, 7, 1, 9, 30)) and in_session(dt.datetime(2024, 7, 1, 14, 59))
    assert not in_session(dt.datetime(2024, 7, 1, 9, 29)) and not in_session(dt.datetime(2024, 7, 1, 12, 0))
    assert not in_session(dt.datetime(2024, 7, 1, 15, 1)) and not in_session(dt.datetime(2024, 7, 6, 10, 0))
    assert not in_session(dt.datetime(2024, 10, 1, 10, 0))          # 国庆 holiday
    # an aware time is converted: 02:00 UTC is 10:00 in Beijing
    assert in_session(dt.datetime(2024, 7, 1, 2, 0, tzinfo=dt.timezone.utc))


def test_never_more_often_than_the_interval_and_only_in_session(qtbot, setup):
    tm, watch, source, clock, sched = setup
    assert sched.set_interval(10) == MIN_INTERVAL_S            # never faster than the host tolerates
    sched.set_interval(300)
    starts = []
    t = dt.datetime(2024, 7, 1, 8, 0)
    while t <= dt.datetime(2024, 7, 1, 16, 0):
        clock.t = t
        if sched.poll():
            starts.append(t)
            qtbot.waitUntil(lambda: sched.running is None, timeout=10000)
        t += dt.timedelta(seconds=30)
    assert starts, "no snapshot ran in the session"
    assert all(in_session(s) for s in starts)
    assert all((b - a).total_seconds() >= 300 for a, b in zip(starts, starts[1:]))
    # 09:30–11:30 and 13:00–15:00, every 5 minutes: 25 + 25 starts
    assert len(starts) == 50 and source.calls == 50
    assert [tm.get(i).kind for i in tm.task_ids()] == ["snapshot"] * 50
    assert sched.last_arrival == starts[-1]
    clock.t = dt.datetime(2024, 7, 6, 10, 0)                     # Saturday
    assert sched.poll() is None


def test_no_overlap_and_alerts_fire_once(qtbot, setup):
    tm, watch, source, clock, sched = setup
    AlertStore(watch).add(AlertRule("price_above", "stock", "600519", {"price": 1600}))
    got = []
    sched.alerts_fired.connect(got.append)
    clock.t = dt.datetime(2024, 7, 1, 10, 0)
    tid = sched.poll()
    assert tid and sched.poll() is None                  # still running or not due: no second task
    qtbot.waitUntil(lambda: sched.running is None, timeout=10000)
    assert tm.get(tid).status == "completed" and tm.get(tid).found == 1
    clock.t += dt.timedelta(minutes=5)
    sched.poll()
    qtbot.waitUntil(lambda: sched.running is None, timeout=10000)
    assert len(got) == 1 and got[0][0].code == "600519"


def test_the_window_keeps_one_completed_snapshot_row(qtbot, setup):
    tm, watch, source, clock, sched = setup
    sched.keep_one = True
    clock.t = dt.datetime(2024, 7, 1, 10, 0)
    ids = []
    for _ in range(3):
        ids.append(sched.poll())
        qtbot.waitUntil(lambda: sched.running is None, timeout=10000)
        clock.t += dt.timedelta(minutes=5)
    assert tm.task_ids() == ids[-1:]


def test_the_daily_update_is_followed_by_a_check_on_the_bars(qtbot, setup):
    from desktop_app.core.panel import Panel

    tm, watch, source, clock, sched = setup
    dates = pd.bdate_range(end="2024-06-28", periods=3, name="date")
    close = np.array([[10.0, 10.0, 11.0]])

    class Store:
        def read_panel(self, codes, last_n=None):
            return Panel(np.array(["600519"], dtype=object), dates,
                         {f: close.copy() for f in ("open", "high", "low", "close")} | {"volume": np.ones((1, 3))})

    sched.parts = lambda: (source, Store(), watch)
    AlertStore(watch).add(AlertRule("change_above", "stock", "600519", {"pct": 10}))
    got = []
    sched.alerts_fired.connect(got.append)
    clock.t = dt.datetime(2024, 7, 6, 20, 0)                      # Saturday evening: no snapshot
    assert sched.poll() is None
    ref = tm.submit("refresh", "update", lambda progress, cancel, emit: None)
    qtbot.waitUntil(lambda: tm.get(ref).is_terminal and sched.running is None and len(tm.task_ids()) == 2,
                    timeout=10000)
    qtbot.waitUntil(lambda: bool(got), timeout=10000)
    assert got[0][0].code == "600519" and source.calls == 0          # no snapshot was fetched
    assert sched.last_arrival is None
