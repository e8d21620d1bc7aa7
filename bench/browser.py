"""First paint and bytes of a page in Chromium on a throttled network (a weak Wi-Fi).

Debian's /usr/bin/chromium driven by Playwright; the network is slowed through the DevTools
protocol (Network.emulateNetworkConditions) to about 400 kbit/s and 400 ms round trip. Every
visit is a fresh browser profile, so nothing comes from the cache.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

from bench.system import tool
from tests.browser.chromium import CHROMIUM_ARGS

KBIT = 1000 / 8  # bytes per second in one kbit/s
PAINT_SCRIPT = """() => {
  const paints = Object.fromEntries(
    performance.getEntriesByType('paint').map(e => [e.name, e.startTime]));
  const nav = performance.getEntriesByType('navigation')[0];
  return {first_paint: paints['first-paint'] ?? null,
          first_contentful_paint: paints['first-contentful-paint'] ?? null,
          load: nav ? nav.loadEventEnd : null};
}"""


@dataclass
class Visit:
    first_paint_ms: float
    first_contentful_paint_ms: float
    load_ms: float
    bytes: int
    resources: dict[str, int] = field(default_factory=dict)  # url -> bytes on the wire


@dataclass
class PageWeight:
    url: str
    visits: list[Visit]

    @property
    def first_paint_ms(self) -> float:
        return statistics.median(v.first_paint_ms for v in self.visits)

    @property
    def first_contentful_paint_ms(self) -> float:
        return statistics.median(v.first_contentful_paint_ms for v in self.visits)

    @property
    def bytes(self) -> int:
        return int(statistics.median(v.bytes for v in self.visits))

    @property
    def resources(self) -> dict[str, int]:
        return self.visits[-1].resources


def measure(
    url: str,
    cookies: dict[str, str],
    visits: int = 3,
    kbit_per_s: int = 400,
    round_trip_ms: int = 400,
) -> PageWeight:
    """Open `url` signed in (the cookies) several times on a slow network; paint and bytes."""
    from playwright.sync_api import sync_playwright

    results = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=tool("chromium"), args=CHROMIUM_ARGS, headless=True
        )
        try:
            for _ in range(visits):
                results.append(_visit(browser, url, cookies, kbit_per_s * KBIT, round_trip_ms))
        finally:
            browser.close()
    return PageWeight(url, results)


def _visit(browser, url: str, cookies: dict[str, str], rate: float, rtt: int) -> Visit:  # type: ignore[no-untyped-def]
    context = browser.new_context()
    try:
        context.add_cookies([{"name": k, "value": v, "url": url} for k, v in cookies.items()])
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        urls: dict[str, str] = {}
        sizes: dict[str, int] = {}
        cdp.on(
            "Network.requestWillBeSent",
            lambda e: urls.__setitem__(e["requestId"], e["request"]["url"]),
        )
        cdp.on(
            "Network.loadingFinished",
            lambda e: sizes.__setitem__(e["requestId"], int(e["encodedDataLength"])),
        )
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        cdp.send(
            "Network.emulateNetworkConditions",
            {
                "offline": False,
                "latency": rtt,
                "downloadThroughput": rate,
                "uploadThroughput": rate,
            },
        )
        response = page.goto(url, wait_until="load", timeout=60_000)
        if response is None or response.status != 200:
            raise RuntimeError(f"{url}: HTTP {response.status if response else 'none'}")
        page.wait_for_timeout(300)  # let the last loadingFinished events arrive
        timing = page.evaluate(PAINT_SCRIPT)
        resources = {urls.get(rid, rid): size for rid, size in sizes.items()}
        return Visit(
            first_paint_ms=float(timing["first_paint"] or 0),
            first_contentful_paint_ms=float(timing["first_contentful_paint"] or 0),
            load_ms=float(timing["load"] or 0),
            bytes=sum(resources.values()),
            resources=resources,
        )
    finally:
        context.close()
