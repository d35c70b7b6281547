"""stockscan-cli holdings: the portfolio (持仓) with its valuation.

    stockscan-cli holdings [show] [--source demo|akshare]   rows, totals, industries, drawdown
    stockscan-cli holdings add CODE QTY COST [DATE]
    stockscan-cli holdings remove ID
    stockscan-cli holdings import FILE                      CSV/XLSX (replaces the holdings)
    stockscan-cli holdings export FILE                      CSV/XLSX

Prices: the stored bars' last close and the one before it (the CLI never waits a minute for the
snapshot); the demo market from its memory.
"""
from __future__ import annotations

import argparse
import sys

from desktop_app.core.catalogue import say

ACTIONS = ("show", "add", "remove", "import", "export")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", nargs="?", choices=ACTIONS, default="show")
    parser.add_argument("items", nargs="*", help="add: CODE QTY COST [DATE]; a file")
    parser.add_argument("--source", choices=["demo", "akshare"], default="demo", help="prices from (default demo)")


def needs_dirs(args: argparse.Namespace) -> tuple[str, ...]:
    return ("data", "cache") if args.action == "show" else ("data",)


def _show(args) -> int:
    from desktop_app.commands.scan import make_source
    from desktop_app.core import numfmt as nf
    from desktop_app.core.data.store import BarStore
    from desktop_app.core.portfolio_data import load_valuation
    from desktop_app.core.watch_store import WatchStore

    lang = args.lang
    holdings = WatchStore().holdings()
    if not holdings:
        print(say("error", lang, text=say("holdings_empty", lang)), file=sys.stderr)
        return 0
    source = make_source(args.source)
    store = BarStore.for_source(source)
    try:
        v = load_valuation(source, store, holdings)
    finally:
        store.close()
    if source.is_demo:
        print(say("demo_label", lang))
    print("#\t" + say("holdings_header", lang))
    for r in v.rows.itertuples():
        print("\t".join([str(r.id), r.code, r.name, nf.num(r.quantity, 0), nf.num(r.cost), nf.num(r.last),
                         nf.big(r.market_value, lang, 2), nf.big(r.day_change, lang, 2), nf.big(r.pnl, lang, 2),
                         nf.pct(r.pnl_pct), nf.pct(r.weight, sign=False)]))
    t = v.totals
    print(say("holdings_total", lang, value=nf.big(t["market_value"], lang, 2), cost=nf.big(t["cost_value"], lang, 2),
              pnl=nf.big(t["pnl"], lang, 2), pnl_pct=nf.pct(t["pnl_pct"]), day=nf.big(t["day_change"], lang, 2),
              day_pct=nf.pct(t["day_change_pct"])))
    sep = "，" if lang == "zh" else ", "
    print(say("holdings_industry", lang, items=sep.join(f"{r.industry} {nf.pct(r.weight, sign=False)}"
                                                         for r in v.by_industry.itertuples())))
    d = v.drawdown
    print(say("holdings_drawdown", lang, current=nf.pct(d["current"]), max=nf.pct(d["max"]), days=d["days"]))
    return 0


def run(args: argparse.Namespace) -> int:
    from desktop_app.core.holdings_file import export_holdings, preview_holdings
    from desktop_app.core.watch_store import WatchStore

    lang = args.lang
    if args.action == "show":
        return _show(args)
    store = WatchStore()
    if args.action == "add":
        if len(args.items) not in (3, 4):
            print(say("error", lang, text=say("holdings_add_usage", lang)), file=sys.stderr)
            return 2
        h = store.add_holding(*args.items)
        print(say("holdings_added", lang, id=h.id))
        return 0
    if len(args.items) != 1:
        print(say("error", lang, text=say("watch_import_needs_file", lang)), file=sys.stderr)
        return 2
    if args.action == "remove":
        if not store.remove_holding(int(args.items[0])):
            print(say("error", lang, text=say("holdings_no_id", lang, id=args.items[0])), file=sys.stderr)
            return 1
        return 0
    if args.action == "export":
        print(say("holdings_exported", lang, path=str(export_holdings(args.items[0], store.holdings(), lang))))
        return 0
    preview = preview_holdings(args.items[0])
    from desktop_app.commands.watchlist import print_rejected

    print_rejected(preview, lang)
    print(say("holdings_imported", lang, n=store.replace_holdings(preview.holdings)))
    return 0 if not preview.rejected else 1
