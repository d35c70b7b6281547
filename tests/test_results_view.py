"""The results view over a ResultsModel: in-model sort (never the proxy), filter-as-you-type,
row count, live growth keeping the selection and the scroll position, context actions, and
export to CSV (UTF-8 BOM) / XLSX through an export task, read back and compared with the model."""
from __future__ import annotations

import random

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from desktop_app.core.hits import COLUMNS, HIT_COLUMNS
from desktop_app.core.hits import DIGITS, NUMERIC_HIT_COLUMNS, display, export_job, missing, source_key
from desktop_app.core.table_file import read_table
from desktop_app.ui.results_view import ResultsView
from desktop_app.workers.results_model import ResultsModel
from desktop_app.workers.task_manager import TaskManager

INDUSTRIES = ["银行", "白酒", "半导体", "医药"]


def hit(i: int, rng: random.Random) -> dict:
    row = {c: None for c in HIT_COLUMNS}
    row.update(symbol=f"{600000 + i:06d}", name=f"股票{i}", industry=INDUSTRIES[i % 4], board="sh_main",
               score=round(rng.uniform(30, 95), 2), last=round(rng.uniform(3, 90), 2),
               chg_pct=round(rng.uniform(-9, 9), 2), amount=rng.uniform(1e6, 1e9), strategies=["macd_cross"],
               label_zh="偏强", label_en="strong")
    return row


@pytest.fixture
def view(qtbot):
    v = ResultsView()
    qtbot.addWidget(v)
    v.resize(900, 300)
    v.show()
    rng = random.Random(3)
    m = ResultsModel(lang="en")
    m.append_rows([hit(i, rng) for i in range(120)])
    v.set_model("t1", m)
    v.rng = rng
    return v


def col(key: str) -> int:
    return COLUMNS.index(key)


def test_header_click_sorts_in_the_model_not_the_proxy(view, qtbot):
    hh = view.table.horizontalHeader()
    x = hh.sectionViewportPosition(col("score")) + 5
    qtbot.mouseClick(hh.viewport(), Qt.MouseButton.LeftButton, pos=hh.rect().topLeft() + type(hh.rect().topLeft())(x, 5))
    scores = [r["score"] for r in view.source_model.rows()]
    assert scores in (sorted(scores), sorted(scores, reverse=True))
    assert view.proxy.sortColumn() == -1  # the proxy never sorts
    view.sort_by("score", Qt.SortOrder.DescendingOrder)
    scores = [r["score"] for r in view.source_model.rows()]
    assert scores == sorted(scores, reverse=True)
    shown = [view.proxy.index(r, col("symbol")).data() for r in range(view.proxy.rowCount())]
    assert shown == view.source_model.symbols()


def test_filter_as_you_type_on_code_name_industry(view):
    assert view.count_label.text() == "120 hits"
    view.filter_edit.setText("白酒")
    assert view.proxy.rowCount() == 30
    assert view.count_label.text() == "30 of 120 hits"
    view.filter_edit.setText("60011")
    codes = {view.proxy.index(r, 0).data() for r in range(view.proxy.rowCount())}
    assert codes == {f"6001{i:02d}" for i in range(10, 20)}
    view.filter_edit.setText("股票7")
    names = {view.proxy.index(r, col("name")).data() for r in range(view.proxy.rowCount())}
    assert names == {f"股票{i}" for i in range(120) if f"股票{i}".startswith("股票7")}
    view.filter_edit.setText("")
    assert view.proxy.rowCount() == 120


def test_live_growth_keeps_selection_and_scroll(view, qtbot):
    view.sort_by("score", Qt.SortOrder.DescendingOrder)
    t = view.table
    t.selectRow(50)
    sym = view.selected_symbols()[0]
    t.verticalScrollBar().setValue(20)
    before = t.verticalScrollBar().value()
    view.source_model.append_rows([hit(i, view.rng) for i in range(120, 220)])
    qtbot.wait(20)
    assert view.count_label.text() == "220 hits"
    assert view.selected_symbols() == [sym]  # the same stock stays selected after the re-sort
    assert t.verticalScrollBar().value() == before
    scores = [r["score"] for r in view.source_model.rows()]
    assert scores == sorted(scores, reverse=True)  # new rows merged into the sort


def test_context_actions(view, qtbot):
    view.table.selectRow(0)
    view.table.selectionModel().select(view.proxy.index(2, 0),
                                       view.table.selectionModel().SelectionFlag.Select
                                       | view.table.selectionModel().SelectionFlag.Rows)
    expected = [view.proxy.index(r, 0).data() for r in (0, 2)]
    with qtbot.waitSignal(view.add_to_watchlist_requested, timeout=1000) as blocker:
        view.add_action.trigger()
    assert blocker.args == [expected]
    view.copy_action.trigger()
    assert QGuiApplication.clipboard().text().split() == expected
    view.table.setCurrentIndex(view.proxy.index(3, 1))
    with qtbot.waitSignal(view.open_symbol_requested, timeout=1000) as blocker:
        view.open_action.trigger()
    assert blocker.args == [view.proxy.index(3, 0).data()]


def test_badges_and_colours_paint(view):
    assert view.delegate.score_column == col("score")
    assert view.delegate.change_column == col("chg_pct")
    img = view.table.grab().toImage()
    assert not img.isNull()


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_export_through_a_task_reads_back_equal_to_the_model(view, qtbot, tmp_path, suffix):
    view.sort_by("score", Qt.SortOrder.DescendingOrder)
    view.filter_edit.setText("银行")
    rows = view.export_snapshot()
    assert len(rows) == 30 and rows.columns == COLUMNS   # the default layout: every column, in order
    path = tmp_path / f"hits.{suffix}"
    tm = TaskManager()
    try:
        tid = tm.submit("export", "export", export_job(path, rows, view.source_model.language))
        qtbot.waitUntil(lambda: tm.get(tid).is_terminal, timeout=10000)
        assert tm.get(tid).status.value == "completed", tm.get(tid).error
    finally:
        assert tm.shutdown(5000)
    if suffix == "csv":
        assert path.read_bytes()[:3] == b"\xef\xbb\xbf"  # UTF-8 BOM: Excel reads the Chinese right
    got_headers, got_rows = read_table(path)
    assert got_headers == [view.source_model.headerData(c, Qt.Orientation.Horizontal)
                           for c in range(len(COLUMNS))]
    model_rows = [view.source_model.row_dict(view.proxy.mapToSource(view.proxy.index(r, 0)).row())
                  for r in range(view.proxy.rowCount())]
    assert len(got_rows) == len(model_rows)
    lang = view.source_model.language
    for got, want in zip(got_rows, model_rows):
        for c, v in zip(COLUMNS, got):
            raw = want[source_key(c, lang)]
            if suffix == "xlsx" and c in ("chg_pct", "turnover") and v is not None:
                v = v * 100                       # an Excel percentage: the fraction, shown "+1.23%"
            if c in NUMERIC_HIT_COLUMNS and raw is not None and raw == raw:  # a number: as shown, rounded
                assert float(v) == pytest.approx(float(raw), abs=10 ** -DIGITS[c] / 2 + 1e-9), (c, v, raw)
                # the exported number, read back, shows exactly what the table shows
                assert display(c, float(v), lang) == display(c, raw, lang)
            elif c in ("board", "ma_trend", "macd_state", "strategies"):    # ids exported as their names
                assert (v or "") == ("" if missing(raw) and c != "strategies" else display(c, raw, lang))
            else:
                assert (v if v is not None else "") == ("" if raw is None else str(raw))


def test_switching_results_frees_the_previous_models(qtbot):
    """PySide6 keeps every model a Python proxy subclass's ``sourceModel()`` returned: a session's
    every scan stayed in memory. The view must let go of models it no longer shows."""
    import gc
    import weakref

    from desktop_app.ui.results_view import ResultsView
    from desktop_app.workers.results_model import ResultsModel

    view = ResultsView()
    qtbot.addWidget(view)
    view.show()
    refs = []
    for i in range(6):
        m = ResultsModel()
        m.append_rows([hit(i, random.Random(i))])
        refs.append(weakref.ref(m))
        view.set_model(f"t{i}", m)
        qtbot.wait(1)            # paint: multiData runs through the proxy
        del m
    gc.collect()
    assert [r() is not None for r in refs] == [False] * 5 + [True]
