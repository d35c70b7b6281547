"""stockscan-cli refresh: progress line on stderr, summary with failure reasons on stdout."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from desktop_app import cli
from desktop_app.commands import refresh as refresh_cmd
from desktop_app.core.data.errors import NetworkError
from desktop_app.core.data.source import SPOT_COLUMNS
from desktop_app.core.data.store import BarStore


class TinySource:
    """Two hosts, a handful of stocks, one of which always fails with a network error."""

    name = "demo"
    is_demo = True
    bar_hosts = ["a", "b"]

    def __init__(self):
        self.dates = pd.bdate_range(end=dt.date(2024, 6, 28), periods=30, name="date")
        self.codes = [f"{1 + i:06d}" for i in range(8)]
        self.requests = 0

    def universe(self):
        return pd.DataFrame({"symbol": self.codes, "name": self.codes})

    def _bars(self, symbol):
        close = 10 + np.arange(30) * 0.01 + int(symbol) * 0.1
        return pd.DataFrame({"open": close, "high": close, "low": close, "close": close,
                             "volume": np.full(30, 1e5), "amount": close * 1e5, "turnover": np.ones(30)},
                            index=self.dates)

    def daily_bars_via(self, host, symbol, start=None, end=None):
        self.requests += 1
        if symbol == "000005":
            raise NetworkError("000005: connection reset by peer", symbol)
        return self._bars(symbol)

    def daily_bars(self, symbol, start=None, end=None):
        return self.daily_bars_via("a", symbol, start, end)

    def spot(self):
        rows = []
        for s in self.codes:
            b = self._bars(s)
            rows.append({"symbol": s, "last": b.close.iloc[-1], "prev_close": b.close.iloc[-2],
                         "open": b.open.iloc[-1], "high": b.high.iloc[-1], "low": b.low.iloc[-1],
                         "volume": b.volume.iloc[-1], "amount": b.amount.iloc[-1], "turnover": 1.0})
        df = pd.DataFrame(rows).reindex(columns=SPOT_COLUMNS)
        df.attrs["date"] = "2024-06-28"
        return df


@pytest.fixture
def tiny(monkeypatch):
    src = TinySource()
    monkeypatch.setattr(refresh_cmd, "_make_source", lambda name: src)
    return src


def test_backfill_with_limit_prints_progress_and_reasons(tiny, capsys):
    rc = cli.main(["refresh", "--lang", "en", "--source", "demo", "--backfill", "--limit", "6"])
    out, err = capsys.readouterr()
    assert rc == 0
    # redirected: one newline-terminated line per report, no carriage returns running together
    assert "\r" not in err and err.endswith("\n") and "backfill:" in err
    assert "fetched 5" in out and "failed 1" in out
    assert "failed 000005: network: 000005: connection reset by peer" in out
    store = BarStore.for_source("demo")
    try:
        assert store.symbols() == ["000001", "000002", "000003", "000004", "000006"]
        assert str(store.failures()["000005"]).startswith("network:")
    finally:
        store.close()


def test_default_runs_backfill_then_update(tiny, capsys):
    assert cli.main(["refresh", "--lang", "en", "--source", "demo", "--symbols", "000001,000002", "--quiet"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert "backfill: fetched 2" in out
    assert "update: fetched 0" in out
    assert "store: 2 symbols, latest bar 2024-06-28" in out


def test_update_only_after_backfill_requests_nothing(tiny, capsys):
    cli.main(["refresh", "--lang", "en", "--symbols", "000001,000002,000003", "--backfill", "--quiet"])
    before = tiny.requests
    capsys.readouterr()
    assert cli.main(["refresh", "--lang", "en", "--update"]) == 0
    out, _ = capsys.readouterr()
    assert tiny.requests == before
    assert "update: fetched 0, skipped 3, failed 0" in out


def test_every_symbol_failing_is_an_error_exit(tiny, capsys):
    assert cli.main(["refresh", "--lang", "en", "--symbols", "000005", "--backfill", "--quiet"]) == 1
    assert "failed 000005" in capsys.readouterr().out


def test_bad_symbols_are_refused_with_each_reason_before_any_request(tiny, capsys):
    assert cli.main(["refresh", "--lang", "en", "--symbols", "000001, abc ,000300,60051", "--backfill", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "'abc': not a stock code" in err and "'000300'" in err and "沪深300" in err
    assert "'60051': a stock code has 6 digits" in err
    assert tiny.requests == 0
    assert cli.main(["refresh", "--lang", "en", "--symbols", " , ", "--quiet"]) == 2
    assert "no stock code" in capsys.readouterr().err


def test_symbols_in_any_form_and_limit_must_be_positive(tiny, capsys):
    assert cli.main(["refresh", "--lang", "en", "--symbols", "sz000001 000002.SZ，000001", "--backfill", "--quiet"]) == 0
    assert tiny.requests == 2                                   # parsed, de-duplicated
    for bad in ("0", "-3", "x"):
        with pytest.raises(SystemExit) as e:
            cli.main(["refresh", "--lang", "en", "--limit", bad])
        assert e.value.code == 2
    assert "--limit" in capsys.readouterr().err
