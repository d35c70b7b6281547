"""Structured reasons: why a stock was rejected, excluded or failed, why a request cannot run.

Core never explains itself in a sentence of one language. It reports a :class:`Reason` — a stable
``code`` and its ``params`` — and the words come from one catalogue (``core/catalogue.py``) in the
language the reader asks for: ``reason.text("zh")`` for the window and ``stockscan-cli --lang zh``,
``str(reason)`` (English) for logs. A parameter may itself be a ``Reason`` (a nested cause) or a
``{"zh": …, "en": …}`` pair (an index or board name); both render in the same language.

History keeps ``code``, ``params`` and the English text (``to_json``); rows written before reasons
had codes come back through ``Reason.of(text)`` as a plain text reason, shown as written.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

LANGS = ("zh", "en")
TEXT = "text"          # the code of a reason that is only a stored sentence (legacy rows, foreign text)


def lang_of(lang: str | None) -> str:
    """"zh_CN" / "zh" -> "zh"; anything else -> "en"."""
    return "zh" if str(lang or "").lower().startswith("zh") else "en"


@dataclass(frozen=True, eq=True)
class Reason:
    code: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def text(self, lang: str = "en") -> str:
        from .catalogue import REASONS

        lang = lang_of(lang)
        pair = REASONS.get(self.code)
        if pair is None:  # a code this build does not know (a newer history file): say what we have
            return str(self.params.get(TEXT) or self.code)
        template = pair[0] if lang == "zh" else pair[1]
        values = {k: render_param(v, lang) for k, v in self.params.items()}
        try:
            return template.format(**values)
        except (KeyError, IndexError, ValueError):  # a param missing from an old record
            return str(self.params.get(TEXT) or template)

    def __str__(self) -> str:
        return self.text("en")

    def __repr__(self) -> str:
        return f"Reason({self.code!r}, {dict(self.params)!r})"

    def to_json(self) -> dict:
        return {"code": self.code, "params": {k: _jsonable(v) for k, v in self.params.items()},
                "text": self.text("en")}

    @classmethod
    def of(cls, value: Any) -> "Reason":
        """A Reason from what may be stored or raised: a Reason, its JSON, an exception carrying
        ``.reason``, or plain text (kept as written)."""
        if isinstance(value, Reason):
            return value
        if isinstance(value, Mapping) and "code" in value:
            params = {k: _from_json(v) for k, v in dict(value.get("params") or {}).items()}
            if value["code"] not in _known() and value.get("text"):
                params.setdefault(TEXT, value["text"])
            return cls(str(value["code"]), params)
        if isinstance(value, BaseException):
            inner = getattr(value, "reason", None)
            if isinstance(inner, Reason):
                return inner
            return unexpected(value)
        return cls(TEXT, {TEXT: "" if value is None else str(value)})


def reason_from_column(stored: Any) -> Reason:
    """A reason kept in a database column: its JSON (``to_json``), or the plain text an older
    version wrote."""
    if isinstance(stored, str) and stored.startswith("{"):
        try:
            import json
            return Reason.of(json.loads(stored))
        except ValueError:
            pass
    return Reason.of(stored)


def R(reason_code: str, /, **params: Any) -> Reason:  # noqa: N802 - reads like a constructor
    """``R("history_too_short", bars=40, minimum=60)``."""
    return Reason(reason_code, params)


def unexpected(exc: BaseException) -> Reason:
    """An exception core did not classify: its type and text, kept for the log and the user."""
    text = str(exc).strip()
    return R("unexpected", type=type(exc).__name__, detail=text or type(exc).__name__)


def term(zh: str, en: str) -> dict:
    """A parameter that is a name with a spelling per language (index, board, host)."""
    return {"zh": zh, "en": en}


def render_param(value: Any, lang: str) -> str:
    if isinstance(value, Reason):
        return value.text(lang)
    if isinstance(value, Mapping) and set(value) >= {"zh", "en"}:
        return str(value["zh"] if lang == "zh" else value["en"])
    if isinstance(value, Mapping) and "code" in value:
        return Reason.of(value).text(lang)
    if isinstance(value, (list, tuple)):
        return ("、" if lang == "zh" else ", ").join(render_param(v, lang) for v in value)
    if isinstance(value, float):
        return f"{value:g}" if math.isfinite(value) else "—"
    return str(value)


def texts(reasons: Iterable[Any], lang: str, sep: str | None = None) -> str:
    """Several reasons as one line (validation problems)."""
    lang = lang_of(lang)
    joiner = sep if sep is not None else ("；" if lang == "zh" else "; ")
    return joiner.join(Reason.of(r).text(lang) for r in reasons)


class ReasonError(Exception):
    """An exception whose message is a Reason (``str()`` is the English for logs and tracebacks).

    Mixed into core's exceptions (ScanError, SymbolError, DataError …) so that any layer can show
    ``exc.reason.text(lang)``."""

    def __init__(self, reason: Reason | str, *args: Any):
        self.reason = Reason.of(reason)
        super().__init__(str(self.reason), *args)

    def text(self, lang: str) -> str:
        return self.reason.text(lang)


def _known() -> Mapping[str, Any]:
    from .catalogue import REASONS
    return REASONS


def _jsonable(v: Any) -> Any:
    if isinstance(v, Reason):
        return v.to_json()
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    if isinstance(v, Mapping):
        return {str(k): _jsonable(x) for k, x in v.items()}
    if isinstance(v, (str, int, bool)) or v is None:
        return v
    if isinstance(v, float):
        return v if math.isfinite(v) else None
    if hasattr(v, "item"):  # numpy scalars
        try:
            return _jsonable(v.item())
        except (TypeError, ValueError):
            pass
    return str(v)


def _from_json(v: Any) -> Any:
    if isinstance(v, Mapping) and "code" in v and "params" in v:
        return Reason.of(v)
    if isinstance(v, list):
        return [_from_json(x) for x in v]
    return v
