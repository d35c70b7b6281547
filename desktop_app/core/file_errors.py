"""User files that cannot be used as they are: busy, full disk, read-only, damaged or foreign.

Every user file (the bar stores, the history, the watchlist, exports) turns its low-level errors
into one of these, each a :class:`FileProblem` whose ``reason`` names the file and says what to do
(``core/catalogue.py`` REASONS ``file_*`` / ``disk_full``). The rules they serve:

- a locked or busy database is busy, never damaged: it is waited for (``busy_timeout()``), the
  holder is named (``holders``), and nothing is moved aside;
- only a file that fails to open as what it should be is moved aside (``move_aside``), and the
  message names the kept copy;
- a file that is not StockScan's is never written to (it is moved aside unchanged);
- out of space, read-only and I/O errors keep what was already stored and say what to do.
"""
from __future__ import annotations

import errno
import logging
import os
import sqlite3
import time
from pathlib import Path
from typing import Any

from .reasons import R, Reason, ReasonError

log = logging.getLogger(__name__)

#: Seconds a database waits for another process's lock before saying who holds it (then it
#: waits once more, ``BUSY_RETRIES`` times). ``STOCKSCAN_BUSY_TIMEOUT`` overrides it (tests).
BUSY_TIMEOUT_S = 15.0
BUSY_RETRIES = 1


def busy_timeout() -> float:
    try:
        return max(0.0, float(os.environ.get("STOCKSCAN_BUSY_TIMEOUT", BUSY_TIMEOUT_S)))
    except ValueError:
        return BUSY_TIMEOUT_S


class FileProblem(ReasonError):
    """A user file that cannot be used; ``reason`` names it and says what to do."""

    def __init__(self, reason: Reason | str, path: Path | str | None = None):
        super().__init__(reason)
        self.path = None if path is None else Path(path)


class FileBusy(FileProblem):
    """Another process holds the file's lock (still, after waiting)."""


class DiskFull(FileProblem):
    """No space left on the file's disk; what was stored before is kept."""


class NotWritable(FileProblem):
    """Read-only file or folder, or no permission."""


class FileDamaged(FileProblem):
    """The file cannot be read as what it should be."""


# ------------------------------------------------------------------------------ holders
def holders(path: Path | str) -> list[tuple[int, str]]:
    """Other processes that have ``path`` (or its ``-wal``/``-shm``/``-journal``) open, as
    ``(pid, command)``: Linux ``/proc``; empty where that cannot be read."""
    try:
        target = Path(path).resolve()
    except OSError:
        return []
    names = {str(target)} | {str(target) + s for s in ("-wal", "-shm", "-journal")}
    found: list[tuple[int, str]] = []
    proc = Path("/proc")
    if not proc.is_dir():
        return []
    me = os.getpid()
    try:
        pids = [int(p.name) for p in proc.iterdir() if p.name.isdigit()]
    except OSError:
        return []
    for pid in pids:
        if pid == me:
            continue
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
        except OSError:
            continue
        for fd in fds:
            try:
                if os.readlink(f"/proc/{pid}/fd/{fd}") in names:
                    try:
                        comm = Path(f"/proc/{pid}/comm").read_text().strip()
                    except OSError:
                        comm = "?"
                    found.append((pid, comm))
                    break
            except OSError:
                continue
    return found


def holder_term(path: Path | str) -> dict:
    """The holders of ``path`` as a Reason parameter: ``{"zh": "进程 123（python）", "en": …}``,
    or "another program" when they cannot be seen."""
    hs = holders(path)
    if not hs:
        return {"zh": "另一个程序", "en": "another program"}
    zh = "、".join(f"进程 {pid}（{comm}）" for pid, comm in hs[:3])
    en = ", ".join(f"process {pid} ({comm})" for pid, comm in hs[:3])
    return {"zh": zh, "en": en}


# ------------------------------------------------------------------------------ classification
def _is_busy(msg: str) -> bool:
    return "locked" in msg or "busy" in msg


def sqlite_problem(exc: BaseException, path: Path | str, waited: float | None = None) -> FileProblem | None:
    """The FileProblem an sqlite3 error means for ``path``, or None when it is none of them
    (a damaged file, a programming error: the caller decides)."""
    if isinstance(exc, FileProblem):
        return exc
    if not isinstance(exc, sqlite3.Error):
        return None
    msg = str(exc).lower()
    file = str(path)
    code = getattr(exc, "sqlite_errorcode", None)
    if _is_busy(msg) or code in (5, 6):               # SQLITE_BUSY, SQLITE_LOCKED
        return FileBusy(R("file_busy", file=file, holder=holder_term(path),
                          seconds=int(round(waited if waited is not None else busy_timeout()))), path)
    if "full" in msg or code == 13:                   # SQLITE_FULL
        return DiskFull(R("disk_full", file=file), path)
    if "readonly" in msg or "read-only" in msg or code == 8:   # SQLITE_READONLY
        return NotWritable(R("file_read_only", file=file), path)
    if "unable to open" in msg or code == 14:         # SQLITE_CANTOPEN
        return NotWritable(R("file_cannot_open", file=file), path)
    if "disk i/o" in msg or code == 10:               # SQLITE_IOERR
        return FileProblem(R("file_io_error", file=file, detail=str(exc)), path)
    return None


def os_problem(exc: OSError, path: Path | str) -> FileProblem:
    """The FileProblem an OSError means for ``path`` (writing or creating it)."""
    file = str(path)
    no = getattr(exc, "errno", None)
    if no in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        return DiskFull(R("disk_full", file=file), path)
    if no in (errno.EACCES, errno.EPERM, errno.EROFS):
        return NotWritable(R("file_read_only", file=file), path)
    if no == errno.ENOENT:
        return FileProblem(R("file_folder_missing", file=file, folder=str(Path(path).parent)), path)
    if no == errno.EISDIR:
        return FileProblem(R("file_is_folder", file=file), path)
    if no == errno.ENOTDIR:
        return FileProblem(R("file_parent_not_folder", file=file), path)
    return FileProblem(R("file_io_error", file=file, detail=exc.strerror or str(exc)), path)


def problem_of(exc: BaseException, path: Path | str) -> FileProblem | None:
    if isinstance(exc, FileProblem):
        return exc
    if isinstance(exc, OSError):
        return os_problem(exc, path)
    return sqlite_problem(exc, path)


# ------------------------------------------------------------------------------ moving aside
def move_aside(path: Path | str, tag: str = "corrupt") -> Path:
    """Rename ``path`` to ``<name>.<tag>-<timestamp>`` (its WAL beside it; the shared-memory file
    is dropped) and return the new path. The contents are not touched."""
    path = Path(path)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.{tag}-{stamp}")
    k = 1
    while target.exists():
        target = path.with_name(f"{path.name}.{tag}-{stamp}-{k}")
        k += 1
    path.rename(target)
    for suffix in ("-wal", "-journal", "-shm"):
        side = path.with_name(path.name + suffix)
        if side.exists():
            try:
                if suffix == "-shm":
                    side.unlink()
                else:
                    side.rename(target.with_name(target.name + suffix))
            except OSError:  # pragma: no cover - best effort
                pass
    log.warning("%s moved aside to %s", path, target)
    return target


def moved_reason(path: Path | str, kept: Path | str, detail: Reason, foreign: bool = False) -> Reason:
    """"<file> is damaged (<detail>); kept as <kept>, starting a new one" (or "is not StockScan's")."""
    return R("file_foreign_moved" if foreign else "file_damaged_moved", file=str(path), kept=str(kept),
             detail=detail)


def check_output_path(path: str | os.PathLike | None, option: str = "--csv") -> Reason | None:
    """Why a file cannot be written at ``path`` (empty, a folder, no such folder, read-only, a
    full disk), or None. Checked before a long job, so its result is not lost at the end."""
    if path is None or not str(path).strip():
        return R("file_path_empty", option=option)
    p = Path(path)
    try:
        if p.is_dir():
            return R("file_is_folder", file=str(p))
        parent = p.parent if str(p.parent) else Path(".")
        if not parent.exists():
            return R("file_folder_missing", file=str(p), folder=str(parent))
        if not parent.is_dir():
            return R("file_parent_not_folder", file=str(p))
        try:
            import shutil
            import tempfile

            if shutil.disk_usage(parent).free < 64 * 1024:
                return R("disk_full", file=str(p))
            with tempfile.TemporaryFile(dir=str(parent), prefix=".stockscan-probe-"):
                pass
            if p.exists():
                with open(p, "r+b"):
                    pass
        except OSError as e:
            return os_problem(e, p).reason
    except ValueError as e:   # e.g. an embedded NUL
        return R("file_io_error", file=repr(str(path)), detail=str(e))
    return None


def describe(exc: BaseException) -> Any:
    """A short detail of a low-level error for a reason parameter."""
    return str(exc) or type(exc).__name__


def set_aside(path: Path | str, detail: Reason, foreign: bool = False) -> Reason:
    """Move a damaged (or another program's) file out of the way — contents untouched — and say
    so: the sentence the store and the history report when they start afresh."""
    try:
        kept = move_aside(path, "foreign" if foreign else "corrupt")
    except OSError as e:
        raise os_problem(e, path) from e
    return moved_reason(path, kept, detail, foreign)
