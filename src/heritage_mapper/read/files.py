"""The one way a geodata folder's files are opened: confined, regular, bounded.

A geodata folder may come from someone else. Every path it names (in ``project.json``:
``events``, ``sources``, the schemas, the layer and basemap files, the basemap
provenance; in ``sources.json``: each source text's file name) goes through
:func:`resolve_inside`, which refuses an absolute path, ``..``, a backslash, a NUL or
other control character, a non-ASCII name, and a path that leads outside the folder
once symbolic links are resolved. Every file is then read by :func:`read_regular`:
opened without blocking (``O_NONBLOCK``, so a named pipe never hangs), checked on the
open descriptor to be a regular file (so ``/dev/zero`` or a pipe is refused before a
byte is read) and read up to a size limit plus one byte.

Failures are :class:`InputRefused` exceptions with a finding code (the readers turn
each into a located :class:`~heritage_mapper.problems.Problem`); their messages name
the path as written, never anything read from it.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

__all__ = [
    "MAX_REGISTRY_BYTES",
    "MAX_SCHEMA_BYTES",
    "MAX_SOURCE_TEXT_BYTES",
    "SLUG",
    "InputRefused",
    "is_slug",
    "read_regular",
    "resolve_inside",
    "unsafe_name_reason",
    "unsafe_path_reason",
]

#: Largest ``project.json`` or ``sources.json`` read (16 MiB; both are kilobytes).
MAX_REGISTRY_BYTES = 16 * 1024 * 1024
#: Largest source text read (16 MiB; the longest real one is a few hundred KiB).
MAX_SOURCE_TEXT_BYTES = 16 * 1024 * 1024
#: Largest JSON Schema read (1 MiB; the packaged ones are a few KiB).
MAX_SCHEMA_BYTES = 1024 * 1024

#: The package's one rule for ids (sites, layers, categories, events, sources).
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)


class InputRefused(Exception):
    """A path or file the reader will not read; ``code`` is its finding code."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def is_slug(value: object) -> bool:
    """Whether ``value`` is an id by the package's rule (``^[a-z0-9]+(-[a-z0-9]+)*$``).

    Examples
    --------
    >>> is_slug("old-pier"), is_slug("../../evil"), is_slug("a/b"), is_slug("tuần-châu")
    (True, False, False, False)
    """
    return isinstance(value, str) and SLUG.fullmatch(value) is not None


def ascii_name(path: str) -> str:
    """``path`` with its accents dropped (đ as d) and any other non-ASCII character as
    ``-``: a name to suggest for a file whose name is refused for not being ASCII.

    >>> ascii_name("layers/công-nghiệp đường.geojson")
    'layers/cong-nghiep-duong.geojson'
    """
    from heritage_mapper.text import without_accents

    return re.sub(r"[^\x21-\x7e]+", "-", without_accents(path))


def unsafe_path_reason(value: object) -> str | None:
    """Why ``value`` cannot be a relative path inside a folder, or None if it can.

    Examples
    --------
    >>> unsafe_path_reason("layers/a.geojson") is None
    True
    >>> unsafe_path_reason("../outside.csv"), unsafe_path_reason("/etc/passwd")
    ("it goes up a folder with '..'", 'it is an absolute path')
    """
    if not isinstance(value, str) or not value:
        return "it is not a non-empty text"
    if _CONTROL.search(value):
        return "it holds a control character"
    if not value.isascii():
        return "it holds a character that is not ASCII"
    if "\\" in value:
        return "it holds a backslash"
    if value.startswith("/") or re.match(r"[A-Za-z]:", value):
        return "it is an absolute path"
    if ".." in value.split("/"):
        return "it goes up a folder with '..'"
    return None


def unsafe_name_reason(value: object) -> str | None:
    """Why ``value`` cannot be a plain file name (no folder part), or None if it can.

    Examples
    --------
    >>> unsafe_name_reason("000_abc.txt") is None, unsafe_name_reason("../../etc/passwd")
    (True, "it goes up a folder with '..'")
    >>> unsafe_name_reason("a/b.txt")
    "it holds a '/'"
    """
    reason = unsafe_path_reason(value)
    if reason is None and "/" in value:
        return "it holds a '/'"
    if reason is None and value in (".",):
        return "it names the folder itself"
    return reason


def resolve_inside(root, relative: str) -> Path:
    """The real path of ``relative`` under ``root``, refused unless it stays inside.

    Raises
    ------
    InputRefused
        ``path-outside-folder``, with a message that names the path as written
        (``path-not-regular-file`` for a loop of symbolic links).
    """
    reason = unsafe_path_reason(relative)
    if reason is not None:
        fix = "name a file inside the geodata folder with a relative path"
        if isinstance(relative, str) and not relative.isascii() and not _CONTROL.search(relative):
            fix = (
                f"rename the file with ASCII letters only, e.g. {ascii_name(relative)!r}, "
                "and write that name here"
            )
        raise InputRefused("path-outside-folder", f"{relative!r} cannot be read: {reason}; {fix}")
    base = Path(root).resolve()
    try:
        target = (base / relative).resolve()
    except RuntimeError:  # Python 3.11's resolve() on a loop of symbolic links
        raise InputRefused(
            "path-not-regular-file",
            f"{relative!r} cannot be read: it is a loop of symbolic links; name a regular "
            "file inside the geodata folder",
        ) from None
    if target != base and not target.is_relative_to(base):
        raise InputRefused(
            "path-outside-folder",
            f"{relative!r} leads outside the geodata folder (through a symbolic link); "
            "copy the file into the folder instead",
        )
    return target


def read_regular(path, max_bytes: int) -> tuple[bytes | None, int | None]:
    """Read a regular file unless it is larger than ``max_bytes``.

    Opened with ``O_NONBLOCK`` and checked with ``fstat`` on the open descriptor, so a
    named pipe, a device or a folder is refused at once. No more than ``max_bytes + 1``
    bytes are ever read.

    Returns
    -------
    data : bytes or None
        The content, or None when the file is over the limit.
    size : int or None
        The file's size when it is over the limit (None if it grew while read).

    Raises
    ------
    InputRefused
        ``path-not-regular-file`` for a pipe, device, socket or folder.
    OSError
        When the file cannot be opened or read.
    """
    fd = os.open(path, _OPEN_FLAGS)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise InputRefused(
                "path-not-regular-file",
                f"{_kind(info.st_mode)} is not a regular file and is not read; "
                "name an ordinary file",
            )
        if info.st_size > max_bytes:
            return None, info.st_size
        chunks, left = [], max_bytes + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
    finally:
        os.close(fd)
    data = b"".join(chunks)
    return (data, None) if len(data) <= max_bytes else (None, None)


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "this"
