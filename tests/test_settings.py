"""Settings: the dialog's values, persistence across a restart, live application (concurrency,
language, theme, retention, clear cache). The catalogue's coverage: tests/test_i18n_coverage.py."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, Qt

from desktop_app.core import paths
from desktop_app.ui import i18n, theme
from desktop_app.ui.chart.style import THEMES
from desktop_app.ui.app_context import AppContext
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.settings_dialog import DEFAULTS, SettingsDialog, load_settings, save_settings


@pytest.fixture
def window(qtbot):
    made = []

    def make() -> MainWindow:
        w = MainWindow(context=AppContext.for_demo(n_stocks=60))
        qtbot.addWidget(w)
        w.ensure_built()          # the stock view is built after the first frame
        made.append(w)
        return w

    yield make
    for w in made:
        w.close()
    i18n.set_language("en")
    theme.apply_theme("system")


def test_defaults_and_round_trip():
    assert load_settings() == DEFAULTS
    save_settings({"source": "demo", "max_running": 3, "history_keep": 50, "language": "zh_CN",
                   "theme": "dark"})
    s = load_settings()
    assert s == {"source": "demo", "max_running": 3, "history_keep": 50, "language": "zh_CN", "theme": "dark"}
    assert QSettings().value("settings/max_running") in (3, "3")


def test_dialog_shows_and_returns_values(qtbot):
    cleared = []
    dlg = SettingsDialog({"source": "demo", "max_running": 4, "language": "en", "theme": "light"},
                         clear_cache=lambda: cleared.append(1))
    qtbot.addWidget(dlg)
    assert dlg.values() == {"source": "demo", "max_running": 4, "history_keep": DEFAULTS["history_keep"],
                            "language": "en", "theme": "light"}
    assert dlg.cache_path.text() == str(paths.cache_dir())
    dlg.source_combo.setCurrentIndex(dlg.source_combo.findData("akshare"))
    dlg.max_running.setValue(1)
    dlg.language_combo.setCurrentIndex(dlg.language_combo.findData("zh_CN"))
    assert dlg.values()["source"] == "akshare" and dlg.values()["max_running"] == 1
    qtbot.mouseClick(dlg.clear_button, Qt.MouseButton.LeftButton)
    assert cleared == [1] and not dlg.clear_button.isEnabled()


def test_applied_settings_take_effect_and_survive_a_restart(window, qtbot):
    w = window()
    w.apply_settings({"max_running": 3, "language": "zh_CN", "theme": "dark", "history_keep": 30})
    assert w.tm.max_running() == 3
    assert w.scan_dock.windowTitle() == "扫描" and w.results_dock.windowTitle() == "结果"
    assert w.scan_action.text() == "开始扫描"
    assert theme.is_dark()
    assert w.stock_view.chart.style_ is THEMES["dark"]   # the chart follows the app theme
    w.close()
    assert load_settings()["max_running"] == 3
    w2 = window()
    assert w2.settings["language"] == "zh_CN" and w2.settings["theme"] == "dark"


def test_clear_cache_empties_the_store_off_the_gui_thread(window, qtbot):
    w = window()
    store = w.ctx.store
    sym = str(w.ctx.source.universe()["symbol"][0])
    store.write(sym, w.ctx.source.daily_bars(sym))
    assert sym in store
    w.clear_cache()
    qtbot.waitUntil(lambda: sym not in store, timeout=5000)
    qtbot.waitUntil(lambda: w.freshness_label.text() == "No data cached yet", timeout=5000)


def test_tr_and_qt_translator_follow_the_language():
    i18n.set_language("zh_CN")
    assert i18n.tr("Watchlist") == "自选股"
    from PySide6.QtCore import QCoreApplication

    assert QCoreApplication.translate("TaskManager", "Found") == "命中"
    i18n.set_language("en")
    assert i18n.tr("Watchlist") == "Watchlist"
    assert QCoreApplication.translate("TaskManager", "Found") == "Found"


def test_background_result_for_a_deleted_widget_is_dropped(qtbot):
    """A worker result whose receiver's widget was closed and deleted meanwhile is dropped,
    not delivered into a dead C++ object."""
    import threading

    import shiboken6
    from PySide6.QtCore import QObject

    from desktop_app.ui.app_context import BackgroundRunner

    class Receiver(QObject):
        got: list = []

        def take(self, value):
            self.got.append(value)

    runner = BackgroundRunner()
    release = threading.Event()
    dead, live = Receiver(), Receiver()
    runner.run(lambda: release.wait(5) and 1, dead.take)
    runner.run(lambda: 2, live.take)
    shiboken6.delete(dead)
    release.set()
    qtbot.waitUntil(lambda: runner.pending_count() == 0, timeout=3000)
    runner.shutdown()
    assert Receiver.got == [2]
