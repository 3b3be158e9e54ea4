"""Big input: files over the size limit are refused at once, with the fix in the message.

A layer or events file over ``--max-bytes`` (default
:data:`~heritage_mapper.read.jsonfile.DEFAULT_MAX_JSON_BYTES`, 64 MiB) is a finding, not an
out-of-memory crash: its size is checked before a byte is read. The 300 MB files here
are sparse (``truncate``), so they cost no disk and no time.
"""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path

import pytest
from click.testing import CliRunner

from heritage_mapper.cli import EXIT_ERRORS, main
from heritage_mapper.errors import ValidationFailed
from heritage_mapper.frames import load_geodata
from heritage_mapper.read.jsonfile import DEFAULT_MAX_JSON_BYTES, read_json
from heritage_mapper.validate import validate_geodata

LAYER = Path("layers") / "coal-industry.geojson"
BIG = 300 * 1000 * 1000
#: Reading a refused 300 MB file would allocate 300 MB; refusing it allocates little.
REFUSAL_MEMORY_BUDGET = 32 * 1024 * 1024


def _sparse(path: Path, size: int) -> Path:
    with path.open("wb") as fh:
        fh.truncate(size)
    return path


def test_default_limit_is_64_mib():
    assert DEFAULT_MAX_JSON_BYTES == 64 * 2**20


def test_largest_file_one_byte_over_the_limit_is_refused_naming_limit_and_flag(geodata_copy):
    # every GeoJSON file the folder reads: the site layers and the basemap files
    layers = sorted(geodata_copy.glob("*/*.geojson"), key=lambda p: p.stat().st_size)
    limit = layers[-1].stat().st_size - 1
    result = CliRunner().invoke(
        main,
        ["validate", "--geodata", str(geodata_copy), "--format", "json", f"--max-bytes={limit}"],
    )
    assert result.exit_code == EXIT_ERRORS, result.output
    doc = json.loads(result.stdout)
    refused = {
        f["path"]: p["message"]
        for f in doc["files"]
        for p in f["problems"]
        if p["code"] == "json-too-large"
    }
    assert list(refused) == [str(layers[-1])]
    message = refused[str(layers[-1])]
    assert f"limit of {limit:,} bytes" in message and f"--max-bytes {limit + 1}" in message


def test_layer_exactly_at_the_limit_is_read(tmp_path):
    path = tmp_path / "layer.geojson"
    path.write_text('{"type": "FeatureCollection", "features": []}')
    doc = read_json(path, max_bytes=path.stat().st_size)
    assert doc.parsed and not doc.problems


def test_check_command_refuses_a_file_over_max_bytes(tmp_path):
    path = tmp_path / "layer.geojson"
    path.write_text('{"type": "FeatureCollection", "features": []}')
    result = CliRunner().invoke(main, ["check", str(path), "--max-bytes", "10"])
    assert result.exit_code == EXIT_ERRORS, result.output
    assert "json-too-large" in result.output and "--max-bytes" in result.output


def test_300_mb_layer_is_refused_by_default_without_being_read(geodata_copy):
    _sparse(geodata_copy / LAYER, BIG)
    tracemalloc.start()
    try:
        report = validate_geodata(geodata_copy)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    refused = [p for p in report.problems if p.code == "json-too-large"]
    assert [p.path for p in refused] == [str(geodata_copy / LAYER)]
    assert "300,000,000 bytes" in refused[0].message
    assert peak < REFUSAL_MEMORY_BUDGET


def test_300_mb_events_csv_is_refused_by_default(geodata_copy):
    _sparse(geodata_copy / "events.csv", BIG)
    report = validate_geodata(geodata_copy)
    refused = [p for p in report.problems if p.code == "csv-too-large"]
    assert len(refused) == 1 and "--max-bytes" in refused[0].message


def test_load_geodata_applies_the_limit(geodata_copy):
    with pytest.raises(ValidationFailed) as caught:
        load_geodata(geodata_copy, max_bytes=100)
    assert "json-too-large" in {p.code for p in caught.value.report.problems}


def test_build_refuses_a_300_mb_layer_and_writes_nothing(geodata_copy, tmp_path):
    _sparse(geodata_copy / LAYER, BIG)
    out = tmp_path / "maps"
    result = CliRunner().invoke(main, ["build", "--geodata", str(geodata_copy), "--out", str(out)])
    assert result.exit_code == EXIT_ERRORS, result.output
    assert "json-too-large" in result.output
    assert not out.exists()


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_endless_device_is_refused_before_reading():
    """/dev/zero has size 0 but never ends: it is not a regular file, so nothing is read
    (README "Security")."""
    doc = read_json("/dev/zero", max_bytes=1000)
    assert [p.code for p in doc.problems] == ["path-not-regular-file"]
    assert "a device is not a regular file" in doc.problems[0].message


def test_max_bytes_takes_a_size_with_a_unit_and_refuses_one_that_is_not(geodata_copy):
    result = CliRunner().invoke(
        main, ["validate", "--geodata", str(geodata_copy), "--max-bytes", "1.5K"]
    )
    assert result.exit_code == EXIT_ERRORS, result.output
    assert "over the limit of 1,536 bytes" in result.output  # 1.5 x 1024
    result = CliRunner().invoke(
        main, ["validate", "--geodata", str(geodata_copy), "--max-bytes", "lots"]
    )
    assert result.exit_code == 2
    assert "'lots' is not a size such as 2G, 1.5G, 1500M or 4096" in result.output


def test_files_over_the_limit_get_one_value_that_takes_them_all(geodata_copy):
    # each finding names the limit its own file needs: following the first one only
    # moved the refusal to the next file
    _sparse(geodata_copy / LAYER, 3_000_000)
    _sparse(geodata_copy / "events.csv", 5_000_000)
    args = ["validate", "--geodata", str(geodata_copy), "--max-bytes"]
    result = CliRunner().invoke(main, [*args, "2M"])
    assert result.exit_code == EXIT_ERRORS, result.output
    assert "--max-bytes 3000000 " in result.output and "--max-bytes 5000000 " in result.output
    assert (
        "2 files are over the size limit: --max-bytes 5M lets every one of them be read"
        in result.output
    )
    result = CliRunner().invoke(main, [*args, "5M"])
    assert "too-large" not in result.output  # read now (and refused for what they hold)
    one = CliRunner().invoke(main, [*args, "4M"])  # the events file alone: no summary
    assert "csv-too-large" in one.output and "files are over the size limit" not in one.output
