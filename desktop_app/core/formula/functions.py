"""The vocabulary of the language: data names, functions (signature, parameter rules, kernel,
zh/en help), built-in indicators, future functions refused, drawing attributes.

``FUNCTIONS`` is also the help table an editor shows (completion, signature, meaning): see
``help_table()``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from . import kernels as k

#: Data names -> panel field (VOL is in 手 = 100 shares, as 通达信 shows A-share volume).
DATA: dict[str, str] = {
    "O": "open", "OPEN": "open", "开盘价": "open", "H": "high", "HIGH": "high", "最高价": "high",
    "L": "low", "LOW": "low", "最低价": "low", "C": "close", "CLOSE": "close", "收盘价": "close",
    "V": "volume", "VOL": "volume", "成交量": "volume", "AMOUNT": "amount", "AMO": "amount", "成交额": "amount",
}
VOLUME_UNIT = 100.0      # shares per 手
#: Fundamental data names -> panel field (``core/scan_fundamentals.py`` adds these fields to a
#: scan's panel: per-stock constants, the latest values as of the scan day, broadcast over the
#: days; a validation binds each day's values instead, core/validation_formula_fields; docs/FORMULAS.md
#: "Fundamental variables"). Caps in 亿元, ratios and growth in percent.
FUNDAMENTAL_DATA: dict[str, str] = {
    "PE": "f_pe", "市盈率": "f_pe", "PB": "f_pb", "市净率": "f_pb",
    "ZSZ": "f_market_cap", "总市值": "f_market_cap", "LTSZ": "f_float_cap", "流通市值": "f_float_cap",
    "ROE": "f_roe", "净资产收益率": "f_roe", "EPS": "f_eps", "每股收益": "f_eps",
    "NPYOY": "f_profit_yoy", "净利润同比": "f_profit_yoy", "YYSRYOY": "f_revenue_yoy", "营业收入同比": "f_revenue_yoy",
    "MGJZC": "f_bvps", "每股净资产": "f_bvps", "MLL": "f_gross_margin", "毛利率": "f_gross_margin",
}
DATA.update(FUNDAMENTAL_DATA)

MAX_N = 10_000           # the largest window (N) a function accepts


@dataclass(frozen=True)
class Param:
    """One argument: ``series`` (any value) or ``n`` (a window/number that must be a constant
    unless ``dynamic``), with its allowed range; ``zero``: N=0 means "since the first bar"."""
    name: str
    kind: str = "series"
    lo: float = 1
    hi: float = MAX_N
    integer: bool = True
    dynamic: bool = False


X, A, B = Param("X"), Param("A"), Param("B")
N1 = Param("N", "n", lo=1)
N0 = Param("N", "n", lo=0)                       # N = 0: since the first bar
N0D = Param("N", "n", lo=0, dynamic=True)        # … or a series
N2 = Param("N", "n", lo=2)


@dataclass(frozen=True)
class Function:
    name: str
    params: tuple[Param, ...]
    run: Callable                   # run(frame, *argument values)
    zh: str
    en: str
    boolean: bool = False           # returns a condition (1/0)

    @property
    def signature(self) -> str:
        return f"{self.name}({','.join(p.name for p in self.params)})"


def _f(name, params, run, zh, en, boolean=False) -> Function:
    return Function(name, tuple(params), run, zh, en, boolean)


def _math(name):
    return lambda f, *a: k.maths(name, *a)


_LIST = [
    _f("MA", (X, N1), k.ma, "简单移动平均：最近N根K线X的平均值", "simple moving average of X over N bars"),
    _f("EMA", (X, N1), lambda f, x, n: k.recursion(f, x, 2.0 / (n + 1)),
       "指数移动平均：Y=(2X+(N-1)Y')/(N+1)", "exponential moving average: Y=(2X+(N-1)Y')/(N+1)"),
    _f("EXPMA", (X, N1), lambda f, x, n: k.recursion(f, x, 2.0 / (n + 1)), "同 EMA", "same as EMA"),
    _f("SMA", (X, N1, Param("M", "n", lo=1)), lambda f, x, n, m: k.recursion(f, x, m / n),
       "移动平均：Y=(M×X+(N-M)×Y')/N", "smoothed average: Y=(M×X+(N-M)×Y')/N"),
    _f("DMA", (X, Param("A", "n", lo=0, hi=1, integer=False, dynamic=True)), lambda f, x, a: k.recursion(f, x, a),
       "动态移动平均：Y=A×X+(1-A)×Y'，0<A≤1", "dynamic moving average: Y=A×X+(1-A)×Y', 0<A≤1"),
    _f("WMA", (X, N1), k.wma, "加权移动平均：权重N,N-1,…,1（今天最重）",
       "weighted moving average: weights N, N-1, …, 1 (today heaviest)"),
    _f("REF", (X, Param("N", "n", lo=0, dynamic=True)), k.shift, "N根K线之前的X", "X as it was N bars ago"),
    _f("HHV", (X, N0D), lambda f, x, n: k.extreme(f, x, n, True), "N根K线内X的最高值（N=0：从第一根起）",
       "highest X over N bars (N=0: since the first bar)"),
    _f("LLV", (X, N0D), lambda f, x, n: k.extreme(f, x, n, False), "N根K线内X的最低值（N=0：从第一根起）",
       "lowest X over N bars (N=0: since the first bar)"),
    _f("HHVBARS", (X, N0), lambda f, x, n: k.extreme_bars(f, x, n, True), "N根K线内X最高值到今天的K线数",
       "bars since the highest X of the last N bars"),
    _f("LLVBARS", (X, N0), lambda f, x, n: k.extreme_bars(f, x, n, False), "N根K线内X最低值到今天的K线数",
       "bars since the lowest X of the last N bars"),
    _f("CROSS", (A, B), k.cross, "A 上穿 B：今天 A>B 且昨天 A≤B", "A crosses above B: A>B today, A≤B yesterday",
       boolean=True),
    _f("LONGCROSS", (A, B, N1), k.longcross, "A 在之前N根K线都小于B，今天上穿B",
       "A was below B on each of the N bars before and crosses above it today", boolean=True),
    _f("COUNT", (X, N0D), k.count, "N根K线内条件X成立的次数（N=0：从第一根起）",
       "how often X held in the last N bars (N=0: since the first bar)"),
    _f("EVERY", (X, N1), k.every, "N根K线内条件X一直成立", "X held on each of the last N bars", boolean=True),
    _f("EXIST", (X, N1), k.exist, "N根K线内条件X至少成立一次", "X held at least once in the last N bars",
       boolean=True),
    _f("BARSLAST", (X,), k.barslast, "上一次条件X成立到今天的K线数（今天成立为0）",
       "bars since X last held (0 if it holds today)"),
    _f("BARSLASTCOUNT", (X,), k.barslastcount, "条件X连续成立的K线数（到今天）",
       "bars in a row, up to today, on which X held"),
    _f("BARSCOUNT", (X,), k.barscount, "X的第一个有效值到今天的K线数（含今天）",
       "bars from X's first valid value to today, both included"),
    _f("SUM", (X, N0D), k.total, "N根K线X的总和（N=0：从第一根起累加）", "sum of X over N bars (N=0: since the first bar)"),
    _f("STD", (X, N2), lambda f, x, n: k.std(f, x, n, 1), "样本标准差（N-1）", "sample standard deviation (N-1)"),
    _f("STDP", (X, N1), lambda f, x, n: k.std(f, x, n, 0), "总体标准差（N）", "population standard deviation (N)"),
    _f("VAR", (X, N2), lambda f, x, n: k.variance(f, x, n, 1), "样本方差（N-1）", "sample variance (N-1)"),
    _f("VARP", (X, N1), lambda f, x, n: k.variance(f, x, n, 0), "总体方差（N）", "population variance (N)"),
    _f("AVEDEV", (X, N1), k.avedev, "平均绝对偏差：|X-MA(X,N)| 的平均", "mean absolute deviation from MA(X,N)"),
    _f("SLOPE", (X, N2), k.slope, "N根K线X的线性回归斜率", "slope of the least-squares line of X over N bars"),
    _f("FORCAST", (X, N2), k.forecast, "N根K线X的线性回归预测值（今天）",
       "today's value of the least-squares line of X over N bars"),
    _f("IF", (Param("COND"), A, B), k.if_, "条件成立取A，否则取B", "A where COND holds, else B"),
    _f("IFF", (Param("COND"), A, B), k.if_, "同 IF", "same as IF"),
    _f("IFN", (Param("COND"), A, B), lambda f, c, a, b: k.if_(f, c, b, a), "条件不成立取A，否则取B",
       "A where COND does not hold, else B"),
    _f("ABS", (X,), _math("ABS"), "绝对值", "absolute value"),
    _f("MAX", (A, B), _math("MAX"), "A和B中较大的", "the larger of A and B"),
    _f("MIN", (A, B), _math("MIN"), "A和B中较小的", "the smaller of A and B"),
    _f("SQRT", (X,), _math("SQRT"), "平方根", "square root"),
    _f("POW", (A, B), _math("POW"), "A的B次方", "A to the power B"),
    _f("LN", (X,), _math("LN"), "自然对数", "natural logarithm"),
    _f("LOG", (X,), _math("LOG"), "常用对数（以10为底）", "base-10 logarithm"),
    _f("EXP", (X,), _math("EXP"), "e的X次方", "e to the power X"),
    _f("ROUND", (X,), _math("ROUND"), "四舍五入取整", "rounded to a whole number (halves away from 0)"),
    _f("INTPART", (X,), _math("INTPART"), "取整数部分（向0截断）", "integer part (towards 0)"),
    _f("MOD", (A, B), _math("MOD"), "A除以B的余数", "remainder of A divided by B"),
    _f("NOT", (X,), lambda f, x: k.negate(x), "逻辑非", "logical not", boolean=True),
    _f("BETWEEN", (A, B, Param("C")), k.between, "A介于B和C之间（含两端）", "A between B and C (inclusive)",
       boolean=True),
    _f("RANGE", (A, B, Param("C")), k.range_, "A大于B且小于C", "A above B and below C", boolean=True),
    _f("FILTER", (X, N1), k.filter_, "X成立后，之后N根K线的信号置0",
       "X, with the N bars after each signal set to 0", boolean=True),
    _f("CONST", (X,), k.const, "X在最后一根K线的值，作为常数", "X's value on the last bar, as a constant"),
]
FUNCTIONS: dict[str, Function] = {f.name: f for f in _LIST}

#: Built-in indicators by name (通达信's default parameters): IND -> {line: index of the kernel's
#: result tuple}, its parameters, zh/en.
INDICATORS: dict[str, dict] = {
    "MACD": {"lines": {"DIF": 0, "DEA": 1, "MACD": 2}, "params": (12, 26, 9),
             "zh": "平滑异同平均（12,26,9）", "en": "MACD (12,26,9)"},
    "KDJ": {"lines": {"K": 0, "D": 1, "J": 2}, "params": (9, 3, 3), "zh": "随机指标（9,3,3）", "en": "KDJ (9,3,3)"},
    "RSI": {"lines": {"RSI1": 0, "RSI2": 1, "RSI3": 2}, "params": (6, 12, 24),
            "zh": "相对强弱指标（6,12,24）", "en": "RSI (6,12,24)"},
    "BOLL": {"lines": {"BOLL": 0, "MID": 0, "UPPER": 1, "UB": 1, "LOWER": 2, "LB": 2}, "params": (20, 2),
             "zh": "布林线（20,2）", "en": "Bollinger bands (20,2)"},
}

#: Functions that look at later bars: refused (docs/FORMULAS.md).
FUTURE = frozenset({"ZIG", "PEAK", "PEAKBARS", "TROUGH", "TROUGHBARS", "BACKSET", "REFX", "REFXV",
                    "XMA", "CONST2", "BARSNEXT", "FINDHIGH", "FINDLOW", "WINNER2"})
#: Known 通达信 names that are not screening functions (drawing, financial, real-time data).
UNSUPPORTED = frozenset({"DRAWTEXT", "DRAWICON", "DRAWLINE", "STICKLINE", "DRAWKLINE", "DRAWNUMBER",
                         "DRAWBAND", "POLYLINE", "PARTLINE", "DRAWGBK", "DRAWTEXT_FIX", "DRAWNULL",
                         "FINANCE", "DYNAINFO", "CAPITAL", "GPJYVALUE", "EXTDATA", "WINNER", "COST",
                         "PERIOD", "DATE", "TIME", "YEAR", "MONTH", "DAY", "WEEKDAY", "HOUR", "MINUTE",
                         "INDEXC", "INDEXO", "INDEXH", "INDEXL", "INDEXV", "INDEXA", "ISLASTBAR", "CURRBARSCOUNT"})


def help_table() -> list[dict]:
    """One row per function and built-in indicator line: name, signature, zh, en (an editor's
    completion list and help)."""
    rows = [{"name": f.name, "signature": f.signature, "zh": f.zh, "en": f.en} for f in _LIST]
    for ind, spec in INDICATORS.items():
        for line in spec["lines"]:
            rows.append({"name": f"{ind}.{line}", "signature": f"{ind}.{line}", "zh": spec["zh"], "en": spec["en"]})
    fund = {"zh": "基本面数据（扫描日最新值；验证中为每日当时值）",
            "en": "fundamental data (as of the scan day; each day's in a validation)"}
    bar = {"zh": "行情数据", "en": "bar data"}
    rows += [{"name": n, "signature": n, **(fund if n in FUNDAMENTAL_DATA else bar)} for n in DATA]
    return rows
