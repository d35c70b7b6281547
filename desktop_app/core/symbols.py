"""A-share stock codes: parsing every pasted form, boards, exchanges, price limits, index codes.

A *symbol* is a 6-digit stock code string. Stock codes never collide across exchanges, so the
code alone identifies a stock; index codes DO collide with Shenzhen stock codes (000001 is both
平安银行 and 上证指数), so index codes are only ever parsed by :func:`parse_index`.

Code ranges (FACTS.md):

==========  ======  ==============================  ==========================
board       exch    code prefixes                    daily limit (ST)
==========  ======  ==============================  ==========================
sh_main     SH      600 601 603 605                  10 % (5 %)
star        SH      688 689                          20 % (20 %)
sz_main     SZ      000 001 002 003                  10 % (5 %)
chinext     SZ      300 301 302                      20 % (20 %)
bse         BJ      920 (legacy 43/83/87 → 920)      30 % (30 %)
==========  ======  ==============================  ==========================

ST limits: main-board ST/*ST stocks move at most 5 %; on ChiNext and STAR the ST flag does not
change the 20 % limit, and BSE stays at 30 %. The limits are dated (ChiNext was ±10 % before
2020-08-24; the mid-2025 proposal of 10 % for main-board ST is a switch, off): the table and the
limit-price rounding live in ``core/price_limits.py``; the table above is today's rule. Whether a stock is ST is in its *name*, never in its code (:func:`is_st_name`).

Legacy Beijing codes: in October 2025 the BSE moved every listed stock from its 43xxxx/83xxxx/
87xxxx code to a 920xxx code. We map ``XYabcd`` → ``920`` + the last three digits (``bcd``), the
rule the exchange published for the switch; the few stocks whose last three digits collided got
other numbers from the exchange, so for those the mapping is an approximation: check the source's
universe when an old code does not resolve to the expected name.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Iterable

from .reasons import R, Reason, ReasonError

BOARDS: dict[str, tuple[str, str]] = {
    "sh_main": ("沪市主板", "Shanghai main board"),
    "star": ("科创板", "STAR Market"),
    "sz_main": ("深市主板", "Shenzhen main board"),
    "chinext": ("创业板", "ChiNext"),
    "bse": ("北交所", "Beijing Stock Exchange"),
}
EXCHANGES: dict[str, tuple[str, str]] = {
    "SH": ("上海证券交易所", "Shanghai"),
    "SZ": ("深圳证券交易所", "Shenzhen"),
    "BJ": ("北京证券交易所", "Beijing"),
}
BOARD_EXCHANGE: dict[str, str] = {
    "sh_main": "SH", "star": "SH", "sz_main": "SZ", "chinext": "SZ", "bse": "BJ",
}
# 3-digit prefix -> board. Every A-share code starts with one of these.
BOARD_PREFIXES: dict[str, tuple[str, ...]] = {
    "sh_main": ("600", "601", "603", "605"),
    "star": ("688", "689"),
    "sz_main": ("000", "001", "002", "003"),
    "chinext": ("300", "301", "302"),
    "bse": ("920",),
}
_PREFIX_BOARD = {p: b for b, ps in BOARD_PREFIXES.items() for p in ps}
LEGACY_BSE_PREFIXES = ("43", "83", "87")


INDEXES: dict[str, tuple[str, str, str]] = {
    "000300": ("沪深300", "CSI 300", "SH"),
    "000905": ("中证500", "CSI 500", "SH"),
    "000852": ("中证1000", "CSI 1000", "SH"),
    "000016": ("上证50", "SSE 50", "SH"),
    "000688": ("科创50", "STAR 50", "SH"),
    "399006": ("创业板指", "ChiNext Index", "SZ"),
    "000001": ("上证指数", "SSE Composite", "SH"),
    "399001": ("深证成指", "SZSE Component", "SZ"),
}
# Index codes inside a stock range that no listed stock uses: a bare "000300" means the index.
# (000001/000016/000688/000852/000905 are also real Shenzhen stocks, so bare they mean the stock.)
INDEX_ONLY_CODES = frozenset({"000300"})

_INDEX_ALIASES: dict[str, str] = {
    "hs300": "000300", "csi300": "000300", "沪深300": "000300", "沪深三百": "000300",
    "zz500": "000905", "csi500": "000905", "中证500": "000905",
    "zz1000": "000852", "csi1000": "000852", "中证1000": "000852",
    "sz50": "000016", "sse50": "000016", "上证50": "000016",
    "kc50": "000688", "star50": "000688", "科创50": "000688",
    "cyb": "399006", "chinext": "399006", "cybz": "399006", "创业板指": "399006", "创业板指数": "399006",
    "sse": "000001", "shcomp": "000001", "ssecomposite": "000001", "上证指数": "000001", "上证综指": "000001",
    "szse": "399001", "szcomp": "399001", "szsecomponent": "399001", "深证成指": "399001",
}
_SUFFIX_EXCHANGE = {"SH": "SH", "SS": "SH", "XSHG": "SH", "SZ": "SZ", "XSHE": "SZ", "BJ": "BJ", "BJSE": "BJ"}

_PREFIXED = re.compile(r"^(SH|SZ|BJ)(\d+)$")
_SUFFIXED = re.compile(r"^(\d+)\.([A-Z]+)$")
_SEPARATORS = re.compile(r"[\s,;|，、；]+")
_ST_NAME = re.compile(r"^(S\s?\*?|\*)?ST")


class SymbolError(ReasonError, ValueError):
    """A token that is not a stock (or index) code. ``str()`` names the token and says why;
    ``reason`` is the why alone (a :class:`Reason`)."""

    def __init__(self, token: str, reason: Reason):
        self.token = token
        super().__init__(reason)
        self.args = (f"{token!r}: {self.reason}",)

    def __str__(self) -> str:
        return self.args[0]


@dataclass(frozen=True)
class Symbol:
    code: str       # 6 digits
    exchange: str   # "SH" | "SZ" | "BJ"
    board: str      # key of BOARDS

    @property
    def prefixed(self) -> str:
        return self.exchange.lower() + self.code

    @property
    def suffixed(self) -> str:
        return f"{self.code}.{self.exchange}"

    def __str__(self) -> str:
        return self.code


@dataclass
class ParseResult:
    symbols: list[Symbol] = field(default_factory=list)
    rejected: list[tuple[str, Reason]] = field(default_factory=list)  # (token, reason)

    @property
    def codes(self) -> list[str]:
        return [s.code for s in self.symbols]


def _normalise(token: str) -> str:
    """Full-width digits/letters/dots to ASCII, surrounding whitespace removed."""
    return unicodedata.normalize("NFKC", token).strip()


def _board_or_none(code: str) -> str | None:
    return _PREFIX_BOARD.get(code[:3]) if len(code) == 6 and code.isdigit() else None


def _why_not_a_stock(code: str) -> Reason:
    """A reason for a 6-digit code that belongs to no A-share board."""
    if code.startswith("399"):
        return R("code_sz_index_range")
    if code.startswith("900"):
        return R("code_sh_b_share")
    if code.startswith("200"):
        return R("code_sz_b_share")
    if code.startswith(("5", "15", "16", "18")):
        return R("code_fund", code=code)
    if code.startswith(("1", "01", "02")):
        return R("code_bond", code=code)
    if code.startswith(("4", "8")):
        return R("code_neeq", code=code)
    return R("code_no_board", prefix=code[:3])


def _index_term(code: str) -> dict:
    """An index's name as a Reason parameter (its Chinese name in both languages: users know
    沪深300 by that name; the English name follows in English)."""
    zh, en, _ = INDEXES[code]
    return {"zh": zh, "en": zh}


def _exchange_term(exchange: str) -> dict:
    zh, en = EXCHANGES[exchange]
    return {"zh": zh, "en": f"{en} ({exchange})"}


def parse_symbol(token: str) -> Symbol:
    """Parse one stock code in any common form; raise :class:`SymbolError` naming the token.

    Accepts ``600519``, ``sh600519``/``SH600519``, ``600519.SH``/``600519.SS``/``600519.XSHG``,
    ``000001.XSHE``, ``sz000001``, ``bj920001``, ``920001``, legacy ``830799`` (→ 920799),
    full-width characters and surrounding whitespace.
    """
    if not isinstance(token, str):
        raise SymbolError(repr(token), R("code_not_text"))
    shown = token.strip()
    s = _normalise(token).upper()
    if not s:
        raise SymbolError(shown, R("code_empty"))
    exchange: str | None = None
    if s.startswith("INDEX:"):
        raise SymbolError(shown, R("code_is_index_prefix"))
    if m := _PREFIXED.match(s):
        exchange, digits = m.group(1), m.group(2)
    elif m := _SUFFIXED.match(s):
        digits, suffix = m.group(1), m.group(2)
        if suffix not in _SUFFIX_EXCHANGE:
            raise SymbolError(shown, R("code_bad_suffix", suffix=suffix))
        exchange = _SUFFIX_EXCHANGE[suffix]
    elif s.isdigit():
        digits = s
    else:
        raise SymbolError(shown, R("code_not_digits"))
    if len(digits) != 6:
        raise SymbolError(shown, R("code_length"))

    code = digits
    if code.startswith(LEGACY_BSE_PREFIXES):
        code = "920" + code[-3:]
    # Index collisions: on the Shanghai side 000xxx is an index; 399xxx is always an index.
    if exchange == "SH" and code.startswith("000"):
        shown_code = f"{exchange.lower()}{code}"
        if code in INDEXES:
            raise SymbolError(shown, R("code_is_named_index", code=shown_code, index=_index_term(code)))
        raise SymbolError(shown, R("code_is_sh_index", code=shown_code))
    if code in INDEX_ONLY_CODES or (code.startswith("399") and code in INDEXES):
        raise SymbolError(shown, R("code_is_named_index", code=code, index=_index_term(code)))
    board = _board_or_none(code)
    if board is None:
        raise SymbolError(shown, _why_not_a_stock(code))
    real_exchange = BOARD_EXCHANGE[board]
    if exchange is not None and exchange != real_exchange:
        raise SymbolError(shown, R("code_wrong_exchange", code=code, where=_exchange_term(real_exchange),
                                   other=_exchange_term(exchange)))
    return Symbol(code, real_exchange, board)


def parse_symbols(text: str | Iterable[str]) -> ParseResult:
    """Parse a pasted list. Separators: whitespace, newlines, ``, ; |`` and full-width ``，、；``.

    Order is kept and duplicates (same code in any form) removed; every token that is not a
    stock lands in ``rejected`` with its reason — nothing is dropped silently.
    """
    tokens = _SEPARATORS.split(text) if isinstance(text, str) else [
        t for part in text for t in _SEPARATORS.split(part)]
    result = ParseResult()
    seen: set[str] = set()
    for tok in tokens:
        if not tok:
            continue
        try:
            sym = parse_symbol(tok)
        except SymbolError as e:
            result.rejected.append((e.token, e.reason))
            continue
        if sym.code not in seen:
            seen.add(sym.code)
            result.symbols.append(sym)
    return result


def board_of(code: str) -> str:
    """Board id (key of BOARDS) of a stock code in any form parse_symbol accepts."""
    return parse_symbol(code).board


def exchange_of(code: str) -> str:
    """"SH", "SZ" or "BJ" for a stock code in any form parse_symbol accepts."""
    return parse_symbol(code).exchange


def board_limit(board: str, is_st: bool = False, day=None) -> float:
    """Daily price limit of a board as a fraction (0.10 = ±10 %) on ``day`` (None: today), from
    the dated table of ``core.price_limits`` (imported here: it needs numpy, and the window's
    first frame imports this module without it)."""
    from .price_limits import limit_on

    return limit_on(board, is_st, day)


def price_limit(code: str, is_st: bool = False, day=None) -> float:
    """Daily price limit as a fraction of the previous close (see the module docstring)."""
    return board_limit(board_of(code), is_st, day)


def is_st_name(name: str) -> bool:
    """True for risk-warning names: "ST…", "*ST…", "S*ST…", "SST…" (full-width forms too)."""
    if not isinstance(name, str):
        return False
    return bool(_ST_NAME.match(_normalise(name).upper()))


def parse_index(token: str) -> str:
    """The 6-digit code of a known index given as a code, prefixed/suffixed code, Chinese name
    or alias ("000300", "sh000300", "000300.SH", "index:000300", "沪深300", "CSI300", "hs300")."""
    if not isinstance(token, str):
        raise SymbolError(repr(token), R("index_not_text"))
    shown = token.strip()
    s = re.sub(r"[\s_\-]+", "", _normalise(token)).lower()
    if s.startswith("index:"):
        s = s[len("index:"):]
    if s in _INDEX_ALIASES:
        return _INDEX_ALIASES[s]
    exchange = None
    if m := re.match(r"^(sh|sz)(\d{6})$", s):
        exchange, s = m.group(1).upper(), m.group(2)
    elif m := re.match(r"^(\d{6})\.([a-z]+)$", s):
        s, suffix = m.group(1), m.group(2).upper()
        exchange = _SUFFIX_EXCHANGE.get(suffix, "SH" if suffix == "CSI" else None)
    if s in INDEXES:
        if exchange is not None and exchange != INDEXES[s][2]:
            raise SymbolError(shown, R("index_wrong_exchange", code=s, index=_index_term(s),
                                       where=_exchange_term(INDEXES[s][2]), other=_exchange_term(exchange)))
        return s
    known = [{"zh": f"{v[0]}（{k}）", "en": f"{v[0]} ({k})"} for k, v in INDEXES.items()]
    raise SymbolError(shown, R("index_unknown", known=known))


def index_aliases(code: str) -> list[str]:
    """The aliases ``parse_index`` accepts for an index (lower-case: "hs300", "csi300" …)."""
    return [a for a, c in _INDEX_ALIASES.items() if c == code]


def index_name(code: str, lang: str = "zh") -> str:
    """Display name of an index code from INDEXES."""
    zh, en, _ = INDEXES[code]
    return zh if lang == "zh" else en
