"""A live registry for the browser tests: the demo on its own database, served on loopback
in a thread, and headless Debian Chromium driven by Playwright."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from consortium import db
from consortium.demo.seed import seed
from consortium.web.app import create_app
from tests.conftest import TEST_CONFIG, fresh_database, migrate

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
LIVE: dict[str, Any] = {}  # the served app, for tests that let time pass or run the worker


def _closed_before_served(app: Any) -> Any:
    """The app with each response read whole and closed before the server writes it.

    Werkzeug's development server closes a response only after it has drained the request; when
    the browser resets the connection (a page navigates away while a static file is on its way),
    that drain raises first and the response is never closed, so the static file's handle is
    left for the garbage collector and the suite's warnings-as-errors fails whichever test is
    running then. No response of the app streams, so reading it whole changes nothing else."""

    def served(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        body = app(environ, start_response)
        try:
            return [b"".join(body)]
        finally:
            if hasattr(body, "close"):
                body.close()

    return served


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with fresh_database(tmp_path_factory, "live") as url:
        migrate(url)
        app = create_app({**TEST_CONFIG, "DATABASE_URL": url, "TESTING": False})
        with app.app_context(), db.unit_of_work():
            seed()
        LIVE["app"] = app
        port = _free_port()
        server = make_server("127.0.0.1", port, _closed_before_served(app), threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{port}"
        finally:
            server.shutdown()
            thread.join(timeout=5)
            db.engine_of(app).dispose()


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is missing: `make test` installs it (make system-deps).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium: Any, live_server: str) -> Iterator[Any]:
    context = chromium.new_context(base_url=live_server, locale="sv-SE",
                                   viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def shoot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def sign_in(page: Any, email: str = "kansli@sambruk.demo", password: str = "sambruk-demo") -> None:
    page.goto("/login")
    page.get_by_label("E-post").fill(email)
    page.get_by_label("Lösenord").fill(password)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url("**/")
