"""Jinja2 templates with filters for dates and labels; one place builds every page's context."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.responses import HTMLResponse

from patternwatch.access.permissions import Action
from patternwatch.timeutil import local

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"


def _fmt_datetime(value: datetime | None) -> str:
    if value is None:
        return "—"
    lv = local(value)
    assert lv is not None
    return lv.strftime("%d %b %Y %H:%M")


def _fmt_date(value: date | datetime | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime):
        value = local(value) or value
    return value.strftime("%d %b %Y")


def _input_datetime(value: datetime | None) -> str:
    """Value for an <input type=datetime-local>: local wall-clock time."""
    if value is None:
        return ""
    lv = local(value)
    assert lv is not None
    return lv.strftime("%Y-%m-%dT%H:%M")


def _label(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, Enum):
        label = getattr(value, "label", None)
        return str(label) if label else str(value.value).replace("_", " ").capitalize()
    return str(value)


@lru_cache(maxsize=1)
def make_templates() -> Jinja2Templates:
    """One template environment per process: it holds no per-app state, and Jinja's compiled
    template cache then survives app re-creation (tests build many apps)."""
    templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
    env = templates.env
    env.filters["dt"] = _fmt_datetime
    env.filters["d"] = _fmt_date
    env.filters["input_dt"] = _input_datetime
    env.filters["label"] = _label
    env.globals["Action"] = Action
    env.globals["query_string"] = query_string
    return templates


def query_string(params: dict[str, Any], **overrides: Any) -> str:
    """Rebuild a query string with some parameters replaced (for paging links)."""
    merged = {**params, **overrides}
    pairs: list[tuple[str, str]] = []
    for key, value in merged.items():
        if value is None or value == "" or value is False:
            continue
        if isinstance(value, list | tuple):
            pairs.extend((key, str(v)) for v in value)
        else:
            pairs.append((key, str(value)))
    return urlencode(pairs)


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, status_code: int = 200
) -> HTMLResponse:
    """Render a page with the context every page needs (actor, CSRF token, flash message)."""
    from patternwatch.web.deps import csrf_token

    templates: Jinja2Templates = request.app.state.templates
    actor = getattr(request.state, "actor", None)
    base = {
        "actor": actor,
        "display_name": getattr(request.state, "display_name", None),
        "csrf_token": csrf_token(request),
        "flash": request.session.pop("flash", None),
        "can": (lambda action: actor is not None and actor.can(action)),
        "query_string": query_string,
    }
    return templates.TemplateResponse(
        request, name, {**base, **(context or {})}, status_code=status_code
    )


def flash(request: Request, message: str) -> None:
    """A one-time message shown on the next page (after a redirect)."""
    request.session["flash"] = message
