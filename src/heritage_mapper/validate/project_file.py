"""Rules of ``project.json``: its schema, default language, reserved layer ids."""

from __future__ import annotations

from pathlib import Path

from heritage_mapper.model import (
    INDEX_PAGE,
    PAGE_SUFFIX,
    PROJECT_FILE,
    Project,
    packaged_schema,
    project_from_dict,
)
from heritage_mapper.problems import Location, Problem
from heritage_mapper.read.files import MAX_REGISTRY_BYTES, InputRefused, resolve_inside
from heritage_mapper.text import pointer
from heritage_mapper.validate.context import (
    Context,
    add_lines,
    inside,
    read_json_checked,
    read_schema_file,
    schema_message,
    short_message,
)
from heritage_mapper.validate.schema import make_validator
from heritage_mapper.validate.texts import nfc_texts


def check_project(ctx: Context) -> Project | None:
    path = ctx.root / PROJECT_FILE
    try:
        resolve_inside(ctx.root, PROJECT_FILE)
    except InputRefused as exc:
        ctx.problem(exc.code, path, exc.message, pointer="")
        return None
    result = read_json_checked(ctx, path, MAX_REGISTRY_BYTES)
    doc = result.document
    if doc is None:
        return None
    # The packaged schema always applies: a folder's own project schema may add rules
    # but not loosen the ids and paths the rest of the package relies on.
    validators = [make_validator(packaged_schema("project"))]
    schemas = doc.get("schemas") if isinstance(doc, dict) else None
    own = schemas.get("project") if isinstance(schemas, dict) else None
    if isinstance(own, str):
        schema_file = inside(ctx, own, "/schemas/project")
        if schema_file is None:
            return None
        try:
            validators.append(make_validator(read_schema_file(schema_file)))
        except InputRefused as exc:
            ctx.problem(exc.code, schema_file, exc.message)
            return None
        except Exception as exc:  # an unreadable or malformed schema is one finding
            ctx.problem(
                "schema-unreadable", schema_file, f"cannot read the schema: {short_message(exc)}"
            )
            return None
    seen: set[tuple[str, str]] = set()
    errors = []
    for validator in validators:
        for error in validator.iter_errors(doc):
            key = (pointer(*error.absolute_path), error.message)
            if key not in seen:
                seen.add(key)
                errors.append(error)
    errors.sort(key=lambda e: list(map(str, e.absolute_path)))
    for error in errors:
        ctx.problem(
            "project-schema",
            path,
            schema_message(error),
            hint="see schemas/project.schema.json and the README's data model",
            pointer=pointer(*error.absolute_path),
        )
    if errors:
        return None
    before = len(ctx.report.problems)
    doc = nfc_texts(ctx, path, doc)  # the title, labels and eras reach every page
    add_lines(ctx, before, path, result.text)
    project = project_from_dict(ctx.root, doc)
    _check_project_consistency(ctx, path, project)
    return project


def _check_project_consistency(ctx: Context, path: Path, project: Project) -> None:
    seen: set[str] = set()
    for i, spec in enumerate(project.layers):
        if spec.id in seen:
            ctx.problem(
                "layer-id-duplicate",
                path,
                f"layer id {spec.id!r} is declared twice",
                hint="give every layer its own id",
                pointer=f"/layers/{i}/id",
            )
        seen.add(spec.id)
    if project.default_language not in project.languages:
        ctx.problem(
            "project-default-language-unknown",
            path,
            f"default_language {project.default_language!r} is not in languages "
            f"{list(project.languages)}",
            hint="add it to languages or pick one of them",
            pointer="/default_language",
        )
    _check_layer_ids_reserved(ctx, path, project)
    _check_eras(ctx, path, project)
    _check_texts_in_every_language(ctx, path, project)


def _check_texts_in_every_language(ctx: Context, path: Path, project: Project) -> None:
    """The project's title, and each layer's title, category's label and era's label,
    in every language of the project: one missing showed another language's text on
    that language's pages, and nothing said so (tours and events require theirs)."""
    texts = [("/title", project.title)]
    texts += [(f"/layers/{i}/title", spec.title) for i, spec in enumerate(project.layers)]
    texts += [(f"/categories/{i}/label", c.label) for i, c in enumerate(project.categories)]
    texts += [(f"/eras/{i}/label", era.label) for i, era in enumerate(project.eras)]
    for where, text in texts:
        given = [lang for lang in project.languages if (text or {}).get(lang)]
        if not given:
            continue  # none at all: the schema's to say
        for lang in project.languages:
            if lang not in given:
                ctx.problem(
                    "project-text-missing",
                    path,
                    f"{where[1:]} has no text in {lang!r} (given in {', '.join(given)}); "
                    f"the {lang!r} pages show it in another language",
                    hint=f"add {where.rsplit('/', 1)[1]}.{lang}, in our own words",
                    pointer=f"{where}/{lang}",
                )


def _check_eras(ctx: Context, path: Path, project: Project) -> None:
    """Each era has its own id, and a period in EDTF with a known year (the page turns
    it into years)."""
    from heritage_mapper.dates import EdtfError, year_span

    first: dict[str, int] = {}
    for i, era in enumerate(project.eras):
        if era.id in first:
            ctx.problem(
                "project-era-id-duplicate",
                path,
                f"era id {era.id!r} is already the id of era {first[era.id]}",
                hint="give every era its own id (the story page has one step per era)",
                pointer=f"/eras/{i}/id",
            )
        first.setdefault(era.id, i)
        try:
            known = year_span(era.period) is not None
            message = f"era {era.id!r}: {era.period!r} has no known year"
        except EdtfError as exc:
            known, message = False, f"era {era.id!r}: {exc}"
        if not known:
            ctx.problem(
                "project-era-period-invalid",
                path,
                message,
                hint="write its years as EDTF: 1964/1972, 1955-04-25, or 2021/.. for an era "
                "lasting until today",
                pointer=f"/eras/{i}/period",
            )


def _check_layer_ids_reserved(ctx: Context, path: Path, project: Project) -> None:
    """A layer whose page would overwrite the all-layers page (``index``), which build
    refuses (render.page_names): report it here, before anything is rendered."""
    for i, spec in enumerate(project.layers):
        if spec.id + PAGE_SUFFIX == INDEX_PAGE:
            ctx.report.extend(
                [
                    Problem.from_rule(
                        "project-layer-id-reserved",
                        str(path),
                        f"layer id {spec.id!r} would make the layer's page {INDEX_PAGE}, "
                        "which is the page of all layers",
                        Location(pointer=f"/layers/{i}/id"),
                        hint=f"rename the layer in {PROJECT_FILE}, e.g. to '{spec.id}-sites'",
                    )
                ]
            )
