"""The parsed library kept on disk between starts, keyed by the files' contents and the code.

A server that starts with the same lesson files and the same loader code as last time reads
the parsed courses from one file in instance/ instead of parsing every lesson again. The key
is a hash over the parser's own source, the Python and PyYAML versions, the served languages,
and every file read (its name, change time, size and bytes): any edit, any new or removed
lesson, a new release of the loader makes a new key, and the library is parsed anew and stored
again. A cache file that cannot be read, does not match or fails its checksum is ignored. It
holds a pickle, so it lives in the instance folder, which only the operator can write (as
config.py there, which is executed).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import os
import pickle
import sys
from collections.abc import Collection
from pathlib import Path

import yaml

from learnapp.content.library import (
    Library,
    content_files,
    file_signature,
    load_library,
    served_languages,
)

log = logging.getLogger(__name__)
FILE_NAME = "content-library.cache"
MAGIC = b"digitandem content cache 1\n"
PACKAGE = Path(__file__).resolve().parent
# What a cached library holds besides what is known at start (root, languages, signature).
FIELDS = ("courses", "problems", "lesson_course", "last_known_path")


@functools.cache
def code_version() -> str:
    """A hash of the code that turns files into a library: every module of this package."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{sys.version}|{yaml.__version__}|{pickle.HIGHEST_PROTOCOL}".encode())
    for module in sorted(PACKAGE.glob("*.py")):
        digest.update(module.name.encode() + b"\0" + module.read_bytes() + b"\0")
    return digest.hexdigest()


def content_key(root: Path, default_lang: str, languages: tuple[str, ...]) -> str:
    """The key of what a load of these files would give: code, languages and every file."""
    digest = hashlib.blake2b(digest_size=32)
    digest.update(f"{code_version()}|{root}|{default_lang}|{','.join(languages)}\0".encode())
    for path in content_files(root, languages):
        data = path.read_bytes()
        stat = path.stat()
        digest.update(f"{path}|{stat.st_mtime_ns}|{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


def load_cached(
    root: Path, default_lang: str, languages: Collection[str], cache_file: Path | None
) -> Library:
    """load_library(root, default_lang, languages), from `cache_file` when it matches."""
    if cache_file is None:
        return load_library(root, default_lang, languages)
    served = served_languages(languages, default_lang)
    key = content_key(root, default_lang, served)
    library = _read(cache_file, key, root, default_lang, served)
    if library is None:
        library = load_library(root, default_lang, served)
        _write(cache_file, key, library)
    return library


def _read(
    cache_file: Path, key: str, root: Path, default_lang: str, served: tuple[str, ...]
) -> Library | None:
    try:
        with cache_file.open("rb") as stored:
            if stored.readline() != MAGIC or stored.readline() != key.encode() + b"\n":
                return None
            checksum = stored.readline().rstrip(b"\n")
            data = stored.read()
        if _checksum(data).encode() != checksum:
            log.warning("content cache %s is damaged: the courses are parsed anew", cache_file)
            return None
        payload = pickle.loads(data)  # noqa: S301 - our own, whole file in the instance folder
    except FileNotFoundError:
        return None
    except Exception as error:  # noqa: BLE001 - a broken cache is parsed anew, never fatal
        log.warning(
            "content cache %s unreadable (%s): the courses are parsed anew", cache_file, error
        )
        return None
    if not isinstance(payload, dict) or set(payload) != set(FIELDS):
        return None
    library = Library(
        root=root,
        default_lang=default_lang,
        languages=served,
        signature=file_signature(root, served),
        **payload,
    )
    for problem in library.problems:
        if problem.severity == "error":
            log.warning("content problem: %s", problem)
    return library


def _checksum(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _write(cache_file: Path, key: str, library: Library) -> None:
    """Written beside and renamed into place: a reader sees the old file or the whole new one."""
    payload = {name: getattr(library, name) for name in FIELDS}
    partial = cache_file.with_name(f".{cache_file.name}.{os.getpid()}")
    try:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        data = pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)
        with partial.open("wb") as out:
            out.write(MAGIC + key.encode() + b"\n" + _checksum(data).encode() + b"\n")
            out.write(data)
        os.replace(partial, cache_file)
    except (OSError, pickle.PicklingError) as error:
        log.warning("content cache %s not written: %s", cache_file, error)
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
