"""Search: each name's parsed core stored beside it, so ranking candidates parses no names.

Revision ID: 0005_name_core
Revises: 0004_profiles_name_gram
Create Date: 2026-12-04 17:00:00

The columns start empty: search parses a name whose core is missing, as before. ``flask search reindex``
fills them (the name index keeps them current from then on).
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0005_name_core'
down_revision = '0004_profiles_name_gram'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('market_entity', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_core', sa.Text(), nullable=True))
    with op.batch_alter_table('entity_name', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_core', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('entity_name', schema=None) as batch_op:
        batch_op.drop_column('name_core')
    with op.batch_alter_table('market_entity', schema=None) as batch_op:
        batch_op.drop_column('name_core')
