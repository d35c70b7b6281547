"""Alert rules, their once-a-day state and the alert log, in the watch store's SQLite file
(``core/watch_store.py``), and one check pass (``check_once``) shared by the window and the CLI.

State: ``alert_fired(rule_id, code, day)`` holds who fired today; ``record`` drops a firing
already there and stores the new ones with their log entries in one transaction, so a rule fires
once per stock a day however often the snapshot refreshes. ``rearm`` clears a rule's rows for
the day: the next pass may fire it again.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from .alerts import AlertRule, Firing, MarketView, check_rule, evaluate
from .reasons import Reason, reason_from_column
from .watch_store import WatchStore


@dataclass(frozen=True)
class LogEntry:
    id: int
    at: str
    rule_id: int
    code: str
    kind: str
    message: Reason
    demo: bool


class AlertStore:
    def __init__(self, store: WatchStore):
        self.store = store

    def rules(self) -> list[AlertRule]:
        return [AlertRule(r[1], r[2], r[3], json.loads(r[4]), bool(r[5]), int(r[0])) for r in self.store.query(
            "SELECT id, kind, target_kind, target, params, enabled FROM alert_rules ORDER BY id")]

    def add(self, rule: AlertRule) -> AlertRule:
        check_rule(rule)
        with self.store.connect() as con:
            rid = con.execute("INSERT INTO alert_rules(kind, target_kind, target, params, enabled, created) "
                              "VALUES (?, ?, ?, ?, ?, ?)",
                              (rule.kind, rule.target_kind, rule.target, json.dumps(rule.params, ensure_ascii=False),
                               int(rule.enabled), dt.datetime.now().isoformat(timespec="seconds"))).lastrowid
        return AlertRule(rule.kind, rule.target_kind, rule.target, dict(rule.params), rule.enabled, int(rid))

    def remove(self, rule_id: int) -> bool:
        with self.store.connect() as con:
            con.execute("DELETE FROM alert_fired WHERE rule_id=?", (int(rule_id),))
            return con.execute("DELETE FROM alert_rules WHERE id=?", (int(rule_id),)).rowcount > 0

    def set_enabled(self, rule_id: int, enabled: bool) -> None:
        with self.store.connect() as con:
            con.execute("UPDATE alert_rules SET enabled=? WHERE id=?", (int(enabled), int(rule_id)))

    def rearm(self, rule_id: int, day: dt.date | None = None) -> int:
        """Forget that the rule fired on ``day`` (today): it may fire again. Returns the rows cleared."""
        day = (day or dt.date.today()).isoformat()
        with self.store.connect() as con:
            return con.execute("DELETE FROM alert_fired WHERE rule_id=? AND day=?", (int(rule_id), day)).rowcount

    def fired_today(self, day: dt.date | None = None) -> set[tuple[int, str]]:
        day = (day or dt.date.today()).isoformat()
        return {(int(r[0]), r[1]) for r in self.store.query("SELECT rule_id, code FROM alert_fired WHERE day=?", (day,))}

    def record(self, firings: list[Firing], day: dt.date, demo: bool = False,
               now: dt.datetime | None = None) -> list[Firing]:
        """Keep the firings not yet recorded for ``day`` and log them (one transaction); returns them."""
        stamp = (now or dt.datetime.now()).isoformat(timespec="seconds")
        new: list[Firing] = []
        with self.store.connect() as con:
            for f in firings:
                cur = con.execute("INSERT OR IGNORE INTO alert_fired(rule_id, code, day) VALUES (?, ?, ?)",
                                  (f.rule_id, f.code, day.isoformat()))
                if cur.rowcount:
                    new.append(f)
                    con.execute("INSERT INTO alert_log(at, rule_id, code, kind, message, demo) VALUES (?, ?, ?, ?, ?, ?)",
                                (stamp, f.rule_id, f.code, f.kind, json.dumps(f.message.to_json(), ensure_ascii=False),
                                 int(demo)))
        return new

    def log(self, limit: int = 500) -> list[LogEntry]:
        return [LogEntry(int(r[0]), r[1], int(r[2] or 0), r[3] or "", r[4] or "", reason_from_column(r[5]), bool(r[6]))
                for r in self.store.query("SELECT id, at, rule_id, code, kind, message, demo FROM alert_log "
                                          "ORDER BY id DESC LIMIT ?", (int(limit),))]

    def clear_log(self) -> None:
        with self.store.connect() as con:
            con.execute("DELETE FROM alert_log")


def check_once(alerts: AlertStore, view: MarketView) -> list[Firing]:
    """One check pass: evaluate every enabled rule on ``view`` and record what fires for the
    first time today. Blocking (a worker, the CLI)."""
    rules = alerts.rules()
    if not rules:
        return []
    firings = evaluate(rules, view, alerts.store.all_members())
    return alerts.record(firings, view.day, view.demo)


def watched_codes(watch: WatchStore) -> list[str]:
    """Every code an alert may look at: the groups' members, the holdings, the stock rules' targets."""
    return sorted({c for cs in watch.all_members().values() for c in cs} | {h.code for h in watch.holdings()}
                  | {r.target for r in AlertStore(watch).rules() if r.target_kind == "stock"})


def spot_from_bars(panel) -> "Any":
    """A snapshot made of each stock's last stored bar (昨收 = the bar before it): the check pass
    after the daily update and ``alerts check --bars`` (after the close, from cron)."""
    import numpy as np
    import pandas as pd

    rows = []
    for i, code in enumerate(panel.symbols.astype(str)):
        ok = np.flatnonzero(np.isfinite(panel.close[i]))
        if not len(ok):
            continue
        j = ok[-1]
        rows.append({"symbol": code, "name": "", "last": panel.close[i, j],
                     "prev_close": panel.close[i, ok[-2]] if len(ok) > 1 else np.nan,
                     **{f: panel.fields[f][i, j] for f in ("open", "high", "low", "volume", "amount") if f in panel.fields}})
    return pd.DataFrame(rows, columns=["symbol", "name", "last", "prev_close", "open", "high", "low", "volume", "amount"])


def bars_view(source: Any, store: Any, watch: WatchStore) -> MarketView:
    """Blocking: the market as the stored bars leave it (the last bar is "today": volume ratio,
    presets and the score read the bars before and up to it)."""
    import pandas as pd

    from .portfolio import quotes_from_spot

    codes = watched_codes(watch)
    demo = bool(getattr(source, "is_demo", False))
    panel = (source.panel(codes).tail(300) if demo else store.read_panel(codes, last_n=300)) if codes else None
    if panel is None or not len(panel.dates):
        return MarketView(pd.DataFrame(columns=["name", "last", "prev_close"]), dt.date.today(), panel, None,
                          watch.holdings(), demo)
    spot = spot_from_bars(panel)
    quotes = quotes_from_spot(spot)
    for c in ("open", "low", "amount"):
        quotes[c] = spot.set_index("symbol")[c]
    try:
        universe = source.universe()
        quotes["name"] = universe.set_index(universe["symbol"].astype(str))["name"].reindex(quotes.index).fillna("")
    except Exception:                                   # noqa: BLE001 - names are a courtesy
        universe = None
    return MarketView(quotes, panel.dates[-1].date(), panel, universe, watch.holdings(), demo)


def market_view(source: Any, store: Any, watch: WatchStore, spot=None, day: dt.date | None = None,
                demo_tick: int | None = None) -> MarketView:
    """Blocking: the market a check pass sees — the snapshot (``source.spot()`` unless given),
    the stored bars of the watched codes and the universe. The demo market plays its session
    (``core/demo_ticks.py``): tick ``demo_tick`` (0 when not given) of the day after its last bar."""
    from .portfolio import quotes_from_spot

    demo = bool(getattr(source, "is_demo", False))
    codes = watched_codes(watch)
    panel = None
    if demo and codes:
        from .demo_ticks import demo_day, demo_snapshot

        panel = source.panel(codes).tail(300)
        if spot is None:
            spot = demo_snapshot(source.spot(), demo_tick or 0)
        if day is None and len(panel.dates):
            day = demo_day(panel.dates[-1].date())
    elif store is not None and codes:
        panel = store.read_panel(codes, last_n=300)
    spot = source.spot() if spot is None else spot
    quotes = quotes_from_spot(spot)
    for c in ("open", "low", "amount", "turnover"):
        if c in spot:
            quotes[c] = spot.set_index(spot["symbol"].astype(str))[c]
    try:
        universe = source.universe()
    except Exception:                                   # noqa: BLE001 - limits fall back to non-ST
        universe = None
    return MarketView(quotes, day or dt.date.today(), panel, universe, watch.holdings(), demo)
