"""Every preset, condition by condition, on hand-made bars (issue 11).

For each of the 14 presets: bars on which it must fire, and for each condition of its definition
(docs/INDICATORS.md, "Presets") bars that break that condition alone and must not fire. Each case
is checked twice: against ``WHY_NOT`` (``tests/preset_reference.py``), the definition written out in plain Python with exact
rational arithmetic on the 0.01-yuan prices (so exact ties are exact), which names the conditions
that fail — a stop case must fail exactly the one it is about — and against the preset. The
references never call ``desktop_app`` code. A random market at the end compares the presets with
the same references on every bar.
"""
from __future__ import annotations

import numpy as np
import pytest

from desktop_app.core.panel import Panel
from desktop_app.core.strategies import STRATEGIES, fired_at, signals
from preset_reference import WHY_NOT, Bars, frame, ref_fires, why_not_platform_breakout


def fires(sid: str, df) -> bool:
    """The preset under test, at the last bar of ``df``."""
    return bool(STRATEGIES[sid].fn(Panel.from_frames({"000001": df}))[0][-1])


def test_every_preset_has_a_reference():
    assert set(WHY_NOT) == set(STRATEGIES)


# ---------------------------------------------------------------- the cases
# (label, bars, None if the preset must fire, else the one condition of WHY_NOT that must fail)
RISE = 10 * 1.01 ** np.arange(120)          # +1 % a bar (rounded to cents by frame)
FLAT70 = np.full(70, 10.0)


def _ma_bull_cases():
    dip5 = RISE.copy()
    dip5[-5:] = RISE[-6] * 0.97              # last 5 bars lower: MA5 < MA10, the rest still ordered
    dip10 = RISE.copy()
    dip10[-10:-5] = RISE[-11] * 0.80         # a deep dip 10..6 bars ago, a partial recovery since
    dip10[-5:] = RISE[-11] * 0.97
    v_shape = np.r_[np.linspace(20, 10, 100), np.linspace(10.1, 12, 15)]   # MA20 < MA60 after a fall
    tie = np.r_[18.82, np.linspace(8.00, 11.50, 80), [11.87, 12.14, 12.13, 11.80, 11.86],
                [12.08, 11.96, 11.93, 11.83, 12.00]]                       # MA5 == MA10 == 11.96
    tie_up = tie.copy()
    tie_up[-1] = 12.01                                                     # MA5 11.962 > MA10 11.961
    return [("fires on a steady rise", frame(RISE), None),
            ("MA5 <= MA10", frame(dip5), "ma5>ma10"),
            ("MA10 <= MA20", frame(dip10), "ma10>ma20"),
            ("MA20 <= MA60", frame(v_shape), "ma20>ma60"),
            ("MA5 == MA10 exactly is not above (the floats say above)", frame(tie), "ma5>ma10"),
            ("one cent more and it is", frame(tie_up), None),
            ("59 bars: no MA60", frame(RISE[:59]), "history"),
            ("60 bars", frame(RISE[:60]), None)]


def _cross_cases():
    return [("fires: crosses up today (equal before)", frame(np.r_[FLAT70, 10.3]), None),
            ("not above today", frame(np.r_[FLAT70, 9.7]), "above today"),
            ("already above on the previous bar (a long rise)", frame(RISE), "not above before"),
            ("the day after the cross", frame(np.r_[FLAT70, 10.3, 10.6]), "not above before")]


def _volume_cases(sid):
    pre, vol = np.full(70, 20.0), np.full(70, 1e7)
    up = sid == "volume_up"
    c, o = (20.6, 20.0) if up else (18.0, 20.0)          # +3 % / -10 %
    ratio, big = (2, 2.5e7) if up else (4, 5e7)
    mk = lambda c_=c, o_=o, v=big, n=70, price=1.0, prev_v=vol: frame(
        np.r_[pre[:n], c_] * price, np.r_[pre[:n], o_] * price, volume=np.r_[prev_v[:n], v])
    cases = [("fires", mk(), None)]
    if up:
        cases += [("change < 2 %", mk(c_=20.39), "change"),
                  ("change exactly 2 % counts (>=)", mk(c_=20.40), None),
                  ("close < open", mk(o_=20.7), "close>=open"),
                  ("close == open counts", mk(o_=20.6), None),
                  ("amount exactly 2亿 and volume exactly 2 × count",
                   frame(np.r_[np.full(70, 24.5), 25.0], volume=np.r_[np.full(70, 4e6), 8e6]), None)]
    else:
        cases += [("change > -9.5 %", mk(c_=18.11), "change"),
                  ("change exactly -9.5 % counts (<=)", mk(c_=18.10), None)]
    cases += [("volume below the ratio", mk(v=(ratio - 0.1) * 1e7), "volume ratio"),
              ("amount < 2亿", mk(price=0.1), "amount"),
              ("previous 5 bars without volume", mk(prev_v=np.r_[vol[:-5], np.zeros(5)]), "volume ratio"),
              ("60 bars are not enough (the references need 61)", mk(n=59), "history"),
              ("61 bars", mk(n=60), None)]
    return cases


def _turtle_cases():
    c = np.round(np.r_[np.linspace(10, 12, 80), np.linspace(11.5, 11.9, 10)], 2)
    tie = c.copy()
    tie[-1] = c[-60:-1].max()
    below = tie.copy()
    below[-1] -= 0.01
    old_high = np.r_[np.full(10, 10.0), 15.0, np.full(59, 10.0), 10.5]   # the 15.0 is 60 bars before today
    return [("fires on a new 60-bar closing high", frame(RISE), None),
            ("equal to the 60-bar high counts", frame(tie), None),
            ("one cent below the 60-bar high", frame(below), "60-bar high"),
            ("a higher close 60 bars ago is outside the window", frame(old_high), None),
            ("59 bars", frame(RISE[:59]), "history")]


def _pullback(final=11.15, lag59_above=False, dip=False, start=12.0, bottom=10.0):
    """300 bars falling from ``start`` to ``bottom``, 25 rising to 14, 35 falling to ``final``."""
    close = np.round(np.r_[np.linspace(start, bottom, 300), np.linspace(bottom, 14, 25),
                           np.linspace(14, final, 35)], 2)
    if lag59_above:
        close[-60] = 11.60                    # 59 bars ago above MA250 (≈ 11.2)
    if dip:
        close[-5] = 11.00                     # one of the last 10 closes below MA250
    return frame(close, low=close * 0.995, high=close * 1.005)


def _pullback_cases():
    return [("fires", _pullback(), None),
            ("59 bars ago not below MA250", _pullback(lag59_above=True), "below MA250 59 bars ago"),
            ("a close below MA250 in the last 10", _pullback(dip=True), "last 10 above MA250"),
            ("low above 1.03 × MA250 (a lower MA250)", _pullback(start=11.0, bottom=9.0), "low near MA250"),
            ("close above 80 % of the 60-bar high", _pullback(final=11.3), "deep"),
            ("history too short for MA250 59 bars ago", frame(_pullback()["close"].to_numpy()[-300:]), "history")]


def _apron(lu_close=11.0, d1=(11.1, 11.15), d2=(11.15, 11.2), d3=(11.2, 11.18), pre=None, after=0):
    """40 bars at 10.0 (or ``pre``), the limit-up bar, 3 bars (open, close), ``after`` calm bars."""
    pre = np.full(40, 10.0) if pre is None else np.asarray(pre, float)
    c = np.r_[pre, lu_close, d1[1], d2[1], d3[1], np.full(after, d3[1])]
    o = np.r_[pre, pre[-1], d1[0], d2[0], d3[0], np.full(after, d3[1])]
    return frame(c, o)


def _apron_cases():
    high_before = np.r_[np.full(30, 10.0), np.full(5, 11.5), np.full(5, 10.0)]    # 11.5 within the 15 bars
    high_long_ago = np.r_[np.full(20, 10.0), np.full(5, 11.5), np.full(15, 10.0)]  # 11.5 16+ bars before
    return [
        ("fires on the third bar", _apron(), None),
        ("still fires while the limit-up day is within the last 15 bars", _apron(after=11), None),
        ("not once it is 15 bars ago", _apron(after=12), "within the last 15 bars"),
        ("change of the limit-up day not > 9.5 %",
         _apron(lu_close=10.95, d1=(11.0, 11.05), d2=(11.05, 11.1), d3=(11.1, 11.08)), "limit-up"),
        ("limit-up close not a 15-bar closing high (new)", _apron(pre=high_before), "15-bar closing high"),
        ("a higher close more than 15 bars before it does not matter", _apron(pre=high_long_ago), None),
        ("day 1 opens at the limit-up close", _apron(d1=(11.0, 11.05)), "day 1 open"),
        ("day 1 closes at the limit-up close", _apron(d1=(11.05, 11.0)), "day 1 close"),
        ("day 1 body >= 3 %", _apron(d1=(11.01, 11.35), d2=(11.35, 11.4), d3=(11.4, 11.38)), "day 1 body"),
        ("day 2 opens at the limit-up close (new: 必须高开)", _apron(d2=(11.0, 11.2)), "day 2 open"),
        ("day 3 opens below the limit-up close (new)", _apron(d3=(10.98, 11.18)), "day 3 open"),
        ("day 2 closes at the limit-up close", _apron(d2=(11.15, 11.0), d3=(11.0 + 0.01, 11.05)), "day 2 close"),
        ("day 3 closes at the limit-up close", _apron(d3=(11.2, 11.0)), "day 3 close"),
        ("day 2 body <= -3 %", _apron(d1=(11.5, 11.6), d2=(11.6, 11.25), d3=(11.25, 11.2)), "day 2 body"),
        ("day 3 body >= 3 %", _apron(d3=(11.2, 11.55)), "day 3 body"),
        ("day 3 change >= 5 %", _apron(d3=(11.5, 11.76)), "day 3 change"),
        ("day 3 change <= -5 %", _apron(d1=(11.6, 11.8), d2=(11.8, 11.8), d3=(11.4, 11.2)), "day 3 change"),
        ("fewer than 15 bars up to the limit-up day", _apron(pre=np.full(13, 10.0)), "15-bar closing high"),
        ("15 bars up to the limit-up day", _apron(pre=np.full(14, 10.0)), None),
    ]


def _platform(open_last=9.95, close_last=10.6, vol_last=3e7, break_at=None, out_of_band=None, n=130,
              prev_close=None):
    c = 10 + 0.1 * (np.arange(n) % 2 * 2 - 1)                # 9.9 / 10.1: MA60 10.0
    if prev_close is not None:
        c[-1] = prev_close
    if out_of_band is not None:
        lag, value = out_of_band                             # bars before the breakout bar
        c[n - lag] = value
    c = np.r_[c, close_last]
    o = np.r_[c[:n], open_last]
    v = np.r_[np.full(n, 1e7), vol_last]
    if break_at is not None:                                 # the breakout k bars ago, calm bars after it
        c = np.r_[c, np.full(break_at, close_last)]
        o = np.r_[o, np.full(break_at, close_last)]
        v = np.r_[v, np.full(break_at, 1e7)]
    return frame(c, o, volume=v)


def _platform_cases():
    return [("fires on the breakout day", _platform(), None),
            ("opened above MA60", _platform(open_last=10.2), "open<MA60"),
            ("closed below MA60 (up 2.6 % from 9.70)", _platform(open_last=9.9, close_last=9.95, prev_close=9.7),
             "MA60<=close"),
            ("not volume_up (volume 1.5 ×)", _platform(vol_last=1.5e7), "volume_up"),
            ("a platform bar 5 % above MA60", _platform(out_of_band=(30, 10.55)), "platform"),
            ("a platform bar 20 % below MA60", _platform(out_of_band=(30, 7.9)), "platform"),
            ("the bar 60 bars before is not part of the platform", _platform(out_of_band=(60, 7.9)), None),
            ("a breakout 5 bars ago does not fire today (breakout day only)", _platform(break_at=5),
             {"open<MA60", "volume_up", "platform"}),
            ("too little history for a 59-bar platform", _platform(n=117), "history")]


def _rising(n=130, rate=0.012, events=None):
    """Closes rising by ``rate`` a bar in cents from 10.00; ``events`` {lag: f(previous close)}
    replaces the rule on those bars (lag 0 = the last bar)."""
    events = events or {}
    c = [10.0]
    for k in range(1, n):
        lag = n - 1 - k
        c.append(round(events[lag](c[-1]) if lag in events else c[-1] * (1 + rate), 2))
    return np.array(c)


def _no_big_drawdown_cases():
    drop = lambda lag, pct: _rising(events={lag: lambda p: p * (1 + pct)})
    exact7 = _rising(events={31: lambda p: round(p), 30: lambda p: p * 0.93})     # whole yuan × 0.93: exact
    exact60 = np.r_[np.full(70, 10.0), np.linspace(10.0, 16.0, 60)]             # 16.00 / 10.00: exactly +60 %
    two_days = lambda pct: _rising(events={21: lambda p: p * (1 + pct), 20: lambda p: p * (1 + pct)})
    base = _rising()
    open_high = lambda lag: np.where(np.arange(130) == 129 - lag, np.round(base * 1.08, 2), base)
    # day A opens 6 % above the previous close and closes flat (-5.7 % vs its open), day B opens
    # -1 % and closes -5 %: each bar within the limits, two-day change -5 %, B's close 10.4 % below A's open
    ca, cb = base.copy(), base.copy()
    p = base[-22]
    c2 = _rising(events={21: lambda q: q, 20: lambda q: q * 0.95})
    o2 = c2.copy()
    o2[-22], o2[-21] = round(p * 1.06, 2), round(p * 0.99, 2)
    out_pair = base.copy()
    out_o = base.copy()
    out_o[-61] = round(base[-61] * 1.12, 2)       # the open 60 bars ago pairs with a close outside the window
    del ca, cb
    return [
        ("fires: +102 % in 60 bars, no drops", frame(base), None),
        ("rise below 60 %", frame(_rising(rate=0.0075)), "rise"),
        ("rise exactly 60 % counts", frame(exact60), None),
        ("a -7.1 % day inside the window", frame(drop(30, -0.071)), "single-day drop"),
        ("a -7 % day exactly is not 'more than 7 %'", frame(exact7), None),
        ("today's own -7.5 % (new)", frame(drop(0, -0.075)), "single-day drop"),
        ("the window's first bar fell 7.5 % vs the bar before", frame(drop(59, -0.075)), "single-day drop"),
        ("a drop 60 bars ago is outside the window", frame(drop(60, -0.075)), None),
        ("close 7.4 % below its open inside the window", frame(base, open_high(10)), "close vs open"),
        ("... today", frame(base, open_high(0)), "close vs open"),
        ("... on the window's first bar", frame(base, open_high(59)), "close vs open"),
        ("two days of -5.5 % (sum -11 %)", frame(two_days(-0.055)), "two-day drop"),
        ("two days of -4.5 % (sum -9 %)", frame(two_days(-0.045)), None),
        ("close 10.4 % below the previous day's open (new: 两日高开低走累计10%)", frame(c2, o2),
         "close vs previous open"),
        ("a previous open outside the window does not count", frame(out_pair, out_o), None),
        ("59 bars", frame(base[:59]), "history"),
    ]


def _rsi_cases():
    down = 10 * 0.99 ** np.arange(40)
    rebound = np.round(np.r_[down, down[-1] * 1.02 ** np.arange(1, 15)], 2)
    b = Bars(frame(rebound))
    first = next(i for i in range(1, b.n) if ref_fires("rsi_oversold_rebound", b, i))
    return [("fires on the first bar back at >= 30", frame(rebound[:first + 1]), None),
            ("the bar before it: still below 30", frame(rebound[:first]), ">= 30 today"),
            ("the bar after it", frame(rebound[:first + 2]), "below 30 before"),
            ("14 bars: no RSI before today", frame(rebound[:15]), "history")]


def _boll(close_last=9.96, open_last=9.94, low_last=9.5):
    c = np.r_[10 + 0.05 * (np.arange(40) % 2 * 2 - 1), close_last]
    o = np.r_[c[:40], open_last]
    low = np.r_[c[:40] * 0.999, low_last]
    return frame(c, o, low=low, high=np.maximum(c, o) * 1.001)


def _boll_cases():
    flat = np.r_[162.35, np.full(40, 63.07)]
    return [("fires", _boll(), None),
            ("closed below the band", _boll(close_last=9.80, open_last=9.70), "close>lower"),
            ("low above the band", _boll(low_last=9.93), "low<=lower"),
            ("bearish bar (close < open)", _boll(open_last=9.99), "close>=open"),
            ("flat window: the band is at the close, not below it", frame(flat, low=np.r_[flat[:-1], 62.5]),
             "close>lower")]


def _shrink(last=0.985 ** 4, last_volume=3e5, rate=0.01, n_rise=80, step=0.985):
    """A rise, 3 bars down by ``step`` each, today at ``last`` × the top."""
    rise = 10 * (1 + rate) ** np.arange(n_rise)
    c = np.r_[rise, rise[-1] * step ** np.arange(1, 4), rise[-1] * last]
    v = np.r_[np.full(n_rise + 3, 1e6), last_volume]
    return frame(c, volume=v)


def _shrink_cases():
    fallen = np.r_[np.linspace(16, 10, 60), 10 * 1.01 ** np.arange(20)]        # MA20 < MA60
    fallen = np.r_[fallen, fallen[-1] * 0.985 ** np.arange(1, 5)]
    return [("fires", _shrink(), None),
            ("volume exactly 60 % of the previous mean is not below it", _shrink(last_volume=6e5), "quiet volume"),
            ("an up bar", _shrink(last=0.97 ** 3 * 1.002, step=0.97), "down bar"),
            ("not 5 % below the 20-bar high", _shrink(last=0.985 ** 3 * 0.999), "pulled back"),
            ("below 0.98 × MA20", _shrink(last=0.985 ** 3 * 0.93), "holding MA20"),
            ("MA20 <= MA60", frame(fallen, volume=np.r_[np.full(83, 1e6), 3e5]), "MA20>MA60")]


def _ma30_cases():
    slow = 10 * 1.002 ** np.arange(120)
    top = 10 * 1.01 ** 89
    dip = np.r_[10 * 1.01 ** np.arange(90), np.full(15, top * 0.75), np.full(9, top * 1.6)]
    fast = 10 * 1.02 ** np.arange(111)
    fall9 = np.r_[fast, np.full(9, fast[-1] * 0.45)]
    return [("fires", frame(RISE), None),
            ("MA30 not up 20 % on 29 bars ago", frame(slow), "m0>1.2*m29"),
            ("MA30 9 bars ago not above 19 bars ago", frame(dip), "m9>m19"),
            ("MA30 today not above 9 bars ago (a fall in the last 9 bars)", frame(fall9), "m0>m9"),
            ("59 bars suffice (29/19/9 bars back, as both references compute)", frame(RISE[:59]), None),
            ("58 bars", frame(RISE[:58]), "history")]


CASES = {
    "ma_bull": _ma_bull_cases(),
    "macd_golden": _cross_cases(),
    "kdj_golden": _cross_cases(),
    "volume_up": _volume_cases("volume_up"),
    "volume_limit_down": _volume_cases("volume_limit_down"),
    "turtle_breakout": _turtle_cases(),
    "pullback_ma250": _pullback_cases(),
    "parking_apron": _apron_cases(),
    "platform_breakout": _platform_cases(),
    "no_big_drawdown": _no_big_drawdown_cases(),
    "rsi_oversold_rebound": _rsi_cases(),
    "boll_lower_support": _boll_cases(),
    "shrink_pullback": _shrink_cases(),
    "ma30_rising": _ma30_cases(),
}
FLAT_CASES = [(sid, label, df, cond) for sid, cases in CASES.items() for label, df, cond in cases]


def test_every_preset_has_a_case_that_fires_and_one_per_condition_that_stops_it():
    """Every condition the reference knows (except "history", "limit-up" stand-ins) has its stop case."""
    assert set(CASES) == set(STRATEGIES)
    names = {
        "ma_bull": {"ma5>ma10", "ma10>ma20", "ma20>ma60"}, "macd_golden": {"above today", "not above before"},
        "kdj_golden": {"above today", "not above before"},
        "volume_up": {"change", "close>=open", "amount", "volume ratio"},
        "volume_limit_down": {"change", "amount", "volume ratio"}, "turtle_breakout": {"60-bar high"},
        "pullback_ma250": {"below MA250 59 bars ago", "last 10 above MA250", "low near MA250", "deep"},
        "parking_apron": {"within the last 15 bars", "15-bar closing high", "limit-up"}
        | {f"day {k} {w}" for k in (1, 2, 3) for w in ("open", "close", "body")} | {"day 3 change"},
        "platform_breakout": {"open<MA60", "MA60<=close", "volume_up", "platform"},
        "no_big_drawdown": {"rise", "single-day drop", "close vs open", "two-day drop", "close vs previous open"},
        "rsi_oversold_rebound": {"below 30 before", ">= 30 today"},
        "boll_lower_support": {"low<=lower", "close>lower", "close>=open"},
        "shrink_pullback": {"MA20>MA60", "pulled back", "holding MA20", "down bar", "quiet volume"},
        "ma30_rising": {"m0>m9", "m9>m19", "m0>1.2*m29"},
    }
    for sid, cases in CASES.items():
        assert any(c is None for _l, _d, c in cases), sid
        covered = {c for _l, _d, c in cases if isinstance(c, str)}
        assert names[sid] <= covered, (sid, names[sid] - covered)


@pytest.mark.parametrize("sid, label, df, cond", FLAT_CASES, ids=[f"{s}: {lab}" for s, lab, _d, _c in FLAT_CASES])
def test_case(sid, label, df, cond):
    got = WHY_NOT[sid](Bars(df), len(df) - 1)
    want = set() if cond is None else {cond} if isinstance(cond, str) else cond
    assert got == want, "the hand-made bars do not break what the case says"
    assert fires(sid, df) == (cond is None)


# ---------------------------------------------------------------- a random market, every bar
def _random_stock(rng, n):
    """0.01-yuan closes from a random walk with regimes (trends, flat stretches, limit-up days
    followed by calm bars, crashes) and volume bursts, so that every preset has hits and ties."""
    c = [round(float(rng.uniform(3, 40)), 2)]
    o = [c[0]]
    v = [float(rng.integers(1, 50)) * 1e5]
    drift = 0.0
    k = 1
    while k < n:
        if rng.random() < 0.05:
            drift = float(rng.choice([-0.01, 0.0, 0.0, 0.008, 0.012, 0.02]))
        r = rng.random()
        prev = c[-1]
        if r < 0.02:                                   # limit-up, then three calm bars above it
            seq = [(prev, round(prev * 1.1, 2))]
            lu = seq[0][1]
            for _ in range(3):
                op = round(lu * float(rng.uniform(1.0, 1.02)), 2)
                seq.append((op, round(op * float(rng.uniform(0.985, 1.02)), 2)))
        elif r < 0.03:
            seq = [(prev, round(prev * float(rng.uniform(0.88, 0.93)), 2))]      # a crash day (volume burst)
        elif r < 0.06:
            seq = [(prev, prev)] * int(rng.integers(3, 25))                      # flat
        else:
            ch = drift + float(rng.normal(0, 0.015))
            op = round(prev * (1 + float(rng.normal(0, 0.006))), 2)
            seq = [(op, round(prev * (1 + ch), 2))]
        for op, cl in seq:
            if k >= n:
                break
            o.append(max(op, 0.01))
            c.append(max(cl, 0.01))
            burst = rng.random() < 0.05 or (r >= 0.02 and r < 0.03)
            v.append(float(rng.integers(1, 50)) * 1e5 * (float(rng.uniform(2, 6)) if burst else 1.0))
            k += 1
    c, o, v = np.array(c), np.array(o), np.round(np.array(v) * 100)
    hi = np.round(np.maximum(c, o) * (1 + rng.uniform(0, 0.02, n)), 2)
    lo = np.round(np.minimum(c, o) * (1 - rng.uniform(0, 0.02, n)), 2)
    return frame(c, o, hi, lo, v)


def test_presets_equal_the_definitions_on_every_bar_of_a_random_market():
    rng = np.random.default_rng(2024)
    frames = {f"{i:06d}": _random_stock(rng, int(rng.integers(40, 340))) for i in range(24)}
    panel = Panel.from_frames(frames)
    sig = signals(panel)
    hits = {sid: 0 for sid in STRATEGIES}
    for r, (sym, df) in enumerate(frames.items()):
        b = Bars(df)
        cols = panel.dates.get_indexer(df.index)
        for sid in STRATEGIES:
            got = sig[sid][r, cols]
            want = np.array([ref_fires(sid, b, i) for i in range(b.n)])
            bad = np.flatnonzero(got != want)
            assert not len(bad), (sid, sym, bad[:5].tolist(), [WHY_NOT[sid](b, i) for i in bad[:3]])
            hits[sid] += int(want.sum())
    lively = {sid for sid, h in hits.items() if h > 0}
    assert lively >= set(STRATEGIES) - {"pullback_ma250", "platform_breakout"}, hits
    # the scan's short-window path gives the same answers on this market
    for at in (-1, -2, -7, 150, 300):
        got = fired_at(panel, None, at)
        for sid in STRATEGIES:
            np.testing.assert_array_equal(got[sid], sig[sid][:, at], err_msg=f"{sid} at {at}")


def test_help_texts_name_the_choices():
    d = STRATEGIES
    for sid in ("volume_up", "volume_limit_down"):
        assert "61" in d[sid].doc_zh and "61 bars" in d[sid].doc_en
    assert "29日前" in d["ma30_rising"].doc_zh and "29 bars ago" in d["ma30_rising"].doc_en
    assert "只在突破当日触发" in d["platform_breakout"].doc_zh and "breakout day only" in d["platform_breakout"].doc_en
    assert "15日收盘新高" in d["parking_apron"].doc_zh and "必须高开" in d["parking_apron"].doc_zh
    assert "15-bar closing high" in d["parking_apron"].doc_en and "must open higher" in d["parking_apron"].doc_en
    assert "含当日" in d["no_big_drawdown"].doc_zh and "两日高开低走" in d["no_big_drawdown"].doc_zh
    assert "today included" in d["no_big_drawdown"].doc_en and "first open" in d["no_big_drawdown"].doc_en


def test_platform_breakout_fires_on_the_breakout_day_only():
    """The chosen difference from Sequoia/InStock (docs/INDICATORS.md): they report a breakout for
    up to 60 bars; the preset fires on the breakout day, which the stock's signals keep."""
    df = _platform(break_at=5)
    s = STRATEGIES["platform_breakout"].fn(Panel.from_frames({"000001": df}))[0]
    assert s[-6] and s.sum() == 1                         # the breakout bar, 5 bars before the last
    b = Bars(df)
    i = b.n - 1
    assert not why_not_platform_breakout(b, i - 5)        # the definition holds there ...
    # ... and a breakout within the last 60 bars exists, which is what the references report today
    assert any(not why_not_platform_breakout(b, j) for j in range(i - 59, i + 1))
    assert not fired_at(Panel.from_frames({"000001": df}), ["platform_breakout"])["platform_breakout"][0]
