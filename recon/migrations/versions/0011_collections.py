"""Collections: the customer master (contact, language, channel, terms, collection status,
notes), dunning policies and levels, reminders and their items (unique per invoice and level),
promises to pay, disputes, the contact log, suppressed addresses, template edits, pay links and
payer bank accounts.

Revision ID: 0011_collections
Revises: 0010_credit
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_collections"
down_revision: str | None = "0010_credit"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('dunning_policy',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tier', sa.String(length=8), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dunning_policy')),
    sa.UniqueConstraint('tier', name=op.f('uq_dunning_policy_tier'))
    )
    op.create_table('reminder_template',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=32), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('subject', sa.String(length=255), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('html', sa.Text(), nullable=False),
    sa.Column('sms', sa.Text(), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reminder_template')),
    sa.UniqueConstraint('key', 'language', name=op.f('uq_reminder_template_key_language'))
    )
    op.create_table('suppression',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('address', sa.String(length=255), nullable=False),
    sa.Column('reason', sa.String(length=8), nullable=False),
    sa.Column('detail', sa.Text(), nullable=True),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("reason IN ('opt_out', 'bounce')", name=op.f('ck_suppression_reason')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_suppression')),
    sa.UniqueConstraint('address', name=op.f('uq_suppression_address'))
    )
    op.create_table('contact_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('follow_up_on', sa.Date(), nullable=True),
    sa.Column('assigned_to', sa.String(length=64), nullable=True),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("kind IN ('call', 'email', 'note', 'sms')", name=op.f('ck_contact_log_kind')),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_contact_log_customer_id_customer')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contact_log'))
    )
    with op.batch_alter_table('contact_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contact_log_assigned_to'), ['assigned_to'], unique=False)
        batch_op.create_index(batch_op.f('ix_contact_log_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contact_log_follow_up_on'), ['follow_up_on'], unique=False)

    op.create_table('customer_bank_account',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('account_key', sa.String(length=64), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_customer_bank_account_customer_id_customer')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customer_bank_account')),
    sa.UniqueConstraint('account_key', name=op.f('uq_customer_bank_account_account_key'))
    )
    with op.batch_alter_table('customer_bank_account', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_customer_bank_account_customer_id'), ['customer_id'], unique=False)

    op.create_table('dunning_level',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('policy_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('days', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=12), nullable=False),
    sa.Column('template', sa.String(length=32), nullable=False),
    sa.Column('attach_statement', sa.Boolean(), nullable=False),
    sa.Column('min_amount', sa.String(length=32), nullable=False),
    sa.CheckConstraint("channel IN ('email', 'sms', 'preferred')", name=op.f('ck_dunning_level_channel')),
    sa.ForeignKeyConstraint(['policy_id'], ['dunning_policy.id'], name=op.f('fk_dunning_level_policy_id_dunning_policy')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dunning_level')),
    sa.UniqueConstraint('policy_id', 'level', name=op.f('uq_dunning_level_policy_id_level'))
    )
    op.create_table('reminder',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('level_name', sa.String(length=64), nullable=False),
    sa.Column('channel', sa.String(length=8), nullable=False),
    sa.Column('address', sa.String(length=255), nullable=True),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('subject', sa.String(length=255), nullable=False),
    sa.Column('body_text', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=True),
    sa.Column('attach_statement', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('message_id', sa.String(length=255), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('run_date', sa.Date(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('pending', 'sent', 'failed', 'dead')", name=op.f('ck_reminder_status')),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_reminder_customer_id_customer')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reminder'))
    )
    with op.batch_alter_table('reminder', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reminder_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reminder_status'), ['status'], unique=False)

    op.create_table('dispute',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('resolution', sa.Text(), nullable=True),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('resolved_by', sa.String(length=64), nullable=True),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('open', 'resolved')", name=op.f('ck_dispute_status')),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_dispute_customer_id_customer')),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoice.id'], name=op.f('fk_dispute_invoice_id_invoice')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dispute'))
    )
    with op.batch_alter_table('dispute', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dispute_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_dispute_invoice_id'), ['invoice_id'], unique=False)

    op.create_table('pay_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.Column('gateway', sa.String(length=16), nullable=False),
    sa.Column('external_id', sa.String(length=255), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('amount_minor', sa.BigInteger(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('extra', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoice.id'], name=op.f('fk_pay_link_invoice_id_invoice')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pay_link')),
    sa.UniqueConstraint('invoice_id', 'gateway', name=op.f('uq_pay_link_invoice_id_gateway'))
    )
    with op.batch_alter_table('pay_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pay_link_invoice_id'), ['invoice_id'], unique=False)

    op.create_table('promise_to_pay',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=True),
    sa.Column('promised_date', sa.Date(), nullable=False),
    sa.Column('amount_minor', sa.BigInteger(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('open', 'kept', 'broken')", name=op.f('ck_promise_to_pay_status')),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_promise_to_pay_customer_id_customer')),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoice.id'], name=op.f('fk_promise_to_pay_invoice_id_invoice')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_promise_to_pay'))
    )
    with op.batch_alter_table('promise_to_pay', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_promise_to_pay_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_promise_to_pay_invoice_id'), ['invoice_id'], unique=False)

    op.create_table('reminder_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reminder_id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('open_minor', sa.BigInteger(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoice.id'], name=op.f('fk_reminder_item_invoice_id_invoice')),
    sa.ForeignKeyConstraint(['reminder_id'], ['reminder.id'], name=op.f('fk_reminder_item_reminder_id_reminder')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reminder_item')),
    sa.UniqueConstraint('invoice_id', 'level', name=op.f('uq_reminder_item_invoice_id_level'))
    )
    with op.batch_alter_table('reminder_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reminder_item_invoice_id'), ['invoice_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reminder_item_reminder_id'), ['reminder_id'], unique=False)

    with op.batch_alter_table('customer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('contact_name', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('email', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('phone', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('language', sa.String(length=8), server_default='en', nullable=False))
        batch_op.add_column(sa.Column('channel', sa.String(length=8), server_default='email', nullable=False))
        batch_op.add_column(sa.Column('terms_days', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('collection_status', sa.String(length=12), server_default='normal', nullable=False))
        batch_op.add_column(sa.Column('notes', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('erased_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_check_constraint(
            op.f('ck_customer_collection_status'),
            "collection_status IN ('normal', 'paused', 'dispute', 'legal')")
        batch_op.create_check_constraint(op.f('ck_customer_language'), "language IN ('en', 'zh-CN')")
        batch_op.create_check_constraint(op.f('ck_customer_channel'), "channel IN ('email', 'sms')")


def downgrade() -> None:
    with op.batch_alter_table('customer', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_customer_channel'), type_='check')
        batch_op.drop_constraint(op.f('ck_customer_language'), type_='check')
        batch_op.drop_constraint(op.f('ck_customer_collection_status'), type_='check')
        batch_op.drop_column('erased_at')
        batch_op.drop_column('notes')
        batch_op.drop_column('collection_status')
        batch_op.drop_column('terms_days')
        batch_op.drop_column('channel')
        batch_op.drop_column('language')
        batch_op.drop_column('phone')
        batch_op.drop_column('email')
        batch_op.drop_column('contact_name')

    with op.batch_alter_table('reminder_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reminder_item_reminder_id'))
        batch_op.drop_index(batch_op.f('ix_reminder_item_invoice_id'))

    op.drop_table('reminder_item')
    with op.batch_alter_table('promise_to_pay', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_promise_to_pay_invoice_id'))
        batch_op.drop_index(batch_op.f('ix_promise_to_pay_customer_id'))

    op.drop_table('promise_to_pay')
    with op.batch_alter_table('pay_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pay_link_invoice_id'))

    op.drop_table('pay_link')
    with op.batch_alter_table('dispute', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dispute_invoice_id'))
        batch_op.drop_index(batch_op.f('ix_dispute_customer_id'))

    op.drop_table('dispute')
    with op.batch_alter_table('reminder', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reminder_status'))
        batch_op.drop_index(batch_op.f('ix_reminder_customer_id'))

    op.drop_table('reminder')
    op.drop_table('dunning_level')
    with op.batch_alter_table('customer_bank_account', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_customer_bank_account_customer_id'))

    op.drop_table('customer_bank_account')
    with op.batch_alter_table('contact_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contact_log_follow_up_on'))
        batch_op.drop_index(batch_op.f('ix_contact_log_customer_id'))
        batch_op.drop_index(batch_op.f('ix_contact_log_assigned_to'))

    op.drop_table('contact_log')
    op.drop_table('suppression')
    op.drop_table('reminder_template')
    op.drop_table('dunning_policy')
