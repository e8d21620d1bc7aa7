"""temporary passwords expire; TOTP secrets encrypted at rest

- user_account.password_expires_at: a temporary password works once, and only until then;
- user_account.totp_secret: wider, and every stored secret encrypted with a key derived from
  the app's SECRET_KEY (learnapp/auth/sealed.py). `flask db upgrade` runs inside the app, so
  the key is the app's own; outside it, LEARNAPP_SECRET_KEY must be set when secrets exist.

Revision ID: 0006
Revises: 0005
"""

import os
from collections.abc import Callable

import sqlalchemy as sa
from alembic import op
from flask import current_app, has_app_context

from learnapp.auth import sealed

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

USERS = sa.table("user_account", sa.column("id", sa.Integer), sa.column("totp_secret", sa.String))


def _secret_key() -> str:
    if has_app_context():
        return str(current_app.config["SECRET_KEY"])
    key = os.environ.get("LEARNAPP_SECRET_KEY")
    if not key:
        raise RuntimeError(
            "Encrypting the stored TOTP secrets needs the app's SECRET_KEY: "
            "run `flask db upgrade`, or set LEARNAPP_SECRET_KEY."
        )
    return key


def _rewrite_secrets(change: Callable[[str], str]) -> None:
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(USERS.c.id, USERS.c.totp_secret).where(USERS.c.totp_secret.is_not(None))
    ).all()
    for user_id, value in rows:
        new = change(value)
        if new != value:
            connection.execute(USERS.update().where(USERS.c.id == user_id).values(totp_secret=new))


def upgrade() -> None:
    with op.batch_alter_table("user_account") as batch:
        batch.add_column(sa.Column("password_expires_at", sa.DateTime(), nullable=True))
        batch.alter_column(
            "totp_secret", existing_type=sa.String(length=64), type_=sa.String(length=255)
        )
    key: list[str] = []

    def encrypt(value: str) -> str:
        if sealed.is_sealed(value):
            return value
        key[:] = key or [_secret_key()]
        return sealed.seal(value, key[0])

    _rewrite_secrets(encrypt)


def downgrade() -> None:
    key: list[str] = []

    def decrypt(value: str) -> str:
        if not sealed.is_sealed(value):
            return value
        key[:] = key or [_secret_key()]
        return sealed.unseal(value, key)

    _rewrite_secrets(decrypt)
    with op.batch_alter_table("user_account") as batch:
        batch.alter_column(
            "totp_secret", existing_type=sa.String(length=255), type_=sa.String(length=64)
        )
        batch.drop_column("password_expires_at")
