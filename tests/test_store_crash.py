"""Kill a writer process mid-write, repeatedly: the store must open, every series must be whole.

The writer (a subprocess) loops forever over three kinds of writes, each tagged so a torn or mixed
result is detectable:
- ``write_many`` of a group of symbols with version ``v`` (every value of every row = v, row count
  a function of v): after a kill each series is exactly one version, and the whole group shares
  one version (one transaction);
- ``write`` of one symbol, same tagging;
- ``extend`` of one symbol by rows whose values encode their own position (close = i, …) and
  whose dates are consecutive business days: a whole series is an unbroken 0..m-1 sequence.

Run from a new store and from a store in the layout before issue 13 (schema 1, oldest-first
blobs), whose series the writer converts to newest first as it rewrites them; after each kill the
tail reads (``tail_records``, ``read_panel(last_n=…)``) must agree with the whole series.
"""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
from pathlib import Path

import sqlite3

import numpy as np
import pandas as pd
import pytest

from desktop_app.core.data import bar_codec as codec
from desktop_app.core.data.store import BarStore

ROOT = Path(__file__).resolve().parents[1]
GROUP = [f"60000{i}" for i in range(5)]
SINGLE = "000001"
GROWING = "300750"
BASE = pd.Timestamp("2010-01-04")

SERIES = r"""
import numpy as np, pandas as pd

def versioned(v):
    n = 300 + (v * 37) % 900
    idx = pd.bdate_range("2010-01-04", periods=n, name="date")
    return pd.DataFrame({c: np.full(n, float(v)) for c in
                         ["open", "high", "low", "close", "volume", "amount", "turnover"]}, index=idx)

def seq(lo, hi):
    i = np.arange(lo, hi, dtype=float)
    idx = pd.bdate_range("2010-01-04", periods=hi, name="date")[lo:]
    return pd.DataFrame({"open": i, "high": i + 1, "low": i - 1, "close": i, "volume": i * 100,
                         "amount": i * 1000, "turnover": i / 10}, index=idx)
"""
exec(SERIES)   # versioned(v), seq(lo, hi): the writer's series, for the old-layout store too

WRITER = SERIES + r"""
import sys
from desktop_app.core.data.store import BarStore
path, first = sys.argv[1], int(sys.argv[2])
GROUP = [f"60000{i}" for i in range(5)]

store = BarStore(path)
have = store.read("300750")
m = 0 if have is None else len(have)
v = first
print("ready", flush=True)
while True:
    v += 1
    store.write_many({s: versioned(v) for s in GROUP})
    store.write("000001", versioned(v))
    k = 1 + v % 40
    if m + k > 6000:
        store.write("300750", seq(0, 10)); m = 10
    else:
        store.extend("300750", seq(m, m + k)); m += k
"""


def check_whole(store: BarStore) -> int:
    """Assert every stored series is one committed state; return the group's version."""
    versions = set()
    for sym in GROUP + [SINGLE]:
        df = store.read(sym)
        if df is None:
            continue
        v = df["close"].iloc[0]
        assert (df.to_numpy() == v).all(), f"{sym} mixes versions"
        assert len(df) == 300 + (int(v) * 37) % 900, f"{sym} has a partial series"
        assert df.index[0] == BASE and df.index.is_monotonic_increasing
        if sym in GROUP:
            versions.add(v)
    assert len(versions) <= 1, f"write_many group is not atomic: {versions}"
    grow = store.read(GROWING)
    if grow is not None:
        m = len(grow)
        i = np.arange(m, dtype=float)
        np.testing.assert_array_equal(grow["close"].to_numpy(), i)
        np.testing.assert_array_equal(grow["volume"].to_numpy(), i * 100)
        np.testing.assert_array_equal(grow["turnover"].to_numpy(), i / 10)
        assert (grow.index == pd.bdate_range(BASE, periods=m)).all()
    panel = store.read_panel()
    assert len(panel.symbols) == len(store.symbols())
    tails = store.tail_records(7)
    last = store.read_panel(last_n=7)
    for sym in store.symbols():
        whole = store.read(sym)
        np.testing.assert_array_equal(tails[sym], codec.frame_to_records(whole)[-7:])
        np.testing.assert_array_equal(last.close[list(last.symbols).index(sym)],
                                      whole["close"].reindex(last.dates).to_numpy())
    return int(next(iter(versions))) if versions else 0


def to_old_layout(path: Path) -> None:
    """Store the series as before issue 13 (schema 1, oldest-first blobs); a new store gets the
    writer's series at version 1 first."""
    if not path.exists():
        s = BarStore(path)
        s.write_many({**{g: versioned(1) for g in GROUP}, SINGLE: versioned(1), GROWING: seq(0, 500)})
        s.close()
    conn = sqlite3.connect(path)
    for sym, blob in conn.execute("SELECT symbol, data FROM series").fetchall():
        conn.execute("UPDATE series SET data=? WHERE symbol=?",
                     (codec.encode(codec.decode(blob), version=codec.OLDEST_FIRST), sym))
    conn.execute("UPDATE meta SET value='1' WHERE key='schema_version'")
    conn.commit()
    conn.close()


@pytest.mark.parametrize("start", ["new", "old_layout"])
def test_killed_writer_leaves_whole_series(tmp_path, start):
    path = tmp_path / "bars.sqlite"
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    rng = random.Random(1234)
    version = 0
    kills = 0
    progressed = 0
    for _ in range(6):
        if start == "old_layout":     # every round converts (and is killed converting) an old store
            to_old_layout(path)
        proc = subprocess.Popen([sys.executable, "-c", WRITER, str(path), str(version * 1000 + 1000)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
        try:
            assert proc.stdout.readline().strip() == "ready", proc.stderr.read()
            try:
                proc.wait(timeout=rng.uniform(0.05, 0.4))
            except subprocess.TimeoutExpired:
                pass
            assert proc.poll() is None, f"writer died on its own: {proc.stderr.read()}"
            proc.send_signal(signal.SIGKILL)
            kills += 1
        finally:
            proc.kill()
            proc.wait()
            proc.stdout.close()
            proc.stderr.close()
        store = BarStore(path)
        try:
            assert store.rebuilt_reason is None
            new_version = check_whole(store)
        finally:
            store.close()
        if new_version > version * 1000 + 1000:
            progressed += 1
        version += 1
    assert kills == 6
    assert progressed >= 3  # the writer really was writing when it was killed
