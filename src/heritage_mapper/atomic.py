"""Atomic output: a failed or interrupted run leaves the previous files as they were.

Every writer writes to a temporary file beside its target, named
``.heritage-mapper-<random>.tmp<suffix>``, fsyncs it, then moves it into place with
:func:`os.replace` (atomic on POSIX within one file system): a reader sees the whole
old file or the whole new one, never a part.

- :func:`atomic_files` does this for a set of files: every file is written first, and
  they are moved into place only when all of them were written. If a move fails, the
  files already moved are put back (from hard links to the old files, kept until the
  end), so the set is replaced all together or not at all.
- A temporary file is removed when anything fails, Ctrl-C included (and SIGTERM,
  which the CLI turns into the same interruption). Only SIGKILL or a power cut can
  leave one behind: :func:`remove_stale_temps` removes them.
- :func:`output_lock` lets one run at a time write into a folder (``flock`` on
  ``.heritage-mapper.lock``, removed when the run is done) and removes the stale
  temporary files once it holds the lock, when no other run can be writing them.
  Two builds started at once into the same folders take turns.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import stat
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from heritage_mapper.errors import HeritageError, OutputError, UsageError

__all__ = [
    "LOCK_NAME",
    "LOCK_TIMEOUT_SECONDS",
    "MANIFEST_NAME",
    "TEMP_PREFIX",
    "TEMP_SUFFIX",
    "atomic_files",
    "atomic_path",
    "atomic_write_bytes",
    "atomic_write_text",
    "check_output_folders",
    "ensure_writable_dir",
    "is_temp_name",
    "output_lock",
    "output_targets",
    "publish_set",
    "refuse_foreign_outputs",
    "remove_stale_temps",
    "write_fix",
]

TEMP_PREFIX = ".heritage-mapper-"
TEMP_SUFFIX = ".tmp"
TEMP_TOKEN_BYTES = 8
OLD_TAG = ".old"  # a hard link to a file being replaced, kept until the set is in place
LOCK_NAME = ".heritage-mapper.lock"
LOCK_TIMEOUT_SECONDS = 600.0
LOCK_POLL_SECONDS = 0.05
#: The list of the files of the last set published into a folder (:func:`publish_set`).
MANIFEST_NAME = ".manifest.heritage-mapper.json"
MANIFEST_MAX_BYTES = 1 << 20


def ensure_writable_dir(folder: str | Path, option: str = "--out") -> Path:
    """Create ``folder`` if needed and check it can be written, or raise OutputError
    whose fix names ``option``, the command-line option that chose the folder."""
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(
            f"{folder}: cannot create the output folder ({exc.strerror or exc}); "
            f"choose another folder with {option} or fix its permissions"
        ) from exc
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(
            f"{folder}: the output folder is not writable; choose another folder with "
            f"{option} or fix its permissions"
        )
    return folder


#: The errno names of a write that found no room: a full disk, a quota, a file-size limit.
_ROOM_ERRORS = ("ENOSPC", "EDQUOT", "EFBIG")


def write_fix(exc: OSError) -> str:
    """``"; "`` and what to do about ``exc``, a failed write, when it says (no room:
    free some, or write elsewhere); ``""`` otherwise (the reason says it all).

    >>> import errno
    >>> write_fix(OSError(errno.ENOSPC, "No space left on device"))
    '; free some space there or choose another folder'
    >>> write_fix(OSError(errno.EACCES, "Permission denied"))
    ''
    """
    import errno

    room = {getattr(errno, name) for name in _ROOM_ERRORS if hasattr(errno, name)}
    return "; free some space there or choose another folder" if exc.errno in room else ""


def output_targets(folder: str | Path, names: Iterable[str]) -> list[Path]:
    """``folder / name`` for each name, once every name is a plain file name in ``folder``.

    A name comes from the data (a layer id makes ``<id>.html`` and
    ``sites-<id>.geojson``), so it is checked here, before anything is written,
    whatever validation did: no path separator, not ``.``, ``..`` or empty, no NUL,
    and the resolved parent of the path is the resolved folder.

    Raises
    ------
    UsageError
        A name is not a plain file name (exit code 2); nothing was written.

    Examples
    --------
    >>> [p.name for p in output_targets("maps", ["index.html", "mines.html"])]
    ['index.html', 'mines.html']
    >>> output_targets("maps", ["../evil.html"])
    Traceback (most recent call last):
    ...
    heritage_mapper.errors.UsageError: output name '../evil.html' ...
    """
    folder = Path(folder)
    root = folder.resolve()
    targets = []
    for name in names:
        name = str(name)
        plain = (
            name not in ("", ".", "..")
            and "/" not in name
            and "\\" not in name
            and "\0" not in name
            and os.sep not in name
            and (os.altsep is None or os.altsep not in name)
        )
        target = folder / name
        if not plain or target.parent.resolve() != root:
            raise UsageError(
                f"output name {name!r} is not a plain file name inside {folder} (it has a "
                "path separator, is '.' or '..', or holds NUL), so it could land outside the "
                "folder; rename what it comes from (a layer id in project.json: letters, "
                "digits, '-' and '_'); nothing was written"
            )
        targets.append(target)
    return targets


def check_output_folders(
    geodata: str | Path, *, may_contain: bool = False, **outputs: str | Path | None
) -> None:
    """Refuse output folders that overlap the geodata folder or each other.

    ``outputs`` maps an option name (``out``, ``exports``) to its folder, ``None`` for
    one not written. Symlinks are resolved first. An output folder may not be the
    geodata folder, lie inside it or contain it, and two output folders may not be
    the same folder; otherwise a build would replace curated files (an export named
    ``events.csv``) or publish one set over the other. One output folder inside
    another (``maps/exports``) is allowed: each set's files are its own. With
    ``may_contain`` (the API writers, which only write plain names at the top of
    their folder) an output folder may hold the geodata folder.

    Raises
    ------
    UsageError
        Two folders overlap (exit code 2); the message names both and the fix.

    Examples
    --------
    >>> check_output_folders("geodata", out="maps", exports="exports")
    >>> check_output_folders("geodata", out="geodata/maps")
    Traceback (most recent call last):
    ...
    heritage_mapper.errors.UsageError: --out geodata/maps is inside --geodata geodata; ...
    """
    folders = [("geodata", Path(geodata))]
    folders += [(option, Path(path)) for option, path in outputs.items() if path is not None]
    resolved = [(option, path, _resolve(option, path)) for option, path in folders]
    for i, (option_a, path_a, real_a) in enumerate(resolved):
        for option_b, path_b, real_b in resolved[i + 1 :]:
            if real_a == real_b or _same_dir(real_a, real_b):
                relation = "is the same folder as"
            elif option_a != "geodata":
                continue  # one output folder inside another is fine (maps/exports): distinct
            elif _inside(real_b, real_a):
                relation = "contains"
            elif _inside(real_a, real_b):
                if may_contain:
                    continue
                relation = "is inside"
            else:
                continue
            # name the output folder first: it is the one to move
            first, second = (option_b, path_b), (option_a, path_a)
            if relation != "is the same folder as":
                relation = {"contains": "is inside", "is inside": "contains"}[relation]
            raise UsageError(
                f"--{first[0]} {first[1]} {relation} --{second[0]} {second[1]}; output "
                "folders must be separate from the geodata folder and from each other, so "
                f"that nothing curated or published is overwritten; choose another --{first[0]}"
            )


def _resolve(option: str, path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError) as exc:  # a symlink loop
        raise UsageError(f"--{option} {path}: cannot be resolved ({exc}); fix the path") from None


def _inside(child: Path, folder: Path) -> bool:
    """Whether ``child`` lies below ``folder``: by name, or by identity of an existing
    parent (``Geodata/maps`` is inside ``geodata`` on a case-insensitive file system)."""
    if folder in child.parents:
        return True
    return any(_same_dir(parent, folder) for parent in child.parents if parent.exists())


def _same_dir(a: Path, b: Path) -> bool:
    """Whether two existing folders are one (a case-insensitive file system, a bind mount)."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def is_temp_name(name: str) -> bool:
    """Whether ``name`` is one of heritage-mapper's temporary files or folders.

    Examples
    --------
    >>> is_temp_name(".heritage-mapper-k2j9x1.tmp.html"), is_temp_name("index.html")
    (True, False)
    >>> is_temp_name(LOCK_NAME)
    False
    """
    return name.startswith(TEMP_PREFIX) and TEMP_SUFFIX in name[len(TEMP_PREFIX) :]


def remove_stale_temps(folder: str | Path) -> list[Path]:
    """Remove the temporary files and folders a killed run left in ``folder``.

    Only names :func:`is_temp_name` recognises are touched. Call it while holding
    the folder's :func:`output_lock` (which does so itself), never while another run
    may be writing into the folder. Returns what was removed.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / ".heritage-mapper-k2j9x1.tmp.html").write_text("half a page")
    >>> _ = (folder / "index.html").write_text("a page")
    >>> [p.name for p in remove_stale_temps(folder)], sorted(p.name for p in folder.iterdir())
    (['.heritage-mapper-k2j9x1.tmp.html'], ['index.html'])
    """
    try:
        entries = list(os.scandir(folder))
    except FileNotFoundError:
        return []
    removed = []
    for entry in sorted(entries, key=lambda e: e.name):
        if not is_temp_name(entry.name):
            continue
        path = Path(entry.path)
        if entry.is_dir(follow_symlinks=False):
            shutil.rmtree(path, ignore_errors=True)
        else:
            _remove(path)
        removed.append(path)
    return removed


@contextlib.contextmanager
def output_lock(folder: str | Path, *, timeout: float = LOCK_TIMEOUT_SECONDS) -> Iterator[Path]:
    """Hold the write lock of ``folder`` for the block; then no other run writes there.

    Creates the folder when missing, waits up to ``timeout`` seconds for another
    run to finish, then removes stale temporary files (:func:`remove_stale_temps`),
    and again when the block ends (those of a forked writer stopped mid-file).
    The lock is ``flock`` on ``.heritage-mapper.lock`` in the folder; the file is
    removed when the block ends (a killed run's lock file is harmless: the kernel
    released its lock). Where ``flock`` is missing (Windows) or refused (some
    network file systems), there is no lock and no clean-up. Yields the lock path.

    Raises
    ------
    OutputError
        The folder cannot be written, or another run held the lock for ``timeout``
        seconds.

    Examples
    --------
    >>> import tempfile
    >>> with output_lock(tempfile.mkdtemp()) as lock:
    ...     lock.name
    '.heritage-mapper.lock'
    """
    folder = ensure_writable_dir(folder)
    path = folder / LOCK_NAME
    fd = _acquire(path, timeout)
    if fd is not None:
        _HELD_LOCKS.add(fd)
    try:
        if fd is not None:
            remove_stale_temps(folder)
        yield path
    finally:
        if fd is not None:
            # a forked writer stopped mid-file (Ctrl-C kills them) left its temporary
            # files: nothing else writes here while the lock is held (every command
            # that writes a folder, build, export, tiles and print, takes its lock)
            with contextlib.suppress(OSError):
                remove_stale_temps(folder)
            _HELD_LOCKS.discard(fd)
            _remove(path)  # while still holding it: a run waiting on it sees it go and retries
            os.close(fd)


#: The lock descriptors this process holds (:func:`output_lock`).
_HELD_LOCKS: set[int] = set()


def release_inherited_locks() -> None:
    """In a forked process: close the lock descriptors inherited from the parent.

    A ``flock`` lives as long as any descriptor of it is open, so a writer forked by a
    run that is then killed would otherwise keep the folder locked until it ends. The
    parent still holds its own descriptor; the lock file is left to it.
    """
    for fd in list(_HELD_LOCKS):
        with contextlib.suppress(OSError):
            os.close(fd)
    _HELD_LOCKS.clear()


def _acquire(path: Path, timeout: float) -> int | None:
    """Open and ``flock`` the lock file; None when the system cannot lock."""
    try:
        import fcntl
    except ImportError:
        return None
    deadline = time.monotonic() + timeout
    while True:
        fd = _open_lock(path)
        try:
            if not _flock(fcntl, fd, path, deadline):
                os.close(fd)
                return None
            if _same_file(fd, path):
                return fd
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)  # the holder removed the file as it finished: lock the new one


LOCK_FLAGS = os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NONBLOCK", 0)


def _open_lock(path: Path) -> int:
    """Open (creating) the lock file itself, never what a symlink of its name points at.

    ``O_NOFOLLOW`` makes the kernel refuse a symlink at ``path`` (dangling or not), so
    a link planted under the lock's name cannot make a run create or open a file
    elsewhere. Such a link is refused, not removed: heritage-mapper never makes one,
    so someone else did, and they should see it. Anything but a regular file (a FIFO,
    a device) is refused too.
    """
    nofollow = getattr(os, "O_NOFOLLOW", 0)
    link = f"{path}: the lock file's name is a symbolic link; heritage-mapper never follows one "
    try:
        if not nofollow and path.is_symlink():  # no O_NOFOLLOW: check first (racy, best effort)
            raise OutputError(link + "(remove it and run again); nothing was written")
        fd = os.open(path, LOCK_FLAGS | nofollow, 0o644)
    except OSError as exc:
        if isinstance(exc, HeritageError):
            raise
        if path.is_symlink():
            raise OutputError(link + "(remove it and run again); nothing was written") from None
        raise OutputError(
            f"{path}: cannot create the lock file ({exc.strerror or exc}); choose another "
            "folder with --out or fix its permissions"
        ) from exc
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise OutputError(
            f"{path}: the lock file's name is taken by something that is not a file; "
            "remove it and run again; nothing was written"
        )
    return fd


def _flock(fcntl, fd: int, path: Path, deadline: float) -> bool:
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise OutputError(
                    f"{path.parent}: another heritage-mapper run is still writing into this "
                    f"folder (it holds {path.name}); wait for it to finish and run again"
                ) from None
            time.sleep(LOCK_POLL_SECONDS)
        except OSError:
            return False  # the file system cannot lock (ENOLCK, EOPNOTSUPP)


def _same_file(fd: int, path: Path) -> bool:
    try:
        on_disk = os.lstat(path)
    except FileNotFoundError:
        return False
    held = os.fstat(fd)
    return (held.st_dev, held.st_ino) == (on_disk.st_dev, on_disk.st_ino)


@contextlib.contextmanager
def atomic_files(targets: Iterable[str | Path]) -> Iterator[list[Path]]:
    """Yield one temporary path per target; when the block succeeds, move them all into place.

    For writers that want paths (GDAL, zipfile, several pages at once). Nothing is
    moved until the block has written every file; if anything fails, in the block
    or while moving, every temporary file is removed and every target is left as it
    was (targets already moved are put back, where the file system has hard links).

    Raises
    ------
    OutputError
        A target is a folder, or a file cannot be written or moved; the message names
        it and says nothing was replaced.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> with atomic_files([folder / "a.txt", folder / "b.txt"]) as (a, b):
    ...     _ = a.write_text("one")
    ...     _ = b.write_text("two")
    >>> (folder / "a.txt").read_text(), (folder / "b.txt").read_text()
    ('one', 'two')
    """
    targets = [Path(target) for target in targets]
    for target in targets:
        ensure_writable_dir(target.parent)
        if target.is_dir():
            raise OutputError(
                f"{target}: a folder has the name of this output file; move or rename it; "
                "nothing was replaced"
            )
    temps: list[Path] = []
    try:
        for target in targets:
            temps.append(_temp_name(target))
        yield list(temps)
        for tmp in temps:
            _fsync(tmp)
        _replace_all(temps, targets)
    except HeritageError:
        _remove_all(temps)
        raise
    except OSError as exc:
        _remove_all(temps)
        raise OutputError(
            f"{_culprit(exc, temps, targets)}: cannot write ({exc.strerror or exc}); "
            f"nothing was replaced{write_fix(exc)}"
        ) from exc
    except BaseException:
        _remove_all(temps)
        raise


@contextlib.contextmanager
def publish_set(
    folder: str | Path,
    names: Iterable[str],
    *,
    owned: Callable[[str], bool],
    replace_previous: bool = True,
) -> Iterator[list[Path]]:
    """Like :func:`atomic_files` for ``names`` in ``folder``, publishing them as *the* set.

    Each name is checked first (:func:`output_targets`). With ``replace_previous``,
    the set also replaces the previous one: a manifest (:data:`MANIFEST_NAME`, the
    sorted file names as JSON) is written with the set and moved into place with it,
    and once the whole set is in place the files the previous manifest listed that
    the new set lacks are removed (the page of a layer no longer in project.json).
    The manifest also lists those (``removing``), so if the run is killed before they
    are gone, the next run removes them.
    Only names ``owned`` accepts (the caller's own file patterns) are ever removed,
    and only plain files or symlinks (never what a link points at): a file someone
    else put in the folder stays. If the block or a move fails, nothing is removed.
    Call it while holding the folder's :func:`output_lock`.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> html = lambda name: name.endswith(".html")
    >>> for names in (["index.html", "old.html"], ["index.html"]):
    ...     with publish_set(folder, names, owned=html) as temps:
    ...         for tmp in temps:
    ...             _ = tmp.write_text("a page")
    >>> sorted(p.name for p in folder.iterdir())
    ['.manifest.heritage-mapper.json', 'index.html']
    """
    folder = Path(folder)
    names = [str(name) for name in names]
    targets = output_targets(folder, names)
    if MANIFEST_NAME in names or LOCK_NAME in names:
        raise UsageError(f"{folder / MANIFEST_NAME}: an output would take this reserved name")
    if not replace_previous:
        with atomic_files(targets) as temps:
            yield temps
        return
    keep = set(names)
    obsolete = [
        path
        for path in _listed_files(folder, _read_manifest(folder / MANIFEST_NAME), owned)
        if path.name not in keep
    ]
    with atomic_files([*targets, folder / MANIFEST_NAME]) as temps:
        yield temps[:-1]
        # "removing": the files about to go, so that a run killed before they are gone
        # leaves them listed, and the next run removes them
        doc = {
            "generator": "heritage-mapper",
            "files": sorted(names),
            "removing": sorted(path.name for path in obsolete),
        }
        temps[-1].write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")
    for path in obsolete:
        with contextlib.suppress(OSError):
            path.unlink()


def refuse_foreign_outputs(folder: str | Path, foreign: Callable[[str], bool], option: str) -> None:
    """Refuse (UsageError) an output ``folder`` holding another command's set: a file
    its manifest lists that ``foreign`` accepts (the other command's names, not this
    one's).

    ``tiles --out maps`` put its page in place of the index of ``build``'s pages and
    left their layer pages linking to it; ``build`` into a tiles folder did the same
    the other way round. Files no manifest lists are never in the way.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> with publish_set(folder, ["index.html", "a.html"], owned=lambda n: True) as temps:
    ...     for tmp in temps:
    ...         _ = tmp.write_text("a page")
    >>> refuse_foreign_outputs(folder, lambda n: n.endswith(".pmtiles"), "--out")
    >>> refuse_foreign_outputs(folder, lambda n: n == "a.html", "--out")
    Traceback (most recent call last):
    ...
    heritage_mapper.errors.UsageError: --out ...: it holds a.html, written by another ...
    """
    folder = Path(folder)
    if not folder.is_dir():
        return
    listed = _read_manifest(folder / MANIFEST_NAME)
    found = [path.name for path in _listed_files(folder, listed, foreign)]
    if found:
        more = f" and {len(found) - 3} more" if len(found) > 3 else ""
        raise UsageError(
            f"{option} {folder}: it holds {', '.join(found[:3])}{more}, written by another "
            "heritage-mapper command (the pages of build, or the vector tiles and search "
            f"index of tiles): the two sets would be mixed; choose another {option}, or "
            "remove those files first"
        )


def _listed_files(folder: Path, listed: list[str], owned: Callable[[str], bool]) -> list[Path]:
    """The files of ``listed`` present in ``folder`` that a rebuild may remove.

    Only names ``owned`` accepts, plain file names (a tampered manifest cannot point
    out of the folder), never the lock, the manifest or a temporary file, and only
    regular files or symlinks (a link itself, never what it points at).
    """
    found = []
    for name in dict.fromkeys(listed):
        if not owned(name) or name in (MANIFEST_NAME, LOCK_NAME) or is_temp_name(name):
            continue
        try:
            (path,) = output_targets(folder, [name])
            mode = os.lstat(path).st_mode
        except (UsageError, OSError):
            continue
        if stat.S_ISREG(mode) or stat.S_ISLNK(mode):
            found.append(path)
    return found


def _read_manifest(path: Path) -> list[str]:
    """The file names in the manifest at ``path``; empty when missing or not ours."""
    try:
        fd = os.open(
            path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
        )
    except OSError:
        return []
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MANIFEST_MAX_BYTES:
            return []
        with os.fdopen(os.dup(fd), "rb") as handle:
            doc = json.loads(handle.read(MANIFEST_MAX_BYTES + 1).decode("utf-8"))
    except (OSError, ValueError):
        return []
    finally:
        os.close(fd)
    if not isinstance(doc, dict):
        return []
    names = []
    for key in ("files", "removing"):
        listed = doc.get(key)
        if isinstance(listed, list):
            names += [name for name in listed if isinstance(name, str)]
    return names


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
    with atomic_files([target]) as (tmp,):
        yield tmp


def atomic_write_bytes(target: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``target`` atomically and return ``target``."""
    with atomic_path(target) as tmp, open(tmp, "wb") as handle:
        handle.write(data)
    return Path(target)


def atomic_write_text(target: str | Path, text: str) -> Path:
    """Write UTF-8 ``text`` (``\\n`` newlines) to ``target`` atomically."""
    return atomic_write_bytes(target, text.encode("utf-8"))


def _temp_name(target: Path, tag: str = "") -> Path:
    """A fresh temporary name beside ``target``; no file is created.

    The writer creates the file (some GDAL drivers refuse an existing one), so the
    name is in the caller's list before the file exists, and an interruption at any
    moment leaves nothing unaccounted for. 64 random bits make a clash negligible.
    """
    token = secrets.token_hex(TEMP_TOKEN_BYTES)
    return target.parent / f"{TEMP_PREFIX}{token}{TEMP_SUFFIX}{tag}{target.suffix}"


def _replace_all(temps: list[Path], targets: list[Path]) -> None:
    """Move each temp onto its target; if a move fails, put the earlier targets back."""
    moved: list[tuple[Path, Path | None]] = []
    kept: list[Path] = []
    try:
        for tmp, target in zip(temps, targets, strict=True):
            old = _link_old(target)
            if old is not None:
                kept.append(old)
            os.replace(tmp, target)
            moved.append((target, old))
    except BaseException:
        for target, old in reversed(moved):
            with contextlib.suppress(OSError):
                if old is None:
                    target.unlink()
                else:
                    os.replace(old, target)
        raise
    finally:
        _remove_all(kept)


def _link_old(target: Path) -> Path | None:
    """A hard link to the file at ``target`` under a temporary name, or None.

    None when there is no file yet, or when the file system has no hard links (then
    that one file cannot be put back if a later move fails).
    """
    old = _temp_name(target, OLD_TAG)
    try:
        os.link(target, old)
    except OSError:
        return None
    return old


def _culprit(exc: OSError, temps: list[Path], targets: list[Path]) -> Path:
    """The target an OSError is about: by its file name, else the only or common folder."""
    for name in (exc.filename, getattr(exc, "filename2", None)):
        if name is None:
            continue
        for tmp, target in zip(temps, targets, strict=False):
            if Path(name) in (tmp, target):
                return target
    if len(targets) == 1:
        return targets[0]
    return Path(os.path.commonpath([str(t.parent) for t in targets])) if targets else Path()


def _fsync(path: Path) -> None:
    if path.is_file():
        with open(path, "rb") as handle:
            os.fsync(handle.fileno())


def _remove_all(paths: Iterable[Path]) -> None:
    for path in paths:
        _remove(path)


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()
