"""The database side of generation: read the targets, then write row batches fast.

``rows.RowBuilder`` turns cases into rows (in the second process of a large run); this module
reads what the rows need from the database first (each table's maximum id, the code lists) and
writes the batches: the driver's ``executemany`` on SQLite, COPY on PostgreSQL, Core ``insert()``
executemany anywhere else. On PostgreSQL the id sequences are moved past the ids written.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Table, func, insert, select, text

from patternwatch.access.models import User
from patternwatch.crimes.models import (
    ClassificationChange,
    Crime,
    CrimeClassification,
    CrimeOnlineMethod,
)
from patternwatch.errors import Invalid
from patternwatch.incidents.models import Incident
from patternwatch.orders.models import Breach, OrderEvent, OrderTerm, ProtectiveOrder, SpoDecision
from patternwatch.people.models import Involvement, Person, PersonIdentifier
from patternwatch.reference.models import Classification, OutcomeCode
from patternwatch.risk.enums import RiskTool
from patternwatch.risk.models import RiskAnswer, RiskAssessment, RiskQuestion, RiskQuestionSet
from patternwatch.synth.rows import DISABLED_PASSWORD_HASH, ID_TABLES, TABLES, IdBase, Targets
from patternwatch.synth.safeguarding import SafeguardingData
from patternwatch.victim_care.models import (
    BankHoliday,
    NeedsAssessment,
    Referral,
    VictimUpdate,
    VictimUpdateRule,
)

__all__ = ["DISABLED_PASSWORD_HASH", "IdBase", "Sink", "Targets", "check_codes", "read_targets"]

MODELS: dict[str, Table] = {
    m.__tablename__: m.__table__  # type: ignore[misc]
    for m in (
        User,
        Person,
        PersonIdentifier,
        Incident,
        Crime,
        CrimeClassification,
        ClassificationChange,
        CrimeOnlineMethod,
        Involvement,
        RiskAssessment,
        RiskAnswer,
        SpoDecision,
        ProtectiveOrder,
        OrderTerm,
        OrderEvent,
        Breach,
        NeedsAssessment,
        VictimUpdate,
        Referral,
    )
}


def read_targets(connection: Connection) -> Targets:
    """Each table's maximum id and the code lists, from the database about to be written."""
    max_ids = {
        name: int(
            connection.execute(select(func.coalesce(func.max(MODELS[name].c.id), 0))).scalar_one()
        )
        for name in ID_TABLES
    }
    dialect = connection.dialect.name
    return Targets(
        dialect=dialect if dialect in ("sqlite", "postgresql") else "other",
        max_ids=max_ids,
        classification_ids={
            code: cid
            for code, cid in connection.execute(select(Classification.code, Classification.id))
        },
        outcome_ids={
            code: oid for code, oid in connection.execute(select(OutcomeCode.code, OutcomeCode.id))
        },
        safeguarding=read_safeguarding(connection),
    )


def read_safeguarding(connection: Connection) -> SafeguardingData:
    """The current S-DASH question set, the update timescales and the bank holidays (data)."""
    qset = connection.execute(
        select(
            RiskQuestionSet.id,
            RiskQuestionSet.medium_from,
            RiskQuestionSet.high_from,
            RiskQuestionSet.marac_from,
        )
        .where(RiskQuestionSet.tool == RiskTool.S_DASH, RiskQuestionSet.is_current.is_(True))
        .order_by(RiskQuestionSet.version.desc())
        .limit(1)
    ).first()
    if qset is None:
        raise Invalid(
            "The database holds no current S-DASH question set. Upgrade the schema "
            "(patternwatch db upgrade) or restore the safeguarding data."
        )
    questions = connection.execute(
        select(RiskQuestion.key, RiskQuestion.recommends_dmi)
        .where(RiskQuestion.question_set_id == qset.id)
        .order_by(RiskQuestion.position)
    ).all()
    rules = connection.execute(
        select(
            VictimUpdateRule.kind,
            VictimUpdateRule.standard_working_days,
            VictimUpdateRule.enhanced_working_days,
        )
    ).all()
    return SafeguardingData(
        sdash_set_id=qset.id,
        sdash_keys=tuple(k for k, _ in questions),
        sdash_dmi_keys=tuple(k for k, dmi in questions if dmi),
        thresholds=(qset.medium_from, qset.high_from, qset.marac_from),
        update_days={str(kind): (std, enh) for kind, std, enh in sorted(rules)},
        bank_holidays=tuple(
            connection.execute(select(BankHoliday.day).order_by(BankHoliday.day)).scalars()
        ),
    )


def check_codes(targets: Targets, codes: set[str], outcomes: set[str]) -> None:
    """Fail early, naming them, if the code lists lack codes the scenario uses."""
    missing = sorted(codes - set(targets.classification_ids))
    missing_outcomes = sorted(outcomes - set(targets.outcome_ids))
    if missing or missing_outcomes:
        raise Invalid(
            "The database's code lists lack codes the generator uses: "
            + ", ".join(missing + [f"outcome {o}" for o in missing_outcomes])
            + ". Upgrade the schema (patternwatch db upgrade) or restore the codes."
        )


class Sink:
    """Write (table, payload) batches through one connection; the caller owns the transaction."""

    def __init__(self, connection: Connection) -> None:
        self.conn = connection
        self.dialect = connection.dialect.name
        quote = connection.dialect.identifier_preparer.quote
        self.sql: dict[str, str] = {}
        for name, cols in TABLES.items():
            names = ", ".join(quote(c) for c, _ in cols)
            if self.dialect == "postgresql":
                self.sql[name] = f"COPY {quote(name)} ({names}) FROM STDIN"
            else:
                marks = ", ".join("?" for _ in cols)
                self.sql[name] = f"INSERT INTO {quote(name)} ({names}) VALUES ({marks})"

    def write(self, table: str, payload: Any) -> None:
        if self.dialect == "sqlite":
            self.conn.exec_driver_sql(self.sql[table], payload)
        elif self.dialect == "postgresql":
            raw = self.conn.connection.dbapi_connection
            with raw.cursor() as cursor, cursor.copy(self.sql[table]) as copy:  # type: ignore[union-attr]
                copy.write(payload)
        else:
            names = [c for c, _ in TABLES[table]]
            self.conn.execute(
                insert(MODELS[table]), [dict(zip(names, row, strict=True)) for row in payload]
            )

    def finish(self) -> None:
        """On PostgreSQL, move each id sequence past the ids written."""
        if self.dialect != "postgresql":
            return
        for name in ID_TABLES:
            self.conn.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                    f"GREATEST((SELECT COALESCE(MAX(id), 0) FROM {name}), 1), "
                    f"(SELECT COALESCE(MAX(id), 0) FROM {name}) > 0)"
                )
            )
