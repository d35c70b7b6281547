"""AkShareSource's fundamentals through akshare's own parsers (stock_yjbb_em,
stock_financial_analysis_indicator_em, stock_value_em, stock_fhps_detail_em), HTTP answered by
payloads of the real shape (tests/payloads/akshare). Units checked with numbers; the LATEST
valuation row is the newest date. No network."""
from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pytest

from desktop_app.core.data.akshare_source import AkShareSource
from desktop_app.core.data.errors import NoDataError, ThrottledError, UnparseableError
from desktop_app.core.data.source import DIVIDEND_COLUMNS, FUNDAMENTAL_COLUMNS, VALUATION_COLUMNS
from desktop_app.core.stock_fundamentals import load_stock_fundamentals
from fake_http import PAYLOADS, FakeHttp

pytestmark = pytest.mark.filterwarnings("ignore::Warning:akshare")
DC = r"datacenter-web\.eastmoney\.com/api/data/v1/get"
YJBB = DC + r".*reportName=RPT_LICO_FN_CPD"
VALUE = DC + r".*reportName=RPT_VALUEANALYSIS_DET"
FHPS = DC + r".*reportName=RPT_SHAREBONUS_DET"
FIN = r"datacenter\.eastmoney\.com/securities/api/data/get.*RPT_F10_FINANCE_MAINFINADATA"


def _payload(name: str) -> dict:
    return json.loads((PAYLOADS / name).read_text(encoding="utf-8"))


@pytest.fixture
def fake(monkeypatch):
    import akshare.request
    monkeypatch.setattr(akshare.request.time, "sleep", lambda s: None)   # its retries' back-off
    return (FakeHttp().file(YJBB, "em_yjbb_20250930.json").file(FIN, "em_finance_main_600519.json")
            .file(VALUE, "em_value_600519.json").file(FHPS, "em_fhps_detail_600519.json")).install(monkeypatch)


@pytest.fixture
def src(fake):
    return AkShareSource(timeout=0.05, min_interval={"eastmoney_dc": 0.0})


def test_bulk_reports_units_and_columns(src, fake):
    df = src.fundamentals(dt.date(2025, 9, 30))
    assert list(df.columns) == FUNDAMENTAL_COLUMNS
    raw = {r["SECURITY_CODE"]: r for r in _payload("em_yjbb_20250930.json")["result"]["data"]}
    assert sorted(df["symbol"]) == sorted(raw)
    m = df.set_index("symbol").loc["600519"]
    r = raw["600519"]
    assert m.report_date == dt.date(2025, 9, 30) and m.notice_date == dt.date(2025, 10, 25)
    assert m.eps == r["BASIC_EPS"] and m.revenue == r["TOTAL_OPERATE_INCOME"]      # yuan
    assert m.profit == r["PARENT_NETPROFIT"] and m.roe == r["WEIGHTAVG_ROE"]       # yuan, percent
    assert (m.revenue_yoy, m.profit_yoy, m.gross_margin, m.bvps) == (r["YSTZ"], r["SJLTZ"], r["XSMLL"], r["BPS"])
    assert np.isnan(m.debt_ratio)                            # not in this table: NaN, never 0
    empty = df.set_index("symbol").loc["688981"]              # every number null
    assert all(np.isnan(empty[c]) for c in ("eps", "revenue", "roe", "profit_yoy"))
    assert any("REPORTDATE='2025-09-30'" in u for u in fake.urls(YJBB))


def test_per_stock_indicators_newest_first(src, fake):
    df = src.financial_indicators("600519")
    assert list(df.columns) == FUNDAMENTAL_COLUMNS
    assert list(df["report_date"]) == [dt.date(2025, 9, 30), dt.date(2025, 6, 30), dt.date(2024, 12, 31)]
    top = df.iloc[0]
    assert (top.eps, top.roe, top.debt_ratio, top.revenue) == (51.53, 24.64, 12.81, 130903889634.0)
    assert any('SECUCODE="600519.SH"' in u for u in fake.urls(FIN))


def test_valuation_latest_row_is_the_newest_date(src):
    hist = src.valuation_history("600519")
    assert list(hist.columns) == VALUATION_COLUMNS
    assert list(hist["date"]) == sorted(hist["date"])          # ascending: akshare's order
    # the payload is served newest first; the latest row must be 2025-11-28's, not the first served
    f = load_stock_fundamentals(src, "600519")
    assert f.valuation["date"] == dt.date(2025, 11, 28)
    assert (f.valuation["pe_ttm"], f.valuation["pb"], f.valuation["market_cap"]) == (20.03, 7.01, 1803269109600.0)
    # the score reads that PE and the newest report (ROE 24.64 over 9 months → 32.85 a year)
    assert f.score.values["pe"][0] == 20.03
    assert f.score.values["roe_annual"][0] == pytest.approx(24.64 * 12 / 9)
    assert f.score.valid[0] and sum(t.points_given for t in f.score.trace(0)) == pytest.approx(f.score.total[0])


def test_dividends_per_10_shares(src):
    d = src.dividends("600519")
    assert list(d.columns) == DIVIDEND_COLUMNS
    assert list(d["report_date"]) == [dt.date(2025, 6, 30), dt.date(2024, 12, 31)]   # newest first
    assert d.iloc[1].cash_per_10 == 276.73 and d.iloc[1].ex_date == dt.date(2025, 6, 19)
    assert d.iloc[1].dividend_yield == 0.0178


def test_null_answer_is_no_data(src, fake):
    fake.file(YJBB, "em_dc_null.json").file(FIN, "em_dc_null.json")
    with pytest.raises(NoDataError):
        src.fundamentals(dt.date(2030, 3, 31))
    with pytest.raises(NoDataError):
        src.financial_indicators("600519")


def test_block_page_rests_the_host(src, fake):
    fake.html(YJBB)
    with pytest.raises(ThrottledError):
        src.fundamentals(dt.date(2025, 9, 30))
    with pytest.raises(ThrottledError):       # the data center rests: no further request is sent
        n = len(fake.calls)
        src.valuation_history("600519")
    assert len(fake.calls) == n


def test_garbage_answers_are_unparseable(src, fake):
    fake.file(YJBB, "garbage.txt", content_type="text/plain").file(VALUE, "garbage.txt", content_type="text/plain")
    with pytest.raises(UnparseableError):
        src.fundamentals(dt.date(2025, 9, 30))
    with pytest.raises(UnparseableError):      # akshare.request's DataParsingError after its retries
        src.valuation_history("600519")


def test_a_stock_that_never_paid_has_no_dividends(src, fake):
    body = _payload("em_fhps_detail_600519.json")
    body["result"].update(data=[], count=0)
    fake.body(FHPS, json.dumps(body))
    with pytest.raises(Exception) as e:       # akshare cannot rename the columns of no rows
        src.dividends("600519")
    assert isinstance(e.value, (UnparseableError, NoDataError))


_CALLS = {"fundamentals": (YJBB, lambda s: s.fundamentals(dt.date(2025, 9, 30))),
          "financial_indicators": (FIN, lambda s: s.financial_indicators("600519")),
          "valuation_history": (VALUE, lambda s: s.valuation_history("600519")),
          "dividends": (FHPS, lambda s: s.dividends("600519"))}


@pytest.mark.parametrize("call", list(_CALLS))
def test_every_call_null_empty_and_blocked(src, fake, call):
    """Issue 15's "Done when": each new call through akshare's own parser answers a null answer
    and an empty page with no data (never a frame of zeros), and a block page as throttled."""
    pattern, run = _CALLS[call]
    fake.file(pattern, "em_dc_null.json")
    if call == "dividends":            # a stock that never paid: no plans, not an error
        got = run(src)
        assert len(got) == 0 and list(got.columns) == DIVIDEND_COLUMNS
    else:
        with pytest.raises(NoDataError):
            run(src)
    name = {"fundamentals": "em_yjbb_20250930.json", "financial_indicators": "em_finance_main_600519.json",
            "valuation_history": "em_value_600519.json", "dividends": "em_fhps_detail_600519.json"}[call]
    body = _payload(name)
    body["result"]["data"] = []
    for k in ("count", "pages"):
        if k in body["result"]:
            body["result"][k] = 0 if k == "count" else 1
    fake.body(pattern, json.dumps(body))
    try:
        got = run(src)
    except (NoDataError, UnparseableError):
        pass
    else:
        assert len(got) == 0 and list(got.columns)          # empty, with our columns: no made-up rows
    fake.html(pattern)
    with pytest.raises(ThrottledError):
        run(src)
