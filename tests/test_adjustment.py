"""前复权 / 后复权 / 不复权 (issue 17 §2): the store keeps unadjusted prices and forward factors
beside the qfq series, and the three series are arithmetic.

- akshare: one stock's eastmoney kline in the three kinds (``em_kline_000651_*.json``, mutually
  consistent payloads of the real shape) through akshare's own parser: the qfq and raw series the
  source fetches, stored, give back the hfq payload by arithmetic;
- the store: round trip, extend, readjust, write without raw prices, delete, clear;
- the demo market: its corporate actions make the three series differ, by the definition;
- the daily update: an ex-dividend day re-adjusts the stored bars and their factors, no request.
"""
from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest

from desktop_app.core.adjustment import adjusted, load_adjusted_bars, with_raw
from desktop_app.core.data.akshare_source import AkShareSource
from desktop_app.core.data.demo import DemoSource
from desktop_app.core.data.demo_actions import forward_factors
from desktop_app.core.data.store import BarStore
from fake_http import PAYLOADS, FakeHttp, akshare_routes

pytestmark = pytest.mark.filterwarnings("ignore::Warning:akshare")
EM_KLINE = r"push2his\.eastmoney\.com/api/qt/stock/kline/get"
PRICES = ["open", "high", "low", "close"]


def payload_rows(kind: str) -> pd.DataFrame:
    body = json.loads((PAYLOADS / f"em_kline_000651_{kind}.json").read_text(encoding="utf-8"))
    rows = [k.split(",") for k in body["data"]["klines"]]
    idx = pd.DatetimeIndex([r[0] for r in rows], name="date")
    # f51.. = date, open, close, high, low, volume (手), amount
    return pd.DataFrame({"open": [float(r[1]) for r in rows], "close": [float(r[2]) for r in rows],
                         "high": [float(r[3]) for r in rows], "low": [float(r[4]) for r in rows],
                         "volume": [float(r[5]) * 100 for r in rows]}, index=idx)


@pytest.fixture
def em_three_kinds(monkeypatch):
    fake = akshare_routes(FakeHttp()).install(monkeypatch)
    for kind, fqt in (("none", 0), ("qfq", 1), ("hfq", 2)):
        fake.file(EM_KLINE + rf".*fqt={fqt}&secid=0\.000651", f"em_kline_000651_{kind}.json")
    return fake


def test_akshare_three_kinds_satisfy_the_factor_arithmetic(em_three_kinds, tmp_path):
    src = AkShareSource(timeout=0.5, min_interval={"eastmoney": 0.0})
    store = BarStore(tmp_path / "bars.sqlite")
    try:
        qfq = load_adjusted_bars("000651", "qfq", src, store)
        raw = load_adjusted_bars("000651", "none", src, store)   # fetched once, stored beside
        urls = em_three_kinds.urls(r"secid=0\.000651")
        assert [("fqt=1" in u, "fqt=0" in u) for u in urls] == [(True, False), (False, True)]
        hfq = load_adjusted_bars("000651", "hfq", src, store)    # arithmetic: no third download
        assert len(em_three_kinds.urls(r"secid=0\.000651")) == 2
        want = {k: payload_rows(k) for k in ("none", "qfq", "hfq")}
        for kind, got in (("qfq", qfq), ("none", raw)):
            for c in PRICES:
                assert got[c].tolist() == want[kind][c].tolist(), (kind, c)
        # hfq from raw × factor / first factor: the payload's within the cents both are rounded to
        np.testing.assert_allclose(hfq[PRICES].to_numpy(), want["hfq"][PRICES].to_numpy(), atol=0.021)
        for got in (qfq, raw, hfq):      # volume is the same in the three series
            assert got["volume"].tolist() == want["none"]["volume"].tolist()
        # the factor: qfq close / raw close per day; before the two ex-dates it is their product
        adj = store.read_adjustment("000651")
        np.testing.assert_allclose(adj["factor"], want["qfq"]["close"] / want["none"]["close"], rtol=1e-12)
        ratio_div, ratio_bonus = (41.50 - 3.00) / 41.50, 1 / 1.5
        assert adj["factor"].iloc[0] == pytest.approx(ratio_div * ratio_bonus, abs=3e-4)
        assert adj["factor"].iloc[-1] == 1.0
        # after the bonus issue hfq = raw × 1.5 / ratio_div (to the cent)
        assert hfq["close"].iloc[-1] == pytest.approx(28.30 * 1.5 / ratio_div, abs=0.02)
        # the scans' series is untouched: the store's qfq bars
        assert store.read("000651")["close"].tolist() == want["qfq"]["close"].tolist()
    finally:
        store.close()


def _bars(n: int, start="2024-01-02", scale=1.0) -> pd.DataFrame:
    idx = pd.bdate_range(start, periods=n, name="date")
    c = (10.0 + np.arange(n)) * scale
    return pd.DataFrame({"open": c - 0.1, "high": c + 0.2, "low": c - 0.3, "close": c,
                         "volume": np.full(n, 1000.0), "amount": c * 1000, "turnover": np.full(n, 1.5)}, index=idx)


def test_store_round_trip_extend_readjust_and_forget(tmp_path):
    store = BarStore(tmp_path / "bars.sqlite")
    try:
        qfq, raw = _bars(6, scale=0.5), _bars(6)
        store.write("600001", with_raw(qfq, raw))
        assert list(store.read("600001").columns) == ["open", "high", "low", "close", "volume", "amount", "turnover"]
        adj = store.read_adjustment("600001")
        assert adj["raw_close"].tolist() == raw["close"].tolist() and (adj["factor"] == 0.5).all()
        # an appended bar without raw prices: raw = qfq, factor 1 (no action after it)
        nxt = _bars(7).iloc[6:]
        store.extend("600001", nxt)
        adj = store.read_adjustment("600001")
        assert len(adj) == 7 and adj["factor"].iloc[-1] == 1.0 and adj["raw_close"].iloc[-1] == nxt["close"].iloc[0]
        assert adj["factor"].iloc[:6].tolist() == [0.5] * 6
        # an ex-dividend day: the bars before it and their factors × ratio, raw unchanged
        day = store.read("600001").index[-1]
        before = store.read("600001")
        from desktop_app.core.data import bar_codec as codec
        store.readjust({"600001": (codec.day_number(day), 0.9)})
        after, adj2 = store.read("600001"), store.read_adjustment("600001")
        np.testing.assert_allclose(after["close"].iloc[:-1], before["close"].iloc[:-1] * 0.9)
        assert after["close"].iloc[-1] == before["close"].iloc[-1]
        assert after["volume"].tolist() == before["volume"].tolist()
        np.testing.assert_allclose(adj2["factor"].iloc[:-1], 0.45)
        assert adj2["raw_close"].tolist() == adj["raw_close"].tolist()
        np.testing.assert_allclose(after["close"], adj2["raw_close"] * adj2["factor"])
        # the views by definition: none = raw, hfq = raw × f / f0
        np.testing.assert_allclose(adjusted(after, adj2, "none")["close"], adj2["raw_close"])
        np.testing.assert_allclose(adjusted(after, adj2, "hfq")["close"], adj2["raw_close"] * adj2["factor"] / 0.45)
        # raw prices attached to the series stored now (one transaction): a bar the raw answer
        # lacks keeps the series' close and, being the newest, factor 1
        from desktop_app.core.data.adjust_store import attach_raw
        store.write("600004", qfq)
        store.extend("600004", nxt)
        got = attach_raw(store, "600004", raw)
        assert len(store.read("600004")) == 7 and len(got) == 7 and np.isnan(got["raw_close"].iloc[-1])
        np.testing.assert_allclose(got["factor"].iloc[:6], 0.5)
        view = adjusted(store.read("600004"), got, "none")
        assert view["close"].iloc[-1] == nxt["close"].iloc[0] and view["close"].iloc[0] == raw["close"].iloc[0]
        # a series written without raw prices forgets its factors (they would be stale)
        store.write("600001", qfq)
        assert store.read_adjustment("600001") is None
        store.write("600002", with_raw(qfq, raw))
        store.delete("600002")
        assert store.read_adjustment("600002") is None
        store.write("600003", with_raw(qfq, raw))
        store.clear()
        assert store.read_adjustment("600003") is None
    finally:
        store.close()


def test_demo_corporate_actions_make_three_series_by_the_definition(tmp_path):
    demo = DemoSource(n_stocks=300)
    code = next(c for c in demo.universe()["symbol"] if demo.corporate_actions(c))
    acts = demo.corporate_actions(code)
    assert demo.corporate_actions(code) == acts and 1 <= len(acts) <= 3        # deterministic
    store = BarStore(tmp_path / "bars.sqlite")
    try:
        qfq, raw, hfq = (load_adjusted_bars(code, k, demo, store) for k in ("qfq", "none", "hfq"))
        f = forward_factors(qfq.index, acts)                   # the definition, independently
        np.testing.assert_allclose(raw["close"], np.round(qfq["close"] / f, 2))
        np.testing.assert_allclose(hfq["close"], raw["close"] * (qfq["close"] / raw["close"])
                                   / (qfq["close"].iloc[0] / raw["close"].iloc[0]))
        np.testing.assert_allclose(hfq["close"], qfq["close"] / f[0], rtol=2e-3)   # raw rounded to cents
        assert not np.allclose(raw["close"], qfq["close"]) and not np.allclose(hfq["close"], raw["close"])
        assert raw["close"].iloc[-1] == qfq["close"].iloc[-1]            # after the last ex-date
        plain = next(c for c in demo.universe()["symbol"] if not demo.corporate_actions(c))
        assert load_adjusted_bars(plain, "hfq", demo, store)["close"].tolist() == demo.daily_bars(plain)["close"].tolist()
    finally:
        store.close()


def test_update_readjusts_an_ex_dividend_day_without_a_request(tmp_path):
    from desktop_app.core.data.refresh import update

    idx = pd.bdate_range("2026-11-02", "2026-11-27", name="date")
    n = len(idx)
    raw = _bars(n, "2026-11-02")
    snapshot_day = pd.Timestamp("2026-11-30")        # Monday, the ex-dividend day
    cash = 1.0
    ratio = (raw["close"].iloc[-1] - cash) / raw["close"].iloc[-1]

    class Market:
        name, is_demo = "fake", False
        requests: list = []

        def spot(self):
            prev = raw["close"].iloc[-1] - cash           # 昨收 on an ex-date: the ex-dividend price
            rows = [{"symbol": "600001", "name": "x", "last": 30.0, "prev_close": prev, "open": 29.5,
                     "high": 30.5, "low": 29.0, "volume": 5000.0, "amount": 150000.0, "turnover": 2.0}]
            rows += [{"symbol": f"60001{i}", "name": "y", "last": 10.0, "prev_close": 9.0 + i, "open": 10.0,
                      "high": 10.0, "low": 10.0, "volume": 1.0, "amount": 10.0, "turnover": 0.1} for i in range(3)]
            df = pd.DataFrame(rows)
            df.attrs["date"] = snapshot_day
            return df

        def daily_bars(self, *a, **k):
            self.requests.append(a)
            raise AssertionError("no download on an ex-dividend day")

    store = BarStore(tmp_path / "bars.sqlite")
    try:
        store.write("600001", with_raw(raw, raw))            # before: qfq = raw, factor 1
        for i in range(3):
            store.write(f"60001{i}", _bars(n, "2026-11-02") * 0 + (9.0 + i))
        report = update(Market(), store, today=dt.date(2026, 11, 30))
        assert report.readjusted == ["600001"] and Market.requests == []
        after, adj = store.read("600001"), store.read_adjustment("600001")
        assert after.index[-1] == snapshot_day and after["close"].iloc[-1] == 30.0
        np.testing.assert_allclose(after["close"].iloc[:-1], raw["close"] * ratio)
        np.testing.assert_allclose(adj["factor"].iloc[:-1], ratio)
        assert adj["factor"].iloc[-1] == 1.0 and adj["raw_close"].iloc[-1] == 30.0
        assert adj["raw_close"].iloc[:-1].tolist() == raw["close"].tolist()
        assert adjusted(after, adj, "none")["close"].iloc[:-1].tolist() == pytest.approx(raw["close"].tolist())
    finally:
        store.close()


def test_unadjusted_bars_on_the_fallback_hosts_ask_for_no_adjustment(monkeypatch):
    import re

    fake = akshare_routes(FakeHttp()).install(monkeypatch)
    src = AkShareSource(timeout=0.5, min_interval={h: 0.0 for h in ("eastmoney", "tencent", "sina")})
    tx_raw = src.daily_bars_via("tencent", "600519", adjust="none")
    tx_urls = fake.urls(r"proxy\.finance\.qq\.com/.*param=sh600519")
    assert tx_urls and all(re.search(r",640,(&|$)", u) for u in tx_urls)        # adjust "" (不复权)
    src.daily_bars_via("tencent", "600519")
    assert re.search(r",640,qfq", fake.urls(r"proxy\.finance\.qq\.com")[-1])
    assert len(tx_raw) and tx_raw.index.name == "date"
    sina_raw = src.daily_bars_via("sina", "600519", adjust="none")
    assert fake.urls(r"qfq\.js") == []                                            # no factor asked
    rows = json.loads((PAYLOADS / "sina_kl_600519.decoded.json").read_text(encoding="utf-8"))
    assert sina_raw["close"].tolist() == [round(r["close"], 2) for r in rows]
    src.daily_bars_via("sina", "600519")
    assert len(fake.urls(r"qfq\.js")) == 1
