"""The 选股方案 menu of the window: save the scan panel as a screen, run it, import a 通达信
formula file, and the refusals — through the real window (files written off the GUI thread)."""
from __future__ import annotations

import pytest
from PySide6.QtWidgets import QInputDialog, QMessageBox

from desktop_app.core.screens import ScreenLibrary
from desktop_app.ui import screen_menu
from desktop_app.ui.screen_menu import panel_state

N = 200


@pytest.fixture
def window(demo_window):
    return lambda: demo_window(N)


def _actions(w) -> list[str]:
    return [a.objectName() for a in w.screen_menu.menu.actions()]


def test_save_then_run_a_screen_from_the_menu(window, qtbot, monkeypatch):
    w = window()
    sp = w.scan_panel
    sp.restore(dict(sp.state(), universe_kind="board:chinext", min_score=52, price_max="80"))
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("创业板低价", True))
    w.screen_menu.save_as_action.trigger()
    qtbot.waitUntil(lambda: "runScreen:创业板低价" in _actions(w), timeout=5000)
    saved = ScreenLibrary().get("创业板低价").scan_request()
    assert (saved.universe, saved.min_score, saved.price_max) == ("board:chinext", 52, 80.0)
    # change the panel, then run the screen: the panel shows the screen again and it scans
    sp.restore(dict(sp.state(), universe_kind="all", min_score=90, price_max=""))
    before = set(w.tm.task_ids())
    next(a for a in w.screen_menu.menu.actions() if a.objectName() == "runScreen:创业板低价").trigger()
    qtbot.waitUntil(lambda: bool(set(w.tm.task_ids()) - before), timeout=5000)
    tid = (set(w.tm.task_ids()) - before).pop()
    qtbot.waitUntil(lambda: w.tm.get(tid).is_terminal, timeout=20000)
    assert sp.universe_kind() == "board:chinext" and sp.min_score.value() == 52 and sp.price_max.text() == "80"
    assert w.tm.get(tid).params["request"]["universe"] == "board:chinext"
    assert w.screen_menu.current == "创业板低价"
    # Ctrl+S now saves over the screen run last, without asking
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: pytest.fail("Save should not ask"))
    sp.min_score.setValue(61)
    w.screen_menu.save_action.trigger()
    qtbot.waitUntil(lambda: ScreenLibrary().get("创业板低价").request["min_score"] == 61, timeout=5000)


def test_a_saved_screen_keeps_the_result_columns_and_survives_a_restart(window, qtbot, monkeypatch):
    w = window()
    w.scan_panel.min_score.setValue(0)
    tid = w.start_scan()
    qtbot.waitUntil(lambda: w.tm.get(tid).is_terminal, timeout=20000)
    w.show_task_results(tid)
    rv = w.results_view
    for key in ("board", "industry"):
        rv.set_column_visible(key, False)
    cols = rv.visible_columns()
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("少列", True))
    w.screen_menu.save_as_action.trigger()
    qtbot.waitUntil(lambda: "runScreen:少列" in _actions(w), timeout=5000)
    assert ScreenLibrary().get("少列").columns == cols
    rv.reset_columns()
    assert "board" in rv.visible_columns()
    w2 = window()                                           # the next start lists it and runs it
    qtbot.waitUntil(lambda: "runScreen:少列" in _actions(w2), timeout=5000)
    w2.screen_menu.run("少列")
    qtbot.waitUntil(lambda: w2.results_view.source_model is not None and
                    w2.results_view.visible_columns() == cols, timeout=20000)


def test_import_a_gbk_formula_file_and_refusals(window, qtbot, monkeypatch, tmp_path):
    w = window()
    txt = tmp_path / "倍量.txt"
    txt.write_bytes("V>=REF(V,1)*2 AND C>O;".encode("gbk"))
    monkeypatch.setattr(screen_menu, "open_file", lambda *a, **k: str(txt))
    w.screen_menu.import_action.trigger()
    qtbot.waitUntil(lambda: "runScreen:倍量" in _actions(w), timeout=5000)
    assert ScreenLibrary().get("倍量").request["formula"] == "V>=REF(V,1)*2 AND C>O;"
    # an empty name is refused with the sentence, nothing saved
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("  ", True))
    w.screen_menu.save_as_action.trigger()
    qtbot.waitUntil(lambda: w.findChild(QMessageBox, "screenRefusal") is not None, timeout=3000)
    box = w.findChild(QMessageBox, "screenRefusal")
    assert box.text() == "give the screen a name"
    box.close()
    qtbot.waitUntil(lambda: w.findChild(QMessageBox, "screenRefusal") is None, timeout=3000)
    # a damaged screen file: running it says what is wrong with the file
    ScreenLibrary().path_of("倍量").write_text("{", "utf-8")
    w.screen_menu.run("倍量")
    qtbot.waitUntil(lambda: "cannot read the screen file" in (getattr(w.findChild(QMessageBox, "screenRefusal"),
                                                                      "text", lambda: "")() or ""), timeout=3000)


def test_panel_state_round_trips_every_kind_of_request():
    from desktop_app.core.scan import ScanRequest
    for universe in ("all", "board:star", "index:000300", "industry:银行", "watchlist", "codes:600001,000002"):
        req = ScanRequest(universe=universe, min_score=33, price_min=2.5, mcap_max=5e10, min_amount=3e7,
                          strategies=["ma_bull"], mode="any", exclude_st=False, min_listed_days=10)
        st = panel_state(req)
        assert st["mcap_max"] == "500" and st["amount"] == "3000" and st["price_min"] == "2.5"
        assert st["min_score"] == 33 and st["strategies"] == ["ma_bull"] and st["mode"] == "any"


def test_the_scan_panel_offers_the_screens_beside_start(demo_window, qtbot, monkeypatch):
    w = demo_window()
    button = w.scan_panel.findChild(type(w.screen_menu.button), "screensButton")
    assert button is w.screen_menu.button and button.menu() is w.screen_menu.menu
    assert button.text() == "Screens" and button.isVisible()
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("从面板保存", True))
    next(a for a in button.menu().actions() if a.objectName() == "saveScreenAs").trigger()
    qtbot.waitUntil(lambda: "runScreen:从面板保存" in _actions(w), timeout=5000)
