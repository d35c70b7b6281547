"""stockscan-cli analyze --adjust qfq|hfq|none (issue 17 §2): the report on the chosen series,
checked against the demo market's corporate actions by their definition."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from desktop_app import cli
from desktop_app.core.data.demo import DemoSource
from desktop_app.core.data.demo_actions import forward_factors


@pytest.fixture(scope="module")
def demo():
    return DemoSource(seed=7)          # the CLI's demo market


@pytest.fixture(scope="module")
def stock(demo):
    return next(c for c in demo.universe()["symbol"][:400] if demo.corporate_actions(c))


def _closes(demo, code):
    qfq = demo.daily_bars(code).dropna(subset=["close"])["close"]
    f = forward_factors(pd.DatetimeIndex(qfq.index), demo.corporate_actions(code))
    raw = np.round(qfq.to_numpy() / f, 2)
    return qfq.to_numpy(), raw, raw * (qfq.to_numpy() / raw) / (qfq.iloc[0] / raw[0])


def test_analyze_on_each_adjustment(capsys, demo, stock):
    qfq, raw, hfq = _closes(demo, stock)
    got = {}
    for kind in ("qfq", "hfq", "none"):
        assert cli.main(["analyze", stock, "--adjust", kind, "--json"]) == 0
        got[kind] = json.loads(capsys.readouterr().out)
    for kind, closes in (("qfq", qfq), ("hfq", hfq), ("none", raw)):
        assert got[kind]["last"] == pytest.approx(closes[-1])
        assert got[kind]["indicators"]["ma60"] == pytest.approx(closes[-60:].mean())
    assert got["hfq"]["adjust"] == "hfq" and got["none"]["adjust"] == "none"
    assert got["hfq"]["indicators"]["ma60"] != pytest.approx(got["qfq"]["indicators"]["ma60"])


def test_analyze_says_the_adjustment_in_text(capsys, stock):
    assert cli.main(["analyze", stock, "--adjust", "hfq", "--period", "week", "--lang", "zh"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("复权方式：后复权") and "周K" in text
    assert cli.main(["analyze", stock, "--adjust", "none", "--lang", "en"]) == 0
    assert capsys.readouterr().out.startswith("adjustment: Unadjusted")
