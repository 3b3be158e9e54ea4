"""Rules of ``sources.json`` and of citations: registered files, paragraphs that exist,
checksums of the source texts."""

from __future__ import annotations

import hashlib
from pathlib import Path

from heritage_mapper.model import (
    PROJECT_FILE,
    Project,
)
from heritage_mapper.text import pointer
from heritage_mapper.validate.context import Context, load_schema, read_json_checked, schema_message

#: A cited paragraph number longer than this cannot exist (and would not fit an int64).
MAX_PARAGRAPH_DIGITS = 9


#: The codes of a citation (source, paragraph) made by a site and by an event.
SITE_CITATION_CODES = ("source-ref-unknown", "source-paragraph-missing")


EVENT_CITATION_CODES = ("event-source-unknown", "event-paragraph-missing")


def check_sources(ctx: Context, project: Project) -> None:
    path = project.sources_path
    if not path.is_file():
        ctx.problem(
            "sources-file-missing",
            path,
            f"the sources registry {project.sources!r} named in {PROJECT_FILE} does not exist",
            hint="create it (see README) or fix 'sources' in project.json",
        )
        return
    doc = read_json_checked(ctx, path).document
    if doc is None:
        return
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
    ids: set[str] = set()
    for i, source in enumerate(doc["sources"]):
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
        ctx.source_paragraphs[source["file"]] = _count_paragraphs(ctx, project, path, i, source)
    ctx.parsed.sources = doc["sources"]


def _count_paragraphs(ctx, project: Project, path: Path, index: int, source: dict) -> int | None:
    """Paragraphs (non-empty lines) in the source text, or None when it is not at hand."""
    folder = project.sources_dir_path
    if folder is None or not folder.is_dir():
        return None
    text_path = folder / source["file"]
    try:
        data = text_path.read_bytes()
    except OSError:
        ctx.problem(
            "source-text-missing",
            path,
            f"{source['file']!r} is not in {folder}; paragraph numbers cannot be checked",
            hint="put the document in sources_dir or fix the file name",
            pointer=f"/sources/{index}/file",
        )
        return None
    expected = source.get("sha256")
    if expected and hashlib.sha256(data).hexdigest() != expected:
        ctx.problem(
            "source-changed",
            path,
            f"{text_path} differs from the version registered (sha256 {expected[:12]}…); "
            "cited paragraph numbers may now point elsewhere",
            hint="re-check the citations against the new text, then update sha256",
            pointer=f"/sources/{index}/sha256",
        )
    text = data.decode("utf-8", errors="replace")
    return sum(1 for line in text.splitlines() if line.strip())


def is_paragraph_number(text: str) -> bool:
    """ASCII digits only: ``str.isdigit`` also takes '²' (which int() refuses) and '١٢'."""
    return text.isascii() and text.isdigit()


def check_source_ref(ctx, path, file_name: str, paragraph: str, codes, **loc) -> None:
    """Check a citation; ``paragraph`` is a string of ASCII digits; ``codes`` are
    :data:`SITE_CITATION_CODES` or :data:`EVENT_CITATION_CODES`."""
    unknown_code, missing_code = codes
    known = ctx.source_paragraphs
    if file_name not in known:
        ctx.problem(
            unknown_code,
            path,
            f"source {file_name!r} is not registered in sources.json",
            hint=f"use one of {sorted(known)} or register the document",
            **loc,
        )
        return
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
        return
    ctx.problem(
        missing_code,
        path,
        fact,
        hint="count non-empty lines from 1 and cite the right one",
        **loc,
    )
