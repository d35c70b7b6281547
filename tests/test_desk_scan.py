"""Issue 12 #5–6: every pasted code accounted for; new listings excluded, not failed; a cancelled
task's counts and phase are honest."""
from __future__ import annotations

import threading

import pytest

from conftest import copy_store
from desktop_app.core.data.demo import DemoSource
from desktop_app.core.data.store import BarStore
from desktop_app.core.scan import ScanRequest, run_scan
from desktop_app.ui import i18n
from desktop_app.ui.app_context import AppContext
from desktop_app.ui.main_window import MainWindow

N = 300


def test_new_listings_are_excluded_as_too_short_not_failed(demo_store_file, tmp_path):
    src = DemoSource(n_stocks=N)
    store = copy_store(demo_store_file(N), tmp_path)
    out = run_scan(ScanRequest(min_score=0, min_listed_days=0), src, store, fetch_missing=False)
    # an independent count: listed stocks whose stored history is shorter than the score needs
    from desktop_app.core.scoring import MIN_BARS
    short = {s for s in store.symbols() if len(store.read(s)) < MIN_BARS}
    assert short, "the demo market has recent listings"
    assert out.excluded.get("history_short") == len(short)
    assert not any(r.code in ("history_too_short", "not_listed_yet") for _s, r in out.failed)
    assert out.accounted == out.universe_size


@pytest.fixture
def window(qtbot, tmp_path, demo_store_file):
    store = copy_store(demo_store_file(N), tmp_path / "w")
    w = MainWindow(context=AppContext.for_demo(n_stocks=N, store=store), restore=False)
    qtbot.addWidget(w)
    w.ensure_built()          # the stock view is built after the first frame
    w.show()
    yield w
    w.close()
    w.shutdown()
    i18n.set_language("en")


def test_a_valid_code_outside_the_market_is_reported_as_rejected(window, qtbot):
    w = window
    listed = list(w.ctx.source.universe()["symbol"])
    unknown = next(c for c in ("688981", "600000", "000002", "300001", "601398") if c not in set(listed))
    w.scan_panel.set_universe(f"codes:{listed[0]},{unknown},{listed[1]}")
    w.scan_panel.min_score.setValue(0)
    tid = w.start_scan()
    qtbot.waitUntil(lambda: w.tm.get(tid).is_terminal, timeout=20000)
    info = w.tm.get(tid)
    assert info.status.value == "completed" and info.total == 2
    assert [t for t, _ in info.rejected] == [unknown]
    assert unknown in w.scan_panel.universe_error.text() and w.scan_panel.universe_error.isVisible()
    assert "not in the source's list" in w.tm.rejected_text(info)
    col = w.tm.COLUMNS.index("failed")
    assert unknown in w.tm.index(w.tm.row_of(tid), col).data(__import__("PySide6.QtCore").QtCore.Qt.ItemDataRole.ToolTipRole)
    # the rejection survives a restart (kept in the history)
    from desktop_app.workers.task_info import TaskInfo
    rec = w.tm.get(tid).to_record()
    assert [t for t, _ in TaskInfo.from_record(__import__("json").loads(__import__("json").dumps(
        rec, default=lambda o: o.to_json()))).rejected] == [unknown]


def test_a_cancelled_scan_clears_its_phase_and_counts_the_hits_it_kept(qtbot, tmp_path):
    from desktop_app.workers.results_model import ResultsModel
    from desktop_app.workers.task_manager import TaskManager

    gate = threading.Event()

    def job(progress, cancel, emit_hits):
        from desktop_app.core.jobs import Progress
        from desktop_app.core.reasons import R
        emit_hits([{"symbol": "600001", "score": 70.0}])
        progress(Progress(done=1, total=10, found=5, current=R("phase_reading")))
        gate.wait(5)
        cancel.raise_if_cancelled()

    tm = TaskManager()
    try:
        tid = tm.submit("scan", "s", job, results_model=ResultsModel())
        qtbot.waitUntil(lambda: tm.get(tid).found >= 1 and bool(str(tm.get(tid).current)), timeout=5000)
        assert tm.cancel(tid)
        info = tm.get(tid)
        assert info.current == "" and info.found == tm.results_model(tid).rowCount() == 1
    finally:
        gate.set()
        assert tm.shutdown(5000)


@pytest.mark.parametrize("n, seed", [(5000, 7), (9000, 3)])
def test_the_demo_market_never_shows_famous_codes_under_made_up_names(n, seed):
    from desktop_app.core.data.demo_market import FAMOUS_CODES
    codes = set(DemoSource(n_stocks=n, seed=seed).universe()["symbol"])
    assert {"600519", "601318", "000001", "000858", "300750"} <= FAMOUS_CODES
    assert codes & FAMOUS_CODES == set()


def test_a_first_scan_shows_progress_and_an_eta_while_it_fetches(qtbot, tmp_path):
    """Issue 12 #6: the bar and the ETA move from the first second, during the fetch too."""
    from desktop_app.workers.task_factory import submit_scan
    from desktop_app.workers.task_manager import TaskManager

    src = DemoSource(n_stocks=200, latency=0.01)          # slow hosts: the fetch takes seconds
    store = BarStore(tmp_path / "empty.sqlite")
    tm = TaskManager()
    try:
        tid = submit_scan(tm, ScanRequest(min_score=0), src, store)
        qtbot.waitUntil(lambda: "fetching" in str(tm.get(tid).current) and tm.get(tid).progress > 0.1,
                        timeout=20000)
        info = tm.get(tid)
        assert info.done < 0.1 * info.total                  # the counts have not moved yet …
        assert info.eta is not None and info.eta > 0        # … but the bar and the ETA have
        assert tm.cancel(tid)
        qtbot.waitUntil(lambda: tm.active_workers() == 0, timeout=10000)
    finally:
        assert tm.shutdown(5000)
        store.close()
