"""An index's daily bars with fallbacks (issue 17 §3): eastmoney first, then Sina, then Tencent,
each through its own host gate, through akshare's own parsers on payloads of the real shape (the
same days on each host), units normalised (volume in shares; Sina and Tencent have no amount)."""
from __future__ import annotations

import json

import numpy as np
import pytest

from desktop_app.core.data.akshare_source import AkShareSource
from desktop_app.core.data.errors import DataError, ThrottledError
from desktop_app.core.data.source import BAR_COLUMNS
from fake_http import PAYLOADS, FakeHttp, akshare_routes, sina_js

pytestmark = pytest.mark.filterwarnings("ignore::Warning:akshare")
EM_KLINE = r"push2his\.eastmoney\.com/api/qt/stock/kline/get.*secid=1\.000300"
SINA = r"finance\.sina\.com\.cn/realstock/company/sh000300/hisdata/klc_kl\.js"
TX_START = r"web\.ifzq\.gtimg\.cn/.*code=sh000300"
TX_YEAR = r"proxy\.finance\.qq\.com/.*param=sh000300,day,2026"


def em_rows():
    body = json.loads((PAYLOADS / "em_index_kline_000300.json").read_text(encoding="utf-8"))
    return [k.split(",") for k in body["data"]["klines"]]


@pytest.fixture
def fake(monkeypatch):
    f = akshare_routes(FakeHttp()).install(monkeypatch)
    f.file(EM_KLINE, "em_index_kline_000300.json")
    f.body(SINA, sina_js("sina_index_sh000300.decoded.json"), content_type="application/javascript")
    f.file(TX_START, "tx_week_trends_sh000300.txt", content_type="text/plain")
    f.file(TX_YEAR, "tx_kline_sh000300_2026.txt", content_type="text/plain")
    return f


def source():
    return AkShareSource(timeout=0.5, rest_seconds=600.0,
                         min_interval={"eastmoney": 0.0, "sina": 0.0, "tencent": 0.0})


def same_prices(bars, rows):
    assert list(bars.columns) == BAR_COLUMNS and bars.index.name == "date"
    assert [d.date().isoformat() for d in bars.index] == [r[0] for r in rows]
    for col, k in (("open", 1), ("close", 2), ("high", 3), ("low", 4)):
        assert bars[col].tolist() == [float(r[k]) for r in rows], col
    assert bars["volume"].tolist() == [float(r[5]) * 100 for r in rows]    # shares on every host
    assert bars["turnover"].isna().all()


def test_eastmoney_answers_first(fake):
    bars = source().index_bars("000300")
    same_prices(bars, em_rows())
    assert bars["amount"].tolist() == [float(r[6]) for r in em_rows()]
    assert fake.urls(SINA) == [] and fake.urls(TX_YEAR) == []


def test_eastmoney_throttled_then_sina_answers(fake):
    fake.disconnect(EM_KLINE)
    src = source()
    bars = src.index_bars("沪深300")
    same_prices(bars, em_rows())
    assert bars["amount"].isna().all()                                   # Sina has no amount
    assert len(fake.urls(EM_KLINE)) >= 1 and len(fake.urls(SINA)) == 1 and fake.urls(TX_YEAR) == []
    # eastmoney's gate rests now: the next index goes to Sina without asking eastmoney again
    asked = len(fake.urls(EM_KLINE))
    src.index_bars("000300")
    assert len(fake.urls(EM_KLINE)) == asked and len(fake.urls(SINA)) == 2


def test_eastmoney_and_sina_fail_then_tencent_answers(fake):
    fake.html(EM_KLINE, status=500)
    fake.file(SINA, "garbage.txt", content_type="application/javascript")
    bars = source().index_bars("000300")
    same_prices(bars, em_rows())                  # Tencent's "amount" column is volume in 手
    assert bars["amount"].isna().all()
    assert len(fake.urls(TX_START)) == 1 and len(fake.urls(TX_YEAR)) == 1


def test_every_host_failing_names_each(fake):
    fake.disconnect(EM_KLINE)
    fake.disconnect(SINA)
    fake.disconnect(TX_START)
    with pytest.raises(DataError) as info:
        source().index_bars("000300")
    assert isinstance(info.value, ThrottledError)
    zh, en = info.value.reason.text("zh"), info.value.reason.text("en")
    assert "000300" in en and "every host" in en and "所有数据源" in zh
    assert np.all([h in zh for h in ("东方财富", "新浪", "腾讯")]), zh
