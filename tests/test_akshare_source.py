"""AkShareSource against akshare's own parsers, with requests answered from stored payloads
(tests/payloads/akshare, real shapes; see fake_http.py). No network."""
from __future__ import annotations

import datetime as dt
import json
import os

import pandas as pd
import pytest

from desktop_app.core.data.akshare_source import AkShareSource, load_akshare
from desktop_app.core.data.errors import (NetworkError, NoDataError, ThrottledError,
                                          UnparseableError)
from desktop_app.core.data.source import BAR_COLUMNS, SPOT_COLUMNS, UNIVERSE_COLUMNS
from fake_http import PAYLOADS, FakeHttp, RequestWithoutTimeout, akshare_routes

EM_KLINE = r"push2his\.eastmoney\.com/api/qt/stock/kline/get"
TX = r"(gtimg\.cn|qq\.com)"
SINA = r"sina\.com\.cn"
pytestmark = pytest.mark.filterwarnings("ignore::Warning:akshare")  # akshare's pandas-3 notes
HOSTS = ["eastmoney", "tencent", "sina", "csindex", "sse", "szse", "bse"]


@pytest.fixture
def fake(monkeypatch):
    return akshare_routes(FakeHttp()).install(monkeypatch)


@pytest.fixture
def src(fake):
    return AkShareSource(timeout=0.05, rest_seconds=600.0, min_interval={h: 0.0 for h in HOSTS})


def _klines() -> list[list[str]]:
    body = json.loads((PAYLOADS / "em_kline_600519.json").read_text(encoding="utf-8"))
    return [k.split(",") for k in body["data"]["klines"]]


def _check_bar_frame(bars: pd.DataFrame) -> None:
    assert list(bars.columns) == BAR_COLUMNS
    assert isinstance(bars.index, pd.DatetimeIndex) and bars.index.name == "date"
    assert bars.index.is_monotonic_increasing and bars.index.is_unique
    assert (bars.index == bars.index.normalize()).all()
    assert all(str(t) == "float64" for t in bars.dtypes)


def _amount_matches_price_times_shares(bars: pd.DataFrame, tolerance: float = 0.05) -> None:
    typical = bars[["open", "high", "low", "close"]].mean(axis=1)
    ratio = bars["amount"] / (typical * bars["volume"])
    assert ratio.between(1 - tolerance, 1 + tolerance).all(), ratio


# -- daily bars, units ------------------------------------------------------------------------
def test_eastmoney_bars_units_and_shape(src, fake):
    bars = src.daily_bars_via("eastmoney", "600519")
    _check_bar_frame(bars)
    raw = _klines()
    assert len(bars) == len(raw)
    first = raw[0]  # date, open, CLOSE, high, low, lots, yuan, amp, chg%, chg, turnover%
    row = bars.iloc[0]
    assert bars.index[0] == pd.Timestamp(first[0])
    assert (row.open, row.close, row.high, row.low) == tuple(float(x) for x in first[1:5])
    assert row.volume == int(first[5]) * 100          # 手 × 100 = shares
    assert row.amount == float(first[6])              # yuan
    assert row.turnover == float(first[10])           # already percent
    _amount_matches_price_times_shares(bars)
    method, url, timeout = fake.calls[-1]
    assert "fqt=1" in url and "secid=1.600519" in url  # forward-adjusted, SH market id
    assert timeout == 0.05


def test_bars_are_sliced_to_the_range(src, fake):
    bars = src.daily_bars_via("eastmoney", "600519", dt.date(2026, 11, 24), dt.date(2026, 11, 26))
    assert list(bars.index.strftime("%Y-%m-%d")) == ["2026-11-24", "2026-11-25", "2026-11-26"]
    assert "beg=20261124" in fake.calls[-1][1] and "end=20261126" in fake.calls[-1][1]


def test_tencent_bars_units(src, fake):
    bars = src.daily_bars_via("tencent", "sh600519", start=dt.date(2026, 1, 1))
    _check_bar_frame(bars)
    em = _klines()
    assert bars["volume"].iloc[0] == int(em[0][5]) * 100   # Tencent 手, akshare ×100: shares
    assert bars["turnover"].iloc[0] == pytest.approx(0.17, abs=0.001)  # percent, not fraction
    _amount_matches_price_times_shares(bars)              # amount 万元 × 1e4 = yuan
    assert all("sh600519" in u for u in fake.urls(TX))


def test_tencent_sz000_volume_bug_is_corrected(src, fake):
    """akshare leaves sz000xxx volume in lots; amount / (price × volume) shows it and we fix it."""
    bars = src.daily_bars_via("tencent", "000001", start=dt.date(2026, 1, 1))
    assert bars["volume"].iloc[-1] == 1023456 * 100
    _amount_matches_price_times_shares(bars)


def test_sina_bars_units(src, fake):
    bars = src.daily_bars_via("sina", "600519")
    _check_bar_frame(bars)
    decoded = json.loads((PAYLOADS / "sina_kl_600519.decoded.json").read_text(encoding="utf-8"))
    assert bars["volume"].iloc[0] == decoded[0]["volume"]            # Sina: shares already
    assert bars["close"].iloc[0] == pytest.approx(decoded[0]["close"] / 1.02, abs=0.01)  # qfq
    outstanding = 125619.78 * 10_000                                   # 万股 → shares
    assert bars["turnover"].iloc[0] == pytest.approx(decoded[0]["volume"] / outstanding * 100)
    _amount_matches_price_times_shares(bars)
    assert any("qfq.js" in u for u in fake.urls(SINA))


# -- failures -----------------------------------------------------------------------------------
@pytest.mark.parametrize("setup, error, rests", [
    (lambda f: f.file(EM_KLINE, "em_kline_null.json"), NoDataError, False),
    (lambda f: f.file(EM_KLINE, "em_kline_empty.json"), NoDataError, False),
    (lambda f: f.html(EM_KLINE, "block_page.html"), ThrottledError, True),
    (lambda f: f.html(EM_KLINE, "block_page.html", status=403), ThrottledError, True),
    (lambda f: f.body(EM_KLINE, "Too Many Requests", status=429), ThrottledError, True),
    (lambda f: f.disconnect(EM_KLINE), ThrottledError, True),
    (lambda f: f.hang(EM_KLINE), NetworkError, False),
    (lambda f: f.refuse(EM_KLINE), NetworkError, False),
    (lambda f: f.file(EM_KLINE, "garbage.txt"), UnparseableError, False),
    (lambda f: f.file(EM_KLINE, "em_kline_short_rows.json"), UnparseableError, False),
], ids=["null-data", "empty-klines", "block-page", "http-403", "http-429", "remote-disconnected", "timeout",
        "refused", "garbage", "column-mismatch"])
def test_eastmoney_failures_are_typed(src, fake, setup, error, rests):
    setup(fake)
    with pytest.raises(error) as info:
        src.daily_bars_via("eastmoney", "600519")
    assert type(info.value) is error
    assert "600519" in str(info.value) and info.value.symbol == "600519"
    assert src.hosts["eastmoney"].is_resting() is rests


def test_a_resting_host_is_not_asked_again(src, fake):
    fake.disconnect(EM_KLINE)
    with pytest.raises(ThrottledError):
        src.daily_bars_via("eastmoney", "600519")
    asked = len(fake.urls("eastmoney"))
    with pytest.raises(ThrottledError, match="resting"):
        src.daily_bars_via("eastmoney", "600519")
    assert len(fake.urls("eastmoney")) == asked


@pytest.mark.parametrize("throttle", ["disconnect", "html"])
def test_throttled_paginated_call_stops_at_the_first_sign(src, fake, throttle):
    """akshare's request_with_retry would retry a throttled eastmoney 3× with sleeps; the
    source's scope stops at the first sign, so the host is asked exactly once."""
    getattr(fake, throttle)(r"push2\.eastmoney\.com/api/qt/clist/get")
    with pytest.raises(ThrottledError, match="eastmoney"):
        src.spot()
    assert len(fake.urls("clist")) == 1
    assert src.hosts["eastmoney"].is_resting()
    with pytest.raises(ThrottledError):            # boards share the eastmoney gate
        src.boards("industry")
    assert len(fake.urls("clist")) == 1
    assert src.index_members("000300")             # other hosts carry on


def test_hanging_request_without_a_timeout_parameter_becomes_network_error(src, fake):
    """stock_zh_a_daily and index_stock_cons_csindex call requests.get with no timeout at all:
    the source's thread-local default must still bound them."""
    fake.hang(r"sina\.com\.cn/realstock/company/sh600519/hisdata_klc2")
    with pytest.raises(NetworkError, match="did not answer in time"):
        src.daily_bars_via("sina", "600519")
    fake.hang(r"csindex")
    with pytest.raises(NetworkError):
        src.index_members("000300")
    assert all(t == 0.05 for _, _, t in fake.calls)
    assert not any(isinstance(t, type(None)) for _, _, t in fake.calls)


def test_fake_hang_would_catch_a_missing_timeout(fake):
    import requests
    fake.hang("x.example")
    with pytest.raises(RequestWithoutTimeout):
        requests.get("https://x.example/")


# -- fallback order -------------------------------------------------------------------------------
def test_daily_bars_falls_back_when_eastmoney_is_throttled(src, fake):
    fake.disconnect(EM_KLINE)
    bars = src.daily_bars("600519", start=dt.date(2026, 1, 1))
    _check_bar_frame(bars)
    hosts = ["eastmoney" if "eastmoney" in u else "tencent" if ("qq.com" in u or "gtimg" in u)
             else "sina" for _, u, _ in fake.calls]
    assert hosts[0] == "eastmoney" and set(hosts[1:]) == {"tencent"}
    assert src.hosts["eastmoney"].is_resting()
    fake.calls.clear()
    src.daily_bars("600519", start=dt.date(2026, 1, 1))   # eastmoney rests: not even asked
    assert fake.urls("eastmoney") == [] and fake.urls(TX)


def test_daily_bars_reaches_sina_when_the_first_two_fail(src, fake):
    fake.disconnect(EM_KLINE)
    fake.hang(TX)
    bars = src.daily_bars("600519")
    assert len(bars) == 5
    assert fake.urls(SINA)


def test_all_hosts_failing_reports_every_reason(src, fake):
    fake.disconnect(EM_KLINE).disconnect(TX).disconnect(SINA)
    with pytest.raises(ThrottledError) as info:
        src.daily_bars("600519")
    text = str(info.value)
    assert "eastmoney" in text and "tencent" in text and "sina" in text
    fake.calls.clear()
    with pytest.raises(ThrottledError):          # all resting now, nothing is sent
        src.daily_bars("600519")
    assert fake.calls == []


def test_bse_stocks_skip_tencent(src, fake):
    fake.disconnect(EM_KLINE).hang(SINA)
    with pytest.raises(NetworkError) as info:
        src.daily_bars("920118")
    assert fake.urls(TX) == [] and fake.urls(SINA)
    assert "tencent" not in str(info.value)


def test_sina_bars_are_sliced(src, fake):
    bars = src.daily_bars_via("sina", "600519", dt.date(2026, 11, 24), dt.date(2026, 11, 25))
    assert list(bars.index.strftime("%Y-%m-%d")) == ["2026-11-24", "2026-11-25"]


def test_no_data_is_final_and_does_not_spend_other_hosts(src, fake):
    fake.file(EM_KLINE, "em_kline_null.json")
    with pytest.raises(NoDataError):
        src.daily_bars("600519")
    assert fake.urls(TX) == [] and fake.urls(SINA) == []


def test_daily_bars_via_uses_only_that_host(src, fake):
    fake.disconnect(TX)
    with pytest.raises(ThrottledError):
        src.daily_bars_via("tencent", "600519")
    assert fake.urls("eastmoney") == [] and fake.urls(SINA) == []
    assert src.bar_hosts == ["eastmoney", "tencent", "sina"]
    with pytest.raises(NoDataError, match="BSE"):
        src.daily_bars_via("tencent", "920118")
    with pytest.raises(ValueError):
        src.daily_bars_via("yahoo", "600519")
    with pytest.raises(NoDataError):
        src.daily_bars_via("eastmoney", "000300")   # an index code is not a stock


# -- other calls ---------------------------------------------------------------------------------
def test_spot_snapshot(src, fake):
    spot = src.spot()
    assert list(spot.columns) == SPOT_COLUMNS
    row = spot.set_index("symbol").loc["600519"]
    assert row["name"] == "贵州茅台" and row["last"] == 1496.80 and row["prev_close"] == 1501.00
    assert row["volume"] == 22450 * 100                     # 手 → shares
    assert row["turnover"] == 0.18 and row["market_cap"] == 1.88e12
    assert row["amount"] == pytest.approx(row["volume"] * row["last"], rel=0.01)
    suspended = spot.set_index("symbol").loc["600000"]
    assert pd.isna(suspended["last"]) and pd.isna(suspended["volume"])
    assert set(spot["symbol"]) >= {"000001", "300750", "920118", "688981"}


def test_universe(src, fake):
    uni = src.universe()
    assert list(uni.columns) == UNIVERSE_COLUMNS
    by = uni.set_index("symbol")
    assert by.loc["000002", "name"] == "万科A"               # full-width and padding cleaned
    assert by.loc["000858", "name"] == "五粮液"
    assert by.loc["600519", ["exchange", "board"]].tolist() == ["SH", "sh_main"]
    assert by.loc["688981", "board"] == "star" and by.loc["302132", "board"] == "chinext"
    assert by.loc["920118", "exchange"] == "BJ" and by.loc["920118", "is_st"]
    assert by.loc["600289", "is_st"] and by.loc["000004", "is_st"] and not by.loc["600519", "is_st"]
    assert by.loc["000001", "industry"] == "J 金融业" and by.loc["600519", "industry"] == ""
    assert by.loc["600519", "listed_date"] == pd.Timestamp("2001-08-27")
    assert uni["symbol"].is_unique and len(uni) == 17
    asked = len(fake.urls("sse.com.cn"))
    src.universe()                                          # akshare's lru_caches are cleared
    assert len(fake.urls("sse.com.cn")) == 2 * asked


def test_index_members(src, fake):
    assert src.index_members("000300") == ["000001", "300750", "600519", "688981"]
    assert src.index_members("沪深300") == ["000001", "300750", "600519", "688981"]
    assert fake.urls("csindex")[-1].endswith("/cons/000300cons.xls")


def test_boards_and_members(src, fake):
    assert sorted(src.boards("industry")) == ["电池", "酿酒行业", "银行"]
    assert "融资融券" in src.boards("concept")
    assert src.board_members("industry", "酿酒行业") == ["000568", "000858", "600519"]
    assert "fs=b:BK0477" in fake.urls("clist")[-1]         # sent as the BK code
    assert src.board_members("concept", "BK0655") == ["000568", "000858", "600519"]
    with pytest.raises(NoDataError):
        src.board_members("industry", "不存在的板块")
    with pytest.raises(ValueError):
        src.boards("region")  # type: ignore[arg-type]


def test_company_info(src, fake):
    info = src.company_info("600519")
    assert info["name"] == "贵州茅台" and info["industry"] == "酿酒行业"
    assert info["listed_date"] == dt.date(2001, 8, 27)
    assert info["total_shares"] == 1256197800.0 and info["market_cap"] == pytest.approx(1.8803e12, rel=1e-3)
    fake.file(r"push2\.eastmoney\.com/api/qt/stock/get", "em_individual_info_null.json")
    with pytest.raises(NoDataError):
        src.company_info("600519")


def test_trade_calendar_from_sina(src, fake):
    days = src.trade_calendar()
    assert isinstance(days, pd.DatetimeIndex) and days.is_monotonic_increasing
    assert pd.Timestamp("2027-01-04") in days and pd.Timestamp("2027-01-02") not in days
    assert fake.urls("klc_td_sh")


def test_akshare_is_loaded_with_progress_bars_off(monkeypatch):
    monkeypatch.delenv("TQDM_DISABLE", raising=False)
    ak = load_akshare()
    assert os.environ["TQDM_DISABLE"] == "1"
    assert hasattr(ak, "stock_zh_a_hist")
    assert AkShareSource.name == "akshare" and AkShareSource.is_demo is False
