"""The benchmark keeps working: its generator makes valid data and --quick gives every figure.

No test here asserts a time: the figures depend on the machine.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from heritage_mapper.cli import main

from .conftest import REPO

BENCHMARKS = REPO / "benchmarks"
QUICK_TIMEOUT_S = 600


def _module(name: str):
    spec = importlib.util.spec_from_file_location(f"benchmarks_{name}", BENCHMARKS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    sys.path.insert(0, str(BENCHMARKS))
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(BENCHMARKS))
    return module


def test_generator_is_deterministic_for_a_seed(tmp_path):
    generate = _module("generate").generate
    first = generate(tmp_path / "a", sites=40, seed=7)
    second = generate(tmp_path / "b", sites=40, seed=7)
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files
    for name in files:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_generated_names_are_vietnamese_nfc_and_events_five_per_site(tmp_path):
    import csv
    import unicodedata

    root = _module("generate").generate(tmp_path / "g", sites=30, seed=2)
    layers = [json.loads(p.read_text(encoding="utf-8")) for p in (root / "layers").glob("*")]
    names = [f["properties"]["name_vi"] for doc in layers for f in doc["features"]]
    assert len(names) == 30
    assert all(unicodedata.is_normalized("NFC", n) for n in names)
    assert any(not n.isascii() for n in names)
    with open(root / "events.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 30 * 5
    dates = [r["date"] for r in rows]
    assert any("/" in d for d in dates) and any("~" in d for d in dates)
    assert any(d[:4] < "1970" for d in dates)


def test_quick_run_writes_every_figure_and_its_data_validates(tmp_path):
    out = tmp_path / "latest.json"
    work = tmp_path / "work"
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / "run.py"), "--quick", "--out", str(out)]
        + ["--work", str(work)],
        capture_output=True,
        text=True,
        timeout=QUICK_TIMEOUT_S,
        cwd=REPO,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "| sites" in done.stdout
    doc = json.loads(out.read_text(encoding="utf-8"))
    run = _module("run")
    (result,) = doc["results"]
    assert result["sites"] == 1000
    assert result["validate_errors"] == 0
    assert result["events"] == 5000
    figures = {row["figure"] for row in doc["table"]}
    assert figures == {key for key, *_ in run.FIGURES} | {"check_s", "check_peak_rss_mb"}
    assert doc["check_scale"]["points"] == 1000 and doc["check_scale"]["check_s"] > 0
    for key, _label, _unit, baseline, _target in run.FIGURES:
        if key.startswith("browser") and doc["machine"]["chromium"] is None:
            continue  # no Chromium on this machine: the browser figures are left out
        assert result[key] is not None and result[key] > 0, key
        if baseline:
            assert result[baseline] is not None and result[baseline] > 0, baseline
    assert doc["machine"]["nproc"] >= 1
    cli = CliRunner().invoke(main, ["validate", "--geodata", str(work / "vn-1000")])
    assert cli.exit_code == 0, cli.output
    assert "0 error(s), 0 warning(s)" in cli.output
    _check_issue_15_rows(run, doc, result)


def _check_issue_15_rows(run, doc, result):
    """Every figure issue 15 asks is a row with its baseline, ratio = ours / baseline."""
    browser = doc["machine"]["chromium"] is not None
    rows = {(row["figure"], row["label"]): row for row in doc["table"]}
    assert len(rows) == len(doc["table"]) == len(run.FIGURES) + 2  # + the check of N points
    for fmt in run.GDAL_FORMATS:  # ours against GDAL writing the same frames
        assert f"export_{fmt}_s" in {figure for figure, _ in rows}, fmt
        assert result[f"gdal_{fmt}_bytes"] > 0 and result[f"export_{fmt}_bytes"] > 0
    for fmt in run.OWN_FORMATS:  # per MiB written, against GDAL's GeoJSON
        assert result[f"export_{fmt}_bytes"] > 0
        assert result[f"export_{fmt}_s_per_mib"] == pytest.approx(
            result[f"export_{fmt}_s"] / (result[f"export_{fmt}_bytes"] / 2**20)
        )
    whole = result["whole_build"]
    assert whole["formats"] and set(whole["formats"]) <= set(run.FORMAT_OF_SUFFIX.values())
    assert whole["export_bytes"] > 0 and whole["maps_bytes"] > 0
    assert whole["cores_used"] == pytest.approx(whole["cpu_s"] / whole["s"])
    assert whole["baseline_steps_s"]["maps"] == result["explore_s"]
    assert result["whole_build_baseline_s"] == pytest.approx(
        sum(whole["baseline_steps_s"].values())
    )
    for row in doc["table"]:
        if row["figure"].startswith("browser") and not browser:
            continue
        if row["figure"].startswith("check_"):  # its baseline is its own, in check_scale
            assert row["ours"] > 0 and row["met"] in (True, False), row
            continue
        assert row["sites"] == 1000
        assert row["ours"] is not None and row["ours"] > 0, row
        if row["baseline_figure"]:
            assert row["baseline"] == result[row["baseline_figure"]]
            assert row["baseline"] > 0, row
            assert row["ratio"] == pytest.approx(row["ours"] / row["baseline"]), row
        else:
            assert row["baseline"] is None and row["ratio"] is None, row
        assert row["met"] in (True, False, None)
        if row["target"] is None or " at " in row["target"]:  # a goal at another size
            assert row["met"] is None, row
        else:
            assert row["met"] in (True, False), row
    if browser:
        assert result["browser_throttle_factor"] > 1.5  # the throttling held after goto
    assert doc["million"] == "not run (--million not given)"


def test_million_hooks_add_their_rows_or_are_skipped(tmp_path, capsys):
    run = _module("run")
    calls = []

    def measure_check(work, points):
        calls.append(("check", work, points))
        return {
            "check_s": 6.0,
            "pyogrio_read_s": 3.0,
            "check_peak_rss_mb": 900.0,
            "figures": [
                ("check_s", "check 1,000,000 points", "s", "pyogrio_read_s", ("ratio_max", 3.0)),
                ("check_peak_rss_mb", "check: peak RSS", "MB", None, ("max", 1536.0)),
            ],
        }

    def measure_tiles(work, sites):
        calls.append(("tiles", work, sites))
        return {"tiles_s": 40.0, "archive_bytes": 123, "note": "text is not a row"}

    names = (("measure_check", "points"), ("measure_tiles", "sites"))
    results, rows = run.measure_million(
        tmp_path, 1000, {"measure_check": measure_check, "measure_tiles": measure_tiles}, names
    )
    assert calls == [("check", tmp_path, 1000), ("tiles", tmp_path, 1000)]
    by_figure = {row["figure"]: row for row in rows}
    assert by_figure["check_s"]["ratio"] == 2.0 and by_figure["check_s"]["met"] is True
    assert by_figure["check_peak_rss_mb"]["met"] is True
    assert by_figure["tiles_s"]["ours"] == 40.0 and by_figure["tiles_s"]["baseline"] is None
    assert by_figure["archive_bytes"]["unit"] == "B"
    assert set(by_figure) == {"check_s", "check_peak_rss_mb", "tiles_s", "archive_bytes"}
    assert all(row["sites"] == 1000 for row in rows)
    assert [r["hook"] for r in results] == ["measure_check", "measure_tiles"]
    assert "figures" not in results[0]
    assert run.table_text(rows).count("\n") == len(rows) + 1

    results, rows = run.measure_million(tmp_path, 1000, {}, names)
    assert results == [] and rows == []
    err = capsys.readouterr().err
    assert "measure_check is not in this run.py" in err
    assert "measure_tiles is not in this run.py" in err


def test_the_tiles_hook_is_in_run_py_and_gives_its_figures_as_rows(tmp_path, monkeypatch):
    run = _module("run")
    tiles_scale = _module("tiles_scale")
    figures = {"tiles_s": 600.0, "tiles_peak_rss_mb": 9000, "page_ready_s": 0.5}
    calls = []

    def measure_tiles(work, sites, seed=1, browser=True):
        calls.append((work, sites))
        return {"sites": sites, **figures, "view_status": "text"}

    monkeypatch.setitem(sys.modules, "tiles_scale", tiles_scale)
    monkeypatch.setattr(tiles_scale, "measure_tiles", measure_tiles)
    assert ("measure_tiles", "sites") in run.MILLION_HOOKS
    results, rows = run.measure_million(tmp_path, 1000)  # the hooks run.py has
    assert calls == [(tmp_path, 1000)]
    assert [r["hook"] for r in results] == ["measure_tiles"]
    assert {row["figure"]: row["ours"] for row in rows} == figures
    assert {row["unit"] for row in rows} == {"s", "MiB"}


def test_tiles_scale_measures_the_tiles_command_and_gives_every_row_figure(tmp_path):
    run = _module("run")
    tiles_scale = _module("tiles_scale")
    r = tiles_scale.measure_tiles(tmp_path, 300, browser=False)
    assert "tiles_error" not in r
    assert r["archive_bytes"] > 0 and r["search_chunks"] >= 1 and r["tiles_s"] > 0
    # the tiles command's own peak (wait4), not the largest of every child so far
    assert 50 < r["tiles_peak_rss_mb"] < 2048
    browser_keys = {"page_ready_s", "first_sites_s", "all_sites_s", "view_bytes"}
    browser_keys |= {"search_s", "fly_popup_s", "total_bytes_sent"}
    source = (BENCHMARKS / "tiles_scale.py").read_text(encoding="utf-8")
    for key, *_ in run.TILES_FIGURES:  # a renamed figure would lose its row silently
        if key in browser_keys:
            assert f'figures["{key}"]' in source
        else:
            assert key in r
    assert {key for key, *_ in run.TILES_FIGURES} - set(r) == browser_keys
