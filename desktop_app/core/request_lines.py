"""A scan request as the ``name: value`` lines a user reads (task details, saved screens)."""
from __future__ import annotations

from .catalogue import word


def describe_request(request, lang: str) -> list[str]:
    """The request (a ``core.scan.ScanRequest``) as ``name: value`` lines."""
    from .scan import strategy_name

    zh = lang == "zh"
    colon, yes, no = ("：" if zh else ": "), word("yes", lang), word("no", lang)

    def rng(lo, hi, unit: float = 1.0) -> str:
        def f(v):
            return "—" if v is None else f"{float(v) / unit:g}"
        return f"{f(lo)} – {f(hi)}"

    lines = [(word("universe", lang), request.universe_description(lang)),
             (word("min_score", lang), f"{float(request.min_score):g}")]
    if request.strategies:
        names = ("、" if zh else ", ").join(strategy_name(s, lang) for s in request.strategies)
        mode = word(f"mode_{request.mode}", lang)
        lines.append((word("strategies", lang), f"{names} ({mode})"))
    lines += [(word("exclude_st", lang), yes if request.exclude_st else no),
              (word("exclude_suspended", lang), yes if request.exclude_suspended else no),
              (word("min_listed_days", lang), str(request.min_listed_days))]
    if request.price_min is not None or request.price_max is not None:
        lines.append((word("price_range", lang), rng(request.price_min, request.price_max)))
    if request.min_amount is not None:
        lines.append((word("min_amount", lang), f"{float(request.min_amount):g}"))
    if request.mcap_min is not None or request.mcap_max is not None:
        unit, suffix = (1e8, "亿") if zh else (1e9, "B")
        lines.append((word("mcap_range", lang), rng(request.mcap_min, request.mcap_max, unit) + suffix))
    lines += _fundamental_lines(request, lang, rng)
    if (request.formula or "").strip():
        lines.append((word("formula", lang), " ".join(request.formula.split())))
    if request.as_of:
        lines.append((word("as_of", lang), request.as_of))
        from .scan_fundamentals import as_of_notes     # no snapshot of a past day: derived
        lines += [(word("as_of_fundamentals", lang), n.text(lang)) for n in as_of_notes(request)]
    return [f"{k}{colon}{v}" for k, v in lines]


def _fundamental_lines(request, lang: str, rng) -> list[tuple[str, str]]:
    """The fundamental bounds, 60日涨跌幅 / 年初至今 ranges and the hits' order, when set."""
    from .catalogue import HIT_HEADERS, pick

    zh = lang == "zh"
    out = []
    for kind, unit, suffix in (("pe", 1.0, ""), ("pb", 1.0, ""), ("float_cap", 1e8 if zh else 1e9, "亿" if zh else "B")):
        lo, hi = getattr(request, f"{kind}_min", None), getattr(request, f"{kind}_max", None)
        if lo is not None or hi is not None:
            out.append((word(kind, lang), rng(lo, hi, unit) + suffix))
    for name, key in (("roe_min", "roe"), ("profit_yoy_min", "profit_yoy")):
        v = getattr(request, name, None)
        if v is not None:
            out.append((word(key, lang), f"≥ {float(v):g}%"))
    if getattr(request, "min_fscore", None) is not None:
        out.append((word("min_fscore", lang), f"{float(request.min_fscore):g}"))
    for key in ("chg60", "ytd"):
        lo, hi = getattr(request, f"{key}_min", None), getattr(request, f"{key}_max", None)
        if lo is not None or hi is not None:
            out.append((pick(HIT_HEADERS[key], lang), rng(lo, hi) + "%"))
    sort = getattr(request, "sort", "score") or "score"
    if sort != "score":
        out.append((word("sort", lang), pick(HIT_HEADERS.get(sort), lang, sort)))
    return out
