"""The deployment files say what the fault handling relies on."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from learnapp.paths import PROJECT_ROOT

DEPLOY = PROJECT_ROOT / "docs" / "deploy"
UNAVAILABLE = PROJECT_ROOT / "static" / "errors" / "unavailable.html"


class Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.langs: list[str] = []
        self.sources: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("lang"):
            self.langs.append(str(found["lang"]))
        for name in ("src", "href"):
            if name in found:
                self.sources.append(str(found[name] or ""))


def test_nginx_answers_502_503_504_with_the_shipped_page() -> None:
    conf = (DEPLOY / "nginx-digitandem.conf").read_text()
    assert re.search(r"error_page 502 503 504 /unavailable\.html;", conf)
    root = re.search(r"location = /unavailable\.html \{\s*root ([^;]+);\s*internal;", conf)
    assert root, "the page is served by nginx itself, from the shipped static folder"
    assert root.group(1) == "/srv/digitandem/static/errors"
    assert "proxy_intercept_errors on" not in conf  # the app's own pages pass through


def test_the_unavailable_page_is_kind_in_german_and_english_and_stands_alone() -> None:
    html = UNAVAILABLE.read_text(encoding="utf-8")
    page = Page()
    page.feed(html)
    assert page.langs == ["de", "en"]
    assert "Es liegt nicht an Ihnen" in html and "It is not your fault" in html
    assert page.sources == ["", ""]  # nothing to load from a server that is down: reloads
    assert "min-height: 44px" in html


def test_systemd_supervises_the_master_and_its_workers() -> None:
    unit = (DEPLOY / "digitandem.service").read_text()
    assert "KillMode=mixed" in unit
    assert "Restart=always" in unit
    assert "Type=notify" in unit
