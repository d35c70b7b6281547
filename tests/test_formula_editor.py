"""Issue 14 (window side): the scan panel's formula editor — errors marked as you type, completion,
the help of the function at the cursor, colours — and a formula's scan: refused while invalid,
its number outputs as result columns (sortable, in the column chooser, exported), remembered
across a restart."""
from __future__ import annotations

import csv
import math

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from conftest import copy_store
from desktop_app.core import hits
from desktop_app.core.formula import help_table
from desktop_app.ui import i18n
from desktop_app.ui.app_context import AppContext
from desktop_app.ui.formula_editor import CHECK_KEY, FormulaEditor, enclosing_call, name_at, output_names
from desktop_app.ui.scan_panel import ScanPanel
from desktop_app.workers.results_model import ResultsModel, SortRole

N_STOCKS = 120
BAD = "MA5:MA(C,5); XG:MAA(C,5)>0;"          # MAA at line 1, column 17
GOOD = "MA5:MA(C,5); XG:MA(C,5)>0;"


# -- the panel alone (no runner: the check runs inline) ---------------------------------------
@pytest.fixture
def panel(qtbot):
    p = ScanPanel(lambda: [])
    qtbot.addWidget(p)
    p.resize(360, 900)
    p.show()
    yield p
    i18n.set_language("en")


def typed(qtbot, editor: FormulaEditor, text: str) -> None:
    editor.edit.setFocus()
    for i, line in enumerate(text.split("\n")):     # QTest.keyClicks cannot type a newline
        if i:
            QTest.keyClick(editor.edit, Qt.Key.Key_Return)
        QTest.keyClicks(editor.edit, line)
    qtbot.waitUntil(lambda: not editor.check_pending(), timeout=5000)


def test_an_error_is_wave_underlined_at_its_line_and_column(panel, qtbot):
    ed = panel.formula_editor
    with qtbot.waitSignal(ed.checked, timeout=3000):
        typed(qtbot, ed, "X:=C;\nXG:CROSS(MA(C,5),MAA(C,10));")
    assert ed.error_label.isVisible()
    assert ed.error_label.text() == "line 2, column 18: unknown function MAA; did you mean MA?"
    sels = ed.edit.extraSelections()
    assert len(sels) == 1
    start, end = sels[0].cursor.selectionStart(), sels[0].cursor.selectionEnd()
    assert ed.text()[start:end] == "MAA" and ed.error_spans() == [(start, end)]
    assert sels[0].format.underlineStyle() == sels[0].format.UnderlineStyle.WaveUnderline
    assert ed.tooltip_at(start + 1) == ed.error_label.text()        # hovering the mark says why
    i18n.set_language("zh_CN")
    panel.retranslate()
    assert ed.error_label.text() == "第2行第18列: 未知函数 MAA；是否是 MA?"


def test_an_unfinished_formula_is_marked_on_its_last_character(panel, qtbot):
    ed = panel.formula_editor
    typed(qtbot, ed, "XG:C>MA(C,5")
    assert ed.error_label.text() == "line 1, column 12: the formula ends too early; expected )"
    assert ed.error_spans() == [(10, 11)]


def test_an_invalid_formula_refuses_the_scan_with_the_positioned_sentence(panel, qtbot):
    ed = panel.formula_editor
    ed.set_text(BAD)
    ed.show_errors([])                            # as if the as-you-type check had not run yet
    with qtbot.assertNotEmitted(panel.scan_requested):
        assert panel.start() is None
    assert ed.error_label.text() == "line 1, column 17: unknown function MAA; did you mean MA?"
    assert ed.error_spans() == [(16, 19)]
    assert not panel.request_error.isVisible()     # said under the formula, not twice
    ed.set_text("MA5:MA(C,5);")                    # can draw, cannot screen
    assert panel.build_request() is None
    assert "condition" in ed.error_label.text() and ed.error_spans() == []
    ed.set_text(GOOD)
    req = panel.build_request()
    assert req is not None and req.formula == GOOD and not ed.error_label.isVisible()


def test_an_empty_formula_is_no_formula(panel, qtbot):
    ed = panel.formula_editor
    typed(qtbot, ed, "XG:MAA(C,5);")
    assert ed.error_spans()
    ed.set_text("  \n ")
    assert ed.error_spans() == [] and ed.edit.extraSelections() == [] and not ed.error_label.isVisible()
    assert panel.build_request().formula == ""


def test_typing_m_offers_ma_and_enter_takes_it(panel, qtbot):
    ed = panel.formula_editor
    ed.edit.setFocus()
    QTest.keyClicks(ed.edit, "XG:M")
    c = ed.edit.completer
    qtbot.waitUntil(c.popup().isVisible, timeout=2000)
    offered = [c.completionModel().index(i, 0).data() for i in range(c.completionCount())]
    assert offered[0] == "MA" and "MACD.DIF" in offered and "MAX" in offered
    assert all(o.upper().startswith("M") for o in offered)
    QTest.keyClick(c.popup(), Qt.Key.Key_Return)
    assert ed.text() == "XG:MA(" and not c.popup().isVisible()   # a function comes with its "("
    QTest.keyClicks(ed.edit, "c")                                  # lower case completes too
    qtbot.waitUntil(c.popup().isVisible, timeout=2000)
    assert "CLOSE" in [c.completionModel().index(i, 0).data() for i in range(c.completionCount())]
    QTest.keyClick(c.popup(), Qt.Key.Key_Escape)
    QTest.keyClicks(ed.edit, ",5")                                 # a number never pops up
    assert not c.popup().isVisible() and ed.text() == "XG:MA(c,5"


def test_the_help_line_shows_the_signature_of_the_function_at_the_cursor(panel, qtbot):
    ed = panel.formula_editor
    ed.set_text("XG:CROSS(MA(C,5),REF(C,1)) AND 收盘价>0;")
    cur = ed.edit.textCursor()
    cur.setPosition(ed.text().index("MA(") + 1)                    # on the name
    ed.edit.setTextCursor(cur)
    assert ed.help_label.text() == "MA(X,N) — simple moving average of X over N bars"
    cur.setPosition(ed.text().index("5)"))                         # inside MA's parentheses
    ed.edit.setTextCursor(cur)
    assert ed.help_label.text().startswith("MA(X,N) — ")
    cur.setPosition(ed.text().index(",REF"))                       # inside CROSS, between calls
    ed.edit.setTextCursor(cur)
    assert ed.help_label.text().startswith("CROSS(A,B) — ")
    i18n.set_language("zh_CN")
    panel.retranslate()
    assert ed.help_label.text() == "CROSS(A,B) — " + next(r["zh"] for r in help_table() if r["name"] == "CROSS")
    assert ed.tooltip_at(ed.text().index("收盘价") + 1) == "收盘价 — 行情数据"
    cur.setPosition(len(ed.text()))
    ed.edit.setTextCursor(cur)
    assert ed.help_label.text() == "输入名称即有提示；光标所在函数的说明显示在这里。"
    ed.set_text("XG:MAA(C,5);")                                    # MAA -> MA with the cursor still
    cur = ed.edit.textCursor()
    cur.setPosition(4)
    ed.edit.setTextCursor(cur)
    assert ed.help_label.text().startswith("输入名称")
    QTest.keyClick(ed.edit, Qt.Key.Key_Delete)
    assert ed.text() == "XG:MA(C,5);" and ed.help_label.text().startswith("MA(X,N) — ")


def test_names_under_and_around_the_cursor():
    assert name_at("XG:MACD.DIF>0", 5) == "MACD.DIF" and name_at("A+MA", 4) == "MA"
    assert name_at("MA(5)", 3) == "" and name_at("(12)", 2) == ""
    assert enclosing_call("IF(C>MA(C,5),1,2)", 13) == "IF"
    assert enclosing_call("X:MA(C,5); Y:C", 14) == ""                   # another statement
    assert output_names("A:=C; 主力线:MA(C,5),COLORRED; {B:C;} XG:A>1 // D:1") == {"主力线", "XG"}


def test_the_highlighter_colours_each_kind_of_token(panel, qtbot):
    ed = panel.formula_editor
    ed.set_text("{note\nstill} M5:=MA(C,5); 主力线:M5*2 AND V>0; // done")
    hl = ed.highlighter
    fmt = hl.formats()

    def colour_at(block_no: int, col: int):
        block = ed.edit.document().findBlockByNumber(block_no)
        for r in block.layout().formats():
            if r.start <= col < r.start + r.length:
                return r.format.foreground().color().name()
        return None

    line = ed.edit.document().findBlockByNumber(1).text()
    assert colour_at(0, 2) == colour_at(1, 1) == fmt["comment"].foreground().color().name()
    assert colour_at(1, line.index("MA(")) == fmt["function"].foreground().color().name()
    assert colour_at(1, line.index("C,")) == fmt["data"].foreground().color().name()
    assert colour_at(1, line.index("5)")) == fmt["number"].foreground().color().name()
    assert colour_at(1, line.index("主力线")) == fmt["output"].foreground().color().name()
    assert colour_at(1, line.index("AND")) == fmt["operator"].foreground().color().name()
    assert colour_at(1, line.index("M5;") if "M5;" in line else line.index("M5*")) is None   # a variable
    assert colour_at(1, line.index("// done") + 3) == fmt["comment"].foreground().color().name()


def test_the_editor_keeps_room_for_several_lines(panel):
    ed = panel.formula_editor.edit
    assert ed.height() >= 6 * ed.fontMetrics().lineSpacing()


# -- the results model ------------------------------------------------------------------------
def _row(sym: str, score: float, **extra) -> dict:
    r = {c: None for c in hits.HIT_COLUMNS}
    r.update({"symbol": sym, "name": "x", "score": score, "strategies": []})
    r.update(extra)
    return r


def test_formula_outputs_become_columns_once_sorted_as_numbers(qtbot, qtmodeltester):
    m = ResultsModel(lang="en")
    inserted = []
    m.columnsInserted.connect(lambda _p, a, b: inserted.append((a, b)))
    n = len(hits.COLUMNS)
    m.append_rows([_row("000001", 70, MA5=9.5, 主力线=1.0), _row("000002", 60, MA5=10.25, 主力线=float("nan"))])
    m.append_rows([_row("000003", 80, MA5=100.0, 主力线=-2.0)])
    qtmodeltester.check(m)
    assert inserted == [(n, n + 1)] and m.COLUMNS[n:] == ["MA5", "主力线"]
    assert ResultsModel.COLUMNS == hits.COLUMNS                      # the default stays
    h = Qt.Orientation.Horizontal
    assert m.headerData(n, h) == "MA5" and m.headerData(n + 1, h) == "主力线"
    m.sort(n, Qt.SortOrder.DescendingOrder)
    assert m.symbols() == ["000003", "000002", "000001"]             # 100 > 10.25 > 9.5: numbers
    m.sort(n + 1, Qt.SortOrder.AscendingOrder)
    assert m.symbols() == ["000003", "000001", "000002"]             # NaN last
    assert m.data(m.index(0, n)) == "100.00" and m.data(m.index(0, n), SortRole) == 100.0
    assert m.data(m.index(2, n + 1)) == "—"
    assert m.data(m.index(0, n), Qt.ItemDataRole.TextAlignmentRole) is not None


# -- the real window --------------------------------------------------------------------------
@pytest.fixture
def window(tmp_path, demo_store_file, open_window):
    made = []

    def make(restore: bool = False):
        store = copy_store(demo_store_file(N_STOCKS), tmp_path / f"s{len(made)}")
        w = open_window(AppContext.for_demo(n_stocks=N_STOCKS, store=store), restore=restore)
        made.append(store)
        return w

    return make


def test_type_an_error_see_the_mark_fix_it_and_scan_with_the_output_column(window, qtbot, tmp_path):
    w = window()
    ed = w.scan_panel.formula_editor
    assert ed._runner is w.ctx.runner
    ed.edit.setFocus()
    QTest.keyClicks(ed.edit, BAD)
    qtbot.waitUntil(lambda: ed.error_label.isVisible(), timeout=5000)     # checked on the runner
    assert ed.error_label.text() == "line 1, column 17: unknown function MAA; did you mean MA?"
    (sel,) = ed.edit.extraSelections()
    assert (sel.cursor.selectionStart(), sel.cursor.selectionEnd()) == (16, 19)
    assert w.start_scan() == ""                                           # refused while invalid

    cur = ed.edit.textCursor()                                            # fix it: MAA -> MA
    cur.setPosition(19)
    ed.edit.setTextCursor(cur)
    QTest.keyClick(ed.edit, Qt.Key.Key_Backspace)
    assert ed.text() == GOOD
    qtbot.waitUntil(lambda: not ed.check_pending() and not ed.error_label.isVisible(), timeout=5000)
    assert ed.edit.extraSelections() == []
    w.scan_panel.min_score.setValue(0)
    tid = w.start_scan()
    assert tid
    qtbot.waitUntil(lambda: w.tm.get(tid).is_terminal, timeout=30000)
    assert w.tm.get(tid).status.value == "completed"
    w.show_task_results(tid)
    model = w.results_view.source_model
    assert "MA5" in model.COLUMNS and "MA5" in w.results_view.visible_columns()
    col = model.COLUMNS.index("MA5")
    assert model.headerData(col, Qt.Orientation.Horizontal) == "MA5"
    rows = model.rows()
    assert len(rows) > 20
    store = w.ctx.store
    for r in rows[:15]:                                      # against pandas on the store's own bars
        close = store.read(r["symbol"])["close"].dropna()
        want = close.rolling(5).mean().iloc[-1]
        assert math.isclose(r["MA5"], want, rel_tol=1e-9), (r["symbol"], r["MA5"], want)
    # sortable from its header, in the column chooser, exported through the one presenter
    w.results_view.sort_by("MA5", Qt.SortOrder.DescendingOrder)
    shown = [model.data(model.index(i, col), SortRole) for i in range(model.rowCount())]
    assert shown == sorted(shown, reverse=True)
    chooser = {a.data(): a.text() for a in w.results_view.column_menu().actions() if a.data()}
    assert chooser.get("MA5") == "MA5"
    snap = w.results_view.export_snapshot()
    assert "MA5" in snap.columns
    out = hits.write_hits(tmp_path / "hits.csv", snap, "en")
    with open(out, encoding="utf-8-sig", newline="") as f:
        table = list(csv.reader(f))
    i = table[0].index("MA5")
    assert float(table[1][i]) == round(snap[0]["MA5"], hits.FORMULA_EXPORT_DIGITS)
    w.results_view.set_column_visible("MA5", False)          # hidden in the chooser: not exported
    assert "MA5" not in w.results_view.export_snapshot().columns


def test_the_formula_survives_a_restart(window, qtbot):
    w = window()
    w.scan_panel.formula_editor.set_text(GOOD)
    w.close()
    w2 = window(restore=True)
    ed = w2.scan_panel.formula_editor
    assert ed.text() == GOOD
    qtbot.waitUntil(lambda: not ed.check_pending(), timeout=5000)   # checked once its vocabulary loaded
    assert not ed.error_label.isVisible() and not w2.ctx.runner.is_busy(CHECK_KEY)
    assert w2.scan_panel.build_request().formula == GOOD
