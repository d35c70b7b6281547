"""stockscan-cli market in-process: the same numbers as core.market, in both languages."""
from __future__ import annotations

import json

from desktop_app import cli
from desktop_app.core.data.demo import DemoSource
from desktop_app.core.data.store import BarStore
from desktop_app.core.market import market_overview


def run_cli(capsys, *argv) -> tuple[int, str, str]:
    rc = cli.main(list(argv))
    out, err = capsys.readouterr()
    return rc, out, err


def test_market_json_equals_the_core_result(capsys):
    src = DemoSource(n_stocks=300)
    day = str(src.calendar()[-20].date())
    rc, out, err = run_cli(capsys, "market", "--demo-stocks", "300", "--date", day, "--json")
    assert rc == 0, err
    got = json.loads(out)
    want = market_overview(src, BarStore.for_source(src), day).to_dict()
    for d in (got, want):
        d.pop("elapsed")
    assert got == want and got["date"] == day and got["counts"]["universe"] == 300


def test_market_text_in_chinese_and_english(capsys):
    src = DemoSource(n_stocks=300)
    res = market_overview(src, BarStore.for_source(src))
    rc, out, err = run_cli(capsys, "market", "--demo-stocks", "300", "--top", "3")
    assert rc == 0, err
    c = res.counts
    assert f"上涨 {c['up']} 家，平盘 {c['flat']} 家，下跌 {c['down']} 家" in out
    assert f"涨停 {c['limit_up']} 家，跌停 {c['limit_down']} 家" in out and "连板天梯" in out
    top = res.industries[0]
    assert "涨幅居前的 3 个行业" in out and top["key"] in out.split("涨幅居前")[1].split("跌幅居前")[0]
    assert "亿" in out                                                     # amounts the Chinese way
    assert f"炸板（{c['broken']} 家）" in out and f"跌停（{c['limit_down']} 家）" in out
    for x in res.broken + res.limit_down:                                # each named with its code
        assert f"{x['name']}({x['symbol']} " in out
    rc, out, err = run_cli(capsys, "market", "--demo-stocks", "300", "--lang", "en")
    assert rc == 0 and f"up {c['up']}, flat {c['flat']}, down {c['down']}" in out and "limit-up ladder" in out
    assert "ChiNext ±20% (ST ±20%)" in out


def test_market_bad_arguments(capsys):
    rc, out, err = run_cli(capsys, "market", "--demo-stocks", "300", "--date", "not-a-day", "--lang", "en")
    assert rc == 2 and "--date not-a-day is not a date" in err
    rc, out, err = run_cli(capsys, "market", "--demo-stocks", "300", "--date", "1999-01-04", "--lang", "en")
    assert rc == 1 and "before the data's first trading day" in err
    rc, out, err = run_cli(capsys, "market", "--demo-stocks", "300", "--top", "0")
    assert rc == 2 and "--top" in err


def test_market_adds_the_live_pools_when_the_source_has_them(capsys, monkeypatch):
    """The live path of ``run``: the source's ``limit_pools`` (here the demo market with the
    eastmoney pools parsed by akshare from real-shape payloads) adds seal times to the ladder."""
    import datetime as dt

    import akshare.request
    import pytest

    from desktop_app.commands import scan as scan_cmd
    from desktop_app.core.data.akshare_market import live_pools_for
    from desktop_app.core.data.akshare_source import AkShareSource
    from fake_http import FakeHttp
    from market_payloads import zt_payload_for

    src = DemoSource(n_stocks=300)
    store = BarStore.for_source(src)
    res = next(r for r in (market_overview(src, store, d.date()) for d in reversed(src.calendar()[-15:])) if r.ladder)
    store.close()
    monkeypatch.setattr(akshare.request.time, "sleep", lambda s: None)
    ex = r"push2ex\.eastmoney\.com/"
    (FakeHttp().body(ex + "getTopicZTPool", zt_payload_for(res.ladder)).file(ex + "getTopicZBPool", "em_pool_empty.json")
     .file(ex + "getTopicDTPool", "garbage.txt").file(ex + "getYesterdayZTPool", "em_previous_pool.json")
     ).install(monkeypatch)
    live_src = AkShareSource(timeout=0.05, min_interval={"eastmoney": 0.0})
    now = dt.datetime.combine(dt.date.fromisoformat(res.date), dt.time(16, 0))
    src.limit_pools = lambda store, day: live_pools_for(live_src, store, day, now=now, latest=False)
    monkeypatch.setattr(scan_cmd, "make_source", lambda name, n: src)
    with pytest.warns(Warning):
        rc, out, err = run_cli(capsys, "market", "--date", res.date, "--json")
    assert rc == 0, err
    d = json.loads(out)
    first = d["ladder"][0]
    assert first["first_seal"] == "09:30:00" and first["last_seal"] == "14:00:00" and first["seal_amount"] == 1e7
    assert d["live"]["pools"]["zbgc"] == [] and len(d["live"]["pools"]["previous"]) == 1
    assert any("limit-down pool" in json.dumps(n, ensure_ascii=False) or "跌停股池" in json.dumps(n, ensure_ascii=False)
               for n in d["notes"])
    rc, out, err = run_cli(capsys, "market", "--date", res.date, "--lang", "en")
    assert rc == 0 and "first seal 09:30:00, last 14:00:00, seal 10.00M, opened 0" in out
    rc, out, err = run_cli(capsys, "market", "--date", res.date, "--no-live", "--json")
    assert "live" not in json.loads(out)
