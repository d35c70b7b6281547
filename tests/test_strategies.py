"""Each preset fires on a series built for it and stays silent on a near miss."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from desktop_app.core import indicators as ind
from desktop_app.core import panel_cache as pc
from desktop_app.core.panel import Panel
from desktop_app.core.strategies import STRATEGIES, find_strategy, fired_at, screen, signals


def frame(close, open_=None, high=None, low=None, volume=None):
    close = np.asarray(close, float)
    n = len(close)
    open_ = close.copy() if open_ is None else np.asarray(open_, float)
    high = np.maximum(open_, close) * 1.005 if high is None else np.asarray(high, float)
    low = np.minimum(open_, close) * 0.995 if low is None else np.asarray(low, float)
    volume = np.full(n, 1e7) if volume is None else np.asarray(volume, float)
    idx = pd.bdate_range(end="2025-12-31", periods=n, name="date")
    return pd.DataFrame({"open": open_, "high": high, "low": low, "close": close, "volume": volume,
                         "amount": close * volume, "turnover": 1.0}, index=idx)


def sig(sid, df):
    return STRATEGIES[sid].fn(Panel.from_frames({"000001": df}))[0]


def last(sid, df) -> bool:
    return bool(sig(sid, df)[-1])


RISE = 10 * 1.01 ** np.arange(120)
FALL = RISE[::-1].copy()
FLAT70 = np.full(70, 10.0)


def test_registry_has_the_presets_in_order():
    ids = list(STRATEGIES)
    assert ids[:12] == ["ma_bull", "macd_golden", "kdj_golden", "volume_up", "turtle_breakout", "pullback_ma250",
                        "parking_apron", "platform_breakout", "no_big_drawdown", "rsi_oversold_rebound",
                        "boll_lower_support", "shrink_pullback"]
    for s in STRATEGIES.values():
        assert s.name_zh and s.name_en and s.doc_zh and s.doc_en


def test_ma_bull():
    assert last("ma_bull", frame(RISE)) and not last("ma_bull", frame(FALL))
    assert not sig("ma_bull", frame(RISE))[:59].any()  # needs MA60


def test_macd_golden():
    up = np.r_[FLAT70, 10.3]
    assert last("macd_golden", frame(up))
    assert not last("macd_golden", frame(RISE))  # above for long: no cross today
    assert sig("macd_golden", frame(up)).sum() == 1


def test_kdj_golden():
    up = np.r_[FLAT70, 10.3]
    assert last("kdj_golden", frame(up))
    assert not last("kdj_golden", frame(np.r_[FLAT70, 9.7]))


def test_volume_up():
    c = np.r_[np.full(70, 20.0), 20.6]          # +3%
    o = np.r_[np.full(70, 20.0), 20.0]
    assert last("volume_up", frame(c, o, volume=np.r_[np.full(70, 1e7), 2.5e7]))
    assert not last("volume_up", frame(c, o, volume=np.r_[np.full(70, 1e7), 1.9e7]))   # ratio < 2
    assert not last("volume_up", frame(c / 10, o / 10, volume=np.r_[np.full(70, 1e7), 2.5e7]))  # amount < 2亿
    c2 = np.r_[np.full(70, 20.0), 20.3]         # +1.5%
    assert not last("volume_up", frame(c2, np.r_[np.full(70, 20.0), 20.0], volume=np.r_[np.full(70, 1e7), 3e7]))


def test_turtle_breakout():
    assert last("turtle_breakout", frame(RISE))
    assert not last("turtle_breakout", frame(np.r_[RISE, RISE[-1] * 0.99]))
    assert not sig("turtle_breakout", frame(RISE))[:59].any()


def _pullback_series(final):
    a = np.linspace(12, 10, 300)
    b = np.linspace(10, 14, 25)
    c = np.linspace(14, final, 35)
    return np.r_[a, b, c]


def test_pullback_ma250():
    closes = _pullback_series(11.15)
    ma250 = ind.sma(closes, 250)
    t = len(closes) - 1
    assert closes[t - 59] < ma250[t - 59] and (closes[-10:] >= ma250[-10:]).all()   # preconditions
    assert closes[-1] * 0.995 <= ma250[-1] * 1.03 and closes[-1] <= 0.8 * closes[-60:].max()
    assert last("pullback_ma250", frame(closes))
    assert not last("pullback_ma250", frame(_pullback_series(11.5)))   # not deep enough (> 80% of high)


def _apron(day1_open):
    c = np.r_[np.full(40, 10.0), 11.0, 11.15, 11.2, 11.18]
    o = np.r_[np.full(40, 10.0), 10.1, day1_open, 11.15, 11.2]
    return frame(c, o)


def test_parking_apron():
    s = sig("parking_apron", _apron(11.1))
    assert s[-1] and s.sum() == 1
    assert not last("parking_apron", _apron(10.9))   # day 1 opened below the limit-up close
    # still reported while the limit-up day is within the last 15 bars
    longer = _apron(11.1)
    more = frame(np.r_[longer["close"].to_numpy(), np.full(11, 11.19)],
                 np.r_[longer["open"].to_numpy(), np.full(11, 11.19)])
    s = sig("parking_apron", more)
    assert s[-1] and s[-12] and s.sum() == 12


def _platform(open_last):
    c = np.r_[10 + 0.1 * (np.arange(130) % 2 * 2 - 1), 10.6]   # MA60 needs 60 bars + 59 of platform
    o = np.r_[c[:130], open_last]
    v = np.r_[np.full(130, 1e7), 3e7]
    return frame(c, o, volume=v)


def test_platform_breakout():
    assert last("platform_breakout", _platform(9.95))
    assert not last("platform_breakout", _platform(10.2))   # opened above MA60: no cross


def test_no_big_drawdown():
    assert last("no_big_drawdown", frame(RISE))
    dropped = RISE.copy()
    dropped[100:] *= 0.92                      # one -8% day inside the window
    assert not last("no_big_drawdown", frame(dropped))
    assert not last("no_big_drawdown", frame(10 * 1.005 ** np.arange(120)))   # +34% only


def test_rsi_oversold_rebound():
    c = np.r_[10 * 0.99 ** np.arange(40), 10 * 0.99 ** 39 * 1.02 ** np.arange(1, 15)]
    r = ind.rsi(c, 14)
    first = int(np.argmax((r[:-1] < 30) & (r[1:] >= 30))) + 1
    s = sig("rsi_oversold_rebound", frame(c))
    assert s[first] and s.sum() == 1
    assert not sig("rsi_oversold_rebound", frame(RISE)).any()


def _boll(close_last):
    c = np.r_[10 + 0.05 * (np.arange(40) % 2 * 2 - 1), close_last]
    o = np.r_[c[:40], 9.94]
    low = np.r_[c[:40] * 0.999, 9.5]
    return frame(c, o, low=low, high=np.maximum(c, o) * 1.001)


def test_boll_lower_support():
    assert last("boll_lower_support", _boll(9.96))
    assert not last("boll_lower_support", _boll(9.80))   # closed below the band


def _shrink(last_volume):
    c = np.r_[RISE[:80], RISE[79] * 0.985 ** np.arange(1, 5)]
    v = np.r_[np.full(83, 1e6), last_volume]
    return frame(c, volume=v)


def test_shrink_pullback():
    assert last("shrink_pullback", _shrink(3e5))
    assert not last("shrink_pullback", _shrink(1e6))


def test_ma30_rising():
    assert last("ma30_rising", frame(RISE))
    assert not last("ma30_rising", frame(10 * 1.002 ** np.arange(120)))


def test_volume_limit_down():
    c = np.r_[np.full(70, 20.0), 18.0]
    assert last("volume_limit_down", frame(c, volume=np.r_[np.full(70, 1e7), 5e7]))
    assert not last("volume_limit_down", frame(c, volume=np.r_[np.full(70, 1e7), 2e7]))


# ---------------------------------------------------------------- panel mechanics
def test_gaps_skipped_and_false_where_no_bar():
    df = frame(np.r_[FLAT70, 10.3, 10.4])
    gapped = df.drop(df.index[[5, 30, 70]])       # a suspension on the day before the cross
    other = frame(RISE)
    p = Panel.from_frames({"000001": gapped, "000002": other})
    for sid, s in signals(p).items():
        own = STRATEGIES[sid].fn(Panel.from_frames({"x": gapped}))[0]
        row = p.dates.get_indexer(gapped.index)
        np.testing.assert_array_equal(s[0, row], own, err_msg=sid)
        missing = np.setdiff1d(np.arange(len(p.dates)), row)
        assert not s[0, missing].any()


def test_fired_at_matches_signals():
    p = Panel.from_frames({"000001": frame(np.r_[FLAT70, 10.3]), "000002": frame(RISE[:71]),
                           "000003": frame(FALL[:70])})
    full = signals(p)
    for at in (-1, -2, 65):
        f = fired_at(p, None, at)
        for sid in STRATEGIES:
            np.testing.assert_array_equal(f[sid], full[sid][:, at])
    assert fired_at(p, ["macd_golden"])["macd_golden"].tolist() == [True, False, False]


def test_find_strategy():
    assert find_strategy("macd_golden").id == "macd_golden"
    assert find_strategy("停机坪").id == "parking_apron"
    assert find_strategy("turtle: new 60-day high").id == "turtle_breakout"
    with pytest.raises(KeyError) as e:
        find_strategy("nope")
    assert "ma_bull" in str(e.value) and "均线多头排列" in str(e.value)


def test_screen():
    total = np.array([80.0, 60.0, np.nan, 90.0])
    a = np.array([True, True, True, False])
    b = np.array([False, True, True, True])
    assert screen(total, {}, 70).tolist() == [True, False, False, True]
    assert screen(total, {"a": a, "b": b}, 50, "all").tolist() == [False, True, False, False]
    assert screen(total, {"a": a, "b": b}, 50, "any").tolist() == [True, True, False, True]
    assert screen(total, {}, 0).tolist() == [True, True, False, True]   # NaN never passes
    with pytest.raises(ValueError):
        screen(total, {}, 0, "some")


def test_fired_at_equals_full_signals_on_a_random_market():
    """fired_at evaluates the rules on a short window; it must agree with the full series."""
    r = np.random.default_rng(5)
    frames = {}
    for i in range(40):
        n = int(r.integers(30, 400))
        c = 10 * np.exp(np.cumsum(r.normal(0.001, 0.035, n)))
        o = c * (1 + r.normal(0, 0.01, n))
        df = frame(c, o, volume=r.uniform(5e6, 5e7, n))
        drop = r.choice(n, size=min(5, n // 10), replace=False)   # suspensions
        frames[f"{i:06d}"] = df.drop(df.index[drop])
    p = Panel.from_frames(frames)
    full = signals(p)
    assert sum(int(s.sum()) for s in full.values()) > 100
    for at in (-1, -3, 200, 350):
        got = fired_at(p, None, at)
        for sid in STRATEGIES:
            np.testing.assert_array_equal(got[sid], full[sid][:, at], err_msg=f"{sid} at {at}")


def test_indicator_cache_is_freed_with_the_panel_without_gc():
    """No reference cycle: dropping the panel frees its (large) indicator cache at once."""
    import gc
    import weakref

    from desktop_app.core.scoring import score_panel
    p = Panel.from_frames({"000001": frame(RISE), "000002": frame(FALL)})
    score_panel(p)
    fired_at(p)
    ref = weakref.ref(pc.packed_panel(p))
    was = gc.isenabled()          # off in the test session (ui/main_thread_gc): leave it as it was
    gc.disable()
    try:
        del p
        assert ref() is None
    finally:
        if was:
            gc.enable()
