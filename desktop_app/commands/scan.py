"""stockscan-cli scan: the same scan engine as the window, headless.

    stockscan-cli scan --source demo --universe all|sh-main|star|sz-main|chinext|bse|index:000300|
        industry:NAME|concept:NAME|watchlist|codes:600519,000001 --min-score 60
        [--strategy ID …] [--mode all|any] [--json | --csv PATH]

The task is recorded in the history store like a GUI task, so ``stockscan-cli history`` lists CLI
and GUI scans alike. Progress goes to stderr; results to stdout (a table, or JSON with --json).
"""
from __future__ import annotations

import argparse
import json
import math
import sys
import time

from desktop_app.core.jobs import Cancelled, CancelToken, Progress


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--source", choices=["demo", "akshare"], default="demo", help="data source (default demo)")
    parser.add_argument("--demo-stocks", type=int, default=None, help="size of the demo market (default 5000)")
    parser.add_argument("--demo-years", type=float, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--universe", default="all",
                        help="all | sh-main | star | sz-main | chinext | bse | index:000300 | industry:NAME | "
                             "concept:NAME | watchlist | codes:600519,000001")
    parser.add_argument("--min-score", type=float, default=60.0)
    parser.add_argument("--strategy", action="append", default=[], metavar="ID",
                        help="strategy preset (repeatable; id or name)")
    parser.add_argument("--mode", choices=["all", "any"], default="all", help="strategies: all must fire, or any")
    parser.add_argument("--include-st", action="store_true", help="keep ST/*ST stocks")
    parser.add_argument("--include-suspended", action="store_true", help="keep stocks suspended today")
    parser.add_argument("--min-listed-days", type=int, default=60)
    parser.add_argument("--price-min", type=float)
    parser.add_argument("--price-max", type=float)
    parser.add_argument("--min-amount", type=float, help="minimum turnover amount today, yuan")
    parser.add_argument("--mcap-min", type=float, help="minimum market cap, yuan")
    parser.add_argument("--mcap-max", type=float, help="maximum market cap, yuan")
    parser.add_argument("--no-fetch", action="store_true", help="do not fetch symbols missing from the store")
    parser.add_argument("--lang", choices=["zh", "en"], default="zh", help="language of headers and title")
    out = parser.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print the outcome and every hit as JSON")
    out.add_argument("--csv", metavar="PATH", help="write the hits to a CSV file (UTF-8 with BOM)")
    parser.add_argument("--limit", type=int, default=30, help="hits shown in the table (default 30)")
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")
    parser.add_argument("--no-history", action="store_true", help="do not record the task in the history")


def make_source(name: str, demo_stocks: int | None = None, demo_years: float | None = None):
    if name == "akshare":
        from desktop_app.core.data.akshare_source import AkShareSource
        return AkShareSource()
    from desktop_app.core.data.demo import DemoSource
    kw: dict = {}
    if demo_stocks is not None:
        kw["n_stocks"] = demo_stocks
    if demo_years is not None:
        kw["years"] = demo_years
    return DemoSource(**kw)


def request_from_args(args: argparse.Namespace):
    from desktop_app.core.scan import ScanRequest
    strategies = list(args.strategy or [])
    if strategies:
        try:
            from desktop_app.core.strategies import find_strategy
            strategies = [getattr(find_strategy(s), "id", s) or s for s in strategies]
        except Exception:  # noqa: BLE001 - validate() reports unknown ones readably
            pass
    return ScanRequest(
        universe=args.universe, exclude_st=not args.include_st, exclude_suspended=not args.include_suspended,
        min_listed_days=args.min_listed_days, price_min=args.price_min, price_max=args.price_max,
        min_amount=args.min_amount, mcap_min=args.mcap_min, mcap_max=args.mcap_max,
        min_score=args.min_score, strategies=strategies, mode=args.mode)


class _ProgressLine:
    def __init__(self, quiet: bool):
        self.quiet, self._last, self._w = quiet, 0.0, 0

    def __call__(self, p: Progress) -> None:
        now = time.monotonic()
        if self.quiet or (now - self._last < 0.2 and (not p.total or p.done < p.total)):
            return
        self._last = now
        text = f"scan: {p.done}/{p.total} found {p.found} failed {p.failed} {p.current}".rstrip()
        sys.stderr.write("\r" + text + " " * max(0, self._w - len(text)))
        sys.stderr.flush()
        self._w = len(text)

    def end(self) -> None:
        if not self.quiet and self._w:
            sys.stderr.write("\n")
            sys.stderr.flush()


def print_hits_table(rows: list[dict], lang: str, limit: int) -> None:
    from desktop_app.core.scan import HIT_HEADERS, hit_cell_text
    cols = ["symbol", "name", "score", "label_zh" if lang == "zh" else "label_en", "last", "chg_pct",
            "rsi", "strategies"]
    head = [HIT_HEADERS[c][0 if lang == "zh" else 1] for c in cols]
    print("\t".join(head))
    for r in rows[:limit]:
        cells = []
        for c in cols:
            v = hit_cell_text(c, r.get(c), lang)
            cells.append(f"{v:.2f}" if isinstance(v, float) else str(v))
        print("\t".join(cells))
    if len(rows) > limit:
        print(f"… {len(rows) - limit} more (use --json or --csv for all)")


def run(args: argparse.Namespace) -> int:
    from desktop_app.core.data.store import BarStore
    from desktop_app.core.history import HistoryStore, new_task_id
    from desktop_app.core.scan import EXCLUDE_REASONS, ScanError, run_scan, write_hits_csv

    request = request_from_args(args)
    problems = request.validate()
    if problems:
        for p in problems:
            print(f"error: {p}", file=sys.stderr)
        return 2
    watch = None
    if request.universe.strip().lower() == "watchlist":
        from desktop_app.core.watchlist import Watchlist
        watch = Watchlist().symbols()
    source = make_source(args.source, args.demo_stocks, args.demo_years)
    store = BarStore.for_source(source.name)
    history = None if args.no_history else HistoryStore()
    record = {"id": new_task_id(), "kind": "scan", "title": request.title(args.lang), "status": "running",
              "params": {"request": request.to_dict(), "source": source.name, "via": "cli"},
              "created": time.time(), "started": time.time()}
    if history is not None:
        history.save_task(record)
    line = _ProgressLine(args.quiet)
    cancel = CancelToken()
    outcome = None
    try:
        outcome = run_scan(request, source, store, progress=line, cancel=cancel, watchlist=watch,
                           fetch_missing=not args.no_fetch)
        record.update(status="completed")
    except (Cancelled, KeyboardInterrupt):
        record.update(status="cancelled")
        line.end()
        print("cancelled", file=sys.stderr)
        return 130
    except ScanError as e:
        record.update(status="failed", error=str(e))
        line.end()
        print(f"error: {e}", file=sys.stderr)
        return 2
    except Exception as e:  # noqa: BLE001 - recorded, then re-raised for the traceback
        record.update(status="failed", error=str(e) or type(e).__name__)
        raise
    finally:
        record["finished"] = time.time()
        if outcome is not None:
            record.update(done=outcome.universe_size, total=outcome.universe_size, found=outcome.found,
                          failed=outcome.failed_count, failures=outcome.failed)
        if history is not None:
            history.save_task(record)
            if outcome is not None:
                history.save_hits(record["id"], outcome.hits)
            history.close()
    line.end()
    if args.json:
        payload = {"task_id": record["id"], "title": record["title"], "request": request.to_dict(),
                   "source": source.name, **outcome.to_dict(),
                   "excluded_total": outcome.excluded_count, "failed_total": outcome.failed_count}
        # one write: json.dump streams ~100k tiny writes (0.2 s for a full-market scan)
        sys.stdout.write(json.dumps(json_clean(payload), ensure_ascii=False, allow_nan=False))
        sys.stdout.write("\n")
        return 0
    if args.csv:
        write_hits_csv(args.csv, outcome.hits, args.lang)
    zh = args.lang == "zh"
    excl = ", ".join(f"{EXCLUDE_REASONS.get(k, (k, k))[0 if zh else 1]} {v}" for k, v in outcome.excluded.items())
    print(f"{record['title']}  [task {record['id']}]")
    print(f"universe {outcome.universe_size}: found {outcome.found}, not matching {outcome.not_matching}, "
          f"excluded {outcome.excluded_count}{f' ({excl})' if excl else ''}, failed {outcome.failed_count}"
          f"; {outcome.elapsed:.2f} s; bars as of {outcome.as_of}")
    if outcome.rejected:
        print(f"rejected {len(outcome.rejected)}: " + "; ".join(f"{t}: {r}" for t, r in outcome.rejected[:10]))
    if outcome.failed:
        print("failed: " + "; ".join(f"{s}: {r}" for s, r in outcome.failed[:10])
              + (f" … (+{len(outcome.failed) - 10})" if len(outcome.failed) > 10 else ""))
    if args.csv:
        print(f"wrote {len(outcome.hits)} hits to {args.csv}")
    else:
        print_hits_table(outcome.hits, args.lang, args.limit)
    return 0


def json_clean(o):
    """NaN/inf -> null, numpy scalars -> Python, tuples -> lists: strict JSON for other tools."""
    if isinstance(o, dict):
        return {str(k): json_clean(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)):
        return [json_clean(v) for v in o]
    if hasattr(o, "item") and not isinstance(o, (str, bytes)):
        o = o.item()
    if isinstance(o, float) and not math.isfinite(o):
        return None
    return o
