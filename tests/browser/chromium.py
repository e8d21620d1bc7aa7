"""Which Chromium to drive and how: Debian's browser, never a downloaded one, kept offline."""

from __future__ import annotations

import os
import shutil

CHROMIUM_ENV = "LEARNAPP_CHROMIUM"
DEFAULT_CHROMIUM = "/usr/bin/chromium"
# As root in a sandbox, with no network but 127.0.0.1: no sandbox, GPU or background traffic.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def find_chromium() -> str | None:
    """The browser from $LEARNAPP_CHROMIUM, else Debian's /usr/bin/chromium; never a download."""
    candidate = os.environ.get(CHROMIUM_ENV) or DEFAULT_CHROMIUM
    if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
        return candidate
    return shutil.which(candidate) if os.sep not in candidate else None
