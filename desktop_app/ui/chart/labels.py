"""The chart's words and number formats in the UI language (zh: 万/亿, en: K/M/B)."""
from __future__ import annotations

from ...core import numfmt
from ..i18n import model_lang, tr


def level_name(kind: str) -> str:
    """Short label of a support/resistance line."""
    if kind == "resistance":
        return tr("Resistance")
    if kind == "support":
        return tr("Support")
    return kind


def big_number(v: float, digits: int = 2) -> str:
    """Volume/amount-sized numbers the way the user reads them: 1.23亿 / 123.45M."""
    return numfmt.big(v, model_lang(), digits, small_digits=digits)


def axis_number(v: float, top: float) -> str:
    """A compact y-axis tick label for a pane whose largest tick is ``top``."""
    return numfmt.axis(v, top, model_lang())
