"""the months each person was active, kept on write (issue 21)

The monthly report's "active learners" asked every learner of the centres five questions about
the month; for the whole programme that is 100,000 learners. active_month holds one row per
person and month (on the centre's clock, Europe/Berlin) in which they opened or finished a
lesson, answered a self-check or, as a learner, held a session, with the lessons they completed
in it; the report reads one month's rows. Filled here from the existing rows, kept by
learnapp/rollups.py from now on.

Revision ID: 0013
Revises: 0012
"""

from datetime import UTC
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

CENTRE_TZ = "Europe/Berlin"
# Every moment of activity; `completes` marks a lesson's completion (counted once).
ACTIVITY = (
    "SELECT user_id, started_at AS moment, 0 AS completes FROM progress"
    " UNION ALL SELECT user_id, completed_at, 1 FROM progress WHERE completed_at IS NOT NULL"
    " UNION ALL SELECT user_id, updated_at, 0 FROM progress"
    " UNION ALL SELECT user_id, created_at, 0 FROM quiz_attempt"
    " UNION ALL SELECT learner_id, starts_at, 0 FROM tandem_session WHERE took_place"
)


def upgrade() -> None:
    op.create_table(
        "active_month",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("lessons_completed", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_active_month_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "month", name=op.f("pk_active_month")),
    )
    op.create_index("ix_active_month_month_user", "active_month", ["month", "user_id"])
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute(
            "INSERT INTO active_month (user_id, month, lessons_completed) SELECT user_id, month,"
            " sum(completes) FROM (SELECT user_id, completes,"
            f" to_char(timezone('{CENTRE_TZ}', timezone('UTC', moment)), 'YYYY-MM') AS month"
            f" FROM ({ACTIVITY}) AS activity) AS months GROUP BY user_id, month"
        )
        return
    # SQLite has no time zones: each time is placed in its month here.
    zone = ZoneInfo(CENTRE_TZ)
    found: dict[tuple[int, str], int] = {}
    activity = sa.text(ACTIVITY).columns(
        user_id=sa.Integer, moment=sa.DateTime, completes=sa.Integer
    )
    for user_id, moment, completes in bind.execute(activity):
        if moment is None:
            continue
        local = moment.replace(tzinfo=UTC).astimezone(zone)
        key = (user_id, f"{local.year:04d}-{local.month:02d}")
        found[key] = found.get(key, 0) + completes
    if found:
        table = sa.table(
            "active_month", sa.column("user_id"), sa.column("month"), sa.column("lessons_completed")
        )
        bind.execute(
            table.insert(),
            [
                {"user_id": user, "month": month, "lessons_completed": count}
                for (user, month), count in sorted(found.items())
            ],
        )


def downgrade() -> None:
    op.drop_index("ix_active_month_month_user", table_name="active_month")
    op.drop_table("active_month")
