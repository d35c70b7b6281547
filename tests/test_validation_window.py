"""Issue 16, the window side: Validate next to Start runs a validation task in the one task table
(progress, cancel, history, re-run), its report shows the engine's numbers (zh/en), survives a
restart, and exports. Real window, 200-stock demo market, a 40-day period."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from desktop_app.core import validation_tables as vt
from desktop_app.core.scan import ScanRequest
from desktop_app.core.validation import Period, validate
from desktop_app.ui.validation_dialog import ValidationDialog

N = 200


@pytest.fixture
def window(demo_window):
    return lambda: demo_window(N)


@pytest.fixture
def forty_days(monkeypatch):
    """The options dialog answers: the last 40 trading days, top 5, hold 3."""
    asked = []

    def exec_(self):
        asked.append(self)
        self.last_radio.setChecked(True)
        self.days.setValue(40)
        self.top_n.setValue(5)
        self.hold.setValue(3)
        return QDialog.DialogCode.Accepted
    monkeypatch.setattr(ValidationDialog, "exec", exec_)
    return asked


def texts(table) -> list[list[str]]:
    return [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(table.rowCount())]


def _press_validate(w, qtbot) -> str:
    before = set(w.tm.task_ids())
    qtbot.mouseClick(w.validation.button, Qt.MouseButton.LeftButton)
    new = set(w.tm.task_ids()) - before
    assert len(new) == 1
    return new.pop()


def test_validate_runs_a_task_and_its_report_shows_the_engines_numbers(window, qtbot, forty_days, monkeypatch):
    import time

    from desktop_app.core import validation_compute as vc

    real = vc.chunk_signals                                # a validation of several steps, each long
    monkeypatch.setattr(vc, "CHUNK", 25)                   # enough for a throttled progress report
    monkeypatch.setattr(vc, "chunk_signals", lambda *a, **k: (time.sleep(0.06), real(*a, **k))[1])
    w = window()
    sp = w.scan_panel
    sp.min_score.setValue(55)
    assert w.validation.button.parent() is sp and w.validation.action in w.scan_menu.actions()
    seen: list[tuple[str, float]] = []
    w.tm.task_changed.connect(lambda t: seen.append((w.tm.get(t).status.value, w.tm.get(t).progress)))
    tid = _press_validate(w, qtbot)
    assert forty_days and w.tm.get(tid).kind == "validation"
    row = w.tm.row_of(tid)
    assert w.tm.index(row, w.tm.COLUMNS.index("kind")).data() == "Validation"
    qtbot.waitUntil(lambda: w.tm.get(tid).is_terminal, timeout=30000)
    info = w.tm.get(tid)
    assert info.status.value == "completed" and info.progress == 1.0
    assert any(st == "running" and p < 1.0 for st, p in seen)       # progress was live
    assert info.params["validation"] == {"period": {"days": 40, "start": None, "end": None}, "top_n": 5, "hold": 3,
                                         "costs": {"commission": 0.00025, "stamp_duty": 0.0005, "slippage": 0.0}}
    qtbot.waitUntil(lambda: w.validation.report is not None and w.validation.report.isVisible(), timeout=5000)
    rep = w.validation.report
    # the engine called directly on the same request and options gives the same table
    req = ScanRequest.from_dict(info.params["request"])
    assert req.min_score == 55
    d = validate(req, Period(days=40), w.ctx.source, w.ctx.store, top_n=5, hold=3).to_dict()
    assert d["signals"] > 0 and d["overall"]["5"]["count"] > 0 and info.found == d["signals"]
    assert texts(rep.horizons_table) == [[c.text for c in r] for r in vt.horizons_table(d, "en").rows]
    five = next(r for r in texts(rep.horizons_table) if r[0] == "+5")
    assert five[2] == f"{100 * d['overall']['5']['mean']:+.2f}%"
    # the histogram holds every +5 return once
    hist = [i for i in rep.charts["histogram"].getPlotItem().items if hasattr(i, "opts") and "height" in i.opts][0]
    assert sum(hist.opts["height"]) == d["overall"]["5"]["count"]
    assert texts(rep.entries_table)[1][1] == f"{d['entries']['bought']:,}"
    assert rep.bands_table.rowCount() == len(d["bands"]) and rep.portfolio_table.rowCount() >= 5
    assert "Survivorship" in rep.biases_label.text() or "survivorship" in rep.biases_label.text()
    # live language switch
    w.apply_language("zh_CN")
    assert rep.tabs.tabText(0) == "收益" and rep.horizons_table.horizontalHeaderItem(2).text() == "均值"
    assert "幸存者偏差" in rep.biases_label.text()
    w.apply_language("en")
    assert rep.tabs.tabText(0) == "Returns"
    # the options are remembered for the next dialog
    from desktop_app.ui.validation_dialog import remembered
    assert remembered()["period"]["days"] == 40 and remembered()["hold"] == 3


def test_the_window_validates_with_the_scan_panels_fundamental_group(window, qtbot, forty_days):
    """The panel's fundamental and 60日涨跌幅 bounds go into the validation's request, and the
    report counts the signals they removed on their day (the engine called directly agrees)."""
    w = window()
    sp = w.scan_panel
    sp.min_score.setValue(55)
    sp.fundamentals.set_expanded(True)
    sp.fundamentals.edits["pe_max"].setText("25")
    sp.fundamentals.edits["chg60_min"].setText("0")
    tid = _press_validate(w, qtbot)
    qtbot.waitUntil(lambda: w.validation.report is not None and w.validation.report.isVisible(), timeout=30000)
    info = w.tm.get(tid)
    assert info.status.value == "completed"
    req = ScanRequest.from_dict(info.params["request"])
    assert req.pe_max == 25.0 and req.chg60_min == 0.0
    d = validate(req, Period(days=40), w.ctx.source, w.ctx.store, top_n=5, hold=3).to_dict()
    plain = validate(ScanRequest(min_score=55), Period(days=40), w.ctx.source, w.ctx.store, top_n=5, hold=3)
    assert info.found == d["signals"] and d["signals"] + sum(d["excluded"].values()) == plain.signals
    assert d["excluded"] and vt.headline(d, "en")[-1] in w.validation.report.headline.text()


def test_cancel_a_validation(window, qtbot, forty_days):
    w = window()
    tid = _press_validate(w, qtbot)
    w.task_view.select_task(tid)
    w.cancel_action.trigger()
    assert w.tm.get(tid).status.value == "cancelled"
    qtbot.waitUntil(lambda: w.tm.running_count() == 0, timeout=30000)
    assert w.tm.get(tid).status.value == "cancelled" and w.validation.report is None
    assert not w.tm.has_results(tid)


def test_a_finished_validation_reopens_after_a_restart_and_reruns(window, qtbot, forty_days):
    w = window()
    tid = _press_validate(w, qtbot)
    qtbot.waitUntil(lambda: w.validation.report is not None and w.validation.report.isVisible(), timeout=30000)
    shown = texts(w.validation.report.horizons_table)
    w.close()
    w.shutdown()
    w2 = window()                                              # a new window on the same home
    w2.tm.load_history()                                       # as app.build does after the first frame
    qtbot.waitUntil(lambda: tid in w2.tm.task_ids(), timeout=10000)
    assert w2.tm.has_results(tid) and w2.validation.report is None
    w2.open_task_results(tid)                                  # the task table's "open results"
    rep = w2.validation.report
    assert rep.isVisible() and rep.task_id == tid and texts(rep.horizons_table) == shown
    new = w2.tm.rerun(tid)                                     # rebuilt from the stored params
    qtbot.waitUntil(lambda: w2.tm.get(new).is_terminal, timeout=30000)
    assert w2.tm.get(new).kind == "validation" and w2.tm.get(new).status.value == "completed"
    w2.open_task_results(new)
    assert texts(rep.horizons_table) == shown


def test_the_report_exports_csv_and_html(window, qtbot, forty_days, tmp_path):
    w = window()
    _press_validate(w, qtbot)
    qtbot.waitUntil(lambda: w.validation.report is not None and w.validation.report.isVisible(), timeout=30000)
    rep = w.validation.report
    for name in ("report.csv", "report.html"):
        eid = rep.export_to(tmp_path / name)
        qtbot.waitUntil(lambda: w.tm.get(eid).is_terminal, timeout=20000)
        assert w.tm.get(eid).status.value == "completed", w.tm.get(eid).error
    import csv
    with open(tmp_path / "report.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    header = [rep.horizons_table.horizontalHeaderItem(c).text() for c in range(rep.horizons_table.columnCount())]
    at = rows.index(header)
    assert rows[at + 1:at + 1 + rep.horizons_table.rowCount()] == texts(rep.horizons_table)   # the table as shown
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert page.count("data:image/png;base64,") == 4 and texts(rep.horizons_table)[2][2] in page


def test_a_refused_screen_says_why_and_starts_nothing(window, qtbot, forty_days):
    w = window()
    w.scan_panel.price_min.setText("abc")
    before = list(w.tm.task_ids())
    qtbot.mouseClick(w.validation.button, Qt.MouseButton.LeftButton)
    assert w.tm.task_ids() == before and not forty_days
    assert w.scan_panel.price_error.isVisible()


def test_ctrl_f5_is_the_validate_key_alone_and_help_lists_it(window):
    from PySide6.QtGui import QAction, QKeySequence

    from desktop_app.ui.desk_navigation import keymap

    w = window()
    same = [a.objectName() for a in w.findChildren(QAction) if a.shortcut() == QKeySequence("Ctrl+F5")]
    assert same == ["actionValidate"]
    assert any(k == "Ctrl+F5" for k, _ in keymap())
