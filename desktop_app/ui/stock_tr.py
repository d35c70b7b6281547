"""``tr`` for the stock view, analysis panel and quick-open.

Their Chinese strings live in a catalogue of their own, ``resources/i18n/zh_CN_stock.json`` (so
several people could edit catalogues at once). ``i18n.tr`` answers first (the main catalogue wins
once the files are merged); this falls back to the stock catalogue. Read once, cached.
"""
from __future__ import annotations

import json
import logging
from functools import lru_cache

from desktop_app.core import paths
from desktop_app.ui import i18n

log = logging.getLogger(__name__)


@lru_cache(maxsize=None)
def _stock_catalogue(lang: str) -> dict[str, str]:
    if lang == "en":
        return {}
    path = paths.resources_dir() / "i18n" / f"{lang}_stock.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        log.warning("translation catalogue %s unreadable: %s", path, e)
        return {}
    return {k: v for k, v in data.items() if isinstance(v, str) and not k.startswith("__")}


def tr(text: str) -> str:
    lang = i18n.current_language()
    if lang == "en":
        return text
    out = i18n.tr(text)
    if out != text:
        return out
    return _stock_catalogue(lang).get(text, text)


def is_zh() -> bool:
    return i18n.current_language() == "zh_CN"
