"""Filesystem locations, found the same way in a checkout and in an installed wheel.

The repository keeps templates/, static/, courses/ and migrations/ at its top level; the wheel
carries them inside the package (learnapp/templates, ... — see [tool.setuptools] in
pyproject.toml). Each is looked up next to the package first, then in the checkout. Nothing
depends on the working directory except where the instance folder is asked to be.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
# The checkout (or, installed, the site-packages folder): only used for display and tooling.
PROJECT_ROOT = PACKAGE_DIR.parent
# Set to put the database, the secret key and the built static files somewhere else.
INSTANCE_ENV = "LEARNAPP_INSTANCE_PATH"
INSTANCE_FOLDER_NAME = "digitandem"


def _shipped(*parts: str) -> Path:
    """A folder that ships with the app: inside the installed package, else in the checkout."""
    installed = PACKAGE_DIR.joinpath(*parts)
    return installed if installed.is_dir() else PROJECT_ROOT.joinpath(*parts)


def is_checkout() -> bool:
    """True when the package runs from the repository (plain or editable install)."""
    return (PROJECT_ROOT / "pyproject.toml").is_file() and (PROJECT_ROOT / "migrations").is_dir()


def instance_dir(environ: Mapping[str, str] = os.environ) -> Path:
    """Where the database, secret key and built files live.

    LEARNAPP_INSTANCE_PATH when set; in a checkout its instance/ folder; installed from a
    wheel $XDG_DATA_HOME/digitandem (~/.local/share/digitandem), never site-packages, and the
    same folder wherever the commands are started from.
    """
    configured = environ.get(INSTANCE_ENV)
    if configured:
        return Path(configured).expanduser().resolve()
    if is_checkout():
        return PROJECT_ROOT / "instance"
    data_home = environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home).expanduser() / INSTANCE_FOLDER_NAME


TEMPLATES_DIR = _shipped("templates")
STATIC_DIR = _shipped("static")
CONTENT_DIR = _shipped("courses", "content")
MIGRATIONS_DIR = _shipped("migrations")
TRANSLATIONS_DIR = PACKAGE_DIR / "translations"
