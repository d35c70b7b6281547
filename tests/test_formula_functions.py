"""Every formula function against its 通达信 definition: hand-computed series (warm-up, N=0,
suspensions) and pandas references (rolling/ewm) on random series. No expected value here is
produced by the code under test."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from desktop_app.core import indicators as ind
from desktop_app.core.formula import compile_formula
from desktop_app.core.panel import Panel

N = float("nan")


def bars(close, open_=None, high=None, low=None, volume=None, amount=None) -> pd.DataFrame:
    c = np.asarray(close, dtype=float)
    df = pd.DataFrame({"close": c, "open": c if open_ is None else open_, "high": c if high is None else high,
                       "low": c if low is None else low, "volume": np.full(len(c), 1000.0) if volume is None else volume,
                       "amount": np.full(len(c), 1e6) if amount is None else amount},
                      index=pd.date_range("2024-01-01", periods=len(c), name="date"))
    return df


def out(formula: str, df: pd.DataFrame, key: str = "X") -> np.ndarray:
    return compile_formula(formula).evaluate_one(df)[key]


def same(got, want) -> None:
    np.testing.assert_allclose(np.asarray(got, dtype=float), np.asarray(want, dtype=float), rtol=1e-12,
                               atol=1e-12, equal_nan=True)


# ---------------------------------------------------------------- hand-computed series
CASES = [
    ("X:MA(C,3)", [1, 2, 3, 4, 5], [N, N, 2, 3, 4]),
    ("X:MA(MA(C,2),2)", [1, 2, 3, 4], [N, N, 2, 3]),                    # warm-up adds up
    ("X:EMA(C,3)", [2, 4, 6], [2, 3, 4.5]),                              # seeded with the first value
    ("X:EXPMA(C,3)", [2, 4, 6], [2, 3, 4.5]),
    ("X:SMA(C,3,1)", [3, 6, 9], [3, 4, 17 / 3]),
    ("X:DMA(C,0.5)", [2, 4, 6], [2, 3, 4.5]),
    ("X:WMA(C,3)", [1, 2, 3, 4], [N, N, 14 / 6, 20 / 6]),
    ("X:REF(C,1)", [1, 2, 3], [N, 1, 2]),
    ("X:REF(C,0)", [1, 2, 3], [1, 2, 3]),
    ("X:REF(C,BARSLAST(C>2))", [1, 3, 2, 2, 5], [N, 3, 3, 3, 5]),       # dynamic N
    ("X:HHV(C,3)", [1, 3, 2, 5, 4], [N, N, 3, 5, 5]),
    ("X:HHV(C,0)", [1, 3, 2, 5, 4], [1, 3, 3, 5, 5]),                    # N=0: since the first bar
    ("X:LLV(C,2)", [4, 3, 5, 1], [N, 3, 3, 1]),
    ("X:LLV(C,0)", [4, 3, 5, 1], [4, 3, 3, 1]),
    ("X:HHV(C,BARSLAST(C<REF(C,1))+1)", [5, 3, 4, 6, 2], [N, 3, 4, 6, 2]),
    ("X:HHVBARS(C,3)", [1, 3, 2, 5, 4], [N, N, 1, 0, 1]),
    ("X:HHVBARS(C,3)", [2, 2, 2], [N, N, 0]),                            # a tie: the newest bar
    ("X:HHVBARS(C,0)", [1, 3, 2, 5, 4], [0, 0, 1, 0, 1]),
    ("X:LLVBARS(C,0)", [3, 1, 2, 0.5], [0, 0, 1, 0]),
    ("X:LLVBARS(C,2)", [3, 1, 2, 0.5], [N, 0, 1, 0]),
    ("X:CROSS(C,2)", [1, 3, 2, 3], [N, 1, 0, 1]),
    ("X:CROSS(C,2)", [2, 3, 3], [N, 1, 0]),                              # from equal counts as a cross
    ("X:LONGCROSS(C,2,2)", [1, 1, 3, 1, 3], [N, N, 1, 0, 0]),
    ("X:COUNT(C>2,3)", [1, 3, 4, 1, 5], [N, N, 2, 2, 2]),
    ("X:COUNT(C>2,0)", [1, 3, 4, 1, 5], [0, 1, 2, 2, 3]),
    ("X:EVERY(C>2,2)", [3, 3, 1, 4], [N, 1, 0, 0]),
    ("X:EXIST(C>2,2)", [3, 1, 1, 4], [N, 1, 0, 1]),
    ("X:BARSLAST(C>2)", [3, 1, 1, 4, 1], [0, 1, 2, 0, 1]),
    ("X:BARSLAST(C>2)", [1, 3], [N, 0]),                                 # never yet: undefined
    ("X:BARSLASTCOUNT(C>2)", [3, 4, 1, 5, 6, 7], [1, 2, 0, 1, 2, 3]),
    ("X:BARSCOUNT(C)", [5, 6, 7, 8], [1, 2, 3, 4]),
    ("X:BARSCOUNT(MA(C,3))", [5, 6, 7, 8], [N, N, 1, 2]),
    ("X:SUM(C,2)", [1, 2, 3], [N, 3, 5]),
    ("X:SUM(C,0)", [1, 2, 3], [1, 3, 6]),
    ("X:SUM(C,BARSLASTCOUNT(C>1))", [1, 2, 3, 1], [1, 2, 5, 7]),         # a dynamic 0: since the first bar
    ("X:AVEDEV(C,3)", [1, 2, 6], [N, N, 2]),
    ("X:SLOPE(C,3)", [1, 2, 4], [N, N, 1.5]),
    ("X:FORCAST(C,3)", [1, 2, 4], [N, N, 7 / 3 - 1.5 + 3.0]),
    ("X:IF(C>2,1,-1)", [1, 3], [-1, 1]),
    ("X:IFF(C>2,C,0)", [1, 3], [0, 3]),
    ("X:IFN(C>2,1,-1)", [1, 3], [1, -1]),
    ("X:ABS(C-3)", [1, 5], [2, 2]),
    ("X:MAX(C,3)", [1, 5], [3, 5]),
    ("X:MIN(C,3)", [1, 5], [1, 3]),
    ("X:SQRT(C)", [4, -1], [2, N]),
    ("X:POW(C,3)", [2, -1], [8, -1]),
    ("X:LN(C)", [math.e, 0], [1, N]),
    ("X:LOG(C)", [100, 1000], [2, 3]),
    ("X:EXP(C)", [0, 1], [1, math.e]),
    ("X:ROUND(C)", [2.5, -2.5, 2.4], [3, -3, 2]),
    ("X:INTPART(C)", [2.7, -2.7], [2, -2]),
    ("X:MOD(C,3)", [7, -7], [1, -1]),
    ("X:MOD(C,0)", [7], [N]),
    ("X:NOT(C>2)", [1, 3], [1, 0]),
    ("X:BETWEEN(C,1,3)", [0, 1, 2, 3, 4], [0, 1, 1, 1, 0]),
    ("X:BETWEEN(C,3,1)", [0, 1, 2, 3, 4], [0, 1, 1, 1, 0]),
    ("X:RANGE(C,1,3)", [1, 2, 3], [0, 1, 0]),
    ("X:FILTER(C>0,2)", [1, 1, 1, 1, 1, 1, 1], [1, 0, 0, 1, 0, 0, 1]),
    ("X:CONST(C)", [1, 2, 3], [3, 3, 3]),
    ("X:C/(C-2)", [1, 2, 4], [-1, N, 2]),                                # X/0 is undefined
    ("X:C>=2 AND C<=3", [1, 2, 3, 4], [0, 1, 1, 0]),
    ("X:C<2 OR C>3", [1, 2, 3, 4], [1, 0, 0, 1]),
    ("X:C<2 || C>3", [1, 2, 3, 4], [1, 0, 0, 1]),
    ("X:C>1 && C<>3", [1, 2, 3, 4], [0, 1, 0, 1]),
    ("X:C=2", [1, 2], [0, 1]),
    ("X:C!=2", [1, 2], [1, 0]),
    ("X:-C+2*3-C/2", [2], [3]),
    ("X:C>MA(C,2)", [1, 2, 3], [N, 1, 1]),                               # warm-up: undefined
]


@pytest.mark.parametrize("formula,close,want", CASES, ids=[f"{c[0]}|{c[1]}" for c in CASES])
def test_function_on_hand_computed_series(formula, close, want):
    same(out(formula, bars(close)), want)


def test_data_names_and_chinese_aliases():
    df = bars([10, 11], open_=[9, 10.5], high=[10.5, 11.5], low=[8.5, 10], volume=[12300, 45600],
              amount=[1.2e5, 5e5])
    f = compile_formula("A:O+H+L+C; B:OPEN+HIGH+LOW+CLOSE; Z:开盘价+最高价+最低价+收盘价; V1:V; V2:VOL; V3:成交量;"
                        "M1:AMOUNT; M2:AMO; M3:成交额")
    r = f.evaluate_one(df)
    same(r["A"], [38, 43])
    same(r["B"], r["A"])
    same(r["Z"], r["A"])
    for k in ("V1", "V2", "V3"):
        same(r[k], [123, 456])                       # 通达信's VOL is in 手 (100 shares)
    for k in ("M1", "M2", "M3"):
        same(r[k], [1.2e5, 5e5])


def test_names_are_case_insensitive():
    df = bars([1, 2, 3, 4])
    r = compile_formula("ma3:=ma(c,3); Out:Ma3+Close*0; xg:out>2").evaluate_one(df)
    same(r["OUT"], [N, N, 2, 3])
    same(r["XG"], [N, N, 0, 1])


def test_suspended_days_are_skipped():
    """A NaN close (suspended) is not a bar: windows run over traded days, the day itself is NaN."""
    df = bars([1, 2, N, 3, 4])
    same(out("X:MA(C,3)", df), [N, N, N, 2, 3])
    same(out("X:REF(C,1)", df), [N, 1, N, 2, 3])
    same(out("X:BARSCOUNT(C)", df), [1, 2, N, 3, 4])
    p = Panel.from_frames({"000001": df, "000002": bars([5, 6, 7, 8, 9])})
    full = compile_formula("X:MA(C,3)").evaluate(p)["X"]
    same(full[0], [N, N, N, 2, 3])
    same(full[1], [N, N, 6, 7, 8])


# ---------------------------------------------------------------- pandas references
@pytest.fixture(scope="module")
def walk() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    c = np.round(10 + np.cumsum(rng.normal(0, 0.2, 300)), 2)
    h = c + np.round(rng.uniform(0, 0.3, 300), 2)
    low = c - np.round(rng.uniform(0, 0.3, 300), 2)
    return bars(c, open_=np.roll(c, 1), high=h, low=low, volume=np.round(rng.uniform(1e5, 1e6, 300)))


def _wma(s: pd.Series, n: int) -> pd.Series:
    w = np.arange(1, n + 1, dtype=float)
    return s.rolling(n).apply(lambda x: float(np.dot(x, w) / w.sum()), raw=True)


def _slope(s: pd.Series, n: int) -> pd.Series:
    return s.rolling(n).apply(lambda y: np.polyfit(np.arange(n), y, 1)[0], raw=True)


def _forecast(s: pd.Series, n: int) -> pd.Series:
    return s.rolling(n).apply(lambda y: np.polyval(np.polyfit(np.arange(n), y, 1), n - 1), raw=True)


REFERENCES = {
    "MA(C,10)": lambda c: c.rolling(10).mean(),
    "EMA(C,12)": lambda c: c.ewm(span=12, adjust=False).mean(),
    "SMA(C,6,2)": lambda c: c.ewm(alpha=2 / 6, adjust=False).mean(),
    "WMA(C,7)": lambda c: _wma(c, 7),
    "HHV(C,9)": lambda c: c.rolling(9).max(),
    "LLV(C,9)": lambda c: c.rolling(9).min(),
    "HHV(C,0)": lambda c: c.cummax(),
    "SUM(C,5)": lambda c: c.rolling(5).sum(),
    "SUM(C,0)": lambda c: c.cumsum(),
    "STD(C,20)": lambda c: c.rolling(20).std(ddof=1),
    "STDP(C,20)": lambda c: c.rolling(20).std(ddof=0),
    "VAR(C,20)": lambda c: c.rolling(20).var(ddof=1),
    "VARP(C,20)": lambda c: c.rolling(20).var(ddof=0),
    "AVEDEV(C,14)": lambda c: c.rolling(14).apply(lambda x: np.mean(np.abs(x - x.mean())), raw=True),
    "SLOPE(C,10)": lambda c: _slope(c, 10),
    "FORCAST(C,10)": lambda c: _forecast(c, 10),
    "COUNT(C>REF(C,1),5)": lambda c: (c > c.shift(1)).astype(float).where(c.shift(1).notna()).rolling(5).sum(),
    "HHVBARS(C,10)": lambda c: c.rolling(10).apply(lambda x: float(np.argmax(x[::-1])), raw=True),
    "LLVBARS(C,10)": lambda c: c.rolling(10).apply(lambda x: float(np.argmin(x[::-1])), raw=True),
}


@pytest.mark.parametrize("expr", list(REFERENCES))
def test_function_matches_pandas_reference(walk, expr):
    got = out(f"X:{expr}", walk)
    want = REFERENCES[expr](walk["close"]).to_numpy(dtype=float)
    np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-9, equal_nan=True)


def test_builtin_indicators_use_tdx_defaults(walk):
    f = compile_formula("A:MACD.DIF; B:MACD.DEA; M:MACD.MACD; K:KDJ.K; D:KDJ.D; J:KDJ.J; R1:RSI.RSI1; R2:RSI.RSI2;"
                        "R3:RSI.RSI3; BM:BOLL.BOLL; BU:BOLL.UPPER; BL:BOLL.LOWER; UB:\"BOLL.UB\"")
    r = f.evaluate_one(walk)
    c = walk["close"]
    dif = c.ewm(span=12, adjust=False).mean() - c.ewm(span=26, adjust=False).mean()   # pandas reference
    dea = dif.ewm(span=9, adjust=False).mean()
    same_ = lambda a, b: np.testing.assert_allclose(a, np.asarray(b, dtype=float), rtol=1e-9, atol=1e-9,  # noqa: E731
                                                    equal_nan=True)
    same_(r["A"], dif)
    same_(r["B"], dea)
    same_(r["M"], 2 * (dif - dea))
    d = c.diff()
    for key, n in (("R1", 6), ("R2", 12), ("R3", 24)):
        up = d.clip(lower=0).ewm(alpha=1 / n, adjust=False).mean()
        down = d.abs().ewm(alpha=1 / n, adjust=False).mean()
        same_(r[key][n:], (up / down * 100)[n:])
    mid = c.rolling(20).mean()
    sd = c.rolling(20).std(ddof=1)
    same_(r["BM"], mid)
    same_(r["BU"], mid + 2 * sd)
    same_(r["BL"], mid - 2 * sd)
    same_(r["UB"], r["BU"])
    k, dd, j = ind.kdj(walk["high"].to_numpy(), walk["low"].to_numpy(), c.to_numpy(), 9, 3, 3)
    same_(r["K"], k)
    same_(r["D"], dd)
    same_(r["J"], j)
    # KDJ by its 通达信 definition, seeded at 50, in plain Python
    hh, ll = walk["high"].rolling(9).max(), walk["low"].rolling(9).min()
    rsv = ((c - ll) / (hh - ll) * 100).to_numpy()
    kk, prev = [], 50.0
    for v in rsv[8:]:
        prev = (v + 2 * prev) / 3
        kk.append(prev)
    same_(r["K"][8:], kk)


def test_recursion_skips_an_undefined_bar():
    """0/0 on one bar (a flat window) does not end an EMA: the bar is NaN, the recursion goes on."""
    x = out("X:EMA(IF(C=3,0/0,C),3)", bars([2, 3, 4]))   # IF(...,0/0,...) makes bar 1 undefined
    same(x, [2, N, 3])
