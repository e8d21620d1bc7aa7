"""figures kept on write for the programme-wide staff pages (issue 21)

- lesson_trouble: per learner and lesson the failed presses of "Check", the newest wrong
  answer and whether the lesson is done, so that "stuck" reads a few rows per learner instead
  of grouping every wrong answer of the programme;
- pairing.last_held_at: the start of the newest session the pair held ("quiet tandems").

Both are filled from the existing rows here and kept by learnapp/rollups.py from now on.

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "lesson_trouble",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("lesson_id", sa.String(length=80), nullable=False),
        sa.Column("failed_checks", sa.Integer(), nullable=False),
        sa.Column("last_failed_at", sa.DateTime(), nullable=False),
        sa.Column("completed", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_lesson_trouble_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "lesson_id", name=op.f("pk_lesson_trouble")),
    )
    op.create_index(
        "ix_lesson_trouble_open",
        "lesson_trouble",
        ["user_id"],
        postgresql_where=sa.text("failed_checks >= 2 AND completed IS false"),
        sqlite_where=sa.text("failed_checks >= 2 AND completed IS 0"),
    )
    with op.batch_alter_table("pairing") as batch:
        batch.add_column(sa.Column("last_held_at", sa.DateTime(), nullable=True))
    # The same computation as learnapp/rollups.py, written out: a migration stays as it was.
    op.execute(
        "INSERT INTO lesson_trouble (user_id, lesson_id, failed_checks, last_failed_at, completed)"
        " SELECT q.user_id, q.lesson_id, count(DISTINCT q.submission_id), max(q.created_at),"
        " EXISTS (SELECT 1 FROM progress p WHERE p.user_id = q.user_id"
        " AND p.lesson_id = q.lesson_id AND p.completed_at IS NOT NULL)"
        " FROM quiz_attempt q WHERE NOT q.correct GROUP BY q.user_id, q.lesson_id"
    )
    op.execute(
        "UPDATE pairing SET last_held_at = (SELECT max(s.starts_at) FROM tandem_session s"
        " WHERE s.mentor_id = pairing.mentor_id AND s.learner_id = pairing.learner_id"
        " AND s.took_place)"
    )


def downgrade() -> None:
    with op.batch_alter_table("pairing") as batch:
        batch.drop_column("last_held_at")
    op.drop_index("ix_lesson_trouble_open", table_name="lesson_trouble")
    op.drop_table("lesson_trouble")
