"""The score: rule boundaries, trace totals, panel == single stock, invalid rows, labels."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from desktop_app.core import scoring
from desktop_app.core.panel import Panel
from desktop_app.core.score_rules import DIMENSIONS, RULES
from desktop_app.core.scoring import LABELS, MIN_BARS, apply_rules, label_for, score_frame, score_panel


def bars_from_close(close, volume=None, end="2025-12-31", spread=0.01):
    close = np.asarray(close, float)
    idx = pd.bdate_range(end=end, periods=len(close), name="date")
    vol = np.full(len(close), 1e6) if volume is None else np.asarray(volume, float)
    return pd.DataFrame({"open": close, "high": close * (1 + spread), "low": close * (1 - spread),
                         "close": close, "volume": vol, "amount": vol * close, "turnover": 1.0}, index=idx)


def walk(n, seed, drift=0.0):
    r = np.random.default_rng(seed)
    c = 10 * np.exp(np.cumsum(r.normal(drift, 0.02, n)))
    df = bars_from_close(c, r.uniform(5e5, 2e6, n))
    df["open"] = c * (1 + r.normal(0, 0.005, n))
    df["high"] = np.maximum(df["open"], c) * (1 + r.uniform(0, 0.02, n))
    df["low"] = np.minimum(df["open"], c) * (1 - r.uniform(0, 0.02, n))
    return df


# ---------------------------------------------------------------- rule boundaries (the table)
NEUTRAL = {  # a state that hits no tier boundary: checked piece by piece below
    "close": 10.0, "ma5": 10.0, "ma10": 10.0, "ma20": 10.0, "ma60": 10.0, "atr_pct": 3.0, "rsi": 50.0,
    "dif": 0.0, "dea": 0.0, "boll_pos": 0.25, "vol_ratio": 1.0, "up": 0.0, "down": 0.0, "roc10": -5.0,
}


def dim_points(dim, **changes):
    vals = {k: np.array([v]) for k, v in {**NEUTRAL, **changes}.items()}
    total, dims, points, _applied = apply_rules(vals, np.array([True]))
    assert total[0] == sum(d[0] for d in dims.values())
    return dims[dim][0]


@pytest.mark.parametrize("atr, pts", [(0.999, 5), (1.0, 15), (2.5, 15), (2.5001, 10), (4.0, 10), (4.0001, 0),
                                      (np.nan, 0)])
def test_volatility_boundaries(atr, pts):
    assert dim_points("volatility", atr_pct=atr) == pts


@pytest.mark.parametrize("rsi, pts", [(29.99, 8), (30.0, 10), (39.99, 10), (40.0, 7), (60.0, 7), (60.01, 10),
                                      (70.0, 10), (70.01, 2)])
def test_rsi_boundaries(rsi, pts):
    assert dim_points("technical", rsi=rsi) == pts  # boll 0.25 gives 0, dif == dea gives 0


@pytest.mark.parametrize("pos, pts", [(0.19, 5), (0.2, 0), (0.29, 0), (0.3, 3), (0.7, 3), (0.71, 0), (0.8, 0),
                                      (0.81, 1)])
def test_boll_boundaries(pos, pts):
    assert dim_points("technical", boll_pos=pos) == 7 + pts


@pytest.mark.parametrize("dif, dea, pts", [(0.1, 0.0999, 10), (0.1, 0.1, 0), (-0.2, -0.1, 0)])
def test_macd_rule(dif, dea, pts):
    assert dim_points("technical", dif=dif, dea=dea) == 7 + pts


@pytest.mark.parametrize("roc, pts", [(-2.01, 0), (-2.0, 3), (-0.01, 3), (0.0, 5), (1.99, 5), (2.0, 8), (5.0, 8),
                                      (5.01, 10)])
def test_momentum_boundaries(roc, pts):
    assert dim_points("momentum", roc10=roc) == pts


@pytest.mark.parametrize("ratio, up, down, pts", [
    (1.51, 1, 0, 20), (1.5, 1, 0, 15), (1.21, 1, 0, 15), (1.2, 1, 0, 8), (0.79, 0, 1, 10), (0.8, 0, 1, 8),
    (1.21, 0, 1, 0), (1.2, 0, 1, 8), (0.5, 0, 0, 8), (2.0, 0, 0, 8), (np.nan, 1, 0, 8)])
def test_volume_boundaries(ratio, up, down, pts):
    assert dim_points("volume", vol_ratio=ratio, up=up, down=down) == pts


@pytest.mark.parametrize("ma5, ma20, ma60, close, pts", [
    (12, 11, 10, 13, 30), (12, 11, 11, 13, 25), (11, 11, 10, 13, 20), (10, 11, 10.99, 13, 20),
    (10, 11, 12, 13, 15), (10, 10, 10, 10, 0), (12, 11, 10, 11.5, 25), (12, 11, 10, 11, 20)])
def test_trend_rules(ma5, ma20, ma60, close, pts):
    assert dim_points("trend", ma5=ma5, ma20=ma20, ma60=ma60, close=close) == pts


def test_invalid_rows_are_nan_not_zero():
    vals = {k: np.array([v, v]) for k, v in NEUTRAL.items()}
    total, dims, points, _ = apply_rules(vals, np.array([True, False]))
    assert np.isfinite(total[0]) and np.isnan(total[1])
    assert all(np.isnan(d[1]) for d in dims.values())
    assert all(np.isnan(p[1]) for p in points.values())


def test_table_maxima_add_to_100():
    assert sum(v[0] for v in DIMENSIONS.values()) == 100
    for dim, (cap, _zh, _en) in DIMENSIONS.items():
        best = 0.0
        groups: dict = {}
        for r in RULES:
            if r.dimension != dim:
                continue
            if r.group is None:
                best += r.points
            else:
                groups[r.group] = max(groups.get(r.group, 0), r.points)
        assert best + sum(groups.values()) >= cap  # each dimension can reach its maximum


# ---------------------------------------------------------------- end to end
def test_flat_series_scores_by_hand():
    res = score_frame(bars_from_close(np.full(80, 10.0), spread=0.0))
    assert res.valid[0]
    # trend 0 (MAs equal, close not above), ATR 0 -> quiet 5, RSI 50 -> 7, DIF == DEA -> 0,
    # BOLL width 0 -> position 0.5 -> 3, volume ratio 1 and no move -> 8, ROC 0 -> 5
    assert {d: v[0] for d, v in res.dims.items()} == {"trend": 0, "volatility": 5, "technical": 10,
                                                       "volume": 8, "momentum": 5}
    assert res.total[0] == 28
    assert res.label(0).zh == "建议减仓"
    assert res.ma_trend(0) == "mixed" and res.macd_state(0) == "below"


def test_rising_series_full_trend_and_values():
    c = 10 * 1.01 ** np.arange(120)
    res = score_frame(bars_from_close(c))
    v = {k: a[0] for k, a in res.values.items()}
    assert v["ma5"] == pytest.approx(c[-5:].mean()) and v["ma60"] == pytest.approx(c[-60:].mean())
    assert v["roc10"] == pytest.approx((1.01 ** 10 - 1) * 100)
    assert v["chg_pct"] == pytest.approx(1.0)
    assert v["rsi"] == pytest.approx(100.0)
    assert res.dims["trend"][0] == 30 and res.dims["momentum"][0] == 10
    assert res.ma_trend(0) == "bull" and res.macd_state(0) == "above"


def test_volume_ratio_definition():
    vol = np.r_[np.full(75, 1e6), np.full(5, 2e6)]
    c = 10 * 1.001 ** np.arange(80)
    res = score_frame(bars_from_close(c, vol))
    # MA(V,5) / REF(MA(V,20),5) = 2e6 / 1e6
    assert res.values["vol_ratio"][0] == pytest.approx(2.0)
    assert res.rule_points["volume.surge_up"][0] == 20


def test_trace_sums_to_total_and_lists_every_rule():
    p = Panel.from_frames({f"{i:06d}": walk(150, i, 0.002 * (i - 3)) for i in range(8)})
    res = score_panel(p)
    assert res.valid.all()
    for i in range(len(res)):
        tr = res.trace(i)
        assert sum(t.points_given for t in tr) == pytest.approx(res.total[i], abs=1e-12)
        assert {t.rule_id for t in tr} >= {r.id for r in RULES}
        for dim in DIMENSIONS:
            assert sum(t.points_given for t in tr if t.dimension == dim) == res.dims[dim][i]
        met = [t for t in tr if t.met]
        assert all(t.points_given == t.points_possible for t in met if not t.rule_id.endswith(".cap"))
    assert 0 <= np.nanmin(res.total) and np.nanmax(res.total) <= 100


def test_cap_line_when_a_dimension_overflows(monkeypatch):
    from desktop_app.core import score_rules
    extra = score_rules.Rule("trend.bonus", "trend", 10, (("close", ">", 0.0),), "加分", "bonus")
    monkeypatch.setattr(scoring, "RULES", RULES + (extra,))
    res = score_frame(bars_from_close(10 * 1.01 ** np.arange(100)))
    res.rules = scoring.RULES
    assert res.dims["trend"][0] == 30
    tr = res.trace(0)
    cap = [t for t in tr if t.rule_id == "trend.cap"]
    assert cap and cap[0].points_given == -10
    assert sum(t.points_given for t in tr) == pytest.approx(res.total[0])


def test_panel_row_equals_single_stock_with_gaps():
    frames = {f"{i:06d}": walk(200, 10 + i) for i in range(4)}
    frames["000001"] = frames["000001"].drop(frames["000001"].index[[3, 50, 51, 52, 150]])  # suspensions
    frames["000002"] = frames["000002"].iloc[90:]  # listed later
    res = score_panel(Panel.from_frames(frames))
    for i, (sym, df) in enumerate(frames.items()):
        one = score_frame(df, sym)
        assert one.total[0] == res.total[i]
        for k in res.values:
            np.testing.assert_array_equal(one.values[k], res.values[k][i:i + 1])
        assert one.trace(0) == res.trace(i)


def test_invalid_reasons():
    frames = {"000001": walk(100, 1), "000002": walk(30, 2), "000003": walk(100, 3).iloc[:-1],
              "000004": walk(100, 4)}
    frames["000004"] = frames["000004"].iloc[:MIN_BARS]  # exactly MIN_BARS, ends early
    res = score_panel(Panel.from_frames(frames))
    last = res.date.date().isoformat()
    assert res.valid.tolist() == [True, False, False, False]
    assert res.invalid_reason[0] is None
    assert str(res.invalid_reason[1]) == f"history too short: 30 bars < {MIN_BARS}"
    assert str(res.invalid_reason[2]) == f"no bar on {last} (suspended)"
    assert np.isnan(res.total[1:]).all() and res.trace(1) == []
    assert res.label(1).en == "Not scored"
    # scoring an earlier column uses history up to that column only
    res_at = score_panel(Panel.from_frames(frames), at=MIN_BARS - 1)
    assert res_at.valid[3] and res_at.valid[0] and not res_at.valid[1]
    assert res_at.total[3] == score_frame(frames["000004"]).total[0]
    short = score_panel(Panel.from_frames(frames), at=MIN_BARS - 2)
    assert str(short.invalid_reason[0]) == f"history too short: {MIN_BARS - 1} bars < {MIN_BARS}"


def test_not_listed_yet_reason():
    frames = {"000001": walk(100, 1), "000002": walk(20, 2)}
    res = score_panel(Panel.from_frames(frames), at=10)
    assert "not listed yet" in str(res.invalid_reason[1])


@pytest.mark.parametrize("score, zh", [(100, "强烈建议买入"), (85, "强烈建议买入"), (84.999, "建议买入"), (70, "建议买入"),
                                       (69.99, "谨慎买入"), (55, "谨慎买入"), (54.999, "持观望态度"), (45, "持观望态度"),
                                       (44.9, "谨慎持有"), (30, "谨慎持有"), (29.999, "建议减仓"), (15, "建议减仓"),
                                       (14.99, "建议卖出"), (0, "建议卖出")])
def test_labels(score, zh):
    assert label_for(score).zh == zh
    assert len(LABELS) == 7 and all(lab.en for lab in LABELS)


def test_label_nan_is_not_scored():
    assert label_for(float("nan")) is scoring.NOT_SCORED


def test_macd_state_crosses():
    res = score_frame(bars_from_close(np.r_[np.full(70, 10.0), 10.5]))
    assert res.macd_state(0) == "golden_cross"
    res = score_frame(bars_from_close(np.r_[10 * 1.01 ** np.arange(70), 7.0]))
    assert res.macd_state(0) in ("dead_cross", "above")
    v = res.values
    assert (v["dif"][0] > v["dea"][0]) == (res.macd_state(0) == "above")


def test_score_values_equal_indicator_functions_exactly():
    """The score reads windowed values from short windows: they must be bit-identical to the
    full-series indicator functions."""
    from desktop_app.core import indicators as ind
    df = walk(300, 42)
    res = score_frame(df)
    c, h, l, v = (df[k].to_numpy() for k in ("close", "high", "low", "volume"))
    v_ = {k: a[0] for k, a in res.values.items()}
    for n in (5, 10, 20, 60):
        assert v_[f"ma{n}"] == ind.sma(c, n)[-1]
    mid, up, lo = ind.boll(c)
    assert (v_["boll_mid"], v_["boll_upper"], v_["boll_lower"]) == (mid[-1], up[-1], lo[-1])
    assert v_["atr"] == ind.atr(h, l, c)[-1]
    assert v_["rsi"] == ind.rsi(c)[-1]
    dif, dea, m = ind.macd(c)
    assert (v_["dif"], v_["dea"], v_["macd"]) == (dif[-1], dea[-1], m[-1])
    k, d, j = ind.kdj(h, l, c)
    assert (v_["k"], v_["d"], v_["j"]) == (k[-1], d[-1], j[-1])
    assert v_["vol_ratio"] == ind.sma(v, 5)[-1] / ind.sma(v, 20)[-6]


def test_volume_ratio_is_a_ratio_of_means_not_the_seeds_mean_of_ratios():
    """docs/INDICATORS.md, "Volume ratio": five days at 1.6 × the earlier volume. Ours:
    MA(V,5) / REF(MA(V,20),5) = 1.6 -> "more than 1.5" -> 20 points. The seed's avgVR (mean over 5
    days of V / MA20, MA20 including the day) would be ≈ 1.47 -> 15 points: computed here by hand to
    document the chosen difference."""
    vol = np.r_[np.full(75, 1e6), np.full(5, 1.6e6)]
    c = 10 * 1.001 ** np.arange(80)                    # up every day
    res = score_frame(bars_from_close(c, vol))
    assert res.values["vol_ratio"][0] == pytest.approx(1.6)
    assert res.rule_points["volume.surge_up"][0] == 20
    seed = np.mean([vol[i] / vol[i - 19:i + 1].mean() for i in range(75, 80)])
    assert seed == pytest.approx(1.4701, abs=1e-4) and seed < 1.5   # the seed would give 15
