"""Quick-open search (core.stock_search): ranking exact code > code prefix > name/initials prefix >
contains, pinyin initials, pasted code forms."""
from __future__ import annotations

import pandas as pd
import pytest

from desktop_app.core.stock_search import StockIndex, pinyin_initials


@pytest.fixture(scope="module")
def index() -> StockIndex:
    df = pd.DataFrame({
        "symbol": ["600519", "600518", "000858", "300750", "600000", "688981", "000001"],
        "name": ["贵州茅台", "康美药业", "五粮液", "宁德时代", "浦发银行", "中芯国际", "平安银行"],
    })
    return StockIndex(df)


def test_pinyin_initials():
    assert pinyin_initials("贵州茅台") == "gzmt"
    assert pinyin_initials("宁德时代") == "ndsd"
    assert pinyin_initials("*ST康美") == "stkm"
    assert pinyin_initials("TCL科技") == "tclkj"


def test_exact_code_first_then_code_prefix(index):
    assert index.search("600519")[0] == ("600519", "贵州茅台")
    hits = index.search("6005")
    assert [s for s, _ in hits] == ["600519", "600518"]


def test_pasted_code_forms(index):
    assert index.search("SH600519")[0][0] == "600519"
    assert index.search("600519.sh")[0][0] == "600519"


def test_name_prefix_and_contains(index):
    assert index.search("贵州") == [("600519", "贵州茅台")]
    hits = [s for s, _ in index.search("银行")]  # contained in two names, universe order
    assert hits == ["600000", "000001"]


def test_pinyin_initials_prefix_and_case(index):
    assert index.search("gzmt") == [("600519", "贵州茅台")]
    assert index.search("GZM") == [("600519", "贵州茅台")]
    assert index.search("ndsd")[0] == ("300750", "宁德时代")
    # "yh" (银行) is contained in the initials of 浦发银行 (pfyh) and 平安银行 (payh)
    assert {s for s, _ in index.search("yh")} == {"600000", "000001"}


def test_ranking_prefix_beats_contains():
    df = pd.DataFrame({"symbol": ["000002", "000003", "600003"],
                       "name": ["万科A", "科技先锋", "深科技"]})
    idx = StockIndex(df)
    # "kj": prefix of 科技先锋's initials (kjxf) ranks above contained in 深科技 (skj)
    assert [s for s, _ in idx.search("kj")] == ["000003", "600003"]
    # a code prefix ranks above a code found elsewhere in the code
    assert [s for s, _ in idx.search("0000")][:2] == ["000002", "000003"]
    assert [s for s, _ in idx.search("03")] == ["000003", "600003"]  # contains, universe order


def test_blank_unknown_and_limit(index):
    assert index.search("") == []
    assert index.search("   ") == []
    assert index.search("zzzz") == []
    assert len(index.search("0", limit=2)) == 2
    assert index.name_of("600519") == "贵州茅台"
    assert index.name_of("999999") is None
    assert len(index) == 7


def test_demo_universe_every_stock_findable_by_code_and_name():
    from desktop_app.core.data.demo import DemoSource

    uni = DemoSource(n_stocks=200).universe()
    idx = StockIndex(uni)
    for sym, name in list(zip(uni["symbol"], uni["name"]))[::20]:
        assert idx.search(sym)[0] == (sym, name)
        assert (sym, name) in idx.search(name, limit=50)
        assert (sym, name) in idx.search(pinyin_initials(name), limit=200)
