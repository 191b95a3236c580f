"""report texts (sheet Rapporttexter)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 16:00:00.000000
"""

import sqlalchemy as sa

from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Blank Insats (the förbund as a whole) is stored as '' so the key works on both databases.
    op.create_table('report_texts',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('forbund', sa.String(length=300), nullable=False),
    sa.Column('insats', sa.String(length=300), nullable=False),
    sa.Column('period', sa.String(length=60), nullable=False),
    sa.Column('section', sa.String(length=120), nullable=False),
    sa.Column('text', sa.Text(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('upload_id', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('forbund', 'insats', 'period', 'section', name='uq_report_texts_key')
    )


def downgrade() -> None:
    op.drop_table('report_texts')
