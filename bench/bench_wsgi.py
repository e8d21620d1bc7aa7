"""What the benchmark serves: the production app, plus a bare Flask route beside it.

`/bench/bare` is answered by a separate, empty Flask app in the same process, returning the
saved bytes of the signed-in lesson page from memory: the ceiling the real lesson page is
compared with under the same gunicorn settings. It exists only here, never in production.

Settings come from the JSON file named by BENCH_APP_CONFIG (written by bench.run), passed to
create_app() whole, so the developer's instance/config.py and database are never read.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from flask import Flask, Response

from learnapp import create_app

BARE_PATH = "/bench/bare"
_config_file = Path(os.environ.get("BENCH_APP_CONFIG", "bench/data/app_config.json"))
_settings = json.loads(_config_file.read_text(encoding="utf-8"))
_bare_file = Path(_settings.pop("BENCH_BARE_FILE"))

application = create_app(_settings)
bare = Flask("bare")
_bare_bytes: list[bytes] = []


@bare.get(BARE_PATH)
def bare_page() -> Response:
    """The lesson page's bytes, read once, then served from memory."""
    if not _bare_bytes:
        _bare_bytes.append(_bare_file.read_bytes())
    return Response(_bare_bytes[0], mimetype="text/html")


def app(environ, start_response):  # type: ignore[no-untyped-def]
    """Route /bench/bare to the bare app, everything else to DigiTandem."""
    if environ.get("PATH_INFO") == BARE_PATH:
        return bare.wsgi_app(environ, start_response)
    return application.wsgi_app(environ, start_response)


app.flask_app = application  # type: ignore[attr-defined]  # for gunicorn.conf.py's post_fork
