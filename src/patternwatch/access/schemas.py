"""Input schemas for users."""

from __future__ import annotations

import re

from pydantic import BaseModel, Field, field_validator

from patternwatch.access.enums import Role
from patternwatch.access.passwords import MIN_PASSWORD_LENGTH

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")


class UserCreate(BaseModel):
    username: str = Field(min_length=2, max_length=64)
    role: Role
    password: str = Field(min_length=MIN_PASSWORD_LENGTH, max_length=1024)
    display_name: str | None = Field(default=None, max_length=128)
    organisation: str | None = Field(default=None, max_length=128)

    @field_validator("username")
    @classmethod
    def _username(cls, value: str) -> str:
        value = value.strip().lower()
        if not USERNAME_RE.match(value):
            raise ValueError(
                "use 2-64 lower-case letters, digits, dots, dashes or underscores, "
                "starting with a letter or digit"
            )
        return value
