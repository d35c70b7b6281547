"""Core's reasons (a rejected code, a stock that could not be scanned) in the UI language.

``core`` explains itself in English (it also feeds the CLI and the logs); the window shows the
same reasons through ``reason_text``, which matches each known sentence and fills the translated
template. An unknown sentence passes through unchanged, so nothing is ever hidden."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Callable

from desktop_app.ui.i18n import current_language, tr


@lru_cache(maxsize=4)
def _rules(lang: str) -> list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]]:
    """(pattern, match -> translated text) for ``lang`` (the key makes a live switch rebuild it)."""
    def fixed(text: str) -> Callable[[re.Match[str]], str]:
        return lambda m: text

    return [
        (re.compile(r"not a stock code \(expected 6 digits, e\.g\. 600519 or sh600519\)"),
         fixed(tr("not a stock code (expected 6 digits, e.g. 600519 or sh600519)"))),
        (re.compile(r"a stock code has 6 digits"), fixed(tr("a stock code has 6 digits"))),
        (re.compile(r"empty: no stock code given"), fixed(tr("empty: no stock code given"))),
        (re.compile(r"a stock code must be text"), fixed(tr("a stock code must be text"))),
        (re.compile(r"this is an index code, not a stock"), fixed(tr("this is an index code, not a stock"))),
        (re.compile(r"unknown exchange suffix \.(\S+) \(use \.SH, \.SZ or \.BJ\)"),
         lambda m: tr("unknown exchange suffix .{suffix} (use .SH, .SZ or .BJ)").format(suffix=m[1])),
        (re.compile(r"(\S+) is the (.+) index, not a stock"),
         lambda m: tr("{code} is the {index} index, not a stock").format(code=m[1], index=m[2])),
        (re.compile(r"(\S+) is a Shanghai index code, not a stock"),
         lambda m: tr("{code} is a Shanghai index code, not a stock").format(code=m[1])),
        (re.compile(r"(\d{6}) is a fund \(ETF/LOF\) code, not a stock"),
         lambda m: tr("{code} is a fund (ETF/LOF) code, not a stock").format(code=m[1])),
        (re.compile(r"(\d{6}) is a bond or repo code, not a stock"),
         lambda m: tr("{code} is a bond or repo code, not a stock").format(code=m[1])),
        (re.compile(r"(\d{6}) is not a listed A-share \(NEEQ/old third-board range\)"),
         lambda m: tr("{code} is not a listed A-share (NEEQ/old third-board range)").format(code=m[1])),
        (re.compile(r"399xxx codes are Shenzhen indexes, not stocks"),
         fixed(tr("399xxx codes are Shenzhen indexes, not stocks"))),
        (re.compile(r"900xxx is a Shanghai B-share code; only A shares are supported"),
         fixed(tr("900xxx is a Shanghai B-share code; only A shares are supported"))),
        (re.compile(r"200xxx is a Shenzhen B-share code; only A shares are supported"),
         fixed(tr("200xxx is a Shenzhen B-share code; only A shares are supported"))),
        (re.compile(r"no A-share board uses codes starting with (\d+)"),
         lambda m: tr("no A-share board uses codes starting with {prefix}").format(prefix=m[1])),
        (re.compile(r"(\d{6}) is listed in .+ \((\w+)\), not .+ \((\w+)\)"),
         lambda m: tr("{code} is listed in {where}, not {other}").format(code=m[1], where=m[2], other=m[3])),
        (re.compile(r"not in the source's list of stocks \(unknown or delisted\)"),
         fixed(tr("not in the source's list of stocks (unknown or delisted)"))),
        (re.compile(r"no data: the source returned no bars"), fixed(tr("no data: the source returned no bars"))),
        (re.compile(r"no bars in the local store \(refresh the data first\)"),
         fixed(tr("no bars in the local store (refresh the data first)"))),
        (re.compile(r"no data: no bars in the local store"), fixed(tr("no data: no bars in the local store"))),
        (re.compile(r"history too short: (\d+) bars < (\d+)"),
         lambda m: tr("history too short: {bars} bars < {minimum}").format(bars=m[1], minimum=m[2])),
        (re.compile(r"no bar on (\S+) \(suspended\)"),
         lambda m: tr("no bar on {day} (suspended)").format(day=m[1])),
        (re.compile(r"no bars up to (\S+) \(not listed yet\)"),
         lambda m: tr("no bars up to {day} (not listed yet)").format(day=m[1])),
        (re.compile(r"bad bar data \(non-finite indicator values\)"),
         fixed(tr("bad bar data (non-finite indicator values)"))),
        (re.compile(r"could not be scored"), fixed(tr("could not be scored"))),
        (re.compile(r"the watchlist is empty: add stocks to it first"),
         fixed(tr("the watchlist is empty: add stocks to it first"))),
        (re.compile(r"the universe (.+) has no stocks to scan \((\d+) rejected: (\S+): (.+)\)"),
         lambda m: tr("the universe {name} has no stocks to scan ({n} rejected: {code}: {reason})").format(
             name=m[1], n=m[2], code=m[3], reason=reason_text(m[4]))),
        (re.compile(r"the universe (.+) has no stocks to scan"),
         lambda m: tr("the universe {name} has no stocks to scan").format(name=m[1])),
    ]


def reason_text(reason: str) -> str:
    """``reason`` in the UI language when it is one of core's known sentences, else unchanged."""
    text = str(reason)
    lang = current_language()
    if lang == "en":  # core already speaks English
        return text
    for pattern, make in _rules(lang):
        m = pattern.fullmatch(text)
        if m:
            return make(m)
    return text
