"""Browser fixtures: a real uvicorn server on a free port, and Debian's chromium under Playwright.

The server runs in a background thread against its own temporary SQLite database (migrated with
Alembic), so the browser sees exactly what a user would: real HTTP, cookies, CSRF tokens and
redirects. Playwright never downloads a browser here; without chromium the tests are skipped.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Page, sync_playwright

from patternwatch.access import service as access_service
from patternwatch.access.actor import SYSTEM_ACTOR
from patternwatch.access.enums import Role
from patternwatch.config import Environment, Settings
from patternwatch.db import migrate
from patternwatch.db.session import make_engine, make_session_factory, session_scope

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # This machine's network is closed: without these chromium keeps trying to reach Google.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass(frozen=True)
class LiveServer:
    url: str
    username: str
    password: str


def find_chromium() -> str | None:
    """PATTERNWATCH_CHROMIUM, else Debian's /usr/bin/chromium, else chromium on PATH."""
    configured = os.environ.get("PATTERNWATCH_CHROMIUM")
    if configured:
        return configured if Path(configured).exists() else None
    if Path("/usr/bin/chromium").exists():
        return "/usr/bin/chromium"
    return shutil.which("chromium")


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = find_chromium()
    if path is None:
        pytest.skip(
            "chromium not found (install Debian's package: apt-get install chromium, or set "
            "PATTERNWATCH_CHROMIUM): browser tests SKIPPED"
        )
    return path


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The app served by uvicorn on 127.0.0.1 and a free port, with one investigator."""
    import uvicorn

    from patternwatch.app import create_app

    data_dir = tmp_path_factory.mktemp("browser-data")
    url = f"sqlite:///{data_dir / 'browser.db'}"
    migrate.upgrade(url)
    username, password = "browser.investigator", "browser-test-password"
    engine = make_engine(url)
    with session_scope(make_session_factory(engine)) as session:
        access_service.create_user(
            session=session,
            actor=SYSTEM_ACTOR,
            username=username,
            role=Role.INVESTIGATOR,
            password=password,
            display_name="Browser Investigator",
        )
    settings = Settings(
        env=Environment.TEST, secret_key="b" * 48, database_url=url, data_dir=data_dir
    )
    app = create_app(settings, engine=engine)

    # Bind first and hand the socket to uvicorn, so no other process can take the port between.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield LiveServer(f"http://127.0.0.1:{port}", username, password)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
        engine.dispose()


@pytest.fixture()
def page(chromium_path: str, tmp_path: Path) -> Iterator[Page]:
    """A page in a fresh headless chromium profile."""
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"),
            executable_path=chromium_path,
            headless=True,
            args=CHROMIUM_ARGS,
            locale="en-GB",
            timezone_id="Europe/London",
        )
        context.set_default_timeout(15_000)
        try:
            yield context.pages[0] if context.pages else context.new_page()
        finally:
            context.close()
