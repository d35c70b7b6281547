"""stockscan-cli refresh: backfill and/or update a source's local bar store.

    stockscan-cli refresh --source demo|akshare [--symbols 600519,000001] [--backfill|--update] [--limit N]
    stockscan-cli refresh --fundamentals      (the whole market's reports, one request per period)

Without --backfill/--update/--fundamentals it does both bar jobs (fill what is missing, then bring
everything current; the update also keeps the snapshot's PE/PB/caps with their date).
Progress is one line on stderr, rewritten in place; the summary (fetched, failed with reasons) goes
to stdout. Ctrl-C cancels cleanly: fetch threads finish their request, fetched bars are kept.
"""
from __future__ import annotations

import argparse
import signal
import sys
import threading

from desktop_app.commands.scan import ProgressLine, current_text, error
from desktop_app.core.catalogue import say
from desktop_app.core.jobs import Cancelled, CancelToken, Progress

_MAX_LISTED_FAILURES = 20


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--source", choices=["demo", "akshare"], default="demo", help="data source (default demo)")
    parser.add_argument("--symbols", default=None,
                        help="codes separated by commas or spaces, any form (600519, sh600519, 600519.SH); "
                             "default: the whole universe")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--backfill", action="store_true", help="only fetch the history of symbols not stored yet")
    mode.add_argument("--update", action="store_true",
                      help="only bring stored series up to date (with --symbols: only those)")
    mode.add_argument("--fundamentals", action="store_true", help="only refresh the financial reports")
    parser.add_argument("--limit", type=_positive_int, default=None,
                        help="backfill at most N symbols (first N of the list)")
    parser.add_argument("--quiet", action="store_true", help="no progress line")


def needs_dirs(args: argparse.Namespace) -> tuple[str, ...]:
    return ("cache",)


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _parse_symbols(text: str, lang: str) -> list[str] | None:
    """The codes of ``--symbols``; prints every rejected token with its reason and returns None
    when any token is not a stock code (nothing is silently dropped)."""
    from desktop_app.core.symbols import parse_symbols

    parsed = parse_symbols(text)
    for token, reason in parsed.rejected:
        error(say("symbols_rejected", lang, token=repr(token), reason=reason), lang)
    if parsed.rejected:
        return None
    if not parsed.codes:
        error(say("symbols_none", lang), lang)
        return None
    return parsed.codes


def _make_source(name: str):
    if name == "akshare":
        from desktop_app.core.data.akshare_source import AkShareSource

        return AkShareSource()
    from desktop_app.core.data.demo import DemoSource

    return DemoSource()


def _progress_line(label: str, quiet: bool, lang: str) -> ProgressLine:
    def render(p: Progress) -> str:
        return say("refresh_progress", lang, label=say(label, lang), done=p.done,
                   total=f"/{p.total}" if p.total else "", failed=p.failed,
                   current=current_text(p.current, lang))
    return ProgressLine(quiet, lang, render, interval=0.1)


def _print_report(title: str, report, lang: str) -> None:
    print(say("report_line", lang, title=title, summary=report.summary(lang)))
    for sym, reason in list(report.failed.items())[:_MAX_LISTED_FAILURES]:
        print(say("report_failed", lang, symbol=sym, reason=reason))
    if len(report.failed) > _MAX_LISTED_FAILURES:
        print(say("report_more_failures", lang, n=len(report.failed) - _MAX_LISTED_FAILURES))


def _refresh_fundamentals(source, store, args: argparse.Namespace, cancel: CancelToken, lang: str) -> int:
    from desktop_app.core.data.fundamental_refresh import refresh_fundamentals
    from desktop_app.core.data.fundamental_store import FundamentalStore

    line = _progress_line("fundamentals", args.quiet, lang)
    try:
        report = refresh_fundamentals(source, store, progress=line, cancel=cancel)
    finally:
        line.end()
    _print_report(say("fundamentals", lang), report, lang)
    fstore = FundamentalStore(store)
    periods = sorted(fstore.fetched_periods())
    vals = fstore.valuations()
    days = [d for d in vals["day"] if d is not None]
    print(say("fund_periods_line", lang, n=len(periods), latest=str(periods[-1]) if periods else "-",
              valuations=len(vals), day=str(max(days)) if days else "-"))
    return 1 if report.failed and not report.fetched else 0


def run(args: argparse.Namespace) -> int:
    from desktop_app.core.data.refresh import backfill, update
    from desktop_app.core.data.store import BarStore

    lang = args.lang
    requested = None
    if args.symbols is not None:
        requested = _parse_symbols(args.symbols, lang)
        if requested is None:
            return 2
    from desktop_app.commands.scan import note
    from desktop_app.core.file_errors import FileProblem

    source = _make_source(args.source)
    store = BarStore.for_source(source, on_busy=lambda r: note(r, lang))
    if store.rebuilt is not None:
        print(say("store_rebuilt", lang, reason=store.rebuilt), file=sys.stderr)
    cancel = CancelToken()
    old_handler = None
    if threading.current_thread() is threading.main_thread():
        old_handler = signal.signal(signal.SIGINT, lambda *_: cancel.cancel())
    do_backfill = not args.fundamentals and (args.backfill or not args.update)
    do_update = not args.fundamentals and (args.update or not args.backfill)
    rc = 0
    try:
        if args.fundamentals:
            rc = _refresh_fundamentals(source, store, args, cancel, lang)
        if do_backfill:
            symbols = requested
            if symbols is None and args.limit is not None:
                symbols = [str(s) for s in source.universe()["symbol"]]
            if symbols is not None and args.limit is not None:
                symbols = symbols[: args.limit]
            line = _progress_line("backfill", args.quiet, lang)
            try:
                report = backfill(source, store, symbols, progress=line, cancel=cancel)
            finally:
                line.end()
            _print_report(say("backfill", lang), report, lang)
            rc = 1 if report.failed and not report.fetched and not report.skipped else 0
        if do_update:
            line = _progress_line("update", args.quiet, lang)
            try:
                report = update(source, store, progress=line, cancel=cancel, symbols=requested)
            finally:
                line.end()
            _print_report(say("update", lang), report, lang)
        latest = store.latest_date()
        print(say("store_line", lang, n=len(store), latest=str(latest or "-"), path=str(store.path)))
    except FileProblem as exc:   # full disk, read-only, busy for good: what was stored is kept
        report = getattr(exc, "report", None)
        if report is not None:
            _print_report(say("refresh_stopped", lang, reason=say("backfill" if do_backfill else "update", lang)),
                          report, lang)
        error(exc.reason, lang)
        rc = 1
    except Cancelled as exc:
        report = getattr(exc, "report", None)
        if report is not None:
            _print_report(say("cancelled", lang), report, lang)
        print(say("cancelled", lang), file=sys.stderr)
        rc = 130
    finally:
        if old_handler is not None:
            signal.signal(signal.SIGINT, old_handler)
        store.close()
    return rc
