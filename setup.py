"""Packages of the wheel: learnapp's own, plus the top-level folders the app ships with.

The repository keeps templates/, static/, courses/ and migrations/ at its top level; in the
wheel they become learnapp/templates, learnapp/static, ... (found by learnapp/paths.py).
Everything else about the package is in pyproject.toml.
"""

from setuptools import find_packages, setup

SHIPPED_FOLDERS = ("templates", "static", "courses", "migrations")

setup(
    packages=find_packages(include=["learnapp", "learnapp.*"])
    + [f"learnapp.{folder}" for folder in SHIPPED_FOLDERS],
    package_dir={f"learnapp.{folder}": folder for folder in SHIPPED_FOLDERS},
)
