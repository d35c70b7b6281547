"""Issue 11 §3/§6/§9: a busy bar store is waited for and never moved aside; a full disk is one
sentence that keeps what was stored; demo markets of different sizes never share a store."""
from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap

import numpy as np
import pandas as pd
import pytest

from desktop_app.core import file_errors as fe
from desktop_app.core.data.demo import DemoSource
from desktop_app.core.data.store import BarStore, store_key

HOLD = textwrap.dedent("""
    import sqlite3, sys
    c = sqlite3.connect(sys.argv[1], isolation_level=None)
    c.execute("BEGIN EXCLUSIVE")
    print("locked", flush=True)
    sys.stdin.readline()
    c.execute("COMMIT")
    c.close()
""")


def bars(start: str, n: int) -> pd.DataFrame:
    idx = pd.bdate_range(start, periods=n, name="date")
    v = np.arange(1, n + 1, dtype=float)
    return pd.DataFrame({"open": v, "high": v + 1, "low": v - 0.5, "close": v + 0.5, "volume": v * 100,
                         "amount": v * 1000, "turnover": v / 10}, index=idx)


@pytest.fixture
def holder():
    """``holder(path)``: another process holding ``BEGIN EXCLUSIVE`` on ``path`` until released."""
    procs = []

    class Holder:
        def __init__(self, path):
            self.proc = subprocess.Popen([sys.executable, "-c", HOLD, str(path)], stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE, text=True)
            procs.append(self.proc)
            assert self.proc.stdout.readline().strip() == "locked"

        def release(self, *_):
            if self.proc.stdin and not self.proc.stdin.closed:
                self.proc.stdin.write("go\n")
                self.proc.stdin.close()

    yield Holder
    for p in procs:
        try:
            if p.stdin and not p.stdin.closed:
                p.stdin.close()
        except OSError:
            pass
        p.wait(10)


def _aside(tmp_path):
    return [p.name for p in tmp_path.iterdir() if ".corrupt-" in p.name or ".foreign-" in p.name]


@pytest.mark.parametrize("journal", ["wal", "delete"])
def test_a_locked_store_is_waited_for_and_never_moved_aside(tmp_path, holder, journal):
    path = tmp_path / "bars-demo.sqlite"
    s = BarStore(path)
    s.write("600519", bars("2024-01-01", 5))
    s.close()
    if journal == "delete":   # a store copied in by hand, no WAL: the lock blocks readers too
        c = sqlite3.connect(path)
        c.execute("PRAGMA journal_mode=DELETE")
        c.close()
    h = holder(path)
    notes = []

    def busy(note):
        notes.append(note)
        h.release()

    again = BarStore(path, busy_timeout=0.2, on_busy=busy)
    try:
        assert notes and notes[0].code == "file_busy_waiting"
        assert str(path) in notes[0].text("en") and str(h.proc.pid) in notes[0].text("en")
        assert again.rebuilt is None and _aside(tmp_path) == []
        assert again.symbols() == ["600519"] and len(again.read("600519")) == 5
    finally:
        again.close()


def test_a_store_locked_for_good_says_who_holds_it_and_stays(tmp_path, holder):
    path = tmp_path / "bars-demo.sqlite"
    s = BarStore(path)
    s.write("600519", bars("2024-01-01", 5))
    s.close()
    c = sqlite3.connect(path)
    c.execute("PRAGMA journal_mode=DELETE")
    c.close()
    h = holder(path)
    try:
        with pytest.raises(fe.FileBusy) as ei:
            BarStore(path, busy_timeout=0.05)
        for lang in ("zh", "en"):
            text = ei.value.reason.text(lang)
            assert str(path) in text and str(h.proc.pid) in text
        assert "占用" in ei.value.reason.text("zh") and "in use" in ei.value.reason.text("en")
    finally:
        h.release()
    assert _aside(tmp_path) == []
    with BarStore(path) as again:
        assert again.symbols() == ["600519"]


def test_a_write_waits_for_a_writer_of_another_process(tmp_path, holder):
    path = tmp_path / "bars.sqlite"
    s = BarStore(path, busy_timeout=0.2)
    try:
        h = holder(path)
        s.on_busy = h.release
        s.write("600519", bars("2024-01-01", 3))
        assert s.symbols() == ["600519"]
    finally:
        s.close()


def test_a_full_disk_at_a_write_keeps_what_was_stored(tmp_path, monkeypatch):
    s = BarStore(tmp_path / "bars.sqlite")
    try:
        s.write("600519", bars("2024-01-01", 3))
        real = BarStore._put

        def full(self, conn, symbol, rec, *rest):
            if symbol == "000001":
                raise sqlite3.OperationalError("database or disk is full")
            return real(self, conn, symbol, rec, *rest)

        monkeypatch.setattr(BarStore, "_put", full)
        with pytest.raises(fe.DiskFull) as ei:
            s.write_many({"600000": bars("2024-01-01", 3), "000001": bars("2024-01-01", 3)})
        assert str(s.path) in ei.value.reason.text("zh") and "磁盘已满" in ei.value.reason.text("zh")
        assert "disk is full" in ei.value.reason.text("en")
        monkeypatch.setattr(BarStore, "_put", real)
        assert s.symbols() == ["600519"]           # the failed transaction left nothing half-done
        for _ in range(6):                          # no pooled connection was left in a transaction
            s.write("600000", bars("2024-01-01", 3))
        assert set(s.symbols()) == {"600519", "600000"}
    finally:
        s.close()


def test_a_full_disk_at_commit_is_a_disk_full_problem(tmp_path):
    s = BarStore(tmp_path / "bars.sqlite")
    try:
        class Boom:
            def __init__(self, conn):
                self.conn = conn

            def execute(self, sql, *a):
                if sql == "COMMIT":
                    raise sqlite3.OperationalError("database or disk is full")
                return self.conn.execute(sql, *a)

            def __getattr__(self, name):
                return getattr(self.conn, name)

        real_borrow = s._borrow
        s._borrow = lambda: Boom(real_borrow())
        with pytest.raises(fe.DiskFull):
            s.write("600519", bars("2024-01-01", 3))
        s._borrow = real_borrow
        assert s.symbols() == []
    finally:
        s.close()


def test_another_programs_database_is_moved_aside_unchanged(tmp_path):
    path = tmp_path / "bars-demo.sqlite"
    c = sqlite3.connect(path)
    c.execute("CREATE TABLE contacts(name TEXT)")
    c.execute("INSERT INTO contacts VALUES('x')")
    c.commit()
    c.close()
    before = path.read_bytes()
    s = BarStore(path)
    try:
        kept = [p for p in tmp_path.iterdir() if ".foreign-" in p.name]
        assert len(kept) == 1 and kept[0].read_bytes() == before
        assert s.rebuilt is not None and str(kept[0]) in s.rebuilt.text("zh") and str(kept[0]) in s.rebuilt.text("en")
        assert "StockScan" in s.rebuilt.text("en")
        assert s.symbols() == []
    finally:
        s.close()


def test_a_read_only_store_says_so(tmp_path, monkeypatch):
    s = BarStore(tmp_path / "bars.sqlite")
    try:
        real = BarStore._put
        monkeypatch.setattr(BarStore, "_put", lambda *a: (_ for _ in ()).throw(
            sqlite3.OperationalError("attempt to write a readonly database")))
        with pytest.raises(fe.NotWritable) as ei:
            s.write("600519", bars("2024-01-01", 3))
        assert str(s.path) in ei.value.reason.text("en")
        monkeypatch.setattr(BarStore, "_put", real)
    finally:
        s.close()


def test_demo_markets_of_different_sizes_or_seeds_have_their_own_store(isolated_home):
    assert store_key(DemoSource(n_stocks=5000)) == "demo-5000-7"
    assert store_key(DemoSource(n_stocks=300, seed=3)) == "demo-300-3"
    assert store_key(DemoSource(n_stocks=300, years=1.0)) == "demo-300-7-1y"
    assert store_key("akshare") == "akshare"
    a, b = BarStore.for_source(DemoSource(n_stocks=50)), BarStore.for_source(DemoSource(n_stocks=60))
    try:
        assert a.path.name == "bars-demo-50-7.sqlite" and b.path.name == "bars-demo-60-7.sqlite"
        a.write("600519", bars("2024-01-01", 3))
        assert b.symbols() == []
    finally:
        a.close()
        b.close()


def test_a_backfill_into_a_full_disk_stops_keeps_what_was_stored_and_resumes(tmp_path, monkeypatch):
    from desktop_app.core.data.refresh import backfill

    src = DemoSource(n_stocks=160)
    store = BarStore(tmp_path / "bars.sqlite")
    try:
        real = BarStore._put
        puts = []

        def full_after_60(self, conn, symbol, rec, *rest):   # SQLITE_FULL at the store's write
            puts.append(symbol)
            if len(puts) > 60:
                raise sqlite3.OperationalError("database or disk is full")
            return real(self, conn, symbol, rec, *rest)

        monkeypatch.setattr(BarStore, "_put", full_after_60)
        with pytest.raises(fe.DiskFull) as ei:
            backfill(src, store)
        report = ei.value.report
        kept = store.symbols()
        assert 0 < len(kept) < 60 and sorted(report.fetched) == kept   # only what is stored is "fetched"
        monkeypatch.setattr(BarStore, "_put", real)
        again = backfill(src, store)
        assert sorted(again.skipped) == kept
        assert len(store) == len(kept) + len(again.fetched) and not set(again.fetched) & set(kept)
    finally:
        store.close()
