"""Every alert kind fires exactly once on a hand-made sequence of snapshots, fires again only when
re-armed (or on the next day), and a group rule fires once per member."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from desktop_app.core.alert_store import AlertStore, check_once
from desktop_app.core.alerts import AlertError, AlertRule, MarketView, check_rule, with_today
from desktop_app.core.panel import Panel
from desktop_app.core.scoring import score_panel
from desktop_app.core.watch_store import DEFAULT_GROUP, WatchStore

CODE = "600519"
DAY = dt.date(2024, 7, 1)
N = 80
PREV = 10.2                     # the panel's last close: the snapshot's 昨收


def _panel(codes=(CODE,)):
    dates = pd.bdate_range(end="2024-06-28", periods=N, name="date")
    close = np.linspace(20.0, PREV, N)
    f = {k: np.tile(close, (len(codes), 1)) for k in ("open", "high", "low", "close")}
    f["volume"] = np.full((len(codes), N), 1000.0)
    f["amount"] = f["close"] * f["volume"]
    f["turnover"] = np.full((len(codes), N), 1.0)
    return Panel(np.array(codes, dtype=object), dates, f)


def _view(last, high=None, volume=1000.0, day=DAY, codes=(CODE,), holdings=()):
    q = pd.DataFrame({"name": "测试", "last": float(last), "prev_close": PREV, "open": PREV,
                      "high": float(high if high is not None else max(last, PREV)), "low": min(float(last), PREV),
                      "volume": float(volume), "amount": float(volume) * float(last)}, index=list(codes))
    return MarketView(q, day, _panel(codes), None, list(holdings))


def _score(last):
    v = _view(last)
    return float(score_panel(with_today(v.panel, v.quotes, DAY)).total[0])


S_LOW, S_HIGH = _score(10.0), _score(25.0)

CASES = [  # kind, params, target_kind, (quiet snapshot), (firing snapshot)
    ("price_above", {"price": 11.0}, "stock", dict(last=10.99), dict(last=11.0)),
    ("price_below", {"price": 9.5}, "stock", dict(last=9.51), dict(last=9.5)),
    ("change_above", {"pct": 5}, "stock", dict(last=10.7), dict(last=10.71)),       # 10.71/10.2 = +5.0 %
    ("change_below", {"pct": 5}, "stock", dict(last=9.7), dict(last=9.69)),          # 9.69/10.2 = −5.0 %
    ("volume_ratio", {"ratio": 2}, "stock", dict(last=10.3, volume=1999.0), dict(last=10.3, volume=2000.0)),
    ("limit_up", {}, "stock", dict(last=11.21), dict(last=11.22)),                   # 10.20 × 1.1 = 11.22
    ("limit_broken", {}, "stock", dict(last=11.22, high=11.22), dict(last=11.0, high=11.22)),
    ("preset", {"preset": "turtle_breakout"}, "stock", dict(last=10.0), dict(last=25.0)),
    ("formula", {"text": "XG: C > 20;"}, "stock", dict(last=19.0), dict(last=21.0)),
    ("score_above", {"threshold": (S_LOW + S_HIGH) / 2}, "stock", dict(last=10.0), dict(last=25.0)),
    ("score_below", {"threshold": (S_LOW + S_HIGH) / 2}, "stock", dict(last=25.0), dict(last=10.0)),
    ("stop_loss", {"pct": 10}, "holdings", dict(last=10.81), dict(last=10.8)),       # cost 12 × 0.9
    ("take_profit", {"pct": 10}, "holdings", dict(last=13.19), dict(last=13.2)),     # cost 12 × 1.1
]


def test_the_score_snapshots_differ():
    assert S_HIGH > S_LOW          # else the score cases below would test nothing


@pytest.mark.parametrize("kind,params,target_kind,quiet,firing", CASES, ids=[c[0] for c in CASES])
def test_each_kind_fires_once_and_rearms(tmp_path, kind, params, target_kind, quiet, firing):
    ws = WatchStore(tmp_path / "w.sqlite")
    alerts = AlertStore(ws)
    if target_kind == "holdings":
        ws.add_holding(CODE, 100, 11.0)
        ws.add_holding(CODE, 100, 13.0)          # average cost 12
    rule = alerts.add(AlertRule(kind, target_kind, CODE if target_kind == "stock" else "", params))
    hold = ws.holdings()
    seq = [quiet, firing, firing, quiet, firing]
    fired = [len(check_once(alerts, _view(**s, holdings=hold))) for s in seq]
    assert fired == [0, 1, 0, 0, 0]
    assert alerts.rearm(rule.id, DAY) == 1
    assert [len(check_once(alerts, _view(**s, holdings=hold))) for s in (quiet, firing, firing)] == [0, 1, 0]
    nxt = DAY + dt.timedelta(days=1)
    assert len(check_once(alerts, _view(**firing, day=nxt, holdings=hold))) == 1
    log = alerts.log()
    assert len(log) == 3 and {e.code for e in log} == {CODE} and {e.kind for e in log} == {kind}
    assert CODE in log[0].message.text("zh") and CODE in log[0].message.text("en")


def test_group_rule_fires_once_per_member(tmp_path):
    ws = WatchStore(tmp_path / "w.sqlite")
    ws.add(DEFAULT_GROUP, ["600519", "000001"])
    alerts = AlertStore(ws)
    alerts.add(AlertRule("price_above", "group", DEFAULT_GROUP, {"price": 11}))
    codes = ("600519", "000001", "300750")
    got = check_once(alerts, _view(12.0, codes=codes))
    assert sorted(f.code for f in got) == ["000001", "600519"]          # 300750 is not in the group
    assert check_once(alerts, _view(12.0, codes=codes)) == []


def test_disabled_rule_and_bad_rules(tmp_path):
    alerts = AlertStore(WatchStore(tmp_path / "w.sqlite"))
    r = alerts.add(AlertRule("price_above", "stock", CODE, {"price": 1}))
    alerts.set_enabled(r.id, False)
    assert check_once(alerts, _view(12.0)) == []
    for bad in (AlertRule("nope", "stock", CODE, {}), AlertRule("price_above", "stock", CODE, {}),
                AlertRule("stop_loss", "group", "g", {"pct": 5}), AlertRule("price_above", "moon", CODE, {"price": 1})):
        with pytest.raises(AlertError):
            check_rule(bad)


def test_limit_up_follows_the_universes_board_and_st_flag(tmp_path):
    alerts = AlertStore(WatchStore(tmp_path / "w.sqlite"))
    alerts.add(AlertRule("limit_up", "stock", CODE, {}))
    uni = pd.DataFrame({"symbol": [CODE], "name": ["*ST测试"], "board": ["sh_main"], "is_st": [True]})
    v = _view(10.70)
    v.universe = uni
    assert check_once(alerts, v) == []                     # 10.20 × 1.05 = 10.71: not yet
    v = _view(10.71)
    v.universe = uni
    assert [f.code for f in check_once(alerts, v)] == [CODE]
