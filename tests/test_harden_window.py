"""Issue 11 §5: the window starts, with a message naming the kept copy, on each damaged user
file; another program's history is never modified; an unusable home is one sentence in a dialog
(exit 2); an out-of-range saved setting falls back to its default with a message."""
from __future__ import annotations

import errno
import sqlite3
import sys

import pytest
from PySide6.QtCore import QCoreApplication, QSettings
from PySide6.QtWidgets import QMessageBox

from desktop_app import app as app_mod
from desktop_app.core import paths
from desktop_app.ui import i18n

ARGV = ["--source", "demo", "--demo-stocks", "40"]


@pytest.fixture
def start(qtbot):
    """``start()``: build the window as ``stockscan`` does; closed (threads joined) afterwards."""
    names = (QCoreApplication.organizationName(), QCoreApplication.applicationName())
    hook = sys.excepthook
    made = []

    def go(argv=ARGV):
        qapp, window, router, args = app_mod.build(list(argv))
        qtbot.addWidget(window)
        made.append((window, router))
        return window

    yield go
    for window, router in made:
        window.close()
        router.uninstall()
    QCoreApplication.setOrganizationName(names[0])
    QCoreApplication.setApplicationName(names[1])
    sys.excepthook = hook
    i18n.set_language("en")


def _texts(window):
    return [i18n.reason_text(n) for n in window.startup_notices]


def _random(path):
    path.write_bytes(bytes((i * 37 + 11) % 256 for i in range(8192)))


def _truncated(path):
    from desktop_app.core.history import HistoryStore

    h = HistoryStore(path)
    for i in range(300):
        h.save_task({"id": f"t{i:04d}", "kind": "scan", "title": "x" * 200, "status": "completed"})
    h.close()
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _foreign_tasks(path):
    c = sqlite3.connect(path)
    c.execute("CREATE TABLE tasks(id INTEGER PRIMARY KEY, todo TEXT)")
    c.execute("INSERT INTO tasks(todo) VALUES('water the plants')")
    c.commit()
    c.close()


@pytest.mark.parametrize("damage", [_random, _truncated, _foreign_tasks], ids=["random", "truncated", "foreign"])
def test_the_window_starts_on_a_damaged_or_foreign_history(start, damage, qtbot):
    path = paths.data_dir() / "history.sqlite"
    damage(path)
    before = path.read_bytes()
    w = start()
    kept = [p for p in path.parent.iterdir() if (".corrupt-" in p.name or ".foreign-" in p.name)
            and not p.name.endswith("-wal")]
    assert len(kept) == 1 and kept[0].read_bytes() == before          # never modified
    assert any(str(kept[0]) in t for t in _texts(w))
    w.show()
    box = app_mod.show_startup_notices(w)
    assert isinstance(box, QMessageBox) and str(kept[0]) in box.text()
    qtbot.waitUntil(lambda: w.ctx.source is not None, timeout=20000)


@pytest.mark.parametrize("raw", ["null", "5", '{"symbols": null}'])
def test_the_window_starts_on_a_watchlist_that_holds_no_list(start, raw):
    (paths.data_dir() / "watchlist.json").write_text(raw)
    w = start()
    assert w.ctx.watchlist.symbols() == []
    assert any("watchlist.json.corrupt-" in t for t in _texts(w))


def test_a_watchlist_from_notepad_keeps_its_codes_in_the_window(start):
    (paths.data_dir() / "watchlist.json").write_bytes(b'\xef\xbb\xbf{"symbols": ["600519", "000001",]}')
    w = start()
    assert w.ctx.watchlist.symbols() == ["600519", "000001"] and w.startup_notices == []


def test_a_full_disk_leaves_the_history_in_memory_and_says_so(start, monkeypatch):
    from desktop_app.core.history import HistoryStore

    real = HistoryStore._connect_and_prepare

    def full(self):
        if str(self.path) != ":memory:":
            raise sqlite3.OperationalError("database or disk is full")
        return real(self)

    monkeypatch.setattr(HistoryStore, "_connect_and_prepare", full)
    w = start()
    texts = _texts(w)
    assert any("disk is full" in t and "history.sqlite" in t and "memory" in t for t in texts), texts
    assert w.ctx.history.path.name == ":memory:"


def test_an_out_of_range_setting_falls_back_to_its_default(start):
    QCoreApplication.setOrganizationName(app_mod.ORG_NAME)
    QCoreApplication.setApplicationName(app_mod.APP_NAME)
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    s = QSettings()
    s.setValue("settings/max_running", 0)
    s.setValue("settings/history_keep", "lots")
    s.setValue("settings/theme", "purple")
    s.sync()
    w = start()
    texts = " ".join(_texts(w))
    assert "max_running" in texts and "history_keep" in texts and "theme" in texts
    assert w.ctx.task_manager.max_running() == 2


@pytest.mark.parametrize("home", ["file", "readonly"])
def test_an_unusable_home_is_one_sentence_in_a_dialog(qtbot, monkeypatch, tmp_path, home):
    if home == "file":
        f = tmp_path / "not-a-folder"
        f.write_text("x")
        monkeypatch.setenv("STOCKSCAN_HOME", str(f))
    else:
        monkeypatch.setattr(paths, "_probe", lambda p: (_ for _ in ()).throw(
            OSError(errno.EROFS, "Read-only file system")))
    shown = []
    monkeypatch.setattr(QMessageBox, "critical", staticmethod(lambda parent, title, text, *a: shown.append(text)))
    names = (QCoreApplication.organizationName(), QCoreApplication.applicationName())
    try:
        assert app_mod.main(ARGV) == 2
    finally:
        QCoreApplication.setOrganizationName(names[0])
        QCoreApplication.setApplicationName(names[1])
        i18n.set_language("en")
    assert len(shown) == 1 and "\n" not in shown[0]
    assert ("not-a-folder" in shown[0]) if home == "file" else ("STOCKSCAN_HOME" in shown[0])


def test_a_damaged_bar_store_is_reported_when_the_source_arrives(start, qtbot):
    (paths.cache_dir() / "bars-demo-40-7.sqlite").write_bytes(b"garbage" * 1000)
    w = start()
    w.show()
    qtbot.waitUntil(lambda: getattr(w, "store_notice", None) is not None, timeout=20000)
    assert "bars-demo-40-7.sqlite.corrupt-" in w.store_notice.text()
