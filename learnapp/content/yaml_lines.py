"""YAML loading that remembers on which line each mapping started (for precise messages)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import yaml

from learnapp.content import yaml_errors
from learnapp.content.yaml_errors import DuplicateKeyError

LINE_KEY = "__line__"
STR_TAG = "tag:yaml.org,2002:str"
# True while `flask courses check` reads: every file through the pure-Python parser.
_precise: ContextVar[bool] = ContextVar("precise_yaml", default=False)


class _LineNumbers(yaml.constructor.SafeConstructor):
    """Mappings carry the 1-based line they start on under LINE_KEY."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[object] = set()
        for key_node, _value in node.value:
            # A plain text key is its node's value: no need to construct it twice.
            key = (
                key_node.value
                if key_node.tag == STR_TAG
                else self.construct_object(key_node, deep=deep)
            )
            if isinstance(key, str) and key in seen:
                raise DuplicateKeyError(key, key_node.start_mark)
            seen.add(key)
        mapping = super().construct_mapping(node, deep=deep)
        mapping[LINE_KEY] = node.start_mark.line + 1
        return mapping


class _LineLoader(_LineNumbers, yaml.SafeLoader):
    """SafeLoader whose mappings carry the 1-based line they start on under LINE_KEY."""


# libyaml's parser where PyYAML has it: about seven times faster, which keeps the start of a
# server with hundreds of lessons well under two seconds. Same values and line numbers for
# valid YAML.
_FastLineLoader: type = (
    type("_FastLineLoader", (_LineNumbers, yaml.CSafeLoader), {})
    if hasattr(yaml, "CSafeLoader")
    else _LineLoader
)


@contextmanager
def precise_parsing() -> Iterator[None]:
    """Within: the pure-Python parser only (`flask courses check`, the equality test)."""
    token = _precise.set(True)
    try:
        yield
    finally:
        _precise.reset(token)


def load_with_lines(text: str) -> Any:
    """Parse YAML; raises yaml.YAMLError (with problem_mark) on bad syntax."""
    if _precise.get():
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - SafeLoader subclass
    try:
        return yaml.load(text, Loader=_FastLineLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.YAMLError:
        # libyaml marks some errors at the end of the text; the pure-Python parser marks the
        # line an author has to fix. Broken files are rare, so they may take the slow path.
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - SafeLoader subclass


def error_line(error: yaml.YAMLError) -> int:
    """The 1-based line a YAML error points at, relative to the parsed text."""
    return yaml_errors.error_line(error)


def error_text(error: yaml.YAMLError, offset: int = 0) -> str:
    """The mistake in plain words, "Zeile N: …" with N the file's line (`offset` + line)."""
    return yaml_errors.plain_message(error, offset)


def line_of(mapping: Any, default: int = 1) -> int:
    return mapping.get(LINE_KEY, default) if isinstance(mapping, dict) else default
