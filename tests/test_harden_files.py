"""Issue 11 §5: every user file is validated when opened. A damaged one is moved aside with a
message naming the kept copy; another program's file is never written to; a busy history is
waited for; a watchlist saved by Notepad (BOM) or with a trailing comma keeps its codes."""
from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import textwrap

import pytest

from desktop_app.core import file_errors as fe
from desktop_app.core.history import HistoryStore
from desktop_app.core.watchlist import Watchlist


def _history_with_a_task(path):
    h = HistoryStore(path)
    h.save_task({"id": "abc123", "kind": "scan", "title": "t", "status": "completed"})
    h.close()


def _damage(path, how: str) -> None:
    if how == "random":
        import random

        rnd = random.Random(5)
        path.write_bytes(bytes(rnd.randrange(256) for _ in range(8192)))
    elif how == "truncated":
        _history_with_a_task(path)
        h = HistoryStore(path)             # a few more pages, then cut the file in the middle
        for i in range(300):
            h.save_task({"id": f"t{i:04d}", "kind": "scan", "title": "x" * 200, "status": "completed"})
        h.close()
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2])
    elif how == "foreign_tasks":
        c = sqlite3.connect(path)
        c.execute("CREATE TABLE tasks(id INTEGER PRIMARY KEY, todo TEXT, done INTEGER)")
        c.execute("INSERT INTO tasks(todo, done) VALUES('buy milk', 0)")
        c.commit()
        c.close()
    elif how == "foreign_tables":
        c = sqlite3.connect(path)
        c.execute("CREATE TABLE notes(body TEXT)")
        c.commit()
        c.close()


@pytest.mark.parametrize("how", ["random", "truncated", "foreign_tasks", "foreign_tables"])
def test_a_damaged_or_foreign_history_is_set_aside_untouched(tmp_path, how):
    path = tmp_path / "history.sqlite"
    _damage(path, how)
    before = path.read_bytes()
    h = HistoryStore(path)
    try:
        tag = "foreign" if how.startswith("foreign") else "corrupt"
        kept = [p for p in tmp_path.iterdir() if f".{tag}-" in p.name and not p.name.endswith("-wal")]
        assert len(kept) == 1 and kept[0].read_bytes() == before        # never written to
        note = h.opened_note
        assert note is not None and str(kept[0]) in note.text("zh") and str(kept[0]) in note.text("en")
        assert ("不是 StockScan" in note.text("zh")) == (tag == "foreign")
        h.save_task({"id": "new1", "kind": "scan", "title": "t", "status": "completed"})
        assert [t["id"] for t in h.load_tasks()] == ["new1"]
    finally:
        h.close()


def test_a_good_history_is_used_as_it_is(tmp_path):
    path = tmp_path / "history.sqlite"
    _history_with_a_task(path)
    h = HistoryStore(path)
    try:
        assert h.opened_note is None and [t["id"] for t in h.load_tasks()] == ["abc123"]
        assert [p.name for p in tmp_path.iterdir() if "corrupt" in p.name or "foreign" in p.name] == []
    finally:
        h.close()


HOLD = textwrap.dedent("""
    import sqlite3, sys
    c = sqlite3.connect(sys.argv[1], isolation_level=None)
    c.execute("PRAGMA journal_mode=DELETE")
    c.execute("BEGIN EXCLUSIVE")
    print("locked", flush=True)
    sys.stdin.readline()
    c.execute("COMMIT")
""")


def test_a_locked_history_is_waited_for_then_named(tmp_path):
    path = tmp_path / "history.sqlite"
    _history_with_a_task(path)
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(path)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "locked"
        with pytest.raises(fe.FileBusy) as ei:
            HistoryStore(path, busy_timeout=0.05)
        assert str(path) in ei.value.reason.text("en") and str(proc.pid) in ei.value.reason.text("zh")
        notes = []

        def release(note):
            notes.append(note)
            proc.stdin.write("go\n")
            proc.stdin.close()

        h = HistoryStore(path, busy_timeout=0.2, on_busy=release)
        try:
            assert notes and [t["id"] for t in h.load_tasks()] == ["abc123"]
        finally:
            h.close()
    finally:
        if not proc.stdin.closed:
            proc.stdin.close()
        proc.wait(10)
    assert [p.name for p in tmp_path.iterdir() if "corrupt" in p.name] == []


def test_a_full_disk_in_the_history_is_a_sentence(tmp_path):
    h = HistoryStore(tmp_path / "history.sqlite")
    try:
        real = h._conn
        class Full:
            def execute(self, *a):
                raise sqlite3.OperationalError("database or disk is full")

            def __getattr__(self, name):
                return getattr(real, name)
        h._conn = Full()
        with pytest.raises(fe.DiskFull) as ei:
            h.save_task({"id": "x", "kind": "scan", "title": "t"})
        assert str(h.path) in ei.value.reason.text("zh")
        h._conn = real
    finally:
        h.close()


# ---------------------------------------------------------------------------------- watchlist
@pytest.mark.parametrize("raw", [
    b'\xef\xbb\xbf{"version": 1, "symbols": ["600519", "000001"]}',          # Notepad's BOM
    b'{"version": 1, "symbols": ["600519", "000001",]}',                      # a trailing comma
    b'["600519", "000001",]\n',
    b'\xef\xbb\xbf["600519",\n "000001",\n]',
])
def test_a_watchlist_with_a_bom_or_a_trailing_comma_keeps_its_codes(tmp_path, raw):
    path = tmp_path / "watchlist.json"
    path.write_bytes(raw)
    w = Watchlist(path)
    assert w.symbols() == ["600519", "000001"] and w.opened_note is None
    w.add("300750")
    w.save()
    assert json.loads(path.read_text(encoding="utf-8"))["symbols"] == ["600519", "000001", "300750"]


@pytest.mark.parametrize("raw", [b"null", b"5", b'{"symbols": null}', b'{"symbols": 5}', b'"600519"',
                                 b"{not json", b"\xff\xfe\x00garbage", b'{"theme": "dark"}'])
def test_a_watchlist_that_holds_no_list_is_set_aside_with_a_message(tmp_path, raw):
    path = tmp_path / "watchlist.json"
    path.write_bytes(raw)
    w = Watchlist(path)
    assert w.symbols() == []
    kept = [p for p in tmp_path.iterdir() if ".corrupt-" in p.name]
    assert len(kept) == 1 and kept[0].read_bytes() == raw
    assert str(kept[0]) in w.opened_note.text("zh") and str(kept[0]) in w.opened_note.text("en")
    w.add("600519")
    w.save()                                   # a fresh list; the user's bytes are kept aside
    assert kept[0].read_bytes() == raw


def test_an_unreadable_watchlist_is_never_overwritten(tmp_path, monkeypatch):
    path = tmp_path / "watchlist.json"
    path.write_text('["600519"]')
    from pathlib import Path

    real = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: (_ for _ in ()).throw(PermissionError(13, "Permission denied"))
                        if self == path else real(self))
    w = Watchlist(path)
    monkeypatch.setattr(Path, "read_bytes", real)
    assert w.opened_note is not None and str(path) in w.opened_note.text("en")
    w.add("000001")
    with pytest.raises(fe.FileProblem):
        w.save()
    assert path.read_text() == '["600519"]'
