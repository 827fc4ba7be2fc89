"""E-mail: what the mail run did with each notice, and each user's choice to have notices mailed.

Revision ID: 0011_mail
Revises: 0010_notifications
Create Date: 2026-12-06 15:40:00
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0011_mail'
down_revision = '0010_notifications'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("notification") as batch_op:
        batch_op.add_column(sa.Column("mail_status", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("mailed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f("ix_notification_mail_status"), ["mail_status"], unique=False)
    # notices from before mail existed are not sent now
    op.execute("UPDATE notification SET mail_status = 'skipped'")
    with op.batch_alter_table("user") as batch_op:
        batch_op.add_column(sa.Column("email_notices", sa.Boolean(), server_default=sa.true(), nullable=False))


def downgrade():
    with op.batch_alter_table("user") as batch_op:
        batch_op.drop_column("email_notices")
    with op.batch_alter_table("notification") as batch_op:
        batch_op.drop_index(batch_op.f("ix_notification_mail_status"))
        batch_op.drop_column("mailed_at")
        batch_op.drop_column("mail_status")
