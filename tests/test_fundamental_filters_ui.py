"""Issue 15, the window side: the scan panel's 基本面 group (PE/PB/float-cap ranges, ROE, profit
growth, minimum fundamental score) scans the demo market with the same hits as filtering the
source's own fundamentals by hand; the fundamental columns show, sort as numbers, sit in the
column chooser and are exported; a screen with fundamental filters saves and restores."""
from __future__ import annotations

import math

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog

from conftest import copy_store
from desktop_app.core.hits import FUNDAMENTAL_COLUMNS
from desktop_app.core.screens import ScreenLibrary
from desktop_app.ui.app_context import AppContext
from desktop_app.ui.screen_menu import panel_state

N = 200


@pytest.fixture
def window(qtbot, tmp_path, demo_store_file, open_window):
    def make():
        store = copy_store(demo_store_file(N), tmp_path / f"s{len(list(tmp_path.iterdir()))}")
        w = open_window(AppContext.for_demo(n_stocks=N, store=store))
        w.scan_panel.load_presets()
        return w
    return make


def _scan(w, qtbot) -> list[dict]:
    tid = w.start_scan()
    assert tid, w.scan_panel.request_error.text()
    qtbot.waitUntil(lambda: w.tm.get(tid).is_terminal, timeout=30000)
    assert w.tm.get(tid).status == "completed", w.tm.get(tid).error
    w.show_task_results(tid)
    return w.tm.results_model(tid).rows()


def _source_fundamentals(src, day):
    """Per symbol, (spot PE, ROE of the newest report public on ``day``), from the source alone."""
    pe = {r.symbol: float(r.pe) for r in src.spot().itertuples()}
    roe: dict[str, tuple] = {}
    for period in src.report_periods():                   # newest first
        for r in src.fundamentals(period).itertuples():
            if r.symbol not in roe and r.notice_date <= day:
                roe[r.symbol] = (r.report_date, float(r.roe))
    return pe, roe


def test_pe_max_and_roe_min_give_the_hits_of_filtering_the_source_by_hand(window, qtbot):
    w = window()
    sp = w.scan_panel
    sp.min_score.setValue(0)
    plain = {r["symbol"] for r in _scan(w, qtbot)}        # every stock past the other prefilters
    assert len(plain) > 50
    assert not sp.fundamentals.expanded()
    sp.fundamentals.set_expanded(True)
    sp.fundamentals.edits["pe_max"].setText("30")
    sp.fundamentals.edits["roe_min"].setText("3")
    rows = _scan(w, qtbot)
    req = w.tm.get(w.last_scan_id).params["request"]
    assert (req["pe_max"], req["roe_min"], req["pe_min"], req["min_fscore"]) == (30.0, 3.0, None, None)
    src = w.ctx.source
    day = w.ctx.latest_date
    pe, roe = _source_fundamentals(src, day)
    want = {s for s in plain if s in pe and s in roe and 0 < pe[s] <= 30 and roe[s][1] >= 3}
    assert 0 < len(want) < len(plain)
    assert {r["symbol"] for r in rows} == want
    for r in rows:                                        # the columns carry the source's numbers
        assert r["pe"] == pytest.approx(pe[r["symbol"]]) and r["roe"] == pytest.approx(roe[r["symbol"]][1])
        assert r["report_date"] == roe[r["symbol"]][0].isoformat()


def test_bad_numbers_are_shown_under_their_field_and_refuse_the_scan(window):
    w = window()
    f = w.scan_panel.fundamentals
    f.edits["pb_min"].setText("abc")
    f.edits["min_fscore"].setText("120")
    f.edits["profit_yoy_min"].setText("-15")               # growth may be negative
    assert w.start_scan() == ""
    assert f.expanded()
    assert f.errors["pb"].isVisible() and f.errors["pb"].text() == "Enter a non-negative number, or leave it empty."
    assert f.errors["min_fscore"].isVisible() and not f.errors["profit_yoy_min"].isVisible()
    f.edits["pb_min"].setText("4")
    f.edits["pb_max"].setText("2")
    f.edits["min_fscore"].setText("")
    assert w.scan_panel.build_request() is None
    assert f.errors["pb"].text() == "The minimum is above the maximum."
    f.edits["pb_max"].setText("")
    req = w.scan_panel.build_request()
    assert req is not None and (req.pb_min, req.profit_yoy_min) == (4.0, -15.0)
    assert not f.errors["pb"].isVisible()


def test_fundamental_columns_show_sort_as_numbers_and_export(window, qtbot, tmp_path):
    w = window()
    sp = w.scan_panel
    sp.min_score.setValue(0)
    sp.fundamentals.edits["float_cap_min"].setText("1")   # 亿元
    rows = _scan(w, qtbot)
    assert all(r["float_cap"] >= 1e8 for r in rows)
    rv = w.results_view
    model = rv.source_model
    for key in FUNDAMENTAL_COLUMNS:
        assert key in model.COLUMNS and key in rv.visible_columns()
    menu_keys = {a.objectName() for a in rv.column_menu().actions()}
    assert {f"column_{k}" for k in FUNDAMENTAL_COLUMNS} <= menu_keys
    for key in ("pe", "market_cap", "profit_yoy", "fscore"):
        c = model.COLUMNS.index(key)
        model.sort(c, Qt.SortOrder.AscendingOrder)
        got = [r[key] for r in model.rows()]
        present = [v for v in got if not math.isnan(v)]
        assert present == sorted(present) and len(present) > 10
        assert all(math.isnan(v) for v in got[len(present):])       # unknown values last
    c = model.COLUMNS.index("market_cap")
    v = model.rows()[0]["market_cap"]
    text = model.index(0, c).data()
    assert text.endswith("亿") or text.endswith("B") or text.endswith("M")
    w.apply_language("zh_CN")
    text = model.index(0, c).data()
    assert text == (f"{v / 1e8:.2f}亿" if v >= 1e8 else f"{v / 1e4:.2f}万"), (text, v)
    assert model.headerData(model.COLUMNS.index("pe"), Qt.Orientation.Horizontal) == "市盈率(动态)"
    assert model.index(0, model.COLUMNS.index("roe")).data().endswith("%")
    path = tmp_path / "hits.csv"
    tid = w.export_results(path)
    qtbot.waitUntil(lambda: w.tm.get(tid).is_terminal, timeout=10000)
    head = path.read_text("utf-8-sig").splitlines()[0].split(",")
    assert "市盈率(动态)" in head and "基本面得分" in head and "报告期" in head


def test_a_screen_with_fundamental_filters_saves_and_restores(window, qtbot, monkeypatch):
    w = window()
    sp = w.scan_panel
    st = dict(sp.state(), pe_min="5", pe_max="40", pb_max="6", float_cap_min="20", float_cap_max="800",
              roe_min="-2", profit_yoy_min="10", min_fscore="55")
    sp.restore(st)
    assert sp.fundamentals.expanded()
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("低估成长", True))
    w.screen_menu.save_as_action.trigger()
    qtbot.waitUntil(lambda: "低估成长" in ScreenLibrary().names(), timeout=5000)
    saved = ScreenLibrary().get("低估成长").scan_request()
    assert (saved.pe_min, saved.pe_max, saved.pb_max, saved.float_cap_min, saved.float_cap_max) == \
        (5.0, 40.0, 6.0, 20e8, 800e8)
    assert (saved.roe_min, saved.profit_yoy_min, saved.min_fscore, saved.pb_min) == (-2.0, 10.0, 55.0, None)
    back = panel_state(saved)
    for k in ("pe_min", "pe_max", "pb_max", "float_cap_min", "float_cap_max", "roe_min",
              "profit_yoy_min", "min_fscore"):
        assert back[k] == st[k], k
    assert back["pb_min"] == ""
    sp.restore(dict(sp.state(), pe_min="", pe_max="", roe_min="", min_fscore=""))
    sp.restore(back)                                      # what running the screen does
    req = sp.build_request()
    assert (req.pe_min, req.float_cap_max, req.min_fscore, req.roe_min) == (5.0, 800e8, 55.0, -2.0)
