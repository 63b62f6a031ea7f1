"""Person merges: what each reviewed merge moved, so that it can be undone exactly (issue 6).

Revision ID: a6e3c1f0d2b7
Revises: 5c7e1a9d3b21
Create Date: 2026-11-22 21:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import patternwatch.db.types

revision: str = "a6e3c1f0d2b7"
down_revision: str | None = "5c7e1a9d3b21"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "person_merge",
        sa.Column("survivor_id", sa.Integer(), nullable=False),
        sa.Column("merged_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("match_probability", sa.Float(), nullable=True),
        sa.Column("moved", sa.JSON(), nullable=False),
        sa.Column("merged_at", patternwatch.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("merged_by_id", sa.Integer(), nullable=True),
        sa.Column("undone_at", patternwatch.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("undone_by_id", sa.Integer(), nullable=True),
        sa.Column("undo_reason", sa.Text(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["merged_by_id"],
            ["user_account.id"],
            name=op.f("fk_person_merge_merged_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["merged_id"], ["person.id"], name=op.f("fk_person_merge_merged_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["survivor_id"], ["person.id"], name=op.f("fk_person_merge_survivor_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["undone_by_id"],
            ["user_account.id"],
            name=op.f("fk_person_merge_undone_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person_merge")),
    )
    with op.batch_alter_table("person_merge", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_person_merge_merged_id"), ["merged_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_person_merge_survivor_id"), ["survivor_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("person_merge", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_person_merge_survivor_id"))
        batch_op.drop_index(batch_op.f("ix_person_merge_merged_id"))
    op.drop_table("person_merge")
