"""Markdown course content: parse, validate, render, sanitise, cache."""

from __future__ import annotations

import threading
from pathlib import Path

from flask import Flask, current_app

from learnapp.content import reload
from learnapp.content.cache import FILE_NAME as CACHE_FILE_NAME
from learnapp.content.cache import load_cached
from learnapp.content.library import Library, file_signature, load_library
from learnapp.content.yaml_lines import precise_parsing
from learnapp.paths import CONTENT_DIR

EXTENSION_KEY = "learnapp_content"
RELOAD_KEY = "learnapp_content_reload"
_reload_lock = threading.Lock()


def content_root(app: Flask) -> Path:
    configured = app.config.get("CONTENT_DIR")
    return Path(configured) if configured else CONTENT_DIR


def cache_file(app: Flask) -> Path | None:
    """Where the parsed courses are kept between starts; None when switched off."""
    configured = app.config.get("CONTENT_CACHE_FILE") or ""
    if configured == "off":
        return None
    return Path(configured) if configured else Path(app.instance_path) / CACHE_FILE_NAME


def init_app(app: Flask) -> None:
    """Read the served languages' courses at start (parsed, or kept from the last start when
    nothing changed); problems are logged, never fatal."""
    app.extensions[EXTENSION_KEY] = load_cached(
        content_root(app),
        app.config["BABEL_DEFAULT_LOCALE"],
        app.config["LANGUAGES"],
        cache_file(app),
    )
    app.extensions[RELOAD_KEY] = reload.new_state(app)


def library_to_check(app: Flask) -> Library:
    """What `flask courses check` checks: the folder read anew, every language folder in it
    (served or still being written), every file through the pure-Python YAML parser, whose
    error marks are the lines an author has to fix."""
    with precise_parsing():
        return load_library(content_root(app), app.config["BABEL_DEFAULT_LOCALE"])


def get_library() -> Library:
    """The current library, re-read when an author saved a file.

    While authors write (auto-reload), at every change, broken files showing their problems;
    in production at most once per CONTENT_RELOAD_SECONDS or after `flask courses reload`,
    a broken file keeping its lesson's last good version (learnapp/content/reload.py).
    """
    app = current_app
    library: Library = app.extensions[EXTENSION_KEY]
    if app.config["CONTENT_AUTO_RELOAD"]:
        if file_signature(library.root, library.languages) != library.signature:
            library = _reload(app, library, keep_good=False)
    elif reload.should_reload(app, app.extensions[RELOAD_KEY], library):
        library = _reload(app, library, keep_good=True)
    return library


def _reload(app: Flask, previous: Library, keep_good: bool) -> Library:
    with _reload_lock:
        if app.extensions[EXTENSION_KEY] is not previous:  # another thread was first
            current: Library = app.extensions[EXTENSION_KEY]
            return current
        library = load_library(previous.root, previous.default_lang, previous.languages)
        if keep_good:
            library = reload.keep_last_good(previous, library)
        library.last_known_path = {**previous.last_known_path, **library.last_known_path}
        app.extensions[EXTENSION_KEY] = library  # one assignment: the whole library at once
    return library
