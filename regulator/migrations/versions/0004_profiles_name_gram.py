"""Public search: character bigrams of entity names (current, former, variant) for typo-tolerant search.

Revision ID: 0004_profiles_name_gram
Revises: 0001
Create Date: 2026-11-23 11:40:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0004_profiles_name_gram'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('entity_name_gram',
    sa.Column('gram', sa.String(length=8), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['entity_id'], ['market_entity.id'], name=op.f('fk_entity_name_gram_entity_id_market_entity')),
    sa.PrimaryKeyConstraint('gram', 'entity_id', name=op.f('pk_entity_name_gram'))
    )
    with op.batch_alter_table('entity_name_gram', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_entity_name_gram_entity_id'), ['entity_id'], unique=False)


def downgrade():
    with op.batch_alter_table('entity_name_gram', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_entity_name_gram_entity_id'))

    op.drop_table('entity_name_gram')
