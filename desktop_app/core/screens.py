"""Saved screens (选股方案): a named, versioned JSON document holding a scan request (universe,
prefilters, minimum score, presets, formula) and the result columns the user chose, one file per
screen in ``data_dir()/screens/``.

A screen file is what is exported and imported too, so a user can hand a screen to another
machine. Files are written atomically (``core.atomic_file``); a damaged file in the folder is
skipped by ``names()`` (and logged), and reading it by name says what is wrong with it. A file
saved by a newer StockScan (a higher ``version``) is refused with that sentence rather than half
read.
"""
from __future__ import annotations

import hashlib
import json
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from . import paths
from .atomic_file import write_text_atomic
from .reasons import R, Reason, ReasonError

log = logging.getLogger(__name__)

SCREEN_VERSION = 1
NAME_LIMIT = 40
SUFFIX = ".screen.json"
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


class ScreenError(ReasonError, ValueError):
    """A screen that cannot be saved, found or read; ``reason`` says why in any language."""


@dataclass
class Screen:
    name: str
    request: dict                                        # ScanRequest.to_dict()
    columns: list[str] = field(default_factory=list)     # result columns in order; [] = the default
    version: int = SCREEN_VERSION

    def scan_request(self):
        """The screen's request as a ``ScanRequest`` (keys this version does not know are dropped)."""
        from .scan import ScanRequest

        return ScanRequest.from_dict(self.request)

    def to_json(self) -> str:
        return json.dumps({"stockscan_screen": self.version, "name": self.name, "request": self.request,
                           "columns": list(self.columns)}, ensure_ascii=False, indent=1)

    @classmethod
    def from_json(cls, text: str, file: str = "") -> "Screen":
        """Parse a screen document; ``ScreenError`` (naming ``file``) when it is not one."""
        def bad(detail: Reason) -> ScreenError:
            return ScreenError(R("screen_unreadable", file=file or "?", detail=detail))

        try:
            doc = json.loads(text)
        except ValueError as e:
            raise bad(R("file_not_json", line=getattr(e, "lineno", "?"), column=getattr(e, "colno", "?"))) from None
        if not isinstance(doc, dict) or "stockscan_screen" not in doc:
            raise bad(R("screen_not_screen", field="stockscan_screen"))
        version = doc["stockscan_screen"]
        if not isinstance(version, int) or isinstance(version, bool):
            raise bad(R("screen_not_screen", field="stockscan_screen"))
        if version > SCREEN_VERSION:
            raise bad(R("screen_newer", found=version, supported=SCREEN_VERSION))
        for key, kind in (("name", str), ("request", dict)):
            if not isinstance(doc.get(key), kind):
                raise bad(R("screen_not_screen", field=key))
        columns = doc.get("columns") or []
        if not isinstance(columns, list):
            raise bad(R("screen_not_screen", field="columns"))
        return cls(doc["name"], dict(doc["request"]), [str(c) for c in columns], version)


def check_name(name: str) -> Reason | None:
    """Why ``name`` cannot name a screen, or None."""
    name = (name or "").strip()
    if not name:
        return R("screen_name_empty")
    if len(name) > NAME_LIMIT:
        return R("screen_name_long", limit=NAME_LIMIT)
    return None


def file_name(name: str) -> str:
    """A screen's file name: its name made safe for every file system, plus a short hash of the
    exact name so that names differing only in unsafe characters do not share a file."""
    safe = _UNSAFE.sub("_", name.strip()).strip(" .") or "screen"
    tag = hashlib.blake2b(name.strip().encode("utf-8"), digest_size=3).hexdigest()
    return f"{safe}-{tag}{SUFFIX}"


def read_screen_file(path: str | Path) -> Screen:
    """A screen from a file anywhere (an export, a download). ``ScreenError`` when it is none."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as e:
        raise ScreenError(R("screen_unreadable", file=str(path), detail=e.strerror or str(e))) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ScreenError(R("screen_unreadable", file=str(path), detail=R("file_not_text"))) from None
    return Screen.from_json(text, str(path))


class ScreenLibrary:
    """The saved screens of this user (``folder`` defaults to ``data_dir()/screens``)."""

    def __init__(self, folder: str | Path | None = None):
        self.folder = Path(folder) if folder is not None else paths.data_dir() / "screens"

    def path_of(self, name: str) -> Path:
        return self.folder / file_name(name)

    def screens(self) -> list[Screen]:
        """Every readable saved screen, by name (a damaged file is skipped and logged)."""
        out = []
        for p in sorted(self.folder.glob(f"*{SUFFIX}")) if self.folder.is_dir() else []:
            try:
                out.append(read_screen_file(p))
            except ScreenError as e:
                log.warning("skipping a screen file: %s", e)
        return sorted(out, key=lambda s: s.name)

    def names(self) -> list[str]:
        return [s.name for s in self.screens()]

    def get(self, name: str) -> Screen:
        p = self.path_of(name)
        if not p.exists():
            raise ScreenError(R("screen_not_found", name=name, names="、".join(self.names()) or "—"))
        return read_screen_file(p)

    def save(self, screen: Screen) -> Path:
        """Write (or overwrite) the screen under its name. ``ScreenError`` for a bad name,
        ``file_errors.FileProblem`` when the disk refuses."""
        why = check_name(screen.name)
        if why is not None:
            raise ScreenError(why)
        screen.name = screen.name.strip()
        p = self.path_of(screen.name)
        write_text_atomic(p, screen.to_json())
        return p

    def delete(self, name: str) -> bool:
        p = self.path_of(name)
        try:
            p.unlink()
            return True
        except FileNotFoundError:
            return False

    def export(self, name: str, path: str | Path) -> Path:
        """Write a saved screen to ``path``: the screen file (``.json``), or for ``.txt`` its
        formula as a 通达信 formula text file (GB18030, a superset of the GBK 通达信 reads)."""
        path = Path(path)
        screen = self.get(name)
        if path.suffix.lower() == ".txt":
            formula = str(screen.request.get("formula") or "").strip()
            if not formula:
                raise ScreenError(R("screen_no_formula", name=screen.name))
            write_text_atomic(path, formula.replace("\n", "\r\n") + "\r\n", encoding="gb18030")
        else:
            write_text_atomic(path, screen.to_json())
        return path

    def import_file(self, path: str | Path, name: str | None = None) -> Screen:
        """Read a screen file and save it here (under ``name`` when given)."""
        screen = read_screen_file(path)
        if name:
            screen.name = name
        self.save(screen)
        return screen

    def import_any(self, path: str | Path, name: str | None = None) -> Screen:
        """A screen file, or a 通达信 formula text file (``.txt``, GBK or UTF-8): a screen of the
        whole market with that formula as its condition, named after the file."""
        path = Path(path)
        if path.suffix.lower() != ".txt":
            return self.import_file(path, name=name)
        from .formula.text_file import read_formula_file
        from .scan import ScanRequest

        screen = Screen(name or path.stem, ScanRequest(formula=read_formula_file(path).strip()).to_dict())
        self.save(screen)
        return screen
