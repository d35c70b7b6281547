"""What a scan is asked: ``ScanRequest`` (the universe, prefilters, minimum score, presets,
formula, fundamentals, as-of day, sort), its validation into readable reasons and its description
in either language; the universe string's grammar (``split_universe``); ``ScanError``, the
readable refusal of a scan that cannot start. ``core.scan`` runs requests."""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from .catalogue import WORDS, pick, word
from .hit_order import SORT_KEYS
from .reasons import R, Reason, ReasonError
from .scan_bars import as_of_problems
from .symbols import BOARDS, INDEXES, SymbolError, parse_index, parse_symbols

UNIVERSE_KINDS = ("all", "board", "index", "industry", "concept", "watchlist", "codes")


class ScanError(ReasonError, ValueError):
    """A scan that cannot start (bad request, empty universe). ``reason`` says why in any
    language; ``str()`` is the English."""


class EmptyUniverseError(ScanError):
    pass


def split_universe(universe: str) -> tuple[str, str]:
    """"index:000300" -> ("index", "000300"); "sh-main" / "board:sh-main" -> ("board", "sh_main")."""
    u = (universe or "").strip()
    kind, _, arg = u.partition(":")
    kind_l = kind.strip().lower()
    if not _:
        bare = kind_l.replace("-", "_")
        if bare in ("all", "market", "全市场", ""):
            return "all", ""
        if bare in ("watchlist", "自选股", "自选"):
            return "watchlist", ""
        if bare in BOARDS:
            return "board", bare
        return "?", u
    arg = arg.strip()
    if kind_l == "board":
        return "board", arg.lower().replace("-", "_")
    return kind_l, arg


@dataclass
class ScanRequest:
    universe: str = "all"
    exclude_st: bool = True
    exclude_suspended: bool = True
    min_listed_days: int = 60
    price_min: float | None = None
    price_max: float | None = None
    min_amount: float | None = None       # yuan
    mcap_min: float | None = None         # yuan
    mcap_max: float | None = None         # yuan
    min_score: float = 60
    strategies: list[str] = field(default_factory=list)
    mode: str = "all"                     # "all" | "any" of the strategies
    formula: str = ""                     # a 通达信 formula whose selection must hold too (core/formula)
    as_of: str = ""                       # "YYYY-MM-DD": scan as of that past day ("" = the latest)
    # fundamentals (core/scan_fundamentals.py): PE/PB bounds (a loss fails any PE bound), float
    # cap in yuan, ROE and profit growth in percent, a minimum fundamental score 0–100
    pe_min: float | None = None
    pe_max: float | None = None
    pb_min: float | None = None
    pb_max: float | None = None
    float_cap_min: float | None = None
    float_cap_max: float | None = None
    roe_min: float | None = None
    profit_yoy_min: float | None = None
    min_fscore: float | None = None
    # the stock's change over its bars (core/scan_returns.py), percent: 60日涨跌幅, 年初至今
    chg60_min: float | None = None
    chg60_max: float | None = None
    ytd_min: float | None = None
    ytd_max: float | None = None
    sort: str = "score"                   # the hits' order: a hit column, best first (SORT_KEYS)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "ScanRequest":
        names = {f.name for f in fields(cls)}
        kw = {k: v for k, v in (d or {}).items() if k in names}
        if "strategies" in kw:
            kw["strategies"] = list(kw["strategies"] or [])
        return cls(**kw)

    def validate(self) -> list[Reason]:
        """The request's problems as reasons; empty when the request can run."""
        problems: list[Reason] = []
        kind, arg = split_universe(self.universe)
        if kind not in UNIVERSE_KINDS:
            problems.append(R("universe_unknown", universe=self.universe))
        elif kind == "board" and arg not in BOARDS:
            problems.append(R("board_unknown", board=arg, boards=list(BOARDS)))
        elif kind == "index":
            try:
                parse_index(arg)
            except SymbolError as e:
                problems.append(R("universe_index", reason=e.reason))
        elif kind in ("industry", "concept") and not arg:
            problems.append(R("board_name_missing", kind=kind_term(kind),
                              example=f"{kind}:银行"))
        elif kind == "codes" and not parse_symbols(arg).symbols:
            problems.append(R("codes_none_valid"))
        if not _finite_or_none(self.min_score) or not (0 <= float(self.min_score) <= 100):
            problems.append(R("min_score_range"))
        if self.min_listed_days is not None and self.min_listed_days < 0:
            problems.append(R("min_listed_negative"))
        for lo, hi, what in ((self.price_min, self.price_max, "price"),
                             (self.mcap_min, self.mcap_max, "market_cap")):
            if lo is not None and lo < 0 or hi is not None and hi < 0:
                problems.append(R("bounds_negative", what=_word_term(what)))
            if lo is not None and hi is not None and lo > hi:
                problems.append(R("bounds_inverted", what=_word_term(what), lo=float(lo), hi=float(hi)))
        if self.min_amount is not None and self.min_amount < 0:
            problems.append(R("min_amount_negative"))
        if self.mode not in ("all", "any"):
            problems.append(R("mode_unknown", mode=repr(self.mode)))
        problems += as_of_problems(self.as_of)
        if (self.formula or "").strip():
            from .formula.screen import formula_problems
            problems += formula_problems(self.formula)
        from .scan_fundamentals import request_problems
        from .scan_returns import request_problems as return_problems
        problems += request_problems(self) + return_problems(self)
        if self.sort not in SORT_KEYS:
            problems.append(R("sort_unknown", key=repr(self.sort), keys=", ".join(SORT_KEYS)))
        if self.strategies:
            from .strategies import STRATEGIES
            for s in self.strategies:
                if str(s) not in STRATEGIES and _strategy_or_none(s) is None:
                    problems.append(R("strategy_unknown", strategy=repr(s)))
        return problems

    def universe_description(self, lang: str = "zh") -> str:
        kind, arg = split_universe(self.universe)
        if kind == "all":
            return word("all_market", lang)
        if kind == "board" and arg in BOARDS:
            return pick(BOARDS[arg], lang)
        if kind == "index":
            try:
                code = parse_index(arg)
                return pick(INDEXES[code][:2], lang)
            except SymbolError:
                return arg
        if kind in ("industry", "concept"):
            return f"{word(kind, lang)}·{arg}"
        if kind == "watchlist":
            return word("watchlist", lang)
        if kind == "codes":
            codes = parse_symbols(arg).codes
            if len(codes) <= 3:
                return ",".join(codes)
            return word("n_stocks", lang, n=len(codes))
        return self.universe

    def title(self, lang: str = "zh") -> str:
        """E.g. "沪深300 · 得分≥60 · MACD金叉+均线多头排列"."""
        zh = lang == "zh"
        parts = [self.universe_description(lang), f"{word('score', lang)}≥{float(self.min_score):g}"]
        if self.strategies:
            names = [strategy_name(s, lang) for s in self.strategies]
            joiner = "+" if self.mode == "all" else ("|" if zh else " or ")
            parts.append(joiner.join(names))
        if (self.formula or "").strip():
            parts.append(word("formula", lang))
        if self.as_of:
            parts.append(pick(WORDS["as_of_day"], lang).format(day=self.as_of))
        return " · ".join(parts)


def _finite_or_none(x: Any) -> bool:
    try:
        return math.isfinite(float(x))
    except (TypeError, ValueError):
        return False


def kind_term(kind: str) -> dict:
    """A board kind ("industry" | "concept") as a reason argument in both languages."""
    return {"zh": WORDS[kind][0], "en": kind}


def _word_term(key: str) -> dict:
    zh, en = WORDS[key]
    return {"zh": zh, "en": en}


def _strategy_or_none(sid: str):
    from .strategies import find_strategy
    try:
        return find_strategy(sid)
    except (KeyError, ValueError):
        return None


def strategy_name(sid: str, lang: str = "zh") -> str:
    s = _strategy_or_none(sid)
    if s is None:
        return sid
    return s.name_zh if lang == "zh" else s.name_en
