"""Atomic output: a failed run leaves the previous files as they were.

Every writer writes to a temporary file in the destination folder, flushes and
fsyncs it, then moves it into place with :func:`os.replace` (atomic on POSIX within
one file system). A temporary file is removed when anything fails.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from heritage_mapper.errors import OutputError

__all__ = ["atomic_write_bytes", "atomic_write_text", "atomic_path", "ensure_writable_dir"]

TEMP_PREFIX = ".heritage-mapper-"
TEMP_SUFFIX = ".tmp"


def ensure_writable_dir(folder: str | Path) -> Path:
    """Create ``folder`` if needed and check it can be written, or raise OutputError."""
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(
            f"{folder}: cannot create the output folder ({exc.strerror or exc}); "
            "choose another folder with --out or fix its permissions"
        ) from exc
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(
            f"{folder}: the output folder is not writable; choose another folder with --out "
            "or fix its permissions"
        )
    return folder


@contextlib.contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success move it onto ``target``.

    For writers that want a path rather than bytes (GDAL, zipfile). On any exception
    the temporary file is deleted and ``target`` is untouched.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> with atomic_path(folder / "a.txt") as tmp:
    ...     _ = tmp.write_text("hello")
    >>> (folder / "a.txt").read_text()
    'hello'
    """
    target = Path(target)
    ensure_writable_dir(target.parent)
    fd, name = tempfile.mkstemp(
        prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX + target.suffix, dir=target.parent
    )
    os.close(fd)
    tmp = Path(name)
    try:
        tmp.unlink()  # let the writer create it (some drivers refuse an existing file)
        yield tmp
        _fsync(tmp)
        os.replace(tmp, target)
    except OSError as exc:
        _remove(tmp)
        raise OutputError(
            f"{target}: cannot write ({exc.strerror or exc}); nothing was replaced"
        ) from exc
    except BaseException:
        _remove(tmp)
        raise


def atomic_write_bytes(target: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``target`` atomically and return ``target``."""
    with atomic_path(target) as tmp, open(tmp, "wb") as handle:
        handle.write(data)
    return Path(target)


def atomic_write_text(target: str | Path, text: str) -> Path:
    """Write UTF-8 ``text`` (``\\n`` newlines) to ``target`` atomically."""
    return atomic_write_bytes(target, text.encode("utf-8"))


def _fsync(path: Path) -> None:
    if path.is_file():
        with open(path, "rb") as handle:
            os.fsync(handle.fileno())


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()
