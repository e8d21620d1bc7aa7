"""Static files: fingerprinted names, compressed once, kept by browsers for a year.

Every file in static/ is copied into the build folder (ASSETS_DIR) twice: under its own name
and under a name with a hash of its content (`css/app.3f2a9c1e4b7d.css`), each with `.gz` and
`.br` copies beside it, plus `manifest.json` mapping one name to the other. The build runs at
start (nothing is rewritten when nothing changed) and with `flask assets build`.

`url_for('static', filename='css/app.css')` and `asset_url('css/app.css')` in templates give
the fingerprinted address, so a browser keeps the file for a year and fetches it again only
when its content, and so its name, changes. nginx serves the build folder itself
(docs/deploy/nginx.conf); without nginx the app's static view does the same: it sends the
`.br` or `.gz` copy the browser accepts and never compresses anything per request.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import mimetypes
import os
from dataclasses import dataclass, field
from pathlib import Path

import click
from flask import Flask, Response, abort, current_app, request, send_file, url_for
from flask.cli import AppGroup
from werkzeug.security import safe_join

from learnapp.lru import LruCache

try:  # optional: without it, browsers get the .gz copies
    import brotli
except ImportError:  # pragma: no cover - brotli is a dependency; this keeps start-up safe
    brotli = None

log = logging.getLogger(__name__)
EXTENSION_KEY = "learnapp_assets"
ASSET_URLS_KEY = "learnapp_asset_urls"  # (script root, file) -> fingerprinted address
MANIFEST = "manifest.json"
HASH_LENGTH = 12
IMMUTABLE = "public, max-age=31536000, immutable"
COMPRESSIBLE = frozenset({".css", ".js", ".svg", ".json", ".txt", ".html", ".xml", ".map"})
ENCODINGS = (("br", ".br"), ("gzip", ".gz"))  # preferred first

assets_cli = AppGroup("assets", help="Static files: fingerprint and compress.")


@dataclass
class Assets:
    """The build folder and its manifest: original name -> fingerprinted name."""

    folder: Path | None
    manifest: dict[str, str] = field(default_factory=dict)
    fingerprinted: frozenset[str] = frozenset()

    def url_name(self, filename: str) -> str:
        return self.manifest.get(filename, filename)


def fingerprinted_name(relative: str, content: bytes) -> str:
    """`css/app.css` -> `css/app.<first 12 hex digits of its SHA-256>.css`."""
    digest = hashlib.sha256(content).hexdigest()[:HASH_LENGTH]
    stem, dot, suffix = relative.rpartition(".")
    return f"{stem}.{digest}.{suffix}" if dot and "/" not in suffix else f"{relative}.{digest}"


def _write_atomically(target: Path, content: bytes) -> None:
    """Write beside the target, then rename: a reader never sees half a file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    temporary.write_bytes(content)
    os.replace(temporary, target)


def _compressed(content: bytes) -> dict[str, bytes]:
    variants = {".gz": gzip.compress(content, compresslevel=9, mtime=0)}
    if brotli is not None:
        variants[".br"] = brotli.compress(content, quality=11)
    # A copy that is not smaller is useless: the browser gets the original instead.
    return {suffix: data for suffix, data in variants.items() if len(data) < len(content)}


def _emit(target: Path, content: bytes, compress: bool, immutable_name: bool) -> None:
    """Write a file and its compressed copies unless they are there already."""
    if immutable_name and target.exists():
        return  # the name is the content, and the copies were written before it
    if not immutable_name and target.exists() and target.read_bytes() == content:
        return
    stale = {suffix for _, suffix in ENCODINGS}
    if compress:
        for suffix, data in _compressed(content).items():
            _write_atomically(target.with_name(target.name + suffix), data)
            stale.discard(suffix)
    for suffix in stale:  # e.g. a file that no longer compresses well
        target.with_name(target.name + suffix).unlink(missing_ok=True)
    _write_atomically(target, content)  # last: its presence means the copies are there


def build(source: Path, folder: Path) -> dict[str, str]:
    """Copy, fingerprint and compress every file of `source` into `folder`; the manifest."""
    manifest: dict[str, str] = {}
    for path in sorted(p for p in source.rglob("*") if p.is_file()):
        relative = path.relative_to(source).as_posix()
        if any(part.startswith(".") for part in path.relative_to(source).parts):
            continue
        content = path.read_bytes()
        hashed = fingerprinted_name(relative, content)
        compress = path.suffix.lower() in COMPRESSIBLE
        _emit(folder / relative, content, compress, immutable_name=False)
        _emit(folder / hashed, content, compress, immutable_name=True)
        manifest[relative] = hashed
    encoded = json.dumps(manifest, indent=1, sort_keys=True).encode("utf-8")
    manifest_file = folder / MANIFEST
    if not manifest_file.exists() or manifest_file.read_bytes() != encoded:
        _write_atomically(manifest_file, encoded)
    return manifest


def build_folder(app: Flask) -> Path:
    configured = app.config.get("ASSETS_DIR")
    return Path(configured) if configured else Path(app.instance_path) / "static-build"


def _load(app: Flask) -> Assets:
    folder = build_folder(app)
    source = Path(app.static_folder or "")
    try:
        if app.config.get("ASSETS_BUILD_AT_START", True):
            manifest = build(source, folder)
        else:
            manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        # A read-only or broken build folder must not stop the app: plain static files then.
        log.exception("static files could not be built in %s; serving them unfingerprinted", folder)
        return Assets(folder=None)
    return Assets(folder, manifest, frozenset(manifest.values()))


def get_assets() -> Assets:
    return current_app.extensions[EXTENSION_KEY]


def asset_url(filename: str) -> str:
    """The address of a static file, fingerprinted (for templates: asset_url('css/app.css')).

    Kept per app, script root and file: the fingerprints are fixed while the app runs, and
    building the address anew cost more than anything else in a lesson page's head.
    """
    key = (request.script_root, filename)
    urls: LruCache[tuple[str, str], str] = current_app.extensions[ASSET_URLS_KEY]
    url = urls.get(key)
    if url is None:
        url = url_for("static", filename=get_assets().url_name(filename))
        urls.put(key, url)
    return url


def _fingerprint_static_urls(endpoint: str, values: dict) -> None:
    """url_for('static', filename=...) anywhere gives the fingerprinted address too."""
    if endpoint == "static" and "filename" in values:
        values["filename"] = get_assets().url_name(values["filename"])


def _accepted(encoding: str) -> bool:
    return request.accept_encodings[encoding] > 0


def send_static(filename: str) -> Response:
    """A static file from the build folder: pre-compressed copy if accepted, right caching."""
    assets = get_assets()
    if assets.folder is None:
        return current_app.send_static_file(filename)
    path = safe_join(str(assets.folder), filename)
    if path is None or filename == MANIFEST or not os.path.isfile(path):
        abort(404)
    mimetype = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    chosen, encoding = path, None
    for name, suffix in ENCODINGS:
        if _accepted(name) and os.path.isfile(path + suffix):
            chosen, encoding = path + suffix, name
            break
    response = send_file(chosen, mimetype=mimetype, conditional=True, max_age=0)
    if encoding:
        response.headers["Content-Encoding"] = encoding
    if any(os.path.isfile(path + suffix) for _, suffix in ENCODINGS):
        response.vary.add("Accept-Encoding")
    if filename in assets.fingerprinted:
        response.headers["Cache-Control"] = IMMUTABLE
    else:  # an unfingerprinted name may change its content: ask every time (304 if same)
        response.headers["Cache-Control"] = "no-cache"
    return response


@assets_cli.command("build")
def build_command() -> None:
    """Fingerprint and compress the static files into the build folder (for nginx)."""
    folder = build_folder(current_app)
    manifest = build(Path(current_app.static_folder or ""), folder)
    click.echo(f"{len(manifest)} static files built in {folder}")


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION_KEY] = _load(app)
    # Bounded: the script root comes with the request, so its values are not ours to count.
    app.extensions[ASSET_URLS_KEY] = LruCache[tuple[str, str], str](most=256)
    app.url_defaults(_fingerprint_static_urls)
    app.jinja_env.globals["asset_url"] = asset_url
    if "static" in app.view_functions:
        app.view_functions["static"] = send_static
    app.cli.add_command(assets_cli)
