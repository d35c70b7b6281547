"""core.symbols: every pasted form, every board, collisions with index codes, bad input."""
from __future__ import annotations

import pytest

from desktop_app.core.symbols import (
    BOARDS, EXCHANGES, INDEXES, Symbol, SymbolError, board_of, exchange_of, is_st_name,
    parse_index, parse_symbol, parse_symbols, price_limit,
)


@pytest.mark.parametrize("token", [
    "600519", "sh600519", "SH600519", "Sh600519", "600519.SH", "600519.sh", "600519.XSHG",
    "600519.SS", "  600519\t", "６００５１９", "ＳＨ６００５１９", "600519．SH",
])
def test_every_form_of_one_code(token):
    assert parse_symbol(token) == Symbol("600519", "SH", "sh_main")


@pytest.mark.parametrize("token,code,exchange,board", [
    ("600000", "600000", "SH", "sh_main"), ("601318", "601318", "SH", "sh_main"),
    ("603288", "603288", "SH", "sh_main"), ("605499", "605499", "SH", "sh_main"),
    ("688981", "688981", "SH", "star"), ("689009", "689009", "SH", "star"),
    ("000001", "000001", "SZ", "sz_main"), ("sz000001", "000001", "SZ", "sz_main"),
    ("000001.XSHE", "000001", "SZ", "sz_main"), ("001979", "001979", "SZ", "sz_main"),
    ("002594", "002594", "SZ", "sz_main"), ("003816", "003816", "SZ", "sz_main"),
    ("300750", "300750", "SZ", "chinext"), ("301269", "301269", "SZ", "chinext"),
    ("302132", "302132", "SZ", "chinext"),
    ("920001", "920001", "BJ", "bse"), ("bj920001", "920001", "BJ", "bse"),
    ("920001.BJ", "920001", "BJ", "bse"),
])
def test_every_board(token, code, exchange, board):
    s = parse_symbol(token)
    assert (s.code, s.exchange, s.board) == (code, exchange, board)
    assert board in BOARDS and exchange in EXCHANGES
    assert board_of(token) == board and exchange_of(token) == exchange


@pytest.mark.parametrize("legacy,new", [("430047", "920047"), ("830799", "920799"),
                                        ("870199", "920199"), ("bj835185", "920185")])
def test_legacy_bse_codes_map_to_920(legacy, new):
    assert parse_symbol(legacy) == Symbol(new, "BJ", "bse")


def test_symbol_forms():
    s = parse_symbol("600519")
    assert (s.prefixed, s.suffixed, str(s)) == ("sh600519", "600519.SH", "600519")
    assert parse_symbol("300750").prefixed == "sz300750"


def test_index_collisions():
    # 000001 bare is 平安银行; with a Shanghai prefix it is the 上证指数 index
    assert parse_symbol("000001").exchange == "SZ"
    with pytest.raises(SymbolError) as e:
        parse_symbol("sh000001")
    assert "上证指数" in str(e.value) and "not a stock" in str(e.value.reason)
    assert e.value.token == "sh000001"
    with pytest.raises(SymbolError, match="沪深300"):
        parse_symbol("000300")
    with pytest.raises(SymbolError, match="沪深300"):
        parse_symbol("sh000300")
    with pytest.raises(SymbolError, match="index"):
        parse_symbol("399006")
    with pytest.raises(SymbolError, match="index"):
        parse_symbol("000905.SH")
    assert parse_symbol("000905").board == "sz_main"   # 厦门港务, a real stock


@pytest.mark.parametrize("token,why", [
    ("60051", "6 digits"), ("6005190", "6 digits"), ("", "empty"), ("abc", "not a stock code"),
    ("100000", "bond"), ("510300", "fund"), ("159915", "fund"), ("900901", "B-share"),
    ("200002", "B-share"), ("sz600519", "Shanghai"), ("sh300750", "Shenzhen"),
    ("600519.XX", "suffix"), ("700001", "no A-share board"), ("index:000300", "index"),
])
def test_bad_tokens_name_the_token_and_say_why(token, why):
    with pytest.raises(SymbolError) as e:
        parse_symbol(token)
    assert why in str(e.value.reason)
    assert str(e.value).startswith(repr(token.strip()))
    assert isinstance(e.value, ValueError)


def test_error_text_format():
    with pytest.raises(SymbolError) as e:
        parse_symbol("60051")
    assert str(e.value) == "'60051': a stock code has 6 digits"


def test_parse_symbols_separators_order_and_duplicates():
    text = "600519, 000001，300750、688981；920001;sh600519\n\n 600519.SH\t002594 | 830799"
    r = parse_symbols(text)
    assert r.codes == ["600519", "000001", "300750", "688981", "920001", "002594", "920799"]
    assert r.rejected == []


def test_parse_symbols_never_drops_a_token():
    tokens = ["600519", "60051", "000300", "foo", "sh000001", "300750", "510300", "300750"]
    r = parse_symbols(" ".join(tokens))
    assert r.codes == ["600519", "300750"]
    assert [t for t, _ in r.rejected] == ["60051", "000300", "foo", "sh000001", "510300"]
    assert all(reason for _, reason in r.rejected)
    # every token is either accepted or rejected (duplicates of an accepted code aside)
    assert len(r.symbols) + len(r.rejected) + 1 == len(tokens)


def test_parse_symbols_accepts_a_list_of_strings():
    assert parse_symbols(["600519", "000001 300750"]).codes == ["600519", "000001", "300750"]


@pytest.mark.parametrize("code,st,limit", [
    ("600519", False, 0.10), ("600519", True, 0.05), ("000001", True, 0.05),
    ("300750", False, 0.20), ("300750", True, 0.20), ("688981", False, 0.20), ("688981", True, 0.20),
    ("920001", False, 0.30), ("920001", True, 0.30),
])
def test_price_limits(code, st, limit):
    assert price_limit(code, is_st=st) == limit


def test_indexes_and_parse_index():
    for code in ("000300", "000905", "000852", "000016", "000688", "399006", "000001", "399001"):
        assert code in INDEXES and parse_index(code) == code
    assert parse_index("沪深300") == "000300"
    assert parse_index("CSI300") == parse_index("csi 300") == parse_index("hs300") == "000300"
    assert parse_index("sh000300") == parse_index("000300.SH") == parse_index("index:000300") == "000300"
    assert parse_index("sz399006") == parse_index("创业板指") == "399006"
    assert parse_index("科创50") == "000688" and parse_index("上证指数") == "000001"
    with pytest.raises(SymbolError) as e:
        parse_index("999999")
    assert e.value.token == "999999" and "not a known index" in str(e.value.reason)
    with pytest.raises(SymbolError):
        parse_index("sz000300")


@pytest.mark.parametrize("name,st", [
    ("ST海航", True), ("*ST海航", True), ("S*ST前锋", True), ("SST华新", True), ("＊ＳＴ大化", True),
    (" st康美", True), ("万科A", False), ("平安银行", False), ("", False),
])
def test_is_st_name(name, st):
    assert is_st_name(name) is st
