"""stockscan-cli analyze: print the analysis report of one stock.

    stockscan-cli analyze CODE [--source demo|akshare] [--json] [--lang zh|en] [--seed N]
                               [--index] [--period day|week|month] [--adjust qfq|hfq|none]

An index (``--index``, or ``index:000300``) prints its last bars and its members' breadth; a
stock on ``--period week|month`` is analysed on that period's bars (``commands/analyze_index``),
on ``--adjust hfq|none`` on its 后复权/不复权 bars (``core.adjustment``; default qfq, 前复权,
the bars every scan reads).

Bad codes print the symbols module's message on stderr and exit 2; data failures exit 1.
"""
from __future__ import annotations

import argparse
import json
import unicodedata

from desktop_app.core.catalogue import say


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("code", help="stock code, e.g. 600519, sh600519, 600519.SH; an index with "
                                     "--index or as index:000300")
    parser.add_argument("--index", action="store_true", help="CODE is an index (000300, 沪深300, sh000001)")
    parser.add_argument("--period", choices=["day", "week", "month"], default="day",
                        help="bars of the report: day (default), week or month (通达信's 周K/月K)")
    parser.add_argument("--adjust", choices=["qfq", "hfq", "none"], default="qfq",
                        help="前复权 qfq (default), 后复权 hfq, 不复权 none")
    parser.add_argument("--source", choices=["demo", "akshare"], default="demo",
                        help="data source (default: demo, the built-in synthetic market)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--seed", type=int, default=7, help="demo market seed (default 7)")


def needs_dirs(args: argparse.Namespace) -> tuple[str, ...]:
    return ("cache",) if args.source == "akshare" else ()


def _source_and_store(name: str, seed: int):
    if name == "demo":
        from desktop_app.core.data.demo import DemoSource
        return DemoSource(seed=seed), None
    from desktop_app.core.data.akshare_source import AkShareSource
    store = None
    try:
        from desktop_app.core.data.store import BarStore
        store = BarStore.for_source("akshare")
    except Exception:  # no usable local store: fetch from the network instead
        store = None
    return AkShareSource(), store


def _legacy_note(typed: str, code: str, lang: str) -> str:
    """Say so when a legacy Beijing code (43/83/87xxxx) was read as its 920xxx code, so an error
    about 920xxx is not a mystery to someone who typed 430047."""
    from desktop_app.core.symbols import LEGACY_BSE_PREFIXES

    digits = "".join(ch for ch in unicodedata.normalize("NFKC", typed) if ch.isdigit())
    if digits != code and digits.startswith(LEGACY_BSE_PREFIXES):
        return say("legacy_bse", lang, digits=digits, code=code)
    return ""


def run(args: argparse.Namespace) -> int:
    from desktop_app.commands.scan import error
    from desktop_app.core.analysis import AnalysisError, analyze
    from desktop_app.core.reasons import R
    from desktop_app.core.data.errors import DataError
    from desktop_app.core.report_format import to_markdown
    from desktop_app.core.symbols import SymbolError, parse_symbol

    if args.seed < 0:
        error(say("not_non_negative", args.lang, option="--seed", value=args.seed), args.lang)
        return 2
    if args.index or args.code.strip().lower().startswith("index:"):
        from desktop_app.commands.analyze_index import run_index
        source, store = _source_and_store(args.source, args.seed)
        try:
            return run_index(args.code, source, store, args.period, args.json, args.lang)
        finally:
            if store is not None:
                store.close()
    try:
        code = parse_symbol(args.code).code
    except SymbolError as e:
        error(R("token_rejected", token=e.token if e.token.startswith("'") else repr(e.token),
                reason=e.reason), args.lang)
        return 2
    source, store = _source_and_store(args.source, args.seed)
    try:
        report = analyze(code, source, store)
        if args.period != "day" or args.adjust != "qfq":
            from desktop_app.commands.analyze_index import period_report
            from desktop_app.core.adjustment import load_adjusted_bars
            from desktop_app.core.analysis import build_report, stock_info
            info, bars = stock_info(source, code), load_adjusted_bars(code, args.adjust, source, store)
            report = (period_report(lambda b: build_report(b, info), bars, args.period) if args.period != "day"
                      else build_report(bars, info))
            report.is_demo = bool(getattr(source, "is_demo", False))
    except (DataError, AnalysisError) as e:
        error(e.reason.text(args.lang) + _legacy_note(args.code, code, args.lang), args.lang)
        return 1
    finally:
        if store is not None:
            store.close()
    if args.json:
        print(report.to_json() if args.period == "day" and args.adjust == "qfq" else json.dumps(
            {**report.to_dict(), "period": args.period, "adjust": args.adjust}, ensure_ascii=False, indent=2))
        return 0
    if args.adjust != "qfq":
        from desktop_app.core.adjustment import adjust_name
        print(say("adjust_heading", args.lang, name=adjust_name(args.adjust, args.lang)))
    if args.period != "day":
        from desktop_app.core.periods import period_name
        print(say("report_period", args.lang, period=period_name(args.period, args.lang)) + "\n")
    print(to_markdown(report, args.lang))
    return 0
