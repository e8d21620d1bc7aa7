"""Writes a reading page makes on the side: if the database refuses them, the page is shown.

Opening a lesson notes the visit ("where was I"), any page notes when the learner was last
active (both declared with db.side_write). When the database can read but not write (a full
disk, a read-only database, a row locked past the lock timeout), losing such a note is better
than losing the page: the learner reads on, and the log says what was not saved. So these
notes are committed at the end of their block, not with the request.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import OperationalError

from learnapp.db import READING, end_side_write, get_session

log = logging.getLogger(__name__)


@contextmanager
def tolerated(what: str) -> Iterator[None]:
    """Run the block's writes and commit them now; a refused write is logged and dropped."""
    session = get_session()
    try:
        yield
        if session.info.get(READING):
            return  # nothing was written (no side write declared): the page reads on as it was
        session.commit()
    except OperationalError as error:
        session.rollback()
        log.warning("%s not saved, the page is shown anyway: %s", what, error.orig)
    end_side_write(session)
