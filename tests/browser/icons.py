"""Draw the home-screen icons (static/icons/*.png) from static/icons/app-icon.svg.

`make icons` runs this after the SVG changed; the PNGs are committed. Chromium draws them, so
no image library is needed. The motif stays inside the middle 80 %, the safe zone of a
"maskable" icon that Android may cut to a circle.
"""

from __future__ import annotations

from pathlib import Path

from learnapp.paths import STATIC_DIR
from tests.browser.chromium import CHROMIUM_ARGS, find_chromium

ICONS = STATIC_DIR / "icons"
SIZES = {"icon-192.png": 192, "icon-512.png": 512, "apple-touch-icon.png": 180}


def draw(folder: Path = ICONS) -> list[Path]:
    from playwright.sync_api import sync_playwright

    svg = (folder / "app-icon.svg").read_text(encoding="utf-8")
    written = []
    with sync_playwright() as playwright:
        chromium = find_chromium()
        if chromium is None:
            raise SystemExit("No Chromium found (install Debian's chromium package).")
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        for name, size in SIZES.items():
            page = browser.new_page(viewport={"width": size, "height": size})
            page.set_content(
                "<style>html,body{margin:0}svg{display:block;width:100vw;height:100vh}</style>"
                + svg
            )
            path = folder / name
            page.screenshot(path=str(path), omit_background=False)
            written.append(path)
        browser.close()
    return written


if __name__ == "__main__":
    for path in draw():
        print(f"wrote {path}")
