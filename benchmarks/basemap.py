"""Benchmark the map pages with their embedded basemap, side by side with the page
before it (the committed maps at the last commit without a basemap).

Figures, each measured on ``index.html`` of the Quảng Ninh data in Debian's Chromium,
opened from disk with every non-file request aborted, the median of ``--repeat`` runs:

- page bytes: index.html and the largest layer page (budget: 1.2 MB each);
- map ready: from the navigation until every site's marker is on the map and, on a
  page with a basemap, its land is painted (two animation frames after both), at
  full speed (budget 1.5 s) and with Chromium's CPU throttled 4x like a phone
  (budget 4 s);
- frames while panning at full detail (zoom 13 over Hạ Long bay, the mouse dragging
  the map 60 steps of 15 px to and fro, then dropping it): the 95th percentile
  frame time, at full speed and throttled.

Usage::

    python benchmarks/basemap.py                 # prints the table, writes the JSON
    python benchmarks/basemap.py --repeat 3 --out /tmp/basemap.json

The "before" page is read from git (``--before REV``, default the last commit
whose maps/ had no basemap); both pages are built from the same geodata.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))

# Chromium as benchmarks/run.py launches it (the network-quiet flags, the viewport).
from run import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from run import VIEWPORT as DESKTOP  # noqa: E402

#: The last commit whose committed maps drew no basemap (issue 10's "today's page").
BEFORE_REV = "3e9e22c"
BUDGET_BYTES = 1_200_000
BUDGET_READY_S = 1.5
BUDGET_READY_THROTTLED_S = 4.0
THROTTLE = 4
PAN_CENTRE = (20.9, 107.1)
PAN_ZOOM = 13
PAN_STEPS = 60
PAN_STEP_PX = 15
TIMEOUT_MS = 60_000

#: JS: the Leaflet map of the page (folium keeps it in a global variable).
FIND_MAP = "Object.keys(window).map((k) => window[k]).find((v) => v instanceof L.Map)"
#: JS: resolves with performance.now() once every site has a marker on the map and,
#: when the page embeds a basemap, a painted canvas in the map; then two frames.
READY = """(sites) => new Promise((resolve) => {
  const check = () => {
    const map = FIND_MAP;
    const markers = document.querySelectorAll(".leaflet-marker-icon").length;
    const basemap = document.getElementById("hm-data") &&
      document.getElementById("hm-data").textContent.includes('"basemap":{');
    const canvas = Array.from(document.querySelectorAll(".leaflet-container canvas"))
      .some((c) => c.width > 0 && c.height > 0);
    if (map && markers >= sites && (!basemap || canvas)) {
      requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now())));
    } else {
      requestAnimationFrame(check);
    }
  };
  check();
})""".replace("FIND_MAP", FIND_MAP)
#: JS: frame the view for the pan, then record the time of every frame until told to stop.
PAN_START = """([lat, lon, zoom]) => new Promise((resolve) => {
  const map = FIND_MAP;
  map.setView([lat, lon], zoom, {animate: false});
  setTimeout(() => {
    window.__hmFrames = [];
    let last = null;
    const frame = (now) => {
      if (last !== null) window.__hmFrames.push(now - last);
      last = now;
      if (!window.__hmStop) requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
    resolve(true);
  }, 500);
})""".replace("FIND_MAP", FIND_MAP)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def build_now(out: Path) -> Path:
    """The pages of geodata/ with the current code."""
    from heritage_mapper import build

    build(REPO / "geodata", out, exports_dir=None)
    return out


def pages_before(rev: str, out: Path) -> Path:
    """The committed maps at ``rev`` (the page as it was before the basemap)."""
    out.mkdir(parents=True, exist_ok=True)
    names = subprocess.run(
        ["git", "-C", str(REPO), "ls-tree", "--name-only", f"{rev}:maps"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    for name in names:
        data = subprocess.run(
            ["git", "-C", str(REPO), "show", f"{rev}:maps/{name}"], check=True, capture_output=True
        ).stdout
        (out / name).write_bytes(data)
    return out


def _route(route) -> None:
    if route.request.url.startswith("file:"):
        route.continue_()
    else:
        route.abort()


def measure_page(browser, path: Path, sites: int, throttle: int) -> dict:
    context = browser.new_context(viewport=DESKTOP)
    try:
        page = context.new_page()
        page.route("**/*", _route)
        if throttle > 1:
            session = context.new_cdp_session(page)
            session.send("Emulation.setCPUThrottlingRate", {"rate": throttle})
        page.goto(path.resolve().as_uri(), wait_until="commit")
        ready_ms = page.evaluate(READY, sites)
        frames = _drag_frames(page)
        p95 = frames[min(len(frames) - 1, int(round(0.95 * (len(frames) - 1))))]
        return {"ready_s": ready_ms / 1000, "pan_p95_ms": p95, "pan_max_ms": frames[-1]}
    finally:
        context.close()


def _drag_frames(page) -> list[float]:
    """Frame times (ms) while the mouse drags the map to and fro, as a visitor pans:
    :data:`PAN_STEPS` moves of :data:`PAN_STEP_PX`, one every 16 ms, then the drop."""
    page.evaluate(PAN_START, [*PAN_CENTRE, PAN_ZOOM])
    x, y = DESKTOP["width"] * 0.6, DESKTOP["height"] * 0.5
    page.mouse.move(x, y)
    page.mouse.down()
    for n in range(PAN_STEPS):
        dx = PAN_STEP_PX if n % 20 < 10 else -PAN_STEP_PX
        dy = PAN_STEP_PX / 2 if n % 14 < 7 else -PAN_STEP_PX / 2
        x, y = x + dx, y + dy
        page.mouse.move(x, y)
        page.wait_for_timeout(16)
    page.mouse.up()
    page.wait_for_timeout(300)  # the redraw at the drop counts too
    frames = page.evaluate("() => { window.__hmStop = true; return window.__hmFrames; }")
    return sorted(frames)


def sites_on(path: Path) -> int:
    """How many site markers ``path`` shows: its embedded site ids."""
    text = path.read_text(encoding="utf-8")
    start = text.index('id="hm-data"')
    body = text[text.index(">", start) + 1 : text.index("</script>", start)]
    return len(json.loads(body)["sites"]["id"])


def run(repeat: int, before_rev: str) -> dict:
    from playwright.sync_api import sync_playwright

    work = Path(tempfile.mkdtemp(prefix="hm-basemap-bench-"))
    now = build_now(work / "now")
    before = pages_before(before_rev, work / "before")
    result: dict = {
        "machine": {
            "platform": platform.platform(),
            "cores": os.cpu_count(),
            "python": platform.python_version(),
        },
        "before_rev": before_rev,
        "repeat": repeat,
        "bytes": {
            "now_index": (now / "index.html").stat().st_size,
            "now_largest_page": max(p.stat().st_size for p in now.glob("*.html")),
            "before_index": (before / "index.html").stat().st_size,
        },
    }
    sites = sites_on(now / "index.html")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        result["chromium"] = browser.version
        for label, folder in (("now", now), ("before", before)):
            for throttle in (1, THROTTLE):
                runs = [
                    measure_page(browser, folder / "index.html", sites, throttle)
                    for _ in range(repeat)
                ]
                key = f"{label}_x{throttle}"
                result[key] = {
                    "ready_s": statistics.median(r["ready_s"] for r in runs),
                    "pan_p95_ms": statistics.median(r["pan_p95_ms"] for r in runs),
                    "pan_max_ms": statistics.median(r["pan_max_ms"] for r in runs),
                }
                log(f"{key}: {result[key]}")
        browser.close()
    return result


def table(result: dict) -> str:
    b = result["bytes"]
    rows = [
        (
            "index.html bytes",
            f"{b['now_index']:,}",
            f"{b['before_index']:,}",
            "≤ 1,200,000",
            b["now_index"] <= BUDGET_BYTES,
        ),
        (
            "largest page bytes",
            f"{b['now_largest_page']:,}",
            "",
            "≤ 1,200,000",
            b["now_largest_page"] <= BUDGET_BYTES,
        ),
    ]
    for throttle, budget in ((1, BUDGET_READY_S), (THROTTLE, BUDGET_READY_THROTTLED_S)):
        now, before = result[f"now_x{throttle}"], result[f"before_x{throttle}"]
        cpu = "" if throttle == 1 else f", CPU ÷{throttle}"
        rows.append(
            (
                f"map ready{cpu}",
                f"{now['ready_s']:.2f} s",
                f"{before['ready_s']:.2f} s",
                f"≤ {budget} s",
                now["ready_s"] <= budget,
            )
        )
        rows.append(
            (
                f"pan frame max (the redraw at the drop){cpu}",
                f"{now['pan_max_ms']:.1f} ms",
                f"{before['pan_max_ms']:.1f} ms",
                "reported",
                None,
            )
        )
        rows.append(
            (
                f"pan frame p95{cpu}",
                f"{now['pan_p95_ms']:.1f} ms",
                f"{before['pan_p95_ms']:.1f} ms",
                "reported",
                None,
            )
        )
    lines = [
        "| figure | with basemap | before (no basemap) | budget | met |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name, now, before, budget, met in rows:
        mark = "-" if met is None else ("yes" if met else "**no**")
        lines.append(f"| {name} | {now} | {before} | {budget} | {mark} |")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--before", default=BEFORE_REV)
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks/results/basemap.json")
    args = parser.parse_args(argv)
    if not CHROMIUM.exists():
        log(f"{CHROMIUM} is missing: no browser figures")
        return 1
    started = time.perf_counter()
    result = run(args.repeat, args.before)
    result["seconds"] = round(time.perf_counter() - started, 1)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(table(result))
    log(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
