"""The benchmark keeps working: its generator makes valid data and --quick gives every figure.

No test here asserts a time: the figures depend on the machine.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys

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
