"""At most one open objection per record and one open credit repair application per record (partial unique
indexes): two submits of one form at once both passed the application's check and made two.

Revision ID: 0013_one_open_request
Revises: 0012_two_step_sign_in
Create Date: 2026-12-07 18:20:00
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0013_one_open_request'
down_revision = '0012_two_step_sign_in'
branch_labels = None
depends_on = None

OPEN = sa.text("status IN ('submitted', 'under_review')")
INDEXES = (("uq_objection_open", "objection", ["record_type", "record_id"]),
           ("uq_credit_repair_open", "credit_repair", ["target_type", "target_id"]))


def upgrade():
    for name, table, columns in INDEXES:
        twice = op.get_bind().execute(sa.text(
            f"SELECT {', '.join(columns)}, count(*) FROM {table} WHERE {OPEN.text} "
            f"GROUP BY {', '.join(columns)} HAVING count(*) > 1")).all()
        if twice:
            raise RuntimeError(f"{table}: records with more than one open request, decide or withdraw all but "
                               f"one of each first: {[tuple(row) for row in twice]}")
        op.create_index(name, table, columns, unique=True, sqlite_where=OPEN, postgresql_where=OPEN)


def downgrade():
    for name, table, _columns in INDEXES:
        op.drop_index(name, table_name=table)
