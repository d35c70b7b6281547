"""stockscan-cli analyze for an index (--index / index:CODE: last bars and breadth) and on weekly
or monthly bars (--period), checked against core's resample and breadth."""
from __future__ import annotations

import json

import pytest

from desktop_app import cli
from desktop_app.core.analysis import build_report, stock_info
from desktop_app.core.data.demo import DemoSource
from desktop_app.core.index_data import index_breadth
from desktop_app.core.periods import resample


@pytest.fixture(scope="module")
def demo():
    return DemoSource(seed=7)          # the CLI's demo market


def test_index_json_has_the_periods_bars_and_the_breadth(capsys, demo):
    assert cli.main(["analyze", "沪深300", "--index", "--period", "week", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    weekly = resample(demo.index_bars("000300"), "week").tail(10)
    assert out["index"] == "000300" and out["period"] == "week"
    assert [b["date"] for b in out["bars"]] == [d.date().isoformat() for d in weekly.index]
    assert [b["close"] for b in out["bars"]] == pytest.approx(weekly["close"].tolist())
    want = index_breadth("000300", demo, None)
    assert (out["breadth"]["up"], out["breadth"]["down"]) == (want.up, want.down)
    assert out["breadth"]["above_ma20"] == pytest.approx(want.above_ma20)


def test_index_prefix_and_text_in_english(capsys, demo):
    assert cli.main(["analyze", "index:000001", "--lang", "en"]) == 0
    text = capsys.readouterr().out
    last = demo.index_bars("000001").index[-1].date().isoformat()
    assert text.startswith(f"SSE Composite 上证指数 (sh000001) Daily, as of {last}")
    want = index_breadth("000001", demo, None)
    assert f"up {want.up}  down {want.down}  flat {want.flat}" in text


def test_an_unknown_index_exits_2(capsys):
    assert cli.main(["analyze", "999999", "--index"]) == 2
    assert "999999" in capsys.readouterr().err


def test_stock_on_monthly_bars(capsys, demo):
    sym = str(demo.universe()["symbol"].iloc[3])
    assert cli.main(["analyze", sym, "--period", "month", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    monthly = resample(demo.daily_bars(sym), "month")
    want = build_report(monthly, stock_info(demo, sym))
    assert out["period"] == "month" and out["bars"] == len(monthly)
    assert out["score"] == pytest.approx(want.score) and out["indicators"]["ma5"] == pytest.approx(want.indicators["ma5"])
    assert out["date"] == monthly.index[-1].date().isoformat()
