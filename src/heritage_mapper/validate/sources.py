"""Rules of ``sources.json`` and of citations: registered files, paragraphs that exist,
checksums of the source texts."""

from __future__ import annotations

import hashlib
from pathlib import Path

from heritage_mapper.model import (
    PROJECT_FILE,
    Project,
)
from heritage_mapper.read.files import (
    MAX_REGISTRY_BYTES,
    MAX_SOURCE_TEXT_BYTES,
    InputRefused,
    is_slug,
    read_regular,
    resolve_inside,
    unsafe_name_reason,
)
from heritage_mapper.read.jsonfile import too_large_message
from heritage_mapper.text import pointer
from heritage_mapper.validate.context import (
    Context,
    add_lines,
    inside,
    load_schema,
    read_json_checked,
    schema_message,
)
from heritage_mapper.validate.texts import nfc_texts

#: A cited paragraph number longer than this cannot exist (and would not fit an int64).
MAX_PARAGRAPH_DIGITS = 9


#: The codes of a citation (source, paragraph) made by a site and by an event.
SITE_CITATION_CODES = ("source-ref-unknown", "source-paragraph-missing")


EVENT_CITATION_CODES = ("event-source-unknown", "event-paragraph-missing")


def check_sources(ctx: Context, project: Project) -> None:
    path = inside(ctx, project.sources, "/sources")
    if path is None:
        return
    if not path.exists():
        ctx.problem(
            "sources-file-missing",
            path,
            f"the sources registry {project.sources!r} named in {PROJECT_FILE} does not exist",
            hint="create it (see README) or fix 'sources' in project.json",
        )
        return
    result = read_json_checked(ctx, path, MAX_REGISTRY_BYTES)
    doc = result.document
    if doc is None:
        return
    before = len(ctx.report.problems)
    doc = nfc_texts(ctx, path, doc)  # the titles reach the popups' citations
    add_lines(ctx, before, path, result.text)
    validator = load_schema(ctx, project, "sources")
    if validator is not None:
        errors = list(validator.iter_errors(doc))
        for error in errors:
            ctx.problem(
                "sources-schema",
                path,
                schema_message(error),
                hint="see schemas/sources.schema.json",
                pointer=pointer(*error.absolute_path),
            )
        if errors:
            return
    if not _registry_shape(ctx, path, doc):
        return
    ids: set[str] = set()
    folder = _texts_folder(ctx, project)
    for i, source in enumerate(doc["sources"]):
        if not _safe_source(ctx, path, i, source):
            continue
        for key in ("id", "file"):
            value = source[key]
            if value in ids:
                ctx.problem(
                    "source-id-duplicate",
                    path,
                    f"source {key} {value!r} is registered twice",
                    hint="register each document once",
                    pointer=f"/sources/{i}/{key}",
                )
            ids.add(value)
        ctx.source_paragraphs[source["file"]] = _count_paragraphs(ctx, folder, path, i, source)
    ctx.parsed.sources = doc["sources"]


def _registry_shape(ctx: Context, path: Path, doc) -> bool:
    """What the code below relies on, whatever a folder's own sources schema allowed."""
    sources = doc.get("sources") if isinstance(doc, dict) else None
    ok = isinstance(sources, list) and all(
        isinstance(s, dict) and isinstance(s.get("id"), str) and isinstance(s.get("file"), str)
        for s in sources
    )
    if not ok:
        ctx.problem(
            "sources-schema",
            path,
            'sources.json must hold {"sources": [...]}, each source with a text id and file',
            hint="see schemas/sources.schema.json",
            pointer="",
        )
    return ok


def _safe_source(ctx: Context, path: Path, index: int, source: dict) -> bool:
    """The package's rules for a source's id and file name, which no schema loosens."""
    safe = True
    if not is_slug(source["id"]):
        safe = False
        ctx.problem(
            "id-unsafe",
            path,
            f"source id {source['id']!r} is not a slug",
            pointer=f"/sources/{index}/id",
        )
    reason = unsafe_name_reason(source["file"])
    if reason is not None:
        safe = False
        ctx.problem(
            "path-outside-folder",
            path,
            f"source file {source['file']!r} cannot be read: {reason}; name a file directly "
            "in sources_dir",
            pointer=f"/sources/{index}/file",
        )
    return safe


def _texts_folder(ctx: Context, project: Project) -> Path | None:
    """The folder of the source texts, or None when they are not to be read.

    ``--sources-dir`` (:attr:`Context.sources_dir`) is chosen by the person running
    heritage-mapper and is trusted as given. ``sources_dir`` in ``project.json`` comes
    from the folder and is confined to it like every other path: one leading outside
    is not opened, not even tested for existence (``sources-dir-outside``).
    """
    if ctx.sources_dir is not None:
        if ctx.sources_dir.is_dir():
            return ctx.sources_dir
        ctx.problem(
            "sources-dir-missing",
            ctx.sources_dir,
            "no such folder: the source texts were not read, so cited paragraph numbers "
            "were not checked",
        )
        return None
    if not project.sources_dir:
        return None
    try:
        folder = resolve_inside(ctx.root, project.sources_dir)
    except InputRefused:
        ctx.problem(
            "sources-dir-outside",
            ctx.root / PROJECT_FILE,
            f"sources_dir {project.sources_dir!r} leads outside the geodata folder; the "
            "source texts were not read, so cited paragraph numbers were not checked",
            pointer="/sources_dir",
        )
        return None
    if folder.is_dir():
        return folder
    ctx.problem(
        "sources-dir-missing",
        ctx.root / PROJECT_FILE,
        f"sources_dir {project.sources_dir!r} is not a folder: the source texts were not "
        "read, so cited paragraph numbers were not checked",
        pointer="/sources_dir",
    )
    return None


def _count_paragraphs(ctx, folder: Path | None, path: Path, index: int, source: dict):
    """Paragraphs (non-empty lines) in the source text, or None when it is not at hand.

    The file name is a plain name (:func:`_safe_source`); the file must resolve inside
    ``folder`` (:func:`_texts_folder`), be a regular file and be at most
    :data:`MAX_SOURCE_TEXT_BYTES`.
    """
    if folder is None:
        return None
    text_path = folder / source["file"]
    where = {"pointer": f"/sources/{index}/file"}
    try:
        resolve_inside(folder, source["file"])
        data, size = read_regular(text_path, MAX_SOURCE_TEXT_BYTES)
    except InputRefused as exc:
        message = exc.message
        if exc.code != "path-outside-folder":
            message = f"source file {source['file']!r}: {message}"
        ctx.problem(exc.code, path, message, **where)
        return None
    except OSError:
        ctx.problem(
            "source-text-missing",
            path,
            f"{source['file']!r} is not in {folder}; paragraph numbers cannot be checked",
            hint="put the document in sources_dir or fix the file name",
            **where,
        )
        return None
    if data is None:
        ctx.problem(
            "file-too-large",
            path,
            f"source file {source['file']!r}: "
            + too_large_message(size, MAX_SOURCE_TEXT_BYTES).split(":")[0],
            **where,
        )
        return None
    expected = source.get("sha256")
    if expected and hashlib.sha256(data).hexdigest() != expected:
        ctx.problem(
            "source-changed",
            path,
            f"{text_path} differs from the version registered (sha256 {str(expected)[:12]}…); "
            "cited paragraph numbers may now point elsewhere",
            hint="re-check the citations against the new text, then update sha256",
            pointer=f"/sources/{index}/sha256",
        )
    text = data.decode("utf-8", errors="replace")
    return sum(1 for line in text.splitlines() if line.strip())


def citation_is_sound(ctx, file_name: str, paragraph: str) -> bool:
    """Whether :func:`check_source_ref` finds nothing in a citation (``paragraph`` a
    string of ASCII digits), without reporting: for the checks of whole columns."""
    return _citation_problem(ctx.source_paragraphs, file_name, paragraph) is None


def check_source_ref(ctx, path, file_name: str, paragraph: str, codes, columns=None, **loc) -> None:
    """Check a citation; ``paragraph`` is a string of ASCII digits; ``codes`` are
    :data:`SITE_CITATION_CODES` or :data:`EVENT_CITATION_CODES`. ``columns``: the
    (source, paragraph) columns of a CSV row, the one at fault named in the finding."""
    problem = _citation_problem(ctx.source_paragraphs, file_name, paragraph)
    if problem is not None:
        which, fact, hint = problem
        if columns is not None:
            loc["column_name"] = columns[which]
        ctx.problem(codes[which], path, fact, hint=hint, **loc)


def _citation_problem(known, file_name: str, paragraph: str) -> tuple[int, str, str] | None:
    """What is wrong with a citation, ``(0, fact, hint)`` for an unregistered source and
    ``(1, fact, hint)`` for a paragraph it lacks, or None; ``known`` maps each
    registered file to its paragraph count (None: not counted). The one rule of
    :func:`check_source_ref` and :func:`citation_is_sound`."""
    if file_name not in known:
        fact = f"source {file_name!r} is not registered in sources.json"
        return 0, fact, f"use one of {sorted(known)} or register the document"
    count = known[file_name]
    if len(paragraph) > MAX_PARAGRAPH_DIGITS:
        fact = (
            f"paragraph {paragraph[:MAX_PARAGRAPH_DIGITS]}… has {len(paragraph)} digits; "
            f"{file_name} cannot have that many paragraphs"
        )
    elif count is not None and int(paragraph) > count:
        fact = (
            f"{file_name} has {count} paragraphs (non-empty lines); paragraph "
            f"{int(paragraph)} does not exist"
        )
    else:
        return None
    return 1, fact, "count non-empty lines from 1 and cite the right one"
