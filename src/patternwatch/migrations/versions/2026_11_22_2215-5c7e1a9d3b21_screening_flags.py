"""Screening flags: possible stalking found in crime and incident narratives, with evidence and
the registrar's decision.

Revision ID: 5c7e1a9d3b21
Revises: 94fdd9d5183c
Create Date: 2026-11-22 22:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import patternwatch.db.types

revision: str = "5c7e1a9d3b21"
down_revision: str | None = "94fdd9d5183c"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "screening_flag",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "record_type",
            sa.Enum("crime", "incident", name="flagrecordtype", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column(
            "method",
            sa.Enum("text", "series", name="flagmethod", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("indicators", sa.String(length=400), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("needs_human", sa.Boolean(), nullable=False),
        sa.Column("series_id", sa.String(length=64), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "open", "confirmed", "dismissed", name="flagstatus", native_enum=False, length=32
            ),
            nullable=False,
        ),
        sa.Column("created_at", patternwatch.db.types.UTCDateTime(), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_by_name", sa.String(length=64), nullable=True),
        sa.Column("decided_at", patternwatch.db.types.UTCDateTime(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["user_account.id"],
            name=op.f("fk_screening_flag_decided_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_screening_flag")),
        sa.UniqueConstraint(
            "record_type", "record_id", "method", name=op.f("uq_screening_flag_record_type")
        ),
    )
    with op.batch_alter_table("screening_flag", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_screening_flag_status"), ["status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("screening_flag", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_screening_flag_status"))
    op.drop_table("screening_flag")
