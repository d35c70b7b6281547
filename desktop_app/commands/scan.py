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
import threading
import time

from typing import Any, Callable

from desktop_app.core.catalogue import say
from desktop_app.core.jobs import Cancelled, CancelToken, Progress


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--source", choices=["demo", "akshare"], default="demo", help="data source (default demo)")
    parser.add_argument("--demo-stocks", type=int, default=None, help="size of the demo market (default 5000)")
    parser.add_argument("--demo-years", type=float, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--demo-latency", type=float, default=None, help=argparse.SUPPRESS)  # tests: a slow demo
    parser.add_argument("--universe", default=None,       # None: all (or the screen's, with --screen)
                        help="all (default) | sh-main | star | sz-main | chinext | bse | index:000300 | industry:NAME | "
                             "concept:NAME | watchlist | codes:600519,000001")
    parser.add_argument("--min-score", type=float, default=60.0)
    parser.add_argument("--strategy", action="append", default=[], metavar="ID",
                        help="strategy preset (repeatable; id or name)")
    parser.add_argument("--mode", choices=["all", "any"], default="all", help="presets and the formula: all must hold, or any")
    parser.add_argument("--include-st", action="store_true", help="keep ST/*ST stocks")
    parser.add_argument("--include-suspended", action="store_true", help="keep stocks suspended today")
    parser.add_argument("--min-listed-days", type=int, default=60)
    parser.add_argument("--price-min", type=float)
    parser.add_argument("--price-max", type=float)
    parser.add_argument("--min-amount", type=float, help="minimum turnover amount today, yuan")
    parser.add_argument("--mcap-min", type=float, help="minimum market cap, yuan")
    parser.add_argument("--mcap-max", type=float, help="maximum market cap, yuan")
    add_fundamental_arguments(parser)
    from desktop_app.core.hit_order import SORT_KEYS
    parser.add_argument("--sort", choices=SORT_KEYS, default="score",
                        help="order hits by this column (combo: 综合分)")
    parser.add_argument("--no-fetch", action="store_true", help="do not fetch symbols missing from the store")
    formula = parser.add_mutually_exclusive_group()
    formula.add_argument("--formula", metavar="TEXT", help="a 通达信 formula whose selection (XG, or the last "
                         "condition) must hold on the last bar, e.g. 'CROSS(MA(C,5),MA(C,10))'")
    formula.add_argument("--formula-file", metavar="F", help="read the formula from a text file (GBK or UTF-8)")
    formula.add_argument("--screen", metavar="NAME", help="run a saved screen (选股方案); options given with it "
                         "change it for this run, e.g. --universe index:000300")
    parser.add_argument("--as-of", metavar="DATE", default="", help="scan as of a past day (YYYY-MM-DD)")
    parser.add_argument("--save-screen", metavar="NAME", help="save this scan's request as a screen first")
    out = parser.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print the outcome and every hit as JSON")
    out.add_argument("--csv", metavar="PATH", help="write the hits to a CSV file (UTF-8 with BOM)")
    parser.add_argument("--limit", type=int, default=30, help="hits shown in the table (default 30)")
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")
    parser.add_argument("--no-history", action="store_true", help="do not record the task in the history")


def add_fundamental_arguments(parser: argparse.ArgumentParser) -> None:
    """The fundamental and 60日涨跌幅/年初至今 bounds (FUND_OPTIONS): scan and validate."""
    for flag, what in (("pe", "PE (dynamic; a loss fails any PE bound)"), ("pb", "PB"), ("float-cap", "float cap, yuan")):
        parser.add_argument(f"--{flag}-min", type=float, help=f"minimum {what}")
        parser.add_argument(f"--{flag}-max", type=float, help=f"maximum {what}")
    parser.add_argument("--roe-min", type=float, help="minimum ROE of the latest report, %%")
    parser.add_argument("--profit-yoy-min", type=float, help="minimum net profit growth year on year, %%")
    parser.add_argument("--min-fscore", type=float, help="minimum fundamental score 0-100")
    for flag, what in (("chg60", "60-day change, %%"), ("ytd", "year-to-date change, %%")):
        parser.add_argument(f"--{flag}-min", type=float, help=f"minimum {what}")
        parser.add_argument(f"--{flag}-max", type=float, help=f"maximum {what}")


def needs_dirs(args: argparse.Namespace) -> tuple[str, ...]:
    """The user folders this command writes (checked before it starts)."""
    own_only = not (getattr(args, "screen", None) or getattr(args, "save_screen", None))
    cache_only = args.no_history and own_only and (args.universe or "").strip().lower() != "watchlist"
    return ("cache",) if cache_only else ("data", "cache")


def note(text: Any, lang: str) -> None:
    """``note: …`` on stderr (a moved-aside file, a busy one being waited for)."""
    print(say("note", lang, text=text), file=sys.stderr)


def check_arguments(args: argparse.Namespace, lang: str) -> bool:
    """Numbers and paths the parser cannot judge: False (after saying why) when one is bad."""
    ok = True
    for option in ("min_score", "price_min", "price_max", "min_amount", "mcap_min", "mcap_max", "demo_years",
                   *FUND_OPTIONS):
        v = getattr(args, option, None)
        if v is not None and not math.isfinite(v):
            error(say("not_finite", lang, option="--" + option.replace("_", "-"), value=repr(v)), lang)
            ok = False
    for option in ("min_listed_days", "limit"):
        v = getattr(args, option, None)
        if v is not None and v < 0:
            error(say("not_non_negative", lang, option="--" + option.replace("_", "-"), value=v), lang)
            ok = False
    years = getattr(args, "demo_years", None)
    if years is not None and math.isfinite(years) and not years > 0:
        error(say("not_non_negative", lang, option="--demo-years", value=years), lang)
        ok = False
    if getattr(args, "demo_stocks", None) is not None:
        from desktop_app.core.data.demo import max_stocks
        from desktop_app.core.reasons import R

        if not 1 <= args.demo_stocks <= max_stocks():
            error(R("demo_size", maximum=max_stocks(), n=args.demo_stocks), lang)
            ok = False
    if getattr(args, "formula_file", None):
        from desktop_app.core.formula.text_file import read_formula_file
        from desktop_app.core.reasons import ReasonError

        try:
            args.formula = read_formula_file(args.formula_file)
        except ReasonError as e:
            error(e.reason, lang)
            ok = False
    if getattr(args, "csv", None) is not None:
        from desktop_app.core.file_errors import check_output_path

        problem = check_output_path(args.csv)
        if problem is not None:
            error(problem, lang)
            ok = False
    return ok


def report_missing(outcome: Any, store: Any, lang: str) -> None:
    """One sentence when stocks failed only because the store lacks them (an unfinished
    backfill, e.g. after a full disk): how many, which file, what to do."""
    from desktop_app.core.reasons import R, Reason

    n = sum(1 for _, r in outcome.failed if Reason.of(r).code in ("no_bars_in_store", "no_bars_stored"))
    if n:
        note(R("store_missing_stocks", n=n, file=str(store.path)), lang)


def make_source(name: str, demo_stocks: int | None = None, demo_years: float | None = None,
                demo_latency: float | None = None):
    if name == "akshare":
        from desktop_app.core.data.akshare_source import AkShareSource
        return AkShareSource()
    from desktop_app.core.data.demo import DemoSource
    kw: dict = {}
    if demo_stocks is not None:
        kw["n_stocks"] = demo_stocks
    if demo_years is not None:
        kw["years"] = demo_years
    if demo_latency is not None:
        kw["latency"] = demo_latency
    return DemoSource(**kw)


FUND_OPTIONS = ("pe_min", "pe_max", "pb_min", "pb_max", "float_cap_min", "float_cap_max", "roe_min",
                "profit_yoy_min", "min_fscore", "chg60_min", "chg60_max", "ytd_min", "ytd_max")


def request_from_args(args: argparse.Namespace):
    """The request the arguments ask for: a saved screen's (``--screen``) with every option given
    explicitly applied over it, else the options' own."""
    own = _request_of(args)
    if not getattr(args, "screen", None):
        return own
    from dataclasses import fields

    from desktop_app.core.scan import ScanRequest
    from desktop_app.core.screens import ScreenLibrary

    defaults = argparse.ArgumentParser()
    add_arguments(defaults)
    plain = _request_of(defaults.parse_args([]))
    base = ScreenLibrary().get(args.screen).scan_request()
    changed = {f.name: getattr(own, f.name) for f in fields(ScanRequest)
               if getattr(own, f.name) != getattr(plain, f.name) and f.name not in ("formula", "universe")}
    if args.universe is not None:
        changed["universe"] = own.universe
    return ScanRequest.from_dict(dict(base.to_dict(), **changed))


def _request_of(args: argparse.Namespace):
    from desktop_app.core.scan import ScanRequest
    strategies = list(args.strategy or [])
    if strategies:
        try:
            from desktop_app.core.strategies import find_strategy
            strategies = [getattr(find_strategy(s), "id", s) or s for s in strategies]
        except Exception:  # noqa: BLE001 - validate() reports unknown ones readably
            pass
    return ScanRequest(
        universe=args.universe or "all", exclude_st=not args.include_st, exclude_suspended=not args.include_suspended,
        min_listed_days=args.min_listed_days, price_min=args.price_min, price_max=args.price_max,
        min_amount=args.min_amount, mcap_min=args.mcap_min, mcap_max=args.mcap_max,
        min_score=args.min_score, strategies=strategies, mode=args.mode, formula=getattr(args, "formula", None) or "",
        as_of=getattr(args, "as_of", "") or "", sort=getattr(args, "sort", None) or "score",
        **{k: getattr(args, k, None) for k in FUND_OPTIONS})


class ProgressLine:
    """One progress line on stderr: rewritten in place on a terminal, one line per report
    (newline-terminated) when stderr is redirected, at most ~5 reports a second."""

    def __init__(self, quiet: bool, lang: str, render: Callable[[Progress], str], interval: float = 0.2):
        self.quiet, self.lang, self.render, self.interval = quiet, lang, render, interval
        self._last, self._w = 0.0, 0
        self._tty = bool(getattr(sys.stderr, "isatty", lambda: False)())

    def __call__(self, p: Progress) -> None:
        now = time.monotonic()
        if self.quiet or (now - self._last < self.interval and (not p.total or p.done < p.total)):
            return
        self._last = now
        text = self.render(p).rstrip()
        if self._tty:
            sys.stderr.write("\r" + text + " " * max(0, self._w - len(text)))
            self._w = len(text)
        else:
            sys.stderr.write(text + "\n")
        sys.stderr.flush()

    def end(self) -> None:
        if not self.quiet and self._w:
            sys.stderr.write("\n")
            sys.stderr.flush()
            self._w = 0


def current_text(current: Any, lang: str) -> str:
    """A job's ``Progress.current`` (a phase Reason or a symbol) in ``lang``."""
    from desktop_app.core.reasons import Reason
    if isinstance(current, Reason):
        return current.text(lang)
    return str(current or "")


def _scan_line(lang: str) -> Callable[[Progress], str]:
    return lambda p: say("scan_progress", lang, done=p.done, total=p.total, found=p.found, failed=p.failed,
                         current=current_text(p.current, lang))


TABLE_COLUMNS = ["symbol", "name", "score", "label", "last", "chg_pct", "rsi", "strategies"]
FUND_TABLE_COLUMNS = ["pe", "pb", "roe", "profit_yoy", "fscore", "combo"]   # when the scan read fundamentals


def print_hits_table(rows: list[dict], lang: str, limit: int, sort: str = "") -> None:
    from desktop_app.core.hits import formula_columns, since_columns, table_lines
    cols = [("label_zh" if lang == "zh" else "label_en") if c == "label" else c for c in TABLE_COLUMNS]
    cols += (FUND_TABLE_COLUMNS if rows and "fscore" in rows[0] else []) + formula_columns(rows) + since_columns(rows)
    cols += [k for k in (sort,) if k and k not in cols and rows and k in rows[0]]
    for line in table_lines(rows, lang, cols, limit):
        print(line)
    if len(rows) > limit:
        print(say("more_rows", lang, n=len(rows) - limit))


class Heartbeat:
    """Keeps a CLI task's history row alive (and its progress visible to the window) while the
    scan runs: a daemon thread writes the latest progress every ``HEARTBEAT_S``."""

    def __init__(self, history: Any, task_id: str):
        from desktop_app.core.history import HEARTBEAT_S

        self.history, self.task_id, self.interval = history, task_id, HEARTBEAT_S
        self._latest: Progress | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="stockscan-heartbeat", daemon=True)
        self._thread.start()

    def offer(self, p: Progress) -> None:
        self._latest = p

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            p = self._latest or Progress()
            try:
                self.history.heartbeat({self.task_id: {"done": p.done, "total": p.total, "found": p.found,
                                                       "failed": p.failed, "current": p.current}})
            except Exception:  # noqa: BLE001 - a busy history file must not stop the scan
                pass

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)


def _stop_on_signals(cancel: CancelToken, stopped_by: list[int]) -> Callable[[], None]:
    """SIGTERM and SIGHUP cancel the scan cooperatively (so its row ends as interrupted instead of
    staying "running" forever); returns a function that restores the previous handlers."""
    import signal

    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    old = {}

    def handler(signum, _frame) -> None:
        stopped_by.append(signum)
        cancel.cancel()

    for name in ("SIGTERM", "SIGHUP"):
        sig = getattr(signal, name, None)
        if sig is not None:
            old[sig] = signal.signal(sig, handler)

    def restore() -> None:
        for sig, h in old.items():
            signal.signal(sig, h)
    return restore


def error(text: Any, lang: str) -> None:
    """``error: …`` on stderr, a Reason in ``lang``."""
    print(say("error", lang, text=text), file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    from desktop_app.core.data.store import BarStore

    lang = args.lang
    if not check_arguments(args, lang):
        return 2
    request = request_from_args(args)
    problems = request.validate()
    if problems:
        for p in problems:
            error(p, lang)
        return 2
    if getattr(args, "save_screen", None):
        from desktop_app.core.screens import Screen, ScreenLibrary

        lib = ScreenLibrary()
        path = lib.save(Screen(args.save_screen, request.to_dict()))
        note(say("screen_saved", lang, name=args.save_screen.strip(), file=str(path)), lang)
    watch = None
    if request.universe.strip().lower() == "watchlist":
        from desktop_app.core.group_watchlist import GroupWatchlist
        wl = GroupWatchlist()            # its first group (自选股1), watchlist.json migrated into it
        if wl.opened_note is not None:
            note(wl.opened_note, lang)
        watch = wl.symbols()
    source = make_source(args.source, args.demo_stocks, args.demo_years, args.demo_latency)
    store = BarStore.for_source(source, on_busy=lambda r: note(r, lang))
    try:
        return _run(args, lang, request, watch, source, store)
    finally:
        store.close()


def _run(args: argparse.Namespace, lang: str, request: Any, watch: Any, source: Any, store: Any) -> int:
    from desktop_app.core.catalogue import EXCLUDE_REASONS, pick
    from desktop_app.core.file_errors import problem_of
    from desktop_app.core.hits import json_row, write_hits
    from desktop_app.core.history import HistoryStore, new_task_id
    from desktop_app.core.reasons import Reason, unexpected
    from desktop_app.core.scan import ScanError, run_scan

    if store.rebuilt is not None:
        note(store.rebuilt, lang)
    history = None if args.no_history else HistoryStore(on_busy=lambda r: note(r, lang))
    if history is not None and history.opened_note is not None:
        note(history.opened_note, lang)
    record = {"id": new_task_id(), "kind": "scan", "title": request.title(lang), "status": "running",
              "params": {"request": request.to_dict(), "source": source.name, "via": "cli"},
              "created": time.time(), "started": time.time()}
    cancel = CancelToken()
    stopped_by: list[int] = []
    restore = _stop_on_signals(cancel, stopped_by)   # before the row shows it running
    try:
        if history is not None:
            history.save_task(record)
    except BaseException:
        restore()
        history.close()
        raise
    line = ProgressLine(args.quiet, lang, _scan_line(lang))
    beat = Heartbeat(history, record["id"]) if history is not None else None

    def progress(p: Progress) -> None:
        line(p)
        if beat is not None:
            beat.offer(p)

    outcome = None
    try:
        outcome = run_scan(request, source, store, progress=progress, cancel=cancel, watchlist=watch,
                           fetch_missing=not args.no_fetch)
        record.update(status="completed")
    except (Cancelled, KeyboardInterrupt):
        # Ctrl-C cancels; SIGTERM/SIGHUP (a closed terminal, a killed session) interrupt
        record.update(status="interrupted" if stopped_by else "cancelled")
        line.end()
        print(say("cancelled", lang), file=sys.stderr)
        return 130
    except ScanError as e:
        record.update(status="failed", error=e.reason)
        line.end()
        error(e.reason, lang)
        return 2
    except Exception as e:  # noqa: BLE001 - recorded, then re-raised for the traceback
        record.update(status="failed", error=unexpected(e))
        raise
    finally:
        restore()
        if beat is not None:
            beat.stop()
        record["finished"] = time.time()
        if outcome is not None:
            record.update(done=outcome.universe_size, total=outcome.universe_size, found=outcome.found,
                          failed=outcome.failed_count, failures=outcome.failed)
        if history is not None:
            history.finish_task(record, outcome.hits if outcome is not None else None)
            history.close()
    line.end()
    report_missing(outcome, store, lang)
    from desktop_app.core.scan_fundamentals import as_of_notes
    notes = as_of_notes(request)        # as of a past day: how its fundamentals were had
    if args.json:
        payload = {"task_id": record["id"], "title": record["title"], "request": request.to_dict(),
                   "source": source.name, **outcome.to_dict(), "notes": [n.text(lang) for n in notes],
                   "hits": [json_row(h, lang) for h in outcome.hits],
                   "failed": [[s, Reason.of(r).text(lang)] for s, r in outcome.failed],
                   "rejected": [[t, Reason.of(r).text(lang)] for t, r in outcome.rejected],
                   "failed_reasons": [[s, Reason.of(r).to_json()] for s, r in outcome.failed],
                   "excluded_total": outcome.excluded_count, "failed_total": outcome.failed_count}
        # one write: json.dump streams ~100k tiny writes (0.2 s for a full-market scan)
        sys.stdout.write(json.dumps(json_clean(payload), ensure_ascii=False, allow_nan=False))
        sys.stdout.write("\n")
        return 0
    if args.csv:
        try:
            write_hits(args.csv, outcome.hits, lang)
        except OSError as e:
            error(problem_of(e, args.csv).reason, lang)
            if history is not None:
                error(say("hits_in_history", lang, id=record["id"]), lang)
            return 1
    sep = "，" if lang == "zh" else ", "
    excl = sep.join(f"{pick(EXCLUDE_REASONS.get(k), lang, k)} {v}" for k, v in outcome.excluded.items())
    print(say("scan_title", lang, title=record["title"], id=record["id"]))
    print(say("scan_summary", lang, size=outcome.universe_size, found=outcome.found,
              not_matching=outcome.not_matching, excluded=outcome.excluded_count,
              detail=(f"（{excl}）" if lang == "zh" else f" ({excl})") if excl else "",
              failed=outcome.failed_count, elapsed=outcome.elapsed, as_of=str(outcome.as_of)))
    for n in notes:
        note(n, lang)
    colon = "：" if lang == "zh" else ": "
    if outcome.rejected:
        print(say("rejected_list", lang, n=len(outcome.rejected),
                  items="; ".join(f"{t}{colon}{Reason.of(r).text(lang)}" for t, r in outcome.rejected[:10])))
    if outcome.failed:
        more = say("more", lang, n=len(outcome.failed) - 10) if len(outcome.failed) > 10 else ""
        print(say("failed_list", lang, more=more,
                  items="; ".join(f"{s}{colon}{Reason.of(r).text(lang)}" for s, r in outcome.failed[:10])))
    if args.csv:
        print(say("wrote_hits", lang, n=len(outcome.hits), path=args.csv))
    else:
        print_hits_table(outcome.hits, lang, args.limit, getattr(args, "sort", ""))
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
