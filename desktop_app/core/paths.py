"""Where StockScan keeps its files.

platformdirs gives the per-user data, cache and log dirs. ``STOCKSCAN_HOME`` overrides all three
(``$STOCKSCAN_HOME/{data,cache,log}``) so tests, benchmarks and portable installs stay isolated.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import platformdirs

from .file_errors import FileProblem
from .reasons import R, Reason

APP = "StockScan"
DIR_WORDS = {"data": "dir_data", "cache": "dir_cache", "log": "dir_log"}


class DirProblem(FileProblem):
    """A data/cache/log folder that cannot be used (not a folder, read-only, missing and not
    creatable): one sentence for the window's start-up dialog and the CLI's stderr (exit 2)."""


def _root_override() -> Path | None:
    home = os.environ.get("STOCKSCAN_HOME")
    return Path(home) if home else None


def _where(kind: str) -> Path:
    root = _root_override()
    if root:
        return root / kind
    return Path({"data": platformdirs.user_data_dir, "cache": platformdirs.user_cache_dir,
                 "log": platformdirs.user_log_dir}[kind](APP, appauthor=False))


def _ensure(p: Path, kind: str = "data") -> Path:
    try:
        p.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError) as e:
        raise DirProblem(R("dir_not_folder", what=R(DIR_WORDS[kind]), path=str(_first_non_folder(p))), p) from e
    except OSError as e:
        raise DirProblem(R("dir_not_writable", what=R(DIR_WORDS[kind]), path=str(p),
                           detail=e.strerror or str(e)), p) from e
    return p


def _first_non_folder(p: Path) -> Path:
    """The part of ``p`` that exists and is not a folder (e.g. STOCKSCAN_HOME naming a file)."""
    for q in [*reversed(p.parents), p]:
        if q.exists() and not q.is_dir():
            return q
    return p


def _probe(p: Path) -> None:
    """Create and remove a file in ``p``: raises OSError when the folder cannot be written."""
    with tempfile.TemporaryFile(dir=str(p), prefix=".stockscan-probe-"):
        pass


def data_dir() -> Path:
    return _ensure(_where("data"), "data")


def cache_dir() -> Path:
    return _ensure(_where("cache"), "cache")


def log_dir() -> Path:
    return _ensure(_where("log"), "log")


def check_dirs(kinds: tuple[str, ...] = ("data", "cache", "log")) -> Reason | None:
    """Why StockScan cannot start with these folders (one sentence), or None: each must be a
    folder (created if missing) that a file can be written into."""
    for kind in kinds:
        try:
            p = _ensure(_where(kind), kind)
            _probe(p)
        except DirProblem as e:
            return e.reason
        except OSError as e:
            return R("dir_not_writable", what=R(DIR_WORDS[kind]), path=str(_where(kind)), detail=e.strerror or str(e))
    return None


def resources_dir() -> Path:
    """The resources folder, from an installed wheel (desktop_app/resources) or a source checkout."""
    here = Path(__file__).resolve().parent.parent  # desktop_app/
    installed = here / "resources"
    if installed.is_dir():
        return installed
    try:
        from importlib.resources import files

        p = Path(str(files("desktop_app.resources")))
        if p.is_dir():
            return p
    except (ModuleNotFoundError, TypeError):
        pass
    return here.parent / "resources"
