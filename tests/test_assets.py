"""Static files: fingerprinted addresses, pre-compressed copies, one-year immutable caching."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import brotli
import pytest
from flask import Flask, render_template_string

from learnapp import assets, create_app
from learnapp.paths import STATIC_DIR

STATIC_LINK = re.compile(r'(?:href|src)="(/static/[^"]+)"')
YEAR = "public, max-age=31536000, immutable"


@pytest.fixture
def assets_app(tmp_path: Path) -> Flask:
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'assets.db'}",
            "ASSETS_DIR": str(tmp_path / "build"),
        }
    )


def _fetch(client, path: str, **kwargs):  # type: ignore[no-untyped-def]
    """GET and read the whole body, so the file behind the response is closed."""
    with client.get(path, **kwargs) as response:
        response.get_data()
        return response


def test_pages_link_fingerprinted_files_that_exist(assets_app: Flask) -> None:
    client = assets_app.test_client()
    links = STATIC_LINK.findall(client.get("/login").get_data(as_text=True))
    assert any(link.endswith(".css") for link in links)
    for link in links:
        assert re.search(r"\.[0-9a-f]{12}\.\w+$", link), link
        response = _fetch(client, link)
        original = STATIC_DIR / re.sub(r"\.[0-9a-f]{12}(\.\w+)$", r"\1", link[len("/static/") :])
        assert response.status_code == 200
        assert response.data == original.read_bytes()
        assert response.headers["Cache-Control"] == YEAR


def test_url_for_static_is_fingerprinted_everywhere(assets_app: Flask) -> None:
    with assets_app.test_request_context():
        url = render_template_string("{{ url_for('static', filename='js/read-aloud.js') }}")
        helper = render_template_string("{{ asset_url('js/read-aloud.js') }}")
    assert url == helper
    assert re.fullmatch(r"/static/js/read-aloud\.[0-9a-f]{12}\.js", url)


@pytest.mark.parametrize(
    ("accept", "encoding", "decode"),
    [
        ("br, gzip", "br", brotli.decompress),
        ("gzip, deflate", "gzip", gzip.decompress),
        ("identity", None, lambda data: data),
    ],
)
def test_precompressed_copy_chosen_by_accept_encoding(assets_app, accept, encoding, decode) -> None:
    with assets_app.test_request_context():
        url = assets.asset_url("css/app.css")
    response = _fetch(assets_app.test_client(), url, headers={"Accept-Encoding": accept})
    assert response.status_code == 200
    assert response.headers.get("Content-Encoding") == encoding
    assert "Accept-Encoding" in response.headers["Vary"]
    assert response.headers["Content-Type"].startswith("text/css")
    assert decode(response.data) == (STATIC_DIR / "css" / "app.css").read_bytes()
    assert response.headers["Cache-Control"] == YEAR


def test_plain_names_are_revalidated_and_nothing_escapes_the_folder(assets_app: Flask) -> None:
    client = assets_app.test_client()
    plain = _fetch(client, "/static/css/app.css")
    assert plain.status_code == 200
    assert plain.headers["Cache-Control"] == "no-cache"
    again = _fetch(client, "/static/css/app.css", headers={"If-None-Match": plain.headers["ETag"]})
    assert again.status_code == 304
    for path in ("/static/../learnapp/config.py", "/static/manifest.json", "/static/nope.css"):
        assert _fetch(client, path).status_code == 404, path


def test_build_is_idempotent_and_content_addressed(tmp_path: Path) -> None:
    source, folder = tmp_path / "static", tmp_path / "build"
    (source / "css").mkdir(parents=True)
    (source / "css" / "site.css").write_text("body { color: black; }\n" * 50, encoding="utf-8")
    first = assets.build(source, folder)
    hashed = folder / first["css/site.css"]
    assert hashed.exists() and Path(f"{hashed}.gz").exists() and Path(f"{hashed}.br").exists()
    stamp = hashed.stat().st_mtime_ns
    assert assets.build(source, folder) == first
    assert hashed.stat().st_mtime_ns == stamp  # nothing rewritten

    (source / "css" / "site.css").write_text("body { color: navy; }\n" * 50, encoding="utf-8")
    second = assets.build(source, folder)
    assert second["css/site.css"] != first["css/site.css"]
    assert (
        (folder / "css" / "site.css").read_text(encoding="utf-8").startswith("body { color: navy")
    )


def test_flask_assets_build_command(assets_app: Flask, tmp_path: Path) -> None:
    result = assets_app.test_cli_runner().invoke(args=["assets", "build"])
    assert result.exit_code == 0, result.output
    assert "static files built" in result.output
    assert (tmp_path / "build" / "manifest.json").is_file()


def test_unusable_build_folder_falls_back_to_plain_static_files(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'assets.db'}",
            "ASSETS_DIR": str(blocker / "build"),
        }
    )
    client = app.test_client()
    links = STATIC_LINK.findall(client.get("/login").get_data(as_text=True))
    assert "/static/css/app.css" in links
    assert _fetch(client, "/static/css/app.css").status_code == 200
