"""Pages go out gzip-compressed when the browser accepts it: a third of their size on the wire.

A tablet on a centre's weak Wi-Fi waits for every kilobyte. nginx (docs/deploy) compresses too,
but a small centre may serve the app with gunicorn alone. Static files come compressed already
(learnapp/assets.py); this covers the pages. A response that is already encoded, streamed or
sent as a file is left alone, and so is one too small to gain.
"""

from __future__ import annotations

import gzip

from flask import Flask, request
from werkzeug.wrappers import Response

COMPRESSED_TYPES = frozenset({"text/html", "application/json", "text/calendar", "text/csv"})
SMALLEST = 512  # bytes; below this the gzip header costs more than it saves
LEVEL = 5  # as nginx's gzip_comp_level in docs/deploy: most of the gain for little work


def compress_response(response: Response) -> Response:
    if (
        response.mimetype not in COMPRESSED_TYPES
        or response.direct_passthrough
        or response.is_streamed
        or "Content-Encoding" in response.headers
        or not 200 <= response.status_code < 300
    ):
        return response
    response.vary.add("Accept-Encoding")
    if not request.accept_encodings["gzip"]:
        return response
    body = response.get_data()
    if len(body) < SMALLEST:
        return response
    response.set_data(gzip.compress(body, compresslevel=LEVEL, mtime=0))
    response.headers["Content-Encoding"] = "gzip"
    return response


def init_app(app: Flask) -> None:
    """Register before every other after-request function: Flask runs them in reverse order,
    so this one sees the finished page (hyphenated, committed, with its headers)."""
    app.after_request(compress_response)
