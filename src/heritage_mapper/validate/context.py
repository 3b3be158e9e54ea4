"""The state of one validation run, and the reading and schema helpers every rule uses."""

from __future__ import annotations

import json
from pathlib import Path

from heritage_mapper.dates import EdtfDate
from heritage_mapper.model import (
    PROJECT_FILE,
    ParsedGeodata,
    Project,
    SiteRecord,
    expand_languages,
)
from heritage_mapper.problems import Location, Problem, Report
from heritage_mapper.read.jsonfile import (
    read_json,
)
from heritage_mapper.rules import rule
from heritage_mapper.validate.schema import SchemaChecker, make_validator


class Context:
    """Shared state of one validation run."""

    def __init__(self, root: Path):
        self.root = root
        self.report = Report()
        self.parsed = ParsedGeodata()
        self.sites: dict[str, SiteRecord] = {}
        self.folded_ids: dict[str, str] = {}
        self.source_paragraphs: dict[str, int | None] = {}
        self.dates: dict[str, EdtfDate] = {}  # event dates repeat: parse each text once
        self.suggestions: dict[str, str | None] = {}  # "did you mean", see validate.events

    def problem(self, code, path, message, hint=None, *, severity=None, **location):
        """Add a finding of ``code``; its severity comes from the rules registry.

        Past the report's caps (:data:`~heritage_mapper.problems.MAX_FINDINGS_PER_CODE`)
        the finding is only counted, without building it."""
        path = str(path)
        if not self.report.wants(path, code):
            self.report.count_omitted(path, code, severity or rule(code).severity)
            return
        self.report.extend(
            [
                Problem.from_rule(
                    code, path, message, Location(**location), hint=hint, severity=severity
                )
            ]
        )

    def rel(self, path: Path) -> str:
        return str(path)


def read_json_checked(ctx: Context, path: Path, max_bytes=None):
    ctx.report.add_file(path)
    result = read_json(path, max_bytes=max_bytes)
    ctx.report.extend(result.problems)
    return result


def load_schema(ctx: Context, project: Project, kind: str):
    from jsonschema import Draft202012Validator

    path = project.schema_path(kind)
    try:
        schema = json.loads(path.read_text(encoding="utf-8"))
        Draft202012Validator.check_schema(schema)
        schema = expand_languages(schema, project.languages)
    except Exception as exc:  # any unreadable or malformed schema is one finding
        ctx.problem(
            "schema-unreadable",
            path,
            f"the {kind} schema cannot be used: {exc}",
            hint=f"fix the file, or remove schemas.{kind} from {PROJECT_FILE} to use the "
            "packaged schema",
        )
        return None
    return SchemaChecker(make_validator(schema))


def schema_message(error) -> str:
    where = "/".join(str(p) for p in error.absolute_path)
    subject = f"'{where}'" if where else "the object"
    return f"{subject}: {error.message}"
