"""A registrar works the screening queue in the browser (rules-only screener for speed)."""

from __future__ import annotations

import pytest

from patternwatch.access.enums import Role
from patternwatch.crimes import service as crimes_service
from patternwatch.screening import service
from patternwatch.screening.model import Screener
from tests.factories import make_crime
from tests.helpers import login, post_form, soup

NARRATIVE = (
    "VIW reports ex-p SUSP outside hse again at 2300hrs, 3rd time this wk. "
    "SUSP also f/ing VIW to w/place and msg'ing VIW's mum on fb."
)


@pytest.fixture(autouse=True)
def _rules_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(service, "_screener", lambda: Screener(None))


def _flagged_crime(session, personas):  # type: ignore[no-untyped-def]
    crime = make_crime(
        session, personas[Role.INVESTIGATOR].actor, principal="8L", narrative=NARRATIVE
    )
    service.enqueue(session, "crime", crime.id)
    service.process_screening_queue(session=session, actor=service.SCREENING_ACTOR)
    flags, _ = service.list_flags(session=session, actor=personas[Role.REGISTRAR].actor)
    session.commit()
    return crime, next(f for f in flags if f.record_id == crime.id)


def test_registrar_confirms_from_the_queue(client, session, personas) -> None:
    crime, flag = _flagged_crime(session, personas)
    login(client, personas[Role.REGISTRAR])
    page = soup(client.get("/screening").text)
    assert page.find("a", href=f"/screening/{flag.id}") is not None

    detail = client.get(f"/screening/{flag.id}")
    assert detail.status_code == 200
    marks = [m.get_text() for m in soup(detail.text).select("[data-testid=flag-narrative] mark")]
    assert marks and all(m in NARRATIVE for m in marks)
    assert any("f/ing" in m for m in marks)
    assert soup(detail.text).find("label", attrs={"for": "f-confirm_reason"}) is not None

    bad = post_form(
        client, f"/screening/{flag.id}/confirm", {"reason": "", "placement": "included"}
    )
    assert bad.status_code == 422
    assert soup(bad.text).select_one("[data-testid=error-summary] a[href='#f-confirm_reason']")

    ok = post_form(
        client,
        f"/screening/{flag.id}/confirm",
        {"reason": "Ex-partner course of conduct: stalking", "placement": "included"},
    )
    assert ok.status_code == 303
    session.expire_all()
    crime = crimes_service.get_crime_for_actor(
        session=session, actor=personas[Role.REGISTRAR].actor, crime_id=crime.id, audit_read=False
    )
    assert ("8Q", False) in {
        (cc.classification.code, cc.is_principal) for cc in crime.classifications
    }
    after = soup(client.get(f"/screening/{flag.id}").text)
    assert "confirmed" in after.select_one("[data-testid=flag-status]").get_text()
    assert after.select_one("[data-testid=confirm-form]") is None
    measures = client.get("/screening/measures")
    assert measures.status_code == 200 and "text" in measures.text


def test_dismiss_needs_a_reason_and_investigator_cannot_decide(client, session, personas) -> None:
    _, flag = _flagged_crime(session, personas)
    login(client, personas[Role.INVESTIGATOR])
    page = client.get(f"/screening/{flag.id}")
    assert page.status_code == 200
    assert soup(page.text).select_one("[data-testid=dismiss-form]") is None
    assert (
        post_form(client, f"/screening/{flag.id}/dismiss", {"reason": "nope nope"}).status_code
        == 403
    )
    client.cookies.clear()
    login(client, personas[Role.SUPERVISOR])
    assert post_form(client, f"/screening/{flag.id}/dismiss", {"reason": ""}).status_code == 422
    ok = post_form(client, f"/screening/{flag.id}/dismiss", {"reason": "Neighbour dispute only"})
    assert ok.status_code == 303
    assert client.get("/screening?status=dismissed").text.count(f"/screening/{flag.id}") == 1


def test_series_flag_page_lists_the_course_of_conduct(client, session, personas) -> None:
    from patternwatch.screening import series
    from tests.screening.test_series import _series

    crimes = _series(
        session,
        personas[Role.INVESTIGATOR].actor,
        [("8L", ()), ("8R", ()), ("8L", ())],
        suspect_forename="Kieran",
    )
    series.flag_series(session=session, actor=personas[Role.REGISTRAR].actor)
    flags, _ = service.list_flags(session=session, actor=personas[Role.REGISTRAR].actor)
    flag = next(f for f in flags if f.record_id == crimes[-1].id and f.method.value == "series")
    session.commit()
    login(client, personas[Role.REGISTRAR])
    detail = client.get(f"/screening/{flag.id}")
    assert detail.status_code == 200
    evidence = soup(detail.text).select_one("[data-testid=flag-indicators]").get_text()
    assert "Course of conduct between the same two people" in evidence
    assert all(c.reference in evidence for c in crimes)
