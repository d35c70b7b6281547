"""stockscan-cli universe: list the stocks of a source's universe.

    stockscan-cli universe --source demo [--board sh_main|star|sz_main|chinext|bse] [--json]
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import unicodedata

from desktop_app.core.symbols import BOARDS


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--source", choices=["demo", "akshare"], default="demo",
                        help="data source (default: demo, the built-in synthetic market)")
    parser.add_argument("--board", choices=list(BOARDS), help="only this board")
    parser.add_argument("--json", action="store_true", help="print JSON records instead of a table")
    parser.add_argument("--seed", type=int, default=7, help="demo market seed (default 7)")


def _make_source(name: str, seed: int):
    if name == "demo":
        from desktop_app.core.data.demo import DemoSource
        return DemoSource(seed=seed)
    from desktop_app.core.data.akshare_source import AkShareSource  # akshare itself loads lazily
    return AkShareSource()


def _width(text: str) -> int:
    """Display width: CJK characters take two columns in a terminal."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def run(args: argparse.Namespace) -> int:
    from desktop_app.commands.scan import error
    from desktop_app.core.catalogue import HOSTS, pick, say
    from desktop_app.core.data.errors import DataError

    lang = args.lang
    if args.seed < 0:
        error(say("not_non_negative", lang, option="--seed", value=args.seed), lang)
        return 2
    source = _make_source(args.source, args.seed)
    try:
        uni = source.universe()
    except DataError as e:
        error(e.reason, lang)
        return 1
    if args.board:
        uni = uni[uni["board"] == args.board]
    uni = uni.sort_values("symbol")

    if args.json:
        records = [
            {"symbol": r.symbol, "name": r.name, "exchange": r.exchange, "board": r.board,
             "industry": r.industry, "listed_date": r.listed_date.isoformat() if r.listed_date else None,
             "is_st": bool(r.is_st)}
            for r in uni.itertuples(index=False)
        ]
        _emit("[\n" + ",\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n]")
        return 0

    header = [say(k, lang) for k in ("col_code", "col_name", "col_board", "col_industry", "col_listed")]
    rows = [[r.symbol, r.name, pick(BOARDS[r.board], lang), r.industry,
             r.listed_date.isoformat() if r.listed_date else ""] for r in uni.itertuples(index=False)]
    widths = [max([_width(h)] + [_width(row[i]) for row in rows]) for i, h in enumerate(header)]
    lines = ["  ".join(_pad(h, w) for h, w in zip(header, widths)).rstrip()]
    lines += ["  ".join(_pad(c, w) for c, w in zip(row, widths)).rstrip() for row in rows]
    where = say("universe_on_board", lang, board=pick(BOARDS[args.board], lang), id=args.board) if args.board else ""
    demo = " [DEMO]" if getattr(source, "is_demo", False) else ""
    lines.append(say("universe_footer", lang, n=len(rows), where=where,
                     source=pick(HOSTS.get(source.name), lang, source.name), demo=demo))
    _emit("\n".join(lines))
    return 0


def _emit(text: str) -> None:
    """Print, tolerating a closed pipe (``stockscan-cli universe | head``)."""
    try:
        print(text, flush=True)
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
