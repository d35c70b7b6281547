"""stockscan-cli fundamentals: one stock's latest report, valuation and fundamental score trace.

    stockscan-cli fundamentals CODE [--source demo|akshare] [--json] [--lang zh|en] [--seed N]
"""
from __future__ import annotations

import argparse
import json

from desktop_app.core.catalogue import say


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("code", help="stock code, e.g. 600519, sh600519, 600519.SH")
    parser.add_argument("--source", choices=["demo", "akshare"], default="demo", help="data source (default demo)")
    parser.add_argument("--json", action="store_true", help="print the report, valuation and score as JSON")
    parser.add_argument("--seed", type=int, default=7, help="demo market seed (default 7)")


def _lines(f, lang: str) -> list[str]:
    from desktop_app.core import numfmt
    from desktop_app.core.catalogue import HIT_HEADERS, pick, values_text
    from desktop_app.core.reasons import R

    r, v = f.latest, f.valuation or {}
    out = [say("fund_report", lang, period=str(r["report_date"]), notice=str(r.get("notice_date") or "—"))]
    if f.valuation is not None:
        out.append(say("fund_valuation", lang, day=str(v.get("date")), pe=numfmt.num(v.get("pe_ttm")),
                       pb=numfmt.num(v.get("pb")), cap=numfmt.big(v.get("market_cap"), lang),
                       fcap=numfmt.big(v.get("float_cap"), lang)))
    elif f.valuation_error is not None:
        out.append(say("note", lang, text=f.valuation_error))
    shown = [("eps", numfmt.num(r["eps"], 3)), ("revenue", numfmt.big(r["revenue"], lang)),
             ("revenue_yoy", numfmt.pct(r["revenue_yoy"])), ("profit", numfmt.big(r["profit"], lang)),
             ("profit_yoy", numfmt.pct(r["profit_yoy"])), ("roe", numfmt.pct(r["roe"], sign=False)),
             ("bvps", numfmt.num(r["bvps"])), ("gross_margin", numfmt.pct(r["gross_margin"], sign=False)),
             ("debt_ratio", numfmt.pct(r["debt_ratio"], sign=False))]
    names = {"revenue": ("营业收入", "Revenue"), "profit": ("净利润", "Net profit"), "debt_ratio": ("资产负债率", "Debt ratio %")}
    out += [say("fund_line", lang, name=pick(HIT_HEADERS.get(k) or names[k], lang), value=val) for k, val in shown]
    s = f.score
    if not s.valid[0]:
        out.append(say("fund_not_scored", lang, reason=s.invalid_reason[0] or R("fscore_no_report")))
        return out
    out.append(say("fund_score", lang, score=numfmt.num(s.total[0], 1)))
    for t in s.trace(0):
        if not t.met:            # the rules that applied (one per group) and the scaling line
            continue
        desc = t.desc_zh if lang == "zh" else t.desc_en
        out.append(say("fund_rule", lang, mark="✓" if t.points_given else "·",
                       points=f"{t.points_given:+.1f}", desc=desc, values=values_text(t.values, lang)))
    return out


def run(args: argparse.Namespace) -> int:
    from desktop_app.commands.analyze import _source_and_store
    from desktop_app.commands.scan import error, json_clean
    from desktop_app.core.data.errors import DataError
    from desktop_app.core.reasons import R
    from desktop_app.core.stock_fundamentals import load_stock_fundamentals
    from desktop_app.core.symbols import SymbolError, parse_symbol

    lang = args.lang
    if args.seed < 0:
        error(say("not_non_negative", lang, option="--seed", value=args.seed), lang)
        return 2
    try:
        code = parse_symbol(args.code).code
    except SymbolError as e:
        error(R("token_rejected", token=repr(e.token), reason=e.reason), lang)
        return 2
    source, store = _source_and_store(args.source, args.seed)
    if store is not None:
        store.close()
    try:
        f = load_stock_fundamentals(source, code)
    except DataError as e:
        error(e.reason, lang)
        return 1
    if f.latest is None:
        error(say("fund_none", lang, symbol=code), lang)
        return 1
    name = ""
    uni = source.universe() if source.is_demo else None
    if uni is not None:
        hit = uni.loc[uni["symbol"] == code, "name"]
        name = str(hit.iloc[0]) if len(hit) else ""
    if args.json:
        s = f.score
        payload = {"symbol": code, "name": name, "source": source.name,
                   "reports": [{k: (str(v) if k.endswith("_date") and v is not None else v) for k, v in r.items()}
                               for r in f.reports.to_dict("records")],
                   "valuation": {k: str(v) if k == "date" else v for k, v in (f.valuation or {}).items()} or None,
                   "fscore": float(s.total[0]), "scored": bool(s.valid[0]),
                   "not_scored": s.invalid_reason[0].text(lang) if s.invalid_reason[0] else None,
                   "trace": [t.to_dict() for t in s.trace(0)]}
        print(json.dumps(json_clean(payload), ensure_ascii=False, allow_nan=False))
        return 0
    print(say("fund_title", lang, symbol=code, name=name, source="DEMO" if source.is_demo else source.name))
    for line in _lines(f, lang):
        print(line)
    return 0
