"""TaskManager: ids answer at once and forever, states and their rules, bounded concurrency,
cancel, failures, history across a restart, shutdown. Jobs here are small fakes; the real scan
runs in test_scan.py / the qtmodeltester test below."""
from __future__ import annotations

import threading
import time

import pytest

from desktop_app.core.history import HistoryStore
from desktop_app.core.jobs import Progress
from desktop_app.workers.results_model import ResultsModel
from desktop_app.workers.task_info import TERMINAL, TaskStatus
from desktop_app.workers.task_manager import IdRole, ProgressRole, StatusRole, TaskManager, TaskRole


@pytest.fixture
def make_tm(qtbot, isolated_home):
    made: list[TaskManager] = []

    def make(history: bool | HistoryStore = False, max_running: int = 2, retention: int = 200) -> TaskManager:
        store = history if isinstance(history, HistoryStore) else (
            HistoryStore(isolated_home / "history.sqlite") if history else None)
        tm = TaskManager(history=store, max_running=max_running, retention=retention)
        made.append(tm)
        return tm

    yield make
    for tm in made:
        assert tm.shutdown(5000)


def quick(value=42):
    def job(progress, cancel, emit_hits):
        progress(Progress(done=1, total=1))
        return value
    return job


def blocking(gate: threading.Event, started: threading.Event | None = None):
    """Runs until the gate opens or the task is cancelled (checks the token every 5 ms)."""
    def job(progress, cancel, emit_hits):
        if started is not None:
            started.set()
        i = 0
        while not gate.is_set():
            cancel.raise_if_cancelled()
            i += 1
            progress(Progress(done=i % 100, total=100, current=f"item {i}"))
            time.sleep(0.005)
        return "done"
    return job


def test_submit_then_get_answers_at_once_for_1000_tasks_in_bursts(make_tm, qtbot):
    tm = make_tm(max_running=2, retention=0)      # unbounded table: every row stays
    ids = []
    for burst in range(10):
        for _ in range(100):
            tid = tm.submit("export", f"t{len(ids)}", quick(len(ids)))
            info = tm.get(tid)               # at once, before any event loop turn
            assert info.id == tid and info.status in (TaskStatus.PENDING, TaskStatus.RUNNING)
            ids.append(tid)
        qtbot.wait(1)                        # let some finish between bursts
        for tid in ids:                      # every earlier id still answers
            tm.get(tid)
    assert len(set(ids)) == 1000 and tm.rowCount() == 1000
    assert tm.running_count() <= 2
    qtbot.waitUntil(lambda: all(tm.get(t).status == TaskStatus.COMPLETED for t in ids), timeout=20000)
    assert [tm.get(t).result for t in ids] == list(range(1000))
    assert tm.task_ids() == ids and tm.row_of(ids[500]) == 500


def test_bounded_concurrency_and_fifo(make_tm, qtbot):
    tm = make_tm(max_running=2)
    gates = [threading.Event() for _ in range(4)]
    ids = [tm.submit("scan", f"s{i}", blocking(g)) for i, g in enumerate(gates)]
    st = [tm.get(t).status for t in ids]
    assert st == [TaskStatus.RUNNING, TaskStatus.RUNNING, TaskStatus.PENDING, TaskStatus.PENDING]
    gates[1].set()
    qtbot.waitUntil(lambda: tm.get(ids[2]).status == TaskStatus.RUNNING, timeout=5000)
    assert tm.get(ids[3]).status == TaskStatus.PENDING   # FIFO: 2 before 3
    assert tm.running_count() == 2
    for g in gates:
        g.set()
    qtbot.waitUntil(lambda: all(tm.get(t).status == TaskStatus.COMPLETED for t in ids), timeout=5000)


def test_cancel_running_is_final_even_when_the_worker_returns_later(make_tm, qtbot):
    tm = make_tm()
    release = threading.Event()
    started = threading.Event()

    def stubborn(progress, cancel, emit_hits):      # ignores the token until released
        started.set()
        release.wait(5)
        progress(Progress(done=10, total=10))
        emit_hits([{"symbol": "600519"}])
        return "late result"

    model = ResultsModel()
    tid = tm.submit("scan", "stubborn", stubborn, results_model=model)
    assert started.wait(5)
    with qtbot.waitSignal(tm.task_finished, timeout=1000) as sig:
        assert tm.cancel(tid)
    assert sig.args == [tid, "cancelled"]
    assert tm.get(tid).status == TaskStatus.CANCELLED
    release.set()
    qtbot.waitUntil(lambda: tm.active_workers() == 0, timeout=5000)   # the worker has returned
    qtbot.wait(100)
    info = tm.get(tid)
    assert info.status == TaskStatus.CANCELLED and info.result is None and model.rowCount() == 0
    assert not tm.cancel(tid)


def test_cancel_pending_and_remove(make_tm, qtbot):
    tm = make_tm(max_running=1)
    gate = threading.Event()
    a = tm.submit("scan", "a", blocking(gate))
    b = tm.submit("scan", "b", quick())
    assert tm.cancel(b) and tm.get(b).status == TaskStatus.CANCELLED
    assert tm.remove(a)                                  # cancels first
    with pytest.raises(KeyError):
        tm.get(a)
    assert tm.rowCount() == 1 and tm.task_ids() == [b] and tm.row_of(b) == 0
    gate.set()
    qtbot.waitUntil(lambda: tm.active_workers() == 0, timeout=5000)
    assert tm.get(b).status == TaskStatus.CANCELLED      # never started afterwards


def test_raising_job_fails_with_its_message_and_a_log_entry(make_tm, qtbot, caplog):
    tm = make_tm()

    def boom(progress, cancel, emit_hits):
        raise ValueError("the source exploded")

    with qtbot.waitSignal(tm.task_finished, timeout=5000) as sig:
        tid = tm.submit("analysis", "boom", boom)
    assert sig.args == [tid, "failed"]
    info = tm.get(tid)
    assert info.status == TaskStatus.FAILED and "the source exploded" in str(info.error)
    assert any("failed" in r.message and r.exc_info for r in caplog.records)
    # the pool thread is alive and reusable
    with qtbot.waitSignal(tm.task_finished, timeout=5000):
        t2 = tm.submit("analysis", "ok", quick("fine"))
    assert tm.get(t2).result == "fine"


def test_progress_is_throttled_and_failures_are_not_lost(make_tm, qtbot):
    tm = make_tm()
    changes = []
    tm.task_changed.connect(changes.append)

    def chatty(progress, cancel, emit_hits):
        for i in range(1, 5001):
            fails = [(f"{i:06d}", "no data")] if i % 1000 == 0 else []
            progress(Progress(done=i, total=5000, failed=len(fails) and i // 1000, failures=fails))
        emit_hits([{"symbol": f"{i:06d}", "score": float(i)} for i in range(300)])
        return None

    m = ResultsModel()
    with qtbot.waitSignal(tm.task_finished, timeout=5000):
        tid = tm.submit("scan", "chatty", chatty, results_model=m)
    qtbot.wait(120)
    info = tm.get(tid)
    assert info.done == 5000 and info.progress == 1.0
    assert [f[0] for f in info.failures] == ["001000", "002000", "003000", "004000", "005000"]
    assert m.rowCount() == 300 and info.found == 300
    assert len(changes) < 50       # coalesced, not one per progress call


def test_roles_and_display(make_tm, qtbot):
    tm = make_tm()
    gate = threading.Event()
    tid = tm.submit("scan", "沪深300 · 得分≥60", blocking(gate))
    qtbot.waitUntil(lambda: tm.get(tid).done > 0, timeout=5000)
    ix = tm.index(0, 3)
    assert tm.data(ix, IdRole) == tid
    assert tm.data(ix, StatusRole) == "running"
    assert 0.0 <= tm.data(ix, ProgressRole) <= 1.0
    assert tm.data(ix, TaskRole).id == tid
    assert tm.data(tm.index(0, 0)) == "沪深300 · 得分≥60"
    assert [tm.headerData(c, __import__("PySide6.QtCore").QtCore.Qt.Orientation.Horizontal)
            for c in range(tm.columnCount())][0] == "Task"
    info = tm.get(tid)
    assert info.elapsed is not None and info.elapsed >= 0
    gate.set()
    qtbot.waitUntil(lambda: tm.get(tid).status == TaskStatus.COMPLETED, timeout=5000)
    assert tm.get(tid).eta is None


def test_history_survives_a_restart_and_a_crash_comes_back_interrupted(make_tm, qtbot, isolated_home):
    path = isolated_home / "history.sqlite"
    tm1 = make_tm(history=HistoryStore(path))
    model = ResultsModel()

    def scan_job(progress, cancel, emit_hits):
        emit_hits([{"symbol": "600519", "name": "贵州茅台", "score": 88.0}])
        emit_hits([{"symbol": "000001", "name": "平安银行", "score": 61.5}])
        return "ok"

    with qtbot.waitSignal(tm1.task_finished, timeout=5000):
        done_id = tm1.submit("scan", "全市场 · 得分≥60", scan_job, params={"universe": "all"}, results_model=model)
    gate, started = threading.Event(), threading.Event()
    crash_id = tm1.submit("scan", "will crash", blocking(gate, started), results_model=ResultsModel())
    assert started.wait(5)
    qtbot.waitUntil(lambda: tm1.get(crash_id).status == TaskStatus.RUNNING)
    assert tm1._writer.flush(5)
    # "crash": the first manager never shuts down before the second one starts on the same file
    assert HistoryStore(path).get_task(crash_id)["status"] == "running"
    tm2 = make_tm(history=HistoryStore(path))
    with qtbot.waitSignal(tm2.history_loaded, timeout=5000) as sig:
        tm2.load_history()
    assert sig.args == [2]
    back = tm2.get(done_id)
    assert back.status == TaskStatus.COMPLETED and back.params == {"universe": "all"}
    assert back.title == "全市场 · 得分≥60"
    # lazy history: the hits are read when the results are first asked for, off the GUI thread
    with qtbot.waitSignal(tm2.results_ready, timeout=5000):
        assert tm2.results_model(done_id) is None
    assert [r["symbol"] for r in tm2.results_model(done_id).rows()] == ["600519", "000001"]
    assert tm2.get(crash_id).status == TaskStatus.INTERRUPTED
    with pytest.raises(ValueError):
        tm2.rerun(crash_id)          # no factory registered for history tasks
    tm2.set_job_factory("scan", lambda params: quick("again"))
    with qtbot.waitSignal(tm2.task_finished, timeout=5000):
        new_id = tm2.rerun(crash_id)
    assert tm2.get(new_id).result == "again" and tm2.get(new_id).title == "will crash"
    gate.set()


def test_shutdown_with_running_tasks_records_them_interrupted(make_tm, qtbot, isolated_home):
    from desktop_app.core.jobs import Cancelled

    path = isolated_home / "history.sqlite"
    tm = TaskManager(history=HistoryStore(path), max_running=2)
    gates = [threading.Event() for _ in range(3)]
    started = {i: threading.Event() for i in range(3)}
    stopped = {i: threading.Event() for i in range(3)}   # set when a job ends through its token

    def honouring(i):
        inner = blocking(gates[i], started[i])

        def job(progress, cancel, emit_hits):
            try:
                return inner(progress, cancel, emit_hits)
            except Cancelled:
                stopped[i].set()
                raise
        return job

    ids = [tm.submit("scan", f"s{i}", honouring(i)) for i in range(3)]
    qtbot.waitUntil(lambda: tm.running_count() == 2)
    assert started[0].wait(5) and started[1].wait(5)   # both jobs are inside their loop
    assert tm.shutdown(10000)                    # every thread has ended …
    assert stopped[0].is_set() and stopped[1].is_set()   # … because the jobs honoured the token
    assert not any(g.is_set() for g in gates) and not stopped[2].is_set()  # the pending one never ran
    assert all(tm.get(t).status == TaskStatus.INTERRUPTED for t in ids)
    stored = {r["id"]: r["status"] for r in HistoryStore(path).load_tasks()}
    assert stored == {t: "interrupted" for t in ids}
    with pytest.raises(RuntimeError):
        tm.submit("scan", "late", quick())


def test_three_concurrent_jobs_each_queryable_throughout(make_tm, qtbot):
    tm = make_tm(max_running=3)
    gates = [threading.Event() for _ in range(3)]
    ids = [tm.submit("scan", f"s{i}", blocking(g)) for i, g in enumerate(gates)]
    seen = {t: set() for t in ids}
    for g in gates:
        qtbot.wait(30)
        for t in ids:
            seen[t].add(tm.get(t).status)
        g.set()
    qtbot.waitUntil(lambda: all(tm.get(t).status in TERMINAL for t in ids), timeout=5000)
    assert all(TaskStatus.RUNNING in s for s in seen.values())
    assert all(tm.get(t).status == TaskStatus.COMPLETED for t in ids)


def test_model_passes_qt_model_tester_while_tasks_change(make_tm, qtbot, qtmodeltester, qtlog):
    tm = make_tm(max_running=2)
    qtmodeltester.check(tm)
    gate = threading.Event()
    ids = [tm.submit("scan", f"s{i}", blocking(gate)) for i in range(4)]
    qtbot.wait(100)
    tm.cancel(ids[3])
    tm.remove(ids[2])
    gate.set()
    qtbot.waitUntil(lambda: all(tm.get(t).status in TERMINAL for t in tm.task_ids()), timeout=5000)
    qtbot.wait(100)                       # let the coalesced dataChanged flush under the tester
    qtmodeltester.check(tm)
    assert not [r.message for r in qtlog.records if "FAIL" in r.message]


def test_bare_qt_submit_is_answered_not_crashing(qtbot):
    """Views call QAbstractItemModel.submit() with no arguments when their current row changes;
    the task manager's own submit(kind, title, job) must answer that call, not crash."""
    from PySide6.QtWidgets import QTableView

    tm = TaskManager()
    try:
        assert tm.submit() is True
        tid = tm.submit("scan", "t", lambda progress, cancel, emit: 1)
        view = QTableView()
        qtbot.addWidget(view)
        view.setModel(tm)
        view.setCurrentIndex(tm.index(0, 0))
        view.setCurrentIndex(tm.index(0, 1))
        qtbot.waitUntil(lambda: tm.get(tid).status.value == "completed", timeout=3000)
    finally:
        tm.shutdown()


def test_worker_pauses_after_publishing_so_the_gui_can_repaint(qtbot):
    """After emitting a hits batch the worker sleeps briefly with the GIL released (on its cancel
    token, so a cancel still ends the pause at once)."""
    from desktop_app.core.jobs import CancelToken
    from desktop_app.workers import job_runner as jr

    waits: list[float] = []

    class SpyToken(CancelToken):
        def wait(self, seconds: float) -> bool:
            waits.append(seconds)
            return super().wait(seconds)

    def job(progress, cancel, emit_hits):
        emit_hits([{"symbol": "600000"}])          # first batch goes out at once
        progress(Progress(done=1, total=2))
        return "ok"

    signals = jr.JobSignals()
    got = []
    signals.hits.connect(lambda tid, rows: got.append(rows))  # run() below is on this thread: direct
    runner = jr.JobRunner("t1", job, SpyToken(), signals)
    runner.run()
    assert got and jr.YIELD_AFTER_HITS in waits


def test_the_table_keeps_retention_rows_and_get_still_answers(make_tm, qtbot):
    tm = make_tm(max_running=2, retention=5)
    ids = [tm.submit("export", f"t{i}", quick(i)) for i in range(12)]
    qtbot.waitUntil(lambda: tm.rowCount() == 5 and all(tm.get(t).is_terminal for t in ids), timeout=10000)
    assert tm.task_ids() == ids[-5:]                          # the newest finished tasks stay
    assert [tm.get(t).status for t in ids] == [TaskStatus.COMPLETED] * 12   # older ones still answer
    assert tm.remove(ids[0])
    with pytest.raises(KeyError):
        tm.get(ids[0])


def test_finished_scans_results_leave_memory_and_come_back_from_history(make_tm, qtbot):
    import desktop_app.workers.task_history as tm_mod

    tm = make_tm(history=True, retention=0)
    ids = []
    for i in range(tm_mod.RESULTS_IN_MEMORY + 3):
        rows = [{"symbol": f"{600000 + i:06d}", "score": float(i)}]
        with qtbot.waitSignal(tm.task_finished, timeout=5000):
            ids.append(tm.submit("scan", f"s{i}", lambda p, c, e, rows=rows: e(rows),
                                 results_model=ResultsModel()))
    in_memory = [t for t in ids if tm._entries[t].model is not None]
    assert len(in_memory) == tm_mod.RESULTS_IN_MEMORY and in_memory == ids[-tm_mod.RESULTS_IN_MEMORY:]
    assert tm.has_results(ids[0])
    with qtbot.waitSignal(tm.results_ready, timeout=5000) as sig:
        assert tm.results_model(ids[0]) is None               # read back off the GUI thread
    assert sig.args == [ids[0]]
    assert [r["symbol"] for r in tm.results_model(ids[0]).rows()] == ["600000"]


def test_start_up_reads_task_rows_only_not_their_hits(make_tm, qtbot, isolated_home, monkeypatch):
    """Issue 13 #4: idle memory does not grow with stored scans; hits load when first shown."""
    path = isolated_home / "history.sqlite"
    h = HistoryStore(path)
    for i in range(30):
        h.finish_task({"id": f"t{i}", "kind": "scan", "title": f"s{i}", "status": "completed", "found": 2,
                       "created": float(i)}, [{"symbol": "600001", "score": 1.0}, {"symbol": "000004", "score": 2.0}])
    h.close()
    reads = []
    real = HistoryStore.load_hits
    monkeypatch.setattr(HistoryStore, "load_hits", lambda self, tid: reads.append(tid) or real(self, tid))
    tm = make_tm(history=HistoryStore(path), retention=0)
    with qtbot.waitSignal(tm.history_loaded, timeout=5000):
        tm.load_history()
    assert tm.rowCount() == 30 and reads == []
    assert all(tm._entries[t].model is None for t in tm.task_ids())
    with qtbot.waitSignal(tm.results_ready, timeout=5000):
        tm.results_model("t7")
    assert reads == ["t7"] and tm.results_model("t7").rowCount() == 2
