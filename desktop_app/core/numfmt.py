"""Numbers the way Chinese trading software shows them — one formatter for every view.

``big`` shortens volumes and amounts: 万/亿 in Chinese (1.23亿, 4567.8万), K/M/B in English.
Missing values (None, NaN, inf) show as "—". ``lang`` is "zh"/"zh_CN" or "en".
"""
from __future__ import annotations

import math
from typing import Any

MISSING = "—"
_ZH_UNITS = ((1e8, "亿"), (1e4, "万"))
_EN_UNITS = ((1e9, "B"), (1e6, "M"), (1e3, "K"))


def finite(x: Any) -> bool:
    if x is None or isinstance(x, bool):
        return False
    try:
        return math.isfinite(float(x))
    except (TypeError, ValueError):
        return False


def _zh(lang: str) -> bool:
    return str(lang).lower().startswith("zh")


def num(x: Any, digits: int = 2, thousands: bool = False) -> str:
    if not finite(x):
        return MISSING
    return f"{float(x):,.{digits}f}" if thousands else f"{float(x):.{digits}f}"


def pct(x: Any, digits: int = 2, sign: bool = True) -> str:
    if not finite(x):
        return MISSING
    return f"{float(x):+.{digits}f}%" if sign else f"{float(x):.{digits}f}%"


def big(x: Any, lang: str, digits: int = 2, small_digits: int = 0) -> str:
    """1.23亿 / 4567.89万 / 123 (zh); 123.46M / 1.23K (en)."""
    if not finite(x):
        return MISSING
    v = float(x)
    for scale, unit in (_ZH_UNITS if _zh(lang) else _EN_UNITS):
        if abs(v) >= scale:
            return f"{v / scale:.{digits}f}{unit}"
    return f"{v:.{small_digits}f}"


def axis(x: float, top: float, lang: str) -> str:
    """A compact axis tick label for a scale whose largest tick is ``top`` (one unit per axis)."""
    if not x:
        return "0"
    if _zh(lang):
        return f"{x / 1e8:.3g}亿" if top >= 1e8 else f"{x / 1e4:.4g}万"
    for scale, unit in _EN_UNITS:
        if top >= scale:
            return f"{x / scale:.3g}{unit}"
    return f"{x:g}"
