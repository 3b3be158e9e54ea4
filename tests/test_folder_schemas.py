"""A folder's own JSON Schemas after a language is added: the warning that says they are
out of date, and `heritage-mapper schemas`, which writes them again.

Data: copies of the real geodata folder, whose project.json names all five schemas in
``schemas/`` (expanded for vi and en).
"""

from __future__ import annotations

import errno
import json
import os
import shutil
from pathlib import Path

from click.testing import CliRunner

from heritage_mapper.atomic import TEMP_PREFIX
from heritage_mapper.cli import main
from heritage_mapper.folder_schemas import folder_schema_text
from heritage_mapper.model import DEFAULT_SCHEMAS, schema_languages
from heritage_mapper.validate import validate_geodata

from .conftest import GEODATA

STALE = "schema-languages-stale"
# the kinds whose schemas have per-language properties (project.json's texts are
# objects keyed by language, not properties per language)
PER_LANGUAGE_KINDS = ("site", "event", "sources", "tours")


def copy_folder(tmp_path: Path, languages=None) -> Path:
    folder = tmp_path / "geodata"
    shutil.copytree(GEODATA, folder)
    if languages is not None:
        project_file = folder / "project.json"
        project = json.loads(project_file.read_text(encoding="utf-8"))
        project["languages"] = list(languages)
        project.pop("sources_dir", None)  # outside the copy: not read (README, Security)
        project_file.write_text(json.dumps(project, ensure_ascii=False, indent=2), "utf-8")
    return folder


def schemas_cli(folder: Path, *args: str):
    result = CliRunner().invoke(main, ["schemas", "--geodata", str(folder), *args])
    assert "Traceback" not in result.output
    return result


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((folder / "schemas").iterdir())}


def stale(folder: Path) -> list:
    return [p for p in validate_geodata(folder).problems if p.code == STALE]


def test_the_real_folders_schemas_are_what_the_command_writes_byte_for_byte():
    """`heritage-mapper schemas` on geodata/ changes nothing (the README's build keeps
    `git status` clean), and validation has nothing to say about them."""
    languages = json.loads((GEODATA / "project.json").read_text("utf-8"))["languages"]
    for kind, name in DEFAULT_SCHEMAS.items():
        text = (GEODATA / "schemas" / name).read_text(encoding="utf-8")
        assert text == folder_schema_text(kind, languages), name
    assert stale(GEODATA) == []


def test_a_language_added_to_project_json_is_warned_about_in_each_stale_schema(tmp_path):
    folder = copy_folder(tmp_path, ["vi", "en", "fr"])
    found = stale(folder)
    assert sorted(Path(p.path).name for p in found) == sorted(
        DEFAULT_SCHEMAS[kind] for kind in PER_LANGUAGE_KINDS
    )
    site = next(p for p in found if p.path.endswith("site.schema.json"))
    assert site.severity == "warning"
    assert "written for the languages vi, en" in site.message
    assert "declares vi, en, fr: it has nothing for fr" in site.message
    assert "heritage-mapper schemas" in site.hint


def test_a_language_removed_is_named_too(tmp_path):
    folder = copy_folder(tmp_path, ["vi"])
    messages = [p.message for p in stale(folder)]
    assert len(messages) == len(PER_LANGUAGE_KINDS)
    assert all("properties for en, which project.json no longer has" in m for m in messages)


def test_the_command_writes_them_for_the_new_languages_and_the_warning_goes(tmp_path):
    folder = copy_folder(tmp_path, ["vi", "en", "fr"])
    result = schemas_cli(folder)
    assert result.exit_code == 0, result.output
    for kind in PER_LANGUAGE_KINDS:
        path = folder / "schemas" / DEFAULT_SCHEMAS[kind]
        assert f"{path}: written for vi, en, fr (it was for vi, en)" in result.output
    assert f"{folder / 'schemas' / 'project.schema.json'}: up to date (vi, en, fr)" in result.output
    for kind, name in DEFAULT_SCHEMAS.items():
        written = (folder / "schemas" / name).read_text(encoding="utf-8")
        assert written == folder_schema_text(kind, ("vi", "en", "fr"))
        if kind in PER_LANGUAGE_KINDS:
            assert schema_languages(json.loads(written), kind) == ("vi", "en", "fr")
    site = json.loads((folder / "schemas" / "site.schema.json").read_text("utf-8"))
    assert {"name_fr", "description_fr", "location_basis_fr"} <= set(site["required"])
    assert stale(folder) == []
    # the French texts are now asked for by the folder's schemas as by the packaged ones
    codes = {p.code for p in validate_geodata(folder).problems}
    assert "tour-text-missing" in codes and "sources-schema" in codes
    assert not any(name.startswith(TEMP_PREFIX) for name in os.listdir(folder / "schemas"))


def test_a_second_run_finds_everything_up_to_date_and_writes_nothing(tmp_path):
    folder = copy_folder(tmp_path, ["vi", "en", "fr"])
    assert schemas_cli(folder).exit_code == 0
    before = {p: p.stat().st_mtime_ns for p in (folder / "schemas").iterdir()}
    result = schemas_cli(folder)
    assert result.exit_code == 0
    assert result.output.count(": up to date (vi, en, fr)") == len(DEFAULT_SCHEMAS)
    assert {p: p.stat().st_mtime_ns for p in (folder / "schemas").iterdir()} == before


def test_a_schema_with_a_rule_of_its_own_is_kept_unless_forced(tmp_path):
    folder = copy_folder(tmp_path, ["vi", "en", "fr"])
    site_file = folder / "schemas" / "site.schema.json"
    site = json.loads(site_file.read_text("utf-8"))
    site["properties"]["name_vi"]["maxLength"] = 80  # the folder's own rule
    site_file.write_text(json.dumps(site, ensure_ascii=False, indent=2) + "\n", "utf-8")
    before = snapshot(folder)
    result = schemas_cli(folder)
    assert result.exit_code == 2
    assert f"error: {site_file}: not the packaged schema for any languages" in result.output
    assert "--force" in result.output and "nothing was written" in result.output
    assert snapshot(folder) == before  # not even the other, stale, schemas
    forced = schemas_cli(folder, "--force")
    assert forced.exit_code == 0, forced.output
    assert site_file.read_text("utf-8") == folder_schema_text("site", ("vi", "en", "fr"))


def test_a_broken_schema_file_is_not_replaced_without_force(tmp_path):
    folder = copy_folder(tmp_path, ["vi", "en", "fr"])
    (folder / "schemas" / "event.schema.json").write_text("{ not json", "utf-8")
    before = snapshot(folder)
    result = schemas_cli(folder)
    assert result.exit_code == 2 and "event.schema.json" in result.output
    assert snapshot(folder) == before


def test_a_missing_schema_file_is_written(tmp_path):
    folder = copy_folder(tmp_path)
    (folder / "schemas" / "tours.schema.json").unlink()
    result = schemas_cli(folder)
    assert result.exit_code == 0
    assert f"{folder / 'schemas' / 'tours.schema.json'}: written for vi, en" in result.output
    assert snapshot(folder) == snapshot(GEODATA)


def test_a_folder_that_names_no_schema_of_its_own_is_told_so(tmp_path):
    folder = copy_folder(tmp_path)
    project_file = folder / "project.json"
    project = json.loads(project_file.read_text("utf-8"))
    del project["schemas"]
    project_file.write_text(json.dumps(project, ensure_ascii=False), "utf-8")
    result = schemas_cli(folder)
    assert result.exit_code == 2
    assert "names no schema of its own" in result.output
    assert '"schemas": {"site": "schemas/site.schema.json"}' in result.output


def test_a_property_named_like_a_language_is_not_one(tmp_path):
    """name_alt beside name_vi and name_en is the folder's own rule, not a language
    "alt": no warning while the languages agree, fr alone named once one is added,
    and the command keeps the file (it would lose name_alt)."""
    folder = copy_folder(tmp_path)
    site_file = folder / "schemas" / "site.schema.json"
    site = json.loads(site_file.read_text("utf-8"))
    site["properties"]["name_alt"] = {"type": "string"}
    site_file.write_text(json.dumps(site, ensure_ascii=False, indent=2) + "\n", "utf-8")
    assert schema_languages(site, "site") == ("vi", "en")
    assert stale(folder) == []
    project_file = folder / "project.json"
    project = json.loads(project_file.read_text("utf-8"))
    project["languages"] = ["vi", "en", "fr"]
    project.pop("sources_dir", None)
    project_file.write_text(json.dumps(project, ensure_ascii=False), "utf-8")
    site_warning = [p for p in stale(folder) if p.path.endswith("site.schema.json")]
    assert [p.message.split(": it has ")[1] for p in site_warning] == ["nothing for fr"]
    result = schemas_cli(folder)
    assert result.exit_code == 2 and "site.schema.json: not the packaged schema" in result.output


def test_two_kinds_naming_one_file_are_refused(tmp_path):
    folder = copy_folder(tmp_path)
    project_file = folder / "project.json"
    project = json.loads(project_file.read_text("utf-8"))
    project["schemas"]["event"] = project["schemas"]["site"]
    project_file.write_text(json.dumps(project, ensure_ascii=False), "utf-8")
    before = snapshot(folder)
    result = schemas_cli(folder)
    assert result.exit_code == 2
    assert "schemas.site and schemas.event name the same file" in result.output
    assert snapshot(folder) == before


def test_a_schema_path_outside_the_folder_is_refused(tmp_path):
    folder = copy_folder(tmp_path)
    project_file = folder / "project.json"
    project = json.loads(project_file.read_text("utf-8"))
    project["schemas"]["site"] = "../site.schema.json"
    project_file.write_text(json.dumps(project, ensure_ascii=False), "utf-8")
    result = schemas_cli(folder)
    assert result.exit_code == 2
    assert "schemas.site" in result.output and "'../site.schema.json'" in result.output
    assert not (tmp_path / "site.schema.json").exists()


def test_a_refused_write_fails_cleanly_and_changes_nothing(tmp_path, monkeypatch):
    """The third file cannot be moved into place (a read-only folder, as root cannot
    make one): exit 1, the message says so, and the two moved before are put back."""
    folder = copy_folder(tmp_path, ["vi", "en", "fr"])
    before = snapshot(folder)
    real_replace = os.replace
    moves = []

    def refusing(src, dst, *args, **kwargs):
        if ".tmp.old" not in Path(src).name:  # a move into place, not a put-back
            moves.append(dst)
            if len(moves) == 3:
                raise PermissionError(errno.EACCES, "Permission denied", str(src), None, str(dst))
        return real_replace(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", refusing)
    result = schemas_cli(folder)
    monkeypatch.undo()
    assert result.exit_code == 1
    assert "cannot write (Permission denied); nothing was replaced" in result.output
    assert snapshot(folder) == before


def test_a_folder_in_the_way_of_a_schema_file_is_an_error_naming_it(tmp_path):
    folder = copy_folder(tmp_path)
    (folder / "schemas" / "tours.schema.json").unlink()
    (folder / "schemas" / "tours.schema.json").mkdir()
    result = schemas_cli(folder)
    assert result.exit_code == 2
    assert f"{folder / 'schemas' / 'tours.schema.json'}" in result.output


def test_the_command_is_listed_in_the_help():
    result = CliRunner().invoke(main, ["--help"])
    assert "schemas" in result.output
    result = CliRunner().invoke(main, ["schemas", "--help"])
    assert "schema-languages-stale" in result.output and "--force" in result.output
