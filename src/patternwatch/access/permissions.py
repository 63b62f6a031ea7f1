"""The one table of which actions each role may take; read it here, nowhere else."""

from __future__ import annotations

from enum import StrEnum

from patternwatch.access.enums import Role


class Action(StrEnum):
    CRIME_VIEW = "crime.view"
    CRIME_CREATE = "crime.create"
    CRIME_EDIT = "crime.edit"
    CRIME_RECLASSIFY = "crime.reclassify"
    CRIME_RESTRICT = "crime.restrict"
    INCIDENT_VIEW = "incident.view"
    INCIDENT_CREATE = "incident.create"
    INCIDENT_EDIT = "incident.edit"
    PERSON_VIEW = "person.view"
    PERSON_CREATE = "person.create"
    PERSON_EDIT = "person.edit"
    INVOLVEMENT_EDIT = "involvement.edit"
    REFERENCE_VIEW = "reference.view"
    REFERENCE_MANAGE = "reference.manage"
    USER_MANAGE = "user.manage"
    AUDIT_VIEW = "audit.view"
    # Used only by the audit trail for events no user action names (log-in, log-out, token use).
    SESSION_LOGIN = "session.login"
    SESSION_LOGOUT = "session.logout"
    SESSION_LOGIN_FAILED = "session.login_failed"
    TOKEN_CREATE = "token.create"
    CRIME_SEARCH = "crime.search"
    PERSON_SEARCH = "person.search"
    # Merge duplicate person records and undo a merge (issue 6): a reviewed decision.
    PERSON_MERGE = "person.merge"
    # Export a search to CSV/XLSX: bulk personal data leaving the system, so audited and only
    # for roles that analyse or investigate (issue 4).
    REPORT_EXPORT = "report.export"
    # Stalking screening (issue 6): see flags and evidence; decide them (registrar, supervisor).
    SCREENING_VIEW = "screening.view"
    SCREENING_REVIEW = "screening.review"
    # Safeguarding (issue 7): risk, orders, outcomes, Victims' Code, task inbox.
    SAFEGUARDING_VIEW = "safeguarding.view"
    RISK_ASSESS = "risk.assess"
    ORDER_MANAGE = "order.manage"
    CRIME_OUTCOME = "crime.outcome"
    VICTIM_CARE_EDIT = "victim_care.edit"
    TASK_VIEW = "task.view"


_READ_RECORDS = frozenset(
    {
        Action.CRIME_VIEW,
        Action.INCIDENT_VIEW,
        Action.PERSON_VIEW,
        Action.REFERENCE_VIEW,
        Action.SAFEGUARDING_VIEW,
    }
)

_INVESTIGATE = _READ_RECORDS | {
    Action.CRIME_CREATE,
    Action.CRIME_EDIT,
    Action.CRIME_RECLASSIFY,
    Action.INCIDENT_CREATE,
    Action.INCIDENT_EDIT,
    Action.PERSON_CREATE,
    Action.PERSON_EDIT,
    Action.INVOLVEMENT_EDIT,
    Action.REPORT_EXPORT,
    Action.RISK_ASSESS,
    Action.ORDER_MANAGE,
    Action.CRIME_OUTCOME,
    Action.VICTIM_CARE_EDIT,
    Action.TASK_VIEW,
    Action.SCREENING_VIEW,
}

ROLE_ACTIONS: dict[Role, frozenset[Action]] = {
    # Takes the call: records incidents and the people in them, may raise a crime at the call.
    Role.CALL_HANDLER: _READ_RECORDS
    | {
        Action.INCIDENT_CREATE,
        Action.INCIDENT_EDIT,
        Action.PERSON_CREATE,
        Action.CRIME_CREATE,
        Action.INVOLVEMENT_EDIT,
        # THRIVE grading happens at the call.
        Action.RISK_ASSESS,
    },
    Role.INVESTIGATOR: _INVESTIGATE,
    # Supervisors also see every restricted crime and decide who else may.
    Role.SUPERVISOR: _INVESTIGATE
    | {Action.CRIME_RESTRICT, Action.AUDIT_VIEW, Action.SCREENING_REVIEW},
    # The crime registrar owns classification decisions (HOCR), not investigation detail.
    Role.REGISTRAR: _READ_RECORDS
    | {
        Action.CRIME_RECLASSIFY,
        Action.REPORT_EXPORT,
        Action.SCREENING_VIEW,
        Action.SCREENING_REVIEW,
    },
    Role.ANALYST: _READ_RECORDS | {Action.REPORT_EXPORT, Action.SCREENING_VIEW},
    # Victim care officers keep the Victims' Code duties and referrals, and see their inbox.
    Role.VICTIM_CARE: _READ_RECORDS | {Action.VICTIM_CARE_EDIT, Action.TASK_VIEW},
    # Partner agencies see no crime records unless a later capability shares them.
    Role.PARTNER: frozenset(),
    Role.ADMIN: _READ_RECORDS | {Action.REFERENCE_MANAGE, Action.USER_MANAGE, Action.AUDIT_VIEW},
}

# Person merges (issue 6): supervisors and the crime registrar review duplicate candidates.
for _role in (Role.SUPERVISOR, Role.REGISTRAR):
    ROLE_ACTIONS[_role] = ROLE_ACTIONS[_role] | {Action.PERSON_MERGE}

# Roles that see every restricted crime without being named on it.
SEES_ALL_RESTRICTED: frozenset[Role] = frozenset({Role.SUPERVISOR})


def can(role: Role, action: Action) -> bool:
    """Whether a role may take an action."""
    return action in ROLE_ACTIONS[role]
