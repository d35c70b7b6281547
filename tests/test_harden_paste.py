"""Issue 11 §9: a pasted list of 100,000 tokens (NUL bytes, emoji, SQL-looking names among the
codes) gets clear rejections without the GUI thread ever checking more than a slice of it."""
from __future__ import annotations

import threading

import pytest

from desktop_app.core import symbols
from desktop_app.ui import scan_panel as scan_panel_mod
from desktop_app.ui import watchlist_view as watchlist_view_mod
from desktop_app.ui.app_context import AppContext
from desktop_app.ui.scan_panel import PARSE_SLICE, ScanPanel
from desktop_app.ui.watchlist_view import WatchlistView

VALID = ["600519", "000001", "300750", "688981", "601318"]
NASTY = ["abc\x00def", "📈", "💰600519", "'); DROP TABLE tasks;--", "Robert'); --", "\x00", "６００５１９"]


def big_paste(n: int = 100_000) -> str:
    junk = [f"x{i}" for i in range(n - len(VALID) - len(NASTY))]
    return " ".join(VALID + NASTY + junk)


@pytest.fixture
def spy(monkeypatch):
    """Every parse_symbols call the panel and the dock make: (on the GUI thread?, tokens)."""
    calls: list[tuple[bool, int]] = []

    def wrap(mod):
        real = mod.parse_symbols

        def counted(text):
            n = len(text) if not isinstance(text, str) else len([t for t in symbols._SEPARATORS.split(text) if t])
            calls.append((threading.current_thread() is threading.main_thread(), n))
            return real(text)
        monkeypatch.setattr(mod, "parse_symbols", counted)

    wrap(scan_panel_mod)
    wrap(watchlist_view_mod)
    return calls


def test_the_scan_panel_checks_a_huge_paste_in_slices(qtbot, spy):
    panel = ScanPanel(lambda: [])
    qtbot.addWidget(panel)
    panel.universe_combo.setCurrentIndex(panel.universe_combo.findData("codes"))
    panel.codes_edit.setPlainText(big_paste())
    panel.update_codes_feedback()
    assert not panel.codes_checked()
    universe, why = panel.universe_string()
    assert universe is None and "Still checking" in why            # Start waits, and says so
    qtbot.waitUntil(panel.codes_checked, timeout=60000)
    assert spy and all(n <= PARSE_SLICE for on_gui, n in spy if on_gui)
    whole = symbols.parse_symbols(big_paste())                       # the same as checked at once
    assert panel._parsed_codes[1] == whole
    info = panel.codes_info.text()
    assert info.startswith("5 valid codes") and f"{len(whole.rejected)} rejected" in info
    assert "DROP" in info and "📈" in info and "not a stock code" in info   # named, with their reasons
    universe, why = panel.universe_string()
    assert universe == "codes:" + ",".join(VALID) and why == ""


def test_a_short_paste_is_still_checked_at_once(qtbot):
    panel = ScanPanel(lambda: [])
    qtbot.addWidget(panel)
    panel.universe_combo.setCurrentIndex(panel.universe_combo.findData("codes"))
    panel.codes_edit.setPlainText(" ".join(VALID + NASTY))
    panel.update_codes_feedback()
    assert panel.codes_checked() and panel.codes_info.text().startswith("5 valid codes")


def test_the_watchlist_dock_checks_a_huge_paste_off_the_gui_thread(qtbot, spy):
    ctx = AppContext.for_demo(n_stocks=50)
    try:
        v = WatchlistView(ctx)
        qtbot.addWidget(v)
        v.add_edit.setText(big_paste())
        v.add_from_edit()
        assert not [n for on_gui, n in spy if on_gui and n > PARSE_SLICE]
        qtbot.waitUntil(lambda: ctx.runner.pending_count() == 0 and v.add_edit.isEnabled(), timeout=60000)
        assert ctx.watchlist.symbols() == VALID
        assert all(not on_gui for on_gui, n in spy if n > PARSE_SLICE)
        text = v.message.text()
        assert "Added 5." in text and "more" in text and v.add_edit.text()   # kept to fix the bad ones
    finally:
        ctx.shutdown()
