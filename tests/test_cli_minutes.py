"""stockscan-cli minutes (issue 17 §4): a stock's minute bars printed, as JSON or written to a
table file, and the last day's 分时 summary, checked against the demo market's daily bars and
an independent aggregation; bad arguments."""
from __future__ import annotations

import json

import pytest

from desktop_app import cli
from desktop_app.core.data.demo import DemoSource
from desktop_app.core.table_file import read_table


@pytest.fixture(scope="module")
def demo():
    return DemoSource(n_stocks=200)


@pytest.fixture(scope="module")
def code(demo):
    return str(demo.universe()["symbol"].iloc[4])


def test_json_bars_are_the_demo_paths_aggregated(capsys, demo, code):
    assert cli.main(["minutes", code, "--demo-stocks", "200", "--period", "30m", "--last", "0", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    daily = demo.daily_bars(code).dropna(subset=["close"]).tail(120)
    assert len(rows) == 120 * 8
    assert [r["date"][11:] for r in rows[:8]] == ["10:00", "10:30", "11:00", "11:30", "13:30", "14:00", "14:30", "15:00"]
    for k, (day, bar) in enumerate(daily.iterrows()):          # each day's 8 bars give back its daily bar
        one = rows[8 * k:8 * k + 8]
        assert {r["date"][:10] for r in one} == {day.date().isoformat()}
        assert one[0]["open"] == bar["open"] and one[-1]["close"] == bar["close"]
        assert max(r["high"] for r in one) == bar["high"] and min(r["low"] for r in one) == bar["low"]
        assert sum(r["volume"] for r in one) == bar["volume"]


def test_intraday_summary(capsys, demo, code):
    assert cli.main(["minutes", code, "--demo-stocks", "200", "--intraday", "--json"]) == 0
    s = json.loads(capsys.readouterr().out)
    daily = demo.daily_bars(code).dropna(subset=["close"])
    last, prev = daily.iloc[-1], daily.iloc[-2]
    assert s["day"] == daily.index[-1].date().isoformat() and s["minutes"] == 240
    assert s["prev_close"] == prev["close"] and s["last"] == last["close"]
    assert s["avg"] == pytest.approx(last["amount"] / last["volume"])
    assert s["chg_pct"] == pytest.approx((last["close"] / prev["close"] - 1) * 100)
    assert s["volume"] == last["volume"]
    assert cli.main(["minutes", code, "--demo-stocks", "200", "--intraday", "--lang", "en"]) == 0
    text = capsys.readouterr().out
    assert f"prev close {prev['close']:.2f}  last {last['close']:.2f}" in text


def test_out_writes_every_bar(capsys, tmp_path, demo, code):
    path = tmp_path / "m.csv"
    assert cli.main(["minutes", code, "--demo-stocks", "200", "--period", "1m", "--out", str(path)]) == 0
    assert "1200" in capsys.readouterr().out
    headers, rows = read_table(path)
    assert headers == ["date", "open", "high", "low", "close", "volume", "amount"] and len(rows) == 1200
    assert rows[0][0].endswith("09:31") and rows[-1][0].endswith("15:00")
    assert float(rows[-1][4]) == demo.daily_bars(code)["close"].dropna().iloc[-1]


def test_text_and_bad_arguments(capsys, code):
    assert cli.main(["minutes", code, "--demo-stocks", "200", "--last", "3"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert "5分钟线" in out[0] and len(out) == 2 + 3 and out[-1].startswith(out[-1][:10]) and "15:00" in out[-1]
    assert cli.main(["minutes", "12345x", "--demo-stocks", "200"]) == 2
    assert cli.main(["minutes", code, "--last", "-1"]) == 2
    assert cli.main(["minutes", "index:000300", "--demo-stocks", "200"]) == 2
    capsys.readouterr()
