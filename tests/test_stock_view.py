"""StockView and its wiring into the main window (issue 7): opening a stock from each entry point
shows the chart's bars and the report of core.analysis for the same stock; a stock missing from
the store shows the placeholder, then the chart (and lands in the store); newer requests win;
errors are readable; exports write files with the stock's name and score."""
from __future__ import annotations

import threading
import types

import numpy as np
import pytest
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtTest import QTest

from desktop_app.core.analysis import build_report
from desktop_app.core.data.demo import DemoSource
from desktop_app.core.data.store import BarStore
from desktop_app.ui import i18n
from desktop_app.ui.app_context import BackgroundRunner
from desktop_app.ui.stock_view import StockView, chart_levels, chart_markers

N_STOCKS = 200


@pytest.fixture(scope="module")
def demo() -> DemoSource:
    return DemoSource(n_stocks=N_STOCKS)


def _info(src, sym):
    uni = src.universe()
    return uni[uni["symbol"] == sym].iloc[0].to_dict()


@pytest.fixture
def runner():
    """The background runner a window's context would give the view."""
    r = BackgroundRunner()
    yield r
    r.shutdown(wait=True)  # joins every load and export


@pytest.fixture
def ctx(runner):
    """``ctx(source, store)``: the parts of an AppContext a StockView uses."""
    return lambda source, store: types.SimpleNamespace(source=source, store=store, runner=runner)


@pytest.fixture
def make_view(qtbot, tmp_path):
    made: list[StockView] = []  # alive until the runner's results and the chart's timers are done

    def make(context) -> StockView:
        v = StockView(context)
        qtbot.addWidget(v)
        v.resize(1200, 700)
        v.show()
        made.append(v)
        return v

    yield make
    i18n.set_language("en")


def assert_shows(view: StockView, src, store, sym: str) -> None:
    """The chart holds the stock's stored bars and the panel its core report."""
    bars = store.read(sym)
    assert bars is not None
    data = view.chart.data
    assert data is not None and view.chart.symbol() == sym
    assert not view.chart.is_placeholder_shown()
    np.testing.assert_allclose(data.close, bars["close"].dropna().to_numpy())
    ro = view.chart.readout()
    assert ro["close"] == pytest.approx(float(bars["close"].dropna().iloc[-1]))
    assert ro["date"].date() == bars.dropna(subset=["close"]).index[-1].date()
    want = build_report(bars, _info(src, sym))
    got = view.panel.report()
    assert got.symbol == sym and got.name == want.name
    assert got.score == want.score and got.dims == want.dims
    assert got.trace == want.trace
    assert got.supports == want.supports and got.resistances == want.resistances
    assert view.panel.trace_table.rowCount() == len(want.trace)
    assert want.name in view.panel.name_label.text()
    # markers and dashed levels come from the report
    assert view.chart.overlays.marker_labels == list(chart_markers(want))
    assert len(view.chart.overlays.level_lines) == len(chart_levels(want))


def test_open_from_store(make_view, ctx, qtbot, demo, tmp_path):
    store = BarStore(tmp_path / "bars.sqlite")
    sym = demo.universe()["symbol"].iloc[11]
    store.write(sym, demo.daily_bars(sym))
    view = make_view(ctx(demo, store))
    with qtbot.waitSignal(view.stock_loaded, timeout=10000) as blk:
        assert view.open_symbol(f"SH{sym}" if sym.startswith("6") else sym)
        assert view.chart.is_placeholder_shown()
        assert sym in view.chart.placeholder_text()
    assert blk.args == [sym] and view.current_symbol() == sym
    assert_shows(view, demo, store, sym)
    assert view.chart.has_watermark()  # demo data


class SlowSource:
    """Delegates to a demo market; ``daily_bars`` waits until released (no sleeps in the test)."""

    def __init__(self, demo):
        self._demo = demo
        self.name, self.is_demo = "demo", True
        self.release = threading.Event()
        self.calls: list[str] = []
        self.threads: list[str] = []

    def universe(self):
        return self._demo.universe()

    def daily_bars(self, symbol, start=None, end=None):
        self.threads.append(threading.current_thread().name)
        self.calls.append(symbol)
        assert self.release.wait(10)
        return self._demo.daily_bars(symbol, start, end)


def test_missing_bars_placeholder_then_chart_and_stored(make_view, ctx, qtbot, demo, tmp_path):
    store = BarStore(tmp_path / "bars.sqlite")
    src = SlowSource(demo)
    sym = demo.universe()["symbol"].iloc[20]
    view = make_view(ctx(src, store))
    view.open_symbol(sym)
    qtbot.waitUntil(lambda: src.calls == [sym], timeout=5000)
    qtbot.wait(20)  # the GUI keeps running while the bars are fetched
    assert view.chart.is_placeholder_shown() and not view.chart.has_data()
    assert sym in view.chart.placeholder_text()
    assert view.is_loading()
    with qtbot.waitSignal(view.stock_loaded, timeout=10000):
        src.release.set()
    assert sym in store.symbols()
    assert_shows(view, demo, store, sym)
    assert len(src.threads) == 1 and src.threads[0].startswith("stockscan-bg")  # the runner, no own thread


def test_newer_request_supersedes(make_view, ctx, qtbot, demo, tmp_path):
    store = BarStore(tmp_path / "bars.sqlite")
    src = SlowSource(demo)
    a, b = demo.universe()["symbol"].iloc[[30, 31]]
    view = make_view(ctx(src, store))
    loaded: list[str] = []
    view.stock_loaded.connect(loaded.append)
    view.open_symbol(a)
    qtbot.waitUntil(lambda: src.calls == [a], timeout=5000)  # a is in flight
    view.open_symbol(b)
    with qtbot.waitSignals([view.stock_loaded, view.runner.superseded], timeout=10000):
        src.release.set()   # both finish; a's late result is dropped by the runner
    assert view.wait_idle(5)
    qtbot.waitUntil(lambda: not view.is_loading(), timeout=5000)
    assert loaded == [b] and view.current_symbol() == b
    assert view.chart.symbol() == b and view.panel.symbol() == b


def test_errors_are_readable(make_view, ctx, qtbot, demo, tmp_path):
    store = BarStore(tmp_path / "bars.sqlite")
    view = make_view(ctx(demo, store))
    with qtbot.waitSignal(view.load_failed, timeout=2000) as blk:
        assert not view.open_symbol("hello")
    assert "hello" in blk.args[0]
    listed = set(demo.universe()["symbol"])
    unlisted = next(c for c in (f"6009{i:02d}" for i in range(100)) if c not in listed)
    with qtbot.waitSignal(view.load_failed, timeout=10000) as blk:
        view.open_symbol(unlisted)
    assert blk.args[0] == unlisted and blk.args[1]
    assert view.chart.is_placeholder_shown() and unlisted in view.chart.placeholder_text()
    assert view.panel.message_label.isVisible() and unlisted in view.panel.message_label.text()


class LateContext(QObject):
    source_changed = Signal()

    def __init__(self, runner):
        super().__init__()
        self.source = self.store = None
        self.runner = runner


def test_waits_for_the_source(make_view, qtbot, demo, tmp_path, runner):
    ctx = LateContext(runner)
    view = make_view(ctx)
    sym = demo.universe()["symbol"].iloc[5]
    view.open_symbol(sym)
    assert view.chart.is_placeholder_shown() and sym in view.chart.placeholder_text()
    ctx.source, ctx.store = demo, BarStore(tmp_path / "bars.sqlite")
    with qtbot.waitSignal(view.stock_loaded, timeout=10000):
        ctx.source_changed.emit()
    assert_shows(view, demo, ctx.store, sym)


def test_exports(make_view, ctx, qtbot, demo, tmp_path):
    store = BarStore(tmp_path / "bars.sqlite")
    view = make_view(ctx(demo, store))
    sym = demo.universe()["symbol"].iloc[40]
    assert not view.export_report(tmp_path / "none.md", "md")  # nothing open yet
    with qtbot.waitSignal(view.stock_loaded, timeout=10000):
        view.open_symbol(sym)
    rep = view.current_report()
    for fmt in ("md", "html"):
        path = tmp_path / f"report.{fmt}"
        with qtbot.waitSignal(view.exported, timeout=5000) as blk:
            assert view.export_report(path, fmt)
        assert blk.args == [str(path), ""]
        text = path.read_text(encoding="utf-8")
        assert rep.name in text and sym in text and f"{rep.score:.1f}" in text
    png = tmp_path / "chart.png"
    with qtbot.waitSignal(view.exported, timeout=5000) as blk:
        assert view.export_chart_png(png)
    assert blk.args == [str(png), ""]
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 2000
    bad = tmp_path / "no_such_dir" / "r.md"
    with qtbot.waitSignal(view.exported, timeout=5000) as blk:
        view.export_report(bad, "md")
    assert blk.args[0] == str(bad) and blk.args[1]
    assert view.wait_idle(5)


def test_panes_menu_drives_the_chart(make_view, ctx, demo, tmp_path):
    view = make_view(ctx(demo, BarStore(tmp_path / "b.sqlite")))
    view.pane_actions["kdj"].setChecked(True)
    assert "kdj" in view.chart.panes()
    view.pane_actions["kdj"].setChecked(False)
    assert "kdj" not in view.chart.panes()
    view.overlay_actions["boll"].setChecked(True)
    assert view.chart.overlays_enabled()["boll"]


def test_the_view_remembers_the_pane_choice(make_view, ctx, demo, tmp_path):
    """The stock view owns the Panes menu and its persistence (QSettings); a second view (the next
    start) shows the same panes and overlays."""
    from PySide6.QtCore import QSettings

    store = BarStore(tmp_path / "b.sqlite")
    first = make_view(ctx(demo, store))
    assert first.chart.panes() == ["macd"]          # nothing saved yet: the chart's default
    first.pane_actions["macd"].setChecked(False)
    first.pane_actions["rsi"].setChecked(True)
    first.pane_actions["kdj"].setChecked(True)
    first.overlay_actions["ma"].setChecked(False)
    assert QSettings().value("chart/panes") == "kdj,rsi"
    second = make_view(ctx(demo, store))
    assert second.chart.panes() == ["kdj", "rsi"]
    assert second.chart.overlays_enabled() == {"ma": False, "boll": False, "levels": True, "markers": True}
    assert [k for k, a in second.pane_actions.items() if a.isChecked()] == ["kdj", "rsi"]
    assert not second.overlay_actions["ma"].isChecked()
    second.pane_actions["kdj"].setChecked(False)
    second.pane_actions["rsi"].setChecked(False)
    second.overlay_actions["levels"].setChecked(False)
    second.overlay_actions["markers"].setChecked(False)
    third = make_view(ctx(demo, store))
    assert third.chart.panes() == []   # "no panes" is remembered too
    assert third.chart.overlays_enabled() == {"ma": False, "boll": False, "levels": False, "markers": False}
    assert not third.overlay_actions["levels"].isChecked() and not third.overlay_actions["markers"].isChecked()
    # a choice saved before the S/R and marker toggles existed ("ma,boll" = what was on) still reads
    QSettings().setValue("chart/overlays", "boll")
    assert make_view(ctx(demo, store)).chart.overlays_enabled() == {
        "ma": False, "boll": True, "levels": True, "markers": True}


# -- the main window's entry points ------------------------------------------------------------
@pytest.fixture
def window(qtbot, tmp_path):
    from desktop_app.ui.app_context import AppContext
    from desktop_app.ui.main_window import MainWindow
    made = []

    def make(pending: str | None = None):
        ctx = AppContext.for_demo(n_stocks=N_STOCKS, store=BarStore(tmp_path / f"w{len(made)}.sqlite"))
        w = MainWindow(context=ctx, restore=False)
        qtbot.addWidget(w)
        w.ensure_built()          # the stock view is built after the first frame
        w.pending_open_symbol = pending
        view = w.stock_view  # MainWindow attaches its stock view itself
        w.show()
        made.append(w)
        return w, view

    yield make
    for w in made:
        w.close()
        w.shutdown()  # joins the context's runner: loads, exports, the quick-open index
    i18n.set_language("en")


def test_entry_points_results_watchlist_command_line(window, qtbot, demo):
    syms = list(demo.universe()["symbol"].iloc[[50, 51, 52]])
    # command line: stockscan 600519
    w, view = window(pending=syms[0])
    qtbot.waitUntil(lambda: view.panel.symbol() == syms[0], timeout=10000)
    assert w.pending_open_symbol is None
    assert_shows(view, demo, w.ctx.store, syms[0])
    assert w.stock_splitter is view.splitter
    # a double-clicked result
    with qtbot.waitSignal(view.stock_loaded, timeout=10000):
        w.results_view.open_symbol_requested.emit(syms[1])
    assert w.current_symbol == syms[1]
    assert_shows(view, demo, w.ctx.store, syms[1])
    # a watchlist entry
    with qtbot.waitSignal(view.stock_loaded, timeout=10000):
        w.watchlist_view.open_symbol_requested.emit(syms[2])
    assert_shows(view, demo, w.ctx.store, syms[2])


def test_command_line_symbol_opens_when_the_source_is_ready(window, qtbot, demo):
    """app.py sets ``pending_open_symbol`` after the window is built, then switches the source."""
    sym = demo.universe()["symbol"].iloc[70]
    w, view = window()
    w.pending_open_symbol = sym
    with qtbot.waitSignal(view.stock_loaded, timeout=10000):
        w.ctx.source_changed.emit()
    qtbot.waitUntil(lambda: not view.is_loading(), timeout=10000)
    assert w.pending_open_symbol is None and view.current_symbol() == sym
    assert_shows(view, demo, w.ctx.store, sym)


def test_quick_open_and_panel_buttons(window, qtbot, demo):
    w, view = window()
    uni = demo.universe()
    sym, name = uni["symbol"].iloc[60], uni["name"].iloc[60]
    dlg = w.quick_open_dialog
    assert w.quick_open_action.shortcut().toString() == "Ctrl+K"
    with qtbot.waitSignal(dlg.index_ready, timeout=10000):
        w.quick_open_action.trigger()
    assert dlg.isVisible()
    dlg.edit.setText(name)  # QTest.keyClicks only types ASCII
    assert dlg.matches()[0] == (sym, name)
    with qtbot.waitSignal(view.stock_loaded, timeout=10000):
        QTest.keyClick(dlg.edit, Qt.Key.Key_Return)
    assert not dlg.isVisible() and w.current_symbol == sym
    assert_shows(view, demo, w.ctx.store, sym)
    # add to watchlist goes through the window
    view.panel.watch_button.click()
    assert sym in w.ctx.watchlist.symbols()
    # "scan its board" selects the industry in the scan panel and starts a scan
    rep = view.current_report()
    n_before = len(w.tm.task_ids())
    view.panel.scan_button.click()
    assert w.scan_panel.universe_string() == (f"industry:{rep.industry}", "")
    assert len(w.tm.task_ids()) == n_before + 1
    qtbot.waitUntil(lambda: w.tm.running_count() == 0, timeout=20000)


def test_empty_chart_says_how_to_open_a_stock(qtbot, tmp_path):
    from desktop_app.ui.app_context import AppContext
    from desktop_app.ui.stock_view import StockView

    ctx = AppContext.for_demo(n_stocks=50, store=BarStore(tmp_path / "b.sqlite"))
    view = StockView(ctx)
    qtbot.addWidget(view)
    try:
        assert view.chart.is_placeholder_shown() and "Ctrl+K" in view.chart.placeholder_text()
    finally:
        ctx.shutdown()
