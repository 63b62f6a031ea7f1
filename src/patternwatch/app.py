"""Build the FastAPI application: middleware, routers, templates, static files, error pages."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from patternwatch import __version__
from patternwatch.config import Settings, get_settings
from patternwatch.db.session import make_engine, make_session_factory
from patternwatch.errors import Conflict, Forbidden, Invalid, NotFound, Unauthenticated
from patternwatch.web.deps import CsrfFailed, LoginRequired
from patternwatch.web.templating import TEMPLATES_DIR, make_templates, render

STATIC_DIR = TEMPLATES_DIR.parent / "static"

# Pages work on a locked-down network: everything is served from here, nothing from elsewhere.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; "
    "script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'self'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _error_page(request: Request, status: int, title: str, message: str) -> Response:
    if _is_api(request):
        return JSONResponse({"detail": message}, status_code=status)
    return render(
        request,
        "error.html",
        {"status": status, "title": title, "message": message},
        status_code=status,
    )


def _validation_message(exc: RequestValidationError) -> tuple[str, list[dict[str, Any]]]:
    errors: list[dict[str, Any]] = []
    parts: list[str] = []
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path")]
        field = ".".join(loc) or "request"
        msg = str(err.get("msg", "invalid")).removeprefix("Value error, ")
        errors.append({"field": field, "message": msg})
        parts.append(f"{field}: {msg}")
    return "; ".join(parts) or "invalid request", errors


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(LoginRequired)
    async def _login(request: Request, exc: LoginRequired) -> Response:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)

    @app.exception_handler(Unauthenticated)
    async def _unauth(request: Request, exc: Unauthenticated) -> Response:
        return JSONResponse(
            {"detail": exc.message}, status_code=401, headers={"WWW-Authenticate": "Bearer"}
        )

    @app.exception_handler(Forbidden)
    async def _forbidden(request: Request, exc: Forbidden) -> Response:
        return _error_page(request, 403, "Not allowed", exc.message)

    @app.exception_handler(NotFound)
    async def _not_found(request: Request, exc: NotFound) -> Response:
        return _error_page(request, 404, "Not found", exc.message)

    @app.exception_handler(Conflict)
    async def _conflict(request: Request, exc: Conflict) -> Response:
        return _error_page(request, 409, "Conflict", exc.message)

    @app.exception_handler(Invalid)
    async def _invalid(request: Request, exc: Invalid) -> Response:
        if _is_api(request):
            return JSONResponse(
                {"detail": exc.message, "errors": exc.field_errors}, status_code=422
            )
        return _error_page(request, 422, "Cannot do that", exc.message)

    @app.exception_handler(CsrfFailed)
    async def _csrf(request: Request, exc: CsrfFailed) -> Response:
        return _error_page(
            request,
            403,
            "Form expired",
            "The form was missing its security token or it had expired. Go back, reload the "
            "page and submit again.",
        )

    @app.exception_handler(RequestValidationError)
    async def _request_invalid(request: Request, exc: RequestValidationError) -> Response:
        message, errors = _validation_message(exc)
        if _is_api(request):
            return JSONResponse({"detail": message, "errors": errors}, status_code=422)
        return _error_page(request, 422, "Cannot do that", message)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        titles = {404: "Not found", 405: "Method not allowed"}
        return _error_page(
            request, exc.status_code, titles.get(exc.status_code, "Error"), str(exc.detail)
        )


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> FastAPI:
    """The application; tests pass their own settings (and may override get_session)."""
    settings = settings or get_settings()
    engine = engine or make_engine(
        settings.resolved_database_url, sqlite_cache_mb=settings.sqlite_cache_mb
    )
    app = FastAPI(
        title="Patternwatch",
        version=__version__,
        description="Stalking case management and oversight. JSON API under /api/v1.",
        docs_url=None,  # api/docs.py serves an offline, server-rendered reference instead
        redoc_url=None,
        openapi_url="/api/v1/openapi.json",
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.session_factory = make_session_factory(engine)
    app.state.templates = make_templates()

    @app.middleware("http")
    async def _security_headers(request: Request, call_next: Any) -> Response:
        response: Response = await call_next(request)
        for key, value in SECURITY_HEADERS.items():
            response.headers.setdefault(key, value)
        return response

    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.resolved_secret_key(),
        session_cookie="pw_session",
        max_age=settings.session_max_age_seconds,
        same_site="lax",
        https_only=settings.secure_cookies,
    )
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")
    install_error_handlers(app)

    from patternwatch.access import views as access_views
    from patternwatch.api import docs as api_docs
    from patternwatch.api import routes as api_routes
    from patternwatch.api import safeguarding as api_safeguarding

    app.include_router(api_routes.router)
    app.include_router(api_safeguarding.router)
    app.include_router(api_docs.router)
    app.include_router(access_views.router)
    for module in _domain_view_modules():
        app.include_router(module.router)
    return app


def _domain_view_modules() -> list[Any]:
    """Each domain's HTML router, in navigation order."""
    import importlib

    modules = []
    for name in (
        "patternwatch.crimes.views",
        "patternwatch.incidents.views",
        "patternwatch.people.views",
        "patternwatch.reference.views",
        "patternwatch.audit.views",
        "patternwatch.risk.views",
        "patternwatch.orders.views",
        "patternwatch.victim_care.views",
        "patternwatch.tasks.views",
        "patternwatch.screening.views",
    ):
        try:
            modules.append(importlib.import_module(name))
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
    return modules
