"""The app can be put on a tablet's home screen: Chromium's own installability check passes."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("path", ["/login", "/login?lang=en"])
def test_chromium_finds_the_app_installable(browsing, path):
    visit = browsing.open(None, fresh=True)
    page = visit.page
    page.goto(path)
    page.wait_for_load_state("networkidle")
    devtools = page.context.new_cdp_session(page)
    manifest = devtools.send("Page.getAppManifest")
    assert manifest["url"].endswith(".webmanifest")
    assert manifest["errors"] == []
    # Chromium fetches the manifest's icons and checks name, start URL, display and icon sizes.
    # Playwright's contexts are incognito windows, where Chromium never offers to install: that
    # one error is about the test's browser, not the app.
    errors = devtools.send("Page.getInstallabilityErrors")["installabilityErrors"]
    assert [e for e in errors if e["errorId"] != "in-incognito"] == []
    assert not visit.errors and not visit.offsite
