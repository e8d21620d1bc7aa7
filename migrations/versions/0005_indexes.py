"""indexes for the staff pages on a large data set (issue 7, bench/RESULTS.md)

- quiz_attempt failed answers only, per learner and lesson: the early-warning list and the
  mentor's "trouble" column read them without touching the three right answers in four;
- quiz_attempt and progress by time: the monthly report reads one month, not the year.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_quiz_attempt_failed",
        "quiz_attempt",
        ["user_id", "lesson_id", "submission_id"],
        postgresql_where=sa.text("correct IS false"),
        sqlite_where=sa.text("correct IS 0"),
    )
    op.create_index("ix_quiz_attempt_created_user", "quiz_attempt", ["created_at", "user_id"])
    op.create_index("ix_progress_completed_user", "progress", ["completed_at", "user_id"])


def downgrade() -> None:
    op.drop_index("ix_progress_completed_user", table_name="progress")
    op.drop_index("ix_quiz_attempt_created_user", table_name="quiz_attempt")
    op.drop_index("ix_quiz_attempt_failed", table_name="quiz_attempt")
