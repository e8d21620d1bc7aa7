"""tandem session starts stored as instants (naive UTC) instead of the centre's wall clock

Until now tandem_session.starts_at held the wall-clock time of the centre (Europe/Berlin), so
planned minutes were added to a clock that jumps twice a year. Every stored start becomes the
UTC instant it meant. A time that happened twice (the autumn night, 02:00-02:59) is taken the
first time, in summer time; a time that never happened (the spring night, 02:00-02:59) as the
hour before the change, so 02:30 becomes 03:30 summer time. The downgrade turns the instants
back into wall-clock times. The zone is written out here, so later code cannot change what
this step did.

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Callable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

CENTRE_TZ = ZoneInfo("Europe/Berlin")
SESSIONS = sa.table(
    "tandem_session", sa.column("id", sa.Integer), sa.column("starts_at", sa.DateTime)
)


def _local_to_utc(local: datetime) -> datetime:
    return local.replace(tzinfo=CENTRE_TZ, fold=0).astimezone(UTC).replace(tzinfo=None)


def _utc_to_local(utc: datetime) -> datetime:
    return utc.replace(tzinfo=UTC).astimezone(CENTRE_TZ).replace(tzinfo=None)


def _rewrite_starts(change: Callable[[datetime], datetime]) -> None:
    connection = op.get_bind()
    rows = connection.execute(sa.select(SESSIONS.c.id, SESSIONS.c.starts_at)).all()
    for session_id, starts_at in rows:
        connection.execute(
            SESSIONS.update().where(SESSIONS.c.id == session_id).values(starts_at=change(starts_at))
        )


def upgrade() -> None:
    _rewrite_starts(_local_to_utc)


def downgrade() -> None:
    _rewrite_starts(_utc_to_local)
