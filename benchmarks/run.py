"""Benchmark heritage-mapper at national scale, side by side with GeoDataFrame.explore().

For each size N (default 10,000 and 100,000; ``--quick``: 1,000) this one process run
generates a geodata folder of N sites over Vietnam (:mod:`generate`, five events per
site) and measures, with :func:`time.perf_counter`:

- validation: ``validate_geodata``; baseline ``pyogrio.read_dataframe`` of every
  layer file (the floor: reading without checking);
- load and join: ``load_geodata`` (which validates too) and ``events_with_geometry``;
- map build (validate + join + render): load, join, render and write every map page;
  baseline ``gdf.explore(...)`` and ``m.save``;
- exports: ``export_layers`` to GeoPackage, then to GeoJSON;
- peak memory: the RSS of a child Python process that runs ``heritage-mapper build
  --no-exports`` (``ru_maxrss`` of ``RUSAGE_SELF``, read by the child at its end);
- map HTML bytes: ``index.html`` (every site); baseline explore's page;
- browser, map ready: from opening the page from disk until every site is on the map
  and a popup is open; baseline the same for explore's page.

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

It prints a table (figure, ours, baseline, ratio, target, met) and writes it as JSON
with the machine it ran on (default ``benchmarks/results/latest.json``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
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

# figure key, label, unit, baseline key, target (ratio ours/baseline, or absolute)
FIGURES = (
    ("validate_s", "validation", "s", "pyogrio_read_s", ("ratio_max", 3.0)),
    (
        "validate_s",
        "validation vs reading layers and events.csv",
        "s",
        "pyogrio_read_with_events_s",
        None,
    ),
    ("load_join_s", "load and join", "s", None, None),
    ("map_build_s", "map build (validate + join + render)", "s", "explore_s", ("ratio_max", 0.5)),
    ("export_gpkg_s", "export GeoPackage", "s", None, None),
    ("export_geojson_s", "export GeoJSON", "s", None, None),
    ("build_peak_rss_mb", "peak memory of the build (RSS)", "MB", None, ("max", 2048.0)),
    ("map_html_bytes", "map HTML bytes", "B", "explore_html_bytes", ("ratio_max", 0.25)),
    ("browser_ready_s", "browser: map ready", "s", "explore_browser_ready_s", ("ratio_lt", 1.0)),
)


# -- measurements ----------------------------------------------------------------------


def timed(func, *args, **kwargs):
    """(seconds, result) of one call, by perf_counter."""
    start = time.perf_counter()
    result = func(*args, **kwargs)
    return time.perf_counter() - start, result


def map_build(geodata_dir: Path, maps_dir: Path) -> list[Path]:
    """What ``heritage-mapper build --no-exports`` does: validate, load, join, render, write."""
    from heritage_mapper.build import build

    return build(geodata_dir, maps_dir, exports_dir=None, max_bytes=MAX_BYTES)


#: The child runs the ``heritage-mapper build`` command itself, then reads its own peak RSS.
_CHILD = """
import json, resource, sys, time
from heritage_mapper.cli import main
start = time.perf_counter()
try:
    main(sys.argv[1:], standalone_mode=False)
finally:
    print(json.dumps({"seconds": time.perf_counter() - start,
                      "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""


def build_in_child(geodata_dir: Path, maps_dir: Path) -> dict:
    """``heritage-mapper build --no-exports`` in a fresh process; its peak RSS and time."""
    command = ["build", "--geodata", str(geodata_dir), "--out", str(maps_dir)]
    command += ["--no-exports", "--max-bytes", str(MAX_BYTES), "--quiet"]
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, *command], check=True, capture_output=True, text=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


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
    from heritage_mapper.export import export_layers
    from heritage_mapper.frames import load_geodata
    from heritage_mapper.join import events_with_geometry
    from heritage_mapper.validate import validate_geodata

    if out.exists():
        shutil.rmtree(out)
    r["validate_s"], report = timed(validate_geodata, root, max_bytes=MAX_BYTES)
    r["validate_errors"] = report.error_count
    r["validate_warnings"] = report.warning_count
    r["pyogrio_read_s"] = pyogrio_read(root)
    r["pyogrio_read_with_events_s"] = r["pyogrio_read_s"] + pyogrio_read_events(root)
    log(f"  validation {r['validate_s']:.2f} s, pyogrio {r['pyogrio_read_s']:.2f} s")

    start = time.perf_counter()
    geodata = load_geodata(root, max_bytes=MAX_BYTES)
    joined = events_with_geometry(geodata)
    r["load_join_s"] = time.perf_counter() - start
    r["events"] = len(geodata.events)
    r["event_site_pairs"] = len(joined)
    log(f"  load and join {r['load_join_s']:.2f} s")

    maps = out / "maps"
    r["map_build_s"], pages = timed(map_build, root, maps)
    r["map_html_bytes"] = (maps / "index.html").stat().st_size
    r["maps_total_bytes"] = sum(p.stat().st_size for p in pages)
    r["map_pages"] = len(pages)
    log(f"  map build {r['map_build_s']:.2f} s, index.html {r['map_html_bytes'] / MIB:.1f} MiB")

    exports = out / "exports"
    r["export_gpkg_s"], _ = timed(export_layers, geodata, exports, ["gpkg"], overwrite=True)
    r["export_geojson_s"], _ = timed(export_layers, geodata, exports, ["geojson"], overwrite=True)
    log(f"  exports: gpkg {r['export_gpkg_s']:.2f} s, geojson {r['export_geojson_s']:.2f} s")

    explore_html = out / "explore.html"
    r["explore_s"] = explore_page(explore_frame(geodata), explore_html)
    r["explore_html_bytes"] = explore_html.stat().st_size
    log(f"  explore() {r['explore_s']:.2f} s, {r['explore_html_bytes'] / MIB:.1f} MiB")
    r["paths"] = {"ours": str(maps / "index.html"), "explore": str(explore_html)}
    return r


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
    return measure_steps(root, out, r)


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


# -- the browser -----------------------------------------------------------------------

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

    def _page(self):
        context = self.browser.new_context(viewport=VIEWPORT)
        context.set_default_timeout(self.timeout_ms)
        page = context.new_page()
        page.route("**/*", _route)
        return context, page

    def ours(self, path: Path, sites: int) -> float:
        """Seconds from opening our page until every site is on the map and a popup is open."""
        context, page = self._page()
        try:
            start = time.perf_counter()
            page.goto(path.resolve().as_uri())
            page.wait_for_function(f"({OUR_SITES_ON_MAP})() >= {sites}", polling=POLL_MS)
            page.locator(".hm-site-button").first.click()
            page.locator(".hm-leaflet-popup .hm-popup h2").wait_for(state="visible")
            return time.perf_counter() - start
        finally:
            context.close()

    def explore(self, path: Path, sites: int) -> float:
        """The same for explore's page: every circle marker drawn, then one's popup open."""
        context, page = self._page()
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


def measure_browser(results: list[dict], timeout_s: float) -> str | None:
    """Add the browser figures to each size's results; the Chromium version, or None."""
    if not CHROMIUM.exists():
        log(f"no browser figures: {CHROMIUM} is missing")
        return None
    browser = Browser(timeout_s)
    try:
        for r in results:
            for key, method, page in (
                ("browser_ready_s", browser.ours, r["paths"]["ours"]),
                ("explore_browser_ready_s", browser.explore, r["paths"]["explore"]),
            ):
                try:
                    r[key] = method(Path(page), r["sites"])
                    log(f"  {r['sites']:,} sites, {key}: {r[key]:.2f} s")
                except Exception as exc:  # a timeout is a result too: say so in the table
                    r[key] = None
                    r[key + "_error"] = f"{type(exc).__name__}: {str(exc).splitlines()[0]}"
                    log(f"  {r['sites']:,} sites, {key}: {r[key + '_error']}")
        return browser.version
    finally:
        browser.close()


# -- the table -------------------------------------------------------------------------


def rows_of(results: list[dict]) -> list[dict]:
    """One row per figure and size: ours, baseline, ratio, target and whether it is met."""
    rows = []
    for r in results:
        for key, label, unit, base_key, target in FIGURES:
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
                    "met": _met(target, ours, ratio),
                }
            )
    return rows


def _target_text(target) -> str | None:
    if target is None:
        return None
    kind, value = target
    return {"ratio_max": f"ratio <= {value:g}", "ratio_lt": f"ratio < {value:g}"}.get(
        kind, f"<= {value:g}"
    )


def _met(target, ours, ratio) -> bool | None:
    if target is None or ours is None:
        return None
    kind, value = target
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
    return f"{value:,.2f} s"


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
    doc = {
        "command": " ".join(["benchmarks/run.py", *(argv if argv is not None else sys.argv[1:])]),
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "seed": args.seed,
        "max_bytes": MAX_BYTES,
        "peak_memory_method": "ru_maxrss (RUSAGE_SELF) of a child Python process running "
        "'heritage-mapper build --no-exports'",
        "machine": machine(chromium),
        "code": _git_state(),
        "load_average_1_5_15": {"start": load_before, "end": os.getloadavg()},
        "results": [{k: v for k, v in r.items() if k != "paths"} for r in results],
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
