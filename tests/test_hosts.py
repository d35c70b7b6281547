"""HostGate / HostPool / enforced_timeout: one call per host, intervals, breaker, timeouts."""
from __future__ import annotations

import threading

import pytest
import requests

from desktop_app.core.data.errors import ThrottledError
from desktop_app.core.data.hosts import (DEFAULT_MIN_INTERVAL, HostGate, HostPool, HostThrottled,
                                         HostTimedOut,
                                         _default_sleep, enforced_timeout, throttle_sign)
from desktop_app.core.jobs import CancelToken, Cancelled
from fake_http import FakeHttp, RequestWithoutTimeout


class FakeTime:
    """A clock whose sleep advances it (and records each sleep)."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float, cancel: CancelToken | None) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def test_one_call_in_flight_per_host_under_threads():
    gate = HostGate("eastmoney", min_interval=0.0)
    state = {"inside": 0, "max": 0, "done": 0}
    lock = threading.Lock()
    release = threading.Event()

    def work():
        with gate.slot():
            with lock:
                state["inside"] += 1
                state["max"] = max(state["max"], state["inside"])
            release.wait(0.02)
            with lock:
                state["inside"] -= 1
                state["done"] += 1

    threads = [threading.Thread(target=work) for _ in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert state["done"] == 5
    assert state["max"] == 1
    assert gate.calls == 5


def test_different_hosts_run_at_the_same_time():
    pool = HostPool(min_interval={"a": 0.0, "b": 0.0})
    both_inside = threading.Barrier(2, timeout=5)
    errors: list[BaseException] = []

    def work(name: str):
        try:
            with pool[name].slot():
                both_inside.wait()  # breaks (raises) if the other host's call cannot overlap
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def test_min_interval_on_a_fake_clock():
    ft = FakeTime()
    gate = HostGate("sina", min_interval=1.5, clock=ft.clock, sleep=ft.sleep)
    with gate.slot():
        pass
    assert ft.sleeps == []               # first call: no wait
    ft.now += 0.4                        # 0.4 s pass between calls
    start = ft.now
    with gate.slot():
        entered = ft.now
    assert entered - start == pytest.approx(1.1)   # waited the rest of the 1.5 s interval
    ft.now += 5.0
    before = len(ft.sleeps)
    with gate.slot():
        pass
    assert len(ft.sleeps) == before      # interval long past: no wait


def test_interval_counts_from_the_end_of_the_previous_call():
    ft = FakeTime()
    gate = HostGate("eastmoney", min_interval=2.0, clock=ft.clock, sleep=ft.sleep)
    with gate.slot():
        ft.now += 10.0                   # a long call
    end = ft.now
    with gate.slot():
        assert ft.now - end == pytest.approx(2.0)


def test_breaker_rests_the_host_and_others_continue():
    ft = FakeTime()
    pool = HostPool(min_interval={"eastmoney": 0.0, "tencent": 0.0}, rest_seconds=1800.0,
                    clock=ft.clock, sleep=ft.sleep)
    pool["eastmoney"].trip("RemoteDisconnected")
    assert pool["eastmoney"].is_resting()
    assert pool["eastmoney"].resting_until == pytest.approx(ft.now + 1800.0)
    with pytest.raises(ThrottledError, match="eastmoney is resting.*RemoteDisconnected"):
        with pool["eastmoney"].slot():
            pytest.fail("a resting host must not be called")
    with pool["tencent"].slot():         # another host is unaffected
        pass
    status = {s.name: s for s in pool.status()}
    assert status["eastmoney"].resting and not status["tencent"].resting
    ft.now += 1801.0
    assert not pool["eastmoney"].is_resting() and pool["eastmoney"].resting_until is None
    with pool["eastmoney"].slot():
        pass


def test_queued_callers_fail_fast_when_the_host_trips():
    gate = HostGate("eastmoney", min_interval=0.0)
    holding = threading.Event()
    release = threading.Event()
    outcome: list[str] = []

    def holder():
        with gate.slot():
            holding.set()
            release.wait(5)

    def waiter():
        try:
            with gate.slot():
                outcome.append("ran")
        except ThrottledError:
            outcome.append("throttled")

    h = threading.Thread(target=holder)
    h.start()
    assert holding.wait(5)
    w = threading.Thread(target=waiter)
    w.start()
    gate.trip("block page")
    w.join(5)
    release.set()
    h.join()
    assert not w.is_alive()
    assert outcome == ["throttled"]


def test_slot_is_released_after_an_error_and_reset_ends_a_rest():
    gate = HostGate("csindex", min_interval=0.0)
    with pytest.raises(ValueError):
        with gate.slot():
            raise ValueError("boom")
    with gate.slot():                    # not stuck busy
        pass
    gate.trip("x", seconds=60)
    gate.reset()
    with gate.slot():
        pass


def test_waiting_is_cancellable():
    ft = FakeTime()
    token = CancelToken()

    def sleep_and_cancel(seconds: float, cancel: CancelToken | None) -> None:
        assert cancel is token
        token.cancel()

    gate = HostGate("sina", min_interval=100.0, clock=ft.clock, sleep=sleep_and_cancel)
    with gate.slot(token):
        pass
    with pytest.raises(Cancelled):
        with gate.slot(token):
            pytest.fail("cancelled while waiting: must not run")
    token2 = CancelToken()
    token2.cancel()
    with pytest.raises(Cancelled):
        with HostGate("x", 0.0).slot(token2):
            pass
    # the default sleep waits on the token, so a cancel interrupts it at once
    done = CancelToken()
    done.cancel()
    _default_sleep(1000.0, done)


def test_pool_gives_one_gate_per_host_with_configured_intervals():
    pool = HostPool(min_interval={"eastmoney": 7.0}, rest_seconds=60.0)
    assert pool["eastmoney"] is pool.gate("eastmoney")
    assert pool["eastmoney"].min_interval == 7.0
    assert pool["sina"].min_interval == DEFAULT_MIN_INTERVAL["sina"]
    assert pool["elsewhere"].min_interval == 0.5
    assert pool["eastmoney"].rest_seconds == 60.0


def test_enforced_timeout_applies_only_inside_the_block_and_this_thread(monkeypatch):
    fake = FakeHttp().install(monkeypatch)
    fake.hang(r"hang\.example")
    fake.body(r"ok\.example", b"{}")
    with enforced_timeout(0.01) as scope:
        with pytest.raises(HostTimedOut):
            requests.get("https://hang.example/x")                 # akshare-style: no timeout
        requests.get("https://ok.example/y", timeout=100)        # a longer one is capped
        assert scope.requests == 2 and scope.last_status == 200

        seen: list[BaseException] = []

        def other_thread():
            try:
                requests.get("https://hang.example/z")
            except BaseException as exc:  # noqa: BLE001
                seen.append(exc)

        t = threading.Thread(target=other_thread)
        t.start()
        t.join()
        assert isinstance(seen[0], RequestWithoutTimeout)         # not this thread's scope
    assert [c[2] for c in fake.calls[:2]] == [0.01, 0.01]
    with pytest.raises(RequestWithoutTimeout):
        requests.get("https://hang.example/after")                # scope ended


def test_first_throttling_sign_stops_the_block(monkeypatch):
    fake = FakeHttp().install(monkeypatch)
    fake.html(r"blocked\.example")
    fake.body(r"ok\.example", b"{}")
    with enforced_timeout(1.0) as scope:
        with pytest.raises(HostThrottled, match="block page"):
            requests.get("https://blocked.example/a")
        with pytest.raises(HostThrottled, match="not sent"):
            requests.get("https://ok.example/b")      # nothing more goes out in this block
    assert scope.throttled and len(fake.calls) == 1
    with enforced_timeout(1.0):
        fake.disconnect(r"drop\.example")
        with pytest.raises(HostThrottled, match="RemoteDisconnected"):
            requests.get("https://drop.example/c")
    assert throttle_sign(429, "") == "HTTP 429"
    assert throttle_sign(200, '{"data": null}') is None
    assert throttle_sign(404, "<html>Not Found</html>") is None


def test_a_timeout_ends_the_call_instead_of_akshares_retry_loop(monkeypatch):
    """akshare's request_with_retry retries requests exceptions 3 times with 1-5 s sleeps; a
    timeout inside our scope must not be one of those, so one hang costs one timeout."""
    from akshare.utils.request import request_with_retry

    fake = FakeHttp().install(monkeypatch)
    fake.hang(r"hang\.example")
    with enforced_timeout(0.01):
        with pytest.raises(HostTimedOut):
            request_with_retry("https://hang.example/list", timeout=15)
    assert len([c for c in fake.calls if "hang.example" in str(c[1])]) == 1
    assert not issubclass(HostTimedOut, requests.RequestException)
