"""Markdown course content: parse, validate, render, sanitise, cache."""

from __future__ import annotations

import threading
from pathlib import Path

from flask import Flask, current_app

from learnapp.content.library import Library, file_signature, load_library
from learnapp.paths import CONTENT_DIR

EXTENSION_KEY = "learnapp_content"
_reload_lock = threading.Lock()


def content_root(app: Flask) -> Path:
    configured = app.config.get("CONTENT_DIR")
    return Path(configured) if configured else CONTENT_DIR


def init_app(app: Flask) -> None:
    """Parse the content tree once at start; problems are logged, never fatal."""
    app.extensions[EXTENSION_KEY] = load_library(
        content_root(app), app.config["BABEL_DEFAULT_LOCALE"]
    )


def get_library() -> Library:
    """The current library; re-read when an author saved a file (auto-reload mode only)."""
    app = current_app
    library: Library = app.extensions[EXTENSION_KEY]
    if app.config["CONTENT_AUTO_RELOAD"] and file_signature(library.root) != library.signature:
        with _reload_lock:
            previous = library
            library = load_library(previous.root, previous.default_lang)
            library.last_known_path = {**previous.last_known_path, **library.last_known_path}
            app.extensions[EXTENSION_KEY] = library
    return library
