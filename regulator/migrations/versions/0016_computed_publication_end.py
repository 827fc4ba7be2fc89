"""Whether a penalty's "public until" was computed from the periods table or stated by its agency: a correction of
the decision's date, type or amount computes a computed end again and keeps a stated one. Ends already set that
equal what the table gives are taken as computed (an agency stating exactly that day changes nothing by it).

Revision ID: 0016_computed_publication_end
Revises: 0015_visit_withdrawal
Create Date: 2026-12-07 21:55:00
"""
import pandas as pd
import sqlalchemy as sa
from alembic import op

from risk.disclosure import publication_ends

# revision identifiers, used by Alembic.
revision = '0016_computed_publication_end'
down_revision = '0015_visit_withdrawal'
branch_labels = None
depends_on = None

CHUNK = 50_000


def upgrade():
    with op.batch_alter_table("enforcement_action") as batch:
        batch.add_column(sa.Column("publication_end_computed", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
    bind = op.get_bind()
    last = 0
    while True:
        rows = bind.execute(sa.text(
            "SELECT id, decision_date, penalty_type, amount, publication_end FROM enforcement_action "
            "WHERE id > :last AND publication_end IS NOT NULL ORDER BY id LIMIT :n"), {"last": last, "n": CHUNK}).all()
        if not rows:
            break
        last = rows[-1][0]
        frame = pd.DataFrame(rows, columns=["id", "decision_date", "penalty_type", "amount", "publication_end"])
        computed = publication_ends(frame) == pd.to_datetime(frame["publication_end"]).dt.date
        ids = [int(i) for i in frame.loc[computed, "id"]]
        if ids:
            bind.execute(sa.text("UPDATE enforcement_action SET publication_end_computed = :yes WHERE id = :id"),
                         [{"yes": True, "id": i} for i in ids])


def downgrade():
    with op.batch_alter_table("enforcement_action") as batch:
        batch.drop_column("publication_end_computed")
