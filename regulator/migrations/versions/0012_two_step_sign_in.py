"""Two-step sign-in: each user's TOTP key, the last time step a code was taken for, and unused recovery codes.

Revision ID: 0012_two_step_sign_in
Revises: 0011_mail
Create Date: 2026-12-06 16:10:00
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0012_two_step_sign_in'
down_revision = '0011_mail'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user") as batch_op:
        batch_op.add_column(sa.Column("totp_secret", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("totp_last_step", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column(
            "recovery_codes", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            server_default="[]", nullable=False))


def downgrade():
    with op.batch_alter_table("user") as batch_op:
        batch_op.drop_column("recovery_codes")
        batch_op.drop_column("totp_last_step")
        batch_op.drop_column("totp_secret")
