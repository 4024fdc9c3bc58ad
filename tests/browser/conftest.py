"""Browser tests: a real `paja serve` process on a free port and a temporary SQLite
database, driven through Playwright by Debian's Chromium (never a downloaded browser).
Without Chromium or Playwright the tests skip with the reason, except under CI=true,
where a missing browser fails the run."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from tests.conftest import PASSWORD

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("PAJA_TEST_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = ROOT / "app" / "static" / "vendor" / "axe.min.js"
SCREENSHOTS = ROOT / "docs" / "screenshots"
FACILITATOR_EMAIL = "fasi@example.fi"
LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


try:
    import playwright.sync_api  # noqa: F401

    HAVE_PLAYWRIGHT = True
except ImportError:
    HAVE_PLAYWRIGHT = False


def pytest_ignore_collect(collection_path: Path) -> bool | None:
    """Without Playwright the test modules cannot even be imported: leave them out and let
    test_requirements.py say why (and fail under CI)."""
    if HAVE_PLAYWRIGHT or collection_path.parent != Path(__file__).parent:
        return None
    return (
        collection_path.name.startswith("test_") and collection_path.name != "test_requirements.py"
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def missing(what: str) -> None:
    message = f"{what} is missing, so the browser tests cannot run"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message}; CI must run them", pytrace=False)
    pytest.skip(message)


def require_browser() -> None:
    """Skip with the reason when Playwright or Chromium is missing; fail under CI=true."""
    if not HAVE_PLAYWRIGHT:
        missing("The Python package playwright (pip install -e '.[test]')")
    if not CHROMIUM.exists():
        missing(f"Chromium at {CHROMIUM} (apt-get install chromium)")


@dataclass
class Server:
    base: str
    facilitator_token: str

    def api(self, method: str, path: str, token: str | None = None, **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {token or self.facilitator_token}"}
        response = httpx.request(method, f"{self.base}{path}", headers=headers, **kwargs)
        response.raise_for_status()
        return response.json() if response.content else None

    def new_board(self, title: str = "ELO-foorumi", **fields: Any) -> dict[str, Any]:
        body = {"title": title, "template": "elo-national-2020", **fields}
        return self.api("POST", "/api/v1/boards", json=body)

    def join(self, board: dict[str, Any], name: str = "") -> str:
        """A participant's token, joined through the API."""
        joined = self.api("POST", f"/api/v1/boards/{board['id']}/participants", json={"name": name})
        return str(joined["token"])

    def note(
        self,
        board: dict[str, Any],
        text: str,
        column: int = 0,
        token: str | None = None,
        **fields: Any,
    ) -> dict[str, Any]:
        body = {"column_id": board["columns"][column]["id"], "text": text, **fields}
        return self.api("POST", f"/api/v1/boards/{board['id']}/notes", token, json=body)

    def order(self, board: dict[str, Any]) -> list[list[str]]:
        """Each column's note texts, in the order the server keeps."""
        snapshot = self.api("GET", f"/api/v1/boards/{board['id']}")
        return [
            [n["text"] for n in snapshot["notes"] if n["column_id"] == column["id"]]
            for column in snapshot["columns"]
        ]


def _run_cli(args: list[str], env: dict[str, str], cwd: Path) -> None:
    command = [sys.executable, "-m", "app.cli", *args]
    subprocess.run(command, env=env, cwd=cwd, check=True, capture_output=True, timeout=60)


@pytest.fixture(scope="package")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One server for the package; each test makes its own boards."""
    require_browser()
    data = tmp_path_factory.mktemp("browser")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "PAJA_DATABASE_URL": f"sqlite:///{data / 'paja.db'}",
        "PAJA_DATA_DIR": str(data),
        "PAJA_BASE_URL": base,
        "PAJA_POSTS_PER_MINUTE": "10000",
        "PAJA_SIGN_INS_PER_MINUTE": "1000",
        # Every browser test comes from 127.0.0.1: one address for the whole suite.
        "PAJA_SIGN_INS_PER_ADDRESS": "10000/minute",
        "PAJA_WRITES_PER_ADDRESS": "100000/minute",
    }
    _run_cli(
        ["create-facilitator", FACILITATOR_EMAIL, "--password", PASSWORD, "--name", "Fasi"],
        env,
        data,
    )
    log = (data / "server.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--port", str(port)],
        env=env,
        cwd=data,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_until_up(base, process)
        token = httpx.post(
            f"{base}/api/v1/auth/token", json={"email": FACILITATOR_EMAIL, "password": PASSWORD}
        ).json()["access_token"]
        yield Server(base, token)
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


def _wait_until_up(base: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server exited with {process.returncode}")
        try:
            if httpx.get(f"{base}/healthz").status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError("the server did not start")


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


NewContext = Callable[..., "BrowserContext"]


@pytest.fixture
def new_context(browser: Browser, server: Server) -> Iterator[NewContext]:
    """Browser contexts (separate cookie jars: separate people) closed after the test."""
    made: list[BrowserContext] = []

    def make(**options: Any) -> BrowserContext:
        options.setdefault("viewport", LAPTOP)
        options.setdefault("locale", "fi-FI")
        context = browser.new_context(base_url=server.base, **options)
        context.set_default_timeout(5000)
        made.append(context)
        return context

    yield make
    for context in made:
        context.close()


def join(context: BrowserContext, board: dict[str, Any], name: str) -> Page:
    """A participant who opened the link and joined with a name."""
    page = context.new_page()
    page.goto(f"/b/{board['id']}")
    page.get_by_label("Nimesi (valinnainen)").fill(name)
    page.get_by_role("button", name="Liity tauluun").click()
    # Online is board.js's word; the page's later scripts (the composer's Ctrl+Enter and
    # drafts) may still be loading then. A person types into a page that has loaded.
    page.wait_for_load_state()
    page.locator("#connection[data-state=online]").wait_for()
    return page


def sign_in(context: BrowserContext, next_path: str = "/") -> Page:
    page = context.new_page()
    page.goto(f"/login?next={next_path}")
    page.get_by_label("Sähköposti").fill(FACILITATOR_EMAIL)
    page.get_by_label("Salasana").fill(PASSWORD)
    page.get_by_role("button", name="Kirjaudu sisään").click()
    page.wait_for_load_state()
    return page


def run_axe(page: Page) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations on the page as it is now. axe is not
    served to any page: it is injected here, in a context made with bypass_csp=True."""
    if not page.evaluate("Boolean(window.axe)"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        {
            "id": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "nodes": [node["target"] for node in violation["nodes"]][:5],
        }
        for violation in result["violations"]
        if violation["impact"] in ("serious", "critical")
    ]
