"""warning_dismissal: early warnings a coordinator put aside, with the reason

Revision ID: 0010
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "warning_dismissal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("dismissed_by_id", sa.Integer(), nullable=True),
        sa.Column("dismissed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_warning_dismissal_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["dismissed_by_id"],
            ["user_account.id"],
            name=op.f("fk_warning_dismissal_dismissed_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_warning_dismissal")),
        sa.UniqueConstraint("user_id", "kind", name="uq_warning_dismissal_user_kind"),
    )


def downgrade() -> None:
    op.drop_table("warning_dismissal")
