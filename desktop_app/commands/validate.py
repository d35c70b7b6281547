"""stockscan-cli validate: a screen's forward returns over a past period (issue 16).

    stockscan-cli validate --universe all --min-score 70 --days 250 [--from 2024-12-01 --to 2025-11-30]
        [--strategy ID …] [--mode all|any] [--formula TEXT] [--top 10 --hold 5] [--horizons 1,3,5,10,20]
        [--commission 0.00025 --stamp-duty 0.0005 --slippage 0] [--json] [--xlsx PATH] [--lang en]

The same engine as the window (``core.validation.validate``): the screen evaluated on every day of
the period, entries at the next open (limit-up opens and suspensions cannot be bought), exits at
the close k trading days later. Prints the per-horizon table, the score bands, the presets, the
portfolio and the biases that remain; ``--json`` prints the result's ``to_dict()``; ``--xlsx``
also writes the report as a workbook (``core/validation_xlsx``: a sheet per table, Excel charts).
"""
from __future__ import annotations

import argparse
import json
import sys

from desktop_app.core.catalogue import say


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--source", choices=["demo", "akshare"], default="demo", help="data source (default demo)")
    parser.add_argument("--demo-stocks", type=int, default=None, help="size of the demo market (default 5000)")
    parser.add_argument("--universe", default="all", help="as for scan: all | sh-main | index:000300 | codes:… ")
    parser.add_argument("--min-score", type=float, default=60.0)
    parser.add_argument("--strategy", action="append", default=[], metavar="ID", help="preset (repeatable)")
    parser.add_argument("--mode", choices=["all", "any"], default="all")
    parser.add_argument("--formula", metavar="TEXT", help="a 通达信 formula whose selection must hold too")
    parser.add_argument("--include-st", action="store_true")
    parser.add_argument("--include-suspended", action="store_true")
    parser.add_argument("--min-listed-days", type=int, default=60)
    parser.add_argument("--price-min", type=float)
    parser.add_argument("--price-max", type=float)
    parser.add_argument("--min-amount", type=float)
    parser.add_argument("--mcap-min", type=float)
    parser.add_argument("--mcap-max", type=float)
    from desktop_app.commands.scan import add_fundamental_arguments
    add_fundamental_arguments(parser)           # the scan's own flags: --pe-max, --roe-min, --chg60-min …
    parser.add_argument("--days", type=int, default=250, help="the last N trading days (default 250)")
    parser.add_argument("--from", dest="start", metavar="DATE", help="first day of the period (instead of --days)")
    parser.add_argument("--to", dest="end", metavar="DATE", help="last day of the period (default: the latest)")
    parser.add_argument("--horizons", default="1,3,5,10,20", help="holding days, comma-separated")
    parser.add_argument("--top", type=int, default=10, help="portfolio: stocks bought each day")
    parser.add_argument("--hold", type=int, default=5, help="portfolio: days each is held")
    parser.add_argument("--commission", type=float, default=0.00025, help="each side, a fraction")
    parser.add_argument("--stamp-duty", type=float, default=0.0005, help="on sells, a fraction")
    parser.add_argument("--slippage", type=float, default=0.0, help="each side, a fraction")
    parser.add_argument("--no-fetch", action="store_true", help="do not fetch symbols missing from the store")
    parser.add_argument("--json", action="store_true", help="print the whole result as JSON")
    parser.add_argument("--xlsx", metavar="PATH", help="also write the report as an XLSX workbook")
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")


def needs_dirs(args: argparse.Namespace) -> tuple[str, ...]:
    return ("cache",)


def _horizons(text: str) -> list[int] | None:
    try:
        return [int(x) for x in str(text).replace("，", ",").split(",") if x.strip()]
    except ValueError:
        return None


def run(args: argparse.Namespace) -> int:
    from desktop_app.commands.scan import ProgressLine, _request_of, current_text, error, make_source
    from desktop_app.core.data.store import BarStore
    from desktop_app.core.reasons import R
    from desktop_app.core.validation import Period, validate
    from desktop_app.core.validation_portfolio import Costs

    lang = args.lang
    horizons = _horizons(args.horizons)
    if not horizons:
        error(R("validation_horizons", maximum=120, horizons=args.horizons), lang)
        return 2
    request = _request_of(args)
    period = Period(days=None if (args.start or args.end) else args.days, start=args.start, end=args.end)
    from desktop_app.core.validation import check_options
    costs = Costs(args.commission, args.stamp_duty, args.slippage)
    problems = request.validate() + period.validate() + check_options(args.top, args.hold, horizons, costs)
    if problems:
        for p in problems:
            error(p, lang)
        return 2
    if args.xlsx:
        from desktop_app.core.file_errors import check_output_path
        problem = check_output_path(args.xlsx, "--xlsx")
        if problem is not None:
            error(problem, lang)
            return 2
    source = make_source(args.source, args.demo_stocks)
    store = BarStore.for_source(source)
    line = ProgressLine(args.quiet, lang, lambda p: say("validate_progress", lang, fraction=p.fraction or 0.0,
                                                         current=current_text(p.current, lang)))
    try:
        res = validate(request, period, source, store, line, top_n=args.top, hold=args.hold, costs=costs,
                       horizons=horizons, fetch_missing=not args.no_fetch)
    finally:
        line.end()
        store.close()
    d = res.to_dict()
    if args.xlsx:
        from desktop_app.core.file_errors import problem_of
        from desktop_app.core.validation_xlsx import write_report_xlsx
        try:
            write_report_xlsx(args.xlsx, d, lang)
        except OSError as e:
            error(problem_of(e, args.xlsx).reason, lang)
            return 1
        print(say("validate_wrote_xlsx", lang, path=args.xlsx), file=sys.stderr)
    if args.json:
        json.dump(d, sys.stdout, ensure_ascii=False, indent=1)
        print()
        return 0
    from desktop_app.commands.validate_report import print_report
    print_report(d, lang)
    return 0
