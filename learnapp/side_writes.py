"""Writes a reading page makes on the side: if the database refuses them, the page is shown.

Opening a lesson notes the visit ("where was I"), any page notes when the learner was last
active. When the database can read but not write (a full disk, a read-only database, a row
locked past the lock timeout), losing such a note is better than losing the page: the
learner reads on, and the log says what was not saved.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import OperationalError

from learnapp.db import get_session

log = logging.getLogger(__name__)


@contextmanager
def side_write(what: str) -> Iterator[None]:
    """Run the block (its writes and their commit); a refused write is logged and dropped."""
    try:
        yield
    except OperationalError as error:
        get_session().rollback()
        log.warning("%s not saved, the page is shown anyway: %s", what, error.orig)
