"""Inspections that give no outcome are outcome unknown, not clean: visits logged without a result or any violation
(an inspection log) and visits that inspected nothing (closed, not found, no entry) were stored with
``serious_violation`` false, so the risk model trained on them as visits that found nothing. Rows imported since
are written so (``ingest.facts._serious``); this sets the same on rows imported before. Nothing is undone on
downgrade: which of them were written false by the old rule is not known afterwards.

Revision ID: 0014_unknown_outcomes
Revises: 0013_one_open_request
Create Date: 2026-12-07 19:00:00
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0014_unknown_outcomes'
down_revision = '0013_one_open_request'
branch_labels = None
depends_on = None


def upgrade():
    op.get_bind().execute(sa.text(
        "UPDATE inspection SET serious_violation = NULL WHERE serious_violation = false AND violation_count = 0 "
        "AND (result IS NULL OR result IN ('closed', 'not_found', 'no_entry')) "
        "AND NOT EXISTS (SELECT 1 FROM violation WHERE violation.inspection_id = inspection.id)"))


def downgrade():
    pass
