"""A short maintenance (a restore): writes are refused with a kind page, reading goes on.

`flask restore` puts a flag file in the instance folder while it works. Every app process
checks it for requests that change things: before the work (nothing is done) and again after
it, before the answer goes out, so a change is never acknowledged once a restore has begun:
whatever a learner was told is saved stays saved. Pages that only read are served as usual.
If a restore was cut off (the machine lost power), remove the file by hand: `instance/maintenance`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask, Response, current_app, request

from learnapp.db import READING_METHODS

FLAG_NAME = "maintenance"
PageMaker = Callable[[int, str], Response]


def flag_path(app: Flask) -> Path:
    """Where the flag lives: MAINTENANCE_FLAG, else `maintenance` in the instance folder."""
    configured = app.config.get("MAINTENANCE_FLAG")
    return Path(configured) if configured else Path(app.instance_path) / FLAG_NAME


def under_maintenance(app: Flask) -> bool:
    return os.path.exists(flag_path(app))  # one stat() per write request


@contextmanager
def writes_paused(app: Flask, why: str) -> Iterator[Path]:
    """Hold the flag for the duration of the block; it is removed even if the block fails."""
    path = flag_path(app)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(f"{why} (process {os.getpid()})\n")
    try:
        yield path
    finally:
        path.unlink(missing_ok=True)


def init_app(app: Flask, page: PageMaker) -> None:
    def refuse_writes() -> Response | None:
        if request.method not in READING_METHODS and under_maintenance(current_app):
            return page(503, "maintenance")
        return None

    def withhold_acknowledgement(response: Response) -> Response:
        # The change may have been made just before the restore took the database over:
        # do not tell the learner it is saved (the page asks them to try again shortly).
        if (
            request.method not in READING_METHODS
            and response.status_code < 400
            and under_maintenance(current_app)
        ):
            return page(503, "maintenance")
        return response

    app.before_request(refuse_writes)
    app.after_request(withhold_acknowledgement)
