"""stockscan-cli alerts: the alert rules (预警) and one check pass over the latest data (cron).

    stockscan-cli alerts [list]
    stockscan-cli alerts add KIND TARGET [key=value …]   e.g. add price_above 600519 price=1800
                                                         TARGET: a code, group:NAME or holdings
    stockscan-cli alerts remove ID | rearm ID
    stockscan-cli alerts check [--source demo|akshare] [--tick K] [--bars]
        one pass: prints what fired for the first time today (exit 0; 1 on failure);
        --bars: on the stored bars (after the close and the daily refresh), no snapshot

``check`` reads the snapshot (``stock_zh_a_spot_em`` takes about a minute for the whole market;
the demo market plays tick K of its session, labelled DEMO) and the stored bars.
"""
from __future__ import annotations

import argparse
import json
import sys

from desktop_app.core.catalogue import say

ACTIONS = ("list", "add", "remove", "rearm", "check")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", nargs="?", choices=ACTIONS, default="list")
    parser.add_argument("items", nargs="*", help="add: KIND TARGET key=value…; an id")
    parser.add_argument("--source", choices=["demo", "akshare"], default="demo", help="check: data source")
    parser.add_argument("--tick", type=int, default=0, help="check: the demo session's tick")
    parser.add_argument("--bars", action="store_true", help="check: the stored bars, no snapshot")


def needs_dirs(args: argparse.Namespace) -> tuple[str, ...]:
    return ("data", "cache") if args.action == "check" else ("data",)


def parse_target(text: str) -> tuple[str, str]:
    if text == "holdings":
        return "holdings", ""
    if text.startswith("group:"):
        return "group", text[len("group:"):]
    from desktop_app.core.symbols import parse_symbol

    return "stock", parse_symbol(text).code


def _value(v: str):
    try:
        return float(v) if any(ch in v for ch in ".eE") else int(v)
    except ValueError:
        return v


def run(args: argparse.Namespace) -> int:
    from desktop_app.core.alert_store import AlertStore, bars_view, check_once, market_view
    from desktop_app.core.alerts import AlertRule
    from desktop_app.core.watch_store import WatchStore

    lang = args.lang
    alerts = AlertStore(WatchStore())
    if args.action == "list":
        rules = alerts.rules()
        if not rules:
            print(say("alerts_none", lang), file=sys.stderr)
        for r in rules:
            print(say("alerts_line", lang, id=r.id, kind=r.kind, target=(f"group:{r.target}" if r.target_kind == "group"
                                                                          else r.target or r.target_kind),
                      params=json.dumps(r.params, ensure_ascii=False),
                      state=say("alerts_on" if r.enabled else "alerts_off", lang)))
        return 0
    if args.action == "add":
        if len(args.items) < 2:
            print(say("error", lang, text=say("alerts_add_usage", lang)), file=sys.stderr)
            return 2
        kind, target = args.items[0], args.items[1]
        tk, tv = parse_target(target)
        params = {}
        for kv in args.items[2:]:
            k, _, v = kv.partition("=")
            params[k] = _value(v)
        rule = alerts.add(AlertRule(kind, tk, tv, params))
        print(say("alerts_added", lang, id=rule.id))
        return 0
    if args.action in ("remove", "rearm"):
        if len(args.items) != 1 or not args.items[0].isdigit():
            print(say("error", lang, text=say("alerts_id_usage", lang)), file=sys.stderr)
            return 2
        rid = int(args.items[0])
        if rid not in {r.id for r in alerts.rules()}:
            from desktop_app.core.reasons import R

            print(say("error", lang, text=R("alert_no_rule", id=rid)), file=sys.stderr)
            return 1
        alerts.remove(rid) if args.action == "remove" else alerts.rearm(rid)
        return 0
    from desktop_app.commands.scan import make_source
    from desktop_app.core.data.store import BarStore

    source = make_source(args.source)
    store = BarStore.for_source(source)
    try:
        view = (bars_view(source, store, alerts.store) if args.bars
                else market_view(source, store, alerts.store, demo_tick=args.tick))
        fired = check_once(alerts, view)
    finally:
        store.close()
    label = say("demo_label", lang) if view.demo else ""
    for f in fired:
        print(label + say("alerts_fired", lang, text=f.message))
    if not fired:
        print(label + say("alerts_nothing", lang), file=sys.stderr)
    return 0
