"""The live market enrichment (issue 18 §2) through akshare's own parsers: the four limit pools
(stock_zt_pool_em, _zbgc_em, _dtgc_em, _previous_em) and the board lists, HTTP answered by
payloads of the real shape (tests/payloads/akshare/em_*_pool.json); units checked against the
payload's numbers; each day's pools saved and read back; empty, null and blocked answers; a day
the host no longer keeps. No network."""
from __future__ import annotations

import datetime as dt
import json

import pytest

from desktop_app.core.catalogue import REASONS
from desktop_app.core.data.akshare_market import KEEP_DAYS, live_pools_for, seal_time
from desktop_app.core.data.akshare_source import AkShareSource
from desktop_app.core.data.pool_store import POOL_COLUMNS, PoolStore
from desktop_app.core.data.store import BarStore
from fake_http import PAYLOADS, FakeHttp

pytestmark = pytest.mark.filterwarnings("ignore::Warning:akshare")
EX = r"push2ex\.eastmoney\.com/"
ZT, ZB, DT, PREV = EX + "getTopicZTPool", EX + "getTopicZBPool", EX + "getTopicDTPool", EX + "getYesterdayZTPool"
LIST = r"push2\.eastmoney\.com/api/qt/clist/get"
NOW = dt.datetime.now()
DAY = NOW.date() - dt.timedelta(days=1)      # yesterday: the host has it, and it is final


def _rows(name: str) -> list[dict]:
    return json.loads((PAYLOADS / name).read_text(encoding="utf-8"))["data"]["pool"]


@pytest.fixture
def fake(monkeypatch):
    import akshare.request
    monkeypatch.setattr(akshare.request.time, "sleep", lambda s: None)
    return (FakeHttp().file(ZT, "em_zt_pool.json").file(ZB, "em_zbgc_pool.json").file(DT, "em_dtgc_pool.json")
            .file(PREV, "em_previous_pool.json").file(LIST + r".*fs=m:90 t:2", "em_board_industry.json")
            .file(LIST + r".*fs=m:90 t:3", "em_board_concept.json")).install(monkeypatch)


@pytest.fixture
def src():
    return AkShareSource(timeout=0.05, min_interval={"eastmoney": 0.0})


@pytest.fixture
def store(tmp_path):
    s = BarStore(tmp_path / "bars.sqlite")
    yield s
    s.close()


def test_the_pools_in_our_units_saved_and_read_back(src, store, fake):
    live = live_pools_for(src, store, DAY, now=NOW, latest=True)
    assert live.failures == [] and live.saved == set()
    zt = live.pools["zt"].set_index("symbol")
    raw = {r["c"]: r for r in _rows("em_zt_pool.json")}
    assert sorted(zt.index) == sorted(raw)
    r, m = raw["600128"], zt.loc["600128"]
    assert m["close"] == r["p"] / 1000 and m["change"] == pytest.approx(r["zdp"] / 100)    # yuan, fraction
    assert m["amount"] == r["amount"] and m["seal_amount"] == r["fund"]                    # yuan
    assert (m["first_seal"], m["last_seal"], m["opened"], m["streak"]) == ("09:30:15", "14:15:02", 2, 3)
    assert zt.loc["002867", "first_seal"] == "09:25:00" and zt.loc["002867", "industry"] == "珠宝首饰"
    zb = live.pools["zbgc"].iloc[0]
    assert (zb["symbol"], zb["first_seal"], zb["opened"], zb["close"]) == ("600519", "10:05:12", 3, 1650.0)
    assert zb["last_seal"] is None and zb["seal_amount"] != zb["seal_amount"]           # not in this pool
    dtp = live.pools["dtgc"].iloc[0]
    assert (dtp["symbol"], dtp["last_seal"], dtp["seal_amount"], dtp["opened"], dtp["streak"]) == \
        ("000001", "14:00:01", 89000000.0, 1, 2)
    assert dtp["change"] == pytest.approx(-0.099913)
    prev = live.pools["previous"].iloc[0]
    assert (prev["first_seal"], prev["streak"]) == ("09:45:21", 2)
    # board heat: the lists' change in %, cap in yuan
    ind = live.heat["industry"].set_index("key")
    assert ind.loc["酿酒行业", "change"] == pytest.approx(0.0121) and ind.loc["酿酒行业", "market_cap"] == 3.2e12
    assert (ind.loc["银行", "up"], ind.loc["银行", "down"], ind.loc["银行", "leader"]) == (12, 30, "平安银行")
    assert len(live.heat["concept"]) > 0
    # the day's pools are in the store: asking again makes no request
    n = len(fake.calls)
    again = live_pools_for(src, store, DAY, now=NOW, latest=False)
    assert len(fake.calls) == n and again.saved == {"zt", "zbgc", "dtgc", "previous"}
    assert again.pools["zt"].sort_values("symbol").reset_index(drop=True).equals(
        live.pools["zt"].sort_values("symbol").reset_index(drop=True))
    assert PoolStore(store).days() == [DAY]


def test_the_ladder_gains_the_seal_fields(src, store, fake):
    live = live_pools_for(src, store, DAY, now=NOW, latest=False)
    ladder = [{"symbol": "600128", "days": 3}, {"symbol": "000002", "days": 1}]
    rows = live.merge_ladder(ladder)
    assert rows[0] | {} == {"symbol": "600128", "days": 3, "first_seal": "09:30:15", "last_seal": "14:15:02",
                            "seal_amount": 45678900.0, "opened": 2, "pool_streak": 3}
    assert rows[1]["first_seal"] is None and rows[1]["seal_amount"] is None        # not in the pool (e.g. ST)


def test_empty_and_null_pools_are_empty_and_a_broken_answer_names_its_reason(src, store, fake):
    fake.file(ZT, "em_pool_empty.json").file(ZB, "em_pool_null.json").file(DT, "garbage.txt")
    live = live_pools_for(src, store, DAY, now=NOW, latest=False)
    assert live.pools["zt"].empty and list(live.pools["zt"].columns) == POOL_COLUMNS
    assert live.pools["zbgc"].empty                     # "data": null: nobody in it
    assert "dtgc" not in live.pools and len(live.failures) == 1      # garbage: a reason, no pool
    text = live.failures[0].text("en")
    assert "limit-down pool" in text and DAY.isoformat() in text and "unparseable" in text.lower()
    assert len(live.pools["previous"]) == 1
    assert PoolStore(store).fetched(DAY).keys() == {"zt", "zbgc", "previous"}     # empty pools are answers


def test_a_blocked_host_is_a_reason_and_the_gate_rests(src, store, fake):
    fake.html(EX, "block_page.html", status=403)
    live = live_pools_for(src, store, DAY, now=NOW, latest=False)
    assert live.pools == {} and len(live.failures) == 4
    assert all("eastmoney" in f.text("en").lower() for f in live.failures)
    assert src.hosts["eastmoney"].is_resting()
    assert len(fake.urls(EX)) == 1                      # the resting gate refused the other three at once


def test_a_day_the_host_no_longer_keeps(src, store, fake):
    old = NOW.date() - dt.timedelta(days=KEEP_DAYS + 5)
    live = live_pools_for(src, store, old, now=NOW, latest=False)
    assert fake.calls == [] and live.pools == {}
    assert [f.code for f in live.failures] == ["market_pools_too_old"]
    assert "market_pools_too_old" in REASONS
    # a day saved while the host had it is read back from the store
    PoolStore(store).write(old, "zt", live_pools_for(src, store, DAY, now=NOW, latest=False).pools["zt"])
    back = live_pools_for(src, store, old, now=NOW, latest=False)
    assert back.saved == {"zt"} and len(back.pools["zt"]) == 3


def test_seal_times():
    assert [seal_time(x) for x in ("092500", 93015, "145659", "0", None, "000000", "nan")] == \
        ["09:25:00", "09:30:15", "14:56:59", None, None, None, None]
