"""Start-up reachability probe and source choice (fake connects; no real socket)."""
from __future__ import annotations

import threading

import pytest

from desktop_app.core.data.probe import PROBE_TARGETS, choose_source, probe_akshare

TARGETS = [("a.example", 443), ("b.example", 443)]


def _join_probe_threads() -> None:
    for t in threading.enumerate():
        if t.name.startswith("probe-"):
            t.join(5)
            assert not t.is_alive()


def test_unreachable_target_returns_within_the_bound():
    never = threading.Event()
    started: list[tuple[str, float]] = []

    def connect_that_hangs(address, timeout):
        started.append((address[0], timeout))
        never.wait(30)  # a black-holed SYN (or a stuck DNS lookup)
        raise OSError("timed out")

    answer: list[tuple[bool, str]] = []
    runner = threading.Thread(target=lambda: answer.append(
        probe_akshare(0.2, targets=TARGETS, connect=connect_that_hangs)))
    runner.start()
    runner.join(10)  # far above the 0.2 s bound: only an unbounded probe gets stuck here
    never.set()
    alive = runner.is_alive()
    runner.join()
    _join_probe_threads()
    assert not alive
    ok, note = answer[0]
    assert ok is False
    assert "0.2 s" in str(note) and "0.2 秒" in note.text("zh")
    assert sorted(h for h, _ in started) == ["a.example", "b.example"]
    assert all(t == 0.2 for _, t in started)   # each connect carries the deadline too


def test_first_reachable_host_wins_while_another_hangs():
    never = threading.Event()

    def connect(address, timeout):
        if address[0] == "a.example":
            never.wait(30)
            raise OSError("timed out")
        return None

    ok, note = probe_akshare(2.0, targets=TARGETS, connect=connect)
    never.set()
    _join_probe_threads()
    assert ok is True
    assert "b.example" in str(note)


def test_all_refused_says_why():
    def refuse(address, timeout):
        raise ConnectionRefusedError(111, "Connection refused")

    ok, note = probe_akshare(1.0, targets=TARGETS, connect=refuse)
    _join_probe_threads()
    assert ok is False
    assert "a.example" in str(note) and "b.example" in str(note) and "refused" in str(note)


def test_default_targets_are_the_data_hosts():
    hosts = {h for h, _ in PROBE_TARGETS}
    assert "push2his.eastmoney.com" in hosts and len(hosts) >= 2


def test_choose_source():
    from desktop_app.core.data.probe import source_details
    from desktop_app.core.reasons import R
    calls: list[int] = []

    def up():
        calls.append(1)
        return True, R("probe_online", host="x")

    def down():
        calls.append(1)
        return False, R("probe_no_answer", seconds=3.0, details="x: timed out")

    def broken():
        raise RuntimeError("resolver crashed")

    name, note = choose_source("auto", probe=up)
    assert name == "akshare" and "reachable" in source_details(note, "en")
    name, note = choose_source("auto", probe=down)
    # one short sentence for the status bar; the probe's findings are the details (a tooltip)
    assert name == "demo" and str(note) == "Offline: using the demo market" and note.text("zh") == "离线：正在使用演示行情"
    assert "3 s" in source_details(note, "en") and "3 秒" in source_details(note, "zh")
    name, note = choose_source("auto", probe=broken)
    assert name == "demo" and "resolver crashed" in source_details(note, "en")
    calls.clear()
    assert choose_source("demo", probe=up)[0] == "demo"
    assert choose_source("akshare", probe=down)[0] == "akshare"
    assert calls == []                  # an explicit choice does not probe
