"""Every route against every role: each route enforces exactly the permission in EXPECTED.

EXPECTED is the route table of the design (route ``name=`` -> "public", "authenticated" or the
Action it requires). Adding a route without an entry here fails ``test_every_route_has_an_entry``;
an entry whose route does not exist fails ``test_entry_names_a_route``. Then every role (and an
anonymous visitor) calls every route, and the answer must agree with ROLE_ACTIONS:

- the role lacks the action -> 403;
- the role holds it -> anything but 401/403 or a redirect to log in (422, 400, 303, 200 are fine:
  forms are sent empty or minimal, and only the permission check is under test here);
- public routes never answer 401/403; "authenticated" routes never answer 403;
- anonymous: a protected web page redirects (303) to /login, the API answers 401.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Literal

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from patternwatch.access.enums import Role
from patternwatch.access.permissions import Action, can
from patternwatch.config import Environment, Settings
from patternwatch.screening.enums import FlagMethod, FlagRecordType
from patternwatch.screening.models import ScreeningFlag
from patternwatch.web.deps import get_session
from tests.conftest import Persona
from tests.factories import make_crime, make_incident, make_person
from tests.helpers import bearer, csrf, login

PUBLIC: Literal["public"] = "public"
AUTHENTICATED: Literal["authenticated"] = "authenticated"
Permission = Action | Literal["public", "authenticated"]

EXPECTED: dict[str, Permission] = {
    "home": AUTHENTICATED,
    "auth.login_form": PUBLIC,
    "auth.login_submit": PUBLIC,
    "auth.logout": AUTHENTICATED,
    "crimes.list": Action.CRIME_VIEW,
    "crimes.new_form": Action.CRIME_CREATE,
    "crimes.new_submit": Action.CRIME_CREATE,
    "crimes.detail": Action.CRIME_VIEW,
    "crimes.edit_form": Action.CRIME_EDIT,
    "crimes.edit_submit": Action.CRIME_EDIT,
    "crimes.reclassify_form": Action.CRIME_RECLASSIFY,
    "crimes.reclassify_submit": Action.CRIME_RECLASSIFY,
    "crimes.restriction_submit": Action.CRIME_RESTRICT,
    "crimes.add_person": Action.INVOLVEMENT_EDIT,
    "crimes.export": Action.REPORT_EXPORT,
    "incidents.list": Action.INCIDENT_VIEW,
    "incidents.new_form": Action.INCIDENT_CREATE,
    "incidents.new_submit": Action.INCIDENT_CREATE,
    "incidents.detail": Action.INCIDENT_VIEW,
    "incidents.edit_form": Action.INCIDENT_EDIT,
    "incidents.edit_submit": Action.INCIDENT_EDIT,
    "incidents.add_person": Action.INVOLVEMENT_EDIT,
    "incidents.thrive_submit": Action.RISK_ASSESS,
    "people.list": Action.PERSON_VIEW,
    "people.new_form": Action.PERSON_CREATE,
    "people.new_submit": Action.PERSON_CREATE,
    "people.detail": Action.PERSON_VIEW,
    "people.edit_form": Action.PERSON_EDIT,
    "people.edit_submit": Action.PERSON_EDIT,
    "people.pair_timeline": Action.PERSON_VIEW,
    "people.duplicates": Action.PERSON_MERGE,
    "people.merge_submit": Action.PERSON_MERGE,
    "people.merges": Action.PERSON_MERGE,
    "people.unmerge_submit": Action.PERSON_MERGE,
    "reference.classifications": Action.REFERENCE_VIEW,
    "reference.classification_create": Action.REFERENCE_MANAGE,
    "reference.classification_active": Action.REFERENCE_MANAGE,
    "reference.outcomes": Action.REFERENCE_VIEW,
    "reference.outcome_create": Action.REFERENCE_MANAGE,
    "audit.list": Action.AUDIT_VIEW,
    "admin.users": Action.USER_MANAGE,
    "admin.user_create": Action.USER_MANAGE,
    "api.health": PUBLIC,
    "api.docs": PUBLIC,
    "api.crimes.create": Action.CRIME_CREATE,
    "api.crimes.detail": Action.CRIME_VIEW,
    "api.crimes.list": Action.CRIME_VIEW,
    "api.crimes.export": Action.REPORT_EXPORT,
    "api.risk.assess": Action.RISK_ASSESS,
    "api.risk.thrive": Action.RISK_ASSESS,
    "api.orders.compliance_check": Action.ORDER_MANAGE,
    "api.victim_care.needs": Action.VICTIM_CARE_EDIT,
    "api.victim_care.referral": Action.VICTIM_CARE_EDIT,
    "api.victim_care.feedback": Action.VICTIM_CARE_EDIT,
    "api.orders.spo_decision": Action.ORDER_MANAGE,
    "api.crimes.outcome": Action.CRIME_OUTCOME,
    "api.orders.create": Action.ORDER_MANAGE,
    "api.orders.event": Action.ORDER_MANAGE,
    "api.orders.breach": Action.ORDER_MANAGE,
    "risk.safeguarding": Action.SAFEGUARDING_VIEW,
    "risk.assess_form": Action.RISK_ASSESS,
    "risk.assess_submit": Action.RISK_ASSESS,
    "orders.spo_decision_submit": Action.ORDER_MANAGE,
    "orders.outcome_submit": Action.CRIME_OUTCOME,
    "orders.create_submit": Action.ORDER_MANAGE,
    "orders.event_submit": Action.ORDER_MANAGE,
    "orders.breach_submit": Action.ORDER_MANAGE,
    "orders.compliance_check_submit": Action.ORDER_MANAGE,
    "victim_care.needs_submit": Action.VICTIM_CARE_EDIT,
    "victim_care.update_submit": Action.VICTIM_CARE_EDIT,
    "victim_care.referral_submit": Action.VICTIM_CARE_EDIT,
    "victim_care.referral_status_submit": Action.VICTIM_CARE_EDIT,
    "victim_care.feedback_submit": Action.VICTIM_CARE_EDIT,
    "tasks.inbox": Action.TASK_VIEW,
    "screening.list": Action.SCREENING_VIEW,
    "screening.measures": Action.SCREENING_VIEW,
    "screening.detail": Action.SCREENING_VIEW,
    "screening.confirm": Action.SCREENING_REVIEW,
    "screening.dismiss": Action.SCREENING_REVIEW,
}

# Method and path of each route, as in the route table (checked against the app below).
ROUTES: dict[str, tuple[str, str]] = {
    "home": ("GET", "/"),
    "auth.login_form": ("GET", "/login"),
    "auth.login_submit": ("POST", "/login"),
    "auth.logout": ("POST", "/logout"),
    "crimes.list": ("GET", "/crimes"),
    "crimes.new_form": ("GET", "/crimes/new"),
    "crimes.new_submit": ("POST", "/crimes/new"),
    "crimes.detail": ("GET", "/crimes/{crime_id}"),
    "crimes.edit_form": ("GET", "/crimes/{crime_id}/edit"),
    "crimes.edit_submit": ("POST", "/crimes/{crime_id}/edit"),
    "crimes.reclassify_form": ("GET", "/crimes/{crime_id}/reclassify"),
    "crimes.reclassify_submit": ("POST", "/crimes/{crime_id}/reclassify"),
    "crimes.restriction_submit": ("POST", "/crimes/{crime_id}/restriction"),
    "crimes.add_person": ("POST", "/crimes/{crime_id}/people"),
    "crimes.export": ("GET", "/crimes/export"),
    "incidents.list": ("GET", "/incidents"),
    "incidents.new_form": ("GET", "/incidents/new"),
    "incidents.new_submit": ("POST", "/incidents/new"),
    "incidents.detail": ("GET", "/incidents/{incident_id}"),
    "incidents.edit_form": ("GET", "/incidents/{incident_id}/edit"),
    "incidents.edit_submit": ("POST", "/incidents/{incident_id}/edit"),
    "incidents.add_person": ("POST", "/incidents/{incident_id}/people"),
    "incidents.thrive_submit": ("POST", "/incidents/{incident_id}/thrive"),
    "people.list": ("GET", "/people"),
    "people.new_form": ("GET", "/people/new"),
    "people.new_submit": ("POST", "/people/new"),
    "people.detail": ("GET", "/people/{person_id}"),
    "people.edit_form": ("GET", "/people/{person_id}/edit"),
    "people.edit_submit": ("POST", "/people/{person_id}/edit"),
    "people.pair_timeline": ("GET", "/people/{person_id}/pair/{other_id}"),
    "people.duplicates": ("GET", "/people/duplicates"),
    "people.merge_submit": ("POST", "/people/duplicates/merge"),
    "people.merges": ("GET", "/people/merges"),
    "people.unmerge_submit": ("POST", "/people/merges/{merge_id}/undo"),
    "reference.classifications": ("GET", "/reference/classifications"),
    "reference.classification_create": ("POST", "/reference/classifications"),
    "reference.classification_active": ("POST", "/reference/classifications/{code}/active"),
    "reference.outcomes": ("GET", "/reference/outcomes"),
    "reference.outcome_create": ("POST", "/reference/outcomes"),
    "audit.list": ("GET", "/audit"),
    "admin.users": ("GET", "/admin/users"),
    "admin.user_create": ("POST", "/admin/users"),
    "api.health": ("GET", "/api/v1/health"),
    "api.docs": ("GET", "/api/docs"),
    "api.crimes.create": ("POST", "/api/v1/crimes"),
    "api.crimes.detail": ("GET", "/api/v1/crimes/{crime_id}"),
    "api.crimes.list": ("GET", "/api/v1/crimes"),
    "api.crimes.export": ("GET", "/api/v1/crimes/export"),
    "api.risk.assess": ("POST", "/api/v1/crimes/{crime_id}/risk-assessments"),
    "api.risk.thrive": ("POST", "/api/v1/incidents/{incident_id}/thrive"),
    "api.orders.compliance_check": ("POST", "/api/v1/orders/{order_id}/compliance-checks"),
    "api.victim_care.needs": ("POST", "/api/v1/crimes/{crime_id}/victim-care/needs"),
    "api.victim_care.referral": ("POST", "/api/v1/crimes/{crime_id}/victim-care/referrals"),
    "api.victim_care.feedback": ("POST", "/api/v1/crimes/{crime_id}/victim-care/feedback"),
    "api.orders.spo_decision": ("POST", "/api/v1/crimes/{crime_id}/spo-decision"),
    "api.crimes.outcome": ("POST", "/api/v1/crimes/{crime_id}/outcome"),
    "api.orders.create": ("POST", "/api/v1/crimes/{crime_id}/orders"),
    "api.orders.event": ("POST", "/api/v1/orders/{order_id}/events"),
    "api.orders.breach": ("POST", "/api/v1/orders/{order_id}/breaches"),
    "risk.safeguarding": ("GET", "/crimes/{crime_id}/safeguarding"),
    "risk.assess_form": ("GET", "/crimes/{crime_id}/risk-assessments/new"),
    "risk.assess_submit": ("POST", "/crimes/{crime_id}/risk-assessments"),
    "orders.spo_decision_submit": ("POST", "/crimes/{crime_id}/spo-decision"),
    "orders.outcome_submit": ("POST", "/crimes/{crime_id}/outcome"),
    "orders.create_submit": ("POST", "/crimes/{crime_id}/orders"),
    "orders.event_submit": ("POST", "/crimes/{crime_id}/orders/{order_id}/events"),
    "orders.breach_submit": ("POST", "/crimes/{crime_id}/orders/{order_id}/breaches"),
    "orders.compliance_check_submit": (
        "POST",
        "/crimes/{crime_id}/orders/{order_id}/compliance-checks",
    ),
    "victim_care.needs_submit": ("POST", "/crimes/{crime_id}/victim-care/needs"),
    "victim_care.update_submit": ("POST", "/crimes/{crime_id}/victim-care/updates"),
    "victim_care.referral_submit": ("POST", "/crimes/{crime_id}/victim-care/referrals"),
    "victim_care.referral_status_submit": (
        "POST",
        "/crimes/{crime_id}/victim-care/referrals/{referral_id}/status",
    ),
    "victim_care.feedback_submit": ("POST", "/crimes/{crime_id}/victim-care/feedback"),
    "tasks.inbox": ("GET", "/tasks"),
    "screening.list": ("GET", "/screening"),
    "screening.measures": ("GET", "/screening/measures"),
    "screening.detail": ("GET", "/screening/{flag_id}"),
    "screening.confirm": ("POST", "/screening/{flag_id}/confirm"),
    "screening.dismiss": ("POST", "/screening/{flag_id}/dismiss"),
}

ROUTE_NAMES = list(EXPECTED)


@cache
def _app_routes() -> dict[str, tuple[set[str], str]]:
    """name -> (methods, path) of every APIRoute the real application registers."""
    from patternwatch.app import create_app

    # No database is touched: building the app only creates an (unconnected) engine.
    settings = Settings(
        env=Environment.TEST,
        secret_key="m" * 48,
        database_url="sqlite://",
        data_dir=Path("/nonexistent-matrix-dir"),
    )
    app = create_app(settings)
    out: dict[str, tuple[set[str], str]] = {}
    for context in _route_contexts(app.routes):
        if isinstance(context.original_route, APIRoute):
            assert context.name not in out, f"two routes are named {context.name!r}"
            out[context.name] = (set(context.methods or ()), context.path)
    return out


def _route_contexts(routes: list[Any]) -> list[Any]:
    # FastAPI 0.137+ keeps each included router as one opaque entry in app.routes; walking
    # app.routes alone would find no routes at all and this whole test would pass vacuously.
    try:
        from fastapi.routing import iter_route_contexts
    except ImportError:  # older FastAPI flattens included routes into app.routes
        return [
            SimpleNamespace(
                original_route=r,
                name=r.name,
                methods=getattr(r, "methods", None),
                path=getattr(r, "path", None),
            )
            for r in routes
        ]
    return list(iter_route_contexts(routes))


def _require_route(name: str) -> None:
    if name not in _app_routes():
        method, path = ROUTES[name]
        pytest.fail(f"route {name!r} ({method} {path}) is not registered by create_app() yet")


def test_tables_agree() -> None:
    assert set(EXPECTED) == set(ROUTES)


def test_route_collection_sees_routes() -> None:
    # Guards the guard: if collection broke, "every route has an entry" would pass on nothing.
    assert {"home", "auth.login_form", "api.health"} <= set(_app_routes())


def test_every_route_has_an_entry() -> None:
    unlisted = {
        name: f"{'/'.join(sorted(methods))} {path}"
        for name, (methods, path) in _app_routes().items()
        if name not in EXPECTED
    }
    assert not unlisted, (
        f"routes without a permission entry in EXPECTED (add them with their permission): "
        f"{unlisted}"
    )


@pytest.mark.parametrize("name", ROUTE_NAMES)
def test_entry_names_a_route(name: str) -> None:
    _require_route(name)
    methods, path = _app_routes()[name]
    method, expected_path = ROUTES[name]
    assert method in methods and path == expected_path, (
        f"route {name!r} is {sorted(methods)} {path}, the table says {method} {expected_path}"
    )


# ---- requests ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def matrix_app(database_url: str, engine: Engine, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """One application per backend for the whole matrix.

    conftest's ``app`` builds a fresh application per test, and with it a fresh Jinja
    environment that compiles every template again; over ~800 requests that dominated the run.
    """
    from patternwatch.app import create_app

    settings = Settings(
        env=Environment.TEST,
        secret_key="m" * 48,
        database_url=database_url,
        data_dir=tmp_path_factory.mktemp("matrix"),
    )
    return create_app(settings, engine=engine)


@pytest.fixture()
def client(matrix_app, session: Session) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    """A fresh browser (no cookies) on the shared app, bound to this test's session."""

    def _session_override() -> Iterator[Session]:
        yield session

    matrix_app.dependency_overrides[get_session] = _session_override
    try:
        with TestClient(matrix_app) as test_client:
            yield test_client
    finally:
        matrix_app.dependency_overrides.pop(get_session, None)


@pytest.fixture()
def records(session: Session, actor_of) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Path parameters: a visible unrestricted crime, an incident, two people, code 8L, an order,
    a referral."""
    from patternwatch.orders import service as orders_service
    from patternwatch.victim_care import service as victim_care_service

    actor = actor_of(Role.INVESTIGATOR)
    crime = make_crime(session, actor)
    order = orders_service.create_order(
        session=session, actor=actor, crime_id=crime.id, data={"order_type": "spo"}
    )
    referral = victim_care_service.create_referral(
        session=session,
        actor=actor,
        crime_id=crime.id,
        data={"service": "paladin", "referred_on": "2025-03-03"},
    )
    incident = make_incident(session, actor)
    person = make_person(session, actor)
    flag = ScreeningFlag(
        record_type=FlagRecordType.CRIME,
        record_id=crime.id,
        score=0.9,
        method=FlagMethod.TEXT,
        indicators="following",
        evidence=[],
    )
    session.add(flag)
    session.flush()
    other = make_person(session, actor)
    session.commit()
    return {
        "crime_id": str(crime.id),
        "incident_id": str(incident.id),
        "person_id": str(person.id),
        "other_id": str(other.id),
        "code": "8L",
        "flag_id": str(flag.id),
        "merge_id": "999999",  # no such merge: an allowed role gets 404 or 422
        "order_id": str(order.id),
        "referral_id": str(referral.id),
    }


def _call(client: TestClient, name: str, persona: Persona | None, records: dict[str, str]):  # type: ignore[no-untyped-def]
    method, template = ROUTES[name]
    url = template.format(**records)
    if template.startswith("/api/"):
        headers = bearer(persona) if persona else {}
        if method == "POST":
            return client.post(url, json={}, headers=headers, follow_redirects=False)
        return client.get(url, headers=headers, follow_redirects=False)
    if persona is not None:
        login(client, persona)
    if method == "POST":
        token = csrf(client, "/" if persona else "/login")
        return client.post(url, data={"csrf_token": token}, follow_redirects=False)
    return client.get(url, follow_redirects=False)


def _is_login_redirect(response) -> bool:  # type: ignore[no-untyped-def]
    # LoginRequired always sends ?next=; log-out's own redirect to /login does not.
    location = response.headers.get("location", "")
    return response.status_code in (302, 303, 307) and location.startswith("/login?next=")


@pytest.mark.parametrize("name", ROUTE_NAMES)
@pytest.mark.parametrize("role", list(Role), ids=[r.value for r in Role])
def test_role_on_route(
    client: TestClient,
    personas: dict[Role, Persona],
    records: dict[str, str],
    role: Role,
    name: str,
) -> None:
    _require_route(name)
    permission = EXPECTED[name]
    response = _call(client, name, personas[role], records)
    method, template = ROUTES[name]
    where = f"{role.value} {method} {template.format(**records)} -> {response.status_code}"
    allowed = permission in (PUBLIC, AUTHENTICATED) or can(role, Action(permission))
    if allowed:
        assert response.status_code not in (401, 403), f"{where}: should be allowed"
        assert not _is_login_redirect(response), f"{where}: logged in, yet sent to log in"
    else:
        assert response.status_code == 403, f"{where}: {role.value} lacks {permission}"


@pytest.mark.parametrize("name", ROUTE_NAMES)
def test_anonymous_on_route(client: TestClient, records: dict[str, str], name: str) -> None:
    _require_route(name)
    permission = EXPECTED[name]
    response = _call(client, name, None, records)
    method, template = ROUTES[name]
    where = f"anonymous {method} {template.format(**records)} -> {response.status_code}"
    if permission == PUBLIC:
        assert response.status_code not in (401, 403), where
    elif template.startswith("/api/"):
        assert response.status_code == 401, where
        assert response.headers.get("www-authenticate") == "Bearer", where
    else:
        assert response.status_code == 303, where
        assert response.headers["location"].startswith("/login"), where
