"""backfill_three_hosts: backfill over the demo market's three bar hosts vs one host sequentially.

Every request to the demo source sleeps 150 ms (``latency``), like a remote host answering. The
value is ``refresh.backfill`` of N symbols (60; 24 with --quick) into an empty store, one fetch
thread per host; the baseline fetches the same symbols one after another from one host and writes
each to an empty store. The demo market is built before timing (its synthesis is not a fetch).
Reproduce: ``python benchmarks/run.py --only backfill_three_hosts``.
"""
from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from desktop_app.core.data.demo import DemoSource  # noqa: E402
from desktop_app.core.data.refresh import backfill  # noqa: E402
from desktop_app.core.data.store import BarStore  # noqa: E402
from common import metric as _metric  # noqa: E402

METRICS = ["backfill_three_hosts"]
LATENCY = 0.15


def run(quick: bool = False) -> dict:
    n = 24 if quick else 60
    demo = DemoSource(n_stocks=max(200, n), years=3.2)
    symbols = [str(s) for s in demo.universe()["symbol"]][:n]
    demo.daily_bars(symbols[0])  # build the synthetic market outside the timings
    demo.latency = LATENCY
    with tempfile.TemporaryDirectory(prefix="bench-backfill-") as tmp:
        store = BarStore(Path(tmp) / "three.sqlite")
        t0 = time.perf_counter()
        report = backfill(demo, store, symbols)
        t_three = time.perf_counter() - t0
        assert len(report.fetched) == n and not report.failed, report.summary()
        store.close()

        one = BarStore(Path(tmp) / "one.sqlite")
        host = demo.bar_hosts[0]
        t0 = time.perf_counter()
        for s in symbols:
            one.write(s, demo.daily_bars_via(host, s))
        t_one = time.perf_counter() - t0
        assert len(one.symbols()) == n
        one.close()
    if os.environ.get("BENCH_VERBOSE"):
        print(f"   three hosts {t_three:.2f}s ({report.per_host}); one host {t_one:.2f}s", flush=True)
    return {"backfill_three_hosts": _metric(t_three, "s", t_one)}


if __name__ == "__main__":
    os.environ["BENCH_VERBOSE"] = "1"
    print(run(quick="--quick" in sys.argv))
