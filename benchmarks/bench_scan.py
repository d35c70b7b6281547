"""Full-market scan, end to end through the CLI, from a warm store (issue 5).

Setup (once per STOCKSCAN_HOME): the demo market, 5,000 stocks × ~500 trading days, backfilled into
the demo BarStore. Then:

- ``scan_full_market``: wall time of ``stockscan-cli scan --source demo --universe all --min-score 60
  --json`` in a fresh subprocess (interpreter start, imports, universe, store read, scoring,
  strategies, history write, JSON out): the number a user waits. Median of 3 runs (1 with --quick).
  Baseline: the seed system's real per-stock code path (SEED_SYSTEM.md §2.2–2.4: its processing
  of the akshare frame, ``calculate_indicators``, ``calculate_score`` and the scan row; see
  ``seed_system.py``), one stock at a time on a sample of 200 stocks (quick: 40) in this process,
  scaled linearly to the full universe. The network it needs (~3 requests per stock) is not
  timed, so the baseline is a lower bound; its scores are checked against an independent numpy
  computation of the same rules.
- ``scan_peak_rss_mb``: peak resident memory of that scan subprocess (its own ``VmHWM`` from
  ``/proc/self/status``, reported at exit). Goal < 600 MB.
- ``cli_scan_overhead_ms``: the part of that wall time outside ``run_scan`` (interpreter start,
  imports, arguments, store and history, the JSON out, exit): wall − the outcome's ``elapsed``,
  median of the runs. Baseline: a bare ``python -c pass`` (ratio = bare / overhead).
"""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from common import bare_python_s, metric as _metric, stockscan_home  # noqa: E402

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

METRICS = ["scan_full_market", "scan_peak_rss_mb", "cli_scan_overhead_ms"]

YEARS = 500 / 244           # ≈500 trading days of history per stock

# Peak RSS is the child's own VmHWM. Not getrusage's ru_maxrss: Linux carries the pre-exec
# memory's high-water mark into it, and subprocess vforks, so it would report the (large) parent.
# The child is the stockscan-cli entry point (cli.run) with that report between main and the exit.
_CHILD = ("import sys\n"
          "from desktop_app.cli import exit_now, main\n"
          "rc = main(sys.argv[1:])\n"
          "sys.stdout.flush()\n"
          "hwm = [l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM:')][0]\n"
          "sys.stderr.write('\\nMAXRSS_KB %s\\n' % hwm)\n"
          "exit_now(rc)\n")


def _warm_store(home: Path, n: int):
    """The demo market's warm store under ``home`` (the caller points STOCKSCAN_HOME there)."""
    from desktop_app.core.data.demo import DemoSource
    from desktop_app.core.data.refresh import backfill
    from desktop_app.core.data.store import BarStore

    src = DemoSource(n_stocks=n, years=YEARS)
    store = BarStore.for_source(src)
    if len(store) < n:
        t = time.perf_counter()
        rep = backfill(src, store)
        print(f"   warm store: {len(store)} stocks written in {time.perf_counter() - t:.1f} s "
              f"({rep.summary()})", flush=True)
    return src, store


def _cli_scan(home: Path, n: int) -> tuple[float, float, str]:
    env = dict(os.environ, STOCKSCAN_HOME=str(home), PYTHONPATH=str(ROOT), TQDM_DISABLE="1")
    cmd = [sys.executable, "-c", _CHILD, "scan", "--source", "demo", "--demo-stocks", str(n),
           "--demo-years", f"{YEARS:.6f}", "--universe", "all", "--min-score", "60", "--json", "--quiet",
           "--no-fetch"]
    t = time.perf_counter()
    p = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=str(ROOT))
    wall = time.perf_counter() - t
    if p.returncode != 0:
        raise RuntimeError(f"scan failed ({p.returncode}): {p.stderr[-2000:]}")
    kb = [int(line.split()[1]) for line in p.stderr.splitlines() if line.startswith("MAXRSS_KB")][-1]
    return wall, kb / 1024.0, p.stdout


# ------------------------------------------------------------------ the seed system's baseline
def _seed_baseline(store, symbols: list[str], sample: int) -> float:
    """The seed system's per-stock path (benchmarks/seed_system.py) on ``sample`` stocks spread
    over the universe, one at a time, scaled linearly to the whole universe; its scores checked
    against an independent numpy computation."""
    import numpy as np
    import pandas as pd
    import seed_system as seed

    picked = symbols[:: max(1, len(symbols) // sample)][:sample]
    end = pd.Timestamp(store.latest_date())
    raws = [(s, seed.akshare_frame(store.read(s), end)) for s in picked]   # the "network" answers
    for s, raw in raws[:3]:                                                # pandas' first calls
        seed.quick_analyze_stock(raw, s)
    t = time.perf_counter()
    rows = [seed.quick_analyze_stock(raw, s) for s, raw in raws]
    per_stock = (time.perf_counter() - t) / len(raws)
    ours = seed.scores_numpy([raw for _s, raw in raws])
    agree = float(np.mean(ours == np.array([r["score"] for r in rows], dtype=float)))
    if agree < 0.98:
        raise AssertionError(f"the seed path and its numpy check disagree on {100 * (1 - agree):.1f}% of the sample")
    est = per_stock * len(symbols)
    print(f"   seed system's per-stock path: {per_stock * 1000:.2f} ms/stock on {len(raws)} sampled stocks "
          f"(network excluded), scaled to {len(symbols)} stocks = {est:.1f} s; scores agree with the "
          f"numpy check on {agree:.0%}", flush=True)
    return est


def run(quick: bool = False) -> dict:
    import json
    n = 1000 if quick else 5000
    base_home = Path(os.environ.get("STOCKSCAN_HOME") or tempfile.mkdtemp(prefix="stockscan-bench-"))
    home = base_home / f"bench_scan_{n}"
    with stockscan_home(home):
        src, store = _warm_store(home, n)
        symbols = [str(s) for s in src.universe()["symbol"]]
        baseline = _seed_baseline(store, symbols, 40 if quick else 200)
        store.close()
        runs = []
        for _ in range(1 if quick else 3):
            runs.append(_cli_scan(home, n))
        wall = statistics.median(r[0] for r in runs)
        rss = max(r[1] for r in runs)
        res = json.loads(runs[-1][2])
        overhead = statistics.median(r[0] - json.loads(r[2])["elapsed"] for r in runs)
        bare = bare_python_s()
        print(f"   CLI scan of {res['universe_size']} stocks: walls {', '.join(f'{r[0]:.2f}' for r in runs)} s; "
              f"found {res['found']}, not matching {res['not_matching']}, excluded {res['excluded_total']}, "
              f"failed {res['failed_total']}; in-process scan {res['elapsed']:.2f} s; peak RSS {rss:.0f} MB; "
              f"outside the scan {overhead * 1000:.0f} ms (bare python {bare * 1000:.0f} ms)", flush=True)
    return {
        "scan_full_market": _metric(wall, "s", baseline),
        "scan_peak_rss_mb": _metric(rss, "MB", None),
        "cli_scan_overhead_ms": _metric(overhead * 1000, "ms", bare * 1000),
    }


if __name__ == "__main__":
    print(run(quick="--quick" in sys.argv))
