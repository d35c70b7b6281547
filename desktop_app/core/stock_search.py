"""Find a stock by what a user types into quick-open (Ctrl+K): a code, a name, or the pinyin
initials of the name (贵州茅台 → "gzmt"), the way 通达信/同花顺's 键盘精灵 works.

Ranking, best first (ties keep the universe order, i.e. by code):
  0. the exact code;
  1. a code prefix ("6005" → 600519 …);
  2. a prefix of the name or of its pinyin initials ("贵州", "gzm");
  3. the query anywhere in the name, the initials or the code.

With ``indexes=True`` (quick open) the indexes StockScan knows (``core.symbols.INDEXES``) are
entries too, after the stocks, by code (``000300``, ``sh000300``), name, pinyin initials and
alias (``hs300``); their symbol is ``index:<code>``, never the bare code, so 上证指数 000001 and
平安银行 000001 are two hits, each with its kind. A query naming an exchange (``sh000001``)
ranks a stock of the other exchange with the weak matches.

Pure (no Qt). Building the index runs pypinyin over every name (~0.15 s for 5,000 names), so the
GUI builds it in a worker once per universe.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

_NON_ALNUM = re.compile(r"[^0-9a-z]")
_SPACES = re.compile(r"\s+")


def pinyin_initials(name: str) -> str:
    """Lower-case pinyin initials of a Chinese name; latin letters and digits kept ("*ST" → "st")."""
    from pypinyin import Style, lazy_pinyin  # lazy: ~0.2 s import, only the index builder needs it

    parts = lazy_pinyin(name, style=Style.FIRST_LETTER, errors="default")
    out = []
    for p in parts:
        p = p.lower()
        # a non-Chinese run comes back whole ("ST", "A"): keep its characters, drop punctuation
        out.append(_NON_ALNUM.sub("", p) if len(p) > 1 else p)
    return _NON_ALNUM.sub("", "".join(out))


@dataclass(frozen=True)
class _Entry:
    symbol: str
    name: str
    name_key: str   # lower-cased name without spaces
    initials: str
    exchange: str = ""          # "SH" | "SZ" | "BJ" ("" when the universe does not say)
    aliases: tuple[str, ...] = ()   # an index's aliases (hs300, csi300 …)

    @property
    def is_index(self) -> bool:
        return self.symbol.startswith("index:")

    @property
    def code(self) -> str:
        return self.symbol.removeprefix("index:")


class StockIndex:
    """Search index over a universe table (columns ``symbol`` and ``name``)."""

    def __init__(self, universe_df: pd.DataFrame, indexes: bool = False) -> None:
        entries = []
        seen: set[str] = set()
        exchanges = (universe_df["exchange"].astype(str) if "exchange" in universe_df
                     else pd.Series([""] * len(universe_df)))
        for sym, name, ex in zip(universe_df["symbol"].astype(str), universe_df["name"].astype(str), exchanges):
            if sym in seen:
                continue
            seen.add(sym)
            entries.append(_Entry(sym, name, _SPACES.sub("", name).lower(), pinyin_initials(name), ex.upper()))
        if indexes:
            entries += _index_entries()
        self._entries = entries
        self._by_symbol = {e.symbol: e for e in entries}

    def __len__(self) -> int:
        return len(self._entries)

    def name_of(self, symbol: str) -> str | None:
        e = self._by_symbol.get(symbol)
        return e.name if e else None

    def search(self, query: str, limit: int = 20) -> list[tuple[str, str]]:
        """Best matches as ``(symbol, name)`` (an index's symbol is ``index:<code>``); empty
        for a blank query."""
        q = _SPACES.sub("", query or "").lower()
        if not q:
            return []
        # a pasted "SH600519" / "600519.SH" is looked up by its digits
        digits = re.fullmatch(r"(sh|sz|bj)?(\d{1,6})(?:\.(sh|sz|bj|ss))?", q)
        code_q = digits.group(2) if digits else None
        named = (digits.group(1) or digits.group(3) or "").upper().replace("SS", "SH") if digits else ""
        ranked: list[tuple[int, int, _Entry]] = []
        for pos, e in enumerate(self._entries):
            rank = self._rank(e, q, code_q)
            if rank is not None and named and e.exchange and e.exchange != named:
                rank = max(rank, 3)          # sh000001: 上证指数 first, 平安银行 (SZ) after
            if rank is not None:
                ranked.append((rank, pos, e))
        ranked.sort(key=lambda t: (t[0], t[1]))
        return [(e.symbol, e.name) for _, _, e in ranked[:max(0, limit)]]

    @staticmethod
    def _rank(e: _Entry, q: str, code_q: str | None) -> int | None:
        if code_q is not None:
            if e.code == code_q:
                return 0
            if e.code.startswith(code_q):
                return 1
        if e.name_key.startswith(q) or (e.initials and e.initials.startswith(q)) or any(
                a.startswith(q) for a in e.aliases):
            return 2
        if q in e.name_key or q in e.initials or (code_q is not None and not e.is_index and code_q in e.symbol):
            return 3
        return None


def _index_entries() -> list[_Entry]:
    from .symbols import INDEXES, index_aliases

    out = []
    for code, (zh, _en, exchange) in INDEXES.items():
        out.append(_Entry("index:" + code, zh, _SPACES.sub("", zh).lower(), pinyin_initials(zh),
                          exchange, tuple(index_aliases(code))))
    return out
