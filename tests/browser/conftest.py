"""Browser tests in real Chromium (Debian's ``chromium``, driven by Playwright's Python package).

One Chromium is launched per test session; every test gets its own browser context (no shared
cookies or storage) and its own meeting: the real server app on a real SQLite file in
``tmp_path``, bound to 127.0.0.1, with round 1 set up by the Python helpers (ceremony by a
simulated committee over HTTP, tokens issued, voting open).

Pages are loaded from ``http://hop.test:<port>``: Chromium maps that name to 127.0.0.1, so the
origin is *not* a secure context, exactly as a phone on the meeting-room LAN sees
``http://192.168.x.y:8080``. (A loopback origin would count as secure and hide a dependence on
WebCrypto ``subtle``.)

Everything runs in one session-scoped event loop, since Playwright objects belong to the loop
that created them: every test module runs in the session loop (see ``pytestmark`` below).

Screenshots go to ``tests/artifacts/`` (ignored by git); a failing test also leaves a
screenshot of each of its pages under ``tests/artifacts/failures/``.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from playwright.async_api import Browser, BrowserContext, Page, async_playwright, expect

from ballot_client.remote import MeetingClient
from ballot_server import keys
from tally.rules.profiles import DEFAULT_PROFILE
from tests.browser.chromium import CHROMIUM, CHROMIUM_ARGS, HOST
from tests.server_support import make_app, open_round

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
TIMEOUT_MS = 20_000  # any single wait; each test stays well under ~30 s
expect.set_options(timeout=TIMEOUT_MS)
PHONE = {"width": 360, "height": 740}
PROJECTOR = {"width": 1920, "height": 1080}

MEETING_INFO = {
    "id": "hop-browser",
    "title": "Hội nghị đánh giá, xếp loại đảng viên năm 2026",
    "cell": "Chi bộ Phòng Kế hoạch",
    "committee_above": "Đảng bộ Sở Tài chính",
    "date": "2026-12-15",
    "place": "Phòng họp tầng 3",
    "chair": "Nguyễn Văn An",
    "secretary": "Trần Thị Bình",
    "purpose": "Đánh giá, xếp loại chất lượng đảng viên năm 2026",
    "profile": DEFAULT_PROFILE.name,
}

# Every browser test module says
#     pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="session")]
# (not a constant here: the marker is registered only once this file has been imported).

# Measurements printed in the terminal summary (and written to tests/artifacts/timings.txt).
TIMINGS: list[str] = []


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "meeting(rated=3, tokens=5, voting=True): the meeting fixture's round 1 "
        "(voting=False: no round at all)",
    )


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if TIMINGS:
        terminalreporter.section("browser timings")
        for line in TIMINGS:
            terminalreporter.write_line(line)


def record_timing(line: str) -> None:
    """Print a measurement (not asserted) and keep it for the terminal summary."""
    print(line)
    TIMINGS.append(line)
    artifact("timings.txt").write_text("\n".join(TIMINGS) + "\n", encoding="utf-8")


def artifact(name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS / name


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Any:
    report = yield
    if report.when == "call":
        item.stash[_FAILED] = report.failed
    return report


_FAILED = pytest.StashKey[bool]()


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def browser() -> AsyncIterator[Browser]:
    if not Path(CHROMIUM).is_file():
        pytest.fail(f"Chromium is not installed at {CHROMIUM} (make setup installs it)")
    shutil.rmtree(ARTIFACTS / "failures", ignore_errors=True)  # only this run's failures
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, timeout=30_000
        )
        yield launched
        await launched.close()


@dataclass
class Meeting:
    """A running meeting with round 1 open for voting."""

    url: str  # http://hop.test:<port>, what the browser opens
    tokens: list[str]
    rated: int
    client: TestClient  # the Python side, straight to 127.0.0.1
    voter: MeetingClient  # the Python voter client over the same HTTP API
    used: set[str] = field(default_factory=set)

    @property
    def app(self) -> web.Application:
        return self.client.server.app

    @property
    def direct_url(self) -> str:
        """http://127.0.0.1:<port>, for requests made outside Chromium."""
        return f"http://127.0.0.1:{self.client.server.port}"

    def at(self, path: str) -> str:
        return self.url + path

    def token(self) -> str:
        """A token no earlier step of the test has used."""
        fresh = next(t for t in self.tokens if t not in self.used)
        self.used.add(fresh)
        return fresh

    async def status(self) -> dict[str, Any]:
        """``GET /api/status`` (meeting, round, phase, turnout)."""
        code, answer = await self.get("/api/status")
        assert code == 200, answer
        return answer

    async def get(self, path: str) -> tuple[int, Any]:
        async with self.client.session.get(self.client.make_url(path)) as response:
            return response.status, await response.json()


@pytest_asyncio.fixture(loop_scope="session")
async def meeting(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Meeting]:
    """The real server on a real SQLite file, round 1 open (size from ``@pytest.mark.meeting``)."""
    marker = request.node.get_closest_marker("meeting")
    options = {"rated": 3, "tokens": 5, "voting": True, **(marker.kwargs if marker else {})}
    voting = options.pop("voting")
    client = TestClient(TestServer(make_app(tmp_path), host="127.0.0.1"))
    await client.start_server()
    try:
        # What the chair's meeting form stores (shown by the projector).
        with client.server.app[keys.STORE].transaction() as store:
            store.set_setting("meeting", MEETING_INFO)
        if voting:
            voter, _, _, tokens = await open_round(client, **options)
        else:
            voter, tokens = MeetingClient(client.session, str(client.make_url("/"))), []
        yield Meeting(
            url=f"http://{HOST}:{client.server.port}",
            tokens=list(tokens),
            rated=options["rated"],
            client=client,
            voter=voter,
        )
    finally:
        await client.close()


@dataclass
class Tab:
    """A page with everything it complained about (uncaught errors, console errors)."""

    page: Page
    problems: list[str]

    def assert_no_errors(self) -> None:
        uncaught = [p for p in self.problems if p.startswith("pageerror")]
        assert not uncaught, f"uncaught errors in {self.page.url}: {uncaught}"


OpenPage = Callable[..., Awaitable[Tab]]


@pytest_asyncio.fixture(loop_scope="session")
async def open_page(browser: Browser, request: pytest.FixtureRequest) -> AsyncIterator[OpenPage]:
    """``await open_page(url, viewport=PHONE)``: a new browser context and page, opened at url."""
    contexts: list[BrowserContext] = []
    tabs: list[Tab] = []

    async def factory(
        url: str | None = None, *, viewport: dict[str, int] = PHONE, phone: bool = True
    ) -> Tab:
        context = await browser.new_context(
            viewport=viewport,
            device_scale_factor=1,
            is_mobile=phone,
            has_touch=phone,
            locale="vi-VN",
        )
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = await context.new_page()
        tab = Tab(page, [])
        page.on("pageerror", lambda error: tab.problems.append(f"pageerror: {error}"))
        page.on(
            "console",
            lambda message: (
                tab.problems.append(f"console.{message.type}: {message.text}")
                if message.type == "error"
                else None
            ),
        )
        page.on(
            "response",
            lambda response: (
                tab.problems.append(
                    f"http {response.status}: {response.request.method} {response.url}"
                )
                if response.status >= 400
                else None
            ),
        )
        tabs.append(tab)
        if url is not None:
            await page.goto(url)
        return tab

    yield factory
    if request.node.stash.get(_FAILED, False):
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
        for number, tab in enumerate(tabs, start=1):
            try:
                await tab.page.screenshot(
                    path=artifact(f"failures/{name}-{number}.png"), full_page=True, timeout=5_000
                )
            except Exception as error:  # the page may be gone; the failure itself matters more
                print(f"no failure screenshot of {tab.page.url}: {error}")
            if tab.problems:
                print(f"browser problems in {tab.page.url}:", *tab.problems, sep="\n  ")
    for context in contexts:
        await context.close()
