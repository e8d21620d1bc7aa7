"""What the browser tests measure in a page: axe-core, touch targets, text size, reflow, lines."""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import Page

MEASURE_JS = (Path(__file__).parent / "measure.js").read_text(encoding="utf-8")
# WCAG 2.0, 2.1 and 2.2, levels A and AA, plus the enhanced (7:1) contrast rule of AAA.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
AXE_EXTRA_RULES = ["color-contrast-enhanced"]
# A display setting changes only the classes on <html>, never the DOM: after the full run at
# default settings, these are the rules whose outcome can change with colours and sizes.
STYLE_RULES = [
    "color-contrast",
    "color-contrast-enhanced",
    "link-in-text-block",
    "p-as-heading",
    "scrollable-region-focusable",
    "target-size",
]
MAX_LINE_CHARACTERS = 75
# Fewer characters a line than this is a squeezed layout (a letter-per-line column), which
# axe-core does not see.
MIN_LINE_CHARACTERS = 8
# Viewports: tablet portrait and landscape, a phone, and the 320 px of WCAG's reflow rule.
VIEWPORTS = {
    "tablet portrait": {"width": 810, "height": 1080},
    "tablet landscape": {"width": 1080, "height": 810},
    "phone": {"width": 360, "height": 740},
    "320 px": {"width": 320, "height": 740},
}


def axe_source() -> str:
    """axe-core as shipped inside the axe-playwright-python package: nothing is fetched."""
    spec = importlib.util.find_spec("axe_playwright_python")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("axe-playwright-python is not installed (pip install -e '.[test]')")
    folder = Path(next(iter(spec.submodule_search_locations)))
    return (folder / "axe.min.js").read_text(encoding="utf-8")


_AXE: list[str] = []


def _ensure(page: Page, name: str, source: str) -> None:
    if not page.evaluate(f"typeof window.{name} !== 'undefined'"):
        page.evaluate(source)


def measure(page: Page, what: str, *args: Any) -> Any:
    """Call one of the functions of measure.js in the page."""
    _ensure(page, "__measure", MEASURE_JS)
    return page.evaluate(f"(args) => window.__measure.{what}(...args)", list(args))


@dataclass(frozen=True)
class Violation:
    rule: str
    impact: str
    help: str
    nodes: list[str]

    def __str__(self) -> str:
        where = "\n      ".join(self.nodes[:5])
        return f"{self.rule} ({self.impact}): {self.help}\n      {where}"


def axe_violations(page: Page, only: list[str] | None = None) -> list[Violation]:
    """Run axe-core on the page: WCAG 2.x A/AA rules and enhanced contrast, or `only` these."""
    if not _AXE:
        _AXE.append(axe_source())
    _ensure(page, "axe", _AXE[0])
    found = page.evaluate(
        """async ([tags, extra, only]) => {
            const rules = only || axe.getRules(tags).map((rule) => rule.ruleId).concat(extra);
            const result = await axe.run(document, {
                runOnly: { type: "rule", values: rules },
                resultTypes: ["violations"],
            });
            return result.violations.map((v) => ({
                rule: v.id, impact: v.impact || "", help: v.help,
                nodes: v.nodes.map((n) => n.target.join(" ") + " :: " +
                    (n.failureSummary || "").replace(/\\s+/g, " ")),
            }));
        }""",
        [AXE_TAGS, AXE_EXTRA_RULES, only],
    )
    return [Violation(**item) for item in found]


def narrow_text(page: Page, minimum: int = MIN_LINE_CHARACTERS) -> list[str]:
    """Text blocks (p, label, td/th, li, button, dt/dd, h1–h4, a in nav) laid out narrower
    than `minimum` characters a line at the page's current size and settings."""
    found = measure(page, "narrowText", minimum)
    assert found["counted"] > 0, "no text block was measured"
    return list(found["narrow"])


def broken_images(page: Page) -> list[str]:
    """Addresses of the page's images that did not load (naturalWidth 0), SVG included."""
    return list(measure(page, "brokenImages")["broken"])
