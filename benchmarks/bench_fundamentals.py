"""A whole-market scan with fundamental prefilters and the fundamental score, from a warm store,
against the plain technical scan in the same run (issue 15).

Setup: the 5,000-stock demo market (1,000 with --quick) backfilled into a BarStore in a temporary
folder, then one fundamental scan so the demo's reports and valuations are in the store's
fundamentals tables (a scan reads them from there afterwards, as with a live source).

- ``fundamental_scan_full_market``: ``run_scan`` in this process of "score ≥ 60, 市盈率 ≤ 30,
  ROE ≥ 10 %, 基本面得分 ≥ 50" over the whole market; baseline: the same scan without the
  fundamental bounds ("score ≥ 60"). Best of 5 each, interleaved. Goal: within 1.3× of the
  baseline (ratio = baseline / value ≥ 0.77). The fundamental bounds exclude stocks before the
  technical scoring, so the scan with them usually costs less than the plain one.
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from common import metric  # noqa: E402

METRICS = ["fundamental_scan_full_market"]


def run(quick: bool = False) -> dict:
    from desktop_app.core.data.demo import DemoSource
    from desktop_app.core.data.refresh import backfill
    from desktop_app.core.data.store import BarStore
    from desktop_app.core.scan import ScanRequest, run_scan

    n = 1000 if quick else 5000
    src = DemoSource(n_stocks=n)
    store = BarStore(Path(tempfile.mkdtemp(prefix="stockscan-fund-")) / "bars.sqlite")
    backfill(src, store)
    plain = ScanRequest(min_score=60)
    fund = ScanRequest(min_score=60, pe_max=30, roe_min=10, min_fscore=50)
    warm = run_scan(fund, src, store)                   # the reports into the store once
    best = {"plain": float("inf"), "fund": float("inf")}
    outs = {}
    for _ in range(5):
        for name, req in (("plain", plain), ("fund", fund)):
            t0 = time.perf_counter()
            outs[name] = run_scan(req, src, store)
            best[name] = min(best[name], time.perf_counter() - t0)
    f, p = outs["fund"], outs["plain"]
    assert f.accounted == p.accounted == n and f.found == warm.found
    assert {h["symbol"] for h in f.hits} <= {h["symbol"] for h in p.hits}
    assert f.hits and all(h["fscore"] >= 50 and h["roe"] >= 10 for h in f.hits)   # the bounds held
    print(f"   fundamental scan of {n}: {best['fund']:.2f} s ({f.found} hits, {f.excluded_count} excluded) "
          f"against the plain scan {best['plain']:.2f} s ({p.found} hits)", flush=True)
    store.close()
    return {"fundamental_scan_full_market": metric(best["fund"], "s", best["plain"])}
