"""formula_full_market and formula_compile_ms: the 通达信 formula engine (desktop_app/core/formula).

formula_full_market — a 10-function formula (MA EMA SMA CROSS HHV LLV COUNT STD REF SUM) evaluated
over the demo market, 5,000 stocks × 320 days (quick: 500 × 320), selection on the last bar:
``compile_formula(F).select(panel)`` on a fresh Panel object (packing included), one warm-up
round, then best of 5. Baseline: the same formula stock by stock with pandas rolling/ewm on each
stock's own Series (prepared before the clock starts), the way a Python user writes it with a
per-series library; timed on every stock (quick: all 500), best of 1. The two selections are
compared (they must agree except on exact float ties, which the engine decides with
``core/price_compare``'s tolerance).

formula_compile_ms — compiling a 30-line formula (comments, variables, built-in indicators,
drawing attributes), the parser already built (median of 50); the first compile in a process
also builds lark's LALR tables (reported in the printout, not in the metric).
"""
from __future__ import annotations

import statistics
import time

import numpy as np
import pandas as pd
from common import metric as _metric  # noqa: E402

METRICS = ["formula_full_market", "formula_compile_ms"]

FORMULA = """
MA5:=MA(C,5); MA10:=MA(C,10);
DIF:=EMA(C,12)-EMA(C,26); DEA:=EMA(DIF,9);
XG:CROSS(MA5,MA10) OR (DIF>DEA AND C>=HHV(C,20)*0.9 AND COUNT(C>O,5)>=3 AND STD(C,20)/MA(C,20)<0.1
   AND LLV(L,10)<REF(C,1) AND SUM(V,5)>0 AND SMA(C,6,1)<C);
"""


def pandas_select(df: pd.DataFrame) -> bool:
    c, o, low, v = df["close"], df["open"], df["low"], df["volume"] / 100
    ma5, ma10 = c.rolling(5).mean(), c.rolling(10).mean()
    dif = c.ewm(span=12, adjust=False).mean() - c.ewm(span=26, adjust=False).mean()
    dea = dif.ewm(span=9, adjust=False).mean()
    cross = (ma5 > ma10) & (ma5.shift(1) <= ma10.shift(1))
    rest = ((dif > dea) & (c >= c.rolling(20).max() * 0.9) & ((c > o).astype(float).rolling(5).sum() >= 3)
            & (c.rolling(20).std() / c.rolling(20).mean() < 0.1) & (low.rolling(10).min() < c.shift(1))
            & (v.rolling(5).sum() > 0) & (c.ewm(alpha=1 / 6, adjust=False).mean() < c))
    return bool((cross | rest).iloc[-1]) if len(c) else False


THIRTY_LINES = "\n".join([
    "{30 行的条件选股公式：变量、内置指标、画线属性}",
    "MA5:MA(C,5),COLORRED;", "MA10:MA(C,10),COLORYELLOW;", "MA20:MA(C,20),COLORGREEN,LINETHICK2;",
    "MA60:MA(C,60),COLORBLUE;", "DIF1:=EMA(C,12)-EMA(C,26);", "DEA1:=EMA(DIF1,9);",
    "BAR:=2*(DIF1-DEA1);", "RSV:=(C-LLV(L,9))/(HHV(H,9)-LLV(L,9))*100;", "K1:=SMA(RSV,3,1);",
    "D1:=SMA(K1,3,1);", "J1:=3*K1-2*D1;", "LC:=REF(C,1);",
    "RSI6:=SMA(MAX(C-LC,0),6,1)/SMA(ABS(C-LC),6,1)*100;", "VR:=V/MA(V,5);", "ZT:=C>=REF(C,1)*1.098;",
    "HH:=HHV(H,20); LL:=LLV(L,20);", "POS:(C-LL)/(HH-LL)*100,NODRAW;", "BOLLU:=BOLL.UPPER;",
    "BOLLL:=BOLL.LOWER; // 布林下轨", "TREND:=MA5>MA10 AND MA10>MA20;", "GOLD:=CROSS(DIF1,DEA1);",
    "KGOLD:=CROSS(K1,D1) AND K1<30;", "VOLUP:=VR>1.5 AND C>O;", "BREAK:=C>REF(HH,1);",
    "BACK:=COUNT(ZT,10)>=1 AND L<=MA10*1.01;", "SLP:SLOPE(C,10),COLORSTICK;",
    "DEV:=AVEDEV(C,14); BARS:=BARSLAST(GOLD);", "SIG:=FILTER(BREAK AND VOLUP,5);",
    "XG:(TREND AND GOLD) OR KGOLD OR (SIG AND BARS<5) OR (BACK AND RSI6<30 AND C<BOLLL+DEV);",
])


def run(quick: bool = False) -> dict:
    from desktop_app.core.data.demo import DemoSource
    from desktop_app.core.formula import compile_formula
    from desktop_app.core.panel import Panel

    n = 500 if quick else 5000
    base = DemoSource(n_stocks=n).panel().tail(320)
    t0 = time.perf_counter()
    compile_formula("XG:C>O")                                  # builds lark's tables once
    first_compile = time.perf_counter() - t0
    f = compile_formula(FORMULA)

    def fresh() -> Panel:
        return Panel(base.symbols, base.dates, {k: v.copy() for k, v in base.fields.items()})

    times = []
    for _ in range(6):
        p = fresh()
        t0 = time.perf_counter()
        ours = f.select(p)
        times.append(time.perf_counter() - t0)
    value = min(times[1:])

    frames = [base.row_frame(i) for i in range(base.shape[0])]
    t0 = time.perf_counter()
    theirs = np.array([pandas_select(df) for df in frames])
    baseline = time.perf_counter() - t0
    disagree = int((ours != theirs).sum())
    print(f"   formula: {value * 1000:.0f} ms on {base.shape[0]}×{base.shape[1]}, pandas {baseline:.2f} s, "
          f"{int(ours.sum())} selected, {disagree} disagree (exact ties)")
    if disagree > max(3, n // 500):
        raise AssertionError(f"formula and pandas disagree on {disagree} stocks")

    t0 = time.perf_counter()
    compile_formula(THIRTY_LINES)
    cold30 = time.perf_counter() - t0
    runs = []
    for _ in range(50):
        t0 = time.perf_counter()
        compile_formula(THIRTY_LINES)
        runs.append(time.perf_counter() - t0)
    compile_ms = statistics.median(runs) * 1000
    print(f"   compile: 30 lines {compile_ms:.1f} ms (first in process {cold30 * 1000:.1f} ms; "
          f"parser tables {first_compile * 1000:.0f} ms once)")
    return {"formula_full_market": _metric(value, "s", baseline),
            "formula_compile_ms": _metric(compile_ms, "ms")}


if __name__ == "__main__":
    import sys
    print(run(quick="--quick" in sys.argv))
