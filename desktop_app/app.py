"""``stockscan``: start the desktop application (or install its desktop entry).

    stockscan                      open the window (source from the settings: auto/akshare/demo)
    stockscan 600519               open the window and then that stock
    stockscan --source demo        force the demo market for this run
    stockscan --install-desktop    add StockScan to the application menu of the current user

The order matters: organisation/application names before any ``QSettings``; the user folders
checked (a read-only or missing data/cache/log folder, or ``STOCKSCAN_HOME`` naming a file, is one
sentence in a dialog and exit 2); logging to a rotating file before anything else can fail (a
windowed app may have no stderr); the user files opened and validated here (a damaged history or
watchlist is moved aside, another program's file never written to, an out-of-range setting falls
back to its default; a history that cannot be written at all — full disk, locked — leaves this
session's tasks in memory), each problem one sentence in a start-up message
(``show_startup_notices``); the source is detected off the GUI thread after the window is shown,
and a bar store that had to be set aside is reported when it arrives.
"""
from __future__ import annotations

import argparse
import builtins
import logging
import os
import sys
from functools import partial
from pathlib import Path
from typing import Any

from desktop_app.core.desktop_entry import DESKTOP_ID, install_desktop

APP_NAME = "StockScan"
ORG_NAME = "StockScan"
ORG_DOMAIN = "stockscan.app"
LOG_FILE = "stockscan.log"

log = logging.getLogger("stockscan")
#: Python's own import, taken before PySide6 replaces it (see ``_without_feature_import_hook``).
_PYTHON_IMPORT = builtins.__import__


class StartupRefused(Exception):
    """The window cannot start: ``reason`` (one sentence) is shown in a dialog, exit 2."""

    def __init__(self, reason: Any):
        super().__init__(str(reason))
        self.reason = reason


def log_path() -> Path:
    from desktop_app.core import paths

    return paths.log_dir() / LOG_FILE


def setup_logging(level: int = logging.INFO, rotating: bool = True) -> Path:
    """A rotating log file in the platformdirs log dir (plus stderr when there is one).
    ``rotating=False``: a plain handler on the same file, for the start until the first frame
    (``logging.handlers`` imports socket and pickle, ≈13 ms); calling again swaps it, nothing lost."""
    path = log_path()
    root = logging.getLogger()
    for h in list(root.handlers):
        if getattr(h, "_stockscan", False):
            root.removeHandler(h)
            h.close()
    if rotating:
        from logging.handlers import RotatingFileHandler

        fh: logging.Handler = RotatingFileHandler(path, maxBytes=2_000_000, backupCount=3, encoding="utf-8")
    else:
        fh = logging.FileHandler(path, encoding="utf-8")
    fh.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(threadName)s %(name)s: %(message)s"))
    fh._stockscan = True  # type: ignore[attr-defined]
    root.addHandler(fh)
    if sys.stderr is not None:
        sh = logging.StreamHandler()
        sh.setLevel(logging.WARNING)
        sh._stockscan = True  # type: ignore[attr-defined]
        root.addHandler(sh)
    root.setLevel(level)
    return path


def parse_args(argv: list[str] | None) -> tuple[argparse.Namespace, list[str]]:
    p = argparse.ArgumentParser(prog="stockscan", description="StockScan: scan, score and chart A-shares.")
    p.add_argument("code", nargs="?", help="a stock code to open once the window is up, e.g. 600519")
    p.add_argument("--install-desktop", action="store_true",
                   help="install the application-menu entry and icon for the current user, then exit")
    p.add_argument("--source", choices=("auto", "akshare", "demo"),
                   help="data source for this run (default: the one in the settings)")
    p.add_argument("--demo-stocks", type=int, default=None,
                   help="size of the demo market (default 5000; smaller starts faster)")
    args, rest = p.parse_known_args(sys.argv[1:] if argv is None else argv)
    return args, rest


class HandedOver(Exception):
    """A StockScan already runs for these user dirs and took this start's arguments."""


def build(argv: list[str] | None = None) -> tuple[Any, Any, Any, argparse.Namespace]:
    """Create (or reuse) the QApplication and the main window, not yet shown; returns
    ``(app, window, exception_router, args)``. ``main`` runs the event loop; tests drive it."""
    os.environ.setdefault("TQDM_DISABLE", "1")  # akshare's tqdm bars raise without a stderr
    os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")
    args, qt_args = parse_args(argv)
    from PySide6.QtCore import QCoreApplication, QSettings
    from PySide6.QtGui import QGuiApplication, QIcon
    from PySide6.QtWidgets import QApplication

    QCoreApplication.setOrganizationName(ORG_NAME)
    QCoreApplication.setOrganizationDomain(ORG_DOMAIN)
    QCoreApplication.setApplicationName(APP_NAME)
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "stockscan", *qt_args])
    _without_feature_import_hook()
    from desktop_app.ui.main_thread_gc import install as collect_on_the_gui_thread

    collect_on_the_gui_thread(app)              # a worker's collection could deadlock on a Qt object
    QGuiApplication.setDesktopFileName(DESKTOP_ID)
    QGuiApplication.setApplicationDisplayName(APP_NAME)

    from desktop_app.core import paths
    from desktop_app.ui import i18n, theme
    from desktop_app.ui.app_context import AppContext
    from desktop_app.ui.error_dialog import ExceptionRouter
    from desktop_app.ui.settings_dialog import load_settings

    notices: list[Any] = []
    settings = load_settings(problems=notices)
    i18n.set_language(settings["language"])
    problem = paths.check_dirs(("data", "cache", "log"))
    if problem is not None:
        raise StartupRefused(problem)
    if args.demo_stocks is not None:
        from desktop_app.core.data.demo import max_stocks
        from desktop_app.core.reasons import R

        if not 1 <= args.demo_stocks <= max_stocks():
            raise StartupRefused(R("demo_size", maximum=max_stocks(), n=args.demo_stocks))
    from desktop_app.ui.single_instance import InstanceServer, bring_to_front, forward

    if forward(args.code):               # another StockScan of these user dirs runs: it takes over
        raise HandedOver()
    from desktop_app.ui.main_window import MainWindow   # (a second instance never imports the window)

    logfile = setup_logging(rotating=False)
    log.info("StockScan starting (argv=%s)", argv)
    router = ExceptionRouter(logfile)
    router.install()
    icon = paths.resources_dir() / "icons" / "stockscan.svg"
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    theme.apply_theme(settings["theme"])
    history, watchlist = open_user_files(notices)
    ctx = AppContext(history=history, watchlist=watchlist, max_running=settings["max_running"],
                     demo_stocks=args.demo_stocks)
    tm = ctx.task_manager
    if hasattr(tm, "set_retention"):
        tm.set_retention(int(settings["history_keep"]))
    window = MainWindow(context=ctx, defer_desk=True)   # the first frame is the shell (ui/desk_build.py)
    window.pending_open_symbol = args.code
    window.instance_server = InstanceServer(parent=window)
    window.instance_server.opened.connect(bring_to_front(window, window.open_symbol))
    window.startup_notices = notices          # shown by main() once the window is up
    ctx.source_changed.connect(lambda: _notice_rebuilt_store(window))
    # after the first frame, ahead of the stock view's build, which then overlaps them (ui/desk_start.py):
    # the stored tasks (read on the history thread) and the source's detection (on a worker)
    window.after_first_frame(tm.load_history, first=True)
    window.after_first_frame(partial(ctx.switch_source, args.source or settings["source"]), first=True)
    # the font database's full scan (~7 ms) waits for the first frame; main() shows the notices after it
    window.after_first_frame(partial(_add_font_notice, window))
    window.after_first_frame(setup_logging)        # the rotating handler, on the same file
    return app, window, router, args


def _add_font_notice(window: Any) -> None:
    from desktop_app.ui import i18n

    missing_font = cjk_font_notice(i18n.current_language())
    if missing_font is not None:
        window.startup_notices.append(missing_font)


def _without_feature_import_hook() -> None:
    """Give ``import`` back to Python. PySide6 wraps it (``__feature_import__``) so that a module
    may write ``from __feature__ import snake_case``; the wrapper then reads the source file of
    every module that imports anything, to see whether it mentions PySide6 — ~30 ms over the
    window's ~90 small modules before the first frame. StockScan uses no ``__feature__``."""
    if getattr(builtins.__import__, "__name__", "") == "__feature_import__":
        builtins.__import__ = _PYTHON_IMPORT


def open_user_files(notices: list[Any]) -> tuple[Any, Any]:
    """The history and the watchlist, validated (``core/history.py``, ``core/watchlist.py``);
    what had to be done about them is appended to ``notices`` as Reasons. A history that cannot
    be used at all (full disk, read-only, locked by another process) becomes an in-memory one."""
    from desktop_app.core.file_errors import FileProblem
    from desktop_app.core.history import HistoryStore
    from desktop_app.core.reasons import R
    from desktop_app.core.group_watchlist import GroupWatchlist

    try:
        history = HistoryStore()
        if history.opened_note is not None:
            notices.append(history.opened_note)
    except FileProblem as e:
        log.error("history unusable: %s", e.reason)
        notices.append(R("file_unusable_memory", reason=e.reason))
        history = HistoryStore(":memory:")
    watchlist = GroupWatchlist()          # the groups (core/watch_store.py), watchlist.json migrated
    if watchlist.opened_note is not None:
        notices.append(watchlist.opened_note)
    return history, watchlist


def _notice_rebuilt_store(window: Any) -> None:
    """A bar store set aside when the source came up: tell the user once, naming the kept copy."""
    store = getattr(window.ctx, "store", None)
    reason = getattr(store, "rebuilt", None)
    told = window.__dict__.setdefault("_stores_noticed", set())
    if reason is not None and id(store) not in told:
        told.add(id(store))
        window.store_notice = show_startup_notices(window, [reason])


def cjk_font_notice(language: str) -> Any:
    """A notice (once, at start) when no Chinese font is installed: Chinese would show as boxes."""
    from PySide6.QtGui import QFontDatabase

    if QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese):
        return None
    from desktop_app.core.reasons import R

    log.warning("no font with Chinese characters is installed")
    return R("no_cjk_font", package="fonts-noto-cjk")


def show_startup_notices(window: Any, notices: list[Any] | None = None) -> Any:
    """One non-modal message listing what was done about the user's files (each sentence names
    the file and the kept copy). Returns the message box (None when there is nothing to say)."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QMessageBox

    from desktop_app.ui.i18n import reason_text, tr

    notices = list(getattr(window, "startup_notices", []) if notices is None else notices)
    if not notices:
        return None
    box = QMessageBox(QMessageBox.Icon.Warning, tr("Your files"), "\n\n".join(reason_text(n) for n in notices),
                      QMessageBox.StandardButton.Ok, window)
    box.setObjectName("startupNotices")
    box.setWindowModality(Qt.WindowModality.NonModal)
    box.open()
    log.warning("start-up notices: %s", "; ".join(str(n) for n in notices))
    return box


def _refusal_dialog(reason: Any) -> None:
    """The sentence of a refused start, in a dialog (and on stderr when there is one)."""
    from desktop_app.ui.i18n import reason_text, tr

    text = reason_text(reason)
    if sys.stderr is not None:
        print(text, file=sys.stderr)
    try:
        from PySide6.QtWidgets import QApplication, QMessageBox

        if QApplication.instance() is not None:
            QMessageBox.critical(None, tr("StockScan cannot start"), text)
    except Exception:  # pragma: no cover - nothing more we can do
        pass


def main(argv: list[str] | None = None) -> int:
    args, _ = parse_args(argv)
    if args.install_desktop:
        for p in install_desktop():
            print(p)
        return 0
    try:
        app, window, router, _ = build(argv)
    except HandedOver:
        return 0
    except StartupRefused as e:
        _refusal_dialog(e.reason)
        return 2
    except Exception:  # start-up failed: say so in a dialog if Qt is up, and in the log
        log.exception("start-up failed")
        _startup_error()
        return 1
    window.show()
    window.after_first_frame(partial(show_startup_notices, window))   # after the font check's step
    _quit_on_signals(app)
    rc = app.exec()
    window.shutdown()
    router.uninstall()
    log.info("StockScan exited with %s", rc)
    return int(rc)


def _quit_on_signals(app: Any) -> None:
    """SIGTERM/SIGINT end the event loop normally, so shutdown (cancel, join, record) still runs.
    Python only sees a signal when it gets control: a short idle timer hands it control."""
    import signal

    from PySide6.QtCore import QTimer

    def quit_(*_: Any) -> None:
        log.info("signal received: quitting")
        app.quit()

    for sig in (signal.SIGTERM, signal.SIGINT):
        try:
            signal.signal(sig, quit_)
        except (ValueError, OSError):  # not the main thread, or unsupported here
            return
    timer = QTimer(app)
    timer.setInterval(250)
    timer.timeout.connect(lambda: None)
    timer.start()


def _startup_error() -> None:
    import traceback

    try:
        from PySide6.QtWidgets import QApplication

        from desktop_app.ui.error_dialog import ErrorDialog

        if QApplication.instance() is not None:
            dlg = ErrorDialog("StockScan could not start.", traceback.format_exc(), log_path())
            dlg.exec()
    except Exception:  # pragma: no cover - nothing more we can do
        pass
