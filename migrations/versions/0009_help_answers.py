"""help from every page: where a request came from, the mentor's reply, a mentor's e-mail

- help_request.origin_path: the app's own path of the page the learner asked from.
- help_request.reply: the mentor's short answer, shown on the learner's home.
- user_account.email: optional, for mentors: a new help request is announced there.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("help_request") as batch:
        batch.add_column(
            sa.Column("origin_path", sa.String(length=300), server_default="", nullable=False)
        )
        batch.add_column(sa.Column("reply", sa.Text(), server_default="", nullable=False))
    with op.batch_alter_table("user_account") as batch:
        batch.add_column(sa.Column("email", sa.String(length=254), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("user_account") as batch:
        batch.drop_column("email")
    with op.batch_alter_table("help_request") as batch:
        batch.drop_column("reply")
        batch.drop_column("origin_path")
