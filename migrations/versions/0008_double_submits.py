"""double submits stopped by the database: unique self-check answers and practice steps, form keys

- quiz_attempt: one answer per (user, submission, question). Copies stored by double submits
  are removed first (the lowest id stays). Learners deleted before this version have blank
  submission ids; each such row gets its own id (their grouping was already gone).
- scenario_choice.position: the n-th choice of a run, once. Rows are numbered in the order
  they were made; a copy of a choice (the same step again right after it, where the choice
  before did not lead back to that step) is removed first.
- form_key: the one-time keys of the forms that create accounts, tandem sessions and help
  requests (learnapp/form_keys.py).

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

ATTEMPTS = sa.table(
    "quiz_attempt",
    sa.column("id", sa.Integer),
    sa.column("user_id", sa.Integer),
    sa.column("submission_id", sa.String),
    sa.column("question_id", sa.String),
)
CHOICES = sa.table(
    "scenario_choice",
    sa.column("id", sa.Integer),
    sa.column("run_id", sa.Integer),
    sa.column("step_id", sa.String),
    sa.column("next_step", sa.String),
    sa.column("position", sa.Integer),
)


def _unique_self_check_answers() -> None:
    connection = op.get_bind()
    blank = connection.execute(
        sa.select(ATTEMPTS.c.id).where(ATTEMPTS.c.submission_id == "")
    ).scalars()
    for attempt_id in list(blank):
        connection.execute(
            ATTEMPTS.update()
            .where(ATTEMPTS.c.id == attempt_id)
            .values(submission_id=f"deleted-{attempt_id}")
        )
    first = sa.select(sa.func.min(ATTEMPTS.c.id)).group_by(
        ATTEMPTS.c.user_id, ATTEMPTS.c.submission_id, ATTEMPTS.c.question_id
    )
    connection.execute(ATTEMPTS.delete().where(ATTEMPTS.c.id.not_in(first)))
    with op.batch_alter_table("quiz_attempt") as batch:
        batch.create_unique_constraint(
            "uq_quiz_attempt_submission", ["user_id", "submission_id", "question_id"]
        )


def _numbered_practice_steps() -> None:
    with op.batch_alter_table("scenario_choice") as batch:
        batch.add_column(sa.Column("position", sa.Integer(), nullable=True))
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(CHOICES.c.id, CHOICES.c.run_id, CHOICES.c.step_id, CHOICES.c.next_step).order_by(
            CHOICES.c.run_id, CHOICES.c.id
        )
    ).all()
    run_id, position, previous = None, 0, None
    for row in rows:
        if row.run_id != run_id:
            run_id, position, previous = row.run_id, 0, None
        copy = (
            previous is not None
            and previous.step_id == row.step_id
            and previous.next_step != row.step_id
        )
        if copy:  # made by a second copy of the same press: the run never came back here
            connection.execute(CHOICES.delete().where(CHOICES.c.id == row.id))
            continue
        position += 1
        previous = row
        connection.execute(CHOICES.update().where(CHOICES.c.id == row.id).values(position=position))
    with op.batch_alter_table("scenario_choice") as batch:
        batch.alter_column("position", existing_type=sa.Integer(), nullable=False)
        batch.create_unique_constraint("uq_scenario_choice_position", ["run_id", "position"])


def upgrade() -> None:
    _unique_self_check_answers()
    _numbered_practice_steps()
    op.create_table(
        "form_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("created_id", sa.Integer(), nullable=True),
        sa.Column("url", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_form_key_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_form_key")),
        sa.UniqueConstraint("key", name="uq_form_key_key"),
    )
    op.create_index(op.f("ix_form_key_user_id"), "form_key", ["user_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_form_key_user_id"), table_name="form_key")
    op.drop_table("form_key")
    with op.batch_alter_table("scenario_choice") as batch:
        batch.drop_constraint("uq_scenario_choice_position", type_="unique")
        batch.drop_column("position")
    with op.batch_alter_table("quiz_attempt") as batch:
        batch.drop_constraint("uq_quiz_attempt_submission", type_="unique")
