"""axe-core (vendored, ``tests/vendor/axe-core``) run inside a page opened by Playwright.

``axe_violations(page)`` injects axe once and returns the violations of the WCAG 2.0,
2.1 and 2.2 A/AA rules (the tags below), each as ``(rule id, impact, [targets])``, so a
failing assertion names the rule and the elements.
"""

from __future__ import annotations

from pathlib import Path

AXE_JS = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def axe_violations(page, include: list[str] | None = None) -> list[tuple]:
    """The axe violations on ``page`` (or inside the ``include`` selectors)."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.add_script_tag(path=str(AXE_JS))
    context = {"include": [[s] for s in include]} if include else None
    result = page.evaluate(
        "([context, tags]) => axe.run(context || document,"
        " {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        [context, WCAG_TAGS],
    )
    return [
        (v["id"], v["impact"], [", ".join(n["target"]) for n in v["nodes"]][:8])
        for v in result["violations"]
    ]
