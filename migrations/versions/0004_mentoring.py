"""Mentoring and coordination: coordinators' centres, pairings, help requests, tandem
sessions, the audit log, and anonymised deletion of learners.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

USER_FK = "user_account.id"


def upgrade() -> None:
    with op.batch_alter_table("user_account") as batch_op:
        batch_op.add_column(sa.Column("deleted_at", sa.DateTime(), nullable=True))

    op.create_table(
        "coordinator_centre",
        sa.Column("coordinator_id", sa.Integer(), nullable=False),
        sa.Column("centre_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["centre_id"],
            ["centre.id"],
            ondelete="CASCADE",
            name=op.f("fk_coordinator_centre_centre_id_centre"),
        ),
        sa.ForeignKeyConstraint(
            ["coordinator_id"],
            [USER_FK],
            ondelete="CASCADE",
            name=op.f("fk_coordinator_centre_coordinator_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("coordinator_id", "centre_id", name=op.f("pk_coordinator_centre")),
    )
    op.create_index(op.f("ix_coordinator_centre_centre_id"), "coordinator_centre", ["centre_id"])

    op.create_table(
        "pairing",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mentor_id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["learner_id"],
            [USER_FK],
            ondelete="CASCADE",
            name=op.f("fk_pairing_learner_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["mentor_id"],
            [USER_FK],
            ondelete="CASCADE",
            name=op.f("fk_pairing_mentor_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pairing")),
    )
    op.create_index("ix_pairing_mentor_active", "pairing", ["mentor_id", "ended_at"])
    op.create_index(
        "uq_pairing_active_learner",
        "pairing",
        ["learner_id"],
        unique=True,
        sqlite_where=sa.text("ended_at IS NULL"),
        postgresql_where=sa.text("ended_at IS NULL"),
    )

    op.create_table(
        "help_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.String(length=80), nullable=False),
        sa.Column("lesson_id", sa.String(length=80), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("handled_at", sa.DateTime(), nullable=True),
        sa.Column("handled_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["handled_by_id"],
            [USER_FK],
            ondelete="SET NULL",
            name=op.f("fk_help_request_handled_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["learner_id"],
            [USER_FK],
            ondelete="CASCADE",
            name=op.f("fk_help_request_learner_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_help_request")),
    )
    op.create_index("ix_help_request_learner_open", "help_request", ["learner_id", "handled_at"])

    op.create_table(
        "tandem_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mentor_id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("planned_minutes", sa.Integer(), nullable=False),
        sa.Column("place", sa.String(length=20), nullable=False),
        sa.Column("centre_id", sa.Integer(), nullable=True),
        sa.Column("agenda", sa.Text(), nullable=False),
        sa.Column("took_place", sa.Boolean(), nullable=True),
        sa.Column("length_minutes", sa.Integer(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("notes_shared", sa.Boolean(), nullable=False),
        sa.Column("next_steps", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["centre_id"],
            ["centre.id"],
            ondelete="SET NULL",
            name=op.f("fk_tandem_session_centre_id_centre"),
        ),
        sa.ForeignKeyConstraint(
            ["learner_id"],
            [USER_FK],
            ondelete="CASCADE",
            name=op.f("fk_tandem_session_learner_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["mentor_id"],
            [USER_FK],
            ondelete="CASCADE",
            name=op.f("fk_tandem_session_mentor_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tandem_session")),
    )
    op.create_index(
        "ix_tandem_session_learner_starts", "tandem_session", ["learner_id", "starts_at"]
    )
    op.create_index("ix_tandem_session_mentor_starts", "tandem_session", ["mentor_id", "starts_at"])

    op.create_table(
        "audit_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("subject_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("detail", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            [USER_FK],
            ondelete="SET NULL",
            name=op.f("fk_audit_entry_actor_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["subject_id"],
            [USER_FK],
            ondelete="SET NULL",
            name=op.f("fk_audit_entry_subject_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_entry")),
    )
    op.create_index(op.f("ix_audit_entry_actor_id"), "audit_entry", ["actor_id"])
    op.create_index(op.f("ix_audit_entry_subject_id"), "audit_entry", ["subject_id"])
    op.create_index(op.f("ix_audit_entry_created_at"), "audit_entry", ["created_at"])


def downgrade() -> None:
    op.drop_table("audit_entry")
    op.drop_table("tandem_session")
    op.drop_table("help_request")
    op.drop_table("pairing")
    op.drop_table("coordinator_centre")
    with op.batch_alter_table("user_account") as batch_op:
        batch_op.drop_column("deleted_at")
