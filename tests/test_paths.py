"""Where the app keeps its instance folder: asked for, in the checkout, or in the data home."""

from pathlib import Path

import pytest

from learnapp import paths


def test_the_environment_names_the_instance_folder(tmp_path: Path) -> None:
    chosen = tmp_path / "somewhere"
    assert paths.instance_dir({"LEARNAPP_INSTANCE_PATH": str(chosen)}) == chosen


def test_a_checkout_keeps_its_instance_folder_beside_the_code() -> None:
    assert paths.is_checkout()
    assert paths.instance_dir({}) == paths.PROJECT_ROOT / "instance"


def test_an_installed_app_uses_the_data_home(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(paths, "is_checkout", lambda: False)
    assert paths.instance_dir({"XDG_DATA_HOME": str(tmp_path)}) == tmp_path / "digitandem"
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert paths.instance_dir({}) == tmp_path / "home" / ".local" / "share" / "digitandem"


def test_shipped_folders_are_found_in_the_checkout() -> None:
    for folder in (paths.TEMPLATES_DIR, paths.STATIC_DIR, paths.CONTENT_DIR, paths.MIGRATIONS_DIR):
        assert folder.is_dir() and folder.is_relative_to(paths.PROJECT_ROOT)
    assert (paths.MIGRATIONS_DIR / "env.py").is_file()
