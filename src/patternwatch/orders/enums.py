"""Enumerations for protective orders."""

from enum import StrEnum


class SpoDecisionKind(StrEnum):
    """The SPO consideration every stalking crime must record (super-complaint commitment)."""

    APPLY = "apply"
    NOT_APPLIED = "not_applied"
    ALTERNATIVE_ORDER = "alternative_order"

    @property
    def label(self) -> str:
        return {
            "apply": "Apply for an SPO",
            "not_applied": "SPO not applied for",
            "alternative_order": "Another order instead",
        }[self.value]


class ProtectiveOrderType(StrEnum):
    SPO = "spo"
    RESTRAINING = "restraining"
    NON_MOLESTATION = "non_molestation"
    BAIL_CONDITIONS = "bail_conditions"

    @property
    def label(self) -> str:
        return {
            "spo": "Stalking Protection Order",
            "restraining": "Restraining order",
            "non_molestation": "Non-molestation order",
            "bail_conditions": "Bail conditions",
        }[self.value]


class OrderStatus(StrEnum):
    """Derived from the order's dates by orders/rules.py, never stored."""

    CONSIDERED = "considered"
    AUTHORISED = "authorised"
    INTERIM_APPLIED = "interim_applied"
    INTERIM_ACTIVE = "interim_active"
    APPLIED = "applied"
    ACTIVE = "active"
    REFUSED = "refused"
    DISCHARGED = "discharged"
    EXPIRED = "expired"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()

    @property
    def is_in_force(self) -> bool:
        return self in (OrderStatus.ACTIVE, OrderStatus.INTERIM_ACTIVE)


class TermKind(StrEnum):
    PROHIBITION = "prohibition"
    REQUIREMENT = "requirement"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class OrderEventKind(StrEnum):
    AUTHORISED = "authorised"
    INTERIM_APPLIED = "interim_applied"
    INTERIM_GRANTED = "interim_granted"
    APPLIED = "applied"
    GRANTED = "granted"
    REFUSED = "refused"
    SERVED = "served"
    NOTIFICATION_RECEIVED = "notification_received"
    VARIED = "varied"
    RENEWED = "renewed"
    DISCHARGED = "discharged"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class CheckOutcome(StrEnum):
    COMPLIANT = "compliant"
    BREACH_SUSPECTED = "breach_suspected"
    NOT_SEEN = "not_seen"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()
