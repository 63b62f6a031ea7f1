"""JSON API routes: a stable contract others script against."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse

from patternwatch.access.actor import Actor
from patternwatch.access.permissions import Action
from patternwatch.crimes import service as crimes_service
from patternwatch.crimes import views as crimes_views
from patternwatch.crimes.export import ExportFormat
from patternwatch.crimes.schemas import CrimeCreate, CrimeList, CrimeRead, FacetCount
from patternwatch.people import service as people_service
from patternwatch.web.deps import SessionDep, api_require

router = APIRouter(prefix="/api/v1", tags=["api"])


def _people(session: Any, crime_id: int) -> list[dict[str, Any]]:
    return [
        {
            "person_id": inv.person_id,
            "name": inv.person.display_name,
            "role": inv.role.value,
            "relationship": inv.relationship.value if inv.relationship else None,
        }
        for inv in people_service.involvements_for(session=session, crime_id=crime_id)
    ]


@router.get("/health", name="api.health", summary="Liveness and database check (no auth)")
def health(request: Request, session: SessionDep) -> dict[str, str]:
    from sqlalchemy import text

    session.execute(text("SELECT 1"))
    return {"status": "ok"}


@router.post(
    "/crimes",
    name="api.crimes.create",
    status_code=201,
    response_model=CrimeRead,
    summary="Record a crime with one principal and any number of included classifications",
    responses={401: {}, 403: {}, 409: {}, 422: {}},
)
def create_crime(
    data: CrimeCreate,
    session: SessionDep,
    actor: Annotated[Actor, Depends(api_require(Action.CRIME_CREATE))],
) -> CrimeRead:
    crime = crimes_service.create_crime(session=session, actor=actor, data=data)
    session.commit()
    crime = crimes_service.get_crime_for_actor(
        session=session, actor=actor, crime_id=crime.id, audit_read=False
    )
    return crimes_service.to_read(crime, _people(session, crime.id))


def crime_filter_params(
    classification: Annotated[
        list[str] | None, Query(description="Home Office code; repeat or comma-separate")
    ] = None,
    principal_only: Annotated[
        bool, Query(description="Match only principal classifications")
    ] = False,
    from_: Annotated[
        date | None, Query(alias="from", description="On or after (reported date by default)")
    ] = None,
    to: Annotated[date | None, Query(description="On or before (reported date by default)")] = None,
    date_field: Annotated[
        Literal["reported", "offence"],
        Query(description="Which date from/to apply to: reported, or the offence period"),
    ] = "reported",
    q: Annotated[
        str | None,
        Query(max_length=200, description="Reference prefix, or words in reference/narrative"),
    ] = None,
    status: Annotated[list[str] | None, Query(description="Crime status; repeatable")] = None,
    relationship: Annotated[
        list[str] | None, Query(description="Suspect's relationship to the victim; repeatable")
    ] = None,
    online: Annotated[bool | None, Query(description="Online-flagged crimes only, or not")] = None,
    online_method: Annotated[
        list[str] | None, Query(description="Online method; repeatable")
    ] = None,
    outcome: Annotated[list[str] | None, Query(description="Outcome code; repeatable")] = None,
    lsoa: Annotated[list[str] | None, Query(description="LSOA code; repeatable")] = None,
    district: Annotated[list[str] | None, Query(description="District; repeatable")] = None,
    officer: Annotated[
        str | None, Query(max_length=64, description="Officer in charge (user name)")
    ] = None,
    team: Annotated[
        str | None, Query(max_length=64, description="Officer in charge's team")
    ] = None,
    sort: Annotated[
        Literal["reported_desc", "reported_asc", "reference"], Query(description="Order")
    ] = "reported_desc",
) -> dict[str, Any]:
    """The search filters shared by the list and the export (see CrimeFilter)."""
    return {
        "classification": classification or [],
        "principal_only": principal_only,
        "date_from": from_,
        "date_to": to,
        "date_field": date_field,
        "text": q,
        "status": status or [],
        "relationship": relationship or [],
        "is_online": online,
        "online_method": online_method or [],
        "outcome": outcome or [],
        "lsoa": lsoa or [],
        "district": district or [],
        "officer": officer,
        "team": team,
        "sort": sort,
    }


FilterParams = Annotated[dict[str, Any], Depends(crime_filter_params)]


# Declared before /crimes/{crime_id}, which would otherwise take "export" for an id.
@router.get(
    "/crimes/export",
    name="api.crimes.export",
    summary="Export a crime search as CSV (streamed) or XLSX, with the list's filters",
    responses={
        200: {"content": {"text/csv": {}, ExportFormat.XLSX.media_type: {}}},
        401: {},
        403: {},
        422: {},
    },
    response_class=StreamingResponse,
)
def export_crimes(
    session: SessionDep,
    actor: Annotated[Actor, Depends(api_require(Action.REPORT_EXPORT))],
    filters: FilterParams,
    format: Annotated[Literal["csv", "xlsx"], Query(description="File format")] = "csv",
) -> Response:
    return crimes_views.export_response(session=session, actor=actor, filters=filters, fmt=format)


@router.get(
    "/crimes/{crime_id}",
    name="api.crimes.detail",
    response_model=CrimeRead,
    responses={401: {}, 403: {}, 404: {}},
)
def get_crime(
    crime_id: int,
    session: SessionDep,
    actor: Annotated[Actor, Depends(api_require(Action.CRIME_VIEW))],
) -> CrimeRead:
    crime = crimes_service.get_crime_for_actor(session=session, actor=actor, crime_id=crime_id)
    result = crimes_service.to_read(crime, _people(session, crime.id))
    session.commit()  # the audited read
    return result


@router.get(
    "/crimes",
    name="api.crimes.list",
    response_model=CrimeList,
    summary="Search crimes; a classification matches as principal or included",
    responses={401: {}, 403: {}, 422: {}},
)
def list_crimes(
    request: Request,
    session: SessionDep,
    actor: Annotated[Actor, Depends(api_require(Action.CRIME_VIEW))],
    filters: FilterParams,
    limit: Annotated[int | None, Query(ge=1)] = None,
    offset: Annotated[int, Query(ge=0)] = 0,
    cursor: Annotated[
        str | None,
        Query(max_length=500, description="next_cursor or prev_cursor of a previous page"),
    ] = None,
    facets: Annotated[
        bool, Query(description="Add counts per facet value for the whole result")
    ] = False,
) -> CrimeList | JSONResponse:
    settings = request.app.state.settings
    limit = limit or settings.page_size
    if limit > settings.api_max_limit:
        return JSONResponse(
            {"detail": f"limit may be at most {settings.api_max_limit}."}, status_code=422
        )
    page = crimes_service.search_crimes(
        session=session,
        actor=actor,
        filters={**filters, "limit": limit, "offset": offset, "cursor": cursor},
        facets=facets,
    )
    session.commit()  # the audited search
    return CrimeList(
        total=page.total,
        limit=page.limit,
        offset=page.offset,
        items=[crimes_service.to_read(c) for c in page.items],
        next_cursor=page.next_cursor,
        prev_cursor=page.prev_cursor,
        facets=(
            {
                k: [FacetCount(value=v.value, count=v.count) for v in vs]
                for k, vs in page.facets.items()
            }
            if page.facets is not None
            else None
        ),
        facets_note=page.facets_note,
    )
