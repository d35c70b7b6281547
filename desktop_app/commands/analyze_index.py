"""``stockscan-cli analyze`` for an index (``analyze 000300 --index`` or ``analyze index:000300``)
and for a stock on weekly/monthly bars (``--period week|month``).

An index prints its last bars of the period and its members' breadth (``core.index_data``): no
score. A stock on ``--period week|month`` gets the report built on the period's bars (indicators,
score, signals and levels per week or month, as the chart's 周K/月K); its risk figures stay those
of the daily bars (they are annualised from days).
"""
from __future__ import annotations

import json

from desktop_app.core.catalogue import say

LAST_BARS = 10


def index_text(code: str, bars, breadth, period: str, lang: str) -> str:
    """The index's heading, last bars and breadth as text."""
    from desktop_app.core.numfmt import num, pct
    from desktop_app.core.periods import period_name
    from desktop_app.core.symbols import INDEXES

    zh, en, exchange = INDEXES[code]
    lines = [say("index_heading", lang, name=zh if lang == "zh" else f"{en} {zh}", code=exchange.lower() + code,
                 period=period_name(period, lang), date=bars.index[-1].date().isoformat()), "",
             say("index_columns", lang)]
    prev = bars["close"].shift(1)
    for d, row in bars.tail(LAST_BARS).iterrows():
        chg = (row["close"] / prev.loc[d] - 1.0) * 100.0
        lines.append(f"{d.date().isoformat()}  " + "  ".join(f"{num(row[c]):>10}" for c in ("open", "high", "low", "close"))
                     + f"  {pct(chg):>9}")
    if breadth is not None:
        share = (lambda x: pct(x * 100.0 if x is not None else None, 1, sign=False))
        lines += ["", say("breadth_heading", lang, date=breadth.date.date().isoformat() if breadth.date is not None else "—",
                          n=breadth.with_bars, members=breadth.members),
                  say("breadth_updown", lang, up=breadth.up, down=breadth.down, flat=breadth.flat),
                  say("breadth_above", lang, ma20=share(breadth.above_ma20), ma60=share(breadth.above_ma60))]
    return "\n".join(lines)


def run_index(token: str, source, store, period: str, as_json: bool, lang: str) -> int:
    from desktop_app.commands.scan import error
    from desktop_app.core.data.errors import DataError
    from desktop_app.core.index_data import load_index
    from desktop_app.core.periods import resample
    from desktop_app.core.reasons import R
    from desktop_app.core.symbols import SymbolError, parse_index

    try:
        code = parse_index(token)
    except SymbolError as e:
        error(R("token_rejected", token=repr(e.token), reason=e.reason), lang)
        return 2
    try:
        loaded = load_index(code, source, store)
    except DataError as e:
        error(e.reason.text(lang), lang)
        return 1
    bars = resample(loaded.bars, period)
    if as_json:
        b = loaded.breadth
        out = {"index": code, "name": loaded.name, "period": period,
               "bars": [{"date": d.date().isoformat(), **{c: float(r[c]) for c in ("open", "high", "low", "close", "volume")}}
                        for d, r in bars.tail(LAST_BARS).iterrows()],
               "breadth": None if b is None else {**b.__dict__, "date": b.date.date().isoformat() if b.date is not None else None}}
        print(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        print(index_text(code, bars, loaded.breadth, period, lang))
    return 0


def period_report(report_of, bars, period: str):
    """``report_of(bars)`` on the period's bars, with the daily risk figures."""
    from desktop_app.core.analysis import risk_figures
    from desktop_app.core.periods import resample

    rep = report_of(resample(bars, period))
    rep.risk = risk_figures(bars.dropna(subset=["close"]).sort_index())
    return rep
