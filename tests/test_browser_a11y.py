"""axe-core on every page, in both languages, on a desktop and a phone, in three states:
as opened, with a popup open, and with the region timeline open.

axe-core is vendored in ``tests/vendor/axe-core`` (see its README.md) and injected into
the page opened from disk, so the check runs offline. The rules are those tagged for
WCAG 2.0, 2.1 and 2.2 levels A and AA.
"""

# The browser fixtures are imported from browser_support and used as arguments.
# ruff: noqa: F401, F811

from __future__ import annotations

from pathlib import Path

import pytest

from heritage_mapper.model import INDEX_PAGE, PAGE_SUFFIX, read_project

from .browser_support import (
    DESKTOP,
    GEODATA,
    PHONE,
    browser,
    built_maps,
    open_page,
    wait_for_popup,
)

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
LANGUAGES = ("vi", "en")
VIEWPORTS = {"desktop": DESKTOP, "phone": PHONE}
PAGES = [INDEX_PAGE] + [spec.id + PAGE_SUFFIX for spec in read_project(GEODATA).layers]

# Findings axe may skip, each (rule, a piece of the node's selector): none. (While issue
# 12 was built in parts, the year sliders, the legend's checkboxes and overlapping
# markers were listed here; all three are fixed.)
PENDING_ELSEWHERE: set[tuple[str, str]] = set()

RUN_AXE = """(tags) => axe.run(document, { runOnly: { type: "tag", values: tags } })
  .then((result) => result.violations.flatMap((v) => v.nodes.map((node) => ({
    rule: v.id, target: node.target.join(" "), summary: node.failureSummary,
  }))))"""


def violations(page) -> list[str]:
    found = page.evaluate(RUN_AXE, AXE_TAGS)
    return [
        f"{v['rule']} {v['target']}: {v['summary']}"
        for v in found
        if not any(v["rule"] == rule and at in v["target"] for rule, at in PENDING_ELSEWHERE)
    ]


def states(page):
    """Yield the name of each state once the page is in it."""
    yield "as opened"
    page.locator(".hm-site-button").first.click()
    wait_for_popup(page)
    yield "with a popup open"
    page.evaluate("() => { HeritageMapper.map.closePopup(); }")  # no value back: not the map
    page.locator(".leaflet-popup").wait_for(state="detached")  # faded out
    toggle = page.locator("#hm-region-toggle")
    toggle.scroll_into_view_if_needed()
    toggle.click()
    page.locator("#hm-region-events li").first.wait_for()
    yield "with the region timeline open"
    toggle.click()


@pytest.mark.parametrize("viewport", VIEWPORTS.values(), ids=VIEWPORTS.keys())
@pytest.mark.parametrize("name", PAGES)
def test_axe_finds_no_wcag_violation(built_maps, open_page, name, viewport):
    opened = open_page(built_maps / name, viewport)
    page = opened.page
    page.add_script_tag(path=str(AXE))
    found = {}
    for lang in LANGUAGES:
        page.locator(f".hm-lang-buttons button[data-lang='{lang}']").click()
        for state in states(page):
            problems = violations(page)
            if problems:
                found[f"{lang}, {state}"] = problems
    assert found == {}
    assert opened.errors == []


def test_axe_is_the_vendored_release():
    head = AXE.read_text(encoding="utf-8")[:40]
    assert head.startswith("/*! axe v4.14.1"), head


# ---------- the focus ring stands out from what it is drawn on ----------

# For each focusable control named here (those present on the page): its focus ring's
# colour, width and the colours it is drawn against, worked out as the browser paints
# them. A ring drawn outside the element (outline-offset >= 0) lies on what is behind
# the element: the nearest backgrounds of its ancestors, blended; where that is the
# map, on the sea (the container's background) and the land (drawn on a canvas,
# --hm-land). A ring drawn inside (a negative offset) lies on the element's own
# background.
FOCUS_TARGETS = [
    "#hm-nav a",
    ".hm-lang-buttons button[aria-pressed='true']",
    ".hm-lang-buttons button[aria-pressed='false']",
    "#hm-search",
    ".hm-era",
    ".hm-site-button",
    "#hm-region-toggle",
    ".leaflet-control-zoom-in",
    ".hm-legend input[type='checkbox']",
    ".hm-marker",
    ".hm-popup h2",
]
FOCUS_RINGS = """(selectors) => {
  const rgba = (text) => {
    const m = text.match(/rgba?\\(([^)]+)\\)/);
    const [r, g, b, a] = m[1].split(",").map((v) => parseFloat(v));
    return [r, g, b, a === undefined ? 1 : a];
  };
  const over = (top, under) =>
    top.slice(0, 3).map((c, i) => c * top[3] + under[i] * (1 - top[3])).concat(1);
  let opaque = null; // the node whose background is the last one behind() met
  const behind = (node) => {
    const layers = [];
    opaque = null;
    for (let n = node; n; n = n.parentElement) {
      const c = rgba(getComputedStyle(n).backgroundColor);
      if (c[3] > 0) layers.push(c);
      if (c[3] === 1) { opaque = n; break; }
    }
    return layers.reduceRight((under, top) => over(top, under), [255, 255, 255, 1]);
  };
  const root = getComputedStyle(document.documentElement);
  const probe = document.createElement("i");
  document.body.appendChild(probe);
  probe.style.color = root.getPropertyValue("--hm-land");
  const landColor = rgba(getComputedStyle(probe).color);
  probe.remove();
  const out = [];
  selectors.forEach((selector) => {
    const node = Array.from(document.querySelectorAll(selector)).find((n) => {
      const r = n.getBoundingClientRect();
      return r.width > 0 && r.height > 0;
    });
    if (!node) return;
    node.focus({ focusVisible: true });
    if (document.activeElement !== node) return;
    const style = getComputedStyle(node);
    const offset = parseFloat(style.outlineOffset);
    const grounds = offset < 0 ? [behind(node)] : [behind(node.parentElement)];
    if (opaque && opaque.classList.contains("leaflet-container")) grounds.push(landColor);
    out.push({ selector, style: style.outlineStyle, width: parseFloat(style.outlineWidth),
               ring: rgba(style.outlineColor), grounds });
    node.blur();
  });
  return out;
}"""


def luminance(rgb) -> float:
    def channel(c):
        c = c / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize("viewport", VIEWPORTS.values(), ids=VIEWPORTS.keys())
def test_the_focus_ring_contrasts_3_to_1_with_what_it_is_drawn_on(built_maps, open_page, viewport):
    """WCAG 2.2 (1.4.11 non-text contrast, 2.4.13 focus appearance): a keyboard user
    must see where the focus is, on the dark header, the pale panels and the map."""
    page = open_page(built_maps / INDEX_PAGE, viewport).page
    page.locator(".hm-marker").first.click()
    wait_for_popup(page)
    rings = page.evaluate(FOCUS_RINGS, FOCUS_TARGETS)
    seen = {ring["selector"] for ring in rings}
    # the header, the panel, the map and its controls are all among them
    assert {"#hm-nav a", "#hm-search", ".hm-site-button", ".hm-marker"} <= seen
    assert ".leaflet-control-zoom-in" in seen and ".hm-popup h2" in seen
    weak = []
    for ring in rings:
        assert ring["style"] != "none" and ring["width"] >= 2, ring
        for ground in ring["grounds"]:
            ratio = contrast(ring["ring"], ground)
            if ratio < 3:
                weak.append(f"{ring['selector']}: {ratio:.2f}:1 against rgb{tuple(ground[:3])}")
    assert weak == [], "\n".join(weak)
