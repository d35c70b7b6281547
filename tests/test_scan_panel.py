"""The scan panel alone: the request it builds, and every invalid input refused next to its field."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from desktop_app.core.scan import ScanRequest
from desktop_app.core.symbols import BOARDS
from desktop_app.ui import i18n
from desktop_app.ui.scan_panel import AMOUNT_UNIT, MCAP_UNIT, SCAN_INDEXES, ScanPanel


@pytest.fixture
def panel(qtbot):
    wl: list[str] = []
    p = ScanPanel(lambda: list(wl))
    p.watch = wl  # the fake watchlist behind the panel
    qtbot.addWidget(p)
    p.show()
    yield p
    i18n.set_language("en")


def test_default_request_is_the_whole_market(panel, qtbot):
    with qtbot.waitSignal(panel.scan_requested, timeout=1000) as blocker:
        qtbot.mouseClick(panel.start_button, Qt.MouseButton.LeftButton)
    req = blocker.args[0]
    assert isinstance(req, ScanRequest)
    assert req.universe == "all" and req.min_score == 60 and req.exclude_st and req.exclude_suspended
    assert req.price_min is None and req.min_amount is None and req.strategies == []


def test_universe_offers_boards_six_indices_boards_watchlist_and_codes(panel):
    data = [panel.universe_combo.itemData(i) for i in range(panel.universe_combo.count())]
    assert data[0] == "all"
    assert [d for d in data if d.startswith("board:")] == [f"board:{b}" for b in BOARDS]
    assert [d for d in data if d.startswith("index:")] == [f"index:{c}" for c in SCAN_INDEXES]
    assert {"industry", "concept", "watchlist", "codes"} <= set(data)
    texts = [panel.universe_combo.itemText(i) for i in range(panel.universe_combo.count())]
    assert "Index: CSI 300" in texts


def test_filters_and_units_reach_the_request(panel):
    panel.price_min.setText("5")
    panel.price_max.setText("１２.５")  # full-width digits are accepted
    panel.mcap_min.setText("50")
    panel.amount_edit.setText("1000")
    panel.min_score.setValue(72)
    panel.exclude_st.setChecked(False)
    panel.min_days.setValue(250)
    req = panel.build_request()
    assert req.price_min == 5 and req.price_max == 12.5
    assert req.mcap_min == 50 * MCAP_UNIT and req.mcap_max is None
    assert req.min_amount == 1000 * AMOUNT_UNIT
    assert req.min_score == 72 and not req.exclude_st and req.min_listed_days == 250


@pytest.mark.parametrize("lo,hi,message", [
    ("abc", "", "Enter a non-negative number, or leave it empty."),
    ("-3", "", "Enter a non-negative number, or leave it empty."),
    ("20", "10", "The minimum is above the maximum."),
])
def test_bad_price_is_explained_next_to_the_field(panel, qtbot, lo, hi, message):
    panel.price_min.setText(lo)
    panel.price_max.setText(hi)
    with qtbot.assertNotEmitted(panel.scan_requested):
        assert panel.start() is None
    assert panel.price_error.isVisible() and panel.price_error.text() == message
    panel.price_min.setText("")
    panel.price_max.setText("")
    assert panel.build_request() is not None
    assert not panel.price_error.isVisible()


def test_pasted_codes_show_rejected_tokens_with_reasons(panel, qtbot):
    panel.set_universe("codes:")
    panel.codes_edit.setPlainText("600519, sz000001\nabc 123 300750.SZ 600519")
    qtbot.waitUntil(lambda: "3 valid codes" in panel.codes_info.text(), timeout=2000)
    info = panel.codes_info.text()
    assert "2 rejected" in info and "abc —" in info and "123 —" in info
    req = panel.build_request()
    assert req.universe == "codes:600519,000001,300750"


def test_no_valid_code_is_refused(panel):
    panel.set_universe("codes:")
    panel.codes_edit.setPlainText("foo bar")
    assert panel.build_request() is None
    assert panel.universe_error.text() == "No valid stock code to scan."


def test_empty_watchlist_is_refused_then_accepted(panel):
    i = panel.universe_combo.findData("watchlist")
    panel.universe_combo.setCurrentIndex(i)
    assert panel.build_request() is None
    assert panel.universe_error.text() == "The watchlist is empty: add stocks to it first."
    panel.watch.append("600519")
    assert panel.build_request().universe == "watchlist"
    assert not panel.universe_error.isVisible()


def test_industry_board_type_to_search(panel):
    panel.set_board_names("industry", ["银行", "白酒", "半导体"])
    panel.universe_combo.setCurrentIndex(panel.universe_combo.findData("industry"))
    assert panel.board_edit.isVisible()
    completions = panel.board_completer.model().stringList()
    assert set(completions) == {"银行", "白酒", "半导体"}
    panel.board_edit.setText("")
    assert panel.build_request() is None
    assert panel.universe_error.text() == "Choose a board name."
    panel.board_edit.setText("钢铁")
    assert panel.build_request() is None
    assert "钢铁" in panel.universe_error.text()
    panel.board_edit.setText("白酒")
    assert panel.build_request().universe == "industry:白酒"


def test_strategies_and_mode(panel):
    assert panel.strategy_list.count() >= 12  # every preset of core.strategies is offered
    for i in (0, 1):
        panel.strategy_list.item(i).setCheckState(Qt.CheckState.Checked)
    panel.mode_combo.setCurrentIndex(panel.mode_combo.findData("any"))
    req = panel.build_request()
    ids = [panel.strategy_list.item(i).data(Qt.ItemDataRole.UserRole) for i in (0, 1)]
    assert req.strategies == ids and req.mode == "any"
    assert req.validate() == []


def test_state_round_trip(panel, qtbot):
    panel.set_universe("industry:银行")
    panel.price_min.setText("3")
    panel.min_score.setValue(81)
    if panel.strategy_list.count():
        panel.strategy_list.item(0).setCheckState(Qt.CheckState.Checked)
    st = panel.state()
    other = ScanPanel(lambda: [])
    qtbot.addWidget(other)
    other.restore(st)
    assert other.state() == st


def test_panel_retranslates(panel):
    i18n.set_language("zh_CN")
    panel.retranslate()
    assert panel.start_button.text() == "开始扫描 (F5)"
    assert panel.universe_combo.itemText(0) == "全市场"
    texts = [panel.universe_combo.itemText(i) for i in range(panel.universe_combo.count())]
    assert "指数：沪深300" in texts and "板块：创业板" in texts


def test_a_broken_strategies_import_is_not_hidden(qtbot, monkeypatch):
    """No fallback to "no presets": a real import error surfaces."""
    import sys

    monkeypatch.setitem(sys.modules, "desktop_app.core.strategies", None)  # import fails
    with pytest.raises(ImportError):
        ScanPanel()


def _wheel(widget, steps: int = -3) -> None:
    from PySide6.QtCore import QPoint, QPointF
    from PySide6.QtGui import QWheelEvent
    from PySide6.QtWidgets import QApplication

    pos = QPointF(widget.rect().center())
    ev = QWheelEvent(pos, QPointF(widget.mapToGlobal(pos.toPoint())), QPoint(0, 0), QPoint(0, 120 * steps),
                     Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(widget, ev)


def test_the_wheel_scrolls_the_panel_instead_of_changing_a_field_it_passes(panel, qtbot):
    panel.resize(320, 300)                               # short: the form scrolls
    panel.show()
    qtbot.waitExposed(panel)
    bar = panel.wheel_guard.scroll.verticalScrollBar()
    assert bar.maximum() > 0
    before, pos = panel.min_score.value(), bar.value()
    _wheel(panel.min_score)
    assert panel.min_score.value() == before and bar.value() > pos      # scrolled, unchanged
    panel.min_score.setFocus()
    qtbot.waitUntil(panel.min_score.hasFocus, timeout=2000)
    _wheel(panel.min_score)
    assert panel.min_score.value() != before                           # a focused field takes it


def test_as_of_a_past_day_goes_into_the_request_and_is_remembered(panel):
    from PySide6.QtCore import QDate

    assert panel.build_request().as_of == "" and not panel.as_of.date.isEnabled()
    panel.as_of.check.setChecked(True)
    panel.as_of.date.setDate(QDate(2026, 6, 30))
    req = panel.build_request()
    assert req.as_of == "2026-06-30" and req.title("en").endswith("as of 2026-06-30")
    st = panel.state()
    panel.as_of.check.setChecked(False)
    assert panel.build_request().as_of == ""
    panel.restore(st)
    assert panel.as_of.check.isChecked() and panel.build_request().as_of == "2026-06-30"
    assert panel.as_of.date.maximumDate() == QDate.currentDate()          # never a future day
