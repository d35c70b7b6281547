"""The 14 presets' definitions written out in plain Python, independent of ``desktop_app``: exact
rational arithmetic on 0.01-yuan prices (so exact ties are exact), each ``why_not_<preset>``
naming the conditions that fail at a bar. The reference ``tests/test_preset_conditions.py``
checks the presets against (issue 11)."""
from __future__ import annotations

from fractions import Fraction as F

import numpy as np
import pandas as pd


# ---------------------------------------------------------------- bars
def frame(close, open_=None, high=None, low=None, volume=None):
    close = np.round(np.asarray(close, float), 2)
    n = len(close)
    open_ = close.copy() if open_ is None else np.round(np.asarray(open_, float), 2)
    high = np.maximum(open_, close) if high is None else np.round(np.asarray(high, float), 2)
    low = np.minimum(open_, close) if low is None else np.round(np.asarray(low, float), 2)
    volume = np.full(n, 1e7) if volume is None else np.round(np.asarray(volume, float))
    idx = pd.bdate_range(end="2025-12-31", periods=n, name="date")
    return pd.DataFrame({"open": open_, "high": high, "low": low, "close": close, "volume": volume,
                         "amount": close * volume, "turnover": 1.0}, index=idx)


# ---------------------------------------------------------------- the definitions, exactly
def cents(x) -> F:
    return F(int(round(float(x) * 100)), 100)


class Bars:
    """One stock's bars as exact rationals; every helper returns None where undefined."""

    def __init__(self, df: pd.DataFrame):
        self.c = [cents(x) for x in df["close"]]
        self.o = [cents(x) for x in df["open"]]
        self.h = [cents(x) for x in df["high"]]
        self.l = [cents(x) for x in df["low"]]
        self.v = [F(int(round(x))) for x in df["volume"]]
        self.n = len(self.c)
        self._memo: dict = {}
        self._csum, self._csq = [0], [0]               # prefix sums of closes and squares, in cents (ints)
        for x in df["close"]:
            k = int(round(float(x) * 100))
            self._csum.append(self._csum[-1] + k)
            self._csq.append(self._csq[-1] + k * k)

    def ma(self, n, i):
        if i < n - 1:
            return None
        key = ("ma", n, i)
        if key not in self._memo:
            self._memo[key] = F(self._csum[i + 1] - self._csum[i + 1 - n], 100 * n)
        return self._memo[key]

    def hhv(self, n, i):
        return None if i < n - 1 else max(self.c[i - n + 1:i + 1])

    def chg(self, i):
        if "chg" not in self._memo:
            self._memo["chg"] = [None] + [(self.c[j] / self.c[j - 1] - 1) * 100 for j in range(1, self.n)]
        return None if i < 1 else self._memo["chg"][i]

    def prev_vmean(self, i, n=5):
        return None if i < n else sum(self.v[i - n:i]) / n

    def _recur(self, key, xs, alpha, seed=None):
        if key not in self._memo:
            out, prev = [], None
            for x in xs:
                if x is None:
                    out.append(None)
                    continue
                if prev is None:
                    prev = x if seed is None else alpha * x + (1 - alpha) * seed
                else:
                    prev = alpha * x + (1 - alpha) * prev
                out.append(prev)
            self._memo[key] = out
        return self._memo[key]

    def macd(self):
        if "dif" not in self._memo:
            e12 = self._recur("e12", self.c, F(2, 13))
            e26 = self._recur("e26", self.c, F(2, 27))
            self._memo["dif"] = [a - b for a, b in zip(e12, e26)]
        dif = self._memo["dif"]
        return dif, self._recur("dea", dif, F(2, 10))

    def kdj(self):
        if "k" in self._memo:
            return self._memo["k"], self._memo["d"]
        rsv = []
        for i in range(self.n):
            if i < 8:
                rsv.append(None)
                continue
            hh, ll = max(self.h[i - 8:i + 1]), min(self.l[i - 8:i + 1])
            rsv.append(F(50) if hh == ll else (self.c[i] - ll) / (hh - ll) * 100)
        k = self._recur("k", rsv, F(1, 3), seed=F(50))
        return k, self._recur("d", k, F(1, 3), seed=F(50))

    def rsi(self, i, n=14):
        if "dn" not in self._memo:
            d = [None] + [self.c[j] - self.c[j - 1] for j in range(1, self.n)]
            self._recur("up", [None if x is None else max(x, 0) for x in d], F(1, n))
            self._recur("dn", [None if x is None else abs(x) for x in d], F(1, n))
        up, dn = self._memo["up"], self._memo["dn"]
        if i < n:
            return None
        return F(50) if dn[i] == 0 else up[i] / dn[i] * 100

    def boll_lower_cmp(self, x, i, n=20):
        """sign of (x - lower band) at bar i, exactly: lower = mid - 2 * sample std."""
        if i < n - 1:
            return None
        s1 = self._csum[i + 1] - self._csum[i + 1 - n]
        s2 = self._csq[i + 1] - self._csq[i + 1 - n]
        mid = F(s1, 100 * n)
        var = F(n * s2 - s1 * s1, n * (n - 1) * 100 * 100)       # sample variance, exactly
        # x - (mid - 2 sd) > 0  <=>  x - mid > -2 sd
        d = x - mid
        if d >= 0:
            return 0 if (d == 0 and var == 0) else 1
        # d < 0: compare d^2 with 4 var
        return (4 * var > d * d) - (4 * var < d * d)


def _ok(*xs):
    return all(x is not None for x in xs)


def _failed(checks: dict) -> set:
    """Names of the conditions that do not hold (a None check means undefined: it fails)."""
    return {name for name, ok in checks.items() if not ok}


# Each ``why_not_<preset>(bars, i)`` returns the set of the definition's conditions that fail at
# bar i: empty means the preset fires. Conditions that need history not there yet fail as "history".
def why_not_ma_bull(b: Bars, i):
    m5, m10, m20, m60 = (b.ma(n, i) for n in (5, 10, 20, 60))
    if not _ok(m60):
        return {"history"}
    return _failed({"ma5>ma10": m5 > m10, "ma10>ma20": m10 > m20, "ma20>ma60": m20 > m60})


def _why_not_cross(a, b_, i):
    if i < 1 or not _ok(a[i], b_[i], a[i - 1], b_[i - 1]):
        return {"history"}
    return _failed({"above today": a[i] > b_[i], "not above before": a[i - 1] <= b_[i - 1]})


def why_not_macd_golden(b: Bars, i):
    dif, dea = b.macd()
    return _why_not_cross(dif, dea, i)


def why_not_kdj_golden(b: Bars, i):
    k, d = b.kdj()
    return _why_not_cross(k, d, i)


def _why_not_surge(b: Bars, i, ratio):
    if i < 60:                                  # 61 bars: the references' tail(60 + 1)
        return {"history"}
    pm = b.prev_vmean(i)
    return _failed({"amount": b.c[i] * b.v[i] >= 200_000_000, "volume ratio": pm > 0 and b.v[i] >= ratio * pm})


def why_not_volume_up(b: Bars, i):
    f = _why_not_surge(b, i, 2)
    if f == {"history"}:
        return f
    return f | _failed({"change": b.chg(i) >= 2, "close>=open": b.c[i] >= b.o[i]})


def why_not_volume_limit_down(b: Bars, i):
    f = _why_not_surge(b, i, 4)
    if f == {"history"}:
        return f
    return f | _failed({"change": b.chg(i) <= F(-95, 10)})


def why_not_turtle(b: Bars, i):
    h = b.hhv(60, i)
    if h is None:
        return {"history"}
    return _failed({"60-bar high": b.c[i] >= h})


def why_not_pullback_ma250(b: Bars, i):
    if i < 249 + 59:
        return {"history"}
    return _failed({
        "below MA250 59 bars ago": b.c[i - 59] < b.ma(250, i - 59),
        "last 10 above MA250": all(b.c[j] >= b.ma(250, j) for j in range(i - 9, i + 1)),
        "low near MA250": b.l[i] <= F(103, 100) * b.ma(250, i),
        "deep": b.c[i] <= F(8, 10) * b.hhv(60, i),
    })


def _body_ok(b: Bars, j):
    r = b.c[j] / b.o[j]
    return F(97, 100) < r < F(103, 100)


def why_not_parking_apron(b: Bars, i):
    """Over every limit-up day s (change > 9.5 %) the conditions on s and the 3 bars after it;
    the fewest failures among them (a preset fires when one s passes them all)."""
    best = None
    for s in range(max(1, i - 20), i + 1):              # older limit-ups are outside the 15 bars anyway
        if not b.chg(s) > F(95, 10):
            continue
        lu = b.c[s]
        checks = {
            "within the last 15 bars": i - 14 <= s <= i - 3,
            "15-bar closing high": s >= 14 and b.c[s] >= b.hhv(15, s),
        }
        d1, d2, d3 = s + 1, s + 2, s + 3
        if d3 <= i:
            checks.update({
                "day 1 open": b.o[d1] > lu, "day 1 close": b.c[d1] > lu, "day 1 body": _body_ok(b, d1),
                **{f"day {k} open": b.o[d] > lu for k, d in ((2, d2), (3, d3))},
                **{f"day {k} close": b.c[d] > lu for k, d in ((2, d2), (3, d3))},
                **{f"day {k} body": _body_ok(b, d) for k, d in ((2, d2), (3, d3))},
                **{f"day {k} change": -5 < b.chg(d) < 5 for k, d in ((2, d2), (3, d3))},
            })
        f = _failed(checks)
        if best is None or len(f) < len(best):
            best = f
    return {"limit-up"} if best is None else best


def why_not_platform_breakout(b: Bars, i):
    if i < 59 + 59:                             # MA60 on each of the 59 platform bars
        return {"history"}
    m = b.ma(60, i)
    if "band" not in b._memo:                  # bar j within (-5 %, 20 %) below its MA60
        b._memo["band"] = [j >= 59 and F(-5, 100) < (b.ma(60, j) - b.c[j]) / b.ma(60, j) < F(20, 100)
                           for j in range(b.n)]
    return _failed({
        "open<MA60": b.o[i] < m, "MA60<=close": m <= b.c[i], "volume_up": not why_not_volume_up(b, i),
        "platform": all(b._memo["band"][j] for j in range(i - 59, i)),
    })


def _drawdown_flags(b: Bars):
    """Per bar j: does j break each single-bar / two-bar rule (two-bar rules pair j-1 with j)?"""
    if "dd" not in b._memo:
        ch = [b.chg(j) for j in range(b.n)]
        b._memo["dd"] = {
            "single-day drop": [x is not None and x < -7 for x in ch],
            "close vs open": [(b.c[j] - b.o[j]) / b.o[j] * 100 < -7 for j in range(b.n)],
            "two-day drop": [j >= 2 and ch[j - 1] + ch[j] < -10 for j in range(b.n)],
            "close vs previous open": [j >= 1 and (b.c[j] - b.o[j - 1]) / b.o[j - 1] * 100 < -10
                                       for j in range(b.n)],
        }
    return b._memo["dd"]


def why_not_no_big_drawdown(b: Bars, i):
    if i < 59:
        return {"history"}
    first = b.c[i - 59]
    flags = _drawdown_flags(b)
    window = range(i - 59, i + 1)               # the 60 bars ending today
    pairs = range(i - 58, i + 1)                # (j-1, j), both inside the window
    checks = {"rise": (b.c[i] - first) / first >= F(6, 10)}
    for name in ("single-day drop", "close vs open"):
        checks[name] = not any(flags[name][j] for j in window)
    for name in ("two-day drop", "close vs previous open"):
        checks[name] = not any(flags[name][j] for j in pairs)
    return _failed(checks)


def why_not_rsi_rebound(b: Bars, i):
    r0, r1 = b.rsi(i - 1), b.rsi(i)
    if not _ok(r0, r1):
        return {"history"}
    return _failed({"below 30 before": r0 < 30, ">= 30 today": r1 >= 30})


def why_not_boll_lower(b: Bars, i):
    lo_low, lo_close = b.boll_lower_cmp(b.l[i], i), b.boll_lower_cmp(b.c[i], i)
    if not _ok(lo_low, lo_close):
        return {"history"}
    return _failed({"low<=lower": lo_low <= 0, "close>lower": lo_close > 0, "close>=open": b.c[i] >= b.o[i]})


def why_not_shrink_pullback(b: Bars, i):
    m20, m60, m20_5, pm = b.ma(20, i), b.ma(60, i), b.ma(20, i - 5), b.prev_vmean(i)
    if not _ok(m20, m60, m20_5, pm):
        return {"history"}
    return _failed({
        "MA20>MA60": m20 > m60, "MA20 rising": m20 > m20_5,
        "pulled back": b.c[i] <= F(95, 100) * b.hhv(20, i), "holding MA20": b.c[i] >= F(98, 100) * m20,
        "down bar": b.c[i] < b.c[i - 1], "quiet volume": b.v[i] < F(6, 10) * pm,
    })


def why_not_ma30_rising(b: Bars, i):
    m0, m9, m19, m29 = (b.ma(30, i - k) for k in (0, 9, 19, 29))
    if not _ok(m29):
        return {"history"}
    return _failed({"m0>m9": m0 > m9, "m9>m19": m9 > m19, "m19>m29": m19 > m29, "m0>1.2*m29": m0 > F(12, 10) * m29})


WHY_NOT = {
    "ma_bull": why_not_ma_bull, "macd_golden": why_not_macd_golden, "kdj_golden": why_not_kdj_golden,
    "volume_up": why_not_volume_up, "turtle_breakout": why_not_turtle, "pullback_ma250": why_not_pullback_ma250,
    "parking_apron": why_not_parking_apron, "platform_breakout": why_not_platform_breakout,
    "no_big_drawdown": why_not_no_big_drawdown, "rsi_oversold_rebound": why_not_rsi_rebound,
    "boll_lower_support": why_not_boll_lower, "shrink_pullback": why_not_shrink_pullback,
    "ma30_rising": why_not_ma30_rising, "volume_limit_down": why_not_volume_limit_down,
}


def ref_fires(sid: str, b: Bars, i: int) -> bool:
    return not WHY_NOT[sid](b, i)
