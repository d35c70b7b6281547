"""Issue 13 §3: the window paints its shell before the heavy imports and builds, then builds the
rest in the next event-loop turns (``ui/desk_start.py``, ``ui/first_frame.py``); a second
instance hands over without building (or importing) the window."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QSettings, Qt

from conftest import copy_store
from desktop_app.ui.app_context import AppContext
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.single_instance import InstanceServer

ROOT = Path(__file__).resolve().parents[1]
PROBE = ROOT / "benchmarks" / "startup_probe.py"


def _env(home: Path) -> dict:
    return dict(os.environ, STOCKSCAN_HOME=str(home), XDG_CONFIG_HOME=str(home / "xdg"), PYTHONPATH=str(ROOT),
                QT_QPA_PLATFORM="offscreen", TQDM_DISABLE="1")


def test_the_first_frame_imports_neither_pandas_nor_pyqtgraph(tmp_path):
    """The real start (``app.build``, show, event loop) in a fresh process: at the window's first
    paint nothing heavy is imported; the build and the source then complete on their own. (No
    ``--demo-stocks``: checking its range reads the demo market's code pools, which needs numpy.)"""
    p = subprocess.run([sys.executable, str(PROBE), "app", "--source", "demo"],
                       env=_env(tmp_path / "home"), cwd=str(ROOT), capture_output=True, text=True, timeout=120)
    lines = [ln for ln in p.stdout.splitlines() if ln.startswith("{")]
    assert p.returncode == 0 and lines, p.stderr[-3000:]
    out = json.loads(lines[-1])
    assert out["heavy"] == [], out["heavy"]      # numpy, pandas, pyqtgraph, akshare, the chart, stock search,
    #                                              the desk's panels (the first frame is the shell)
    assert out["first_frame"] <= out["built"] <= out["ready"]


def test_a_second_instance_exits_without_importing_the_window(qtbot, tmp_path, monkeypatch):
    home = tmp_path / "home"
    monkeypatch.setenv("STOCKSCAN_HOME", str(home))     # the server's name follows the user dirs
    server = InstanceServer()
    got: list[str] = []
    server.opened.connect(got.append)
    assert server.listening
    script = ("import json, sys\nfrom desktop_app import app\n"
              "try:\n    app.build(['600519'])\nexcept app.HandedOver:\n"
              "    print(json.dumps([m for m in ('desktop_app.ui.main_window', 'pandas', 'numpy', 'pyqtgraph')"
              " if m in sys.modules]))\n")
    proc = subprocess.Popen([sys.executable, "-c", script], env=_env(home), cwd=str(ROOT),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    qtbot.waitUntil(lambda: proc.poll() is not None, timeout=30000)
    out, err = proc.communicate()
    assert proc.returncode == 0 and json.loads(out.strip().splitlines()[-1]) == [], err[-2000:]
    qtbot.waitUntil(lambda: got == ["600519"], timeout=5000)


def _window(qtbot, tmp_path, demo_store_file, restore: bool, name: str) -> MainWindow:
    store = copy_store(demo_store_file(60), tmp_path / name)
    w = MainWindow(context=AppContext.for_demo(n_stocks=60, store=store), restore=restore)
    qtbot.addWidget(w)
    if not restore:
        w.resize(1400, 860)        # the offscreen screen is 800×800; the window fits the screen it opens on
        w.apply_default_layout()
    return w


def test_the_shell_shows_a_placeholder_then_the_event_loop_builds_the_rest(qtbot, tmp_path, demo_store_file):
    w = _window(qtbot, tmp_path, demo_store_file, False, "a")
    try:
        assert w.stock_view is None and w.quick_open_dialog is None and not w.is_built()
        assert w.scan_panel.strategy_list.count() == 0          # presets: core.strategies, after the frame
        assert w.results_view is not None and w.task_view is not None and w.watchlist_view is not None
        w.show()
        assert w.stock_placeholder.isVisible() and w.stock_placeholder.text() == "Loading the chart…"
        qtbot.waitUntil(w.is_built, timeout=10000)               # no ensure_built: the event loop does it
        assert w.stock_view.parent() is w.stock_area and w.stock_view.chart.isVisible()
        assert w.stock_splitter is w.stock_view.splitter and w.quick_open_dialog.parent() is w
        assert w.scan_panel.strategy_list.count() > 0
        assert w.stock_view.chart in w.focus_ring.panels
        qtbot.waitUntil(lambda: w.stock_splitter.sizes()[1] >= 290, timeout=5000)   # the default split
    finally:
        w.close()
        w.shutdown()


def test_open_symbol_before_the_build_builds_first(qtbot, tmp_path, demo_store_file):
    w = _window(qtbot, tmp_path, demo_store_file, False, "b")
    try:
        sym = str(w.ctx.source.universe()["symbol"].iloc[2])
        w.open_symbol(sym)                                       # e.g. handed over by a second start
        assert w.is_built() and w.stock_view.current_symbol() == sym
    finally:
        w.close()
        w.shutdown()


def test_saved_layout_applies_after_the_deferred_build(qtbot, tmp_path, demo_store_file):
    w = _window(qtbot, tmp_path, demo_store_file, True, "c")
    w.show()
    w.ensure_built()
    w.resize(1900, 1000)
    qtbot.wait(50)
    w.watchlist_dock.hide()
    w.stock_splitter.setSizes([820, 300])
    share = w.stock_splitter.sizes()[0] / sum(w.stock_splitter.sizes())
    w.scan_panel.load_presets()
    w.scan_panel.strategy_list.item(1).setCheckState(Qt.CheckState.Checked)
    chosen = w.scan_panel.selected_strategies()
    w.close()
    w.shutdown()

    w2 = _window(qtbot, tmp_path, demo_store_file, True, "d")
    try:
        assert not w2.watchlist_dock.isVisible() and w2.stock_splitter is None
        assert w2.scan_panel.selected_strategies() == chosen     # kept until the presets are listed
        w2.show()
        w2.resize(w.width(), w.height())
        qtbot.waitUntil(w2.is_built, timeout=10000)
        qtbot.wait(50)
        s2 = w2.stock_splitter.sizes()
        assert abs(s2[0] / sum(s2) - share) < 0.02
        assert w2.scan_panel.selected_strategies() == chosen
        assert not w2.watchlist_dock.isVisible()
    finally:
        w2.close()
        w2.shutdown()


def test_a_window_closed_before_its_build_never_builds_and_keeps_the_saved_split(qtbot, tmp_path,
                                                                                 demo_store_file):
    QSettings().setValue("window/stock_splitter", b"kept")
    w = _window(qtbot, tmp_path, demo_store_file, False, "e")
    w.close()
    w.shutdown()
    qtbot.wait(50)
    assert w.stock_view is None
    assert QSettings().value("window/stock_splitter") in (b"kept", "kept")


def test_the_deferred_desk_comes_after_the_shell_and_keeps_the_saved_layout(qtbot, tmp_path, demo_store_file):
    """At the app's start (``defer_desk``) the first frame is the shell alone; the desk (docks,
    menus) is the first step after it, and a layout saved by one such start applies at the next."""
    store = copy_store(demo_store_file(60), tmp_path / "f")
    w = MainWindow(context=AppContext.for_demo(n_stocks=60, store=store), defer_desk=True)
    qtbot.addWidget(w)
    assert not hasattr(w, "scan_dock") and w.menuBar().actions() == []
    assert w.stock_placeholder.text() == "Opening the desk…" and w.demo_badge is not None
    w.show()
    qtbot.waitUntil(lambda: hasattr(w, "scan_dock"), timeout=10000)   # the event loop builds it
    assert w.stock_placeholder.text() == "Loading the chart…" and len(w.menuBar().actions()) >= 6
    qtbot.waitUntil(w.is_built, timeout=10000)
    w.resize(760, 700)                 # within the offscreen screen (800×800)
    qtbot.wait(50)
    w.watchlist_dock.hide()
    size = (w.width(), w.height())
    w.close()
    w.shutdown()

    w2 = MainWindow(context=AppContext.for_demo(n_stocks=60, store=store), defer_desk=True)
    qtbot.addWidget(w2)
    try:
        assert w2.height() == size[1] != 774                     # the saved geometry, before the first frame
        #                                                   (774: the default on the 800×800 offscreen screen)
        w2.show()
        qtbot.waitUntil(w2.is_built, timeout=10000)
        assert not w2.watchlist_dock.isVisible() and w2.scan_dock.isVisible()
    finally:
        w2.close()
        w2.shutdown()


def test_a_window_closed_before_its_desk_keeps_the_saved_layout(qtbot, tmp_path, demo_store_file):
    QSettings().setValue("window/state", b"kept-state")
    store = copy_store(demo_store_file(60), tmp_path / "g")
    w = MainWindow(context=AppContext.for_demo(n_stocks=60, store=store), defer_desk=True)
    qtbot.addWidget(w)
    w.close()
    w.shutdown()
    assert not hasattr(w, "scan_dock")
    assert QSettings().value("window/state") in (b"kept-state", "kept-state")
