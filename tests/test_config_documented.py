"""Every setting is documented in docs/config.md, and nothing documented there is stale.

Datasette's pattern: a setting added without documentation fails the build.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from patternwatch.config import Settings

DOCS = Path(__file__).resolve().parent.parent / "docs" / "config.md"


def _env_name(field: str) -> str:
    return f"PATTERNWATCH_{field.upper()}"


def _documented() -> dict[str, str]:
    """Each '### PATTERNWATCH_X' heading under '## Settings', mapped to the text below it."""
    text = DOCS.read_text(encoding="utf-8")
    settings = text.split("## Settings", 1)[1].split("\n## ", 1)[0]
    parts = re.split(r"^### (PATTERNWATCH_[A-Z0-9_]+)\s*$", settings, flags=re.MULTILINE)
    return {parts[i]: parts[i + 1].strip() for i in range(1, len(parts), 2)}


@pytest.mark.parametrize("field", sorted(Settings.model_fields))
def test_setting_is_documented(field: str) -> None:
    documented = _documented()
    name = _env_name(field)
    assert name in documented, f"{name} is missing from docs/config.md; add a '### {name}' section"
    body = documented[name]
    assert body.startswith("Default:"), f"the {name} section should start with its default"


def test_no_stale_settings_documented() -> None:
    fields = {_env_name(f) for f in Settings.model_fields}
    stale = sorted(set(_documented()) - fields)
    assert not stale, f"docs/config.md documents settings that no longer exist: {stale}"


def test_every_setting_has_a_description() -> None:
    # The description is what `Settings` shows in errors and what reviewers read first.
    missing = [name for name, f in Settings.model_fields.items() if not f.description]
    assert not missing, f"Settings fields without Field(description=...): {missing}"
