"""Benchmark heritage-mapper at national scale, side by side with GeoDataFrame.explore().

For each size N (default 10,000 and 100,000; ``--quick``: 1,000) this one process run
generates a geodata folder of N sites over Vietnam (:mod:`generate`, five events per
site) and measures, with :func:`time.perf_counter`:

- validation: ``validate_geodata``; baseline ``pyogrio.read_dataframe`` of every
  layer file (the floor: reading without checking);
- load and join: ``load_geodata`` (which validates too) and ``events_with_geometry``;
- map build (validate + join + render): load, join, render and write every map page;
  baseline ``gdf.explore(...)`` and ``m.save``;
- exports, each format alone (``export_layers(joined, folder, [fmt])``): GeoPackage,
  GeoJSON, FlatGeobuf and Shapefile against ``pyogrio.write_dataframe`` writing the
  same frames in the same format (:func:`gdal_frames`); KML, GPX, Linked Places and
  CSV, which we write ourselves, in seconds per MiB written against GDAL's GeoJSON's;
- the whole ``heritage-mapper build`` (maps and every default export) in a child:
  wall and CPU time, peak RSS, bytes exported; its baseline is the sum of the
  baselines of the steps it did divided by the cores it used
  (:func:`whole_build_baseline`);
- peak memory: the RSS of a child process that runs ``heritage-mapper build
  --no-exports`` (``ru_maxrss``, read by a small wrapper process, :data:`_MEASURED`);
- map HTML bytes: ``index.html`` (every site); baseline explore's page;
- browser, map ready: from opening the page from disk until every site is on the map
  and a popup is open; baseline the same for explore's page; then both again with the
  CPU throttled 4x (like a phone) at sizes up to 10,000 sites.

With ``--million``, :func:`measure_tiles` (``heritage-mapper tiles`` on 1,000,000
generated sites, read in Chromium through a range server) runs too and adds its rows
(:func:`measure_million`; about 6 minutes, plus generating the folder the first time).
The check of 1,000,000 points runs in every run.

The explore() baseline gets the same sites (the loaded ``Geodata.sites``, so reading
the files is not counted against it) and the same popup fields, is colored by layer,
and is opened in the same Chromium. Its page loads Leaflet from a CDN: the runner
answers those two requests with the files of the installed ``xstatic-leaflet`` (the
same Leaflet 1.9.3) and aborts every other request (jQuery, Bootstrap, Font Awesome
and awesome-markers, which a page of circle markers does not use, and map tiles on
both pages).

The size limit that ``validate`` applies by default (64 MiB per file) is raised to
:data:`MAX_BYTES` here: 100,000 sites have a 160 MB events.csv.

Usage::

    .venv/bin/python benchmarks/run.py                 # 10,000 and 100,000 sites
    .venv/bin/python benchmarks/run.py --quick         # 1,000 sites, for the tests
    .venv/bin/python benchmarks/run.py --sizes 20000 --out /tmp/b.json --no-browser
    .venv/bin/python benchmarks/run.py --million       # and the tiles of 1,000,000 sites

It prints a table (figure, ours, baseline, ratio, target, met) and writes it as JSON
with the machine it ran on (default ``benchmarks/results/latest.json``).
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402

DEFAULT_SIZES = (10_000, 100_000)
QUICK_SIZES = (1_000,)
DEFAULT_OUT = HERE / "results" / "latest.json"
DEFAULT_WORK = HERE / "out"
SEED = 1
MAX_BYTES = 1 << 30  # 1 GiB: the folder's own files, far above the 64 MiB default
CHROMIUM = Path(os.environ.get("HERITAGE_MAPPER_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1366, "height": 820}
BROWSER_TIMEOUT_S = 900
POLL_MS = 50
LEAFLET_CDN = "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/"
#: The fields our popup shows about a site (it adds the site's events, which explore cannot).
POPUP_FIELDS = [
    "name_vi",
    "name_en",
    "layer",
    "category",
    "description_vi",
    "description_en",
    "period",
    "location_precision_m",
    "location_basis_vi",
    "location_basis_en",
    "admin_then_vi",
    "admin_then_en",
    "admin_now_vi",
    "admin_now_en",
    "source_refs",
]
MIB = 1024 * 1024
PACKAGES = ("heritage-mapper", "geopandas", "folium", "pyogrio", "shapely", "jsonschema")

#: Export formats written through GDAL (pyogrio): ours against
#: ``pyogrio.write_dataframe`` writing the same frames in the same format.
#: name → (label, GDAL driver, file extension, pyogrio options)
GDAL_FORMATS = {
    "gpkg": ("GeoPackage", "GPKG", ".gpkg", {}),
    "geojson": ("GeoJSON", "GeoJSON", ".geojson", {"layer_options": {"RFC7946": "YES"}}),
    "fgb": ("FlatGeobuf", "FlatGeobuf", ".fgb", {}),
    "shapefile": ("Shapefile", "ESRI Shapefile", ".shp.zip", {"encoding": "UTF-8"}),
}
#: Formats we write ourselves: seconds per MiB written against GDAL's GeoJSON writer's.
OWN_FORMATS = {"kml": "KML", "gpx": "GPX", "lpf": "Linked Places", "csv": "CSV"}
#: The exported file names' endings → format (to tell which formats ``build`` wrote).
FORMAT_OF_SUFFIX = {
    ".gpkg": "gpkg",
    ".geojson": "geojson",
    ".shp.zip": "shapefile",
    ".kml": "kml",
    ".csv": "csv",
    ".gpx": "gpx",
    ".fgb": "fgb",
    ".lpf.json": "lpf",
    ".qgz": "qgis",
}
EXPORT_RATIO_MAX = 1.3
#: The browser's CPU slowed down like a phone's (``Emulation.setCPUThrottlingRate``).
THROTTLE = 4
#: The throttled browser figures are measured up to this size (their goal is at 10,000).
THROTTLE_MAX_SITES = 10_000
#: What ``--million`` runs at 1,000,000 (:func:`measure_million`): name → its argument.
#: The check of 1,000,000 points runs in every run (measure_check, not a hook).
MILLION_HOOKS = (("measure_tiles", "sites"),)
MILLION = 1_000_000

# figure key, label, unit, baseline key, target: ("ratio_max", r), ("ratio_lt", r),
# ("max", v), or ("max_at", (sites, v)) / ("lt_at", (sites, v)): a goal at one size only
FIGURES = (
    ("validate_s", "validation", "s", "pyogrio_read_s", ("ratio_max", 3.0)),
    (
        "validate_s",
        "validation vs reading layers and events.csv",
        "s",
        "pyogrio_read_with_events_s",
        None,
    ),
    (
        "validate_cpu_s",
        "validation, CPU time of all its processes",
        "s",
        "pyogrio_read_s",
        None,
    ),
    ("load_join_s", "load and join", "s", None, None),
    ("map_build_s", "map build (validate + join + render)", "s", "explore_s", ("ratio_max", 0.5)),
    (  # the same work as the command a curator runs: no data of the benchmark's around it
        "build_child_s",
        "map build as the command (build --no-exports), its own process",
        "s",
        "explore_s",
        None,
    ),
    *(
        (f"export_{fmt}_s", f"export {label} vs GDAL", "s", f"gdal_{fmt}_s")
        + (("ratio_max", EXPORT_RATIO_MAX),)
        for fmt, (label, *_) in GDAL_FORMATS.items()
    ),
    *(
        (f"export_{fmt}_s_per_mib", f"export {label}, per MiB vs GDAL GeoJSON", "s/MiB")
        + ("gdal_geojson_s_per_mib", ("ratio_max", EXPORT_RATIO_MAX))
        for fmt, label in OWN_FORMATS.items()
    ),
    (
        "whole_build_s",
        "whole build: wall vs baselines / cores used",
        "s",
        "whole_build_baseline_per_core_s",
        ("ratio_max", 1.5),
    ),
    ("whole_build_s", "whole build: wall", "s", None, ("lt_at", (100_000, 180.0))),
    (
        "whole_build_cpu_s",
        "whole build: CPU user+sys (ratio: cores used)",
        "s",
        "whole_build_s",
        None,
    ),
    (
        "whole_build_peak_rss_mb",
        "whole build: peak RSS, largest process",
        "MB",
        None,
        ("max", 2048.0),
    ),
    (
        "whole_build_tree_pss_mb",
        "whole build: peak memory, all its processes (PSS)",
        "MB",
        None,
        ("max", 2048.0),
    ),
    ("whole_build_export_bytes", "whole build: bytes exported vs input", "B", "input_bytes", None),
    (
        "whole_build_2g_s",
        "whole build --max-memory 2G: wall",
        "s",
        None,
        ("lt_at", (100_000, 180.0)),
    ),
    (
        "whole_build_2g_tree_pss_mb",
        "whole build --max-memory 2G: peak memory (PSS)",
        "MB",
        None,
        ("max", 2048.0),
    ),
    ("build_peak_rss_mb", "peak memory of the map build (RSS)", "MB", None, ("max", 2048.0)),
    ("map_html_bytes", "map HTML bytes", "B", "explore_html_bytes", ("ratio_max", 0.25)),
    ("browser_ready_s", "browser: map ready", "s", "explore_browser_ready_s", ("ratio_lt", 1.0)),
    (
        "browser_ready_s",
        "browser: map ready (goal at 10,000)",
        "s",
        None,
        ("max_at", (10_000, 2.0)),
    ),
    (
        "browser_ready_cpu4_s",
        f"browser: map ready, CPU ÷{THROTTLE}",
        "s",
        "explore_browser_ready_cpu4_s",
        ("max_at", (10_000, 6.0)),
    ),
)


# -- measurements ----------------------------------------------------------------------


def timed(func, *args, **kwargs):
    """(seconds, result) of one call, by perf_counter."""
    start = time.perf_counter()
    result = func(*args, **kwargs)
    return time.perf_counter() - start, result


def cpu_seconds() -> float:
    """User and system CPU time of this process and of its children waited for."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def map_build(geodata_dir: Path, maps_dir: Path) -> list[Path]:
    """What ``heritage-mapper build --no-exports`` does: validate, load, join, render, write."""
    from heritage_mapper.build import build

    return build(geodata_dir, maps_dir, exports_dir=None, max_bytes=MAX_BYTES)


#: Runs a command (argv[2:]) as its child and writes its wall time, CPU time and peak RSS
#: (``RUSAGE_CHILDREN``: the command and every process it waited for) as JSON to argv[1].
#: The measured command starts from this small process, not from the benchmark: a child
#: starts with the peak RSS of the process it was started from (Linux keeps the
#: high-water mark across exec), so started from here it carries a few MB, not the
#: benchmark's hundreds.
_MEASURED = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
code = subprocess.run(sys.argv[2:]).returncode
seconds = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(sys.argv[1], "w") as out:
    json.dump({"returncode": code, "seconds": seconds, "cpu_s": usage.ru_utime + usage.ru_stime,
               "maxrss_kb": usage.ru_maxrss}, out)
"""


def heritage_mapper_command(*args: str) -> list[str]:
    """The ``heritage-mapper`` command line with ``args``, run by this Python."""
    return [sys.executable, "-m", "heritage_mapper", *args]


def run_measured(command: list[str], report: Path, on_start=None) -> dict:
    """Run ``command`` under :data:`_MEASURED`; its seconds, CPU seconds and peak RSS (kB).

    ``on_start(pid)`` is called with the wrapper's process id while it runs (the
    command is its child). A failing command is a RuntimeError with its stderr's end.
    """
    with open(report.with_suffix(".stderr"), "w+b") as stderr:
        child = subprocess.Popen(
            [sys.executable, "-c", _MEASURED, str(report), *command],
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
        stop = on_start(child.pid) if on_start else None
        child.wait()
        if stop:
            stop()
        result = json.loads(report.read_text()) if report.exists() else {"returncode": -1}
        if child.returncode != 0 or result["returncode"] != 0:
            stderr.seek(0)
            message = stderr.read().decode("utf-8", "replace")[-3000:]
            raise RuntimeError(f"{' '.join(command[2:])} failed: {message}")
    report.unlink()
    report.with_suffix(".stderr").unlink()
    return result


def build_in_child(geodata_dir: Path, maps_dir: Path) -> dict:
    """``heritage-mapper build --no-exports`` in a fresh process; its peak RSS and time."""
    command = heritage_mapper_command("build", "--geodata", str(geodata_dir))
    command += ["--out", str(maps_dir), "--no-exports", "--max-bytes", str(MAX_BYTES), "--quiet"]
    maps_dir.parent.mkdir(parents=True, exist_ok=True)
    return run_measured(command, maps_dir.parent / f"{maps_dir.name}-rusage.json")


def pyogrio_read(geodata_dir: Path) -> float:
    """Seconds for pyogrio.read_dataframe to read every layer file of the folder."""
    import pyogrio

    start = time.perf_counter()
    for path in sorted((geodata_dir / "layers").glob("*.geojson")):
        pyogrio.read_dataframe(path)
    return time.perf_counter() - start


def pyogrio_read_events(geodata_dir: Path) -> float:
    """Seconds for pyogrio.read_dataframe to read events.csv (validation reads it too)."""
    import pyogrio

    start = time.perf_counter()
    pyogrio.read_dataframe(geodata_dir / "events.csv")
    return time.perf_counter() - start


def explore_frame(geodata):
    """The sites with our popup's fields, and their events as one text column.

    Our popup shows each site's events (date, titles and summaries in both languages);
    to show the same, a user of explore() would join them into a column like this.
    The join is not timed: explore() is timed from this frame on.
    """
    from heritage_mapper.join import event_site_links

    events = geodata.events.set_index("id")
    lines = (
        events["date"]
        + " — "
        + events["title_vi"]
        + " / "
        + events["title_en"]
        + ": "
        + events["summary_vi"]
        + " / "
        + events["summary_en"]
    )
    links = event_site_links(geodata.events)
    links["line"] = lines.reindex(links["event_id"]).to_numpy()
    by_site = links.groupby("site_id", sort=False)["line"].agg("\n".join)
    gdf = geodata.sites[[*POPUP_FIELDS, "geometry"]].copy()
    gdf["events"] = by_site.reindex(geodata.sites["id"]).fillna("").to_numpy()
    return gdf


def explore_page(gdf, path: Path) -> float:
    """Seconds for gdf.explore() with our popup's fields, and m.save() to ``path``."""
    start = time.perf_counter()
    m = gdf.explore(column="layer", popup=[*POPUP_FIELDS, "events"], tooltip="name_vi")
    m.save(str(path))
    return time.perf_counter() - start


def warm_up(work: Path, seed: int) -> None:
    """Run every step once on a few sites, so no figure pays for first imports."""
    root = generate(work / "warm-up", 50, seed)
    measure_steps(root, work / "warm-up-out", {})


def measure_steps(root: Path, out: Path, r: dict) -> dict:
    """Time every step on the folder ``root`` into ``r`` (not the child, not the browser)."""
    from heritage_mapper.frames import load_geodata
    from heritage_mapper.join import events_with_geometry, join
    from heritage_mapper.validate import validate_geodata

    if out.exists():
        shutil.rmtree(out)
    cpu = cpu_seconds()
    r["validate_s"], report = timed(validate_geodata, root, max_bytes=MAX_BYTES)
    r["validate_cpu_s"] = cpu_seconds() - cpu  # its forked process's too (joined by then)
    r["validate_errors"] = report.error_count
    r["validate_warnings"] = report.warning_count
    r["pyogrio_read_s"] = pyogrio_read(root)
    r["pyogrio_read_with_events_s"] = r["pyogrio_read_s"] + pyogrio_read_events(root)
    log(
        f"  validation {r['validate_s']:.2f} s ({r['validate_cpu_s']:.2f} s CPU), "
        f"pyogrio {r['pyogrio_read_s']:.2f} s"
    )

    # timed before this process holds a loaded copy of the folder, as the command runs:
    # held, its 1.3 GB at 100,000 sites made every forked page process and every full
    # collection of the build slower (16.1 s instead of 14.0 s, measured side by side)
    maps = out / "maps"
    r["map_build_s"], pages = timed(map_build, root, maps)
    r["map_html_bytes"] = (maps / "index.html").stat().st_size
    r["maps_total_bytes"] = sum(p.stat().st_size for p in pages)
    r["map_pages"] = len(pages)
    log(f"  map build {r['map_build_s']:.2f} s, index.html {r['map_html_bytes'] / MIB:.1f} MiB")

    start = time.perf_counter()
    geodata = load_geodata(root, max_bytes=MAX_BYTES)
    joined = events_with_geometry(geodata)
    r["load_join_s"] = time.perf_counter() - start
    r["events"] = len(geodata.events)
    r["event_site_pairs"] = len(joined)
    log(f"  load and join {r['load_join_s']:.2f} s")

    measure_exports(join(geodata), out / "exports", r)
    del joined  # explore() is timed holding what it is given: the loaded folder

    explore_html = out / "explore.html"
    r["explore_s"] = explore_page(explore_frame(geodata), explore_html)
    r["explore_html_bytes"] = explore_html.stat().st_size
    log(f"  explore() {r['explore_s']:.2f} s, {r['explore_html_bytes'] / MIB:.1f} MiB")
    r["paths"] = {"ours": str(maps / "index.html"), "explore": str(explore_html)}
    return r


def measure_exports(joined, out: Path, r: dict) -> None:
    """Each format alone, ours against GDAL writing the same frames; into ``r``.

    Ours: ``export_layers(joined, folder, [fmt])`` (it prepares the frames, then writes).
    GDAL's: ``pyogrio.write_dataframe`` of the frames our writer of that format writes,
    taken from :func:`heritage_mapper.export.tables.prepare`, timed from the frames on.
    Both count the bytes they wrote. For the formats we write ourselves the figure is
    seconds per MiB written, against GDAL's GeoJSON writer's seconds per MiB.
    """
    from heritage_mapper.export import FORMAT_NAMES, export_layers
    from heritage_mapper.export.crs import resolve_crs
    from heritage_mapper.export.tables import prepare

    data = prepare(joined, resolve_crs(None))
    for fmt in (*GDAL_FORMATS, *OWN_FORMATS):
        if fmt not in FORMAT_NAMES:
            log(f"  export {fmt}: not a format of export_layers any more; not measured")
            continue
        folder = out / fmt
        seconds, paths = timed(export_layers, joined, folder, [fmt], overwrite=True)
        r[f"export_{fmt}_s"] = seconds
        r[f"export_{fmt}_bytes"] = sum(path.stat().st_size for path in paths)
        shutil.rmtree(folder)
        if fmt in GDAL_FORMATS:
            base, base_bytes = gdal_write(data, fmt, out / f"gdal-{fmt}")
            r[f"gdal_{fmt}_s"], r[f"gdal_{fmt}_bytes"] = base, base_bytes
            log(
                f"  export {fmt}: ours {seconds:.2f} s ({r[f'export_{fmt}_bytes'] / MIB:,.1f} MiB)"
                f", GDAL {base:.2f} s ({base_bytes / MIB:,.1f} MiB)"
            )
        else:
            log(f"  export {fmt}: ours {seconds:.2f} s ({r[f'export_{fmt}_bytes'] / MIB:,.1f} MiB)")
    for who, fmt in [("export", f) for f in (*GDAL_FORMATS, *OWN_FORMATS)] + [("gdal", "geojson")]:
        if r.get(f"{who}_{fmt}_bytes"):
            r[f"{who}_{fmt}_s_per_mib"] = r[f"{who}_{fmt}_s"] / (r[f"{who}_{fmt}_bytes"] / MIB)
    skipped = [f for f in FORMAT_NAMES if f not in GDAL_FORMATS and f not in OWN_FORMATS]
    if skipped:
        log(f"  export {', '.join(skipped)}: no baseline in the issue; timed only in the build")


def gdal_frames(data, fmt: str) -> list[tuple[str, str, object]]:
    """(file name, layer name, frame) that our writer of ``fmt`` writes, for GDAL to write.

    The same rows and columns as ours: every site layer, the events table where the
    format holds one (GeoPackage), events-at-sites, and the tours and basemap layers
    the project has. The Shapefile splits a frame by geometry type and names its
    fields as ours does (10 characters at most).
    """
    from heritage_mapper.export.tables import DATASET_STEM, EVENTS_AT_SITES_STEM, EVENTS_STEM

    extension = GDAL_FORMATS[fmt][2]
    if fmt == "gpkg":
        from heritage_mapper.export import tours

        name = data.file_name(DATASET_STEM, extension)
        layers = [(data.layer_stem(layer_id), f) for layer_id, f in data.layers.items()]
        layers += [(EVENTS_STEM, data.events), (EVENTS_AT_SITES_STEM, data.events_at_sites)]
        if data.tours:
            layers.append((tours.TOURS_LAYER, tours.legs_frame(data)))
        layers += [(f"basemap-{key}", f) for key, f in data.basemap.items()]
        return [(name, layer, frame) for layer, frame in layers]
    files = data.frame_files(extension)
    if fmt == "shapefile":
        from heritage_mapper.export.shapefile import geometry_parts, shapefile_field_names

        parts = [part for name, frame in files for part in geometry_parts(name, frame)]
        out = []
        for name, frame in parts:
            names = shapefile_field_names(c for c in frame.columns if c != frame.geometry.name)
            out.append((name, name.removesuffix(extension), frame.rename(columns=names)))
        return out
    return [(name, name.removesuffix(extension), frame) for name, frame in files]


def writable(frame):
    """``frame`` with what GDAL cannot take as a field turned into text: list and object
    values become their ``"; "``-joined or JSON text, as our writers write them."""
    import numpy as np

    from heritage_mapper.export.tables import flat

    out = None
    for column in frame.columns:
        series = frame[column]
        if series.dtype != object:
            continue
        if series.map(lambda v: isinstance(v, list | tuple | dict | set | np.ndarray)).any():
            out = frame.copy() if out is None else out
            out[column] = series.map(flat)
    return frame if out is None else out


def gdal_write(data, fmt: str, folder: Path) -> tuple[float, int]:
    """Seconds for ``pyogrio.write_dataframe`` to write :func:`gdal_frames`, and bytes."""
    import warnings

    import pyogrio

    _label, driver, _extension, options = GDAL_FORMATS[fmt]
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    frames = [(name, layer, writable(frame)) for name, layer, frame in gdal_frames(data, fmt)]
    with warnings.catch_warnings():  # e.g. dBASE has no DateTime: GDAL writes text
        warnings.simplefilter("ignore")
        start = time.perf_counter()
        for name, layer, frame in frames:
            pyogrio.write_dataframe(frame, folder / name, layer=layer, driver=driver, **options)
        seconds = time.perf_counter() - start
    written = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    shutil.rmtree(folder)
    return seconds, written


def measure_size(size: int, work: Path, seed: int) -> dict:
    """Every figure except the browser's for ``size`` sites."""
    root = work / f"vn-{size}"
    if root.exists():
        shutil.rmtree(root)
    r: dict = {"sites": size}
    r["generate_s"], _ = timed(generate, root, size, seed)
    r["input_bytes"] = sum(p.stat().st_size for p in root.rglob("*") if p.is_file())
    log(f"{size:,} sites: generated {r['input_bytes'] / MIB:,.0f} MiB in {r['generate_s']:.1f} s")
    out = work / f"vn-{size}-out"
    child = build_in_child(root, work / f"vn-{size}-child")
    r["build_peak_rss_mb"] = child["maxrss_kb"] / 1024
    r["build_child_s"] = child["seconds"]
    log(f"  build in a child: peak RSS {r['build_peak_rss_mb']:,.0f} MB, {child['seconds']:.1f} s")
    r["whole_build"] = whole_build_in_child(root, work / f"vn-{size}-whole")
    r.update(
        {
            f"whole_build_{k}": r["whole_build"][k]
            for k in ("s", "cpu_s", "peak_rss_mb", "tree_pss_mb", "export_bytes")
        }
    )
    w = r["whole_build"]
    log(
        f"  whole build in a child: {w['s']:.1f} s wall, {w['cpu_s']:.1f} s CPU, "
        f"peak RSS {w['peak_rss_mb']:,.0f} MB (all processes, PSS {w['tree_pss_mb']:,.0f} MB), "
        f"exports {w['export_bytes'] / MIB:,.1f} MiB ({', '.join(w['formats'])})"
    )
    # within 2 GB: a forked process only where it fits (at 100,000 sites, validation's
    # events reader alone), the rest one step at a time in the build's process
    small = whole_build_in_child(root, work / f"vn-{size}-whole-2g", max_memory="2G")
    r["whole_build_2g_s"], r["whole_build_2g_tree_pss_mb"] = small["s"], small["tree_pss_mb"]
    log(
        f"  whole build --max-memory 2G: {small['s']:.1f} s wall, "
        f"peak PSS {small['tree_pss_mb']:,.0f} MB"
    )
    measure_steps(root, out, r)
    whole_build_baseline(r)
    return r


def whole_build_in_child(
    geodata_dir: Path, out: Path, jobs: int | None = None, max_memory: str | None = None
) -> dict:
    """The plain ``heritage-mapper build`` (maps and every default export) in a child
    (with ``--jobs`` and ``--max-memory`` when given).

    Wall time, CPU time (user + sys) and the largest process's peak RSS from
    :func:`run_measured` (``RUSAGE_CHILDREN``: every process the build waited for);
    the peak of the memory the build's processes use together, their PSS summed
    (:func:`tree_pss_kb`), sampled from /proc every :data:`SAMPLE_S` (it may miss a
    peak shorter than that); the bytes of the exports,
    and which formats they are.
    """
    import threading

    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    maps, exports = out / "maps", out / "exports"
    command = heritage_mapper_command("build", "--geodata", str(geodata_dir), "--out", str(maps))
    command += ["--exports", str(exports), "--max-bytes", str(MAX_BYTES), "--quiet"]
    command += ["--jobs", str(jobs)] if jobs is not None else []
    command += ["--max-memory", max_memory] if max_memory is not None else []
    peak = {"kb": 0}

    def sample(pid: int):
        done = threading.Event()

        def run() -> None:
            while not done.is_set():
                peak["kb"] = max(peak["kb"], tree_pss_kb(pid, include_root=False))
                done.wait(SAMPLE_S)

        thread = threading.Thread(target=run, daemon=True)
        thread.start()

        def stop() -> None:
            done.set()
            thread.join()

        return stop

    measured = run_measured(command, out / "rusage.json", on_start=sample)
    files = [p for p in exports.rglob("*") if p.is_file()]
    formats = {fmt for p in files for end, fmt in FORMAT_OF_SUFFIX.items() if p.name.endswith(end)}
    result = {
        "command": "heritage-mapper " + " ".join(command[3:]),
        "s": measured["seconds"],
        "cpu_s": measured["cpu_s"],
        "peak_rss_mb": measured["maxrss_kb"] / 1024,
        "tree_pss_mb": peak["kb"] / 1024,
        "export_bytes": sum(p.stat().st_size for p in files),
        "export_files": len(files),
        "maps_bytes": sum(p.stat().st_size for p in maps.rglob("*") if p.is_file()),
        "formats": sorted(formats),
    }
    shutil.rmtree(out)
    return result


SAMPLE_S = 0.2


def tree_pss_kb(pid: int, include_root: bool = True) -> int:
    """The memory (kB) process ``pid`` (unless not ``include_root``) and all its
    descendants use together: their PSS summed, from /proc/*/smaps_rollup.

    Forked writers share the loaded data with the build copy-on-write; RSS counts a
    shared page once in every process that maps it, PSS divides it among them, so the
    sum is the physical memory the whole build holds (what the machine must have free).
    """
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue  # gone meanwhile
        parents[int(stat.parent.name)] = int(text.rsplit(")", 1)[1].split()[1])
    tree, frontier = {pid}, [pid]
    while frontier:
        parent = frontier.pop()
        children = [child for child, ppid in parents.items() if ppid == parent]
        tree.update(children)
        frontier += children
    if not include_root:
        tree.discard(pid)
    total = 0
    for member in tree:
        try:
            rollup = Path(f"/proc/{member}/smaps_rollup").read_text()
        except OSError:
            continue  # gone meanwhile
        for line in rollup.splitlines():
            if line.startswith("Pss:"):
                total += int(line.split()[1])
                break
    return total


def whole_build_baseline(r: dict) -> None:
    """The baseline of the whole build: the sum of the baselines of the steps it did,
    divided by the cores it used (CPU / wall, at least 1).

    Steps: reading the input (pyogrio reading the layers and events.csv), the maps
    (explore() + save) and each format the build wrote: GDAL writing it, or for our own
    formats GDAL's GeoJSON seconds per MiB times the MiB ours wrote. A format without
    a baseline (the QGIS project) adds nothing.
    """
    w = r["whole_build"]
    steps = {"read": r["pyogrio_read_with_events_s"], "maps": r["explore_s"]}
    for fmt in w["formats"]:
        if f"gdal_{fmt}_s" in r:
            steps[fmt] = r[f"gdal_{fmt}_s"]
        elif fmt in OWN_FORMATS and r.get(f"export_{fmt}_bytes") and "gdal_geojson_s_per_mib" in r:
            steps[fmt] = r["gdal_geojson_s_per_mib"] * r[f"export_{fmt}_bytes"] / MIB
    w["baseline_steps_s"] = steps
    w["cores_used"] = w["cpu_s"] / w["s"]
    r["whole_build_baseline_s"] = sum(steps.values())
    r["whole_build_baseline_per_core_s"] = r["whole_build_baseline_s"] / max(1.0, w["cores_used"])
    log(
        f"  whole build baselines {r['whole_build_baseline_s']:.1f} s, "
        f"{w['cores_used']:.2f} cores used"
    )


def measure_check(work: Path, points: int) -> dict:
    """``heritage-mapper check`` on one FeatureCollection of ``points`` points, and rows.

    :func:`check_scale.measure_check`: ours and ``pyogrio.read_dataframe`` each in a
    child process on the same generated file; the rows: time (goal: at most
    ``TARGET_RATIO`` times pyogrio's) and peak RSS (goal: at most 1.5 GB).
    """
    import check_scale

    r = check_scale.measure_check(work, points)
    label = f"check {points:,} points"
    rss_mb = r["check_peak_rss_bytes"] / 1e6
    rows = [
        {
            "sites": points,
            "figure": "check_s",
            "label": f"{label} (vs pyogrio read)",
            "unit": "s",
            "ours": r["check_s"],
            "baseline": r["pyogrio_s"],
            "baseline_figure": "pyogrio_read_s",
            "ratio": r["ratio"],
            "target": _target_text(("ratio_max", check_scale.TARGET_RATIO)),
            "met": _met(("ratio_max", check_scale.TARGET_RATIO), r["check_s"], r["ratio"]),
        },
        {
            "sites": points,
            "figure": "check_peak_rss_mb",
            "label": f"{label}: peak RSS (MB = 10^6 B)",
            "unit": "MB",
            "ours": rss_mb,
            "baseline": None,
            "baseline_figure": None,
            "ratio": None,
            "target": _target_text(("max", check_scale.TARGET_RSS_BYTES / 1e6)),
            "met": _met(("max", check_scale.TARGET_RSS_BYTES / 1e6), rss_mb, None),
        },
    ]
    return {**r, "rows": rows}


#: The figures of :func:`measure_tiles` worth a row: key, label, unit (no goal is set
#: at a million sites; the issue asks for the run and its figures).
TILES_FIGURES = (
    ("tiles_s", "tiles: heritage-mapper tiles, wall", "s"),
    ("tiles_peak_rss_mb", "tiles: peak RSS, its largest process (MiB)", "MiB"),
    ("archive_bytes", "tiles: sites.pmtiles", "B"),
    ("search_bytes", "tiles: search index, all chunks", "B"),
    ("search_chunk_max_bytes", "tiles: search index, largest chunk", "B"),
    ("page_bytes", "tiles: index.html", "B"),
    ("page_ready_s", "tiles, Chromium: page ready (density grid)", "s"),
    ("first_sites_s", "tiles, Chromium: Hanoi z13, first sites drawn", "s"),
    ("all_sites_s", "tiles, Chromium: Hanoi z13, every tile drawn", "s"),
    ("view_bytes", "tiles, Chromium: Hanoi z13, bytes read", "B"),
    ("search_s", "tiles, Chromium: search answered", "s"),
    ("fly_popup_s", "tiles, Chromium: result chosen to popup open", "s"),
    ("total_bytes_sent", "tiles, Chromium: whole session, bytes read", "B"),
)


def measure_tiles(work: Path, sites: int, browser: bool = True) -> dict:
    """``heritage-mapper tiles`` on ``sites`` generated sites (the folder is generated
    once, then reused), served with range requests and read in Chromium unless not
    ``browser`` (:func:`tiles_scale.measure_tiles`), with its rows
    (:data:`TILES_FIGURES`). A failed build or browser keeps its ``tiles_error`` or
    ``browse_error`` in the results, and the log says so."""
    import tiles_scale

    r = tiles_scale.measure_tiles(work, sites, browser=browser)
    for key in ("tiles_error", "browse_error"):
        if key in r:
            log(f"--million: {key}: {r[key]}")
    r["figures"] = [
        (key, label, unit, None, None) for key, label, unit in TILES_FIGURES if key in r
    ]
    return r


# -- the browser -----------------------------------------------------------------------

#: JS: our open popup shows every text of its events (none waits, aria-busy, for its chunk).
POPUP_TEXTS_SHOWN = """() => !document.querySelector(".hm-leaflet-popup [aria-busy]")"""
#: JS: how many sites are on our map (markers in the cluster group, or plain markers).
OUR_SITES_ON_MAP = """() => {
  const map = Object.keys(window).map((k) => window[k]).find((v) => v instanceof L.Map);
  if (!map) return -1;
  let n = 0;
  map.eachLayer((layer) => {
    const cluster = L.MarkerClusterGroup && layer instanceof L.MarkerClusterGroup;
    if (cluster) n += layer.getLayers().length;
    else if (layer instanceof L.Marker && !layer.__parent) n += 1;
  });
  return n;
}"""
#: JS: how many of explore's circle markers are drawn (SVG paths, or canvas layers).
EXPLORE_SITES_ON_MAP = """() => {
  if (typeof L === "undefined") return -1;
  const map = Object.keys(window).map((k) => window[k]).find((v) => v instanceof L.Map);
  if (!map) return -1;
  let n = 0;
  map.eachLayer((layer) => { if (layer instanceof L.CircleMarker && layer._map) n += 1; });
  return n;
}"""


class Browser:
    """Debian's Chromium through Playwright; every request that is not file: is handled."""

    def __init__(self, timeout_s: float):
        from playwright.sync_api import sync_playwright

        self.timeout_ms = timeout_s * 1000
        self._playwright = sync_playwright().start()
        self.browser = self._playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        self.version = self.browser.version

    def close(self) -> None:
        self.browser.close()
        self._playwright.stop()

    def _page(self, throttle: int = 1):
        context = self.browser.new_context(viewport=VIEWPORT)
        context.set_default_timeout(self.timeout_ms)
        page = context.new_page()
        page.route("**/*", _route)
        if throttle > 1:  # a phone's CPU: Chromium runs the page's script this much slower
            session = context.new_cdp_session(page)
            session.send("Emulation.setCPUThrottlingRate", {"rate": throttle})
        return context, page

    def throttle_factor(self, path: Path, throttle: int) -> float:
        """How much slower a fixed loop of script runs in a page opened with ``throttle``
        than without (about ``throttle`` when the throttling holds after navigation)."""
        loop = """() => { const t = performance.now(); let x = 0;
          for (let i = 0; i < 3e7; i++) x = (x + i * 7) % 1000003;
          return [performance.now() - t, x]; }"""
        times = []
        for rate in (1, throttle):
            context, page = self._page(rate)
            try:
                page.goto(path.resolve().as_uri(), wait_until="domcontentloaded")
                times.append(page.evaluate(loop)[0])
            finally:
                context.close()
        return times[1] / times[0]

    def ours(self, path: Path, sites: int, throttle: int = 1) -> float:
        """Seconds from opening our page until every site is on the map and a popup is open,
        its events' texts shown."""
        context, page = self._page(throttle)
        try:
            start = time.perf_counter()
            page.goto(path.resolve().as_uri())
            page.wait_for_function(f"({OUR_SITES_ON_MAP})() >= {sites}", polling=POLL_MS)
            page.locator(".hm-site-button").first.click()
            page.locator(".hm-leaflet-popup .hm-popup h2").wait_for(state="visible")
            # and its events' texts, which a large page reads when the popup shows them
            page.wait_for_function(POPUP_TEXTS_SHOWN, polling=POLL_MS)
            return time.perf_counter() - start
        finally:
            context.close()

    def explore(self, path: Path, sites: int, throttle: int = 1) -> float:
        """The same for explore's page: every circle marker drawn, then one's popup open."""
        context, page = self._page(throttle)
        try:
            start = time.perf_counter()
            page.goto(path.resolve().as_uri())
            page.wait_for_function(f"({EXPLORE_SITES_ON_MAP})() >= {sites}", polling=POLL_MS)
            page.locator("path.leaflet-interactive").first.dispatch_event("click")
            page.locator(".leaflet-popup-content").wait_for(state="visible")
            return time.perf_counter() - start
        finally:
            context.close()


def _route(route) -> None:
    url = route.request.url
    if url.startswith("file:"):
        route.continue_()
    elif url.startswith(LEAFLET_CDN) and url[len(LEAFLET_CDN) :] in ("leaflet.js", "leaflet.css"):
        import xstatic.pkg.leaflet as xleaflet

        route.fulfill(path=str(Path(xleaflet.BASE_DIR) / url[len(LEAFLET_CDN) :]))
    else:
        route.abort()


#: Browser runs per figure at sizes with a goal in seconds; their median is the figure.
BROWSER_REPEAT = 3


def measure_browser(results: list[dict], timeout_s: float) -> str | None:
    """Add the browser figures to each size's results; the Chromium version, or None."""
    if not CHROMIUM.exists():
        log(f"no browser figures: {CHROMIUM} is missing")
        return None
    browser = Browser(timeout_s)
    try:
        for r in results:
            runs = [
                ("browser_ready_s", browser.ours, "ours", 1),
                ("explore_browser_ready_s", browser.explore, "explore", 1),
            ]
            if r["sites"] <= THROTTLE_MAX_SITES:
                r["browser_throttle_factor"] = browser.throttle_factor(
                    Path(r["paths"]["ours"]), THROTTLE
                )
                factor = r["browser_throttle_factor"]
                log(f"  CPU ÷{THROTTLE}: a loop of script runs {factor:.1f}x slower")
                runs += [
                    (f"browser_ready_cpu{THROTTLE}_s", browser.ours, "ours", THROTTLE),
                    (
                        f"explore_browser_ready_cpu{THROTTLE}_s",
                        browser.explore,
                        "explore",
                        THROTTLE,
                    ),
                ]
            else:
                log(f"  {r['sites']:,} sites: CPU ÷{THROTTLE} not measured (its goal is at 10,000)")
            # a goal in seconds (at 10,000 sites) is judged on the median of a few runs:
            # one cold run moved by a third between two runs of the same page
            repeat = BROWSER_REPEAT if r["sites"] <= THROTTLE_MAX_SITES else 1
            for key, method, page, throttle in runs:
                try:
                    path = Path(r["paths"][page])
                    times = [method(path, r["sites"], throttle) for _ in range(repeat)]
                    r[key] = statistics.median(times)
                    if repeat > 1:
                        r[key + "_runs"] = times
                    shown = ", ".join(f"{t:.2f}" for t in times)
                    log(f"  {r['sites']:,} sites, {key}: {r[key]:.2f} s (runs: {shown})")
                except Exception as exc:  # a timeout is a result too: say so in the table
                    r[key] = None
                    r[key + "_error"] = f"{type(exc).__name__}: {str(exc).splitlines()[0]}"
                    log(f"  {r['sites']:,} sites, {key}: {r[key + '_error']}")
        return browser.version
    finally:
        browser.close()


# -- the 1,000,000 hooks ---------------------------------------------------------------


def measure_million(work: Path, size: int, hooks=None, names=None) -> tuple[list[dict], list[dict]]:
    """Run the hooks of :data:`MILLION_HOOKS` (today ``measure_tiles(work, sites)``)
    at ``size``, taken from ``hooks`` (default: this module); (their results, their
    table rows).

    A hook returns a dict of figures. When it holds ``"figures"`` (tuples shaped like
    :data:`FIGURES`: key, label, unit, baseline key, target), those are its rows;
    otherwise each number in it becomes a row with no baseline. ``"sites"`` defaults
    to ``size``. A hook that is not there is skipped, and the log says so.
    """
    hooks = globals() if hooks is None else hooks
    results, rows = [], []
    for name, argument in MILLION_HOOKS if names is None else names:
        hook = hooks.get(name)
        if hook is None:
            log(f"--million: {name} is not in this run.py; skipped")
            continue
        log(f"--million: {name}(work, {argument}={size:,})")
        result = dict(hook(work, size))
        result.setdefault("sites", size)
        result["hook"] = name
        figures = result.get("figures")
        if figures is None:
            figures = [
                (key, f"{name}: {key}", _unit_of(key), None, None)
                for key, value in result.items()
                if isinstance(value, int | float) and not isinstance(value, bool) and key != "sites"
            ]
        rows += rows_of([result], [tuple(f) for f in figures])
        results.append({k: v for k, v in result.items() if k != "figures"})
    return results, rows


def _unit_of(key: str) -> str:
    """The unit a hook's figure has, from its key's ending (``_s``, ``_mb``, ``_bytes``)."""
    if key.endswith("_mb"):
        return "MB"
    if key.endswith("_bytes"):
        return "B"
    return "s" if key.endswith("_s") else ""


# -- the table -------------------------------------------------------------------------


def rows_of(results: list[dict], figures=FIGURES) -> list[dict]:
    """One row per figure and size: ours, baseline, ratio, target and whether it is met."""
    rows = []
    for r in results:
        for key, label, unit, base_key, target in figures:
            ours = r.get(key)
            base = r.get(base_key) if base_key else None
            ratio = ours / base if ours is not None and base else None
            rows.append(
                {
                    "sites": r["sites"],
                    "figure": key,
                    "label": label,
                    "unit": unit,
                    "ours": ours,
                    "baseline": base,
                    "baseline_figure": base_key,
                    "ratio": ratio,
                    "target": _target_text(target),
                    "met": _met(target, ours, ratio, r["sites"]),
                }
            )
    return rows


def _target_text(target) -> str | None:
    if target is None:
        return None
    kind, value = target
    if kind in ("max_at", "lt_at"):
        sites, limit = value
        return f"{'<=' if kind == 'max_at' else '<'} {limit:g} at {sites:,} sites"
    return {"ratio_max": f"ratio <= {value:g}", "ratio_lt": f"ratio < {value:g}"}.get(
        kind, f"<= {value:g}"
    )


def _met(target, ours, ratio, sites=None) -> bool | None:
    """Whether ``target`` is met; None when there is no target, no figure, or the
    target is for another size."""
    if target is None or ours is None:
        return None
    kind, value = target
    if kind in ("max_at", "lt_at"):
        at, limit = value
        if sites != at:
            return None
        return ours <= limit if kind == "max_at" else ours < limit
    if kind == "max":
        return ours <= value
    if ratio is None:
        return None
    return ratio <= value if kind == "ratio_max" else ratio < value


def _fmt(value, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "B":
        return f"{value / MIB:,.1f} MiB"
    if unit == "MB":
        return f"{value:,.0f} MB"
    if unit == "s/MiB":
        return f"{value:,.3f} s/MiB"
    if unit == "s":
        return f"{value:,.2f} s"
    return f"{value:,.6g}{' ' + unit if unit else ''}"


def table_text(rows: list[dict]) -> str:
    """The rows as a plain-text (and Markdown) table."""
    head = ["sites", "figure", "ours", "baseline", "ratio", "target", "met"]
    lines = [head]
    for row in rows:
        met = {True: "yes", False: "NO", None: "-"}[row["met"]]
        ratio = f"{row['ratio']:.2f}" if row["ratio"] is not None else "-"
        lines.append(
            [
                f"{row['sites']:,}",
                row["label"],
                _fmt(row["ours"], row["unit"]),
                _fmt(row["baseline"], row["unit"]),
                ratio,
                row["target"] or "-",
                met,
            ]
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(head))]
    out = [
        "| " + " | ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)) + " |"
        for line in lines
    ]
    out.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(out)


def machine(chromium: str | None) -> dict:
    """What the figures were measured on."""
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    mem_kb = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    from importlib.metadata import version

    return {
        "nproc": os.cpu_count(),
        "memory_gib": round(mem_kb / 1024 / 1024, 1),
        "cpu": cpu,
        "os": platform.platform(),
        "python": platform.python_version(),
        "chromium": chromium,
        "packages": {name: version(name) for name in PACKAGES},
    }


def _git_state() -> dict:
    """The commit measured, and the files that differed from it."""

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True)
        return done.stdout.strip()

    return {
        "commit": git("rev-parse", "HEAD"),
        "modified": git("status", "--porcelain", "--untracked-files=no").splitlines(),
    }


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="1,000 sites only (for the tests)")
    parser.add_argument(
        "--sizes", type=int, nargs="+", help="numbers of sites (default 10000 100000)"
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="the JSON file to write")
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK, help="folder for generated data")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--no-browser", action="store_true", help="skip the browser figures")
    parser.add_argument("--browser-timeout", type=float, default=BROWSER_TIMEOUT_S)
    parser.add_argument(
        "--million",
        action="store_true",
        help="also run measure_tiles at 1,000,000 sites (about 6 minutes)",
    )
    parser.add_argument("--million-size", type=int, default=MILLION, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    sizes = args.sizes or (QUICK_SIZES if args.quick else DEFAULT_SIZES)
    args.work.mkdir(parents=True, exist_ok=True)
    load_before = os.getloadavg()
    warm_up(args.work, args.seed)
    results = [measure_size(size, args.work, args.seed) for size in sizes]
    chromium = None if args.no_browser else measure_browser(results, args.browser_timeout)
    rows = rows_of(results)
    check = measure_check(args.work, 1_000 if args.quick else 1_000_000)
    rows += check["rows"]
    million, million_rows = [], []
    if args.million:
        tiles = functools.partial(measure_tiles, browser=not args.no_browser)
        hooks = {**globals(), "measure_tiles": tiles}
        million, million_rows = measure_million(args.work, args.million_size, hooks)
        rows += million_rows
    doc = {
        "command": " ".join(["benchmarks/run.py", *(argv if argv is not None else sys.argv[1:])]),
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "seed": args.seed,
        "max_bytes": MAX_BYTES,
        "peak_memory_method": "map build: ru_maxrss (RUSAGE_SELF) of a child Python process "
        "running 'heritage-mapper build --no-exports'; whole build: ru_maxrss of the wait4 "
        "rusage of 'heritage-mapper build' (its largest process), and the peak of the PSS "
        f"summed over its processes, sampled from /proc every {SAMPLE_S} s",
        "machine": machine(chromium),
        "code": _git_state(),
        "load_average_1_5_15": {"start": load_before, "end": os.getloadavg()},
        "results": [{k: v for k, v in r.items() if k != "paths"} for r in results],
        "million": million if args.million else "not run (--million not given)",
        "table": rows,
        "check_scale": {k: v for k, v in check.items() if k != "rows"},
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(table_text(rows))
    print(f"\nwrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
