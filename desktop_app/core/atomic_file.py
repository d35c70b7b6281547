"""Writing a small user file atomically: a temp file in the same folder, fsync, ``os.replace``.
A crash leaves the old file or the new one, never half of one; an OS error becomes the one
sentence of ``file_errors`` (full disk, read-only folder …)."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from . import file_errors as fe


def write_text_atomic(path: str | Path, text: str, encoding: str = "utf-8") -> None:
    """Replace ``path`` with ``text`` (UTF-8 unless told). Raises ``file_errors.FileProblem``."""
    write_bytes_atomic(path, text.encode(encoding))


def write_bytes_atomic(path: str | Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` (e.g. a PNG). Raises ``file_errors.FileProblem``."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".tmp", dir=str(path.parent))
    except OSError as e:
        raise fe.os_problem(e, path) from e
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException as e:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(e, OSError):
            raise fe.os_problem(e, path) from e
        raise
