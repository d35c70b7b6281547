"""The chart's words and number formats in the UI language (zh: 万/亿, en: K/M/B)."""
from __future__ import annotations

from ..i18n import is_zh, tr


def level_name(kind: str) -> str:
    """Short label of a support/resistance line."""
    if kind == "resistance":
        return tr("Resistance")
    if kind == "support":
        return tr("Support")
    return kind


def big_number(v: float, digits: int = 2) -> str:
    """Volume/amount-sized numbers the way the user reads them: 1.23亿 / 123.4M."""
    a = abs(v)
    if is_zh():
        if a >= 1e8:
            return f"{v / 1e8:.{digits}f}亿"
        if a >= 1e4:
            return f"{v / 1e4:.{digits}f}万"
        return f"{v:.{digits}f}"
    for scale, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if a >= scale:
            return f"{v / scale:.{digits}f}{suffix}"
    return f"{v:.{digits}f}"


def axis_number(v: float, top: float) -> str:
    """A compact y-axis tick label for a pane whose largest tick is ``top``."""
    if not v:
        return "0"
    if is_zh():
        if top >= 1e8:
            return f"{v / 1e8:.3g}亿"
        return f"{v / 1e4:.4g}万"
    for scale, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if top >= scale:
            return f"{v / scale:.3g}{suffix}"
    return f"{v:g}"
