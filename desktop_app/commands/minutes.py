"""``stockscan-cli minutes CODE [--period 1m|5m|15m|30m|60m] [--last N] [--out FILE.csv|.xlsx]
[--intraday] [--json]``: a stock's minute bars (issue 17 §4) — fetched from the source, merged
into the minute cache (``cache_dir()/minutes-<key>.sqlite``) so history accumulates, printed or
written as a table; ``--intraday`` prints the last day's 分时 summary instead (previous close,
last price, average price, change, volume) from the 1-minute bars (``core.intraday``)."""
from __future__ import annotations

import argparse
import json

from desktop_app.core.catalogue import say
from desktop_app.core.minute_bars import MINUTE_PERIODS

COLUMNS = ["date", "open", "high", "low", "close", "volume", "amount"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("code", help="stock code, e.g. 600519")
    parser.add_argument("--period", choices=list(MINUTE_PERIODS), default="5m", help="bar length (default 5m)")
    parser.add_argument("--last", type=int, default=20, help="bars printed (default 20; 0 = all)")
    parser.add_argument("--out", metavar="FILE", help="write every bar to a .csv or .xlsx file")
    parser.add_argument("--intraday", action="store_true", help="the last day's 分时 summary")
    parser.add_argument("--json", action="store_true", help="print as JSON")
    parser.add_argument("--source", choices=["demo", "akshare"], default="demo", help="data source (default demo)")
    parser.add_argument("--demo-stocks", type=int, default=None, help="size of the demo market (default 5000)")


def needs_dirs(args: argparse.Namespace) -> tuple[str, ...]:
    return ("cache",)


def _rows(bars) -> list[list]:
    return [[t.strftime("%Y-%m-%d %H:%M"), *(float(r[c]) for c in COLUMNS[1:])] for t, r in bars.iterrows()]


def intraday_summary(bars, daily) -> dict | None:
    from desktop_app.core.intraday import intraday_day

    day = intraday_day(bars, daily)
    if day is None:
        return None
    return {"day": day.day.date().isoformat(), "prev_close": day.prev_close, "last": float(day.price[-1]),
            "avg": float(day.avg[-1]), "chg_pct": day.change_pct(day.price[-1]), "minutes": day.n,
            "volume": float(day.volume.sum()), "amount": float(day.amount.sum())}


def run(args: argparse.Namespace) -> int:
    from desktop_app.commands.scan import error, make_source, note
    from desktop_app.core.data.errors import DataError
    from desktop_app.core.file_errors import check_output_path, problem_of
    from desktop_app.core.minute_data import load_minutes, open_minute_store
    from desktop_app.core.numfmt import big, num, pct
    from desktop_app.core.reasons import R
    from desktop_app.core.symbols import SymbolError, parse_symbol

    lang = args.lang
    if args.last < 0:
        error(say("not_non_negative", lang, option="--last", value=args.last), lang)
        return 2
    if args.out is not None:
        problem = check_output_path(args.out, "--out")
        if problem is not None:
            error(problem, lang)
            return 2
    try:
        code = parse_symbol(args.code).code
    except SymbolError as e:
        error(R("token_rejected", token=repr(e.token), reason=e.reason), lang)
        return 2
    source = make_source(args.source, args.demo_stocks)
    period = "1m" if args.intraday else args.period
    try:
        load = load_minutes(source, open_minute_store(source), code, period)
        daily = source.daily_bars(code) if args.intraday else None
    except DataError as e:
        error(e.reason.text(lang), lang)
        return 1
    if load.note is not None:
        note(load.note, lang)
    bars = load.bars
    if args.intraday:
        s = intraday_summary(bars, daily)
        if args.json or s is None:
            print(json.dumps(s, ensure_ascii=False))
            return 0 if s is not None else 1
        print(say("intraday_heading", lang, symbol=code, day=s["day"], minutes=s["minutes"]))
        print(say("intraday_values", lang, prev=num(s["prev_close"]), last=num(s["last"]), avg=num(s["avg"]),
                  chg=pct(s["chg_pct"]), volume=big(s["volume"], lang), amount=big(s["amount"], lang)))
        return 0
    if args.out is not None:
        from desktop_app.core.table_file import ColumnFormat, write_table

        fmts = [ColumnFormat("text")] + [ColumnFormat("number", "0.00")] * 4 + [ColumnFormat("number", "0")] * 2
        try:
            path = write_table(args.out, COLUMNS, _rows(bars), formats=fmts)
        except OSError as e:
            error(problem_of(e, args.out) or str(e), lang)
            return 1
        print(say("minute_written", lang, n=len(bars), period=_name(period, lang), path=str(path)))
        return 0
    shown = bars if args.last == 0 else bars.tail(args.last)
    if args.json:
        print(json.dumps([dict(zip(COLUMNS, r)) for r in _rows(shown)], ensure_ascii=False))
        return 0
    print(say("minute_heading", lang, symbol=code, period=_name(period, lang), n=len(bars),
              first=bars.index[0].strftime("%Y-%m-%d %H:%M"), last=bars.index[-1].strftime("%Y-%m-%d %H:%M")))
    print(say("minute_columns", lang))
    for t, r in shown.iterrows():
        print(f"{t:%Y-%m-%d %H:%M}  " + "  ".join(f"{num(r[c]):>10}" for c in ("open", "high", "low", "close"))
              + f"  {big(r['volume'], lang):>12}  {big(r['amount'], lang):>12}")
    return 0


def _name(period: str, lang: str) -> str:
    from desktop_app.core.minute_bars import period_name

    return period_name(period, lang)
