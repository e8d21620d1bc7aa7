"""indexes that let the staff pages start from the centre's people (issue 21)

Every staff query now starts from the learners of the centre (or the mentor's pairs) and looks
up each one's rows, instead of scanning a month or the whole programme and joining afterwards:

- progress per learner with its three times (started, completed, last changed): the monthly
  report's "active" and "completed" read a learner's rows from the index alone;
- self-check answers per learner by time: "answered a self-check this month";
- failed self-check answers per learner and lesson now with their time (replaces
  ix_quiz_attempt_failed): the early warning's "stuck" and its newest wrong answer in one pass;
- held tandem sessions per learner and pair by time (partial): the last session of each
  pair of the centre's learners.

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_progress_user_activity",
        "progress",
        ["user_id", "started_at", "completed_at", "updated_at"],
    )
    op.create_index("ix_quiz_attempt_user_created", "quiz_attempt", ["user_id", "created_at"])
    op.create_index(
        "ix_quiz_attempt_failed_at",
        "quiz_attempt",
        ["user_id", "lesson_id", "submission_id", "created_at"],
        postgresql_where=sa.text("correct IS false"),
        sqlite_where=sa.text("correct IS 0"),
    )
    op.drop_index("ix_quiz_attempt_failed", table_name="quiz_attempt")
    op.create_index(
        "ix_tandem_session_pair_held",
        "tandem_session",
        ["learner_id", "mentor_id", "starts_at"],
        postgresql_where=sa.text("took_place IS true"),
        sqlite_where=sa.text("took_place IS 1"),
    )


def downgrade() -> None:
    op.drop_index("ix_tandem_session_pair_held", table_name="tandem_session")
    op.create_index(
        "ix_quiz_attempt_failed",
        "quiz_attempt",
        ["user_id", "lesson_id", "submission_id"],
        postgresql_where=sa.text("correct IS false"),
        sqlite_where=sa.text("correct IS 0"),
    )
    op.drop_index("ix_quiz_attempt_failed_at", table_name="quiz_attempt")
    op.drop_index("ix_quiz_attempt_user_created", table_name="quiz_attempt")
    op.drop_index("ix_progress_user_activity", table_name="progress")
