"""A feature package never imports another feature package's views or services.

Feature packages are the areas of the site (learn, mentor, coordinate, admin, settings, auth).
What two of them share lives in shared modules (accounts, access, audit, tandems, models,
content, progress_rules, …), so that changing one area cannot break another unseen.
"""

from __future__ import annotations

import ast
from pathlib import Path

import learnapp

FEATURES = ("learn", "mentor", "coordinate", "admin", "settings", "auth", "offline")
PRIVATE = ("views", "services")
PACKAGE = Path(learnapp.__file__).parent


def imported_modules(tree: ast.AST) -> list[str]:
    """Every module an import names, `from x import y` also as x.y (y may be a module)."""
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append(node.module)
            found.extend(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def forbidden(feature: str, module: str) -> bool:
    """learnapp.<other feature>.views or .services (or anything inside them)."""
    parts = module.split(".")
    return (
        len(parts) >= 3
        and parts[0] == "learnapp"
        and parts[1] in FEATURES
        and parts[1] != feature
        and parts[2] in PRIVATE
    )


def violations(root: Path) -> list[str]:
    found = []
    for feature in FEATURES:
        for path in sorted((root / feature).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            for module in imported_modules(tree):
                if forbidden(feature, module):
                    found.append(f"{path.relative_to(root)} imports {module}")
    return found


def test_no_feature_imports_another_features_views_or_services():
    assert violations(PACKAGE) == []


def test_the_check_sees_each_way_of_importing(tmp_path):
    """The rule itself: every spelling of a forbidden import is found, shared ones are not."""
    (tmp_path / "mentor").mkdir()
    (tmp_path / "mentor" / "views.py").write_text(
        "from learnapp.coordinate import services\n"
        "import learnapp.learn.views\n"
        "from learnapp.settings.views import bp\n"
        "from learnapp.mentor import services as own\n"
        "from learnapp.tandems import planning\n"
        "from learnapp.auth import throttle\n",
        encoding="utf-8",
    )
    assert violations(tmp_path) == [
        "mentor/views.py imports learnapp.coordinate.services",
        "mentor/views.py imports learnapp.learn.views",
        "mentor/views.py imports learnapp.settings.views",
        "mentor/views.py imports learnapp.settings.views.bp",
    ]
