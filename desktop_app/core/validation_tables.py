"""A validation result presented as tables (issue 16): the per-horizon table, score bands,
presets, the entries accounting and the portfolio's measures, each cell as display text (numbers
through ``core/numfmt``: signed percentages, "—" for missing) and its raw value.

The one presenter of a ``ValidationResult.to_dict()``: the window's report, its CSV and HTML
exports all read these tables, so what is exported is what is shown. Words in
``core/validation_reasons.py`` (``VALIDATION_COLUMNS``, ``VALIDATION_TABLES``)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .catalogue import pick
from .numfmt import num, pct
from .validation_reasons import VALIDATION_COLUMNS, VALIDATION_TABLES


@dataclass(frozen=True)
class Cell:
    text: str
    value: Any = None
    signed: bool = False          # coloured by its sign (red up, green down)


@dataclass
class Table:
    key: str
    title: str
    headers: list[str]
    rows: list[list[Cell]] = field(default_factory=list)


def column(key: str, lang: str, **params) -> str:
    return pick(VALIDATION_COLUMNS[key], lang, key).format(**params)


def _ret(x) -> Cell:
    return Cell(pct(None if x is None else 100.0 * x), x, signed=True)


def _rate(x) -> Cell:
    return Cell(pct(None if x is None else 100.0 * x, sign=False), x)


def _count(x) -> Cell:
    return Cell(num(x, 0, thousands=True), x)


def band_key(horizons: list[int]) -> int:
    """The horizon the band and preset tables show first: +5, else the middle one."""
    return 5 if 5 in horizons else horizons[len(horizons) // 2]


def band_range(b: dict) -> str:
    return f"{b['lo']:g}–{b['hi']:g}" if b.get("hi") is not None else f"≥{b['lo']:g}"


def _stats_cells(s: dict, keys: tuple[str, ...]) -> list[Cell]:
    out = []
    for k in keys:
        v = s.get(k)
        out.append(_count(v) if k == "count" else _rate(v) if k == "win_rate" else _ret(v))
    return out


HORIZON_KEYS = ("count", "mean", "median", "win_rate", "p10", "p25", "p75", "p90", "mae_mean", "mfe_mean",
                "excess_universe", "excess_index")
GROUP_KEYS = ("count", "mean", "median", "win_rate", "p10", "p90", "excess_universe", "excess_index")


def horizons_table(d: dict, lang: str) -> Table:
    t = Table("horizons", pick(VALIDATION_TABLES["horizons"], lang),
              [column(k, lang) for k in ("horizon",) + HORIZON_KEYS + ("pending",)])
    for h in d["horizons"]:
        s = d["overall"].get(str(h)) or {}
        t.rows.append([Cell(f"+{h}", h)] + _stats_cells(s, HORIZON_KEYS) + [_count(d["pending"].get(str(h)))])
    return t


def bands_table(d: dict, lang: str, k: int) -> Table:
    t = Table("bands", pick(VALIDATION_TABLES["bands"], lang).format(k=k),
              [column(c, lang) for c in ("band", "rating") + GROUP_KEYS])
    for b in d["bands"]:
        s = b["stats"].get(str(k)) or {}
        t.rows.append([Cell(band_range(b), b["lo"]), Cell(b["label_zh" if lang == "zh" else "label_en"])]
                      + _stats_cells(s, GROUP_KEYS))
    return t


def presets_table(d: dict, lang: str, k: int) -> Table:
    t = Table("presets", pick(VALIDATION_TABLES["presets"], lang).format(k=k),
              [column(c, lang) for c in ("preset", "signals") + GROUP_KEYS])
    for p in d["presets"]:
        s = p["stats"].get(str(k)) or {}
        t.rows.append([Cell(p["name_zh" if lang == "zh" else "name_en"], p["id"]), _count(p.get("signals"))]
                      + _stats_cells(s, GROUP_KEYS))
    return t


def entries_table(d: dict, lang: str) -> Table:
    """Every signal accounted for: bought, or why not; then per horizon the pending and delayed."""
    t = Table("entries", pick(VALIDATION_TABLES["entries"], lang), [column("item", lang), column("number", lang)])
    e = d["entries"]
    t.rows.append([Cell(column("signals", lang)), _count(d["signals"])])
    for key in ("bought", "limit_up", "suspended", "no_next_day"):
        t.rows.append([Cell(column(key, lang)), _count(e.get(key))])
    for h in d["horizons"]:
        t.rows.append([Cell(column("pending_k", lang, k=h)), _count(d["pending"].get(str(h)))])
    for h in d["horizons"]:
        if d["delayed"].get(str(h)):
            t.rows.append([Cell(column("delayed_k", lang, k=h)), _count(d["delayed"][str(h)])])
    return t


def portfolio_table(d: dict, lang: str) -> Table | None:
    pf = d.get("portfolio")
    if not pf:
        return None
    ix = pf.get("index") or {}
    t = Table("portfolio", pick(VALIDATION_TABLES["portfolio"], lang).format(n=pf["top_n"], hold=pf["hold"]),
              [column(c, lang) for c in ("metric", "portfolio", "index")])
    for key in ("total_return", "annual_return", "max_drawdown"):
        t.rows.append([Cell(column(key, lang)), _ret(pf.get(key)), _ret(ix.get(key))])
    t.rows.append([Cell(column("volatility", lang)), _rate(pf.get("volatility")), _rate(ix.get("volatility"))])
    t.rows.append([Cell(column("turnover", lang)), Cell(num(pf.get("turnover"), 1), pf.get("turnover")), Cell("—")])
    t.rows.append([Cell(column("buys", lang)), _count(pf.get("buys")), Cell("—")])
    t.rows.append([Cell(column("not_bought", lang)), _count(pf.get("not_bought")), Cell("—")])
    return t


def all_tables(d: dict, lang: str, k: int | None = None) -> list[Table]:
    """Every table of the report, in the report's order (bands and presets at horizon ``k``)."""
    k = band_key(d["horizons"]) if k is None else k
    out = [horizons_table(d, lang), entries_table(d, lang), bands_table(d, lang, k)]
    if d["presets"]:
        out.append(presets_table(d, lang, k))
    pt = portfolio_table(d, lang)
    if pt is not None:
        out.append(pt)
    return out


def _reason(j: dict | None, lang: str) -> str:
    from .reasons import Reason

    return "—" if j is None else Reason(j["code"], j.get("params") or {}).text(lang)


def headline(d: dict, lang: str) -> list[str]:
    """The report's first lines: what was validated over which days, the counts, the index."""
    from .catalogue import say

    per, e = d["period"], d["entries"]
    return [say("validate_title", lang, title=d["title"]["zh" if lang == "zh" else "en"], start=per["start"],
                end=per["end"], days=per["days"]),
            say("validate_counts", lang, universe=d["universe_size"], signals=d["signals"],
                per_day=d["signals"] / max(1, per["days"]), bought=e["bought"], limit_up=e["limit_up"],
                suspended=e["suspended"], no_next=e["no_next_day"], elapsed=d.get("elapsed") or 0.0),
            say("validate_index", lang, name=_reason(d.get("index"), lang))] + excluded_lines(d, lang)


def excluded_lines(d: dict, lang: str) -> list[str]:
    """The signals the fundamental / return bounds removed on their day, by reason (none: no line)."""
    from .catalogue import EXCLUDE_REASONS, pick, say

    items = (d.get("excluded") or {}).items()
    if not items:
        return []
    sep = "、" if lang == "zh" else ", "
    text = sep.join(f"{pick(EXCLUDE_REASONS.get(k), lang, k)} {v}" for k, v in items)
    return [say("validate_excluded", lang, items=text)]


def biases(d: dict, lang: str) -> list[str]:
    return [_reason(b, lang) for b in d.get("biases") or []]
