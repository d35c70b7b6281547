"""ResultsModel: batched inserts, in-model stable sorting with NaN last, display formats, roles."""
from __future__ import annotations

import math

from PySide6.QtCore import QPersistentModelIndex, Qt

from desktop_app.core.hits import COLUMNS, HIT_COLUMNS
from desktop_app.workers.results_model import ResultsModel, RowRole, SortRole, SymbolRole, format_cell

SCORE = COLUMNS.index("score")
NAME = COLUMNS.index("name")


def row(sym, score, name="x", **kw):
    r = {c: None for c in HIT_COLUMNS}
    r.update({"symbol": sym, "name": name, "score": score, "strategies": [], **kw})
    return r


def test_batched_insert_and_sort_inside_the_model(qtbot, qtmodeltester, qtlog):
    m = ResultsModel()
    qtmodeltester.check(m)
    inserts = []
    m.rowsInserted.connect(lambda parent, a, b: inserts.append((a, b)))
    m.append_rows([row("000001", 70.0), row("000002", 9.5), row("000003", float("nan"))])
    m.append_rows([row("000004", 70.0), row("000005", 100.0)])
    assert inserts == [(0, 2), (3, 4)]                       # one insert per batch
    keep = QPersistentModelIndex(m.index(m.symbols().index("000002"), 0))
    m.sort(SCORE, Qt.SortOrder.DescendingOrder)
    assert m.symbols() == ["000005", "000001", "000004", "000002", "000003"]   # stable, NaN last
    assert m.data(m.index(keep.row(), 0), SymbolRole) == "000002"
    m.sort(SCORE, Qt.SortOrder.AscendingOrder)
    assert m.symbols() == ["000002", "000001", "000004", "000005", "000003"]   # 9.5 < 70: numeric
    m.append_rows([row("000006", 50.0)])                       # live rows join the active order
    assert m.symbols()[:2] == ["000002", "000006"]
    assert m.data(m.index(0, SCORE), SortRole) == 9.5
    assert m.data(m.index(0, SCORE)) == "9.5"
    assert m.data(m.index(5, SCORE)) == "—"
    assert m.row_dict(0)["symbol"] == "000002" and m.data(m.index(0, 0), RowRole)["score"] == 9.5
    m.sort(NAME, Qt.SortOrder.AscendingOrder)
    assert not [r.message for r in qtlog.records if "FAIL" in r.message]


def test_language_and_formats(qtbot):
    m = ResultsModel(lang="zh")
    h = Qt.Orientation.Horizontal
    assert m.headerData(SCORE, h) == "得分"
    seen = []
    m.headerDataChanged.connect(lambda *a: seen.append(a))
    m.set_language("en")
    assert m.headerData(SCORE, h) == "Score" and seen
    assert format_cell("amount", 1.5e8, "zh") == "1.50亿"
    assert format_cell("amount", 1.5e8, "en") == "150.0M"
    assert format_cell("chg_pct", 1.234) == "+1.23%"
    assert format_cell("last", math.nan) == "—"
    assert format_cell("strategies", ["macd_golden"], "zh") == "MACD金叉"


def test_board_and_states_are_shown_in_the_ui_language():
    from desktop_app.workers.results_model import format_cell

    assert format_cell("board", "chinext", "zh") == "创业板"
    assert format_cell("board", "chinext", "en") == "ChiNext"
    assert format_cell("ma_trend", "bull", "zh") == "多头"
    assert format_cell("macd_state", "golden_cross", "en") == "golden cross"
    assert format_cell("board", "unknown_board", "en") == "unknown_board"


def test_hits_arrive_sorted_best_score_first_by_default():
    from desktop_app.workers.results_model import ResultsModel

    m = ResultsModel()
    m.append_rows([{"symbol": "000001", "score": 61.0}, {"symbol": "600000", "score": 88.0}])
    m.append_rows([{"symbol": "300001", "score": 75.0}])
    assert [r["symbol"] for r in m.rows()] == ["600000", "300001", "000001"]


def test_columns_in_the_tdx_order_with_one_rating_column_in_the_model_language(qtbot):
    m = ResultsModel(lang="zh")
    h = Qt.Orientation.Horizontal
    assert [m.headerData(c, h) for c in range(6)] == ["代码", "名称", "最新价", "涨跌幅", "得分", "评级"]
    assert "评级(英)" not in [m.headerData(c, h) for c in range(m.columnCount())]
    label = COLUMNS.index("label")
    m.append_rows([row("000001", 88.0, label_zh="强烈建议买入", label_en="Strong buy"),
                   row("000002", 72.5, label_zh="建议买入", label_en="Buy"),
                   row("000003", 40.0, label_zh="持观望态度", label_en="Hold / wait and see")])
    assert [m.data(m.index(r, label)) for r in range(3)] == ["强烈建议买入", "建议买入", "持观望态度"]
    assert [m.data(m.index(r, SCORE)) for r in range(3)] == ["88", "72.5", "40"]   # whole scores, no ".0"
    m.set_language("en")
    assert m.headerData(label, h) == "Rating"
    assert [m.data(m.index(r, label)) for r in range(3)] == ["Strong buy", "Buy", "Hold / wait and see"]
    m.sort(label, Qt.SortOrder.AscendingOrder)          # a rating sorts by what it rates, not A-Z
    assert m.symbols() == ["000003", "000002", "000001"]


def test_strategies_tooltip_holds_the_whole_list(qtbot):
    m = ResultsModel(lang="zh")
    m.append_rows([row("000001", 80.0, strategies=["ma_bull", "macd_golden", "kdj_golden"])])
    c = COLUMNS.index("strategies")
    assert m.data(m.index(0, c), Qt.ItemDataRole.ToolTipRole) == "均线多头排列、MACD金叉、KDJ金叉"
    assert m.data(m.index(0, SCORE), Qt.ItemDataRole.ToolTipRole) is None
    assert set(HIT_COLUMNS) - set(COLUMNS) == {"label_zh", "label_en"}   # both shown as one "label"
