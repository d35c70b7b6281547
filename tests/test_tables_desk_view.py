"""Issue 12 item 4 (results table) and item 7 (the window's export) on the real widgets, with a
real demo scan's rows: 代码/名称 stay visible when the table is scrolled right, the column
chooser (right-click a header) hides and shows a column, the column layout survives a restart,
a new scan's model starts scrolled fully left, and the export writes the visible columns in the
visible order — read back with Excel's rules, equal to the table's visible cells."""
from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

import pytest
from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtWidgets import QApplication, QFileDialog, QMenu

from conftest import copy_store
from desktop_app.core import hits
from desktop_app.core.data.demo import DemoSource
from desktop_app.core.hits import COLUMNS, export_job
from desktop_app.core.scan import ScanRequest, run_scan
from desktop_app.ui import i18n
from desktop_app.ui.results_view import LAYOUT_KEY, ResultsView
from desktop_app.workers.results_model import ResultsModel
from desktop_app.workers.task_manager import TaskManager
from test_tables_desk_exports import excel_csv

N_STOCKS = 300   # the session's warm demo store (shared with test_main_window)


@pytest.fixture
def scan_rows(demo_store_file, tmp_path):
    store = copy_store(demo_store_file(N_STOCKS), tmp_path / "store")
    try:
        out = run_scan(ScanRequest(min_score=0), DemoSource(n_stocks=N_STOCKS), store)
    finally:
        store.close()
    assert len(out.hits) > 100
    return out.hits


@pytest.fixture
def make_view(qtbot, scan_rows):
    def make(lang: str = "zh", width: int = 900) -> ResultsView:
        v = ResultsView()
        qtbot.addWidget(v)
        v.resize(width, 400)
        v.show()
        qtbot.waitExposed(v)
        m = ResultsModel(lang=lang)
        m.append_rows(scan_rows)
        v.set_model("t1", m)
        return v
    return make


def col(key: str) -> int:
    return COLUMNS.index(key)


def global_top(view, index) -> int:
    return view.viewport().mapToGlobal(view.visualRect(index).topLeft()).y()


def test_code_and_name_stay_visible_when_scrolled_right(make_view, qtbot):
    v = make_view(width=700)
    sb = v.table.horizontalScrollBar()
    assert sb.maximum() > 0                                   # 700 px: the table must scroll
    frozen_x = v.frozen.mapTo(v, QPoint(0, 0)).x()
    first_before = v.table.columnAt(0)
    sb.setValue(sb.maximum())
    qtbot.wait(10)
    assert v.table.columnAt(0) != first_before                # the table did scroll ...
    assert v.frozen.isVisible() and v.frozen.mapTo(v, QPoint(0, 0)).x() == frozen_x   # ... not 代码/名称
    assert v.frozen.horizontalHeader().offset() == 0
    assert v.frozen.columnAt(1) == col("symbol")
    assert v.frozen.columnAt(v.frozen.columnWidth(col("symbol")) + 1) == col("name")
    shown = [c for c in range(len(COLUMNS)) if not v.frozen.isColumnHidden(c)]
    assert shown == [col("symbol"), col("name")]
    assert v.table.isColumnHidden(col("symbol")) and v.table.isColumnHidden(col("name"))
    # the first column shown after scrolling is whole, not cut in half
    first = v.table.columnAt(1)
    assert v.table.columnViewportPosition(first) == 0
    # the two panes' rows line up, also at the very bottom (both have a scroll bar's height less)
    for vpos in (0, v.table.verticalScrollBar().maximum()):
        v.table.verticalScrollBar().setValue(vpos)
        qtbot.wait(5)
        assert v.frozen.verticalScrollBar().value() == vpos
        row = v.table.rowAt(v.table.viewport().height() - 2)
        for r in (v.table.rowAt(1), row):
            assert global_top(v.frozen, v.proxy.index(r, col("symbol"))) == \
                global_top(v.table, v.proxy.index(r, col("score")))
    assert v.frozen.viewport().height() == v.table.viewport().height()
    # the codes the frozen pane shows are the rows' codes
    r = v.frozen.rowAt(3)
    assert v.frozen.indexAt(QPoint(3, 3)).data() == v.source_model.row_dict(
        v.proxy.mapToSource(v.proxy.index(r, 0)).row())["symbol"]


def open_column_menu(v: ResultsView, qtbot) -> QMenu:
    hh = v.table.horizontalHeader()
    pos = QPoint(hh.sectionViewportPosition(col("score")) + 5, 5)
    ev = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, pos, hh.viewport().mapToGlobal(pos))
    QApplication.sendEvent(hh.viewport(), ev)
    qtbot.waitUntil(lambda: isinstance(QApplication.activePopupWidget(), QMenu), timeout=2000)
    menu = QApplication.activePopupWidget()
    assert menu.objectName() == "resultsColumnMenu"
    return menu


def menu_action(menu: QMenu, key: str):
    return next(a for a in menu.actions() if a.objectName() == f"column_{key}")


def test_the_column_chooser_hides_and_shows_a_column(make_view, qtbot):
    v = make_view()
    assert "turnover" in v.visible_columns()
    menu = open_column_menu(v, qtbot)
    names = [a.text() for a in menu.actions() if a.isCheckable()]
    assert names[:6] == ["代码", "名称", "最新价", "涨跌幅", "得分", "评级"]
    assert not menu_action(menu, "symbol").isEnabled() and menu_action(menu, "symbol").isChecked()
    a = menu_action(menu, "turnover")
    assert a.isChecked()
    a.trigger()                                               # untick 换手率
    menu.close()
    assert v.table.isColumnHidden(col("turnover")) and "turnover" not in v.visible_columns()
    menu = open_column_menu(v, qtbot)
    a = menu_action(menu, "turnover")
    assert not a.isChecked()
    a.trigger()                                               # tick it again
    menu.close()
    assert not v.table.isColumnHidden(col("turnover")) and "turnover" in v.visible_columns()
    # restore defaults from the same menu
    menu = open_column_menu(v, qtbot)
    menu_action(menu, "amount").trigger()
    menu.close()
    assert "amount" not in v.visible_columns()
    menu = open_column_menu(v, qtbot)
    assert v.reset_columns_action in menu.actions()
    v.reset_columns_action.trigger()
    menu.close()
    assert v.visible_columns() == COLUMNS


def test_column_order_visibility_and_widths_survive_a_restart(make_view, qtbot, scan_rows):
    v = make_view()
    hh = v.table.horizontalHeader()
    hh.moveSection(hh.visualIndex(col("amount")), hh.visualIndex(col("last")))   # drag 成交额 before 最新价
    v.set_column_visible("rsi", False)
    hh.resizeSection(col("strategies"), 321)                                   # the user widens 命中策略
    v.frozen.horizontalHeader().resizeSection(col("name"), 111)
    order = v.visible_columns()
    assert order[:4] == ["symbol", "name", "amount", "last"] and "rsi" not in order
    v.close()
    assert QSettings().value(LAYOUT_KEY)

    again = make_view()                                     # a new view (a restart) reads it back
    assert again.visible_columns() == order
    assert again.table.isColumnHidden(col("rsi"))
    assert again.table.columnWidth(col("strategies")) == 321
    assert again.frozen.columnWidth(col("name")) == 111
    assert again.frozen.width() == again.frozen.columnWidth(col("symbol")) + 111
    # and keeps it for every model it shows
    m = ResultsModel(lang="en")
    m.append_rows(scan_rows[:5])
    again.set_model("t2", m)
    assert again.visible_columns() == order


def test_a_new_scans_model_starts_scrolled_fully_left(make_view, qtbot, scan_rows):
    v = make_view(width=700)
    sb = v.table.horizontalScrollBar()
    sb.setValue(sb.maximum())
    assert sb.value() > 0 and v.table.horizontalHeader().offset() > 0
    m = ResultsModel(lang="zh")
    m.append_rows(scan_rows[:50])
    v.set_model("t2", m)
    qtbot.wait(5)
    assert sb.value() == 0 and v.table.horizontalHeader().offset() == 0
    assert v.table.columnAt(1) == col("last")                 # 最新价, right after 代码/名称


UNITS = {"亿": 1e8, "万": 1e4, "B": 1e9, "M": 1e6, "K": 1e3}


def shown_number(text: str) -> tuple[float, float] | None:
    """A number as the table shows it, read by a person, and half its last shown digit:
    "+1.23%" -> (1.23, 0.005), "1.28亿" -> (1.28e8, 0.005e8), "—" -> None."""
    if text == "—":
        return None
    text = text.rstrip("%")
    scale = UNITS.get(text[-1], 1.0)
    digits = text.rstrip("".join(UNITS))
    places = len(digits.split(".")[1]) if "." in digits else 0
    return float(digits) * scale, 0.5 * 10 ** -places * scale


def decimals(text: str) -> int:
    digits = text.rstrip("%").rstrip("".join(UNITS))
    return len(digits.split(".")[1]) if "." in digits else 0


def half_up_even(x: float, places: int) -> float:
    """Correct rounding of the exact binary value (an independent check of "rounded as shown")."""
    return float(Decimal(x).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN))


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_window_export_is_the_visible_table_read_back_with_excels_rules(make_view, qtbot, tmp_path, lang):
    i18n.set_language(lang)
    try:
        v = make_view(lang="zh" if lang == "zh_CN" else "en")
        v.retranslate()
        hh = v.table.horizontalHeader()
        hh.moveSection(hh.visualIndex(col("board")), hh.visualIndex(col("last")))
        v.set_column_visible("macd_state", False)
        v.set_column_visible("volatility", False)
        v.sort_by("chg_pct", Qt.SortOrder.AscendingOrder)
        v.filter_edit.setText("00")                 # 000xxx (leading zeros) and 600xxx, not 300xxx/688xxx
        keys = v.visible_columns()
        assert keys[:3] == ["symbol", "name", "board"] and "macd_state" not in keys
        n = v.proxy.rowCount()
        assert 0 < n < v.source_model.rowCount()
        # what the user sees: the header texts and every visible cell, left to right
        want_head = [v.proxy.headerData(col(k), Qt.Orientation.Horizontal) for k in keys]
        want = [[v.proxy.index(r, col(k)).data() for k in keys] for r in range(n)]

        snap = v.export_snapshot()
        path = tmp_path / "out.csv"
        tm = TaskManager()
        try:
            tid = tm.submit("export", "export", export_job(str(path), snap, v.source_model.language))
            qtbot.waitUntil(lambda: tm.get(tid).is_terminal, timeout=10000)
            assert tm.get(tid).status.value == "completed", tm.get(tid).error
        finally:
            assert tm.shutdown(5000)
        table = excel_csv(path.read_bytes())
        assert table[0] == want_head
        got = table[1:]
        assert len(got) == n
        raw_rows = [v.source_model.row_dict(v.proxy.mapToSource(v.proxy.index(r, 0)).row()) for r in range(n)]
        for r, (cells, shown, raw) in enumerate(zip(got, want, raw_rows)):
            for k, cell, text in zip(keys, cells, shown):
                if k in hits.NUMERIC_HIT_COLUMNS:
                    shown_value = shown_number(text)
                    if shown_value is None:
                        assert cell is None, (k, cell)
                    elif k == "amount":                     # whole yuan; the table shows 万/亿
                        number, half = shown_value
                        assert cell == half_up_even(raw["amount"], 0)
                        assert abs(cell - number) <= half + 1e-6, (cell, text)
                    else:                                    # the number the cell shows, exactly
                        assert cell == shown_value[0], (k, cell, text)
                        assert cell == half_up_even(raw[k], decimals(text)), (k, cell, raw[k])
                else:
                    assert (cell or "") == text.replace("—", ""), (k, cell, text)
        codes = [c[0] for c in got]
        assert codes == [r["symbol"] for r in raw_rows]
        assert any(c.startswith("000") for c in codes)         # text: 000xxx keeps its zeros in Excel
        text = path.read_bytes().decode("utf-8-sig")
        for internal in ("sh_main", "sz_main", "chinext", ",bull,", "golden_cross", "ma_bull", "macd_golden"):
            assert internal not in text
    finally:
        i18n.set_language("en")


def test_the_export_dialog_remembers_its_folder_and_type(make_view, qtbot, tmp_path, monkeypatch):
    i18n.set_language("zh_CN")
    try:
        v = make_view()
        calls = []
        answer = {"path": str(tmp_path / "a" / "选股"), "filter": ""}
        (tmp_path / "a").mkdir()

        def fake(parent, caption, directory, filters, selected, options):
            calls.append((caption, directory, filters, selected, options))
            return answer["path"], answer["filter"] or selected

        monkeypatch.setattr(QFileDialog, "getSaveFileName", fake)
        first = v.ask_export_path()
        assert first == str(tmp_path / "a" / "选股.csv")        # the type's suffix is added
        caption, directory, filters, selected, options = calls[-1]
        assert caption == "导出结果" and "Excel 工作簿 (*.xlsx)" in filters and selected.endswith("(*.csv)")
        assert directory.endswith(".csv") and "选股结果-" in directory
        answer.update(path=str(tmp_path / "a" / "b.xlsx"), filter="Excel 工作簿 (*.xlsx)")
        assert v.ask_export_path().endswith("b.xlsx")
        answer.update(path="")
        assert v.ask_export_path() == ""                       # cancelled
        caption, directory, filters, selected, options = calls[-1]
        assert directory.startswith(str(tmp_path / "a")) and directory.endswith(".xlsx")   # folder + type kept
        assert selected == "Excel 工作簿 (*.xlsx)"
    finally:
        i18n.set_language("en")


def test_context_menu_and_enter_work_from_the_frozen_pane_too(make_view, qtbot):
    v = make_view()
    v.frozen.selectRow(2)
    assert v.selected_symbols() == [v.proxy.index(2, col("symbol")).data()]   # one selection, both panes
    assert v.table.selectionModel() is v.frozen.selectionModel()
    with qtbot.waitSignal(v.open_symbol_requested, timeout=1000) as blocker:
        v.frozen.activated.emit(v.proxy.index(2, col("name")))
    assert blocker.args == [v.proxy.index(2, col("symbol")).data()]


@pytest.mark.parametrize("score", [95, 75, 65, 50, 20])
def test_score_badge_text_reads_on_every_badge_colour(score):
    from desktop_app.ui import theme
    from desktop_app.ui.progress_delegate import contrast
    from desktop_app.ui.hit_cells import badge_text_color

    badge = theme.score_color(score)
    assert contrast(badge_text_color(badge), badge) >= 4.5


def test_a_language_switch_resizes_default_widths_but_keeps_the_users(make_view):
    v = make_view(lang="zh")
    board = v.table.columnWidth(col("board"))
    v.table.horizontalHeader().resizeSection(col("strategies"), 333)      # the user's width stays
    v.source_model.set_language("en")                                       # as TaskManager does
    fm = v.table.fontMetrics()
    assert v.table.columnWidth(col("board")) > board
    assert v.table.columnWidth(col("board")) >= fm.horizontalAdvance("Shenzhen main board")
    assert v.table.columnWidth(col("strategies")) == 333
    assert v.frozen.horizontalHeader().height() == v.table.horizontalHeader().height()
