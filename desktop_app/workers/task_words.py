"""The words of the task table: a task's kind, state, phase, error, failures, rejections and
parameters, and each cell's text, in the manager's language (``_lang``: "zh" | "en").

A mixin of ``TaskManager`` (which owns ``_lang`` and switches it live); kept apart from the
model's bookkeeping because every dialog and tooltip that describes a task reads the same words
here (``ui/task_view.py`` asks the manager for them).
"""
from __future__ import annotations

import time
from typing import Any

from ..core.catalogue import HOSTS, TASK_KINDS, TASK_STATES, WORDS, pick, word
from ..core.reasons import R, Reason
from .task_info import TaskInfo, TaskStatus


def format_clock(ts: float | None, now: float | None = None) -> str:
    """A task's start: "14:03:27" today, "11-28 14:03" on another day."""
    if not ts:
        return ""
    t, today = time.localtime(ts), time.localtime(now if now is not None else time.time())
    same_day = (t.tm_year, t.tm_yday) == (today.tm_year, today.tm_yday)
    return time.strftime("%H:%M:%S" if same_day else "%m-%d %H:%M", t)


def format_seconds(s: float | None) -> str:
    if s is None:
        return ""
    s = int(round(s))
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}:{s % 60:02d}"
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"


def validation_text(options: dict, lang: str) -> str:
    """A validation's period and portfolio in words: "最近 250 个交易日；组合每日前 10 只，持有 5 日"."""
    per = options.get("period") or {}
    if per.get("start") or per.get("end"):
        days = word("validation_dates", lang, start=per.get("start") or "…", end=per.get("end") or "…")
    else:
        days = word("validation_days", lang, days=per.get("days"))
    sep = "；" if lang == "zh" else "; "
    return days + sep + word("validation_picks", lang, n=options.get("top_n"), hold=options.get("hold"))


class TaskWords:
    """Text of tasks in ``self._lang`` (set by the class that mixes this in)."""

    _lang = "en"

    def kind_text(self, kind: str) -> str:
        return pick(TASK_KINDS.get(kind), self._lang, kind)

    def status_text(self, status: TaskStatus | str) -> str:
        key = str(getattr(status, "value", status))
        return pick(TASK_STATES.get(key), self._lang, key)

    def text(self, value: Any) -> str:
        """A task's Reason (error, phase, failure) in the manager's language."""
        return value.text(self._lang) if isinstance(value, Reason) else str(value or "")

    def params_text(self, info: TaskInfo) -> str:
        """A task's parameters as lines a user reads (a scan's filters in words)."""
        p = dict(info.params or {})
        colon = "：" if self._lang == "zh" else ": "
        lines: list[str] = []
        if info.kind in ("scan", "validation") and isinstance(p.get("request"), dict):
            from ..core.request_lines import describe_request   # numpy/pandas: not at start-up
            from ..core.scan import ScanRequest

            lines += describe_request(ScanRequest.from_dict(p.pop("request")), self._lang)
        if isinstance(p.get("validation"), dict):
            lines.append(f"{word('validation', self._lang)}{colon}{validation_text(p.pop('validation'), self._lang)}")
        p.pop("watchlist", None)
        p.pop("via", None)
        for key, value in p.items():
            if value in (None, "", []):
                continue
            if key == "source":
                value = pick(HOSTS.get(str(value)), self._lang, str(value))
            elif key == "mode":
                value = word(str(value), self._lang) if str(value) in WORDS else value
            elif isinstance(value, (list, tuple)):
                shown = ", ".join(map(str, value[:12]))
                value = shown + (f" … (+{len(value) - 12})" if len(value) > 12 else "")
            lines.append(f"{pick(WORDS.get(key), self._lang, key)}{colon}{value}")
        return "\n".join(lines)

    def rejected_text(self, info: TaskInfo, limit: int = 20) -> str:
        """The input codes a scan did not scan and why (as ``stockscan-cli scan`` prints them)."""
        if not info.rejected:
            return ""
        colon = "：" if self._lang == "zh" else ": "
        items = [f"{tok}{colon}{self.text(why)}" for tok, why in info.rejected[:limit]]
        if len(info.rejected) > limit:
            items.append("…")
        return self.text(R("codes_rejected", n=len(info.rejected), items="; ".join(items)))

    def failures_text(self, info: TaskInfo, limit: int = 20) -> str:
        """``item: reason`` lines for a tooltip or the details dialog."""
        colon = "：" if self._lang == "zh" else ": "
        lines = [f"{item}{colon}{self.text(why)}" for item, why in info.failures[:limit]]
        if len(info.failures) > limit:
            more = len(info.failures) - limit
            lines.append(f"… 另有 {more} 个" if self._lang == "zh" else f"… and {more} more")
        return "\n".join(lines)

    def display_text(self, t: TaskInfo, col: str) -> str:
        """What a cell of column ``col`` shows for task ``t``."""
        if col == "title":
            return t.title
        if col == "started":
            return format_clock(t.started or t.created)
        if col == "kind":
            return self.kind_text(t.kind)
        if col == "status":
            return self.status_text(t.status)
        if col == "progress":
            return f"{t.progress * 100:.0f}%"
        if col == "counts":
            return f"{t.done}/{t.total}" if t.total else (str(t.done) if t.done else "")
        if col == "found":
            return str(t.found)
        if col == "failed":
            return str(t.failed)
        if col == "elapsed":
            return format_seconds(t.elapsed)
        if col == "eta":
            return format_seconds(t.eta)
        if col == "current":
            return self.text(t.error) if t.status == TaskStatus.FAILED else self.text(t.current)
        return ""
