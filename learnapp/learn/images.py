"""Lesson pictures: which names may be looked up in a course's images folder at all.

The name comes straight from the address, so it can be anything: very long, with a NUL,
with `..` or encoded slashes. Every such name must end as "not found", never as an error
from the file system.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

IMAGE_TYPES = {
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
}
# Longer than any picture an author names; file systems refuse parts over 255 bytes anyway.
MAX_NAME_LENGTH = 255


def _plausible(name: str) -> bool:
    """Short enough, and no control or invisible formatting characters (NUL, bidi, ...)."""
    return (
        0 < len(name) <= MAX_NAME_LENGTH
        and "\\" not in name
        and not any(unicodedata.category(char) in ("Cc", "Cf") for char in name)
    )


def find_image(folder: Path, name: str) -> Path | None:
    """The picture file `name` inside `folder`, or None if there is no such picture."""
    if not _plausible(name) or Path(name).suffix.lower() not in IMAGE_TYPES:
        return None
    try:
        root = folder.resolve()
        candidate = (root / name).resolve()
        if not candidate.is_relative_to(root) or not candidate.is_file():
            return None
    except (OSError, ValueError):  # a name the file system cannot even look up
        return None
    if candidate.suffix.lower() not in IMAGE_TYPES:  # a link to some other kind of file
        return None
    return candidate


def mimetype_of(path: Path) -> str:
    return IMAGE_TYPES[path.suffix.lower()]
