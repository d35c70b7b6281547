"""The formula language: real-world 通达信 formulas parse and evaluate, future functions are refused,
broken formulas give positioned errors (zh and en), limits hold, common subexpressions are
computed once, styles are kept."""
from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest

from desktop_app.core.data.demo import DemoSource
from desktop_app.core.formula import FUTURE, FormulaError, check, compile_formula, help_table
from desktop_app.core.formula import evaluate as evaluate_mod
from desktop_app.core.formula.compiler import MAX_DEPTH, MAX_TEXT

REAL_WORLD = {
    "金叉": "MA5:=MA(C,5); MA10:=MA(C,10); XG:CROSS(MA5,MA10);",
    "MACD金叉": "DIF:=EMA(C,12)-EMA(C,26); DEA:=EMA(DIF,9); XG:CROSS(DIF,DEA) AND DIF<0;",
    "放量突破": "XG: C>HHV(REF(H,1),20) AND V>MA(V,5)*2;",
    "倍量": "XG: V>=2*REF(V,1) AND C>O;",
    "底背离": ("DIF:=EMA(CLOSE,12)-EMA(CLOSE,26); DEA:=EMA(DIF,9); MACD:=2*(DIF-DEA);\n"
            "A1:=BARSLAST(REF(CROSS(DIF,DEA),1));\n"
            "XG:REF(C,A1+1)>C AND REF(DIF,A1+1)<DIF AND CROSS(DIF,DEA);"),
    "涨停回踩": "ZT:=C>=REF(C,1)*1.095; XG:COUNT(ZT,10)>=1 AND C<REF(C,1) AND L<=MA(C,10)*1.01 AND C>MA(C,10);",
    "KDJ金叉": ("RSV:=(C-LLV(L,9))/(HHV(H,9)-LLV(L,9))*100; K:=SMA(RSV,3,1); D:=SMA(K,3,1); J:=3*K-2*D;"
              "XG:CROSS(K,D) AND K<30;"),
    "RSI超卖": "LC:=REF(CLOSE,1); RSI1:=SMA(MAX(CLOSE-LC,0),6,1)/SMA(ABS(CLOSE-LC),6,1)*100; XG:RSI1<20;",
    "布林下轨": "MID:=MA(C,20); LOWER:=MID-2*STD(C,20); XG:CROSS(C,LOWER);",
    "多头排列": "XG:MA(C,5)>MA(C,10) AND MA(C,10)>MA(C,20) AND MA(C,20)>MA(C,60);",
    "三连阳": "XG:BARSLASTCOUNT(C>O)>=3;",
    "一年新高": "XG:C=HHV(C,250);",
    "缩量回调": "XG:V<MA(V,5)*0.6 AND C<REF(C,1) AND C>MA(C,20);",
    "均线粘合": ("A:=MAX(MAX(MA(C,5),MA(C,10)),MA(C,20)); B:=MIN(MIN(MA(C,5),MA(C,10)),MA(C,20));"
             "XG:(A-B)/C<0.02;"),
    "长下影": "XG:(MIN(O,C)-L)/(H-L)>0.6 AND H>L;",
    "跳空缺口": "XG:L>REF(H,1);",
    "量价齐升": "XG:EVERY(C>REF(C,1),3) AND EVERY(V>REF(V,1),3);",
    "主力线": ("主力线:EMA((C-LLV(L,27))/(HHV(H,27)-LLV(L,27))*100,3),COLORRED,LINETHICK2;"
            "散户线:100-主力线,COLORGREEN; XG:CROSS(主力线,散户线);"),
    "中文名称": "XG:收盘价>开盘价 AND 成交量>MA(成交量,5);",
    "台阶突破": "N:=20; HH:=HHV(H,N); XG:C>REF(HH,1) AND SLOPE(C,10)>0;",
    "首板": "ZT:=C>=REF(C,1)*1.098; XG:ZT AND COUNT(ZT,20)=1;",
    "上市以来": "XG:C>HHV(C,0)*0.9 AND BARSCOUNT(C)>60;",
    "注释与指标": "{MACD零轴上金叉}\nXG:CROSS(MACD.DIF,MACD.DEA) AND MACD.DIF>0; // 行尾注释",
    "超卖共振": "XG:KDJ.J<0 OR RSI.RSI1<30;",
    "阳线计数": "X:=IF(C>O,1,0); XG:SUM(X,5)>=4;",
    "温和放量": "XG:BETWEEN(C/REF(C,1),1.03,1.07) AND FILTER(V>2*MA(V,10),5);",
    "无XG条件": "MA5:MA(C,5); C>MA5 AND V>REF(V,1);",
}


@pytest.fixture(scope="module")
def panel():
    return DemoSource(n_stocks=120).panel().tail(320)


@pytest.mark.parametrize("name", list(REAL_WORLD))
def test_real_world_formula_compiles_and_evaluates(panel, name):
    f = compile_formula(REAL_WORLD[name])
    assert f.selection is not None
    out = f.evaluate(panel)
    sel = out[f.selection.key]
    assert sel.shape == panel.shape
    vals = sel[np.isfinite(sel)]
    assert vals.size > 0 and set(np.unique(vals)) <= {0.0, 1.0}
    assert np.array_equal(f.select(panel), np.nan_to_num(_last_bar(sel, panel)) == 1)


def _last_bar(a: np.ndarray, panel) -> np.ndarray:
    """Each stock's value on its own last traded day (independent of the engine's packing)."""
    idx = [np.flatnonzero(np.isfinite(panel.close[i]))[-1] for i in range(panel.shape[0])]
    return np.array([a[i, j] for i, j in enumerate(idx)])


def test_real_world_formulas_select_some_stocks_over_the_market(panel):
    picked = {name: int(compile_formula(t).evaluate(panel)[compile_formula(t).selection.key].__eq__(1).sum())
              for name, t in REAL_WORLD.items()}
    assert sum(1 for v in picked.values() if v > 0) >= 20, picked


def test_golden_cross_matches_pandas_stock_by_stock(panel):
    """The reference works in whole cents, so MA5 vs MA10 is decided exactly (2·ΣC5 vs ΣC10), as
    the engine's tolerant comparison decides exact ties (docs/INDICATORS.md "Comparisons")."""
    f = compile_formula(REAL_WORLD["金叉"])
    got = f.evaluate(panel)["XG"]
    for i in range(0, panel.shape[0], 7):
        df = panel.row_frame(i)
        cents = (df["close"] * 100).round().astype("int64")
        above = 2 * cents.rolling(5).sum() - cents.rolling(10).sum()          # 10·(MA5 − MA10), exact
        want = ((above > 0) & (above.shift(1) <= 0)).astype(float).where(above.shift(1).notna())
        row = got[i][np.isfinite(panel.close[i])]
        np.testing.assert_array_equal(row, want.to_numpy(), err_msg=panel.symbols[i])


def test_double_volume_matches_pandas(panel):
    got = compile_formula(REAL_WORLD["倍量"]).evaluate(panel)["XG"]
    for i in range(0, panel.shape[0], 11):
        df = panel.row_frame(i)
        v = df["volume"] / 100
        want = ((v >= 2 * v.shift(1)) & (df["close"] > df["open"])).astype(float).where(v.shift(1).notna())
        np.testing.assert_array_equal(got[i][np.isfinite(panel.close[i])], want.to_numpy())


def test_selection_is_xg_or_the_last_condition():
    assert compile_formula("XG:C>O; B:C<O").selection.key == "XG"
    assert compile_formula("A:C>O; M:MA(C,5); B:C<O; N:MA(C,3)").selection.key == "B"
    assert compile_formula("A:C>O; C>MA(C,5)").selection.key == "#2"        # unnamed output
    assert compile_formula("M:MA(C,5)").selection is None
    f = compile_formula("M5:MA(C,5),COLORRED,LINETHICK2; M10:MA(C,10),NODRAW,DOTLINE; S:C-O,COLORSTICK; XG:M5>M10")
    assert [o.key for o in f.columns] == ["M5", "M10", "S"]
    m5, m10, s = (o.style for o in f.columns)
    assert (m5.color, m5.width, m5.draw) == ("#FF0000", 2, True)
    assert (m10.draw, m10.kind) == (False, "dot")
    assert s.kind == "colorstick"
    assert compile_formula("X:C,COLOR0000FF").outputs[0].style.color == "#FF0000"   # 通达信 hex is BBGGRR


def test_common_subexpressions_are_computed_once(panel, monkeypatch):
    f = compile_formula("A:=MA(C,5); B:MA(C,5)+1; XG:CROSS(MA(C,5),MA(C,10)) AND MA(c,5)>A")
    calls = [n for n in f.order if n.op == "call" and n.value == "MA"]
    assert len(calls) == 2                                     # MA(C,5) and MA(C,10), once each
    seen: list[str] = []
    real = evaluate_mod._node_value

    def spy(node, *a):
        seen.append(node.value if node.op == "call" else node.op)
        return real(node, *a)

    monkeypatch.setattr(evaluate_mod, "_node_value", spy)
    f.evaluate(panel)
    assert seen.count("MA") == 2


@pytest.mark.parametrize("name", sorted(FUTURE))
def test_every_future_function_is_refused(name):
    errors = check(f"XG:{name}(C,5)>0")
    assert len(errors) == 1
    r = errors[0]
    assert r.code == "formula_at" and (r.params["line"], r.params["column"]) == (1, 4)
    assert r.text("zh") == f"第1行第4列: 未来函数: {name} 会用到之后的K线，不能用于选股"
    assert "future function" in r.text("en")


def test_negative_ref_is_a_future_function():
    (r,) = check("XG:REF(C,-1)>C")
    assert r.params["detail"].code == "formula_future_ref" and r.params["column"] == 10
    assert "未来函数" in r.text("zh")
    assert check("XG:REF(C, -(1))>C")[0].params["detail"].code == "formula_future_ref"


BROKEN = [
    ("XG:MAA(C,5)>1", 1, 4, "未知函数 MAA；是否是 MA?"),
    ("XG:MA(C,5", 1, 10, "公式不完整；这里需要 )"),
    ("XG:C>>O", 1, 6, "此处不应出现 >"),
    ("XG:C>O；", 1, 7, "无法识别的字符 ；；请改用半角 ;"),
    ("XG:{注释 C>O", 1, 4, "注释 { 没有对应的 }"),
    ("XG:MA(C,0)>C", 1, 9, "MA 的第 2 个参数应在 1 到 10000 之间，这里是 0"),
    ("XG:MA(C,2.5)>C", 1, 9, "MA 的第 2 个参数应为整数，这里是 2.5"),
    ("XG:MA(C,NN)>C", 1, 9, "未知的名称 NN"),
    ("XG:MA(C)>0", 1, 4, "MA 需要 2 个参数，这里有 1 个（MA(X,N)）"),
    ("XG:C(1)>0", 1, 4, "C 不是函数，不能带括号"),
    ("XG:MA>0", 1, 4, "MA 是函数，需要参数：MA(X,N)"),
    ("XG:C>O,COLORRD", 1, 8, "未知的画线属性 COLORRD；是否是 COLORRED?"),
    ("C:=1; XG:C>0", 1, 1, "C 是行情数据或函数的名称，不能用作变量名"),
    ("A:=1;\nA:=2; XG:A>0", 2, 1, "A 已在第1行定义过"),
    ("XG:MACD.DIFF>0", 1, 4, "指标 MACD 没有 DIFF；可用：DIF、DEA、MACD"),
    ("XG:MCD.DIF>0", 1, 4, "未知指标 MCD；是否是 MACD?；可用：MACD、KDJ、RSI、BOLL"),
    ("XG:DRAWTEXT(C>O,L,'买')", 1, 4, "不支持 DRAWTEXT"),
    ("XG:SMA(C,3,5)>0", 1, 12, "SMA 的第 3 个参数应在 1 到 3 之间，这里是 5"),
    ("\n\nXG:C>O AND AND V>0", 3, 12, "此处不应出现 AND"),
    ("XG:EMA(C,5,", 1, 12, "公式不完整"),
    ("XG:C>O @ 1", 1, 8, "无法识别的字符 @"),
    ("XG:HHV(C,MA(C,5)>1)>0; Y:MA(C,C)", 1, 31, "MA 的第 2 个参数必须是常数"),
    ("XG:C>O ANDV>0", 1, 8, "此处不应出现 ANDV"),
    ("XG:CROSS(MA(C,5),MA(C,10)", 1, 26, "公式不完整；这里需要 )"),
]


@pytest.mark.parametrize("text,line,column,zh", BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_formula_gives_a_positioned_error(text, line, column, zh):
    errors = check(text)
    assert errors, text
    r = errors[0]
    assert r.code == "formula_at"
    assert (r.params["line"], r.params["column"]) == (line, column), r.text("zh")
    assert isinstance(r.params["text"], str) and r.params["length"] >= 1   # "" only at the end of the text
    assert r.text("zh").startswith(f"第{line}行第{column}列: ") and zh in r.text("zh"), r.text("zh")
    assert r.text("en").startswith(f"line {line}, column {column}: ")
    with pytest.raises(FormulaError) as info:
        compile_formula(text)
    assert info.value.reason == r and (info.value.line, info.value.column) == (line, column)


def test_check_lists_every_semantic_problem():
    errors = check("A:MAA(C,5); B:ZIG(C,5); D:MA(C,-1)")
    assert [e.params["detail"].code for e in errors] == ["formula_unknown_function", "formula_future",
                                                          "formula_param_range"]
    assert check("XG:C>O") == []


def test_limits_give_readable_errors_quickly():
    t0 = time.process_time()
    assert check("XG:" + "(" * 5000 + "C" + ")" * 5000 + ">0") == []   # parentheses make no nodes
    deep = "XG:" + "ABS(" * 3000 + "C" + ")" * 3000 + ">0"
    (r,) = check(deep)
    assert r.params["detail"].code == "formula_too_deep" and str(MAX_DEPTH) in r.text("zh")
    chain = "XG:" + "+".join(["C"] * 4000) + ">0"                      # 4,000 terms: depth, not a crash
    assert check(chain)[0].params["detail"].code == "formula_too_deep"
    (r,) = check("X:" + "1+" * (MAX_TEXT // 2) + "1")
    assert r.code == "formula_too_long"
    wide = ";".join(f"A{i}:WMA(C,{300 + i})" for i in range(40))     # window loops beyond the work cap
    assert [e.code for e in check(wide)] == ["formula_too_big"]
    assert check("X:MA(C,100000)")[0].params["detail"].code == "formula_param_range"
    assert check("")[0].code == "formula_empty" and check("{只有注释}")[0].code == "formula_empty"
    assert check("A:=C;")[0].code == "formula_no_output"
    assert time.process_time() - t0 < 30      # a generous bound: no input hangs the compiler


def test_memory_is_bounded_by_blocks(panel, monkeypatch):
    """Evaluated in column blocks, the result is the same as in one block."""
    f = compile_formula(REAL_WORLD["底背离"] + "D:DIF-DEA;")
    whole = f.evaluate(panel)
    monkeypatch.setattr(evaluate_mod, "BLOCK_CELLS", 320 * 7)        # 7 stocks at a time
    blocks = f.evaluate(panel)
    for k in whole:
        np.testing.assert_array_equal(whole[k], blocks[k])


def test_help_table_covers_every_function():
    rows = {r["name"]: r for r in help_table()}
    for name in ("MA", "EMA", "SMA", "DMA", "WMA", "REF", "HHV", "LLV", "HHVBARS", "LLVBARS", "CROSS", "LONGCROSS",
                 "COUNT", "EVERY", "EXIST", "BARSLAST", "BARSLASTCOUNT", "BARSCOUNT", "SUM", "STD", "STDP", "VAR",
                 "VARP", "AVEDEV", "SLOPE", "FORCAST", "IF", "IFF", "IFN", "ABS", "MAX", "MIN", "SQRT", "POW", "LN",
                 "LOG", "EXP", "ROUND", "INTPART", "MOD", "BETWEEN", "RANGE", "FILTER", "CONST", "EXPMA",
                 "MACD.DIF", "KDJ.K", "RSI.RSI1", "BOLL.UPPER", "C", "收盘价"):
        assert rows[name]["zh"] and rows[name]["en"] and rows[name]["signature"], name
    assert rows["SMA"]["signature"] == "SMA(X,N,M)"


def test_evaluate_one_equals_the_panel_row(panel):
    f = compile_formula(REAL_WORLD["主力线"] + "M:MACD.MACD; K:KDJ.K;")
    full = f.evaluate(panel)
    for i in (0, 17, 63):
        df = panel.row_frame(i)
        one = f.evaluate_one(df)
        for k, v in one.items():
            np.testing.assert_array_equal(v, full[k][i][np.isfinite(panel.close[i])])
    assert isinstance(df, pd.DataFrame)
