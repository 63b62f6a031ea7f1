"""Import every model so Base.metadata is complete (for Alembic and test create_all)."""

from patternwatch.access.models import ApiToken, User
from patternwatch.audit.models import AuditChainHead, AuditEvent
from patternwatch.crimes.models import (
    ClassificationChange,
    Crime,
    CrimeAccess,
    CrimeClassification,
    CrimeOnlineMethod,
)
from patternwatch.db.base import Base
from patternwatch.imports.models import ImportBatch, ImportRowError, ScreeningQueueItem
from patternwatch.incidents.models import Incident
from patternwatch.orders.models import (
    Breach,
    ComplianceCheck,
    OrderEvent,
    OrderTerm,
    ProtectiveOrder,
    SpoDecision,
)
from patternwatch.people.models import Involvement, Person, PersonAlias, PersonIdentifier
from patternwatch.reference.models import Classification, OutcomeCode
from patternwatch.risk.models import (
    RiskAnswer,
    RiskAssessment,
    RiskQuestion,
    RiskQuestionSet,
    ThriveGrading,
)
from patternwatch.screening.models import ScreeningFlag
from patternwatch.victim_care.models import (
    BankHoliday,
    NeedsAssessment,
    Referral,
    VictimFeedback,
    VictimRight,
    VictimUpdate,
    VictimUpdateRule,
)

__all__ = [
    "ApiToken",
    "AuditChainHead",
    "AuditEvent",
    "BankHoliday",
    "Base",
    "Breach",
    "Classification",
    "ClassificationChange",
    "ComplianceCheck",
    "Crime",
    "CrimeAccess",
    "CrimeClassification",
    "CrimeOnlineMethod",
    "ImportBatch",
    "ImportRowError",
    "Incident",
    "Involvement",
    "NeedsAssessment",
    "OrderEvent",
    "OrderTerm",
    "OutcomeCode",
    "Person",
    "PersonAlias",
    "PersonIdentifier",
    "ProtectiveOrder",
    "Referral",
    "ScreeningFlag",
    "RiskAnswer",
    "RiskAssessment",
    "RiskQuestion",
    "RiskQuestionSet",
    "ScreeningQueueItem",
    "SpoDecision",
    "ThriveGrading",
    "User",
    "VictimFeedback",
    "VictimRight",
    "VictimUpdate",
    "VictimUpdateRule",
]
