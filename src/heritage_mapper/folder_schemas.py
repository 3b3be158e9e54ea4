"""``heritage-mapper schemas``: a folder's own JSON Schemas, written for its languages.

A geodata folder may name JSON Schemas of its own in ``project.json`` (``schemas``),
expanded for its languages (``name_vi``, ``name_en``) so that any JSON Schema tool
validates its files with them; ``geodata/schemas/`` is such a set. Once a language is
added to ``project.json``, those files still name the old languages only: validation
warns (``schema-languages-stale``), and :func:`write_folder_schemas` writes them again
from the packaged schemas for the languages ``project.json`` declares now.

A file that is not a packaged schema as expanded for some languages (a folder that
changed a rule of its own) is not replaced unless ``force`` is given: rewriting it
would lose that change. The files are replaced together, or none is.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from heritage_mapper.atomic import atomic_files, output_lock
from heritage_mapper.errors import GeodataReadError, UsageError
from heritage_mapper.model import (
    DEFAULT_SCHEMAS,
    PROJECT_FILE,
    expand_languages,
    packaged_schema,
    read_project,
    schema_languages,
)

__all__ = ["SchemaFile", "folder_schema_text", "write_folder_schemas"]


@dataclass(frozen=True)
class SchemaFile:
    """One of the folder's schemas: its path, its kind and what was done with it."""

    #: The file as project.json names it, under the folder given.
    path: Path
    kind: str
    #: "written" (it was missing), "updated" (rewritten) or "unchanged".
    status: str
    #: The languages it is written for now (project.json's).
    languages: tuple[str, ...]
    #: The languages it had per-language properties for before (empty if new).
    languages_before: tuple[str, ...] = ()


def folder_schema_text(kind: str, languages) -> str:
    """The packaged schema of ``kind`` expanded for ``languages``, as the folder keeps it
    (two-space indent, UTF-8 text as it is, a final newline).

    Examples
    --------
    >>> text = folder_schema_text("event", ("vi", "en", "fr"))
    >>> '"title_fr": {' in text, '"x-per-language": true' in text
    (True, False)
    """
    schema = expand_languages(packaged_schema(kind), tuple(languages))
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"


def write_folder_schemas(geodata_dir: str | Path, *, force: bool = False) -> list[SchemaFile]:
    """Write the schemas ``project.json`` names (``schemas``) for its languages.

    Returns one :class:`SchemaFile` per schema named, in the order of
    ``DEFAULT_SCHEMAS``. Nothing is written when every file is already up to date.

    Raises
    ------
    GeodataReadError
        ``project.json`` cannot be read.
    UsageError
        It names no schema of its own, names one outside the folder or of an unknown
        kind, or a file has changes of its own and ``force`` is false; nothing is
        written.
    OutputError
        A file cannot be written; none was replaced.
    """
    root = Path(geodata_dir)
    project = read_project(root)
    where = root / PROJECT_FILE
    if not project.schemas:
        raise UsageError(
            f'{where}: names no schema of its own ("schemas"), so the packaged ones are '
            "used, expanded for its languages as they are read: there is nothing to write. "
            'To keep copies in the folder, add for example "schemas": {"site": '
            '"schemas/site.schema.json"} and run this again'
        )
    unknown = sorted(set(project.schemas) - set(DEFAULT_SCHEMAS))
    if unknown:
        raise UsageError(
            f"{where}: schemas names {', '.join(unknown)}, which is not a kind of schema; "
            f"use {', '.join(DEFAULT_SCHEMAS)}"
        )
    # (kind, path, the text to write, the file's text now or None, that text parsed)
    planned: list[tuple[str, Path, str, str | None, object]] = []
    shown: dict[Path, Path] = {}
    for kind in DEFAULT_SCHEMAS:
        if kind not in project.schemas:
            continue
        path = _inside(root, project.schemas[kind], where, kind)
        same = next((other for other, seen, *_ in planned if seen == path), None)
        if same is not None:
            raise UsageError(
                f"{where}: schemas.{same} and schemas.{kind} name the same file, "
                f"{project.schemas[kind]!r}; give each kind a file of its own"
            )
        old = _read_text(path)
        parsed = _loads(old) if old is not None else None
        planned.append((kind, path, folder_schema_text(kind, project.languages), old, parsed))
        shown[path] = root / project.schemas[kind]  # as project.json names it
    own = [
        (kind, path)
        for kind, path, _, old, parsed in planned
        if old is not None and not _is_packaged(kind, parsed)
    ]
    if own and not force:
        names = ", ".join(str(shown[path]) for _, path in own)
        raise UsageError(
            f"{names}: not the packaged schema for any languages (a rule of the folder's "
            "own was changed there, or the file is not JSON); writing it again would lose "
            "that. Add the properties of the new languages by hand, or pass --force to "
            "replace it; nothing was written"
        )
    results = []
    changed = []
    for kind, path, text, old, parsed in planned:
        before = schema_languages(parsed, kind)
        status = "unchanged" if old == text else ("written" if old is None else "updated")
        results.append(SchemaFile(shown[path], kind, status, tuple(project.languages), before))
        if status != "unchanged":
            changed.append((path, text))
    if changed:
        with output_lock(root), atomic_files([path for path, _ in changed]) as temps:
            for temp, (_, text) in zip(temps, changed, strict=True):
                temp.write_text(text, encoding="utf-8", newline="\n")
    return results


def _inside(root: Path, relative, where: Path, kind: str) -> Path:
    from heritage_mapper.read.files import InputRefused, resolve_inside

    try:
        return resolve_inside(root, relative)
    except InputRefused as exc:
        raise UsageError(f"{where}: schemas.{kind}: {exc.message}") from None


def _read_text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise GeodataReadError(f"{path}: cannot be read ({exc}); fix or remove it") from None


def _loads(text: str):
    try:
        return json.loads(text)
    except ValueError:
        return None


def _is_packaged(kind: str, schema) -> bool:
    """Whether ``schema`` (a file's parsed text, None when it is not JSON) is the packaged
    schema of ``kind``, as written or as expanded for the languages it names (whatever
    the file's layout)."""
    if schema is None:
        return False
    if schema == packaged_schema(kind):
        return True
    languages = schema_languages(schema, kind)
    return bool(languages) and schema == expand_languages(packaged_schema(kind), languages)
