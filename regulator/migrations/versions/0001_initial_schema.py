"""Initial schema: the whole domain, plus triggers that keep the audit log append-only.

Revision ID: 0001
Revises: 
Create Date: 2026-11-23 10:45:14.160007

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('address',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('text', sa.String(length=500), nullable=False),
    sa.Column('text_norm', sa.String(length=500), nullable=False),
    sa.Column('district', sa.String(length=100), nullable=True),
    sa.Column('postcode', sa.String(length=16), nullable=True),
    sa.Column('latitude', sa.Double(), nullable=True),
    sa.Column('longitude', sa.Double(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_address')),
    sa.UniqueConstraint('text_norm', name=op.f('uq_address_text_norm'))
    )
    with op.batch_alter_table('address', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_address_district'), ['district'], unique=False)

    op.create_table('agency',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=True),
    sa.Column('domain', sa.String(length=64), nullable=False),
    sa.Column('mapping', sa.String(length=100), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agency')),
    sa.UniqueConstraint('code', name=op.f('uq_agency_code'))
    )
    op.create_table('phone',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=32), nullable=False),
    sa.Column('masked', sa.String(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_phone')),
    sa.UniqueConstraint('number', name=op.f('uq_phone_number'))
    )
    op.create_table('risk_cluster',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('build', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('score', sa.Double(), nullable=False),
    sa.Column('reasons', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('stats', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_risk_cluster'))
    )
    with op.batch_alter_table('risk_cluster', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_risk_cluster_build'), ['build'], unique=False)

    op.create_table('market_entity',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uscc', sa.String(length=18), nullable=True),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('name_norm', sa.String(length=300), nullable=False),
    sa.Column('entity_type', sa.Enum('company', 'branch', 'sole_trader', 'partnership', 'other', name='entitytype', native_enum=False, length=32), nullable=False),
    sa.Column('industry_code', sa.String(length=32), nullable=True),
    sa.Column('industry', sa.String(length=200), nullable=True),
    sa.Column('address_id', sa.Integer(), nullable=True),
    sa.Column('district', sa.String(length=100), nullable=True),
    sa.Column('registration_date', sa.Date(), nullable=True),
    sa.Column('status', sa.Enum('active', 'revoked', 'cancelled', 'merged', 'unknown', name='entitystatus', native_enum=False, length=32), nullable=False),
    sa.Column('registered_capital', sa.Numeric(precision=18, scale=2), nullable=True),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('merged_into_id', sa.Integer(), nullable=True),
    sa.Column('credit_class', sa.Enum('A', 'B', 'C', 'D', name='creditclass', native_enum=False), nullable=True),
    sa.Column('credit_points', sa.Double(), nullable=True),
    sa.Column('credit_updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['address_id'], ['address.id'], name=op.f('fk_market_entity_address_id_address')),
    sa.ForeignKeyConstraint(['merged_into_id'], ['market_entity.id'], name=op.f('fk_market_entity_merged_into_id_market_entity')),
    sa.ForeignKeyConstraint(['parent_id'], ['market_entity.id'], name=op.f('fk_market_entity_parent_id_market_entity')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_market_entity')),
    sa.UniqueConstraint('uscc', name=op.f('uq_market_entity_uscc'))
    )
    with op.batch_alter_table('market_entity', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_market_entity_address_id'), ['address_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_market_entity_credit_class'), ['credit_class'], unique=False)
        batch_op.create_index(batch_op.f('ix_market_entity_district'), ['district'], unique=False)
        batch_op.create_index(batch_op.f('ix_market_entity_industry_code'), ['industry_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_market_entity_merged_into_id'), ['merged_into_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_market_entity_name_norm'), ['name_norm'], unique=False)
        batch_op.create_index(batch_op.f('ix_market_entity_parent_id'), ['parent_id'], unique=False)

    op.create_table('person',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('name_norm', sa.String(length=200), nullable=False),
    sa.Column('id_hash', sa.String(length=64), nullable=True),
    sa.Column('id_masked', sa.String(length=32), nullable=True),
    sa.Column('phone_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['phone_id'], ['phone.id'], name=op.f('fk_person_phone_id_phone')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person')),
    sa.UniqueConstraint('id_hash', name=op.f('uq_person_id_hash'))
    )
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_name_norm'), ['name_norm'], unique=False)
        batch_op.create_index(batch_op.f('ix_person_phone_id'), ['phone_id'], unique=False)

    op.create_table('cluster_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cluster_id', sa.Integer(), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['cluster_id'], ['risk_cluster.id'], name=op.f('fk_cluster_member_cluster_id_risk_cluster')),
    sa.ForeignKeyConstraint(['entity_id'], ['market_entity.id'], name=op.f('fk_cluster_member_entity_id_market_entity')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cluster_member'))
    )
    with op.batch_alter_table('cluster_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cluster_member_cluster_id'), ['cluster_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cluster_member_entity_id'), ['entity_id'], unique=False)

    op.create_table('user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=80), nullable=False),
    sa.Column('email', sa.String(length=200), nullable=True),
    sa.Column('display_name', sa.String(length=200), nullable=False),
    sa.Column('password_hash', sa.String(length=300), nullable=False),
    sa.Column('role', sa.Enum('admin', 'coordinator', 'inspector', 'enterprise', name='role', native_enum=False, length=32), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=True),
    sa.Column('entity_id', sa.Integer(), nullable=True),
    sa.Column('locale', sa.String(length=16), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('failed_logins', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('password_changed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_user_agency_id_agency')),
    sa.ForeignKeyConstraint(['entity_id'], ['market_entity.id'], name=op.f('fk_user_entity_id_market_entity')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user')),
    sa.UniqueConstraint('username', name=op.f('uq_user_username'))
    )
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_user_entity_id'), ['entity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_user_role'), ['role'], unique=False)

    op.create_table('api_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('prefix', sa.String(length=16), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('role', sa.Enum('admin', 'coordinator', 'inspector', 'enterprise', name='role', native_enum=False, length=32), nullable=False),
    sa.Column('scopes', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_api_token_agency_id_agency')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_api_token_created_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_token')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_token_token_hash'))
    )
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_token_agency_id'), ['agency_id'], unique=False)

    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('username', sa.String(length=80), nullable=True),
    sa.Column('role', sa.String(length=32), nullable=True),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=True),
    sa.Column('object_type', sa.String(length=32), nullable=True),
    sa.Column('object_id', sa.Integer(), nullable=True),
    sa.Column('ip', sa.String(length=64), nullable=True),
    sa.Column('details', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.ForeignKeyConstraint(['entity_id'], ['market_entity.id'], name=op.f('fk_audit_log_entity_id_market_entity')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_audit_log_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_log_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_log_at'), ['at'], unique=False)
        batch_op.create_index('ix_audit_log_entity_at', ['entity_id', 'at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_log_user_id'), ['user_id'], unique=False)

    op.create_table('campaign',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'committed', 'drawn', 'planned', 'published', 'released', 'closed', name='campaignstatus', native_enum=False, length=32), nullable=False),
    sa.Column('lead_agency_id', sa.Integer(), nullable=True),
    sa.Column('class_ratios', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('random_share', sa.Double(), nullable=False),
    sa.Column('cost_per_visit', sa.Double(), nullable=False),
    sa.Column('seed_commitment', sa.String(length=64), nullable=True),
    sa.Column('seed', sa.String(length=128), nullable=True),
    sa.Column('draw_inputs', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('plan_summary', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('committed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('drawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('planned_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('released_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_campaign_created_by_id_user')),
    sa.ForeignKeyConstraint(['lead_agency_id'], ['agency.id'], name=op.f('fk_campaign_lead_agency_id_agency')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign'))
    )
    op.create_table('conflict_declaration',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['entity_id'], ['market_entity.id'], name=op.f('fk_conflict_declaration_entity_id_market_entity')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_conflict_declaration_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conflict_declaration'))
    )
    with op.batch_alter_table('conflict_declaration', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_conflict_declaration_entity_id'), ['entity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_conflict_declaration_user_id'), ['user_id'], unique=False)

    op.create_table('credit_repair',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('target_type', sa.String(length=32), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('applicant_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('evidence_text', sa.Text(), nullable=True),
    sa.Column('status', sa.Enum('submitted', 'under_review', 'granted', 'rejected', name='repairstatus', native_enum=False, length=32), nullable=False),
    sa.Column('decision_reason', sa.Text(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_credit_repair_agency_id_agency')),
    sa.ForeignKeyConstraint(['applicant_id'], ['user.id'], name=op.f('fk_credit_repair_applicant_id_user')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_credit_repair_decided_by_id_user')),
    sa.ForeignKeyConstraint(['entity_id'], ['market_entity.id'], name=op.f('fk_credit_repair_entity_id_market_entity')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_credit_repair'))
    )
    with op.batch_alter_table('credit_repair', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_credit_repair_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_credit_repair_entity_id'), ['entity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_credit_repair_status'), ['status'], unique=False)

    op.create_table('entity_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('from_entity_id', sa.Integer(), nullable=True),
    sa.Column('to_entity_id', sa.Integer(), nullable=True),
    sa.Column('moved', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['from_entity_id'], ['market_entity.id'], name=op.f('fk_entity_event_from_entity_id_market_entity')),
    sa.ForeignKeyConstraint(['to_entity_id'], ['market_entity.id'], name=op.f('fk_entity_event_to_entity_id_market_entity')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_entity_event_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_entity_event'))
    )
    with op.batch_alter_table('entity_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_entity_event_from_entity_id'), ['from_entity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_entity_event_to_entity_id'), ['to_entity_id'], unique=False)

    op.create_table('import_batch',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=500), nullable=False),
    sa.Column('file_hash', sa.String(length=64), nullable=True),
    sa.Column('file_format', sa.String(length=16), nullable=False),
    sa.Column('encoding', sa.String(length=32), nullable=True),
    sa.Column('mapping', sa.String(length=100), nullable=True),
    sa.Column('status', sa.Enum('running', 'completed', 'failed', name='batchstatus', native_enum=False, length=32), nullable=False),
    sa.Column('rows_read', sa.Integer(), nullable=False),
    sa.Column('rows_accepted', sa.Integer(), nullable=False),
    sa.Column('rows_rejected', sa.Integer(), nullable=False),
    sa.Column('rows_duplicate', sa.Integer(), nullable=False),
    sa.Column('entities_new', sa.Integer(), nullable=False),
    sa.Column('entities_updated', sa.Integer(), nullable=False),
    sa.Column('report', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_import_batch_agency_id_agency')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_import_batch_created_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_batch'))
    )
    with op.batch_alter_table('import_batch', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_import_batch_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_import_batch_file_hash'), ['file_hash'], unique=False)

    op.create_table('model_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('train_start', sa.Date(), nullable=True),
    sa.Column('train_end', sa.Date(), nullable=True),
    sa.Column('valid_start', sa.Date(), nullable=True),
    sa.Column('valid_end', sa.Date(), nullable=True),
    sa.Column('features', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('params', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('metrics', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('evaluation', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('data_fingerprint', sa.String(length=64), nullable=True),
    sa.Column('artifact', sa.LargeBinary(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('activated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_model_version_created_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_model_version')),
    sa.UniqueConstraint('version', name=op.f('uq_model_version_version'))
    )
    with op.batch_alter_table('model_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_model_version_active'), ['active'], unique=False)

    op.create_table('objection',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('record_type', sa.String(length=32), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('submitted_by_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('attachments_text', sa.Text(), nullable=True),
    sa.Column('status', sa.Enum('submitted', 'under_review', 'accepted', 'rejected', 'withdrawn', name='objectionstatus', native_enum=False, length=32), nullable=False),
    sa.Column('resolution', sa.String(length=32), nullable=True),
    sa.Column('decision_reason', sa.Text(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_objection_agency_id_agency')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_objection_decided_by_id_user')),
    sa.ForeignKeyConstraint(['entity_id'], ['market_entity.id'], name=op.f('fk_objection_entity_id_market_entity')),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['user.id'], name=op.f('fk_objection_submitted_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_objection'))
    )
    with op.batch_alter_table('objection', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_objection_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_objection_entity_id'), ['entity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_objection_status'), ['status'], unique=False)

    op.create_table('status_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subject_type', sa.String(length=32), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('details', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user.id'], name=op.f('fk_status_event_actor_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_status_event'))
    )
    with op.batch_alter_table('status_event', schema=None) as batch_op:
        batch_op.create_index('ix_status_event_subject', ['subject_type', 'subject_id'], unique=False)

    op.create_table('campaign_agency',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('matters', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_campaign_agency_agency_id_agency')),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_campaign_agency_campaign_id_campaign')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign_agency')),
    sa.UniqueConstraint('campaign_id', 'agency_id', name=op.f('uq_campaign_agency_campaign_id_agency_id'))
    )
    with op.batch_alter_table('campaign_agency', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaign_agency_campaign_id'), ['campaign_id'], unique=False)

    op.create_table('campaign_selection',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('credit_class', sa.Enum('A', 'B', 'C', 'D', name='creditclass', native_enum=False), nullable=True),
    sa.Column('reason', sa.Enum('random_draw', 'risk_ranking', 'complaint', 'follow_up', 'licence', 'referral', 'cluster', 'other', 'unknown', name='selectionreason', native_enum=False, length=32), nullable=False),
    sa.Column('selection_probability', sa.Double(), nullable=True),
    sa.Column('risk_probability', sa.Double(), nullable=True),
    sa.Column('rank', sa.Integer(), nullable=True),
    sa.Column('cluster_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_campaign_selection_agency_id_agency')),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_campaign_selection_campaign_id_campaign')),
    sa.ForeignKeyConstraint(['cluster_id'], ['risk_cluster.id'], name=op.f('fk_campaign_selection_cluster_id_risk_cluster')),
    sa.ForeignKeyConstraint(['entity_id'], ['market_entity.id'], name=op.f('fk_campaign_selection_entity_id_market_entity')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign_selection')),
    sa.UniqueConstraint('campaign_id', 'entity_id', 'agency_id', name=op.f('uq_campaign_selection_campaign_id_entity_id_agency_id'))
    )
    with op.batch_alter_table('campaign_selection', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaign_selection_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_campaign_selection_entity_id'), ['entity_id'], unique=False)

    op.create_table('credit_assessment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('points', sa.Double(), nullable=False),
    sa.Column('credit_class', sa.Enum('A', 'B', 'C', 'D', name='creditclass', native_enum=False), nullable=False),
    sa.Column('risk_probability', sa.Double(), nullable=True),
    sa.Column('model_version_id', sa.Integer(), nullable=True),
    sa.Column('reasons', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('overrides', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('trigger', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['entity_id'], ['market_entity.id'], name=op.f('fk_credit_assessment_entity_id_market_entity')),
    sa.ForeignKeyConstraint(['model_version_id'], ['model_version.id'], name=op.f('fk_credit_assessment_model_version_id_model_version')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_credit_assessment'))
    )
    with op.batch_alter_table('credit_assessment', schema=None) as batch_op:
        batch_op.create_index('ix_credit_assessment_entity_created', ['entity_id', 'created_at'], unique=False)

    op.create_table('inspection_task',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('cluster_id', sa.Integer(), nullable=True),
    sa.Column('window_start', sa.Date(), nullable=False),
    sa.Column('window_end', sa.Date(), nullable=False),
    sa.Column('status', sa.Enum('planned', 'assigned', 'in_progress', 'done', 'cancelled', name='taskstatus', native_enum=False, length=32), nullable=False),
    sa.Column('expected_findings', sa.Double(), nullable=False),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_inspection_task_campaign_id_campaign')),
    sa.ForeignKeyConstraint(['cluster_id'], ['risk_cluster.id'], name=op.f('fk_inspection_task_cluster_id_risk_cluster')),
    sa.ForeignKeyConstraint(['entity_id'], ['market_entity.id'], name=op.f('fk_inspection_task_entity_id_market_entity')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inspection_task'))
    )
    with op.batch_alter_table('inspection_task', schema=None) as batch_op:
        batch_op.create_index('ix_inspection_task_campaign_status', ['campaign_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspection_task_entity_id'), ['entity_id'], unique=False)

    op.create_table('record_revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('record_type', sa.String(length=32), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('before', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('after', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('objection_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['objection_id'], ['objection.id'], name=op.f('fk_record_revision_objection_id_objection')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_record_revision_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_record_revision'))
    )
    with op.batch_alter_table('record_revision', schema=None) as batch_op:
        batch_op.create_index('ix_record_revision_record', ['record_type', 'record_id'], unique=False)

    op.create_table('risk_score',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('model_version_id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=True),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('probability', sa.Double(), nullable=False),
    sa.Column('risk_class', sa.Enum('A', 'B', 'C', 'D', name='creditclass', native_enum=False), nullable=False),
    sa.Column('reasons', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_risk_score_agency_id_agency')),
    sa.ForeignKeyConstraint(['entity_id'], ['market_entity.id'], name=op.f('fk_risk_score_entity_id_market_entity')),
    sa.ForeignKeyConstraint(['model_version_id'], ['model_version.id'], name=op.f('fk_risk_score_model_version_id_model_version')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_risk_score'))
    )
    with op.batch_alter_table('risk_score', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_risk_score_entity_id'), ['entity_id'], unique=False)
        batch_op.create_index('ix_risk_score_model_entity', ['model_version_id', 'entity_id'], unique=False)

    op.create_table('source_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=True),
    sa.Column('row_number', sa.Integer(), nullable=True),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('record_type', sa.Enum('registration', 'role', 'investment', 'licence', 'inspection', 'violation', 'enforcement', 'list_entry', 'complaint', 'context', name='recordtype', native_enum=False, length=32), nullable=True),
    sa.Column('source_key', sa.String(length=200), nullable=True),
    sa.Column('raw', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('canonical', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('status', sa.Enum('accepted', 'rejected', 'resubmitted', name='sourcestatus', native_enum=False, length=32), nullable=False),
    sa.Column('errors', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('findings', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('uscc_raw', sa.String(length=64), nullable=True),
    sa.Column('uscc_valid', sa.Boolean(), nullable=True),
    sa.Column('entity_id', sa.Integer(), nullable=True),
    sa.Column('link_method', sa.Enum('uscc', 'source_key', 'probabilistic', 'review', 'manual', 'address', 'new', name='linkmethod', native_enum=False, length=32), nullable=True),
    sa.Column('link_probability', sa.Double(), nullable=True),
    sa.Column('linked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resubmitted_as_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_source_record_agency_id_agency')),
    sa.ForeignKeyConstraint(['batch_id'], ['import_batch.id'], name=op.f('fk_source_record_batch_id_import_batch')),
    sa.ForeignKeyConstraint(['entity_id'], ['market_entity.id'], name=op.f('fk_source_record_entity_id_market_entity')),
    sa.ForeignKeyConstraint(['resubmitted_as_id'], ['source_record.id'], name=op.f('fk_source_record_resubmitted_as_id_source_record')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_source_record')),
    sa.UniqueConstraint('agency_id', 'content_hash', name=op.f('uq_source_record_agency_id_content_hash'))
    )
    with op.batch_alter_table('source_record', schema=None) as batch_op:
        batch_op.create_index('ix_source_record_agency_source_key', ['agency_id', 'source_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_source_record_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_source_record_entity_id'), ['entity_id'], unique=False)
        batch_op.create_index('ix_source_record_status_agency', ['status', 'agency_id'], unique=False)

    op.create_table('complaint',
    sa.Column('entity_id', sa.Integer(), nullable=True),
    sa.Column('address_id', sa.Integer(), nullable=True),
    sa.Column('received_date', sa.Date(), nullable=False),
    sa.Column('category', sa.String(length=200), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('complaint_status', sa.Enum('open', 'closed', 'unfounded', 'substantiated', name='complaintstatus', native_enum=False, length=32), nullable=False),
    sa.Column('link_method', sa.Enum('uscc', 'source_key', 'probabilistic', 'review', 'manual', 'address', 'new', name='linkmethod', native_enum=False, length=32), nullable=True),
    sa.Column('latitude', sa.Double(), nullable=True),
    sa.Column('longitude', sa.Double(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('source_record_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('active', 'corrected', 'withdrawn', name='recordstatus', native_enum=False, length=32), nullable=False),
    sa.Column('external_id', sa.String(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['address_id'], ['address.id'], name=op.f('fk_complaint_address_id_address')),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_complaint_agency_id_agency')),
    sa.ForeignKeyConstraint(['entity_id'], ['market_entity.id'], name=op.f('fk_complaint_entity_id_market_entity')),
    sa.ForeignKeyConstraint(['source_record_id'], ['source_record.id'], name=op.f('fk_complaint_source_record_id_source_record')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaint'))
    )
    with op.batch_alter_table('complaint', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_complaint_address_id'), ['address_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaint_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaint_entity_id'), ['entity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaint_received_date'), ['received_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaint_source_record_id'), ['source_record_id'], unique=False)

    op.create_table('context_value',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('source_record_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=64), nullable=False),
    sa.Column('on_date', sa.Date(), nullable=True),
    sa.Column('district', sa.String(length=100), nullable=True),
    sa.Column('subject_key', sa.String(length=200), nullable=True),
    sa.Column('values', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_context_value_agency_id_agency')),
    sa.ForeignKeyConstraint(['source_record_id'], ['source_record.id'], name=op.f('fk_context_value_source_record_id_source_record')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_context_value'))
    )
    with op.batch_alter_table('context_value', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_context_value_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index('ix_context_value_kind_date', ['kind', 'on_date'], unique=False)
        batch_op.create_index('ix_context_value_kind_subject', ['kind', 'subject_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_context_value_source_record_id'), ['source_record_id'], unique=False)

    op.create_table('entity_address',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('address_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('registered', 'operating', name='addresskind', native_enum=False, length=32), nullable=False),
    sa.Column('since', sa.Date(), nullable=True),
    sa.Column('source_record_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['address_id'], ['address.id'], name=op.f('fk_entity_address_address_id_address')),
    sa.ForeignKeyConstraint(['entity_id'], ['market_entity.id'], name=op.f('fk_entity_address_entity_id_market_entity')),
    sa.ForeignKeyConstraint(['source_record_id'], ['source_record.id'], name=op.f('fk_entity_address_source_record_id_source_record')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_entity_address'))
    )
    with op.batch_alter_table('entity_address', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_entity_address_address_id'), ['address_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_entity_address_entity_id'), ['entity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_entity_address_source_record_id'), ['source_record_id'], unique=False)

    op.create_table('entity_name',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('name_norm', sa.String(length=300), nullable=False),
    sa.Column('kind', sa.Enum('registered', 'former', 'variant', 'trade', name='namekind', native_enum=False, length=32), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('source_record_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['entity_id'], ['market_entity.id'], name=op.f('fk_entity_name_entity_id_market_entity')),
    sa.ForeignKeyConstraint(['source_record_id'], ['source_record.id'], name=op.f('fk_entity_name_source_record_id_source_record')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_entity_name'))
    )
    with op.batch_alter_table('entity_name', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_entity_name_entity_id'), ['entity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_entity_name_name_norm'), ['name_norm'], unique=False)
        batch_op.create_index(batch_op.f('ix_entity_name_source_record_id'), ['source_record_id'], unique=False)

    op.create_table('entity_phone',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('phone_id', sa.Integer(), nullable=False),
    sa.Column('source_record_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['entity_id'], ['market_entity.id'], name=op.f('fk_entity_phone_entity_id_market_entity')),
    sa.ForeignKeyConstraint(['phone_id'], ['phone.id'], name=op.f('fk_entity_phone_phone_id_phone')),
    sa.ForeignKeyConstraint(['source_record_id'], ['source_record.id'], name=op.f('fk_entity_phone_source_record_id_source_record')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_entity_phone'))
    )
    with op.batch_alter_table('entity_phone', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_entity_phone_entity_id'), ['entity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_entity_phone_phone_id'), ['phone_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_entity_phone_source_record_id'), ['source_record_id'], unique=False)

    op.create_table('entity_role',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('legal_representative', 'shareholder', 'director', 'manager', 'supervisor', 'owner', name='personrole', native_enum=False, length=32), nullable=False),
    sa.Column('share', sa.Double(), nullable=True),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('source_record_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['entity_id'], ['market_entity.id'], name=op.f('fk_entity_role_entity_id_market_entity')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_entity_role_person_id_person')),
    sa.ForeignKeyConstraint(['source_record_id'], ['source_record.id'], name=op.f('fk_entity_role_source_record_id_source_record')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_entity_role'))
    )
    with op.batch_alter_table('entity_role', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_entity_role_entity_id'), ['entity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_entity_role_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_entity_role_source_record_id'), ['source_record_id'], unique=False)

    op.create_table('inspection',
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('inspection_date', sa.Date(), nullable=False),
    sa.Column('inspection_type', sa.Enum('routine', 'complaint', 'follow_up', 'licence', 'special', 'joint', 'other', name='inspectiontype', native_enum=False, length=32), nullable=False),
    sa.Column('selection_reason', sa.Enum('random_draw', 'risk_ranking', 'complaint', 'follow_up', 'licence', 'referral', 'cluster', 'other', 'unknown', name='selectionreason', native_enum=False, length=32), nullable=False),
    sa.Column('selection_probability', sa.Double(), nullable=True),
    sa.Column('result', sa.Enum('pass', 'pass_with_conditions', 'fail', 'no_entry', 'not_found', 'closed', 'other', name='inspectionresult', native_enum=False, length=32), nullable=True),
    sa.Column('serious_violation', sa.Boolean(), nullable=True),
    sa.Column('violation_count', sa.Integer(), nullable=False),
    sa.Column('inspectors_text', sa.String(length=500), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('internal_notes', sa.Text(), nullable=True),
    sa.Column('task_id', sa.Integer(), nullable=True),
    sa.Column('published', sa.Boolean(), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('source_record_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('active', 'corrected', 'withdrawn', name='recordstatus', native_enum=False, length=32), nullable=False),
    sa.Column('external_id', sa.String(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_inspection_agency_id_agency')),
    sa.ForeignKeyConstraint(['entity_id'], ['market_entity.id'], name=op.f('fk_inspection_entity_id_market_entity')),
    sa.ForeignKeyConstraint(['source_record_id'], ['source_record.id'], name=op.f('fk_inspection_source_record_id_source_record')),
    sa.ForeignKeyConstraint(['task_id'], ['inspection_task.id'], name=op.f('fk_inspection_task_id_inspection_task')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inspection'))
    )
    with op.batch_alter_table('inspection', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inspection_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index('ix_inspection_entity_date', ['entity_id', 'inspection_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspection_inspection_date'), ['inspection_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspection_source_record_id'), ['source_record_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspection_task_id'), ['task_id'], unique=False)

    op.create_table('investment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('investor_id', sa.Integer(), nullable=False),
    sa.Column('investee_id', sa.Integer(), nullable=False),
    sa.Column('share', sa.Double(), nullable=True),
    sa.Column('since', sa.Date(), nullable=True),
    sa.Column('until', sa.Date(), nullable=True),
    sa.Column('source_record_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['investee_id'], ['market_entity.id'], name=op.f('fk_investment_investee_id_market_entity')),
    sa.ForeignKeyConstraint(['investor_id'], ['market_entity.id'], name=op.f('fk_investment_investor_id_market_entity')),
    sa.ForeignKeyConstraint(['source_record_id'], ['source_record.id'], name=op.f('fk_investment_source_record_id_source_record')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_investment'))
    )
    with op.batch_alter_table('investment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_investment_investee_id'), ['investee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_investment_investor_id'), ['investor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_investment_source_record_id'), ['source_record_id'], unique=False)

    op.create_table('licence',
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('licence_no', sa.String(length=100), nullable=True),
    sa.Column('licence_type', sa.String(length=200), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('issue_date', sa.Date(), nullable=True),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('licence_status', sa.Enum('valid', 'expired', 'suspended', 'revoked', 'cancelled', 'unknown', name='licencestatus', native_enum=False, length=32), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('source_record_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('active', 'corrected', 'withdrawn', name='recordstatus', native_enum=False, length=32), nullable=False),
    sa.Column('external_id', sa.String(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_licence_agency_id_agency')),
    sa.ForeignKeyConstraint(['entity_id'], ['market_entity.id'], name=op.f('fk_licence_entity_id_market_entity')),
    sa.ForeignKeyConstraint(['source_record_id'], ['source_record.id'], name=op.f('fk_licence_source_record_id_source_record')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_licence'))
    )
    with op.batch_alter_table('licence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_licence_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_licence_entity_id'), ['entity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_licence_licence_no'), ['licence_no'], unique=False)
        batch_op.create_index(batch_op.f('ix_licence_source_record_id'), ['source_record_id'], unique=False)

    op.create_table('list_entry',
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('list_type', sa.Enum('abnormal_operations', 'serious_illegal', name='listtype', native_enum=False, length=32), nullable=False),
    sa.Column('added_date', sa.Date(), nullable=False),
    sa.Column('added_reason', sa.Text(), nullable=True),
    sa.Column('removed_date', sa.Date(), nullable=True),
    sa.Column('removed_reason', sa.Text(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('source_record_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('active', 'corrected', 'withdrawn', name='recordstatus', native_enum=False, length=32), nullable=False),
    sa.Column('external_id', sa.String(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_list_entry_agency_id_agency')),
    sa.ForeignKeyConstraint(['entity_id'], ['market_entity.id'], name=op.f('fk_list_entry_entity_id_market_entity')),
    sa.ForeignKeyConstraint(['source_record_id'], ['source_record.id'], name=op.f('fk_list_entry_source_record_id_source_record')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_list_entry'))
    )
    with op.batch_alter_table('list_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_list_entry_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_list_entry_entity_id'), ['entity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_list_entry_list_type'), ['list_type'], unique=False)
        batch_op.create_index(batch_op.f('ix_list_entry_source_record_id'), ['source_record_id'], unique=False)

    op.create_table('match_review',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_record_id', sa.Integer(), nullable=False),
    sa.Column('candidate_entity_id', sa.Integer(), nullable=False),
    sa.Column('provisional_entity_id', sa.Integer(), nullable=True),
    sa.Column('probability', sa.Double(), nullable=False),
    sa.Column('match_weights', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('status', sa.Enum('pending', 'confirmed', 'rejected', name='reviewstatus', native_enum=False, length=32), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['candidate_entity_id'], ['market_entity.id'], name=op.f('fk_match_review_candidate_entity_id_market_entity')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_match_review_decided_by_id_user')),
    sa.ForeignKeyConstraint(['provisional_entity_id'], ['market_entity.id'], name=op.f('fk_match_review_provisional_entity_id_market_entity')),
    sa.ForeignKeyConstraint(['source_record_id'], ['source_record.id'], name=op.f('fk_match_review_source_record_id_source_record')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_match_review'))
    )
    with op.batch_alter_table('match_review', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_match_review_candidate_entity_id'), ['candidate_entity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_match_review_source_record_id'), ['source_record_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_match_review_status'), ['status'], unique=False)

    op.create_table('task_inspector',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_task_inspector_agency_id_agency')),
    sa.ForeignKeyConstraint(['task_id'], ['inspection_task.id'], name=op.f('fk_task_inspector_task_id_inspection_task')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_task_inspector_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_task_inspector')),
    sa.UniqueConstraint('task_id', 'user_id', name=op.f('uq_task_inspector_task_id_user_id'))
    )
    with op.batch_alter_table('task_inspector', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_task_inspector_task_id'), ['task_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_task_inspector_user_id'), ['user_id'], unique=False)

    op.create_table('inspection_inspector',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('inspection_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['inspection_id'], ['inspection.id'], name=op.f('fk_inspection_inspector_inspection_id_inspection')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_inspection_inspector_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inspection_inspector'))
    )
    with op.batch_alter_table('inspection_inspector', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inspection_inspector_inspection_id'), ['inspection_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspection_inspector_user_id'), ['user_id'], unique=False)

    op.create_table('referral',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('from_agency_id', sa.Integer(), nullable=False),
    sa.Column('to_agency_id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=True),
    sa.Column('inspection_id', sa.Integer(), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('sent', 'accepted', 'rejected', 'acted', name='referralstatus', native_enum=False, length=32), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('outcome', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_referral_created_by_id_user')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_referral_decided_by_id_user')),
    sa.ForeignKeyConstraint(['entity_id'], ['market_entity.id'], name=op.f('fk_referral_entity_id_market_entity')),
    sa.ForeignKeyConstraint(['from_agency_id'], ['agency.id'], name=op.f('fk_referral_from_agency_id_agency')),
    sa.ForeignKeyConstraint(['inspection_id'], ['inspection.id'], name=op.f('fk_referral_inspection_id_inspection')),
    sa.ForeignKeyConstraint(['task_id'], ['inspection_task.id'], name=op.f('fk_referral_task_id_inspection_task')),
    sa.ForeignKeyConstraint(['to_agency_id'], ['agency.id'], name=op.f('fk_referral_to_agency_id_agency')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referral'))
    )
    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_referral_entity_id'), ['entity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_referral_from_agency_id'), ['from_agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_referral_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_referral_to_agency_id'), ['to_agency_id'], unique=False)

    op.create_table('task_agency',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('matters', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('risk_probability', sa.Double(), nullable=True),
    sa.Column('selection_reason', sa.Enum('random_draw', 'risk_ranking', 'complaint', 'follow_up', 'licence', 'referral', 'cluster', 'other', 'unknown', name='selectionreason', native_enum=False, length=32), nullable=False),
    sa.Column('selection_probability', sa.Double(), nullable=True),
    sa.Column('inspection_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('planned', 'assigned', 'in_progress', 'done', 'cancelled', name='taskstatus', native_enum=False, length=32), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_task_agency_agency_id_agency')),
    sa.ForeignKeyConstraint(['inspection_id'], ['inspection.id'], name=op.f('fk_task_agency_inspection_id_inspection')),
    sa.ForeignKeyConstraint(['task_id'], ['inspection_task.id'], name=op.f('fk_task_agency_task_id_inspection_task')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_task_agency')),
    sa.UniqueConstraint('task_id', 'agency_id', name=op.f('uq_task_agency_task_id_agency_id'))
    )
    with op.batch_alter_table('task_agency', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_task_agency_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_task_agency_task_id'), ['task_id'], unique=False)

    op.create_table('violation',
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('inspection_id', sa.Integer(), nullable=True),
    sa.Column('code', sa.String(length=64), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('severity', sa.Enum('minor', 'serious', 'critical', name='severity', native_enum=False, length=32), nullable=False),
    sa.Column('found_date', sa.Date(), nullable=False),
    sa.Column('corrected_date', sa.Date(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('source_record_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('active', 'corrected', 'withdrawn', name='recordstatus', native_enum=False, length=32), nullable=False),
    sa.Column('external_id', sa.String(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_violation_agency_id_agency')),
    sa.ForeignKeyConstraint(['entity_id'], ['market_entity.id'], name=op.f('fk_violation_entity_id_market_entity')),
    sa.ForeignKeyConstraint(['inspection_id'], ['inspection.id'], name=op.f('fk_violation_inspection_id_inspection')),
    sa.ForeignKeyConstraint(['source_record_id'], ['source_record.id'], name=op.f('fk_violation_source_record_id_source_record')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_violation'))
    )
    with op.batch_alter_table('violation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_violation_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index('ix_violation_entity_date', ['entity_id', 'found_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_violation_inspection_id'), ['inspection_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_violation_source_record_id'), ['source_record_id'], unique=False)

    op.create_table('alert',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('joint_punishment', 'referral', name='alertkind', native_enum=False, length=32), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('list_entry_id', sa.Integer(), nullable=True),
    sa.Column('referral_id', sa.Integer(), nullable=True),
    sa.Column('message', sa.Text(), nullable=True),
    sa.Column('acknowledged_by_id', sa.Integer(), nullable=True),
    sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['acknowledged_by_id'], ['user.id'], name=op.f('fk_alert_acknowledged_by_id_user')),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_alert_agency_id_agency')),
    sa.ForeignKeyConstraint(['entity_id'], ['market_entity.id'], name=op.f('fk_alert_entity_id_market_entity')),
    sa.ForeignKeyConstraint(['list_entry_id'], ['list_entry.id'], name=op.f('fk_alert_list_entry_id_list_entry')),
    sa.ForeignKeyConstraint(['referral_id'], ['referral.id'], name=op.f('fk_alert_referral_id_referral')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alert'))
    )
    with op.batch_alter_table('alert', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_alert_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_alert_entity_id'), ['entity_id'], unique=False)

    op.create_table('enforcement_action',
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('decision_no', sa.String(length=200), nullable=True),
    sa.Column('decision_date', sa.Date(), nullable=False),
    sa.Column('legal_basis', sa.Text(), nullable=True),
    sa.Column('penalty_type', sa.Enum('warning', 'fine', 'confiscation', 'suspension', 'licence_revocation', 'detention', 'other', name='penaltytype', native_enum=False, length=32), nullable=False),
    sa.Column('amount', sa.Numeric(precision=16, scale=2), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('violation_id', sa.Integer(), nullable=True),
    sa.Column('publication_end', sa.Date(), nullable=True),
    sa.Column('repaired_on', sa.Date(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('source_record_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('active', 'corrected', 'withdrawn', name='recordstatus', native_enum=False, length=32), nullable=False),
    sa.Column('external_id', sa.String(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_enforcement_action_agency_id_agency')),
    sa.ForeignKeyConstraint(['entity_id'], ['market_entity.id'], name=op.f('fk_enforcement_action_entity_id_market_entity')),
    sa.ForeignKeyConstraint(['source_record_id'], ['source_record.id'], name=op.f('fk_enforcement_action_source_record_id_source_record')),
    sa.ForeignKeyConstraint(['violation_id'], ['violation.id'], name=op.f('fk_enforcement_action_violation_id_violation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enforcement_action'))
    )
    with op.batch_alter_table('enforcement_action', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enforcement_action_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_enforcement_action_decision_date'), ['decision_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_enforcement_action_decision_no'), ['decision_no'], unique=False)
        batch_op.create_index(batch_op.f('ix_enforcement_action_entity_id'), ['entity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_enforcement_action_source_record_id'), ['source_record_id'], unique=False)

    _audit_log_append_only()


AUDIT_TRIGGERS = {
    "sqlite": [
        "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
        "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
        "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
        "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
    ],
    "postgresql": [
        "CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$",
        "CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log "
        "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()",
    ],
}


def _audit_log_append_only():
    for statement in AUDIT_TRIGGERS.get(op.get_bind().dialect.name, []):
        op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_change ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")
    with op.batch_alter_table('enforcement_action', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enforcement_action_source_record_id'))
        batch_op.drop_index(batch_op.f('ix_enforcement_action_entity_id'))
        batch_op.drop_index(batch_op.f('ix_enforcement_action_decision_no'))
        batch_op.drop_index(batch_op.f('ix_enforcement_action_decision_date'))
        batch_op.drop_index(batch_op.f('ix_enforcement_action_agency_id'))

    op.drop_table('enforcement_action')
    with op.batch_alter_table('alert', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_alert_entity_id'))
        batch_op.drop_index(batch_op.f('ix_alert_agency_id'))

    op.drop_table('alert')
    with op.batch_alter_table('violation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_violation_source_record_id'))
        batch_op.drop_index(batch_op.f('ix_violation_inspection_id'))
        batch_op.drop_index('ix_violation_entity_date')
        batch_op.drop_index(batch_op.f('ix_violation_agency_id'))

    op.drop_table('violation')
    with op.batch_alter_table('task_agency', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_task_agency_task_id'))
        batch_op.drop_index(batch_op.f('ix_task_agency_agency_id'))

    op.drop_table('task_agency')
    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_referral_to_agency_id'))
        batch_op.drop_index(batch_op.f('ix_referral_status'))
        batch_op.drop_index(batch_op.f('ix_referral_from_agency_id'))
        batch_op.drop_index(batch_op.f('ix_referral_entity_id'))

    op.drop_table('referral')
    with op.batch_alter_table('inspection_inspector', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inspection_inspector_user_id'))
        batch_op.drop_index(batch_op.f('ix_inspection_inspector_inspection_id'))

    op.drop_table('inspection_inspector')
    with op.batch_alter_table('task_inspector', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_task_inspector_user_id'))
        batch_op.drop_index(batch_op.f('ix_task_inspector_task_id'))

    op.drop_table('task_inspector')
    with op.batch_alter_table('match_review', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_match_review_status'))
        batch_op.drop_index(batch_op.f('ix_match_review_source_record_id'))
        batch_op.drop_index(batch_op.f('ix_match_review_candidate_entity_id'))

    op.drop_table('match_review')
    with op.batch_alter_table('list_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_list_entry_source_record_id'))
        batch_op.drop_index(batch_op.f('ix_list_entry_list_type'))
        batch_op.drop_index(batch_op.f('ix_list_entry_entity_id'))
        batch_op.drop_index(batch_op.f('ix_list_entry_agency_id'))

    op.drop_table('list_entry')
    with op.batch_alter_table('licence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_licence_source_record_id'))
        batch_op.drop_index(batch_op.f('ix_licence_licence_no'))
        batch_op.drop_index(batch_op.f('ix_licence_entity_id'))
        batch_op.drop_index(batch_op.f('ix_licence_agency_id'))

    op.drop_table('licence')
    with op.batch_alter_table('investment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_investment_source_record_id'))
        batch_op.drop_index(batch_op.f('ix_investment_investor_id'))
        batch_op.drop_index(batch_op.f('ix_investment_investee_id'))

    op.drop_table('investment')
    with op.batch_alter_table('inspection', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inspection_task_id'))
        batch_op.drop_index(batch_op.f('ix_inspection_source_record_id'))
        batch_op.drop_index(batch_op.f('ix_inspection_inspection_date'))
        batch_op.drop_index('ix_inspection_entity_date')
        batch_op.drop_index(batch_op.f('ix_inspection_agency_id'))

    op.drop_table('inspection')
    with op.batch_alter_table('entity_role', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_entity_role_source_record_id'))
        batch_op.drop_index(batch_op.f('ix_entity_role_person_id'))
        batch_op.drop_index(batch_op.f('ix_entity_role_entity_id'))

    op.drop_table('entity_role')
    with op.batch_alter_table('entity_phone', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_entity_phone_source_record_id'))
        batch_op.drop_index(batch_op.f('ix_entity_phone_phone_id'))
        batch_op.drop_index(batch_op.f('ix_entity_phone_entity_id'))

    op.drop_table('entity_phone')
    with op.batch_alter_table('entity_name', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_entity_name_source_record_id'))
        batch_op.drop_index(batch_op.f('ix_entity_name_name_norm'))
        batch_op.drop_index(batch_op.f('ix_entity_name_entity_id'))

    op.drop_table('entity_name')
    with op.batch_alter_table('entity_address', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_entity_address_source_record_id'))
        batch_op.drop_index(batch_op.f('ix_entity_address_entity_id'))
        batch_op.drop_index(batch_op.f('ix_entity_address_address_id'))

    op.drop_table('entity_address')
    with op.batch_alter_table('context_value', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_context_value_source_record_id'))
        batch_op.drop_index('ix_context_value_kind_subject')
        batch_op.drop_index('ix_context_value_kind_date')
        batch_op.drop_index(batch_op.f('ix_context_value_agency_id'))

    op.drop_table('context_value')
    with op.batch_alter_table('complaint', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_complaint_source_record_id'))
        batch_op.drop_index(batch_op.f('ix_complaint_received_date'))
        batch_op.drop_index(batch_op.f('ix_complaint_entity_id'))
        batch_op.drop_index(batch_op.f('ix_complaint_agency_id'))
        batch_op.drop_index(batch_op.f('ix_complaint_address_id'))

    op.drop_table('complaint')
    with op.batch_alter_table('source_record', schema=None) as batch_op:
        batch_op.drop_index('ix_source_record_status_agency')
        batch_op.drop_index(batch_op.f('ix_source_record_entity_id'))
        batch_op.drop_index(batch_op.f('ix_source_record_batch_id'))
        batch_op.drop_index('ix_source_record_agency_source_key')

    op.drop_table('source_record')
    with op.batch_alter_table('risk_score', schema=None) as batch_op:
        batch_op.drop_index('ix_risk_score_model_entity')
        batch_op.drop_index(batch_op.f('ix_risk_score_entity_id'))

    op.drop_table('risk_score')
    with op.batch_alter_table('record_revision', schema=None) as batch_op:
        batch_op.drop_index('ix_record_revision_record')

    op.drop_table('record_revision')
    with op.batch_alter_table('inspection_task', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inspection_task_entity_id'))
        batch_op.drop_index('ix_inspection_task_campaign_status')

    op.drop_table('inspection_task')
    with op.batch_alter_table('credit_assessment', schema=None) as batch_op:
        batch_op.drop_index('ix_credit_assessment_entity_created')

    op.drop_table('credit_assessment')
    with op.batch_alter_table('campaign_selection', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campaign_selection_entity_id'))
        batch_op.drop_index(batch_op.f('ix_campaign_selection_campaign_id'))

    op.drop_table('campaign_selection')
    with op.batch_alter_table('campaign_agency', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campaign_agency_campaign_id'))

    op.drop_table('campaign_agency')
    with op.batch_alter_table('status_event', schema=None) as batch_op:
        batch_op.drop_index('ix_status_event_subject')

    op.drop_table('status_event')
    with op.batch_alter_table('objection', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_objection_status'))
        batch_op.drop_index(batch_op.f('ix_objection_entity_id'))
        batch_op.drop_index(batch_op.f('ix_objection_agency_id'))

    op.drop_table('objection')
    with op.batch_alter_table('model_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_model_version_active'))

    op.drop_table('model_version')
    with op.batch_alter_table('import_batch', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_import_batch_file_hash'))
        batch_op.drop_index(batch_op.f('ix_import_batch_agency_id'))

    op.drop_table('import_batch')
    with op.batch_alter_table('entity_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_entity_event_to_entity_id'))
        batch_op.drop_index(batch_op.f('ix_entity_event_from_entity_id'))

    op.drop_table('entity_event')
    with op.batch_alter_table('credit_repair', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_credit_repair_status'))
        batch_op.drop_index(batch_op.f('ix_credit_repair_entity_id'))
        batch_op.drop_index(batch_op.f('ix_credit_repair_agency_id'))

    op.drop_table('credit_repair')
    with op.batch_alter_table('conflict_declaration', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conflict_declaration_user_id'))
        batch_op.drop_index(batch_op.f('ix_conflict_declaration_entity_id'))

    op.drop_table('conflict_declaration')
    op.drop_table('campaign')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_log_user_id'))
        batch_op.drop_index('ix_audit_log_entity_at')
        batch_op.drop_index(batch_op.f('ix_audit_log_at'))
        batch_op.drop_index(batch_op.f('ix_audit_log_action'))

    op.drop_table('audit_log')
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_token_agency_id'))

    op.drop_table('api_token')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_role'))
        batch_op.drop_index(batch_op.f('ix_user_entity_id'))
        batch_op.drop_index(batch_op.f('ix_user_agency_id'))

    op.drop_table('user')
    with op.batch_alter_table('cluster_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cluster_member_entity_id'))
        batch_op.drop_index(batch_op.f('ix_cluster_member_cluster_id'))

    op.drop_table('cluster_member')
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_phone_id'))
        batch_op.drop_index(batch_op.f('ix_person_name_norm'))

    op.drop_table('person')
    with op.batch_alter_table('market_entity', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_market_entity_parent_id'))
        batch_op.drop_index(batch_op.f('ix_market_entity_name_norm'))
        batch_op.drop_index(batch_op.f('ix_market_entity_merged_into_id'))
        batch_op.drop_index(batch_op.f('ix_market_entity_industry_code'))
        batch_op.drop_index(batch_op.f('ix_market_entity_district'))
        batch_op.drop_index(batch_op.f('ix_market_entity_credit_class'))
        batch_op.drop_index(batch_op.f('ix_market_entity_address_id'))

    op.drop_table('market_entity')
    with op.batch_alter_table('risk_cluster', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_risk_cluster_build'))

    op.drop_table('risk_cluster')
    op.drop_table('phone')
    op.drop_table('agency')
    with op.batch_alter_table('address', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_address_district'))

    op.drop_table('address')
