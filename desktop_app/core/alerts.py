"""Alert rules (预警) as data, and their evaluation, vectorised over the stocks they watch.

A rule is ``(kind, target_kind, target, params)`` plus ``enabled``; its *state* — which stock
fired on which day — is kept by ``core/alert_store.py``: a rule fires at most once per stock and
condition a day until it is re-armed (the state for today is cleared).

Kinds and parameters (prices in yuan, percentages in points; every
comparison allows a relative 1e-9 for float rounding, so a price exactly at the line meets it):

=================  ==================  ========================================================
kind               params              fires when (on the latest quote of each target stock)
=================  ==================  ========================================================
price_above        price               last ≥ price
price_below        price               last ≤ price
change_above       pct                 change % (last / prev close − 1) × 100 ≥ pct
change_below       pct                 change % ≤ −|pct| (a fall of at least pct)
volume_ratio       ratio               volume / mean volume of the 5 bars before today ≥ ratio
limit_up           —                   last at the limit-up price (``price_limits``)
limit_broken       —                   high reached the limit-up price, last below it (炸板)
preset             preset              the preset (``core/strategies``) fires on today's bar
formula            text                the formula's selection (``core/formula``) on today's bar
score_above        threshold           score (``core/scoring``) ≥ threshold
score_below        threshold           score ≤ threshold
stop_loss          pct | price         last ≤ cost × (1 − pct/100) (or ≤ price) — holdings only
take_profit        pct | price         last ≥ cost × (1 + pct/100) (or ≥ price) — holdings only
=================  ==================  ========================================================

Targets: ``stock`` (one code), ``group`` (a watchlist group's members) or ``holdings`` (every
held code; the cost is the quantity-weighted average of its lots). Today's bar for the preset,
formula and score kinds is the snapshot appended to the stored bars (``with_today``) when the
store does not have today yet, so they follow the market during the session.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .reasons import R, Reason, ReasonError

PRICE_KINDS = ("price_above", "price_below", "change_above", "change_below", "volume_ratio",
               "limit_up", "limit_broken")
PANEL_KINDS = ("preset", "formula", "score_above", "score_below")
HOLDING_KINDS = ("stop_loss", "take_profit")
KINDS = PRICE_KINDS + PANEL_KINDS + HOLDING_KINDS
TARGET_KINDS = ("stock", "group", "holdings")
NEEDS = {"price_above": "price", "price_below": "price", "change_above": "pct", "change_below": "pct",
         "volume_ratio": "ratio", "preset": "preset", "formula": "text", "score_above": "threshold",
         "score_below": "threshold"}
VOLUME_DAYS = 5


class AlertError(ReasonError, ValueError):
    """A rule that cannot be evaluated as written (unknown kind, missing parameter …)."""


@dataclass(frozen=True)
class AlertRule:
    kind: str
    target_kind: str
    target: str
    params: dict = field(default_factory=dict)
    enabled: bool = True
    id: int = 0


@dataclass(frozen=True)
class Firing:
    rule_id: int
    code: str
    kind: str
    message: Reason


@dataclass
class MarketView:
    """What a check pass sees: quotes indexed by symbol (name, last, prev_close, open, high, low,
    volume, amount), the bars of the watched stocks (a ``Panel``, may be None), the universe
    (board, is_st per symbol) and the day."""

    quotes: pd.DataFrame
    day: dt.date
    panel: Any = None
    universe: pd.DataFrame | None = None
    holdings: list = field(default_factory=list)
    demo: bool = False


def check_rule(rule: AlertRule) -> AlertRule:
    """The rule if it can run, else ``AlertError`` with the reason."""
    if rule.kind not in KINDS:
        raise AlertError(R("alert_unknown_kind", kind=rule.kind, known=list(KINDS)))
    if rule.target_kind not in TARGET_KINDS:
        raise AlertError(R("alert_unknown_target", target=rule.target_kind))
    if rule.kind in HOLDING_KINDS and rule.target_kind == "group":
        raise AlertError(R("alert_holdings_only", kind=rule.kind))
    need = NEEDS.get(rule.kind)
    if rule.kind in HOLDING_KINDS:
        if not any(k in rule.params for k in ("pct", "price")):
            raise AlertError(R("alert_missing_param", kind=rule.kind, param="pct"))
    elif need and rule.params.get(need) in (None, ""):
        raise AlertError(R("alert_missing_param", kind=rule.kind, param=need))
    if rule.kind == "preset":
        from .strategies import find_strategy

        find_strategy(str(rule.params["preset"]))
    if rule.kind == "formula":
        from .formula.compiler import compile_formula

        compile_formula(str(rule.params["text"]))
    return rule


def target_codes(rule: AlertRule, groups: dict[str, list[str]], holdings: list) -> list[str]:
    if rule.target_kind == "stock":
        return [rule.target]
    if rule.target_kind == "group":
        return list(groups.get(rule.target, []))
    return list(dict.fromkeys(h.code for h in holdings))


def with_today(panel, quotes: pd.DataFrame, day: dt.date):
    """The panel with a column for ``day`` made of the quotes (open/high/low/last/volume/amount)
    when its last date is before ``day``; else the panel as it is."""
    from .panel import Panel

    if panel is None:
        return None
    stamp = pd.Timestamp(day)
    if len(panel.dates) and panel.dates[-1] >= stamp:
        return panel
    q = quotes.reindex(panel.symbols.astype(str))
    col = {"open": "open", "high": "high", "low": "low", "close": "last", "volume": "volume", "amount": "amount",
           "turnover": "turnover"}
    fields = {}
    for f, v in panel.fields.items():
        extra = q[col[f]].to_numpy(dtype=float) if col.get(f) in q else np.full(len(q), np.nan)
        fields[f] = np.concatenate([v, extra[:, None]], axis=1)
    dates = pd.DatetimeIndex(list(panel.dates) + [stamp], name="date")
    return Panel(panel.symbols, dates, fields)


def _limit_up_price(codes: list[str], prev: np.ndarray, universe: pd.DataFrame | None, day: dt.date) -> np.ndarray:
    """The limit-up price in cents of each code on ``day`` (its board and ST flag from the universe;
    a code the universe lacks: its board from the code, not ST)."""
    from .price_limits import limit_groups, limit_up_cents
    from .symbols import board_of, is_st_name

    boards = pd.Series([None] * len(codes), index=codes, dtype=object)
    st = pd.Series(False, index=codes)
    if universe is not None and len(universe):
        u = universe.assign(symbol=universe["symbol"].astype(str)).drop_duplicates("symbol").set_index("symbol")
        r = u.reindex(codes)
        if "board" in r:
            boards = r["board"].astype(object)
        if "is_st" in r:
            st = r["is_st"].fillna(False).astype(bool)
        elif "name" in r:
            st = r["name"].map(lambda n: is_st_name(n) if isinstance(n, str) else False)
    missing = boards.isna().to_numpy()
    b = np.array(boards.to_numpy(dtype=object), dtype=object)        # a copy: filled below
    for i in np.flatnonzero(missing):
        b[i] = board_of(codes[i])
    stack, gid = limit_groups(b, st.to_numpy(dtype=bool), pd.DatetimeIndex([pd.Timestamp(day)]))
    return limit_up_cents(prev, stack[gid, 0])


def _bars_before(panel, day: dt.date):
    """The panel's columns strictly before ``day``."""
    if panel is None:
        return None
    keep = int(np.searchsorted(panel.dates.values, np.datetime64(pd.Timestamp(day)), side="left"))
    return type(panel)(panel.symbols, panel.dates[:keep], {k: v[:, :keep] for k, v in panel.fields.items()})


class _Frame:
    """The derived fields of the watched stocks, computed once per check pass (lazily)."""

    def __init__(self, codes: list[str], view: MarketView):
        self.codes = codes
        self.view = view
        q = view.quotes.reindex(codes)
        self.q = q
        self.last = q["last"].to_numpy(dtype=float)
        self.prev = q["prev_close"].to_numpy(dtype=float)
        self._cache: dict = {}

    def limit_up(self) -> np.ndarray:
        if "limit_up" not in self._cache:
            self._cache["limit_up"] = _limit_up_price(self.codes, self.prev, self.view.universe, self.view.day)
        return self._cache["limit_up"]

    def col(self, name: str) -> np.ndarray:
        return self.q[name].to_numpy(dtype=float) if name in self.q else np.full(len(self.codes), np.nan)

    def chg_pct(self) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(self.prev > 0, (self.last / self.prev - 1.0) * 100.0, np.nan)

    def _panel(self):
        if "panel" not in self._cache:
            p = self.view.panel
            if p is not None:
                at = {s: i for i, s in enumerate(p.symbols.astype(str))}
                idx = np.array([at.get(c, -1) for c in self.codes])
                self._cache["rows"] = idx
            self._cache["panel"] = p
        return self._cache["panel"]

    def _rows_of(self, values: np.ndarray, fill) -> np.ndarray:
        idx = self._cache["rows"]
        out = np.full(len(self.codes), fill, dtype=values.dtype)
        ok = idx >= 0
        out[ok] = values[idx[ok]]
        return out

    def volume_ratio(self) -> np.ndarray:
        p = self._panel()
        if p is None:
            return np.full(len(self.codes), np.nan)
        before = _bars_before(p, self.view.day)
        vol = before.volume[:, -VOLUME_DAYS:] if before.shape[1] else np.empty((before.shape[0], 0))
        full = np.isfinite(vol).sum(axis=1) >= VOLUME_DAYS          # 5 bars, no suspension among them
        mean = np.full(vol.shape[0], np.nan)
        if vol.shape[1]:
            mean[full] = vol[full].mean(axis=1)
        mean = self._rows_of(np.asarray(mean, dtype=float), np.nan)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(mean > 0, self.col("volume") / mean, np.nan)

    def today_panel(self):
        if "today" not in self._cache:
            p = self._panel()
            self._cache["today"] = with_today(p, self.view.quotes, self.view.day) if p is not None else None
        return self._cache["today"]

    def preset(self, key: str) -> np.ndarray:
        from .strategies import fired_at, find_strategy

        p = self.today_panel()
        if p is None or p.shape[1] == 0:
            return np.zeros(len(self.codes), dtype=bool)
        sid = find_strategy(key).id
        ck = ("preset", sid)
        if ck not in self._cache:
            self._cache[ck] = fired_at(p, [sid])[sid]
        return self._rows_of(self._cache[ck], False)

    def formula(self, text: str) -> np.ndarray:
        from .formula.compiler import compile_formula
        from .formula.evaluate import select

        p = self.today_panel()
        if p is None or p.shape[1] == 0:
            return np.zeros(len(self.codes), dtype=bool)
        ck = ("formula", text)
        if ck not in self._cache:
            self._cache[ck] = select(compile_formula(text), p)
        return self._rows_of(self._cache[ck], False)

    def score(self) -> np.ndarray:
        from .scoring import score_panel

        p = self.today_panel()
        if p is None or p.shape[1] == 0:
            return np.full(len(self.codes), np.nan)
        if "score" not in self._cache:
            res = score_panel(p)
            self._cache["score"] = np.where(res.valid, res.total, np.nan).astype(float)
        return self._rows_of(self._cache["score"], np.nan)


def _avg_costs(holdings: list) -> dict[str, float]:
    qty: dict[str, float] = {}
    val: dict[str, float] = {}
    for h in holdings:
        qty[h.code] = qty.get(h.code, 0.0) + h.quantity
        val[h.code] = val.get(h.code, 0.0) + h.quantity * h.cost
    return {c: val[c] / qty[c] for c in qty if qty[c] > 0}


TOL = 1e-9   # relative: 12 × 1.1 is 13.200000000000001 in floats, and a last of 13.20 meets it


def _ge(a, b) -> np.ndarray:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return a >= b - TOL * np.maximum(np.abs(b), 1.0)


def _le(a, b) -> np.ndarray:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return a <= b + TOL * np.maximum(np.abs(b), 1.0)


def conditions(rule: AlertRule, f: _Frame) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """(fires, values): a boolean per watched code and the values its message shows."""
    k, p = rule.kind, rule.params
    last = f.last
    with np.errstate(invalid="ignore"):
        if k == "price_above":
            return _ge(last, float(p["price"])), {"value": last}
        if k == "price_below":
            return _le(last, float(p["price"])), {"value": last}
        if k == "change_above":
            c = f.chg_pct()
            return _ge(c, float(p["pct"])), {"value": c}
        if k == "change_below":
            c = f.chg_pct()
            return _le(c, -abs(float(p["pct"]))), {"value": c}
        if k == "volume_ratio":
            v = f.volume_ratio()
            return _ge(v, float(p["ratio"])), {"value": v}
        if k in ("limit_up", "limit_broken"):
            up = f.limit_up()
            last_c = np.round(last * 100.0)
            if k == "limit_up":
                return np.isfinite(up) & (last_c >= up), {"value": up / 100.0}
            high_c = np.round(f.col("high") * 100.0)
            return np.isfinite(up) & (high_c >= up) & (last_c < up), {"value": up / 100.0}
        if k == "preset":
            return f.preset(str(p["preset"])), {"value": last}
        if k == "formula":
            return f.formula(str(p["text"])), {"value": last}
        if k in ("score_above", "score_below"):
            s = f.score()
            thr = float(p["threshold"])
            return _ge(s, thr) if k == "score_above" else _le(s, thr), {"value": s}
        if k in HOLDING_KINDS:
            costs = _avg_costs(f.view.holdings)
            cost = np.array([costs.get(c, np.nan) for c in f.codes], dtype=float)
            if "price" in p and p["price"] not in (None, ""):
                line = np.full(len(f.codes), float(p["price"]))
            else:
                pct = abs(float(p["pct"])) / 100.0
                line = cost * ((1.0 - pct) if k == "stop_loss" else (1.0 + pct))
            hit = _le(last, line) if k == "stop_loss" else _ge(last, line)
            return np.isfinite(cost) & hit, {"value": line}
    raise AlertError(R("alert_unknown_kind", kind=k, known=list(KINDS)))


def evaluate(rules: list[AlertRule], view: MarketView, groups: dict[str, list[str]]) -> list[Firing]:
    """Every (rule, stock) whose condition holds now (before the once-a-day filter of
    ``alert_store.AlertStore.record``). Stocks without a quote never fire."""
    targets = {r.id: target_codes(r, groups, view.holdings) for r in rules if r.enabled}
    codes = list(dict.fromkeys(c for cs in targets.values() for c in cs))
    if not codes:
        return []
    frame = _Frame(codes, view)
    at = {c: i for i, c in enumerate(codes)}
    names = frame.q["name"].fillna("").astype(str).to_numpy() if "name" in frame.q else [""] * len(codes)
    out: list[Firing] = []
    for r in rules:
        if not r.enabled or not targets.get(r.id):
            continue
        fires, values = conditions(check_rule(r), frame)
        fires = fires & np.isfinite(frame.last)
        for c in targets[r.id]:
            i = at[c]
            if fires[i]:
                out.append(Firing(r.id, c, r.kind, R(f"alert_msg_{r.kind}", code=c, name=names[i],
                                                      last=_n(frame.last[i]), value=_n(values["value"][i], r.kind),
                                                      **{k: v for k, v in r.params.items() if k != "text"})))
    return out


def _n(x: float, kind: str = "") -> str:
    """A value as the message shows it: % with sign for a change, one decimal for a score."""
    from .numfmt import num, pct

    if kind in ("change_above", "change_below"):
        return pct(x)
    if kind in ("score_above", "score_below", "volume_ratio"):
        return num(x, 1)
    return num(x)
