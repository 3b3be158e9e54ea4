"""Scale proof of ``heritage-mapper tiles``: N generated sites served with range requests.

Generates a folder (``benchmarks/generate.py``; reused when already there), times
``heritage-mapper tiles`` in a child process (wall time and peak memory), measures the
archive, search index and page, serves the output with the test suite's range server
(``tests/range_server.py``), opens the page in Chromium and measures:

- ``page_ready_s``: from navigation to the density grid and status drawn (whole view);
- ``first_sites_s``: after moving to Hanoi at zoom 13 (the densest area), until the
  first canvas tile with sites is drawn, and ``all_sites_s`` until no tile is pending;
- the bytes the server sent (whole page load; the zoomed-in view; search) and how many
  range requests (206) were answered;
- ``search_s``: typing a two-letter prefix until results are listed (one index chunk
  fetched), and ``fly_popup_s``: choosing the first result until its popup is open.

Usage::

    python benchmarks/tiles_scale.py --sites 1000000 --work /tmp/tiles-bench
    python benchmarks/tiles_scale.py --sites 200000 --work /tmp/tiles-bench --single-page

(the second measures the single-page ``build`` instead, to find where it stops being
reasonable).
It writes ``<work>/tiles-<N>.json`` and prints it. Not part of the test suite.
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

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))

HANOI = (21.03, 105.85)
ZOOM = 13
TIMEOUT_MS = 600_000
CHROMIUM = os.environ.get("HERITAGE_MAPPER_CHROMIUM", "/usr/bin/chromium")
SITES_DRAWN = (
    "() => Array.from(document.querySelectorAll('.leaflet-tile-container canvas'))"
    ".some((c) => Number(c.dataset.sites) > 0)"
)
TILES_LOADED = (
    "() => !document.querySelector('.leaflet-tile-container canvas:not(.leaflet-tile-loaded)')"
)


def measure_tiles(work: Path, sites: int, seed: int = 1, browser: bool = True) -> dict:
    """Generate ``sites`` sites into ``work`` (if missing), build and measure the tiles.

    ``tiles_peak_rss_mb`` is the largest RSS of the tiles command and the processes it
    forked (``wait4`` on it alone, in MiB). With ``browser`` the page is then read in
    Chromium (:func:`browse`); a failure there is kept as ``browse_error``, with the
    figures measured before it.
    """
    import generate

    result: dict = {"sites": sites}
    geodata = work / f"vn-{sites}"
    if not (geodata / "project.json").exists():
        start = time.perf_counter()
        generate.generate(geodata, sites=sites, seed=seed)
        result["generate_s"] = round(time.perf_counter() - start, 1)
    out = work / f"tiles-{sites}"
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    command = [sys.executable, "-m", "heritage_mapper", "tiles", "--geodata", str(geodata)]
    command += ["--out", str(out), "--max-bytes", str(1 << 40)]
    with tempfile.TemporaryFile() as log:
        start = time.perf_counter()
        child = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        # this command's own usage (its forked processes included), not every child's
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        result["tiles_s"] = round(time.perf_counter() - start, 1)
        result["tiles_peak_rss_mb"] = round(usage.ru_maxrss / 1024)
        if child.returncode:
            log.seek(0)
            result["tiles_error"] = log.read().decode("utf-8", "replace")[-2000:]
            return result
    chunks = sorted(out.glob("search-*.json"))
    result["archive_bytes"] = (out / "sites.pmtiles").stat().st_size
    result["page_bytes"] = (out / "index.html").stat().st_size
    result["search_chunks"] = len(chunks)
    result["search_bytes"] = sum(p.stat().st_size for p in chunks)
    result["search_chunk_max_bytes"] = max((p.stat().st_size for p in chunks), default=0)
    if browser:
        figures: dict = {}
        try:
            browse(out, figures)
        except Exception as exc:  # a timeout at this size is a finding, not a lost run
            figures["browse_error"] = f"{type(exc).__name__}: {str(exc).splitlines()[0]}"
        result.update(figures)
    return result


def measure_single_page(work: Path, sites: int, seed: int = 1) -> dict:
    """Where one page stops being reasonable: the single-page ``build`` of ``sites``
    sites (``benchmarks/run.py``'s child build and browser timing, reused): its
    ``index.html`` bytes, build time and peak memory, and Chromium's time until every
    site is on the map and a popup is open."""
    import generate
    import run

    geodata = work / f"vn-{sites}"
    if not (geodata / "project.json").exists():
        generate.generate(geodata, sites=sites, seed=seed)
    maps = work / f"maps-{sites}"
    child = run.build_in_child(geodata, maps)
    result = {
        "sites": sites,
        "single_build_s": round(child["seconds"], 1),
        "single_build_peak_rss_mb": round(child["maxrss_kb"] / 1024),
        "single_page_bytes": (maps / "index.html").stat().st_size,
    }
    browser = run.Browser(TIMEOUT_MS / 1000)
    try:
        result["single_browser_ready_s"] = round(browser.ours(maps / "index.html", sites), 2)
    except Exception as exc:  # a timeout is a figure too
        result["single_browser_error"] = f"{type(exc).__name__}: {str(exc).splitlines()[0]}"
    finally:
        browser.close()
    return result


def browse(out: Path, figures: dict | None = None) -> dict:
    """Serve ``out`` with range requests, read its page in Chromium and fill ``figures``
    (returned; filled as each is measured, so a failure keeps the ones before it)."""
    from playwright.sync_api import sync_playwright
    from range_server import serve

    figures = {} if figures is None else figures

    def sent(log, since=0):
        return sum(entry[3] for entry in log[since:])

    with serve(out) as (url, log), sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page(viewport={"width": 1366, "height": 820})
        page.set_default_timeout(TIMEOUT_MS)
        start = time.perf_counter()
        page.goto(url + "index.html")
        page.wait_for_function("() => document.getElementById('hmt-status').textContent !== ''")
        figures["page_ready_s"] = round(time.perf_counter() - start, 2)
        figures["page_load_bytes"] = sent(log)
        mark = len(log)
        start = time.perf_counter()
        page.evaluate(f"HeritageTiles.app.map.setView([{HANOI[0]}, {HANOI[1]}], {ZOOM})")
        page.wait_for_function(SITES_DRAWN)
        figures["first_sites_s"] = round(time.perf_counter() - start, 2)
        page.wait_for_function(TILES_LOADED)
        figures["all_sites_s"] = round(time.perf_counter() - start, 2)
        page.wait_for_timeout(500)
        figures["view_bytes"] = sent(log, mark)
        figures["view_range_requests"] = sum(1 for entry in log[mark:] if entry[1] == 206)
        figures["view_status"] = page.text_content("#hmt-status")
        figures["view_sites_drawn"] = page.evaluate(
            "Array.from(document.querySelectorAll('.leaflet-tile-container canvas'))"
            ".reduce((n, c) => n + Number(c.dataset.sites || 0), 0)"
        )
        mark = len(log)
        start = time.perf_counter()
        page.fill("#hmt-query", "ba")
        page.wait_for_selector(".hmt-result")
        figures["search_s"] = round(time.perf_counter() - start, 2)
        figures["search_request_bytes"] = sent(log, mark)
        start = time.perf_counter()
        page.click(".hmt-result")
        page.wait_for_selector(".leaflet-popup-content .hmt-popup")
        figures["fly_popup_s"] = round(time.perf_counter() - start, 2)
        figures["range_requests"] = sum(1 for entry in log if entry[1] == 206)
        figures["total_bytes_sent"] = sent(log)
        browser.close()
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sites", type=int, default=1_000_000)
    parser.add_argument("--work", type=Path, required=True, help="folder for generated data")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--single-page", action="store_true", help="measure the single-page build instead"
    )
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    if args.single_page:
        result, name = measure_single_page(args.work, args.sites, args.seed), "single"
    else:
        result, name = measure_tiles(args.work, args.sites, args.seed), "tiles"
    text = json.dumps(result, indent=1, ensure_ascii=False)
    (args.work / f"{name}-{args.sites}.json").write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
