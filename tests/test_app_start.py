"""Start-up: ``stockscan`` builds the app (names before QSettings, desktop file name, icon, log
file, exception hook), detects the source off the GUI thread, opens a code given on the command
line, runs ``main()`` to a clean exit, and ``--install-desktop`` installs the menu entry."""
from __future__ import annotations

import sys

import pytest
from PySide6.QtCore import QCoreApplication, QSettings, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from desktop_app import app as app_mod
from desktop_app.ui import i18n
from desktop_app.ui.error_dialog import ErrorDialog, ExceptionRouter
from desktop_app.ui.main_window import MainWindow


@pytest.fixture
def restore_app_identity():
    names = (QCoreApplication.organizationName(), QCoreApplication.applicationName())
    hook = sys.excepthook
    yield
    QCoreApplication.setOrganizationName(names[0])
    QCoreApplication.setApplicationName(names[1])
    sys.excepthook = hook
    i18n.set_language("en")


def test_install_desktop_writes_entry_and_icons(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "share"))
    assert app_mod.main(["--install-desktop"]) == 0
    desktop = tmp_path / "share/applications/stockscan.desktop"
    text = desktop.read_text(encoding="utf-8")
    assert "Type=Application" in text and "Icon=stockscan" in text and "Terminal=false" in text
    exec_line = next(line for line in text.splitlines() if line.startswith("Exec="))
    assert "stockscan" in exec_line or "desktop_app" in exec_line
    assert (tmp_path / "share/icons/hicolor/scalable/apps/stockscan.svg").exists()
    assert (tmp_path / "share/icons/hicolor/256x256/apps/stockscan.png").exists()


def test_install_desktop_lives_in_core_without_qt(tmp_path):
    """The desktop entry is plain files: core.desktop_entry, which the window and app.py share."""
    import ast
    from pathlib import Path

    from desktop_app.core import desktop_entry

    assert app_mod.install_desktop is desktop_entry.install_desktop
    written = desktop_entry.install_desktop(tmp_path / "share")
    assert written[0] == tmp_path / "share/applications/stockscan.desktop" and written[0].exists()
    tree = ast.parse(Path(desktop_entry.__file__).read_text(encoding="utf-8"))
    mods = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    mods |= {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert not any(m.startswith(("PySide6", "desktop_app.app", "desktop_app.ui")) for m in mods)


def test_the_window_installs_the_entry_off_the_gui_thread(qtbot, tmp_path, monkeypatch):
    import threading

    from desktop_app.ui import main_window
    from desktop_app.ui.app_context import AppContext

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "share"))
    threads = []
    real = main_window.install_desktop

    def spy(*a, **k):
        threads.append(threading.current_thread().name)
        return real(*a, **k)

    monkeypatch.setattr(main_window, "install_desktop", spy)
    w = MainWindow(context=AppContext.for_demo(n_stocks=50), restore=False)
    qtbot.addWidget(w)
    w.ensure_built()          # the stock view is built after the first frame
    try:
        w.install_action.trigger()
        qtbot.waitUntil(lambda: "stockscan.desktop" in w.statusBar().currentMessage(), timeout=5000)
        assert (tmp_path / "share/applications/stockscan.desktop").exists()
        assert len(threads) == 1 and threads[0].startswith("stockscan-bg")
    finally:
        w.close()


def test_build_sets_identity_logs_and_opens_the_code(qtbot, restore_app_identity, isolated_home):
    qapp, window, router, args = app_mod.build(["--source", "demo", "--demo-stocks", "80", "600519"])
    qtbot.addWidget(window)
    try:
        assert QCoreApplication.organizationName() == app_mod.ORG_NAME
        assert QCoreApplication.applicationName() == app_mod.APP_NAME
        assert QGuiApplication.desktopFileName() == "stockscan"
        assert QSettings.defaultFormat() == QSettings.Format.IniFormat
        assert not qapp.windowIcon().isNull()
        assert sys.excepthook == router.handle
        assert window.pending_open_symbol == "600519"
        window.show()
        # the source is built off the GUI thread; the window then opens the pending code
        qtbot.waitUntil(lambda: window.ctx.source is not None, timeout=20000)
        assert window.ctx.is_demo and window.demo_badge.isVisible()
        assert window.current_symbol == "600519" and window.stock_view.current_symbol() == "600519"
        assert app_mod.log_path().exists()
        assert str(isolated_home) in str(app_mod.log_path())
        # the start logs through a plain handler; the rotating one replaces it after the first frame
        qtbot.waitUntil(window.is_built, timeout=20000)
        import logging
        from logging.handlers import RotatingFileHandler

        ours = [h for h in logging.getLogger().handlers if getattr(h, "_stockscan", False)
                and isinstance(h, logging.FileHandler)]
        assert len(ours) == 1 and isinstance(ours[0], RotatingFileHandler)
        logging.getLogger("stockscan").info("after the first frame")
        ours[0].flush()
        text = app_mod.log_path().read_text(encoding="utf-8")
        assert "StockScan starting" in text and "after the first frame" in text
        # first start on an empty demo store: a visible backfill task fills it
        qtbot.waitUntil(lambda: any(window.tm.get(t).kind == "refresh" for t in window.tm.task_ids()),
                        timeout=10000)
    finally:
        window.close()
        router.uninstall()


def test_main_runs_the_event_loop_and_exits_cleanly(qtbot, restore_app_identity):
    def close_when_ready():
        ws = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        if ws and ws[0].ctx.source is not None:
            ws[0].close()
        else:
            QTimer.singleShot(50, close_when_ready)

    QTimer.singleShot(50, close_when_ready)
    assert app_mod.main(["--source", "demo", "--demo-stocks", "60"]) == 0


def test_uncaught_exception_reaches_a_dialog_with_copyable_details(qtbot, tmp_path):
    router = ExceptionRouter(tmp_path / "stockscan.log")
    router.install()
    try:
        try:
            raise ValueError("bad thing happened")
        except ValueError:
            router.handle(*sys.exc_info())
        qtbot.waitUntil(lambda: bool(router.dialogs), timeout=2000)
        dlg: ErrorDialog = router.dialogs[-1]
        qtbot.addWidget(dlg)
        assert "ValueError: bad thing happened" in dlg.summary_label.text()
        assert str(tmp_path / "stockscan.log") in dlg.log_label.text()
        dlg.copy_details()
        copied = QGuiApplication.clipboard().text()
        assert "bad thing happened" in copied and "Traceback" in copied
        dlg._toggle()
        assert dlg.details_edit.isVisible()
    finally:
        router.uninstall()


def test_exception_in_a_worker_thread_reaches_the_gui(qtbot, tmp_path):
    import threading

    router = ExceptionRouter(tmp_path / "x.log")
    router.install()
    try:
        t = threading.Thread(target=lambda: 1 / 0, name="boom")
        t.start()
        t.join()
        qtbot.waitUntil(lambda: bool(router.dialogs), timeout=2000)
        assert "ZeroDivisionError" in router.dialogs[-1].summary_label.text()
        qtbot.addWidget(router.dialogs[-1])
    finally:
        router.uninstall()


def test_first_start_scan_needs_no_store_and_the_fill_waits_for_it(qtbot, restore_app_identity, isolated_home,
                                                                   monkeypatch):
    """F5 at once on a first start: queued until the source is up, then the scan reads the demo
    market from memory and completes over the whole market, while the first-start backfill waits
    for it (writes nothing while it runs) and fills the store afterwards."""
    import time

    from desktop_app.core import scan as scan_mod, scoring

    real = scoring.score_panel
    monkeypatch.setattr(scan_mod, "CHUNK", 20)                       # a scan of several steps
    monkeypatch.setattr(scoring, "score_panel", lambda p, *a, **k: (time.sleep(0.05), real(p, *a, **k))[1])
    qapp, window, router, args = app_mod.build(["--source", "demo", "--demo-stocks", "120"])
    qtbot.addWidget(window)
    fills: list[str] = []
    window.ctx.backfill_started.connect(fills.append)
    stored_while_scanning: list[int] = []
    try:
        window.show()
        assert window.ctx.source is None
        assert window.start_scan() == ""                               # F5 before the source is up …
        assert "as soon as the data source is ready" in window.scan_panel.universe_error.text()
        qtbot.waitUntil(lambda: bool(window.last_scan_id), timeout=20000)   # … runs once it is
        scan = window.last_scan_id
        qtbot.waitUntil(lambda: bool(fills), timeout=20000)
        fill = fills[0]

        def scanning() -> bool:
            if not window.tm.get(scan).is_terminal:
                stored_while_scanning.append(len(window.ctx.store.symbols()))
                return False
            return True
        qtbot.waitUntil(scanning, timeout=20000)
        info = window.tm.get(scan)
        assert info.status.value == "completed" and info.total == 120 and info.found > 0
        assert stored_while_scanning and set(stored_while_scanning) == {0}    # the fill waited
        qtbot.waitUntil(lambda: window.tm.get(fill).is_terminal, timeout=20000)
        assert window.tm.get(fill).status.value == "completed"
        assert len(window.ctx.store.symbols()) == 120
    finally:
        window.close()
        router.uninstall()
