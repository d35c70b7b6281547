"""Issue 12 item 7: exports that open right in Excel, through the one hit presenter (core/hits.py).

A CSV is read back the way Excel reads one (``excel_csv`` below: a bare ``000586`` becomes the
number 586, ``="000586"`` stays the text 000586), an XLSX with openpyxl. Expected values are
written out by hand from the input rows, not computed by the code under test."""
from __future__ import annotations

import csv
import io
import math
import re

import pytest

from desktop_app.core import hits
from desktop_app.core.hits import HitRows, write_hits

NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
PERCENT = re.compile(r"^([+-]?(\d+(\.\d*)?|\.\d+))%$")
THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")


def excel_cell(field: str):
    """What Excel makes of one CSV field when it opens the file (General column format)."""
    if field == "":
        return None
    m = re.fullmatch(r'="(.*)"', field, re.S)
    if m:                                 # a formula whose result is a text: shown as that text
        return m.group(1)
    if field.startswith("="):
        raise AssertionError(f"Excel would evaluate {field!r} as a formula")
    if NUMBER.match(field):
        return float(field)               # leading zeros are gone: 000586 -> 586
    if THOUSANDS.match(field):
        return float(field.replace(",", ""))
    m = PERCENT.match(field)
    if m:
        return float(m.group(1)) / 100
    return field


def excel_csv(data: bytes) -> list[list]:
    """Open a CSV as Excel does: UTF-8 only with a BOM (else the ANSI code page), RFC 4180 quoting,
    then every field's type guessed by ``excel_cell``."""
    assert data.startswith(b"\xef\xbb\xbf"), "without a BOM Excel reads UTF-8 as GBK/ANSI: mojibake"
    text = data[3:].decode("utf-8")
    return [[excel_cell(f) for f in row] for row in csv.reader(io.StringIO(text, newline=""))]


def test_the_excel_reader_reads_like_excel():
    assert excel_cell("000586") == 586.0          # why codes need the ="…" form
    assert excel_cell('="000586"') == "000586"
    assert excel_cell("1.5%") == pytest.approx(0.015)
    assert excel_cell("多头") == "多头" and excel_cell("") is None


def hit(symbol, name, board, score, **kw) -> dict:
    row = {c: math.nan for c in hits.HIT_COLUMNS}
    row.update(symbol=symbol, name=name, board=board, industry="银行", score=score, label_zh="建议买入",
               label_en="Buy", ma_trend="bull", macd_state="golden_cross", strategies=["ma_bull", "macd_golden"])
    row.update(kw)
    return row


ROWS = [
    hit("000586", "汇源通信", "sz_main", 85.0, last=12.3456, chg_pct=1.2345, amount=123456789.4, turnover=3.4567,
        vol_ratio=1.2345, rsi=61.26, trend=30.0, volatility=10.0, technical=21.0, volume=14.0, momentum=10.0),
    hit("600519", "贵州茅台", "sh_main", 85.5, last=1688.0, chg_pct=-0.7777, amount=9.87e9, turnover=0.2,
        vol_ratio=0.8, rsi=48.04, trend=30.0, volatility=10.5, technical=21.0, volume=14.0, momentum=10.0,
        label_zh="强烈建议买入", label_en="Strong buy", ma_trend="mixed", macd_state="above", strategies=[]),
    hit("300750", "宁德时代", "chinext", 40.0, last=200.1, chg_pct=0.0, amount=math.nan, turnover=math.nan,
        vol_ratio=math.nan, rsi=math.nan, ma_trend="bear", macd_state="dead_cross", strategies=["ma_bull"]),
]


def test_csv_opens_in_excel_with_text_codes_chinese_names_and_rounded_numbers(tmp_path):
    path = write_hits(tmp_path / "hits.csv", ROWS, "zh")
    raw = path.read_bytes()
    table = excel_csv(raw)
    head, body = table[0], table[1:]
    assert head[:6] == ["代码", "名称", "最新价", "涨跌幅", "得分", "评级"]
    assert head == ["代码", "名称", "最新价", "涨跌幅", "得分", "评级", "成交额", "换手率", "量比", "60日涨跌幅", "年初至今",
                    "行业", "板块", "命中策略", "均线趋势", "MACD状态", "RSI", "趋势", "波动", "技术", "成交量", "动量"]
    cell = [dict(zip(head, r)) for r in body]
    assert [c["代码"] for c in cell] == ["000586", "600519", "300750"]      # text, zeros kept
    assert [c["板块"] for c in cell] == ["深市主板", "沪市主板", "创业板"]
    assert [c["均线趋势"] for c in cell] == ["多头", "震荡", "空头"]
    assert [c["MACD状态"] for c in cell] == ["金叉", "DIF在DEA上方", "死叉"]
    assert [c["命中策略"] for c in cell] == ["均线多头排列、MACD金叉", None, "均线多头排列"]
    assert [c["评级"] for c in cell] == ["建议买入", "强烈建议买入", "建议买入"]
    text = raw.decode("utf-8-sig")
    for internal in ("sz_main", "sh_main", "chinext", "bull", "bear", "golden_cross", "dead_cross", "ma_bull",
                     "macd_golden", "label_zh", "Buy"):
        assert internal not in text, internal
    # numbers as the table shows them: 2 decimals for prices/percent points, whole yuan, scores
    # whole when whole
    assert [c["最新价"] for c in cell] == [12.35, 1688.0, 200.1]
    assert [c["涨跌幅"] for c in cell] == [1.23, -0.78, 0.0]
    assert [c["换手率"] for c in cell] == [3.46, 0.2, None]
    assert [c["量比"] for c in cell] == [1.23, 0.8, None]
    assert [c["成交额"] for c in cell] == [123456789.0, 9870000000.0, None]
    assert [c["RSI"] for c in cell] == [61.3, 48.0, None]
    assert [c["得分"] for c in cell] == [85.0, 85.5, 40.0]
    assert [c["波动"] for c in cell] == [10.0, 10.5, None]
    fields = list(csv.reader(io.StringIO(text, newline="")))
    assert [f[4] for f in fields[1:]] == ["85", "85.5", "40"]               # no "85.0"
    assert fields[1][0] == '="000586"'                                       # the documented form


def test_english_export_speaks_english():
    head, body = hits.export_rows(ROWS[:1], "en")
    row = dict(zip(head, body[0]))
    assert head[:6] == ["Code", "Name", "Last", "Change %", "Score", "Rating"]
    assert row["Board"] == "Shenzhen main board" and row["MA trend"] == "bullish" and row["Rating"] == "Buy"
    assert row["Strategies"] == "Bullish MA alignment, MACD golden cross"


def test_xlsx_has_text_codes_number_formats_a_frozen_header_and_a_filter(tmp_path):
    from openpyxl import load_workbook

    path = write_hits(tmp_path / "hits.xlsx", ROWS, "zh")
    ws = load_workbook(path).active
    head = [c.value for c in ws[1]]
    assert head[:6] == ["代码", "名称", "最新价", "涨跌幅", "得分", "评级"]
    assert all(c.font.b for c in ws[1])
    assert ws.freeze_panes == "C2"                      # the header row and 代码/名称 stay put
    assert ws.auto_filter.ref == f"A1:V{len(ROWS) + 1}"
    col = {h: i + 1 for i, h in enumerate(head)}

    def cell(r, h):
        return ws.cell(row=r + 2, column=col[h])

    for r, code in enumerate(["000586", "600519", "300750"]):
        c = cell(r, "代码")
        assert c.value == code and c.data_type == "s" and c.number_format == "@"
    assert cell(0, "板块").value == "深市主板" and cell(0, "命中策略").value == "均线多头排列、MACD金叉"
    c = cell(0, "涨跌幅")
    assert c.value == pytest.approx(0.0123, abs=1e-12) and c.number_format == "+0.00%;-0.00%;0.00%"
    assert cell(1, "涨跌幅").value == pytest.approx(-0.0078, abs=1e-12)
    c = cell(0, "换手率")
    assert c.value == pytest.approx(0.0346, abs=1e-12) and c.number_format == "0.00%"
    c = cell(0, "成交额")
    assert c.value == 123456789 and c.number_format == "#,##0"
    assert cell(0, "最新价").value == 12.35 and cell(0, "最新价").number_format == "0.00"
    assert cell(0, "得分").value == 85 and cell(1, "得分").value == 85.5
    assert cell(2, "成交额").value is None                # missing stays empty, not "—" or 0
    widths = {h: ws.column_dimensions[chr(ord("A") + i)].width for i, h in enumerate(head)}
    assert widths["命中策略"] > widths["代码"] >= 8


def test_an_export_writes_the_columns_it_is_given_in_that_order(tmp_path):
    from openpyxl import load_workbook

    rows = HitRows(ROWS, ["name", "symbol", "score", "label"])
    path = write_hits(tmp_path / "some.xlsx", rows, "en")
    ws = load_workbook(path).active
    assert [c.value for c in ws[1]] == ["Name", "Code", "Score", "Rating"]
    assert ws.freeze_panes == "C2"
    assert [c.value for c in ws[2]] == ["汇源通信", "000586", 85, "Buy"]
    path = write_hits(tmp_path / "some.csv", HitRows(ROWS, ["score", "symbol"]), "en")
    assert excel_csv(path.read_bytes())[:2] == [["Score", "Code"], [85.0, "000586"]]
    assert load_workbook(write_hits(tmp_path / "x.xlsx", HitRows(ROWS, ["score", "symbol"]), "en")
                         ).active.freeze_panes == "A2"


@pytest.mark.parametrize("score, shown", [(85.0, "85"), (85.5, "85.5"), (85.04, "85"), (84.96, "85"),
                                          (0.0, "0"), (math.nan, "—")])
def test_whole_scores_show_without_decimals(score, shown):
    assert hits.display("score", score, "zh") == shown
    assert hits.display("trend", score, "en") == shown
