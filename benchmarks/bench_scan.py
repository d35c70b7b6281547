"""Full-market scan, end to end through the CLI, from a warm store (issue 5).

Setup (once per STOCKSCAN_HOME): the demo market, 5,000 stocks × ~500 trading days, backfilled into
the demo BarStore. Then:

- ``scan_full_market``: wall time of ``stockscan-cli scan --source demo --universe all --min-score 60
  --json`` in a fresh subprocess (interpreter start, imports, universe, store read, scoring,
  strategies, history write, JSON out): the number a user waits. Median of 3 runs (1 with --quick).
  Baseline: the seed system's way — per stock, read its bars from SQLite stored one row per bar and
  compute the indicators with pandas rolling/ewm, then the score rules — timed on a sample of
  stocks in this process and scaled linearly to the full universe (reported as such).
- ``scan_peak_rss_mb``: peak resident memory of that scan subprocess (its own ``VmHWM`` from
  ``/proc/self/status``, reported at exit). Goal < 600 MB.
"""
from __future__ import annotations

import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from common import metric as _metric, stockscan_home  # noqa: E402

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

METRICS = ["scan_full_market", "scan_peak_rss_mb"]

YEARS = 500 / 244           # ≈500 trading days of history per stock

# Peak RSS is the child's own VmHWM. Not getrusage's ru_maxrss: Linux carries the pre-exec
# memory's high-water mark into it, and subprocess vforks, so it would report the (large) parent.
_CHILD = ("import sys\n"
          "from desktop_app.cli import main\n"
          "rc = main(sys.argv[1:])\n"
          "sys.stdout.flush()\n"
          "hwm = [l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM:')][0]\n"
          "sys.stderr.write('\\nMAXRSS_KB %s\\n' % hwm)\n"
          "sys.exit(rc)\n")


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


# ------------------------------------------------------------------ the seed-style baseline
def _row_per_bar_db(store, symbols: list[str], path: Path) -> None:
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE bars (symbol TEXT, date TEXT, open REAL, high REAL, low REAL, close REAL, "
                "volume REAL, amount REAL, PRIMARY KEY (symbol, date))")
    for s in symbols:
        df = store.read(s)
        con.executemany("INSERT INTO bars VALUES (?,?,?,?,?,?,?,?)",
                        [(s, d.strftime("%Y-%m-%d"), *row) for d, row in
                         zip(df.index, df[["open", "high", "low", "close", "volume", "amount"]].itertuples(index=False))])
    con.commit()
    con.close()


def _seed_score(df) -> float:
    """The seed system's per-stock computation (FACTS.md "The seed system's score"), in pandas."""
    import numpy as np
    c, h, l, v = df["close"], df["high"], df["low"], df["volume"]
    ma5, ma20, ma60 = c.rolling(5).mean(), c.rolling(20).mean(), c.rolling(60).mean()
    ema12, ema26 = c.ewm(span=12, adjust=False).mean(), c.ewm(span=26, adjust=False).mean()
    dif = ema12 - ema26
    dea = dif.ewm(span=9, adjust=False).mean()
    delta = c.diff()
    gain, loss = delta.clip(lower=0).rolling(14).mean(), (-delta.clip(upper=0)).rolling(14).mean()
    rsi = 100 - 100 / (1 + gain / loss)
    mid, sd = c.rolling(20).mean(), c.rolling(20).std()
    up, lo = mid + 2 * sd, mid - 2 * sd
    tr = np.maximum(h - l, np.maximum((h - c.shift()).abs(), (l - c.shift()).abs()))
    atr = tr.rolling(14).mean()
    vratio = v / v.rolling(5).mean()
    roc = c.pct_change(10) * 100
    i = -1
    s = 0.0
    if ma5.iloc[i] > ma20.iloc[i] > ma60.iloc[i]:
        s += 15
    elif ma5.iloc[i] > ma20.iloc[i]:
        s += 10
    s += 5 * sum(c.iloc[i] > m.iloc[i] for m in (ma5, ma20, ma60))
    s = min(s, 30)
    ap = atr.iloc[i] / c.iloc[i] * 100
    s += 15 if 1 <= ap <= 2.5 else 10 if ap <= 4 else 5 if ap < 1 else 0
    r = rsi.iloc[i]
    t = 7 if 40 <= r <= 60 else 10 if 30 <= r < 40 or 60 < r <= 70 else 8 if r < 30 else 2
    t += 10 if dif.iloc[i] > dea.iloc[i] else 0
    bp = (c.iloc[i] - lo.iloc[i]) / (up.iloc[i] - lo.iloc[i])
    t += 3 if 0.3 <= bp <= 0.7 else 5 if bp < 0.2 else 1 if bp > 0.8 else 0
    s += min(t, 25)
    rising = c.iloc[i] > c.iloc[i - 1]
    vr = vratio.iloc[i]
    s += 20 if vr > 1.5 and rising else 15 if vr > 1.2 and rising else 10 if vr < 0.8 and not rising else 0 if vr > 1.2 else 8
    m = roc.iloc[i]
    s += 10 if m > 5 else 8 if m >= 2 else 5 if m >= 0 else 3 if m >= -2 else 0
    return s


def _seed_baseline(store, symbols: list[str], sample: int, tmp: Path) -> float:
    import pandas as pd
    picked = symbols[:: max(1, len(symbols) // sample)][:sample]
    db = tmp / "row_per_bar.sqlite"
    _row_per_bar_db(store, picked, db)
    con = sqlite3.connect(db)
    t = time.perf_counter()
    for s in picked:
        df = pd.read_sql("SELECT date, open, high, low, close, volume, amount FROM bars WHERE symbol = ? "
                         "ORDER BY date", con, params=(s,), index_col="date")
        if len(df) >= 60:
            _seed_score(df)
    per_stock = (time.perf_counter() - t) / len(picked)
    con.close()
    est = per_stock * len(symbols)
    print(f"   seed-style baseline: {per_stock * 1000:.2f} ms/stock on {len(picked)} sampled stocks, "
          f"scaled to {len(symbols)} stocks = {est:.1f} s (estimate)", flush=True)
    return est


def run(quick: bool = False) -> dict:
    import json
    n = 1000 if quick else 5000
    base_home = Path(os.environ.get("STOCKSCAN_HOME") or tempfile.mkdtemp(prefix="stockscan-bench-"))
    home = base_home / f"bench_scan_{n}"
    with stockscan_home(home):
        src, store = _warm_store(home, n)
        symbols = [str(s) for s in src.universe()["symbol"]]
        with tempfile.TemporaryDirectory() as tmp:
            baseline = _seed_baseline(store, symbols, 40 if quick else 200, Path(tmp))
        store.close()
        runs = []
        for _ in range(1 if quick else 3):
            runs.append(_cli_scan(home, n))
        wall = statistics.median(r[0] for r in runs)
        rss = max(r[1] for r in runs)
        res = json.loads(runs[-1][2])
        print(f"   CLI scan of {res['universe_size']} stocks: walls {', '.join(f'{r[0]:.2f}' for r in runs)} s; "
              f"found {res['found']}, not matching {res['not_matching']}, excluded {res['excluded_total']}, "
              f"failed {res['failed_total']}; in-process scan {res['elapsed']:.2f} s; peak RSS {rss:.0f} MB",
              flush=True)
    return {
        "scan_full_market": _metric(wall, "s", baseline),
        "scan_peak_rss_mb": _metric(rss, "MB", None),
    }


if __name__ == "__main__":
    print(run(quick="--quick" in sys.argv))
