"""The window's background runner (ui/app_context.BackgroundRunner): results come back on the GUI
thread; with a key, the newest request wins and a superseded result (or error) is dropped."""
from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QObject

from desktop_app.ui.app_context import BackgroundRunner


class Receiver(QObject):
    def __init__(self):
        super().__init__()
        self.got: list = []
        self.errors: list[BaseException] = []
        self.threads: list[str] = []

    def take(self, value):
        self.threads.append(threading.current_thread().name)
        self.got.append(value)

    def fail(self, exc):
        self.errors.append(exc)


@pytest.fixture
def runner():
    made: list[BackgroundRunner] = []

    def make(**kw) -> BackgroundRunner:
        r = BackgroundRunner(**kw)
        made.append(r)
        return r

    yield make
    for r in made:
        r.shutdown(wait=True)  # joins the pool threads


def test_result_arrives_on_the_gui_thread(qtbot, runner):
    r, rec = runner(), Receiver()
    with qtbot.waitSignal(r.idle, timeout=5000):
        r.run(lambda: 41 + 1, rec.take)
    assert rec.got == [42] and rec.threads == [threading.main_thread().name]


def test_newest_request_with_the_same_key_wins(qtbot, runner):
    r, rec = runner(max_workers=1), Receiver()
    gate, first_started, ran = threading.Event(), threading.Event(), []

    def first():
        ran.append(1)
        first_started.set()
        assert gate.wait(5)
        return "first"

    def job(name):
        def fn():
            ran.append(name)
            return name
        return fn

    dropped: list[int] = []
    r.superseded.connect(dropped.append)
    j1 = r.run(first, rec.take, key="stock")
    assert first_started.wait(5)                    # j1 is running
    j2 = r.run(job("second"), rec.take, key="stock")  # queued behind j1 (one worker)
    assert r.is_busy("stock")
    j3 = r.run(job("third"), rec.take, key="stock")   # supersedes j2 before it starts
    assert dropped == [j2]
    other = r.run(job("other"), rec.take, key="quotes")  # another key is not affected
    with qtbot.waitSignal(r.idle, timeout=5000):
        gate.set()
    assert rec.got == ["third", "other"]           # j1's late result was dropped
    assert set(dropped) == {j1, j2} and other not in dropped
    assert "second" not in ran                      # the queued superseded job never ran
    assert not r.is_busy("stock") and r.pending_count() == 0


def test_a_superseded_error_is_dropped_too(qtbot, runner):
    r, rec = runner(), Receiver()
    gate, started = threading.Event(), threading.Event()

    def boom():
        started.set()
        assert gate.wait(5)
        raise OSError("late failure")

    r.run(boom, rec.take, rec.fail, key="k")
    assert started.wait(5)
    r.run(lambda: "fresh", rec.take, rec.fail, key="k")
    with qtbot.waitSignal(r.superseded, timeout=5000):
        gate.set()
    qtbot.waitUntil(lambda: r.pending_count() == 0, timeout=5000)
    assert rec.got == ["fresh"] and rec.errors == []


def test_wait_returns_once_every_job_has_posted_its_result(qtbot, runner):
    r, rec = runner(), Receiver()
    gate = threading.Event()
    r.run(lambda: gate.wait(5) and "done", rec.take)
    assert not r.wait(0)       # still running
    gate.set()
    assert r.wait(5)
    qtbot.waitUntil(lambda: rec.got == ["done"], timeout=5000)  # delivered by the event loop


def test_an_error_for_a_deleted_receiver_is_dropped_not_raised(qtbot, runner, monkeypatch):
    import shiboken6

    hooked = []
    monkeypatch.setattr("sys.excepthook", lambda *a: hooked.append(a))
    r, gone = runner(), Receiver()
    gate = threading.Event()

    def boom():
        assert gate.wait(5)
        raise OSError("late")

    r.run(boom, gone.take, gone.fail)
    shiboken6.delete(gone)
    with qtbot.waitSignal(r.idle, timeout=5000):
        gate.set()
    assert hooked == []
    with qtbot.waitSignal(r.idle, timeout=5000):
        r.run(lambda: 1 / 0)          # no on_error at all: the error dialog hears of it
    assert len(hooked) == 1 and hooked[0][0] is ZeroDivisionError
