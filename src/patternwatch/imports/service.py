"""Import force exports through a mapping, writing through the crimes/people/incidents services.

Each row runs inside a SAVEPOINT: a row the services refuse (``Invalid``, ``Conflict``) is rolled
back alone and rejected with the service's message, and the good rows around it are kept. Rows
commit in chunks (see batches.py) and are keyed by (source_system, source_ref), so a re-run skips
what committed. Unchanged rows are recognised by a hash of their mapped values.
"""

from __future__ import annotations

from itertools import islice
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from patternwatch.access.actor import Actor
from patternwatch.access.permissions import Action
from patternwatch.audit import service as audit
from patternwatch.crimes import service as crimes_service
from patternwatch.crimes.models import Crime
from patternwatch.db.types import utcnow
from patternwatch.errors import DomainError
from patternwatch.imports import bulk
from patternwatch.imports.batches import (
    BatchRun,
    ChunkResult,
    RunContext,
    batch_run,
    queue_for_screening,
)
from patternwatch.imports.enums import ImportKind, QueuedRecordType, RowOutcome
from patternwatch.imports.mapping import (
    MappedPerson,
    MappedRecord,
    RowMapper,
    RowRejected,
    check_codes_exist,
)
from patternwatch.imports.readers import RowReader, SourceRow, detect_format, inspect_file
from patternwatch.imports.schemas import ImportSummary, Mapping
from patternwatch.incidents import service as incidents_service
from patternwatch.incidents.models import Incident
from patternwatch.people import service as people_service
from patternwatch.people.models import Involvement, Person
from patternwatch.reference.models import Classification, OutcomeCode

__all__ = ["import_mapped_file", "import_police_uk_files"]

import_police_uk_files = bulk.import_police_uk_files

# Crime fields update_crime replaces wholesale; unmapped ones keep the crime's current value.
_CRIME_UPDATABLE = (
    "reported_at",
    "recorded_at",
    "offence_from",
    "offence_to",
    "location_text",
    "latitude",
    "longitude",
    "lsoa_code",
    "district",
    "is_online",
    "status",
    "narrative",
    "officer_in_charge_id",
    "incident_id",
    "is_restricted",
)
_INCIDENT_FIELDS = (
    "received_at",
    "source",
    "status",
    "location_text",
    "latitude",
    "longitude",
    "lsoa_code",
    "district",
    "narrative",
)
_PERSON_FIELDS = (
    "forename",
    "middle_names",
    "surname",
    "date_of_birth",
    "gender",
    "address",
    "postcode",
)


def import_mapped_file(
    ctx: RunContext, path: Path, mapping: Mapping, *, mapping_name: str | None = None
) -> ImportSummary:
    """Import one CSV, XLSX or JSON Lines file described by a mapping."""
    fmt = mapping.format or detect_format(path)
    info = inspect_file(
        path, fmt=fmt, encoding=mapping.encoding, fallback_encoding=mapping.fallback_encoding
    )
    with ctx.session_factory() as session:
        classification_codes = set(
            session.scalars(select(Classification.code).where(Classification.is_active.is_(True)))
        )
        outcome_codes = set(
            session.scalars(select(OutcomeCode.code).where(OutcomeCode.is_active.is_(True)))
        )
    check_codes_exist(
        mapping, classification_codes=classification_codes, outcome_codes=outcome_codes
    )
    mapper = RowMapper(
        mapping, classification_codes=classification_codes, outcome_codes=outcome_codes
    )
    with RowReader(info, fmt=fmt, delimiter=mapping.delimiter, sheet=mapping.sheet) as reader:
        # JSON Lines has no header: an absent key reads as a blank value, and a blank required
        # value rejects the row.
        if fmt != "jsonl":
            mapper.check_header(path.name, reader.header)
        with batch_run(
            ctx,
            kind=ImportKind.CRIMES,
            source_system=mapping.source_system,
            info=info,
            mapping_name=mapping_name,
        ) as run:
            writer = _RowWriter(run, mapping, mapper, jsonl=fmt == "jsonl")
            rows = iter(reader)
            while chunk_rows := list(islice(rows, max(ctx.chunk_size, 1))):
                chunk = ChunkResult()
                for row in chunk_rows:
                    writer.apply(row, chunk)
                run.end_chunk(chunk)
            return run.totals


class _RowWriter:
    def __init__(self, run: BatchRun, mapping: Mapping, mapper: RowMapper, *, jsonl: bool) -> None:
        self.run = run
        self.session: Session = run.session
        self.actor: Actor = run.ctx.actor
        self.mapping = mapping
        self.system = mapping.source_system
        self.mapper = mapper
        self.jsonl = jsonl
        self.seen: dict[str, int] = {}

    def apply(self, row: SourceRow, chunk: ChunkResult) -> None:
        chunk.summary.read += 1
        file_name = self.run.file_name
        if row.error:
            chunk.reject(file_name, row.line, row.error, row.raw)
            return
        try:
            record = self.mapper.map(row.values)
            first = self.seen.get(record.ref)
            if first is not None:
                raise RowRejected(
                    f"{record.kind} reference {record.ref!r} already appeared at line {first} of "
                    "this file; each record may appear once per file, so this row was not "
                    "imported (merge the two rows, or import them in separate files)"
                )
            self.seen[record.ref] = row.line
            with self.session.begin_nested():
                outcome = self._write(record, row)
        except RowRejected as exc:
            chunk.reject(file_name, row.line, exc.reason, row.raw)
            return
        except DomainError as exc:
            chunk.reject(file_name, row.line, exc.message, row.raw)
            return
        if outcome is RowOutcome.CREATED:
            chunk.summary.created += 1
        elif outcome is RowOutcome.UPDATED:
            chunk.summary.updated += 1
        else:
            chunk.summary.unchanged += 1

    def _write(self, record: MappedRecord, row: SourceRow) -> RowOutcome:
        if record.kind == "crime":
            return self._crime(record, row)
        if record.kind == "incident":
            return self._incident(record)
        if record.kind == "person":
            return self._person(record.ref, record.fields, record.content_hash)[1]
        return self._involvement(record)

    # ---- lookups by source key ----------------------------------------------------------------

    def _find(self, model: Any, ref: str) -> Any:
        return self.session.scalar(
            select(model).where(model.source_system == self.system, model.source_ref == ref)
        )

    def _incident_id(self, ref: str | None, column: str) -> int | None:
        if ref is None:
            return None
        incident = self._find(Incident, ref)
        if incident is None:
            raise RowRejected(
                f"incident {ref!r} (column {column!r}) has not been imported; import the "
                "incidents file first, then run this file again"
            )
        return incident.id

    # ---- crimes -------------------------------------------------------------------------------

    def _crime(self, record: MappedRecord, row: SourceRow) -> RowOutcome:
        spec = self.mapping.crime
        assert spec is not None
        incident_column = spec.incident_ref.column if spec.incident_ref else ""
        incident_id = self._incident_id(record.incident_ref, incident_column)
        fields = dict(record.fields)
        outcome = fields.pop("outcome", None)
        outcome_at = fields.pop("outcome_at", None)
        digest = record.content_hash
        existing = self._find(Crime, record.ref)
        if existing is None:
            data: dict[str, Any] = {
                **{k: v for k, v in fields.items() if v is not None},
                "reference": record.reference,
                "classifications": [
                    {"code": code, "principal": principal}
                    for code, principal in record.classifications
                ],
            }
            if incident_id is not None:
                data["incident_id"] = incident_id
            crime = crimes_service.create_crime(session=self.session, actor=self.actor, data=data)
            crime.source_system, crime.source_ref, crime.source_hash = (
                self.system,
                record.ref,
                digest,
            )
            self.session.flush()
            if outcome:
                self._set_outcome(crime, outcome, outcome_at)
            queue_for_screening(self.session, QueuedRecordType.CRIME, [crime.id])
            self._people(record.people, crime_id=crime.id)
            return RowOutcome.CREATED
        if existing.source_hash == digest:
            return RowOutcome.UNCHANGED
        crime = crimes_service.get_crime_for_actor(
            session=self.session, actor=self.actor, crime_id=existing.id, audit_read=False
        )
        changed = False
        wanted = {name: getattr(crime, name) for name in _CRIME_UPDATABLE}
        wanted.update(fields)
        if incident_id is not None:
            wanted["incident_id"] = incident_id
        if any(getattr(crime, name) != wanted[name] for name in _CRIME_UPDATABLE):
            wanted["online_methods"] = [m.method for m in crime.online_methods]
            crimes_service.update_crime(
                session=self.session, actor=self.actor, crime_id=crime.id, data=wanted
            )
            changed = True
        current = {cc.classification.code: cc.is_principal for cc in crime.classifications}
        if current != dict(record.classifications):
            crimes_service.reclassify_crime(
                session=self.session,
                actor=self.actor,
                crime_id=crime.id,
                data={
                    "classifications": [
                        {"code": code, "principal": principal}
                        for code, principal in record.classifications
                    ],
                    "reason": f"Reclassified in {self.system}; imported from "
                    f"{self.run.file_name} line {row.line}",
                },
            )
            changed = True
        if outcome and self._set_outcome(crime, outcome, outcome_at):
            changed = True
        if self._people(record.people, crime_id=crime.id):
            changed = True
        crime.source_hash = digest
        self.session.flush()
        return RowOutcome.UPDATED if changed else RowOutcome.UNCHANGED

    def _set_outcome(self, crime: Crime, code: str, outcome_at: Any) -> bool:
        """Record the outcome code (update_crime does not cover outcomes); audited."""
        row = self.session.scalar(select(OutcomeCode).where(OutcomeCode.code == code))
        assert row is not None  # the mapper checked the code against the same table
        at = outcome_at or crime.outcome_at or utcnow()
        if crime.outcome_code_id == row.id and crime.outcome_at == at:
            return False
        before = {"outcome_code_id": crime.outcome_code_id, "outcome_at": crime.outcome_at}
        crime.outcome_code_id, crime.outcome_at, crime.outcome_label = row.id, at, None
        crime.updated_at = utcnow()
        self.session.flush()
        audit.record(
            session=self.session,
            actor=self.actor,
            action=Action.CRIME_EDIT,
            entity_type="crime",
            entity_id=crime.id,
            summary=f"Outcome of crime {crime.reference} set to {row.code} by import",
            changes={
                "outcome_code_id": {"from": before["outcome_code_id"], "to": row.id},
                "outcome_at": {
                    "from": before["outcome_at"].isoformat() if before["outcome_at"] else None,
                    "to": at.isoformat(),
                },
            },
        )
        return True

    # ---- incidents ----------------------------------------------------------------------------

    def _incident(self, record: MappedRecord) -> RowOutcome:
        digest = record.content_hash
        fields = {k: v for k, v in record.fields.items() if v is not None}
        existing = self._find(Incident, record.ref)
        if existing is None:
            incident = incidents_service.create_incident(
                session=self.session,
                actor=self.actor,
                data={**fields, "reference": record.reference},
            )
            incident.source_system, incident.source_ref = self.system, record.ref
            incident.source_hash = digest
            self.session.flush()
            queue_for_screening(self.session, QueuedRecordType.INCIDENT, [incident.id])
            self._people(record.people, incident_id=incident.id)
            return RowOutcome.CREATED
        if existing.source_hash == digest:
            return RowOutcome.UNCHANGED
        wanted = {name: getattr(existing, name) for name in _INCIDENT_FIELDS}
        wanted.update(record.fields)
        changed = False
        if any(getattr(existing, name) != wanted[name] for name in _INCIDENT_FIELDS):
            incidents_service.update_incident(
                session=self.session, actor=self.actor, incident_id=existing.id, data=wanted
            )
            changed = True
        if self._people(record.people, incident_id=existing.id):
            changed = True
        existing.source_hash = digest
        self.session.flush()
        return RowOutcome.UPDATED if changed else RowOutcome.UNCHANGED

    # ---- people and involvements --------------------------------------------------------------

    def _people(
        self,
        people: list[MappedPerson],
        *,
        crime_id: int | None = None,
        incident_id: int | None = None,
    ) -> bool:
        """Create or update each person on the row and link them; True if anything changed."""
        changed = False
        for mp in people:
            person, outcome = self._person(mp.ref, mp.fields, mp.content_hash)
            if outcome is not RowOutcome.UNCHANGED:
                changed = True
            assert mp.role is not None
            if self._link(person.id, mp.role, mp.relationship, None, crime_id, incident_id):
                changed = True
        return changed

    def _person(self, ref: str, fields: dict[str, Any], digest: str) -> tuple[Person, RowOutcome]:
        existing = self._find(Person, ref)
        if existing is None:
            person = people_service.create_person(
                session=self.session,
                actor=self.actor,
                data={k: v for k, v in fields.items() if v is not None},
            )
            person.source_system, person.source_ref, person.source_hash = self.system, ref, digest
            self.session.flush()
            return person, RowOutcome.CREATED
        if existing.source_hash == digest:
            return existing, RowOutcome.UNCHANGED
        person = people_service.get_person_for_actor(
            session=self.session, actor=self.actor, person_id=existing.id, audit_read=False
        )
        wanted = {name: getattr(person, name) for name in _PERSON_FIELDS}
        wanted.update(fields)
        outcome = RowOutcome.UNCHANGED
        if any(getattr(person, name) != wanted[name] for name in _PERSON_FIELDS):
            # Keep aliases and identifiers recorded in Patternwatch: the export does not carry them.
            wanted["aliases"] = [
                {
                    "forename": a.forename,
                    "surname": a.surname,
                    "date_of_birth": a.date_of_birth,
                    "note": a.note,
                }
                for a in person.aliases
            ]
            wanted["identifiers"] = [{"kind": i.kind, "value": i.value} for i in person.identifiers]
            people_service.update_person(
                session=self.session, actor=self.actor, person_id=person.id, data=wanted
            )
            outcome = RowOutcome.UPDATED
        person.source_hash = digest
        self.session.flush()
        return person, outcome

    def _link(
        self,
        person_id: int,
        role: str,
        relationship: str | None,
        note: str | None,
        crime_id: int | None,
        incident_id: int | None,
    ) -> bool:
        """Ensure the involvement exists with this relationship; True if it was added or changed."""
        stmt = select(Involvement).where(
            Involvement.person_id == person_id,
            Involvement.role == role,
            Involvement.crime_id.is_(None)
            if crime_id is None
            else Involvement.crime_id == crime_id,
            Involvement.incident_id.is_(None)
            if incident_id is None
            else Involvement.incident_id == incident_id,
        )
        existing = self.session.scalar(stmt)
        if existing is None:
            people_service.add_involvement(
                session=self.session,
                actor=self.actor,
                data={
                    "person_id": person_id,
                    "role": role,
                    "relationship": relationship,
                    "note": note,
                    "crime_id": crime_id,
                    "incident_id": incident_id,
                },
            )
            return True
        current = existing.relationship.value if existing.relationship else None
        if relationship is None or current == relationship:
            return False
        # people_service has no "change involvement"; this is the one field an export revises.
        existing.relationship = relationship  # type: ignore[assignment]
        self.session.flush()
        audit.record(
            session=self.session,
            actor=self.actor,
            action=Action.INVOLVEMENT_EDIT,
            entity_type="person",
            entity_id=person_id,
            summary=f"Relationship on involvement {existing.id} set to {relationship} by import",
            changes={
                "involvement_id": existing.id,
                "relationship": {"from": current, "to": relationship},
            },
        )
        return True

    def _involvement(self, record: MappedRecord) -> RowOutcome:
        spec = self.mapping.involvement
        assert spec is not None and record.person_ref is not None and record.role is not None
        person = self._find(Person, record.person_ref)
        if person is None:
            raise RowRejected(
                f"person {record.person_ref!r} (column {spec.person_ref.column!r}) has not been "
                "imported; import the people file first, then run this file again"
            )
        crime_id = incident_id = None
        if record.crime_ref is not None:
            crime = self._find(Crime, record.crime_ref)
            if crime is None:
                assert spec.crime_ref is not None
                raise RowRejected(
                    f"crime {record.crime_ref!r} (column {spec.crime_ref.column!r}) has not been "
                    "imported; import the crimes file first, then run this file again"
                )
            crime_id = crime.id
        else:
            assert spec.incident_ref is not None
            incident_id = self._incident_id(record.incident_ref, spec.incident_ref.column)
        before = self.session.scalar(
            select(Involvement.id).where(
                Involvement.person_id == person.id,
                Involvement.role == record.role,
                Involvement.crime_id == crime_id
                if crime_id is not None
                else Involvement.incident_id == incident_id,
            )
        )
        changed = self._link(
            person.id, record.role, record.relationship, record.note, crime_id, incident_id
        )
        if not changed:
            return RowOutcome.UNCHANGED
        return RowOutcome.UPDATED if before is not None else RowOutcome.CREATED
