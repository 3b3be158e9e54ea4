"""Rules of ``project.json``: its schema, default language, reserved layer ids."""

from __future__ import annotations

import json
from pathlib import Path

from heritage_mapper.model import (
    INDEX_PAGE,
    PAGE_SUFFIX,
    PROJECT_FILE,
    Project,
    packaged_schema_path,
    project_from_dict,
)
from heritage_mapper.problems import Location, Problem
from heritage_mapper.text import pointer
from heritage_mapper.validate.context import Context, read_json_checked, schema_message
from heritage_mapper.validate.schema import make_validator


def check_project(ctx: Context) -> Project | None:
    path = ctx.root / PROJECT_FILE
    result = read_json_checked(ctx, path)
    doc = result.document
    if doc is None:
        return None
    default_schema = packaged_schema_path("project")
    schemas = doc.get("schemas") if isinstance(doc, dict) else None
    schema_file = (
        ctx.root / schemas["project"]
        if isinstance(schemas, dict) and isinstance(schemas.get("project"), str)
        else default_schema
    )

    try:
        validator = make_validator(json.loads(schema_file.read_text(encoding="utf-8")))
    except (OSError, ValueError) as exc:
        ctx.problem("schema-unreadable", schema_file, f"cannot read the schema: {exc}")
        return None
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(map(str, e.absolute_path)))
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
