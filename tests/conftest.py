"""Shared fixtures: headless Qt, isolated user dirs and settings, no network."""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")
os.environ.setdefault("TQDM_DISABLE", "1")

import pytest


@pytest.fixture(autouse=True)
def isolated_home(tmp_path, monkeypatch):
    """Every test gets its own data/cache/log dirs and QSettings scope."""
    home = tmp_path / "stockscan_home"
    monkeypatch.setenv("STOCKSCAN_HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg_config"))
    try:
        from PySide6.QtCore import QSettings
        QSettings.setDefaultFormat(QSettings.Format.IniFormat)
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "qsettings"))
    except ImportError:  # pragma: no cover
        pass
    yield home


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Tests never touch the network: any real socket connect fails loudly."""
    import socket

    real_connect = socket.socket.connect

    def guarded(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6):
            raise RuntimeError(f"test tried to reach the network: {address!r}")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)
    yield


@pytest.fixture(scope="session")
def demo_store_file(tmp_path_factory):
    """``demo_store_file(n)``: a bar-store file backfilled once per session from DemoSource(n)."""
    made: dict = {}

    def get(n_stocks: int):
        if n_stocks not in made:
            from desktop_app.core.data.demo import DemoSource
            from desktop_app.core.data.refresh import backfill
            from desktop_app.core.data.store import BarStore

            path = tmp_path_factory.mktemp(f"demo{n_stocks}") / "bars-demo.sqlite"
            store = BarStore(path)
            backfill(DemoSource(n_stocks=n_stocks), store)
            store.close()
            made[n_stocks] = path
        return made[n_stocks]

    return get


def copy_store(src, dst_dir):
    """A private copy (with its WAL files) of a store file, opened."""
    import shutil

    from desktop_app.core.data.store import BarStore

    dst_dir.mkdir(parents=True, exist_ok=True)
    for f in src.parent.glob(src.name + "*"):
        shutil.copy(f, dst_dir / f.name)
    return BarStore(dst_dir / src.name)


@pytest.fixture(autouse=True, scope="session")
def _collect_garbage_on_the_gui_thread(qapp):
    """As the app does (``ui/main_thread_gc``): a worker thread's cyclic collection of an earlier
    test's Qt objects deadlocked the suite."""
    from desktop_app.ui.main_thread_gc import install

    install(qapp)


@pytest.fixture(autouse=True)
def _automatic_collection_stays_off(_collect_garbage_on_the_gui_thread):
    """A test that switches automatic collection back on would expose every later test to the
    deadlock above (one did: the suite hung in a later window test)."""
    import gc

    yield
    assert not gc.isenabled(), "this test left Python's automatic garbage collection on"


@pytest.fixture
def make_chart(qtbot):
    """``make_chart(width, height)``: a shown ChartWidget, cleaned up with the test."""
    def make(width: int = 1000, height: int = 700):
        from PySide6 import QtWidgets

        from desktop_app.ui.chart import ChartWidget

        app = QtWidgets.QApplication.instance()
        if not app.organizationName():
            app.setOrganizationName("StockScanTest")
            app.setApplicationName("test_chart")
        w = ChartWidget()
        qtbot.addWidget(w)
        w.resize(width, height)
        w.show()
        return w

    return make


def synthetic_bars(n: int, seed: int = 1, start: str = "2020-01-02", base: float = 20.0):
    """A random-walk OHLCV frame of ``n`` business days (chart tests)."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    dates = pd.bdate_range(start, periods=n, name="date")
    close = base * np.exp(np.cumsum(rng.normal(0, 0.02, n)))
    open_ = close * np.exp(rng.normal(0, 0.01, n))
    high = np.maximum(open_, close) * (1 + np.abs(rng.normal(0, 0.01, n)))
    low = np.minimum(open_, close) * (1 - np.abs(rng.normal(0, 0.01, n)))
    vol = rng.integers(1e5, 1e7, n).astype(float)
    return pd.DataFrame({"open": open_, "high": high, "low": low, "close": close, "volume": vol},
                        index=dates)


@pytest.fixture
def demo_window(tmp_path, demo_store_file, open_window):
    """``demo_window(n)``: a built window on an ``n``-stock demo market (a private copy of the
    session's store), its presets listed. Windows made in one test share the test's home."""
    def make(n: int = 200):
        from desktop_app.ui.app_context import AppContext

        store = copy_store(demo_store_file(n), tmp_path / f"s{len(list(tmp_path.iterdir()))}")
        w = open_window(AppContext.for_demo(n_stocks=n, store=store))
        w.scan_panel.load_presets()
        return w
    return make


@pytest.fixture
def open_window(qtbot):
    """``open_window(ctx, restore=False)``: a shown, fully built MainWindow on ``ctx``, closed and shut down
    (every thread joined) with the test, the language reset to English."""
    made: list = []

    def make(ctx, restore: bool = False):
        from desktop_app.ui.main_window import MainWindow

        w = MainWindow(context=ctx, restore=restore)
        qtbot.addWidget(w)
        w.show()
        w.ensure_built()          # the deferred half of the build (ui/desk_start.py), at once
        made.append(w)
        return w

    yield make
    from desktop_app.ui import i18n

    for w in made:
        w.close()
        w.shutdown()
    i18n.set_language("en")
