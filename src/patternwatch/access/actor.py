"""Who is acting, from where: passed to every service call and written to the audit trail."""

from __future__ import annotations

from dataclasses import dataclass

from patternwatch.access.enums import Role
from patternwatch.access.permissions import Action, can
from patternwatch.errors import Forbidden


@dataclass(frozen=True, slots=True)
class Actor:
    user_id: int | None
    username: str
    role: Role | None  # None: not logged in (e.g. a failed log-in attempt being audited)
    source: str = "cli"  # client IP for web/API, "cli" or "system" otherwise
    channel: str = "cli"  # web | api | cli | system

    @property
    def role_name(self) -> str:
        return self.role.value if self.role else "anonymous"

    def can(self, action: Action) -> bool:
        return self.role is not None and can(self.role, action)

    def require(self, action: Action) -> None:
        """Raise Forbidden unless the actor's role allows the action."""
        if not self.can(action):
            label = self.role.label if self.role else "not logged in"
            raise Forbidden(f"Your role ({label}) may not do this ({action.value}).")


SYSTEM_ACTOR = Actor(
    user_id=None, username="system", role=Role.ADMIN, source="system", channel="system"
)
