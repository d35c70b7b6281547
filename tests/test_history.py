"""HistoryStore and HistoryWriter: round trip, interrupted marking, pruning, threads."""
from __future__ import annotations

import threading

from desktop_app.core.history import HistoryStore, HistoryWriter, new_task_id


def rec(tid, status="completed", created=0.0, **kw):
    return {"id": tid, "kind": "scan", "title": f"t {tid}", "status": status, "created": created,
            "params": {"request": {"universe": "all", "min_score": 60}}, **kw}


def test_round_trip_and_default_path(isolated_home):
    h = HistoryStore()
    assert h.path == isolated_home / "data" / "history.sqlite"
    h.save_task(rec("a", failures=[("600000", "no data")], found=2, error=""))
    h.save_hits("a", [{"symbol": "600519", "score": 88.5, "strategies": ["macd_golden"]},
                      {"symbol": "000001", "score": float("nan"), "strategies": []}])
    h.close()
    h2 = HistoryStore()
    (t,) = h2.load_tasks()
    assert t["params"] == {"request": {"universe": "all", "min_score": 60}}
    assert t["failures"] == [("600000", "no data")] and t["found"] == 2
    hits = h2.load_hits("a")
    assert hits[0] == {"symbol": "600519", "score": 88.5, "strategies": ["macd_golden"]}
    assert hits[1]["score"] != hits[1]["score"]       # NaN survives
    assert h2.find_ids("a") == ["a"] and h2.hit_counts() == {"a": 2}
    assert h2.delete_task("a") and h2.load_tasks() == [] and h2.load_hits("a") == []


def test_unfinished_become_interrupted_except_live_ones(tmp_path):
    h = HistoryStore(tmp_path / "h.sqlite")
    for tid, st in [("p", "pending"), ("r", "running"), ("live", "running"), ("c", "completed")]:
        h.save_task(rec(tid, st))
    assert h.mark_unfinished_interrupted(exclude=["live"]) == 2
    got = {t["id"]: t["status"] for t in h.load_tasks()}
    assert got == {"p": "interrupted", "r": "interrupted", "live": "running", "c": "completed"}


def test_prune_keeps_newest_finished_and_never_unfinished(tmp_path):
    h = HistoryStore(tmp_path / "h.sqlite")
    for i in range(6):
        h.save_task(rec(f"f{i}", "completed", created=float(i)))
        h.save_hits(f"f{i}", [{"symbol": "600519"}])
    h.save_task(rec("old-running", "running", created=-5.0))
    h.save_task(rec("old-pending", "pending", created=-6.0))
    assert h.prune(2) == 4
    ids = {t["id"] for t in h.load_tasks()}
    assert ids == {"f4", "f5", "old-running", "old-pending"}
    assert h.hit_counts() == {"f4": 1, "f5": 1}


def test_writer_is_fifo_off_thread_and_joins(tmp_path):
    h = HistoryStore(tmp_path / "h.sqlite")
    w = HistoryWriter(h)
    threads = []
    w.submit(lambda: threads.append(threading.current_thread().name))
    for st in ("pending", "running", "completed"):
        w.submit(h.save_task, rec("x", st))
    w.submit(lambda: 1 / 0)                              # a failing write is logged, not fatal
    w.submit(h.save_hits, "x", [{"symbol": "600519"}])
    assert w.flush(5)
    assert threads == ["stockscan-history"]
    assert h.get_task("x")["status"] == "completed" and h.hit_counts() == {"x": 1}
    assert w.close(5) and not w._thread.is_alive()
    assert len({new_task_id() for _ in range(1000)}) == 1000
