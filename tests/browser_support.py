"""A real Chromium, driven by Playwright, opening map pages from disk with no network.

Every request that is not ``file:`` is aborted and recorded; page errors and console
errors are collected, except the console lines for the requests the test aborted.
Chromium is Debian's (``/usr/bin/chromium``, installed by ``scripts/setup.sh``);
Playwright's own browser download is never used.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
GEODATA = REPO / "geodata"
CHROMIUM = Path(os.environ.get("HERITAGE_MAPPER_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1366, "height": 820}
PHONE = {"width": 390, "height": 844}
SETTLE_MS = 300
TILE_URL_PREFIX = "https://tile.openstreetmap.org/"  # the online layer's tiles (served pages only)


@dataclass
class OpenedPage:
    """A page opened from disk, with what it tried to fetch and what went wrong."""

    page: object
    aborted: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def browser():
    """One Chromium per test module (Playwright's sync API allows one at a time)."""
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing; run scripts/setup.sh (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)  # CI installs it: a missing browser must not pass as a skip
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def open_page(browser):
    """``open_page(path, viewport=DESKTOP, init_script=None)`` → :class:`OpenedPage`,
    network blocked; ``init_script`` (JavaScript) runs before the page's own scripts."""
    contexts = []

    def opener(path: Path, viewport: dict = DESKTOP, init_script: str | None = None) -> OpenedPage:
        context = browser.new_context(viewport=viewport)
        contexts.append(context)
        if init_script is not None:
            context.add_init_script(init_script)
        page = context.new_page()
        opened = OpenedPage(page)
        page.route("**/*", lambda route: _file_only(route, opened))
        page.on("pageerror", lambda exc: opened.errors.append(f"pageerror: {exc}"))
        page.on("console", lambda message: _console(message, opened))
        page.on("dialog", lambda dialog: _dialog(dialog, opened))
        page.goto(Path(path).resolve().as_uri())
        page.wait_for_selector(".hm-site-button, .hm-empty, #hm-story[data-step]")
        page.wait_for_timeout(SETTLE_MS)
        return opened

    yield opener
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def built_maps(tmp_path_factory) -> Path:
    """The maps of the real geodata, built once into a temporary folder."""
    from heritage_mapper import load_geodata
    from heritage_mapper.render import build_maps

    out = tmp_path_factory.mktemp("maps")
    build_maps(load_geodata(GEODATA), out)
    return out


def copy_geodata(source: Path, target: Path) -> Path:
    """Copy a geodata folder with its source texts copied into ``sources/`` inside it.

    A ``sources_dir`` outside the folder is not read (README "Security"), so the copy
    brings the texts in, and the citations are checked as in the real build.
    """
    import json

    shutil.copytree(source, target)
    project_file = target / "project.json"
    project = json.loads(project_file.read_text(encoding="utf-8"))
    if project.get("sources_dir"):
        shutil.copytree((source / project["sources_dir"]).resolve(), target / "sources")
        project["sources_dir"] = "sources"
    project_file.write_text(json.dumps(project, ensure_ascii=False, indent=2), encoding="utf-8")
    return target


# Resolves once the popup has faded in and not moved for STILL_MS (autoPan animates
# the map for 250 ms).
POPUP_SETTLED = """() => new Promise((resolve) => {
  const STILL_MS = 400;
  let last = null;
  let since = performance.now();
  const check = () => {
    const popup = document.querySelector(".leaflet-popup");
    const r = popup && popup.getBoundingClientRect();
    const now = r && getComputedStyle(popup).opacity === "1" ? [r.left, r.top].join() : null;
    if (now !== last) { last = now; since = performance.now(); }
    if (now && performance.now() - since >= STILL_MS) resolve(true);
    else setTimeout(check, 50);
  };
  check();
})"""


def set_language(page, lang: str) -> None:
    """Switch the page to ``lang`` with its language button, and wait until it has."""
    from playwright.sync_api import expect

    page.locator(f".hm-lang-buttons button[data-lang='{lang}']").click()
    expect(page.locator("html")).to_have_attribute("lang", lang)


def wait_for_popup(page) -> None:
    """Wait until a popup is open, faded in and no longer moving (autoPan animates)."""
    page.wait_for_selector(".leaflet-popup-content .hm-popup")
    page.evaluate(POPUP_SETTLED)


def _file_only(route, opened: OpenedPage) -> None:
    url = route.request.url
    if url.startswith("file:"):
        route.continue_()
    else:
        opened.aborted.append(url)
        route.abort()


def _console(message, opened: OpenedPage) -> None:
    if message.type not in ("error", "warning"):
        return
    url = (message.location or {}).get("url", "")
    if url in opened.aborted and "ERR_FAILED" in message.text:
        return  # the request this test aborted on purpose (a basemap tile)
    opened.errors.append(f"console {message.type}: {message.text} ({url})")


def _dialog(dialog, opened: OpenedPage) -> None:
    opened.dialogs.append(f"{dialog.type}: {dialog.message}")
    dialog.dismiss()
