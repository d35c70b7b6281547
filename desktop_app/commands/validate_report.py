"""The text report of ``stockscan-cli validate`` (from a ``ValidationResult.to_dict()``):
per-horizon table, score bands, presets, the portfolio, the biases. Numbers through
``core/numfmt`` (percentages signed, "—" for missing)."""
from __future__ import annotations

from desktop_app.core.catalogue import say
from desktop_app.core.numfmt import num, pct
from desktop_app.core.reasons import Reason


def _p(x) -> str:
    return pct(None if x is None else 100.0 * x)


def _n(x) -> str:
    return num(x, 0, thousands=True)


def _cost(x) -> str:
    return pct(100.0 * x, digits=3, sign=False)


def _band_key(horizons: list[int]) -> int:
    return 5 if 5 in horizons else horizons[len(horizons) // 2]


def _text(reason_json: dict | None, lang: str) -> str:
    if reason_json is None:
        return "—"
    return Reason(reason_json["code"], reason_json.get("params") or {}).text(lang)


def print_report(d: dict, lang: str) -> None:
    title = d["title"]["zh" if lang == "zh" else "en"]
    per = d["period"]
    print(say("validate_title", lang, title=title, start=per["start"], end=per["end"], days=per["days"]))
    e = d["entries"]
    print(say("validate_counts", lang, universe=d["universe_size"], signals=d["signals"],
              per_day=d["signals"] / max(1, per["days"]), bought=e["bought"], limit_up=e["limit_up"],
              suspended=e["suspended"], no_next=e["no_next_day"], elapsed=d["elapsed"]))
    print(say("validate_index", lang, name=_text(d["index"], lang)))
    from desktop_app.core.validation_tables import excluded_lines
    for line in excluded_lines(d, lang):
        print(line)
    print()
    print(say("validate_horizons", lang))
    print(say("validate_horizon_header", lang))
    for h in d["horizons"]:
        s = d["overall"][str(h)]
        print("\t".join([f"+{h}", _n(s["count"]), _p(s["mean"]), _p(s["median"]),
                         pct(None if s["win_rate"] is None else 100 * s["win_rate"], sign=False),
                         _p(s["p10"]), _p(s["p25"]), _p(s["p75"]), _p(s["p90"]), _p(s.get("mae_mean")),
                         _p(s.get("mfe_mean")), _p(s.get("excess_universe")), _p(s.get("excess_index")),
                         _n(d["pending"][str(h)])]))
    k = str(_band_key(d["horizons"]))
    print()
    print(say("validate_bands", lang, k=k))
    print(say("validate_band_header", lang))
    for b in d["bands"]:
        s = b["stats"][k]
        rng = f"{b['lo']:g}–{b['hi']:g}" if b["hi"] is not None else f"≥{b['lo']:g}"
        print("\t".join([rng, b["label_zh" if lang == "zh" else "label_en"], _n(s["count"]), _p(s["mean"]),
                         _p(s["median"]), pct(None if s["win_rate"] is None else 100 * s["win_rate"], sign=False),
                         _p(s.get("excess_universe"))]))
    if d["presets"]:
        print()
        print(say("validate_presets", lang, k=k))
        print(say("validate_preset_header", lang))
        for p in d["presets"]:
            s = p["stats"][k]
            print("\t".join([p["name_zh" if lang == "zh" else "name_en"], _n(s["count"]), _p(s["mean"]),
                             _p(s["median"]),
                             pct(None if s["win_rate"] is None else 100 * s["win_rate"], sign=False),
                             _p(s.get("excess_universe"))]))
    pf = d.get("portfolio")
    if pf:
        c = pf["costs"]
        print()
        print(say("validate_portfolio", lang, n=pf["top_n"], k=pf["hold"], commission=_cost(c["commission"]),
                  stamp=_cost(c["stamp_duty"]), slippage=_cost(c["slippage"])))
        ix = pf.get("index") or {}
        print(say("validate_portfolio_line", lang, total=_p(pf["total_return"]), annual=_p(pf["annual_return"]),
                  vol=pct(None if pf["volatility"] is None else 100 * pf["volatility"], sign=False),
                  mdd=_p(pf["max_drawdown"]), turnover=num(pf["turnover"], 1),
                  index_total=_p(ix.get("total_return")), index_annual=_p(ix.get("annual_return")),
                  buys=pf["buys"], skipped=pf["not_bought"]))
    print()
    print(say("validate_biases", lang))
    for b in d["biases"]:
        print(say("validate_bias_line", lang, text=_text(b, lang)))
