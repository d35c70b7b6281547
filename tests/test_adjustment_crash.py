"""Kill a writer mid-write, repeatedly: a series and its unadjusted prices + factors stay one
committed state (issue 17 §2; the store's crash test, ``test_store_crash.py``, for the new table).

The writer loops over the three writes that touch the adjustment: ``write`` of a series with raw
prices (factor 0.5), ``extend`` by a bar without them (raw = qfq, factor 1) and ``readjust`` (an
ex-dividend day: the bars before it and their factors × 0.9). Each keeps, atomically, the
invariant checked after every kill: the adjustment has the series' days, and qfq close = raw
close × factor on every one of them.
"""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np

from desktop_app.core.data.store import BarStore

ROOT = Path(__file__).resolve().parents[1]
SYMBOLS = ["600010", "600011"]

WRITER = r"""
import sys
import numpy as np, pandas as pd
from desktop_app.core.adjustment import with_raw
from desktop_app.core.data import bar_codec as codec
from desktop_app.core.data.store import BarStore

def bars(n, v, start="2010-01-04"):
    idx = pd.bdate_range(start, periods=n, name="date")
    c = np.full(n, float(v))
    return pd.DataFrame({"open": c, "high": c, "low": c, "close": c, "volume": c, "amount": c,
                         "turnover": c}, index=idx)

store = BarStore(sys.argv[1])
v = int(sys.argv[2])
print("ready", flush=True)
while True:
    v += 1
    n = 200 + v % 300
    store.write_many({s: with_raw(bars(n, v * 0.5), bars(n, v)) for s in ("600010", "600011")})
    last = store.read("600010").index[-1]
    store.extend_many({s: bars(1, v * 0.5, last + pd.offsets.BDay(1)) for s in ("600010", "600011")})
    store.readjust({s: (codec.day_number(last), 0.9) for s in ("600010", "600011")})
"""


def check(store: BarStore) -> None:
    for sym in SYMBOLS:
        qfq, adj = store.read(sym), store.read_adjustment(sym)
        if qfq is None:
            assert adj is None
            continue
        assert adj is not None, f"{sym}: a series with raw prices lost them"
        assert list(adj.index) == list(qfq.index), f"{sym}: adjustment and series disagree on days"
        np.testing.assert_allclose(qfq["close"].to_numpy(), (adj["raw_close"] * adj["factor"]).to_numpy(),
                                   rtol=1e-12, err_msg=f"{sym}: qfq != raw × factor")


def test_killed_writer_keeps_series_and_adjustment_together(tmp_path):
    path = tmp_path / "bars.sqlite"
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    rng = random.Random(17)
    kills = 0
    for round_ in range(5):
        proc = subprocess.Popen([sys.executable, "-c", WRITER, str(path), str(round_ * 1000)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
        try:
            assert proc.stdout.readline().strip() == "ready", proc.stderr.read()
            try:
                proc.wait(timeout=rng.uniform(0.1, 0.5))
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
            check(store)
        finally:
            store.close()
    assert kills == 5
