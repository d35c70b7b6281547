"""The validation's statistics (core/validation_compute.py, core/validation_stats.py) against an
independent computation: each signal's trade followed bar by bar in pandas, then pandas' own
mean / median / quantiles, the universe's equal-weighted mean by groupby, bands and presets."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from desktop_app.core.data.demo import DemoSource
from desktop_app.core.jobs import CancelToken
from desktop_app.core.scan import ScanRequest
from desktop_app.core.strategies import STRATEGIES
from desktop_app.core.symbols import board_limit, board_of
from desktop_app.core.validation_compute import compute
from desktop_app.core.validation_portfolio import Costs
from desktop_app.core.validation_signals import chunk_signals

H = (1, 5, 20)


def _trade(df: pd.DataFrame, dates: pd.DatetimeIndex, d: int, k: int, limit: float):
    """One (stock, day) followed by hand: None when it cannot be bought or is pending, else
    (return, mae, mfe, exit date)."""
    if d + 1 >= len(dates):
        return "no_next_day"
    e = dates[d + 1]
    if e not in df.index or not df.at[e, "volume"] > 0:
        return "suspended"
    before = df.index[df.index < e]
    if len(before):
        prev = df.at[before[-1], "close"]
        up = math.floor(round(prev * 100) * (1 + limit) + 0.5)
        if round(df.at[e, "open"] * 100) >= up:
            return "limit_up"
    if d + 1 + k >= len(dates):
        return None
    later = df.index[df.index >= dates[d + 1 + k]]
    if not len(later):
        return None
    x = later[0]
    w = df.loc[e:x]
    o = df.at[e, "open"]
    return df.at[x, "close"] / o - 1, w["low"].min() / o - 1, w["high"].max() / o - 1, x


@pytest.fixture(scope="module")
def case():
    src = DemoSource(n_stocks=300)
    uni = src.universe().astype({"symbol": str}).set_index("symbol", drop=False)
    panel = src.panel()
    cols = np.arange(panel.shape[1] - 25, panel.shape[1])
    req = ScanRequest(min_score=65)
    res = compute(req, panel, uni, set(uni.index), [], cols, src, list(H), 5, 3, Costs(), CancelToken(),
                  lambda *a: None)
    return src, uni, panel, cols, req, res


def test_statistics_equal_an_independent_pandas_computation(case):
    src, uni, panel, cols, req, res = case
    info = uni.loc[panel.symbols.tolist()]
    cs = chunk_signals(req, panel, info)
    frames = {i: panel.row_frame(i) for i in range(panel.shape[0])}
    limits = [board_limit(board_of(s), bool(st)) for s, st in zip(panel.symbols, info["is_st"])]
    sig = [(i, d, cs.total[i, d], int(cs.presets[i, d])) for d in cols for i in np.flatnonzero(cs.mask[:, d])]
    assert res.signals == len(sig) > 50
    # the universe: every stock with a bar on the day, bought by the same rules
    uni_rows = []
    for d in cols:
        for i in np.flatnonzero(np.isfinite(panel.close[:, d])):
            for k in H:
                t = _trade(frames[i], panel.dates, int(d), k, limits[i])
                if isinstance(t, tuple):
                    uni_rows.append((int(d), k, t[0]))
    umean = pd.DataFrame(uni_rows, columns=["d", "k", "r"]).groupby(["d", "k"])["r"].mean()
    rows, status = [], []
    for i, d, score, bits in sig:
        for k in H:
            t = _trade(frames[i], panel.dates, int(d), k, limits[i])
            if k == H[0]:
                status.append(t if isinstance(t, str) else "bought")
            if isinstance(t, tuple):
                rows.append({"k": k, "score": score, "bits": bits, "r": t[0], "mae": t[1], "mfe": t[2],
                             "xu": t[0] - umean[(int(d), k)]})
    df = pd.DataFrame(rows)
    st = pd.Series(status).value_counts()
    assert {k: v for k, v in res.entries.items() if v} == st.to_dict()
    for k in H:
        g = df[df["k"] == k]
        s = res.overall[k]
        assert s["count"] == len(g)
        for name, want in (("mean", g["r"].mean()), ("median", g["r"].median()), ("win_rate", (g["r"] > 0).mean()),
                           ("p10", g["r"].quantile(0.10)), ("p25", g["r"].quantile(0.25)),
                           ("p75", g["r"].quantile(0.75)), ("p90", g["r"].quantile(0.90)),
                           ("mae_mean", g["mae"].mean()), ("mae_worst", g["mae"].min()),
                           ("mfe_mean", g["mfe"].mean()), ("mfe_best", g["mfe"].max()),
                           ("excess_universe", g["xu"].mean())):
            assert math.isclose(s[name], want, rel_tol=1e-9, abs_tol=1e-12), (k, name)
    # bands: the score's rating bands; presets: the signals where each fired
    g5 = df[df["k"] == 5]
    for band in res.bands:
        hi = math.inf if band["hi"] is None else band["hi"]
        sub = g5[(g5["score"] >= band["lo"]) & (g5["score"] < hi)]
        assert band["stats"][5]["count"] == len(sub)
        assert math.isclose(band["stats"][5]["mean"], sub["r"].mean(), rel_tol=1e-9)
    assert [b["lo"] for b in res.bands] == [55.0, 70.0, 85.0]          # 65–70 falls in 谨慎买入 (55–70)
    for p in res.presets:
        bit = list(STRATEGIES).index(p["id"])
        sub = g5[g5["bits"].map(lambda b: (b >> bit) & 1 == 1)]
        assert p["stats"][5]["count"] == len(sub)
        if len(sub):
            assert math.isclose(p["stats"][5]["mean"], sub["r"].mean(), rel_tol=1e-9)
    per_day = pd.Series([d for _, d, _, _ in sig]).value_counts()
    assert sum(n for _, n in res.signals_per_day) == len(sig)
    assert dict((panel.dates.get_loc(pd.Timestamp(day)), n) for day, n in res.signals_per_day if n) == per_day.to_dict()


def test_the_result_is_json_safe(case):
    import json

    res = case[-1]
    d = res.to_dict()
    text = json.dumps(d, allow_nan=False)
    assert json.loads(text)["signals"] == res.signals
    assert d["portfolio"]["curve"][0][1] == 1.0 and d["index"]["code"] == "index_unavailable"
