"""stockscan-cli market: the market on one day — breadth, limits, the 连板 ladder, industries (issue 18).

    stockscan-cli market [--date 2025-06-30] [--source demo|akshare] [--demo-stocks N] [--top 10]
        [--json] [--lang en]

The same computation as the window's market view (``core.market.market_overview``): bars from the
local store (the demo market from its memory for what the store lacks; a remote source is never
fetched from here). On the live source the day's limit-up pools (``core.data.akshare_market``:
seal times, seal amount, times opened; saved per day) are added to the ladder — ``"live"`` and
the ladder rows' ``first_seal`` … in the JSON — unless ``--no-live``; what fails is a note.
``--json`` prints the result's ``to_dict()``.
"""
from __future__ import annotations

import argparse
import json
import sys

from desktop_app.core.catalogue import say


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--date", metavar="DATE", help="the day (default: the last trading day of the data)")
    parser.add_argument("--source", choices=["demo", "akshare"], default="demo", help="data source (default demo)")
    parser.add_argument("--demo-stocks", type=int, default=None, help="size of the demo market (default 5000)")
    parser.add_argument("--top", type=int, default=10, help="industries shown at each end (default 10)")
    parser.add_argument("--json", action="store_true", help="print the whole result as JSON")
    parser.add_argument("--no-live", action="store_true", help="skip the live limit-up pools")


def needs_dirs(args: argparse.Namespace) -> tuple[str, ...]:
    return ("cache",)


def _group(row: dict, lang: str) -> str:
    from desktop_app.core import numfmt
    from desktop_app.core.reasons import render_param

    return say("market_group_line", lang, name=render_param(row["name"], lang),
               change=numfmt.pct(_pct(row["avg_change"])), up=row["up"], members=row["members"],
               limit_up=row["limit_up"], amount=numfmt.big(row["amount"], lang))


def _pct(x):
    return None if x is None else 100.0 * x


def _seal(x: dict, lang: str) -> str:
    """The live pool's fields of a ladder row (" 首封 09:30:15 封单 1.20亿 开板 2"), or ""."""
    from desktop_app.core import numfmt

    if not x.get("first_seal") and x.get("seal_amount") is None:
        return ""
    return say("market_seal", lang, first=x.get("first_seal") or "—", last=x.get("last_seal") or "—",
               seal=numfmt.big(x.get("seal_amount"), lang), opened="—" if x.get("opened") is None else x["opened"])


def print_report(d: dict, lang: str, top: int) -> None:
    from desktop_app.core import numfmt
    from desktop_app.core.reasons import Reason, render_param

    c = d["counts"]
    print(say("market_title", lang, date=d["date"], source="DEMO" if d["source"] == "demo" else d["source"]))
    for n in d["notes"]:
        print(say("note", lang, text=Reason.of(n)))
    print(say("market_breadth", lang, **{k: c[k] for k in ("up", "flat", "down", "suspended", "new", "no_bars")}))
    touched = c["limit_up"] + c["broken"]
    print(say("market_limits", lang, limit_up=c["limit_up"], limit_down=c["limit_down"], broken=c["broken"],
              broken_rate=numfmt.pct(100.0 * c["broken"] / touched if touched else None, 1, sign=False)))
    a = d["amount"]
    print(say("market_amount", lang, today=numfmt.big(a["today"], lang), k=len(a["previous"]),
              mean=numfmt.big(a["previous_mean"], lang),
              ratio=numfmt.pct(None if a["ratio"] is None else 100.0 * (a["ratio"] - 1.0))))
    print(say("market_rules", lang, items=("，" if lang == "zh" else ", ").join(
        f"{render_param(r['name'], lang)} ±{r['limit']:.0%}（ST ±{r['st_limit']:.0%}）" if lang == "zh" else
        f"{render_param(r['name'], lang)} ±{r['limit']:.0%} (ST ±{r['st_limit']:.0%})" for r in d["rules"])))
    print(say("market_histogram", lang))
    h = d["histogram"]
    peak = max(h["counts"]) or 1
    for label, n in zip(h["labels"], h["counts"]):
        print(say("market_hist_line", lang, label=label, count=n, bar="█" * round(40 * n / peak)))
    print(say("market_boards", lang))
    for r in d["boards"]:
        print("\t".join([render_param(r["name"], lang), str(r["up"]), str(r["down"]), str(r["limit_up"]),
                         str(r["limit_down"]), numfmt.pct(_pct(r["avg_change"])),
                         numfmt.pct(_pct(r["above_ma20_pct"]), 1, sign=False),
                         numfmt.pct(_pct(r["above_ma60_pct"]), 1, sign=False),
                         numfmt.big(r["amount"], lang), numfmt.big(r["market_cap"], lang)]))
    print(say("market_ladder", lang))
    levels: dict[int, list[dict]] = {}
    for x in d["ladder"]:
        levels.setdefault(x["days"], []).append(x)
    if not levels:
        print(say("market_ladder_none", lang))
    if d["source"] == "demo":
        print(say("market_ladder_demo", lang))
    for days, xs in levels.items():
        items = "、".join(f"{x['name']}({x['symbol']} {x['industry']}{_seal(x, lang)})" for x in xs) if lang == "zh" \
            else ", ".join(f"{x['name']} ({x['symbol']}, {x['industry']}{_seal(x, lang)})" for x in xs)
        print(say("market_ladder_level", lang, days=f"{days}+" if any(x["capped"] for x in xs) else days,
                  n=len(xs), items=items))
    for key, which in (("market_broken", "broken"), ("market_limit_down", "limit_down")):
        xs = d[which]
        items = ("、" if lang == "zh" else ", ").join(
            f"{x['name']}({x['symbol']} {numfmt.pct(_pct(x['change']))}{_seal(x, lang)})" for x in xs)
        print(say(key, lang, n=len(xs), items=items or say("market_list_none", lang)))
    ind = [r for r in d["industries"] if r["avg_change"] is not None]
    n = min(top, len(ind))
    print(say("market_top", lang, n=n))
    for r in ind[:n]:
        print(_group(r, lang))
    print(say("market_bottom", lang, n=n))
    for r in list(reversed(ind))[:n]:
        print(_group(r, lang))


def run(args: argparse.Namespace) -> int:
    from desktop_app.commands.scan import error, make_source
    from desktop_app.core.data.store import BarStore
    from desktop_app.core.data.akshare_market import LIST_POOLS
    from desktop_app.core.market import market_overview

    lang = args.lang
    if args.top < 1:
        error(say("market_top_min", lang, value=args.top), lang)
        return 2
    if args.date is not None:
        import pandas as pd

        try:
            pd.Timestamp(args.date)
        except (ValueError, TypeError) as e:
            error(say("market_bad_date", lang, value=args.date, detail=str(e)), lang)
            return 2
    source = make_source(args.source, args.demo_stocks)
    store = BarStore.for_source(source)
    live = None
    try:
        res = market_overview(source, store, args.date)
        fetch = getattr(source, "limit_pools", None)          # the live source only
        if fetch is not None and not args.no_live:
            import datetime as dt

            live = fetch(store, dt.date.fromisoformat(res.date))
    finally:
        store.close()
    d = res.to_dict()
    if live is not None:
        for which in LIST_POOLS:                       # the ladder, 炸板, 跌停: their pools' fields
            d[which] = live.merge(d[which], which)
        d["live"] = live.to_dict()
        d["notes"] += [f.to_json() for f in live.failures]
    if args.json:
        json.dump(d, sys.stdout, ensure_ascii=False, allow_nan=False)
        print()
        return 0
    print_report(d, lang, args.top)
    return 0
