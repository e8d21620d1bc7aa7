"""Login cards: the QR code on them, and whose cards a class sheet holds."""

from __future__ import annotations

import io
from datetime import date, datetime, time, timedelta

import segno
from sqlalchemy import select
from sqlalchemy.orm import Session

from learnapp.access import LEARNER
from learnapp.clock import to_utc
from learnapp.models import User


def qr_svg(text: str) -> bytes:
    """A standalone SVG document of a QR code for `text`.

    Not segno's svg_inline(): that leaves out xmlns, and an <img> (Chromium's at least) then
    draws nothing. save() writes the complete document.
    """
    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="svg", scale=6, border=2, xmldecl=False)
    return buffer.getvalue()


def learners_created_on(session: Session, centre_ids: list[int], day: date) -> list[User]:
    """Learners of these centres whose accounts were made on `day` (the centre's calendar)."""
    if not centre_ids:
        return []
    # Midnight exists exactly once on the centre's clock (the clocks change at 2 and 3 a.m.).
    start = to_utc(datetime.combine(day, time()))
    end = to_utc(datetime.combine(day + timedelta(days=1), time()))
    return list(
        session.scalars(
            select(User)
            .where(
                User.centre_id.in_(centre_ids),
                User.role == LEARNER,
                User.deleted_at.is_(None),
                User.created_at >= start,
                User.created_at < end,
            )
            .order_by(User.display_name, User.id)
        )
    )
