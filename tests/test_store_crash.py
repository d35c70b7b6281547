"""Kill a writer process mid-write, repeatedly: the store must open, every series must be whole.

The writer (a subprocess) loops forever over three kinds of writes, each tagged so a torn or mixed
result is detectable:
- ``write_many`` of a group of symbols with version ``v`` (every value of every row = v, row count
  a function of v): after a kill each series is exactly one version, and the whole group shares
  one version (one transaction);
- ``write`` of one symbol, same tagging;
- ``extend`` of one symbol by rows whose values encode their own position (close = i, …) and
  whose dates are consecutive business days: a whole series is an unbroken 0..m-1 sequence.
"""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from desktop_app.core.data.store import BarStore

ROOT = Path(__file__).resolve().parents[1]
GROUP = [f"60000{i}" for i in range(5)]
SINGLE = "000001"
GROWING = "300750"
BASE = pd.Timestamp("2010-01-04")

WRITER = r"""
import sys
import numpy as np, pandas as pd
from desktop_app.core.data.store import BarStore
path, first = sys.argv[1], int(sys.argv[2])
GROUP = [f"60000{i}" for i in range(5)]

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
    return int(next(iter(versions))) if versions else 0


def test_killed_writer_leaves_whole_series(tmp_path):
    path = tmp_path / "bars.sqlite"
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    rng = random.Random(1234)
    version = 0
    kills = 0
    progressed = 0
    for _ in range(6):
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
