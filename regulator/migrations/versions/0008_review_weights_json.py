"""Match reviews: evidence that ingest stored as text rewritten as JSON objects.

Revision ID: 0008_review_weights_json
Revises: 0007_attachments
Create Date: 2026-12-06 05:45:00

Until 6 December 2026 ingest stored each comparison of a suggested match as the text of a Python dict
("{'level': 'Same name', 'weight': 9.5}"); the review page read it back with a special case. Each such value
is parsed once here (NumPy scalars as their number; an unreadable one is dropped, as the reader dropped it),
so every reader sees JSON objects. The downgrade leaves the objects: earlier code reads them too.
"""
import ast
import re

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0008_review_weights_json'
down_revision = '0007_attachments'
branch_labels = None
depends_on = None

BATCH = 5000
_NUMPY_SCALAR = re.compile(r"np\.\w+\(([^()]*)\)")


def _as_text(value):
    return isinstance(value, str) and value.startswith("{")


def parsed(value):
    """A stored comparison as a dict, or None where its text cannot be read."""
    try:
        out = ast.literal_eval(_NUMPY_SCALAR.sub(r"\1", value))
    except (ValueError, SyntaxError):
        return None
    return out if isinstance(out, dict) else None


def upgrade():
    bind = op.get_bind()
    review = sa.table("match_review", sa.column("id", sa.Integer), sa.column("match_weights", sa.JSON))
    last = 0
    while True:
        rows = bind.execute(sa.select(review.c.id, review.c.match_weights).where(review.c.id > last)
                            .order_by(review.c.id).limit(BATCH)).all()
        if not rows:
            break
        for review_id, weights in rows:
            if isinstance(weights, dict) and any(_as_text(v) for v in weights.values()):
                fixed = {k: parsed(v) if _as_text(v) else v for k, v in weights.items()}
                bind.execute(review.update().where(review.c.id == review_id).values(
                    match_weights={k: v for k, v in fixed.items() if v is not None}))
        last = rows[-1][0]


def downgrade():
    pass
