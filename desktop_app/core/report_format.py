"""A StockReport as Markdown or as one self-contained HTML page, in Chinese or English.
Numbers are rounded here, for display only.

Every table has a real header row and no empty row (a row whose cells are all blank is left out;
a section with no rows says "none"). The HTML page can embed a picture of the chart (PNG bytes,
made by the caller) as a ``data:`` URI, so the one file is the whole report.
"""
from __future__ import annotations

import base64
import html

from . import numfmt
from .catalogue import VALUE_NAMES, pick, values_text
from .reasons import Reason
from .score_rules import DIMENSIONS, STATE_NAMES
from .symbols import BOARDS

_T = {
    "zh": {
        "title": "个股分析", "demo": "演示数据（非真实行情）", "identity": "基本信息", "board": "板块",
        "industry": "行业", "listed": "上市日期", "st": "ST", "yes": "是", "no": "否", "price": "最新行情",
        "date": "日期", "last": "收盘", "change": "涨跌", "chg_pct": "涨跌幅", "open": "开盘", "high": "最高",
        "low": "最低", "volume": "成交量(股)", "amount": "成交额(元)", "score": "综合评分", "label": "建议",
        "not_scored": "无法评分", "dims": "分项", "trace": "评分明细", "rule": "规则", "values": "取值",
        "points": "得分", "met": "满足", "indicators": "技术指标", "levels": "支撑与压力",
        "supports": "支撑位", "resistances": "压力位", "level": "价位", "distance": "距离", "source": "来源",
        "risk": "风险", "ann_vol": "年化波动率", "mdd": "近一年最大回撤", "worst": "最大单日跌幅",
        "since_high": "距52周高点(交易日)", "signals": "近10个交易日触发的策略", "none": "无",
        "trend": "均线趋势", "macd_state": "MACD状态", "preset": "策略",
        "item": "项目", "value": "数值", "kind": "类型", "chart": "K线图",
    },
    "en": {
        "title": "Stock analysis", "demo": "Demo data (not real quotes)", "identity": "Identity",
        "board": "Board", "industry": "Industry", "listed": "Listed", "st": "ST", "yes": "yes", "no": "no",
        "price": "Latest price", "date": "Date", "last": "Close", "change": "Change", "chg_pct": "Change %",
        "open": "Open", "high": "High", "low": "Low", "volume": "Volume (shares)", "amount": "Amount (yuan)",
        "score": "Score", "label": "Label", "not_scored": "not scored", "dims": "Dimensions",
        "trace": "Score rules", "rule": "Rule", "values": "Values", "points": "Points", "met": "Met",
        "indicators": "Indicators", "levels": "Support and resistance", "supports": "Supports",
        "resistances": "Resistances", "level": "Level", "distance": "Distance", "source": "Source",
        "risk": "Risk", "ann_vol": "Annualised volatility", "mdd": "Max drawdown (1y)",
        "worst": "Worst day", "since_high": "Days since 52-week high", "signals": "Presets fired in the last 10 trading days",
        "none": "none", "trend": "MA trend", "macd_state": "MACD state", "preset": "Preset",
        "item": "Item", "value": "Value", "kind": "Type", "chart": "Chart",
    },
}


def _f(x, nd: int = 2, suffix: str = "") -> str:
    if isinstance(x, bool):
        return str(x)
    if x is None or isinstance(x, (int, float)):
        text = numfmt.num(x, nd, thousands=True)
        return text + suffix if text != numfmt.MISSING else text
    return str(x)


def _state(value: str | None, lang: str) -> str:
    """MA-trend / MACD-state ids in words."""
    if not value:
        return "—"
    pair = STATE_NAMES.get(value)
    return (pair[0] if lang == "zh" else pair[1]) if pair else value


def _sections(r, lang: str) -> list[tuple[str, list[str], list[list[str]]]]:
    """(heading, header row, rows) tables shared by both formats."""
    t = _T[lang]
    d = r.to_dict()
    dim_names = {k: (v[1] if lang == "zh" else v[2]) for k, v in DIMENSIONS.items()}
    board = BOARDS.get(d["board"])
    ident = [[t["board"], (board[0] if lang == "zh" else board[1]) if board else d["board"]],
             [t["industry"], d["industry"]],
             [t["listed"], d["listed_date"] or "—"], [t["st"], t["yes"] if d["is_st"] else t["no"]]]
    price = [[t["date"], d["date"]], [t["last"], _f(d["last"])], [t["change"], _f(d["change"])],
             [t["chg_pct"], _f(d["chg_pct"], 2, "%")], [t["open"], _f(d["open"])], [t["high"], _f(d["high"])],
             [t["low"], _f(d["low"])], [t["volume"], _f(d["volume"], 0)], [t["amount"], _f(d["amount"], 0)]]
    score = [[t["score"], _f(d["score"], 1) if d["score"] is not None else f"{t['not_scored']}: {Reason.of(d['score_note']).text(lang)}"],
             [t["label"], d["label_zh"] if lang == "zh" else d["label_en"]],
             [t["trend"], _state(d["ma_trend"], lang)], [t["macd_state"], _state(d["macd_state"], lang)]]
    score += [[dim_names[k], _f(v, 1) + f" / {DIMENSIONS[k][0]:g}" if v is not None else "—"]
              for k, v in d["dims"].items()]
    trace = [[(x["desc_zh"] if lang == "zh" else x["desc_en"]),
              values_text(x["values"], lang),
              f"{_f(x['points_given'], 0)} / {_f(x['points_possible'], 0)}", "✓" if x["met"] else "✗"]
             for x in d["trace"]]
    inds = [[pick(VALUE_NAMES.get(k), lang, k), _f(v, 3)] for k, v in d["indicators"].items()]
    lv = [[t["supports"], _f(x["price"]), _f(x["distance_pct"], 2, "%"), Reason.of(x["source"]).text(lang)]
          for x in d["supports"]]
    lv += [[t["resistances"], _f(x["price"]), _f(x["distance_pct"], 2, "%"), Reason.of(x["source"]).text(lang)]
           for x in d["resistances"]]
    rk = d["risk"]
    risk = [[t["ann_vol"], _f(rk["ann_volatility"], 1, "%")], [t["mdd"], _f(rk["max_drawdown_1y"], 1, "%")],
            [t["worst"], f"{_f(rk['worst_day_pct'], 2, '%')} ({rk['worst_day_date'] or '—'})"],
            [t["since_high"], _f(rk["days_since_52w_high"], 0)]]
    sig = [[x["date"], x["name_zh"] if lang == "zh" else x["name_en"]] for x in d["recent_signals"]]
    pair = [t["item"], t["value"]]
    sections = [
        (t["identity"], pair, ident), (t["price"], pair, price), (t["score"], pair, score),
        (t["trace"], [t["rule"], t["values"], t["points"], t["met"]], trace),
        (t["indicators"], pair, inds),
        (t["levels"], [t["kind"], t["level"], t["distance"], t["source"]], lv),
        (t["risk"], pair, risk), (t["signals"], [t["date"], t["preset"]], sig),
    ]
    return [(head, cols, [row for row in rows if any(_filled(c) for c in row)])
            for head, cols, rows in sections]


def _filled(cell) -> bool:
    return cell is not None and str(cell).strip() != ""


def to_markdown(report, lang: str = "zh") -> str:
    t = _T[lang]
    out = [f"# {t['title']}: {report.name} ({report.symbol})", ""]
    if report.is_demo:
        out += [f"> **{t['demo']}**", ""]
    for head, cols, rows in _sections(report, lang):
        out += [f"## {head}", ""]
        if not rows:
            out += [t["none"], ""]
            continue
        esc = lambda s: str(s).replace("|", "\\|")
        out.append("| " + " | ".join(esc(c) for c in cols) + " |")
        out.append("|" + "---|" * len(cols))
        out += ["| " + " | ".join(esc(c) for c in row) + " |" for row in rows]
        out.append("")
    return "\n".join(out)


def to_html(report, lang: str = "zh", chart_png: bytes | None = None) -> str:
    """One self-contained page; ``chart_png`` (PNG bytes) is embedded under the title."""
    t = _T[lang]
    e = html.escape
    title = f"{t['title']}: {report.name} ({report.symbol})"
    parts = [
        "<!DOCTYPE html>", f'<html lang="{e(lang)}"><head><meta charset="utf-8">', f"<title>{e(title)}</title>",
        "<style>body{font-family:sans-serif;margin:1.5em;}table{border-collapse:collapse;margin-bottom:1em;}"
        "td,th{border:1px solid #ccc;padding:2px 8px;text-align:left;}.demo{color:#b00;font-weight:bold;}"
        "figure{margin:0 0 1em 0;}figure img{max-width:100%;height:auto;border:1px solid #ccc;}"
        "</style></head><body>", f"<h1>{e(title)}</h1>",
    ]
    if report.is_demo:
        parts.append(f'<p class="demo">{e(t["demo"])}</p>')
    if chart_png:
        data = base64.b64encode(chart_png).decode("ascii")
        alt = f"{t['chart']}: {report.name} ({report.symbol})"
        parts.append(f'<figure><img alt="{e(alt)}" src="data:image/png;base64,{data}"></figure>')
    for head, cols, rows in _sections(report, lang):
        parts.append(f"<h2>{e(head)}</h2>")
        if not rows:
            parts.append(f"<p>{e(t['none'])}</p>")
            continue
        parts.append("<table><tr>" + "".join(f"<th>{e(str(c))}</th>" for c in cols) + "</tr>")
        parts += ["<tr>" + "".join(f"<td>{e(str(c))}</td>" for c in row) + "</tr>" for row in rows]
        parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts)
