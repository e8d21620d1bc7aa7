"""Everything comes from 127.0.0.1, and a lesson page is light enough for a slow connection.

Budgets are bytes on the wire (headers and bodies as sent; static files may come compressed)
for everything the page loads with a cold cache: HTML, CSS, JS, images, icon. The unpacked
size is recorded next to it in tests/browser/screenshots/page-weights.json.
"""

from __future__ import annotations

import json
import re

import pytest

from learnapp.paths import STATIC_DIR, TEMPLATES_DIR
from tests.browser.pages import PICTURE_LESSON, TEXT_LESSON

# The service worker's script and what it fetches as it starts count too (context events).
BUDGETS = {
    # A text lesson within 30 KB: its page compressed (learnapp/compression.py), its styles
    # and scripts pre-compressed; about 25 KB today.
    "text lesson": (TEXT_LESSON, 30_000),
    "lesson with pictures": (PICTURE_LESSON, 100_000),
}
OTHER_HOST = re.compile(r"""(?:https?:)?//(?!127\.0\.0\.1|localhost)[\w.-]+\.[a-z]{2,}""")


@pytest.mark.parametrize("name", list(BUDGETS))
def test_lesson_page_weight_stays_in_budget(browsing, screenshot_dir, name):
    path, budget = BUDGETS[name]
    visit = browsing.open("learner-default", fresh=True)  # a cold cache: everything is fetched
    finished = []
    visit.page.context.on("requestfinished", lambda request: finished.append(request))
    visit.page.goto(path)
    visit.page.wait_for_load_state("networkidle")
    visit.page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    visit.page.wait_for_timeout(500)  # what the worker fetches as it installs
    files = []
    for request in finished:
        sizes = request.sizes()
        response = request.response()
        wire = sizes["responseBodySize"] + sizes["responseHeadersSize"]
        files.append((request.url.removeprefix(visit.base_url), wire, len(response.body())))
    # the page itself and its stylesheet were counted (an empty list weighs nothing)
    assert path in [url for url, _wire, _body in files], files
    assert any(url.endswith(".css") for url, _wire, _body in files), files
    total = sum(wire for _url, wire, _body in files)
    unpacked = sum(body for _url, _wire, body in files)
    lines = [f"{wire:>7} wire {body:>7} unpacked  {url}" for url, wire, body in files]
    weights = screenshot_dir / "page-weights.json"
    known = json.loads(weights.read_text()) if weights.exists() else {}
    known[name] = {"path": path, "wire": total, "unpacked": unpacked, "budget": budget}
    known[name]["files"] = lines
    weights.write_text(json.dumps(known, indent=2))
    assert total <= budget, f"{path} weighs {total} bytes (budget {budget}):\n" + "\n".join(lines)
    assert not visit.offsite


def test_templates_and_static_files_name_no_other_host():
    """No web font, script, style or image from elsewhere can sneak in through a file."""
    found, read = [], []
    for folder, patterns in (
        (TEMPLATES_DIR, ("**/*.html",)),
        (STATIC_DIR, ("**/*.css", "**/*.js", "**/*.svg")),
    ):
        for pattern in patterns:
            for path in folder.glob(pattern):
                read.append(path.suffix)
                text = path.read_text(encoding="utf-8")
                # SVG namespaces are names, not requests.
                text = text.replace("http://www.w3.org/2000/svg", "").replace(
                    "http://www.w3.org/1999/xlink", ""
                )
                found += [f"{path.name}: {m.group(0)}" for m in OTHER_HOST.finditer(text)]
    assert {".html", ".css", ".js", ".svg"} <= set(read), "a kind of file was not read at all"
    assert not found, found
