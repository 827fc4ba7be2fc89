"""An agency's part of a visit can be withdrawn, or a whole visit cancelled, with the reason and the time.

Revision ID: 0015_visit_withdrawal
Revises: 0014_unknown_outcomes
Create Date: 2026-12-07 21:10:00
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0015_visit_withdrawal'
down_revision = '0014_unknown_outcomes'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("task_agency") as batch:
        batch.add_column(sa.Column("withdrawn_reason", sa.String(length=300), nullable=True))
        batch.add_column(sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("task_agency") as batch:
        batch.drop_column("withdrawn_at")
        batch.drop_column("withdrawn_reason")
