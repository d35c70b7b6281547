"""Issue 11 §5/§6/§8/§9: every error path of every ``stockscan-cli`` command is a sentence on
stderr and a non-zero exit, never a traceback; bad files are set aside with a note; a full disk
keeps what was stored and the next run resumes."""
from __future__ import annotations

import errno
import socket
import sqlite3
import subprocess
import sys
import textwrap

import pytest

from desktop_app import cli
from desktop_app.core import paths
from desktop_app.core.data.store import BarStore

SMALL = ["--demo-stocks", "60"]


def run(capsys, argv):
    rc = cli.main(argv)
    out, err = capsys.readouterr()
    return rc, out, err


def assert_sentence(rc, err, *, lang="en", code=None):
    assert "Traceback" not in err and 'File "' not in err, err
    assert rc != 0 and (code is None or rc == code), (rc, err)
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert lines, "no message"
    assert lines[-1].startswith("error: " if lang == "en" else "错误："), err


@pytest.fixture
def offline(monkeypatch):
    """No network, as on a machine without one: connecting fails with ENETUNREACH."""
    def unreachable(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6):
            raise OSError(errno.ENETUNREACH, "Network is unreachable")
        return real(self, address)

    real = socket.socket.connect
    monkeypatch.setattr(socket.socket, "connect", unreachable)
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: (_ for _ in ()).throw(
        socket.gaierror(socket.EAI_NONAME, "Name or service not known")))


BAD = {
    # refresh
    "refresh-akshare-offline": ["refresh", "--source", "akshare", "--symbols", "600519", "--quiet"],
    "refresh-akshare-offline-all": ["refresh", "--source", "akshare", "--quiet"],
    "refresh-bad-symbols": ["refresh", "--symbols", "abc,600519"],
    "refresh-no-symbols": ["refresh", "--symbols", " , "],
    "refresh-nul": ["refresh", "--symbols", "600519\x00"],
    # scan
    "scan-negative-size": ["scan", "--demo-stocks", "-5"],
    "scan-zero-size": ["scan", "--demo-stocks", "0"],
    "scan-absurd-size": ["scan", "--demo-stocks", "999999999"],
    "scan-nan-price": ["scan", *SMALL, "--price-min", "nan"],
    "scan-nan-mcap": ["scan", *SMALL, "--mcap-min", "NaN"],
    "scan-inf-score": ["scan", *SMALL, "--min-score", "inf"],
    "scan-negative-days": ["scan", *SMALL, "--min-listed-days", "-1"],
    "scan-negative-limit": ["scan", *SMALL, "--limit", "-3"],
    "scan-empty-csv": ["scan", *SMALL, "--csv", ""],
    "scan-csv-missing-dir": ["scan", *SMALL, "--csv", "{tmp}/no/such/dir/hits.csv"],
    "scan-csv-is-dir": ["scan", *SMALL, "--csv", "{tmp}"],
    "scan-csv-under-a-file": ["scan", *SMALL, "--csv", "{tmp}/afile/hits.csv"],
    "scan-bad-utf8": ["scan", *SMALL, "--universe", "codes:60\udcff0519"],
    "scan-sql-board": ["scan", *SMALL, "--universe", "industry:'; DROP TABLE tasks;--"],
    "scan-emoji-codes": ["scan", *SMALL, "--universe", "codes:📈,💰", "--no-history"],
    "scan-unknown-universe": ["scan", *SMALL, "--universe", "moon"],
    "scan-unknown-strategy": ["scan", *SMALL, "--strategy", "nope"],
    "scan-empty-watchlist": ["scan", *SMALL, "--universe", "watchlist"],
    "scan-akshare-offline": ["scan", "--source", "akshare", "--universe", "codes:600519", "--quiet"],
    # history
    "history-show-no-id": ["history", "show"],
    "history-show-unknown": ["history", "show", "zzzz"],
    "history-list-csv": ["history", "--csv", "{tmp}/x.csv"],
    "history-show-csv-missing-dir": ["history", "show", "abc", "--csv", "{tmp}/no/dir/x.csv"],
    "history-show-empty-csv": ["history", "show", "abc", "--csv", ""],
    "history-negative-limit": ["history", "--limit", "-1"],
    # analyze
    "analyze-bad-code": ["analyze", "abc"],
    "analyze-index": ["analyze", "000300"],
    "analyze-unlisted": ["analyze", "600519", "--seed", "3"],   # a famous code: never in the demo
    "analyze-negative-seed": ["analyze", "600519", "--seed", "-1"],
    "analyze-akshare-offline": ["analyze", "600519", "--source", "akshare"],
    # universe
    "universe-negative-seed": ["universe", "--seed", "-1"],
    "universe-akshare-offline": ["universe", "--source", "akshare"],
}


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("case", list(BAD))
def test_every_bad_argument_is_a_sentence_not_a_traceback(case, lang, capsys, tmp_path, offline):
    (tmp_path / "afile").write_text("x")
    argv = [a.replace("{tmp}", str(tmp_path)) for a in BAD[case]]
    rc, out, err = run(capsys, [argv[0], "--lang", lang, *argv[1:]])
    assert_sentence(rc, err, lang=lang)


def test_a_path_checked_before_the_scan_records_no_task(capsys, tmp_path):
    rc, out, err = run(capsys, ["scan", "--lang", "en", *SMALL, "--csv", str(tmp_path / "nope" / "x.csv")])
    assert_sentence(rc, err, code=2)
    assert str(tmp_path / "nope") in err and "does not exist" in err
    rc, out, err = run(capsys, ["history", "--lang", "en", "--json"])
    assert rc == 0 and out.strip() == "[]"


def test_a_full_disk_when_writing_the_csv_says_where_the_hits_are(capsys, tmp_path, monkeypatch):
    from desktop_app.core import hits

    def full(path, *a, **k):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(hits, "write_hits", full)
    rc, out, err = run(capsys, ["scan", "--lang", "en", *SMALL, "--min-score", "0", "--quiet",
                                "--csv", str(tmp_path / "hits.csv")])
    assert_sentence(rc, err.split("\n")[0] + "\n", code=1)
    assert "disk is full" in err and "history show" in err


def test_an_unexpected_failure_is_a_sentence_and_the_traceback_goes_to_the_log(capsys, monkeypatch):
    from desktop_app.core import scan

    monkeypatch.setattr(scan, "run_scan", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("boom")))
    rc, out, err = run(capsys, ["scan", "--lang", "en", *SMALL, "--quiet"])
    assert_sentence(rc, err, code=1)
    assert "boom" in err and "stockscan-cli.log" in err
    assert "Traceback" in (paths.log_dir() / "stockscan-cli.log").read_text(encoding="utf-8")
    rc, out, err = run(capsys, ["history", "--lang", "en", "--json"])
    assert '"failed"' in out                                   # the task was recorded as failed


@pytest.mark.parametrize("home", ["file", "readonly"])
@pytest.mark.parametrize("argv", [["refresh", "--symbols", "600519"], ["scan", *SMALL], ["history"]])
def test_an_unusable_home_is_one_sentence_and_exit_2(capsys, tmp_path, monkeypatch, home, argv):
    if home == "file":
        f = tmp_path / "home-is-a-file"
        f.write_text("x")
        monkeypatch.setenv("STOCKSCAN_HOME", str(f))
    else:
        def read_only(p):
            raise OSError(errno.EROFS, "Read-only file system")
        monkeypatch.setattr(paths, "_probe", read_only)
    rc, out, err = run(capsys, [argv[0], "--lang", "en", *argv[1:]])
    assert_sentence(rc, err, code=2)
    assert len([ln for ln in err.splitlines() if ln.strip()]) == 1
    assert ("is not a folder" in err) if home == "file" else ("Read-only" in err and "STOCKSCAN_HOME" in err)


def test_a_full_disk_backfill_is_one_sentence_keeps_what_was_stored_and_resumes(capsys, monkeypatch):
    from desktop_app.commands import refresh as refresh_cmd
    from desktop_app.core.data.demo import DemoSource

    monkeypatch.setattr(refresh_cmd, "_make_source", lambda name: DemoSource(n_stocks=150))
    real = BarStore._put
    puts = []

    def full(self, conn, symbol, rec):
        puts.append(symbol)
        if len(puts) > 70:
            raise sqlite3.OperationalError("database or disk is full")
        return real(self, conn, symbol, rec)

    monkeypatch.setattr(BarStore, "_put", full)
    rc, out, err = run(capsys, ["refresh", "--lang", "en", "--backfill", "--quiet"])
    assert_sentence(rc, err, code=1)
    assert len([ln for ln in err.splitlines() if ln.strip()]) == 1 and "disk is full" in err
    assert "bars-demo-150-7.sqlite" in err and "resumes" in err
    with BarStore.for_source(DemoSource(n_stocks=150)) as s:
        kept = len(s)
    assert 0 < kept <= 70
    monkeypatch.setattr(BarStore, "_put", real)
    rc, out, err = run(capsys, ["refresh", "--lang", "en", "--backfill", "--quiet"])
    assert rc == 0 and f"fetched {150 - kept}, skipped {kept}, failed 0" in out, out
    # and a scan of the half-filled store said why stocks failed (checked with --no-fetch below)


def test_a_no_fetch_scan_of_a_half_filled_store_says_why(capsys, monkeypatch):
    from desktop_app.commands import refresh as refresh_cmd
    from desktop_app.core.data.demo import DemoSource

    monkeypatch.setattr(refresh_cmd, "_make_source", lambda name: DemoSource(n_stocks=60))
    rc, out, err = run(capsys, ["refresh", "--lang", "en", "--backfill", "--limit", "20", "--quiet"])
    assert rc == 0
    rc, out, err = run(capsys, ["scan", "--lang", "en", *SMALL, "--no-fetch", "--quiet", "--min-score", "0"])
    assert rc == 0 and "Traceback" not in err
    assert "not in the local bar store" in err and "bars-demo-60-7.sqlite" in err and "refresh" in err


def test_refresh_with_nothing_to_do_fetches_nothing(capsys, monkeypatch):
    from desktop_app.commands import refresh as refresh_cmd
    from desktop_app.core.data.demo import DemoSource

    src = DemoSource(n_stocks=40)
    calls = []
    real = src.daily_bars_via
    src.daily_bars_via = lambda *a, **k: calls.append(a) or real(*a, **k)
    monkeypatch.setattr(refresh_cmd, "_make_source", lambda name: src)
    assert run(capsys, ["refresh", "--lang", "en", "--quiet"])[0] == 0
    calls.clear()
    rc, out, err = run(capsys, ["refresh", "--lang", "en", "--quiet"])
    assert rc == 0 and calls == [] and "fetched 0, skipped 40" in out


HOLD = textwrap.dedent("""
    import sqlite3, sys
    c = sqlite3.connect(sys.argv[1], isolation_level=None)
    c.execute("PRAGMA journal_mode=DELETE")
    c.execute("BEGIN EXCLUSIVE")
    print("locked", flush=True)
    sys.stdin.readline()
""")


@pytest.mark.parametrize("which", ["history", "store"])
def test_a_locked_file_is_a_sentence_naming_the_holder(capsys, monkeypatch, which):
    from desktop_app.core.data.demo import DemoSource
    from desktop_app.core.history import HistoryStore

    if which == "history":
        path = paths.data_dir() / "history.sqlite"
        HistoryStore(path).close()
        argv = ["history", "--lang", "en"]
    else:
        s = BarStore.for_source(DemoSource(n_stocks=60))
        path = s.path
        s.close()
        argv = ["scan", "--lang", "en", *SMALL, "--no-history", "--quiet"]
    monkeypatch.setenv("STOCKSCAN_BUSY_TIMEOUT", "0.05")
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(path)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "locked"
        rc, out, err = run(capsys, argv)
    finally:
        proc.stdin.close()
        proc.wait(10)
    assert_sentence(rc, err, code=1)
    assert "in use" in err and str(proc.pid) in err and str(path) in err
    assert not [p for p in path.parent.iterdir() if ".corrupt-" in p.name]


def test_a_damaged_history_or_watchlist_is_set_aside_with_a_note(capsys):
    (paths.data_dir() / "history.sqlite").write_bytes(b"\x00garbage" * 500)
    (paths.data_dir() / "watchlist.json").write_text("null")
    rc, out, err = run(capsys, ["scan", "--lang", "en", *SMALL, "--universe", "watchlist", "--quiet"])
    assert "Traceback" not in err
    assert err.count("note: ") == 2 and "history.sqlite.corrupt-" in err and "watchlist.json.corrupt-" in err
    assert rc == 2 and "watchlist is empty" in err
