"""Issue 11, reliability 1–2: nothing lost across kills and processes.

A completed task always has exactly its ``found`` hits, however a process dies; a second process
started while another runs a task sees it running and then completed, never interrupted; a CLI scan
stopped by SIGTERM or SIGKILL does not stay "running" forever."""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from desktop_app import cli
from desktop_app.core.history import HistoryStore
from desktop_app.workers.task_info import TaskStatus
from desktop_app.workers.task_manager import TaskManager

ROOT = Path(__file__).resolve().parents[1]

WRITER = textwrap.dedent("""
    import random, sys, time
    from desktop_app.core.history import HistoryStore
    h = HistoryStore(sys.argv[1])
    rng = random.Random(int(sys.argv[2]))
    print("ready", flush=True)
    i = 0
    while True:
        i += 1
        tid = f"{sys.argv[2]}-{i}"
        rec = {"id": tid, "kind": "scan", "title": tid, "status": "running", "created": time.time()}
        h.save_task(rec)
        n = rng.randint(0, 400)
        hits = [{"symbol": f"{k:06d}", "score": float(k)} for k in range(n)]
        h.finish_task(dict(rec, status="completed", found=n, finished=time.time()), hits)
""")


def _env(home: Path) -> dict:
    return dict(os.environ, STOCKSCAN_HOME=str(home), PYTHONPATH=str(ROOT), TQDM_DISABLE="1")


def _check_completed_have_their_hits(path: Path) -> int:
    h = HistoryStore(path)
    try:
        counts = h.hit_counts()
        done = [t for t in h.load_tasks() if t["status"] == "completed"]
        bad = [(t["id"], t["found"], counts.get(t["id"])) for t in done if counts.get(t["id"]) != t["found"]]
        assert bad == []
        return len(done)
    finally:
        h.close()


def test_completed_tasks_keep_exactly_their_hits_across_25_kills(tmp_path):
    path = tmp_path / "history.sqlite"
    HistoryStore(path).close()
    rng = random.Random(5)
    completed = 0
    for k in range(25):
        p = subprocess.Popen([sys.executable, "-c", WRITER, str(path), str(k)], cwd=str(ROOT),
                             env=_env(tmp_path), stdout=subprocess.PIPE, text=True)
        assert p.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.0, 0.12))      # land the kill anywhere in the write loop
        p.send_signal(signal.SIGKILL)
        p.wait(10)
        completed = _check_completed_have_their_hits(path)
    assert completed > 25                        # the writers did complete tasks between kills


OTHER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from desktop_app.core.history import HistoryStore
    h = HistoryStore(sys.argv[1])
    go = Path(sys.argv[2])
    rec = {"id": "other-task", "kind": "scan", "title": "CLI scan", "status": "running",
           "created": time.time(), "started": time.time(), "total": 100, "params": {"via": "cli"}}
    h.save_task(rec)
    print("running", flush=True)
    done = 0
    while not go.exists():
        done = min(99, done + 7)
        h.heartbeat({"other-task": {"done": done, "total": 100, "found": 3, "failed": 0, "current": ""}})
        time.sleep(0.05)
    hits = [{"symbol": "600519", "score": 90.0}, {"symbol": "000001", "score": 70.0}, {"symbol": "300750", "score": 65.0}]
    h.finish_task(dict(rec, status="completed", done=100, found=3, finished=time.time()), hits)
    print("finished", flush=True)
""")


def test_a_second_process_sees_another_process_task_run_and_complete(qtbot, tmp_path, monkeypatch):
    import desktop_app.workers.task_manager as tm_mod

    monkeypatch.setattr(tm_mod, "POLL_MS", 100)
    path = tmp_path / "history.sqlite"
    go = tmp_path / "go"
    p = subprocess.Popen([sys.executable, "-c", OTHER, str(path), str(go)], cwd=str(ROOT),
                         env=_env(tmp_path), stdout=subprocess.PIPE, text=True)
    try:
        assert p.stdout.readline().strip() == "running"
        tm = TaskManager(history=HistoryStore(path))
        try:
            with qtbot.waitSignal(tm.history_loaded, timeout=5000):
                tm.load_history()
            assert tm.get("other-task").status == TaskStatus.RUNNING        # not interrupted
            assert not tm.cancel("other-task") and not tm.remove("other-task")
            qtbot.waitUntil(lambda: tm.get("other-task").done > 0, timeout=5000)  # its progress shows
            go.touch()
            with qtbot.waitSignal(tm.task_finished, timeout=10000) as sig:
                pass
            assert sig.args == ["other-task", "completed"]
            info = tm.get("other-task")
            assert info.status == TaskStatus.COMPLETED and info.found == 3
            assert [r["symbol"] for r in tm.results_model("other-task").rows()] == ["600519", "000001", "300750"]
        finally:
            assert tm.shutdown(5000)
        assert HistoryStore(path).get_task("other-task")["status"] == "completed"
    finally:
        p.wait(10)


def _cli_scan(home: Path) -> subprocess.Popen:
    # an empty store and a slow demo market (5 ms a request): the scan first backfills for seconds
    return subprocess.Popen([sys.executable, "-m", "desktop_app.cli", "scan", "--demo-stocks", "1500",
                             "--demo-latency", "0.005", "--min-score", "0", "--quiet", "--json"], cwd=str(ROOT), env=_env(home),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def _wait_running(path: Path, p: subprocess.Popen) -> str:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert p.poll() is None, p.stderr.read()
        if path.exists():
            h = HistoryStore(path)
            try:
                running = [t["id"] for t in h.load_tasks() if t["status"] == "running"]
            finally:
                h.close()
            if running:
                return running[0]
        time.sleep(0.05)
    raise AssertionError("the CLI scan never showed up as running")


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP, signal.SIGKILL])
def test_a_stopped_cli_scan_does_not_stay_running(tmp_path, capsys, monkeypatch, sig):
    monkeypatch.setenv("STOCKSCAN_HOME", str(tmp_path))
    path = tmp_path / "data" / "history.sqlite"
    p = _cli_scan(tmp_path)
    try:
        tid = _wait_running(path, p)
        p.send_signal(sig)
        p.wait(30)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    if sig != signal.SIGKILL:
        assert p.returncode == 130                           # it stopped cooperatively and said so
        assert HistoryStore(path).get_task(tid)["status"] == "interrupted"
    # whatever the signal, `history` shows it interrupted, never running
    assert cli.main(["history", "--lang", "en", "--json"]) == 0
    import json
    listed = {t["id"]: t["status"] for t in json.loads(capsys.readouterr().out)}
    assert listed[tid] == "interrupted"
