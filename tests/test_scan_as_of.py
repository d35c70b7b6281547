"""Scans as of a past day (issue 16 §4): the bars up to that day only, prefilters as of it."""
from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pytest

from desktop_app import cli
from desktop_app.core.data.demo import DemoSource
from desktop_app.core.data.refresh import backfill
from desktop_app.core.data.store import BarStore
from desktop_app.core.panel import Panel
from desktop_app.core.scan import LOOKBACK_DAYS, ScanRequest, run_scan
from desktop_app.core.scoring import score_panel

N = 200
OPEN = dict(exclude_st=False, exclude_suspended=False, min_listed_days=0)


@pytest.fixture(scope="module")
def market(tmp_path_factory):
    src = DemoSource(n_stocks=N)
    store = BarStore(tmp_path_factory.mktemp("bars") / "asof.sqlite")
    backfill(src, store)
    yield src, store
    store.close()


def _day(src, back: int) -> str:
    return str(src.calendar()[-1 - back].date())


def _reference(src, store, day: str) -> dict[str, float]:
    """Independently: the whole stored history, cut after ``day`` with numpy, the last
    LOOKBACK_DAYS trading days, scored — symbol -> total for every scored stock."""
    full = store.read_panel(src.universe()["symbol"].tolist())
    keep = np.flatnonzero(full.dates <= np.datetime64(day))[-LOOKBACK_DAYS:]
    cut = Panel(full.symbols, full.dates[keep], {k: v[:, keep] for k, v in full.fields.items()})
    res = score_panel(cut)
    return {s: float(t) for s, t, ok in zip(cut.symbols, res.total, res.valid) if ok}


@pytest.mark.parametrize("from_memory", [False, True])
def test_a_scan_as_of_a_past_day_scores_the_bars_up_to_that_day(market, tmp_path, from_memory):
    src, store = market
    day = _day(src, 60)
    target = BarStore(tmp_path / "empty.sqlite") if from_memory else store   # memory: the demo's own
    out = run_scan(ScanRequest(min_score=0, as_of=day, **OPEN), src, target)
    assert out.as_of == day and out.accounted == N
    ref = _reference(src, store, day)
    assert {h["symbol"]: h["score"] for h in out.hits} == pytest.approx(
        {s: t for s, t in ref.items() if s in {h["symbol"] for h in out.hits}})
    assert len(out.hits) == len(ref)
    latest = run_scan(ScanRequest(min_score=0, **OPEN), src, store)
    assert latest.as_of == _day(src, 0) and [h["score"] for h in latest.hits] != [h["score"] for h in out.hits]


def test_a_weekend_day_scans_the_trading_day_before(market):
    src, store = market
    cal = src.calendar()
    gap = next(i for i in range(len(cal) - 1, 0, -1) if (cal[i] - cal[i - 1]).days > 1)
    weekend = str((cal[gap - 1] + dt.timedelta(days=1)).date())
    out = run_scan(ScanRequest(min_score=0, as_of=weekend, **OPEN), src, store)
    assert out.as_of == str(cal[gap - 1].date())


@pytest.mark.parametrize("value, code", [("2026-13-40", "as_of_invalid"), ("yesterday", "as_of_invalid"),
                                         ((dt.date.today() + dt.timedelta(days=3)).isoformat(), "as_of_future")])
def test_a_bad_day_is_refused_with_a_sentence(value, code):
    (p,) = ScanRequest(as_of=value).validate()
    assert p.code == code and value in p.text("zh")


def test_the_title_and_the_cli_say_as_of(market, capsys, isolated_home):
    src, _ = market
    day = _day(src, 30)
    assert ScanRequest(as_of=day).title("zh").endswith(f"截至 {day}")
    rc = cli.main(["scan", "--demo-stocks", str(N), "--as-of", day, "--min-score", "0", "--json", "--quiet"])
    out, err = capsys.readouterr()
    assert rc == 0, err
    res = json.loads(out)
    assert res["as_of"] == day and res["title"].endswith(f"截至 {day}")
    rc = cli.main(["scan", "--demo-stocks", str(N), "--as-of", "2026-02-30", "--quiet"])
    assert rc == 2 and "2026-02-30" in capsys.readouterr().err
