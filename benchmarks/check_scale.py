"""``heritage-mapper check`` on one big FeatureCollection of points, beside pyogrio.

:func:`write_points` writes a deterministic (seeded) FeatureCollection of N points over
Vietnam, one feature a line as GDAL writes it, with a few properties (id, name, name_en,
category, year, source, wikidata); about 290 bytes a feature, so 1,000,000 points make a
287 MB file, the size of a national OSM extract of historic features. It is written feature by
feature, never held in memory.

:func:`measure_check` writes that file and measures, in one process run:

- ours: ``check_files([FILE])``, what ``heritage-mapper check FILE`` runs, in a fresh
  child Python (the time of the call, and the child's peak RSS: its ``ru_maxrss``);
- baseline: ``pyogrio.read_dataframe(FILE)`` in another child (the floor: reading
  without checking), timed the same way.

Usage::

    .venv/bin/python benchmarks/check_scale.py --points 250000 500000 1000000 \\
        --out benchmarks/results/check_scale.json
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
#: Vietnam's bounding box (west, south, east, north), degrees.
VIETNAM = (102.14, 8.18, 109.47, 23.39)
CATEGORIES = ("temple", "pagoda", "citadel", "tomb", "communal_house", "monument", "ruins")
NAMES = ("Đình", "Chùa", "Thành", "Lăng", "Miếu", "Tháp", "Đền")
NAMES_EN = ("Communal house", "Pagoda", "Citadel", "Tomb", "Shrine", "Tower", "Temple")
#: ``check``'s goals at a million points: at most this many times pyogrio's read time,
#: and at most this peak RSS.
TARGET_RATIO = 3.0
TARGET_RSS_BYTES = 1.5e9
BATCH = 10_000


def write_points(path: Path, points: int, seed: int = 15) -> Path:
    """Write a FeatureCollection of ``points`` seeded points over Vietnam to ``path``."""
    rng = np.random.default_rng(seed)
    west, south, east, north = VIETNAM
    path = Path(path)
    with path.open("w", encoding="utf-8") as out:
        out.write('{\n"type": "FeatureCollection",\n"name": "historic",\n"features": [\n')
        for lo in range(0, points, BATCH):
            n = min(BATCH, points - lo)
            lon = np.round(rng.uniform(west, east, n), 6).tolist()
            lat = np.round(rng.uniform(south, north, n), 6).tolist()
            kind = rng.integers(0, len(CATEGORIES), n).tolist()
            year = rng.integers(1000, 1946, n).tolist()
            lines = []
            for i in range(n):
                k = kind[i]
                number = lo + i
                lines.append(
                    f'{{ "type": "Feature", "properties": {{ "id": "osm-{number}", '
                    f'"name": "{NAMES[k]} {number}", "name_en": "{NAMES_EN[k]} {number}", '
                    f'"category": "{CATEGORIES[k]}", "year": {year[i]}, '
                    f'"source": "OpenStreetMap historic=*", "wikidata": "Q{number + 1000}" }}, '
                    f'"geometry": {{ "type": '
                    f'"Point", "coordinates": [ {lon[i]!r}, {lat[i]!r} ] }} }}'
                )
            out.write(",\n".join(lines))
            out.write(",\n" if lo + n < points else "\n")
        out.write("]\n}\n")
    return path


_CHILD_TIME = """
import sys, time
t = time.perf_counter()
{body}
print(time.perf_counter() - t)
"""
#: Starts the measured child and prints its time and peak RSS (``RUSAGE_CHILDREN``). A
#: process keeps the peak RSS of the one it was forked from across exec, so a child
#: started straight from a big process (run.py at 100,000 sites) would report that
#: process's peak: started from this small one, it reports its own.
_WRAPPER = """
import resource, subprocess, sys
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
sys.stderr.write(done.stderr)
if done.returncode:
    sys.exit(done.returncode)
print(done.stdout.split()[-1], resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024)
"""
_OURS = """
from heritage_mapper.validate.geojson import check_files
report = check_files([sys.argv[1]])
assert report.files, report
"""
_PYOGRIO = """
import pyogrio
frame = pyogrio.read_dataframe(sys.argv[1])
assert len(frame) > 0
"""


def _child(body: str, path: Path) -> tuple[float, int]:
    """Run ``body`` in a fresh Python; return its wall time and its peak RSS in bytes."""
    env = dict(os.environ, PYTHONPATH=str(REPO / "src"))
    code = _CHILD_TIME.format(body=body.strip())
    done = subprocess.run(
        [sys.executable, "-c", _WRAPPER, sys.executable, "-c", code, str(path)],
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr)
    seconds, rss = done.stdout.split()[-2:]
    return float(seconds), int(rss)


def measure_check(work: Path, points: int) -> dict:
    """Write ``points`` points under ``work``; time ``check`` and pyogrio on the file."""
    path = write_points(Path(work) / f"points-{points}.geojson", points)
    ours_s, ours_rss = _child(_OURS, path)
    pyogrio_s, _ = _child(_PYOGRIO, path)
    result = {
        "points": points,
        "file_bytes": path.stat().st_size,
        "check_s": ours_s,
        "pyogrio_s": pyogrio_s,
        "ratio": ours_s / pyogrio_s,
        "check_peak_rss_bytes": ours_rss,
        "target_ratio": TARGET_RATIO,
        "target_rss_bytes": TARGET_RSS_BYTES,
    }
    path.unlink()
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, nargs="+", default=[1_000_000])
    parser.add_argument("--out", type=Path, default=None, help="write the results as JSON")
    args = parser.parse_args(argv)
    results = []
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as work:
        for points in args.points:
            r = measure_check(Path(work), points)
            results.append(r)
            print(
                f"{r['points']:>9,} points, {r['file_bytes'] / 1e6:,.0f} MB: check "
                f"{r['check_s']:.1f} s, pyogrio {r['pyogrio_s']:.1f} s, ratio "
                f"{r['ratio']:.2f} (goal <= {TARGET_RATIO:g}), peak RSS "
                f"{r['check_peak_rss_bytes'] / 1e9:.2f} GB (goal <= {TARGET_RSS_BYTES / 1e9:g})",
                flush=True,
            )
    if args.out:
        doc = {
            "command": " ".join(["benchmarks/check_scale.py", *(argv or sys.argv[1:])]),
            "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "load_average_1_5_15": {"start": load_before, "end": os.getloadavg()},
            "results": results,
        }
        args.out.write_text(json.dumps(doc, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
