"""The seed system's per-stock scan path (SEED_SYSTEM.md §2.2–2.4, §2.6, §2.8), as the
``scan_full_market`` baseline, and an independent numpy computation of the same score to check it.

Per stock, one at a time, as ``StockAnalyzer.quick_analyze_stock`` does after its akshare call:

1. ``get_stock_data``'s processing of the ``stock_zh_a_hist`` frame (365 calendar days, Chinese
   columns): rename, date parsing, numeric coercion, ``dropna()``, sort by date;
2. ``calculate_indicators``: MA5/20/60 as ``ewm(span, adjust=False)``, RSI(14) from simple rolling
   means of gains and losses, MACD 12/26/9 (not ×2), BOLL 20 ± 2 sample std, SMA20 of volume and
   the volume ratio, ATR(14) as a simple mean of TR, volatility, ROC10; rounded as §2.3 says;
3. ``calculate_score`` (A-share weights, the last bar, any exception → 50), §2.4;
4. the scan row: price change, MA trend, MACD signal, volume status, recommendation (§2.6).

Not timed (so the baseline is a lower bound for the seed): the network requests
(``stock_zh_a_hist``, ``stock_individual_info_em``, ``stock_info_a_code_name``, ~3 per stock)
and akshare's own parsing; the frames are built beforehand from the warm store.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

_RENAME = {"日期": "date", "开盘": "open", "收盘": "close", "最高": "high", "最低": "low",
           "成交量": "volume", "成交额": "amount"}
_LABELS = ((85, "强烈建议买入"), (70, "建议买入"), (55, "谨慎买入"), (45, "持观望态度"),
           (30, "谨慎持有"), (15, "建议减仓"), (-math.inf, "建议卖出"))
_WEIGHTS = {"trend": 0.30, "volatility": 0.15, "technical": 0.25, "volume": 0.20, "momentum": 0.10}


def akshare_frame(bars: pd.DataFrame, end: pd.Timestamp) -> pd.DataFrame:
    """What ``ak.stock_zh_a_hist(symbol, start, end, adjust="qfq")`` hands the seed for the 365
    calendar days ending at ``end`` (dates as text, the Chinese column names)."""
    win = bars.loc[bars.index > end - pd.Timedelta(days=365)]
    return pd.DataFrame({"日期": win.index.strftime("%Y-%m-%d"), "开盘": win["open"].to_numpy(),
                         "收盘": win["close"].to_numpy(), "最高": win["high"].to_numpy(),
                         "最低": win["low"].to_numpy(), "成交量": win["volume"].to_numpy(),
                         "成交额": win["amount"].to_numpy()})


def get_stock_data(raw: pd.DataFrame) -> pd.DataFrame:
    """§2.2 "Processing"."""
    df = raw.rename(columns=_RENAME)
    df["date"] = pd.to_datetime(df["date"])
    for col in ("open", "close", "high", "low", "volume", "amount"):
        df[col] = pd.to_numeric(df[col], errors="coerce")
    return df.dropna().sort_values("date")


def calculate_indicators(df: pd.DataFrame) -> pd.DataFrame:
    """§2.3, as implemented (EMAs named MA, Cutler RSI, MACD not doubled), then §2.3's rounding."""
    c = df["close"]
    for name, span in (("MA5", 5), ("MA20", 20), ("MA60", 60)):
        df[name] = c.ewm(span=span, adjust=False).mean()
    delta = c.diff()
    gain = delta.where(delta > 0, 0).rolling(window=14).mean()
    loss = (-delta.where(delta < 0, 0)).rolling(window=14).mean()
    df["RSI"] = 100 - (100 / (1 + gain / loss))
    df["MACD"] = c.ewm(span=12, adjust=False).mean() - c.ewm(span=26, adjust=False).mean()
    df["Signal"] = df["MACD"].ewm(span=9, adjust=False).mean()
    df["MACD_hist"] = df["MACD"] - df["Signal"]
    mid, std = c.rolling(window=20).mean(), c.rolling(window=20).std()
    df["BB_upper"], df["BB_middle"], df["BB_lower"] = mid + 2 * std, mid, mid - 2 * std
    df["Volume_MA"] = df["volume"].rolling(window=20).mean()
    df["Volume_Ratio"] = df["volume"] / df["Volume_MA"]
    ranges = pd.concat([df["high"] - df["low"], (df["high"] - c.shift()).abs(), (df["low"] - c.shift()).abs()],
                       axis=1)
    df["ATR"] = ranges.max(axis=1).rolling(14).mean()
    df["Volatility"] = df["ATR"] / c * 100
    df["ROC"] = c.pct_change(periods=10) * 100
    two = ["open", "close", "high", "low", "MA5", "MA20", "MA60", "BB_upper", "BB_middle", "BB_lower"]
    df[two] = df[two].round(2)
    df[["MACD", "Signal", "MACD_hist"]] = df[["MACD", "Signal", "MACD_hist"]].round(3)
    df[["RSI", "Volatility", "ROC", "Volume_Ratio"]] = df[["RSI", "Volatility", "ROC", "Volume_Ratio"]].round(2)
    return df


def calculate_score(df: pd.DataFrame) -> int:
    """§2.4 with the A-share weights (the scan passes no market type)."""
    try:
        latest, prev = df.iloc[-1], df.iloc[-2]
        trend = 0
        if latest["MA5"] > latest["MA20"] and latest["MA20"] > latest["MA60"]:
            trend += 15
        elif latest["MA5"] > latest["MA20"]:
            trend += 10
        elif latest["MA20"] > latest["MA60"]:
            trend += 5
        for ma in ("MA5", "MA20", "MA60"):
            if latest["close"] > latest[ma]:
                trend += 5
        trend = min(30, trend)
        v = latest["Volatility"]
        vol = 15 if 1.0 <= v <= 2.5 else 10 if 2.5 < v <= 4.0 else 5 if v < 1.0 else 0
        r = latest["RSI"]
        tech = 7 if 40 <= r <= 60 else 10 if (30 <= r < 40 or 60 < r <= 70) else 8 if r < 30 else 2 if r > 70 else 0
        if latest["MACD"] > latest["Signal"] and latest["MACD_hist"] > 0:
            tech += 10
        elif latest["MACD"] > latest["Signal"]:
            tech += 8
        elif latest["MACD"] < latest["Signal"] and latest["MACD_hist"] < 0:
            tech += 0
        elif latest["MACD_hist"] > prev["MACD_hist"]:
            tech += 5
        with np.errstate(invalid="ignore", divide="ignore"):
            bb = (latest["close"] - latest["BB_lower"]) / (latest["BB_upper"] - latest["BB_lower"])
        tech += 3 if 0.3 <= bb <= 0.7 else 5 if bb < 0.2 else 1 if bb > 0.8 else 0
        tech = min(25, tech)
        recent = df["Volume_Ratio"].iloc[-min(5, len(df) - 1):]
        avg_vr = sum(recent) / len(recent)
        up, down = latest["close"] > prev["close"], latest["close"] < prev["close"]
        volume = (20 if avg_vr > 1.5 and up else 15 if avg_vr > 1.2 and up else 10 if avg_vr < 0.8 and down
                  else 0 if avg_vr > 1.2 and down else 8)
        m = latest["ROC"]
        mom = 10 if m > 5 else 8 if 2 <= m <= 5 else 5 if 0 <= m < 2 else 3 if -2 <= m < 0 else 0
        parts = {"trend": trend, "volatility": vol, "technical": tech, "volume": volume, "momentum": mom}
        final = sum(parts[k] * (_WEIGHTS[k] / _WEIGHTS[k]) for k in parts)
        return max(0, min(100, round(final)))
    except Exception:  # noqa: BLE001 - the seed's behaviour: any failure scores 50
        return 50


def quick_analyze_stock(raw: pd.DataFrame, code: str) -> dict:
    """One scan row (§2.8), from the akshare frame on."""
    df = calculate_indicators(get_stock_data(raw))
    score = calculate_score(df)
    latest, prev = df.iloc[-1], df.iloc[-2]
    return {"stock_code": code, "score": score, "price": latest["close"],
            "price_change": (latest["close"] - prev["close"]) / prev["close"] * 100,
            "ma_trend": "UP" if latest["MA5"] > latest["MA20"] else "DOWN", "rsi": latest["RSI"],
            "macd_signal": "BUY" if latest["MACD"] > latest["Signal"] else "SELL",
            "volume_status": "HIGH" if latest["Volume_Ratio"] > 1.5 else "NORMAL",
            "recommendation": next(lab for lim, lab in _LABELS if score >= lim)}


def scores_numpy(raw_frames: list[pd.DataFrame]) -> np.ndarray:
    """The same score, computed independently: StockScan's indicator kernels on arrays (the 通达信
    EMA is pandas' ewm(adjust=False); Cutler RSI is a plain mean of gains and losses), the same
    rounding, the rules as vectorised comparisons. For checking :func:`calculate_score`."""
    from desktop_app.core import indicators as ind

    out = []
    for raw in raw_frames:
        c, h, l, v = (raw[k].to_numpy(dtype=float) for k in ("收盘", "最高", "最低", "成交量"))
        ema = {n: np.round(ind.ema(c, n), 2) for n in (5, 20, 60)}
        d = np.r_[np.nan, np.diff(c)]
        with np.errstate(invalid="ignore", divide="ignore"):
            g, lo = ind.sma(np.where(d > 0, d, 0.0), 14), ind.sma(np.where(d < 0, -d, 0.0), 14)
            rsi = np.round(100 - 100 / (1 + g / lo), 2)
            dif = ind.ema(c, 12) - ind.ema(c, 26)
            sig = ind.ema(dif, 9)
            macd, sig, hist = np.round(dif, 3), np.round(sig, 3), np.round(dif - sig, 3)
            mid, sd = ind.sma(c, 20), ind.stdev(c, 20)
            upper, lower = np.round(mid + 2 * sd, 2), np.round(mid - 2 * sd, 2)
            vr = np.round(v / ind.sma(v, 20), 2)
            vola = np.round(ind.atr(h, l, c, 14) / c * 100, 2)
            roc = np.round((c / ind.shift(c, 10) - 1) * 100, 2)
            cl = np.round(c, 2)
            x, p = -1, -2
            e5, e20, e60 = ema[5][x], ema[20][x], ema[60][x]
            trend = 15 if e5 > e20 > e60 else 10 if e5 > e20 else 5 if e20 > e60 else 0
            trend = min(30, trend + 5 * int(cl[x] > e5) + 5 * int(cl[x] > e20) + 5 * int(cl[x] > e60))
            vo = vola[x]
            vol = 15 if 1.0 <= vo <= 2.5 else 10 if 2.5 < vo <= 4.0 else 5 if vo < 1.0 else 0
            r = rsi[x]
            tech = 7 if 40 <= r <= 60 else 10 if (30 <= r < 40 or 60 < r <= 70) else 8 if r < 30 else 2 if r > 70 else 0
            tech += (10 if hist[x] > 0 else 8) if macd[x] > sig[x] else 0 if (macd[x] < sig[x] and hist[x] < 0) \
                else 5 if hist[x] > hist[p] else 0
            bb = (cl[x] - lower[x]) / (upper[x] - lower[x])
            tech = min(25, tech + (3 if 0.3 <= bb <= 0.7 else 5 if bb < 0.2 else 1 if bb > 0.8 else 0))
            avg = vr[-5:].mean()
            up, down = cl[x] > cl[p], cl[x] < cl[p]
            volume = (20 if avg > 1.5 and up else 15 if avg > 1.2 and up else 10 if avg < 0.8 and down
                      else 0 if avg > 1.2 and down else 8)
            m = roc[x]
            mom = 10 if m > 5 else 8 if 2 <= m <= 5 else 5 if 0 <= m < 2 else 3 if -2 <= m < 0 else 0
        out.append(max(0, min(100, trend + vol + tech + volume + mom)))
    return np.array(out, dtype=float)
