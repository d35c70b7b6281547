"""The stocks a scan request covers (``resolve_universe``): the whole market, a board, an index's
members, an industry or concept board, the watchlist or pasted codes, in a stable order, with every
rejected token and its reason."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

import pandas as pd

from .reasons import R, Reason
from .scan_request import EmptyUniverseError, ScanError, ScanRequest, kind_term, split_universe
from .symbols import BOARDS, SymbolError, parse_index, parse_symbols


@dataclass
class Universe:
    symbols: list[str]
    rejected: list[tuple[str, str]] = field(default_factory=list)
    description: str = ""


def _dedupe(xs: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(str(x) for x in xs))


def _board_members(source, kind: str, name: str) -> list[str]:
    try:
        names = list(source.boards(kind))
    except Exception as e:  # noqa: BLE001 - a source error is reported readably
        raise ScanError(R("boards_unavailable", kind=kind_term(kind), reason=Reason.of(e))) from e
    if name not in names:
        close = [n for n in names if name in n or n in name][:8]
        hint = (R("board_hint_close", names=close) if close
                else R("board_hint_examples", names=names[:8]) if names else "")
        raise EmptyUniverseError(R("board_not_found", kind=kind_term(kind), name=name, hint=hint))
    return list(source.board_members(kind, name))


def resolve_universe(request: ScanRequest, source, watchlist: list[str] | None = None,
                     universe_df: pd.DataFrame | None = None) -> Universe:
    """The stocks a request covers, in a stable order, with every rejected token and its reason.

    Symbols the source does not list (delisted index members, typos that look like codes) are
    rejected with a reason. Raises ``EmptyUniverseError`` (readable) when nothing is left."""
    kind, arg = split_universe(request.universe)
    desc = request.universe_description("zh")
    if universe_df is None:
        universe_df = source.universe()
    listed = set(universe_df["symbol"].astype(str))
    rejected: list[tuple[str, str]] = []
    if kind == "all":
        syms = list(universe_df["symbol"].astype(str))
    elif kind == "board":
        if arg not in BOARDS:
            raise ScanError(R("board_unknown", board=arg, boards=list(BOARDS)))
        syms = list(universe_df.loc[universe_df["board"] == arg, "symbol"].astype(str))
    elif kind == "index":
        try:
            code = parse_index(arg)
        except SymbolError as e:
            raise ScanError(R("universe_index", reason=e.reason)) from e
        syms = list(source.index_members(code))
    elif kind in ("industry", "concept"):
        if not arg:
            raise ScanError(R("board_name_missing", kind=kind_term(kind), example=f"{kind}:银行"))
        syms = _board_members(source, kind, arg)
    elif kind == "watchlist":
        syms = list(watchlist or [])
        if not syms:
            raise EmptyUniverseError(R("watchlist_empty"))
    elif kind == "codes":
        parsed = parse_symbols(arg)
        rejected.extend(parsed.rejected)
        syms = parsed.codes
    else:
        raise ScanError(R("universe_unknown", universe=request.universe))
    out = []
    for s in _dedupe(syms):
        if s in listed:
            out.append(s)
        else:
            rejected.append((s, R("not_listed")))
    if not out:
        name = {"zh": request.universe_description("zh"), "en": request.universe_description("en")}
        if rejected:
            first = R("token_rejected", token=rejected[0][0], reason=rejected[0][1])
            raise EmptyUniverseError(R("universe_empty_rejected", name=name, n=len(rejected), first=first))
        raise EmptyUniverseError(R("universe_empty", name=name))
    return Universe(out, rejected, desc)
