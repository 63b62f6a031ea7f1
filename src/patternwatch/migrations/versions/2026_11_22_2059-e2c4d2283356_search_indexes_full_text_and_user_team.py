"""Search at force scale: indexes for every facet, full-text search, and an officer's team.

Portable indexes are declared on the models. Full text differs per database and lives only
here (migrations/env.py keeps autogenerate from proposing to drop these objects):

- SQLite: ``crime_fts``, an FTS5 external-content table over crime.reference, .narrative and
  .location_text (rowid = crime.id), kept in sync by three triggers on ``crime``.
  Beware: an Alembic batch migration that *recreates* the crime table on SQLite drops these
  triggers with it; such a migration must create them again (tests/crimes/test_explain.py fails
  while they are missing). See docs/search.md.
- PostgreSQL: a GIN expression index on to_tsvector('simple', ...) of the same columns, and a
  b-tree on ``reference COLLATE "C"`` (+ reported_at, id) for byte-order reference prefixes,
  sorting and keysets.
  The expressions must stay exactly as db/sql.py spells them, or the planner will not use them.

The index ``ix_crime_reported_at`` is replaced by ``ix_crime_reported_at_id`` (keyset paging
orders by reported_at, id), ``ix_crime_officer_in_charge_id`` by ``ix_crime_officer_status``
(an officer's or team's open crimes from the index alone), and
``ix_crime_classification_classification_crime`` by ``ix_crime_classification_search``, which
also answers "principal only" from the index.

Revision ID: e2c4d2283356
Revises: 83934fbc2fc4
Create Date: 2026-11-22 20:59:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "e2c4d2283356"
down_revision: str | None = "83934fbc2fc4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PG_DOCUMENT = (
    "to_tsvector('simple'::regconfig, regexp_replace(coalesce(reference, '') || ' ' || "
    "coalesce(narrative, '') || ' ' || coalesce(location_text, ''), '[^[:alnum:]]+', ' ', 'g'))"
)

SQLITE_FTS = [
    "CREATE VIRTUAL TABLE crime_fts USING fts5(reference, narrative, location_text, "
    "content='crime', content_rowid='id', tokenize='unicode61 remove_diacritics 0')",
    "INSERT INTO crime_fts(crime_fts) VALUES ('rebuild')",
    "CREATE TRIGGER crime_fts_after_insert AFTER INSERT ON crime BEGIN "
    "INSERT INTO crime_fts(rowid, reference, narrative, location_text) "
    "VALUES (new.id, new.reference, new.narrative, new.location_text); END",
    "CREATE TRIGGER crime_fts_after_delete AFTER DELETE ON crime BEGIN "
    "INSERT INTO crime_fts(crime_fts, rowid, reference, narrative, location_text) "
    "VALUES ('delete', old.id, old.reference, old.narrative, old.location_text); END",
    "CREATE TRIGGER crime_fts_after_update "
    "AFTER UPDATE OF reference, narrative, location_text ON crime BEGIN "
    "INSERT INTO crime_fts(crime_fts, rowid, reference, narrative, location_text) "
    "VALUES ('delete', old.id, old.reference, old.narrative, old.location_text); "
    "INSERT INTO crime_fts(rowid, reference, narrative, location_text) "
    "VALUES (new.id, new.reference, new.narrative, new.location_text); END",
]


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("team", sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f("ix_user_account_team"), ["team"], unique=False)

    with op.batch_alter_table("crime", schema=None) as batch_op:
        batch_op.drop_index("ix_crime_reported_at")
        batch_op.create_index("ix_crime_reported_at_id", ["reported_at", "id"], unique=False)
        batch_op.create_index(
            "ix_crime_district_reported_at", ["district", "reported_at", "id"], unique=False
        )
        batch_op.create_index(
            "ix_crime_status_reported_at", ["status", "reported_at", "id"], unique=False
        )
        batch_op.drop_index("ix_crime_officer_in_charge_id")
        batch_op.create_index(
            "ix_crime_officer_status",
            ["officer_in_charge_id", "status", "reported_at", "id"],
            unique=False,
        )
        batch_op.create_index("ix_crime_offence_from", ["offence_from"], unique=False)
        batch_op.create_index("ix_crime_outcome_code_id", ["outcome_code_id"], unique=False)
        batch_op.create_index(
            "ix_crime_restricted",
            ["id"],
            unique=False,
            sqlite_where=sa.text("is_restricted = 1"),
            postgresql_where=sa.text("is_restricted"),
        )

    with op.batch_alter_table("crime_classification", schema=None) as batch_op:
        batch_op.drop_index("ix_crime_classification_classification_crime")
        batch_op.create_index(
            "ix_crime_classification_search",
            ["classification_id", "is_principal", "crime_id"],
            unique=False,
        )

    with op.batch_alter_table("crime_online_method", schema=None) as batch_op:
        batch_op.create_index("ix_crime_online_method_method", ["method", "crime_id"], unique=False)

    with op.batch_alter_table("involvement", schema=None) as batch_op:
        batch_op.create_index(
            "ix_involvement_relationship_crime", ["relationship", "crime_id"], unique=False
        )

    if dialect == "sqlite":
        for statement in SQLITE_FTS:
            op.execute(statement)
    elif dialect == "postgresql":
        op.execute(f"CREATE INDEX ix_crime_text_search ON crime USING gin ({PG_DOCUMENT})")
        # reported_at and id ride along so a reference-prefix page sorted by date is read
        # from the index alone.
        op.execute(
            "CREATE INDEX ix_crime_reference_bytes "
            'ON crime (reference COLLATE "C", reported_at, id)'
        )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS crime_fts_after_{trigger}")
        op.execute("DROP TABLE IF EXISTS crime_fts")
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_crime_reference_bytes")
        op.execute("DROP INDEX IF EXISTS ix_crime_text_search")

    with op.batch_alter_table("involvement", schema=None) as batch_op:
        batch_op.drop_index("ix_involvement_relationship_crime")

    with op.batch_alter_table("crime_online_method", schema=None) as batch_op:
        batch_op.drop_index("ix_crime_online_method_method")

    with op.batch_alter_table("crime_classification", schema=None) as batch_op:
        batch_op.drop_index("ix_crime_classification_search")
        batch_op.create_index(
            "ix_crime_classification_classification_crime",
            ["classification_id", "crime_id"],
            unique=False,
        )

    with op.batch_alter_table("crime", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_crime_restricted",
            sqlite_where=sa.text("is_restricted = 1"),
            postgresql_where=sa.text("is_restricted"),
        )
        batch_op.drop_index("ix_crime_outcome_code_id")
        batch_op.drop_index("ix_crime_offence_from")
        batch_op.drop_index("ix_crime_officer_status")
        batch_op.create_index(
            "ix_crime_officer_in_charge_id", ["officer_in_charge_id"], unique=False
        )
        batch_op.drop_index("ix_crime_status_reported_at")
        batch_op.drop_index("ix_crime_district_reported_at")
        batch_op.drop_index("ix_crime_reported_at_id")
        batch_op.create_index("ix_crime_reported_at", ["reported_at"], unique=False)

    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_account_team"))
        batch_op.drop_column("team")
