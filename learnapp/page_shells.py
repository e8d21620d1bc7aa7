"""Pages drawn once and kept, with holes for the few values each request fills in.

A lesson page is the same for every learner with the same language, role and state, but for a
handful of values: the CSRF token, the text-size and contrast classes, the self-check's
submission number, the reading speed. Drawing its template (four forms, some forty translated
strings, a dozen links) is most of the page's cost, so it is drawn once with marks where those
values go, cut at the marks and kept; each request joins the pieces with its own values,
escaped as the template would have escaped them.
"""

from __future__ import annotations

import re
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping

from flask import current_app
from markupsafe import Markup, escape

# A mark carries a secret of this process, so no lesson text can contain one by accident or
# on purpose; NUL never survives into rendered Markdown either.
_SECRET = secrets.token_hex(8)
_MARK = re.compile("\x00" + _SECRET + r":(\w+)\x00")
MAX_SHELLS = 512  # about 12 KB each: a few MB per worker, the most visited lessons stay


def mark(name: str) -> Markup:
    """What a template receives in place of a hole's value while a shell is drawn."""
    return Markup(f"\x00{_SECRET}:{name}\x00")


class ShellCache:
    """Drawn pages by key, the least recently used dropped first."""

    def __init__(self, max_shells: int = MAX_SHELLS) -> None:
        self.max_shells = max_shells
        self._shells: OrderedDict[Hashable, tuple[str, ...]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._shells)

    def fill(
        self,
        key: Hashable,
        holes: Mapping[str, str],
        draw: Callable[[Mapping[str, Markup]], str],
        keep: bool = True,
    ) -> str:
        """The page for `key` with `holes` filled in; `draw(marks)` renders it on a miss.

        keep=False draws every time (while templates are being edited and reloaded).
        """
        pieces = self._shells.get(key) if keep else None
        if pieces is None:
            pieces = tuple(_MARK.split(draw({name: mark(name) for name in holes})))
            unknown = set(pieces[1::2]) - set(holes)
            if unknown:  # a template asked for a hole it was not given: a programming error
                raise KeyError(f"page shell has unknown holes: {sorted(unknown)}")
            if keep:
                self._keep(key, pieces)
        else:
            with self._lock:
                if key in self._shells:
                    self._shells.move_to_end(key)
        filled = {name: str(escape(value)) for name, value in holes.items()}
        return "".join(piece if i % 2 == 0 else filled[piece] for i, piece in enumerate(pieces))

    def _keep(self, key: Hashable, pieces: tuple[str, ...]) -> None:
        with self._lock:
            self._shells[key] = pieces
            while len(self._shells) > self.max_shells:
                self._shells.popitem(last=False)


def templates_reload() -> bool:
    """True while templates are re-read on change (debug): then nothing drawn is kept."""
    return bool(current_app.jinja_env.auto_reload)
