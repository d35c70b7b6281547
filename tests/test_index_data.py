"""Indexes as stocks, the core side (issue 17): index bars through akshare's own parser (a fake
HTTP payload of stock_zh_index_daily_em's shape), the demo market's cap-weighted indexes, the
store's index namespace (000001 the index never meets 000001 the stock) and members' breadth
against an independent per-stock computation."""
from __future__ import annotations

import json

import numpy as np
import pytest

from desktop_app.core.cap_index import cap_weighted_index, source_shares
from desktop_app.core.data.akshare_source import AkShareSource
from desktop_app.core.data.demo import DemoSource
from desktop_app.core.data.source import BAR_COLUMNS
from desktop_app.core.data.store import BarStore
from desktop_app.core.index_data import index_breadth, index_key, load_index, load_index_bars
from fake_http import PAYLOADS, FakeHttp, akshare_routes

pytestmark = pytest.mark.filterwarnings("ignore::Warning:akshare")
EM_KLINE = r"push2his\.eastmoney\.com/api/qt/stock/kline/get"


@pytest.fixture(scope="module")
def demo():
    return DemoSource(n_stocks=400)


def test_akshare_index_bars_through_akshares_parser(monkeypatch):
    fake = akshare_routes(FakeHttp()).install(monkeypatch)
    fake.file(EM_KLINE + r".*secid=1\.000300", "em_index_kline_000300.json")
    src = AkShareSource(timeout=0.5, min_interval={"eastmoney": 0.0})
    bars = src.index_bars("沪深300")
    assert "secid=1.000300" in fake.calls[-1][1] and "fqt=0" in fake.calls[-1][1]
    assert list(bars.columns) == BAR_COLUMNS and bars.index.name == "date"
    rows = [k.split(",") for k in json.loads((PAYLOADS / "em_index_kline_000300.json")
                                              .read_text(encoding="utf-8"))["data"]["klines"]]
    assert [d.date().isoformat() for d in bars.index] == [r[0] for r in rows]
    # f51..f57 = date, open, close, high, low, volume (手), amount
    assert bars["open"].tolist() == [float(r[1]) for r in rows]
    assert bars["close"].tolist() == [float(r[2]) for r in rows]
    assert bars["high"].tolist() == [float(r[3]) for r in rows]
    assert bars["volume"].tolist() == [float(r[5]) * 100 for r in rows]
    assert bars["turnover"].isna().all()


def test_demo_index_is_cap_weighted_from_its_members(demo):
    bars = demo.index_bars("000300")
    members = demo.index_members("000300")
    want = cap_weighted_index(demo.panel(members), source_shares(demo, members))
    assert np.allclose(bars["close"].to_numpy(), want["close"].to_numpy())
    # an independent check of one day's chaining: the cap-weighted mean of members' relatives
    panel, t = demo.panel(members), len(bars) - 1
    c = panel.close
    prev = np.array([row[:t][np.isfinite(row[:t])][-1] if np.isfinite(row[:t]).any() else np.nan for row in c])
    sh = source_shares(demo, members)
    w = np.where(np.isfinite(prev), sh * prev, 0.0)
    rel = np.where(np.isfinite(c[:, t]) & (w > 0), c[:, t] / prev, 1.0)
    assert bars["close"].iloc[t] / bars["close"].iloc[t - 1] == pytest.approx((w * rel).sum() / w.sum(), rel=1e-10)


def test_store_keeps_index_and_stock_000001_apart(tmp_path):
    src = DemoSource(n_stocks=400)
    store = BarStore(tmp_path / "bars.sqlite")
    # the demo market leaves famous codes out: 平安银行's bars here are another stock's
    stock = src.daily_bars(str(src.universe()["symbol"].iloc[0]))
    store.write("000001", stock)
    index = load_index_bars("sh000001", src, store)
    assert index_key("上证指数") == "index:000001" and "index:000001" in store
    assert store.read("000001")["close"].tolist() == stock["close"].tolist()
    assert store.read("index:000001")["close"].tolist() == index["close"].tolist()
    assert not np.allclose(stock["close"].iloc[-5:], index["close"].iloc[-5:])
    # the stocks a scan or an update lists never include an index
    assert store.symbols() == ["000001"] and len(store) == 1
    assert set(store.tail_records(2)) == {"000001"} and set(store.last_dates()) == {"000001"}
    # the second open reads the store: the source is not asked again
    src.index_bars = lambda code: (_ for _ in ()).throw(AssertionError("asked the source"))
    assert load_index_bars("000001", src, store)["close"].tolist() == index["close"].tolist()
    store.close()


def test_breadth_equals_a_per_stock_computation(demo, tmp_path):
    store = BarStore(tmp_path / "bars.sqlite")
    members = demo.index_members("000905")
    for s in members[:40]:                    # some members stored, the rest from memory
        store.write(s, demo.daily_bars(s))
    b = index_breadth("中证500", demo, store)
    day = demo.calendar()[-1]
    up = down = flat = 0
    above20, n20, above60, n60 = 0, 0, 0, 0
    for s in members:
        bars = demo.daily_bars(s)
        bars = bars[bars["close"].notna()]
        win = bars[bars.index > demo.calendar()[-91]]            # the 90-day window
        if not len(win) or win.index[-1] != day:
            continue
        c = win["close"]
        if len(c) >= 2:
            up += c.iloc[-1] > c.iloc[-2]
            down += c.iloc[-1] < c.iloc[-2]
            flat += c.iloc[-1] == c.iloc[-2]
        if len(c) >= 20:
            n20 += 1
            above20 += c.iloc[-1] > c.rolling(20).mean().iloc[-1]
        if len(c) >= 60:
            n60 += 1
            above60 += c.iloc[-1] > c.rolling(60).mean().iloc[-1]
    assert (b.up, b.down, b.flat) == (up, down, flat) and up + down > 0
    assert b.date == day and b.members == len(members)
    assert (b.n_ma20, b.n_ma60) == (n20, n60)
    assert b.above_ma20 == pytest.approx(above20 / n20) and b.above_ma60 == pytest.approx(above60 / n60)
    store.close()


def test_load_index_names_it(demo):
    li = load_index("hs300", demo)
    assert li.symbol == "index:000300" and li.name == "沪深300" and li.breadth is not None


def test_stored_index_bars_behind_the_stocks_are_fetched_again(tmp_path, demo):
    store = BarStore(tmp_path / "bars.sqlite")
    full = demo.index_bars("000300")
    store.write("index:000300", full.iloc[:-5])                  # stored a week ago
    sym = str(demo.universe()["symbol"].iloc[0])
    store.write(sym, demo.daily_bars(sym).iloc[:-3])             # the stocks: updated since
    got = load_index_bars("000300", demo, store)
    assert got.index[-1] == full.index[-1] and store.read("index:000300").index[-1] == full.index[-1]
    # current (not behind the stocks): read from the store, the source is not asked
    calls = []
    class Counting(DemoSource):
        def index_bars(self, code):
            calls.append(code)
            return super().index_bars(code)
    assert len(load_index_bars("000300", Counting(n_stocks=400), store)) == len(full) and calls == []
    store.close()
