"""The fundamentals table: the latest-report-as-of query against pandas, and crash safety (a
writer killed mid-write leaves every batch whole)."""
from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from desktop_app.core.data.demo import DemoSource
from desktop_app.core.data.fundamental_store import FundamentalStore
from desktop_app.core.data.report_periods import deadline
from desktop_app.core.data.store import BarStore

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def filled(tmp_path):
    src = DemoSource(n_stocks=300)
    bars = BarStore(tmp_path / "bars.sqlite")
    fs = FundamentalStore(bars)
    for p in src.report_periods():
        fs.write_reports(src.fundamentals(p), p)
    yield src, fs
    bars.close()


@pytest.mark.parametrize("day", [dt.date(2026, 11, 30), dt.date(2026, 8, 15), dt.date(2026, 5, 1),
                                 dt.date(2025, 4, 2)])
def test_latest_as_of_matches_pandas(filled, day):
    src, fs = filled
    every = pd.concat([src.fundamentals(p) for p in src.report_periods()], ignore_index=True)
    public = every[[n <= day for n in every["notice_date"]]]
    want = public.sort_values("report_date").groupby("symbol").tail(1).set_index("symbol").sort_index()
    got = fs.latest_as_of(day).sort_index()
    assert list(got.index) == list(want.index)
    assert list(got["report_date"]) == list(want["report_date"])
    for c in ("eps", "roe", "profit_yoy", "revenue", "debt_ratio"):
        pd.testing.assert_series_equal(got[c].astype(float), want[c].astype(float), check_names=False)


def test_available_day_is_the_deadline_without_a_notice(tmp_path):
    with BarStore(tmp_path / "b.sqlite") as bars:
        fs = FundamentalStore(bars)
        fs.write_reports(pd.DataFrame({"symbol": ["600000"], "report_date": [dt.date(2025, 12, 31)],
                                       "notice_date": [None], "eps": [1.0]}))
        assert fs.latest_as_of(deadline(dt.date(2025, 12, 31)) - dt.timedelta(days=1)).empty
        assert len(fs.latest_as_of(dt.date(2026, 4, 30))) == 1
        assert FundamentalStore(bars).count() == 1          # opening again keeps the rows


WRITER = r"""
import sys, datetime as dt, pandas as pd
from desktop_app.core.data.store import BarStore
from desktop_app.core.data.fundamental_store import FundamentalStore
syms = [f"60{i:04d}" for i in range(400)]
periods = [dt.date(2024, 12, 31), dt.date(2025, 3, 31), dt.date(2025, 6, 30), dt.date(2025, 9, 30)]
fs = FundamentalStore(BarStore(sys.argv[1]))
v = int(sys.argv[2])
def write(v):
    frame = pd.DataFrame([{"symbol": s, "report_date": p, "notice_date": p, "eps": float(v), "roe": float(v)}
                          for s in syms for p in periods])
    fs.write_reports(frame, periods[v % 4])
write(v)
print("ready", flush=True)      # one batch committed: from here on it is killed mid-write
while True:
    v += 1
    write(v)
"""


def test_a_killed_writer_leaves_each_batch_whole(tmp_path):
    path = tmp_path / "bars.sqlite"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    for k in range(4):
        p = subprocess.Popen([sys.executable, "-c", WRITER, str(path), str(k * 1000)], cwd=ROOT, env=env,
                             stdout=subprocess.PIPE)
        assert p.stdout.readline().strip() == b"ready"
        time.sleep(0.3 + 0.15 * k)
        p.send_signal(signal.SIGKILL)
        p.wait()
        with BarStore(path) as bars:
            assert bars.rebuilt is None
            fs = FundamentalStore(bars)
            rows = bars._all("SELECT eps, roe, count(*) FROM fundamentals GROUP BY eps, roe")
            assert len(rows) == 1 and rows[0][0] == rows[0][1] and rows[0][2] == 1600   # one whole batch
            assert set(fs.latest_as_of()["eps"]) == {rows[0][0]}
