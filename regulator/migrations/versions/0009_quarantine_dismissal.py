"""Quarantine: a rejected row can be dismissed with a reason (who and when kept beside it).

Revision ID: 0009_quarantine_dismissal
Revises: 0008_review_weights_json
Create Date: 2026-12-06 12:30:00

The status column stores the enum's value as text (no native type), so the new status "dismissed" needs no
change of type.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0009_quarantine_dismissal'
down_revision = '0008_review_weights_json'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("source_record", schema=None) as batch_op:
        batch_op.add_column(sa.Column("dismissed_reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("dismissed_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("dismissed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_source_record_dismissed_by_id_user"), "user",
                                    ["dismissed_by_id"], ["id"])


def downgrade():
    # a dismissed row returns to the quarantine: earlier code knows no such status
    op.execute("UPDATE source_record SET status = 'rejected' WHERE status = 'dismissed'")
    with op.batch_alter_table("source_record", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_source_record_dismissed_by_id_user"), type_="foreignkey")
        batch_op.drop_column("dismissed_at")
        batch_op.drop_column("dismissed_by_id")
        batch_op.drop_column("dismissed_reason")
