"""Property: a formula evaluated for a stock inside a panel (with other stocks, suspensions,
late listings) equals the same formula evaluated for that stock alone — bit for bit."""
from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop_app.core.formula import compile_formula
from desktop_app.core.panel import Panel

FORMULAS = [
    "MA5:=MA(C,5); MA10:=MA(C,10); XG:CROSS(MA5,MA10) AND V>MA(V,5)*1.5;",
    "D:MACD.DIF; K:KDJ.K; R:RSI.RSI1; B:BOLL.UPPER; XG:D>0 AND K<50;",
    "H0:HHV(H,0); L0:LLV(L,0); S0:SUM(V,0); N0:COUNT(C>O,0); XG:C>=H0*0.95;",
    "E:EMA(C,12); S:SMA(C,6,2); W:WMA(C,5); DM:DMA(C,V/HHV(V,0)); XG:E>S;",
    "A1:=BARSLAST(CROSS(C,MA(C,5))); R:REF(C,A1); HB:HHV(H,A1+1); SM:SUM(C,A1+1); XG:C>R;",
    "ST:STD(C,10); SP:STDP(C,10); VA:VAR(C,10); AV:AVEDEV(C,10); SL:SLOPE(C,10); FC:FORCAST(C,10); XG:SL>0;",
    "HB:HHVBARS(H,10); LB:LLVBARS(L,0); BC:BARSCOUNT(C); BL:BARSLASTCOUNT(C>O); XG:FILTER(C>O,3);",
    "RSV:=(C-LLV(L,9))/(HHV(H,9)-LLV(L,9))*100; K:SMA(RSV,3,1); CC:CONST(C); XG:LONGCROSS(C,MA(C,10),3) OR K<20;",
    "X:IF(C>O,C/O,IFN(C<O,0,-1)); M:MOD(ROUND(C*100),7); Q:SQRT(ABS(C-O))+LN(C)+LOG(V+1); XG:BETWEEN(C,L,H);",
]


@st.composite
def market(draw):
    n = draw(st.integers(2, 6))
    t = draw(st.integers(1, 60))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    dates = pd.date_range("2024-01-01", periods=t, freq="B", name="date")
    frames = {}
    for i in range(n):
        c = np.round(10 * np.exp(np.cumsum(rng.normal(0, 0.03, t))), 2)
        if draw(st.booleans()):
            c = np.round(c * 4) / 4                          # coarse prices: ties and flat windows
        o = np.round(c * (1 + rng.normal(0, 0.01, t)), 2)
        h = np.maximum(c, o) + np.round(rng.uniform(0, 0.2, t), 2)
        low = np.minimum(c, o) - np.round(rng.uniform(0, 0.2, t), 2)
        v = np.round(rng.uniform(1e4, 1e6, t))
        df = pd.DataFrame({"open": o, "high": h, "low": low, "close": c, "volume": v, "amount": v * c}, index=dates)
        start = draw(st.integers(0, t - 1))                  # listed late
        keep = np.zeros(t, dtype=bool)
        keep[start:] = True
        suspended = rng.uniform(size=t) < draw(st.sampled_from([0.0, 0.1, 0.4]))
        frames[f"{600000 + i:06d}"] = df[keep & ~suspended]
    frames = {k: v for k, v in frames.items() if len(v)}
    return frames


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frames=market(), which=st.integers(0, len(FORMULAS) - 1))
def test_a_stock_in_a_panel_equals_the_stock_alone(frames, which):
    f = compile_formula(FORMULAS[which])
    if not frames:
        return
    panel = Panel.from_frames(frames)
    full = f.evaluate(panel)
    last = f.last_values(panel)
    for i, (sym, df) in enumerate(frames.items()):
        alone = f.evaluate_one(df)
        traded = panel.dates.isin(df.index)
        for key, values in alone.items():
            np.testing.assert_array_equal(full[key][i][traded], values, err_msg=f"{sym} {key}")
            assert np.all(np.isnan(full[key][i][~traded]))
            np.testing.assert_array_equal(last[key][i], values[-1])
