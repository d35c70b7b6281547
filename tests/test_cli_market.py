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
    assert f"涨幅居前的 3 个行业" in out and top["key"] in out.split("涨幅居前")[1].split("跌幅居前")[0]
    assert "亿" in out                                                     # amounts the Chinese way
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
