"""Translations without build tools: English source strings, a JSON catalogue per language.

Every user-visible string goes through ``tr("English text")``. ``resources/i18n/zh_CN.json`` maps
the English text to Chinese; English needs no catalogue. The language applies live: widgets
implement ``retranslate()`` and the main window calls it on every panel after ``set_language``.

``JsonTranslator`` is a ``QTranslator`` backed by the same catalogue, installed on the application
so that ``QCoreApplication.translate`` (and Qt's own ``tr`` on any context) answers too; no
``lrelease``/``.qm`` step is needed at install time.
"""
from __future__ import annotations

import json
import logging
from functools import lru_cache
from typing import Any

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QObject, QTranslator, Signal

from desktop_app.core import paths

log = logging.getLogger(__name__)

LANGUAGES = ("zh_CN", "en")
CHOICES = ("system", "zh_CN", "en")  # what the settings dialog offers
_current = "en"


@lru_cache(maxsize=None)
def catalogue(lang: str) -> dict[str, str]:
    """English text -> translated text for ``lang`` (empty for English or a missing file).

    ``<lang>.json`` is the main catalogue; ``<lang>_<part>.json`` files (e.g. the stock view's
    ``zh_CN_stock.json``) are merged in underneath it, so the main catalogue wins on a clash."""
    if lang == "en":
        return {}
    folder = paths.resources_dir() / "i18n"
    out: dict[str, str] = {}
    for path in sorted(folder.glob(f"{lang}_*.json")) + [folder / f"{lang}.json"]:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:  # a broken catalogue must not stop the app
            log.warning("translation catalogue %s unreadable: %s", path, e)
            continue
        out.update({k: v for k, v in data.items() if isinstance(v, str) and not k.startswith("__")})
    return out


def resolve(choice: str | None) -> str:
    """Settings choice ("system" | "zh_CN" | "en") -> an actual language."""
    if choice in LANGUAGES:
        return choice  # type: ignore[return-value]
    return "zh_CN" if QLocale.system().name().lower().startswith("zh") else "en"


def current_language() -> str:
    return _current


def tr(text: str) -> str:
    """The current language's translation of the English ``text`` (the text itself if none)."""
    if _current == "en":
        return text
    return catalogue(_current).get(text, text)


def is_zh() -> bool:
    """True when the UI speaks Chinese."""
    return current_language() == "zh_CN"


def model_lang() -> str:
    """The UI language as core and the models name it ("zh" | "en")."""
    return "zh" if _current == "zh_CN" else "en"


def reason_text(reason: Any) -> str:
    """A core Reason (or an exception carrying one, or stored text) in the UI language."""
    from desktop_app.core.reasons import Reason

    return Reason.of(reason).text(model_lang())


def pick(pair: tuple[str, str] | list[str]) -> str:
    """Choose from a core ``(zh, en)`` pair (BOARDS, INDEXES, HIT_HEADERS, strategy names) in the
    UI language: core's ``catalogue.pick``."""
    from desktop_app.core.catalogue import pick as pick_in

    return pick_in(tuple(pair), model_lang())


class JsonTranslator(QTranslator):
    """A QTranslator answering from the JSON catalogue of the current language."""

    def translate(self, context, source_text, disambiguation=None, n=-1):  # noqa: D401 (Qt override)
        if _current == "en" or not source_text:
            return None
        return catalogue(_current).get(source_text)

    def isEmpty(self) -> bool:  # noqa: N802 (Qt override)
        return False


class _Notifier(QObject):
    language_changed = Signal(str)


notifier = _Notifier()
_translator: JsonTranslator | None = None
_qt_translator: QTranslator | None = None  # Qt's own strings (OK / Cancel, file dialogs) in Chinese


def _apply_qt_translations(app: QCoreApplication, lang: str) -> None:
    """Install Qt's bundled ``qtbase_<lang>.qm`` (standard buttons, dialogs) or remove it for English."""
    global _qt_translator
    if _qt_translator is not None:
        app.removeTranslator(_qt_translator)
        _qt_translator = None
    if lang == "en":
        return
    t = QTranslator(app)
    if t.load(f"qtbase_{lang}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(t)
        _qt_translator = t
    else:  # a Qt build without translations: Qt's few own strings stay English
        log.info("no qtbase_%s.qm in this Qt build", lang)


def set_language(choice: str | None) -> str:
    """Apply a settings choice at once; returns the resolved language. Emits ``language_changed``."""
    global _current, _translator
    lang = resolve(choice)
    changed = lang != _current
    _current = lang
    app = QCoreApplication.instance()
    if app is not None and _translator is None:
        _translator = JsonTranslator(app)
        app.installTranslator(_translator)
    if app is not None and (changed or (_qt_translator is None) != (lang == "en")):
        _apply_qt_translations(app, lang)
    if changed:
        notifier.language_changed.emit(lang)
    return lang
