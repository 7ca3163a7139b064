"""Ballot encryption in headless Chromium: the real phone code path, served by the real server.

    .venv/bin/python bench/chromium_encrypt.py          # prints one JSON object

For each R in (1, 10, 30, 50) the real server app runs on 127.0.0.1 (in this process, on a real
SQLite file in a temporary folder) with a round of R rated members × 4 levels open for voting,
its key ceremony done over HTTP by a simulated 2-of-3 committee. Chromium (Debian's
``/usr/bin/chromium``, driven by Playwright's Python package, launched like the browser tests)
opens ``/static/bench.html`` from ``http://hop.test:PORT`` (mapped to 127.0.0.1, so *not* a
secure context, as a phone on the meeting LAN sees the server). The page fetches the election,
prepares it once (``loadElection``), and times ``encryptBallot`` over warm-up + timed runs with
``performance.now()``; it then checks the last ballot and submits it, and the server must accept
it (HTTP 201), so what was timed is a ballot the server takes.

Result: ``{"encrypt_ms_chromium_r30": …, "by_r": {"1": …, …}, "load_election_ms": {…},
"chromium": "<user agent>"}`` (medians, milliseconds). ``PHIEUKIN_BENCH_RUNS`` sets the number
of timed runs (default 7, at least 5).
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402
from aiohttp import web  # noqa: E402

from ballot_client.remote import MeetingClient  # noqa: E402
from ballot_client.simulated import run_committee  # noqa: E402
from ballot_server import keys  # noqa: E402
from ballot_server.app import create_app  # noqa: E402
from ballot_server.config import ServerConfig  # noqa: E402
from tally.manifest import rating_manifest_json  # noqa: E402
from tests.browser.chromium import CHROMIUM, CHROMIUM_ARGS, HOST  # noqa: E402

SIZES = (1, 10, 30, 50)
TIMEOUT_S = 180


async def open_meeting(folder: Path, rated: int) -> tuple[web.AppRunner, int, str]:
    """The real app on 127.0.0.1 with round 1 (``rated`` questions) open; (runner, port, token)."""
    app = create_app(ServerConfig(folder=folder, host="127.0.0.1", port=0, verify_workers=1))
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    manifest = rating_manifest_json(
        {"id": f"bench-r{rated}", "title": "Benchmark"},
        [(f"m{i:03d}", f"Đảng viên {i}") for i in range(1, rated + 1)],
        ["Trưởng ban", "Ủy viên 1", "Ủy viên 2"],
        threshold=2,
    )
    rounds = app[keys.ROUNDS]
    subjects = {q["id"]: i for i, q in enumerate(manifest["questions"], start=1)}
    credentials = rounds.start(manifest, subjects)
    async with aiohttp.ClientSession() as session:
        await run_committee(MeetingClient(session, f"http://127.0.0.1:{port}"), 1, credentials)
    token = rounds.issue_tokens(1, 1)[0]
    rounds.open_voting(1)
    return runner, port, token


async def measure_async(sizes: tuple[int, ...] = SIZES, runs: int | None = None) -> dict:
    from playwright.async_api import async_playwright

    runs = max(5, runs or int(os.environ.get("PHIEUKIN_BENCH_RUNS", "7")))
    if not Path(CHROMIUM).is_file():
        raise FileNotFoundError(f"Chromium is not installed at {CHROMIUM}")
    by_r: dict[str, float] = {}
    load_ms: dict[str, float] = {}
    agent = ""
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, timeout=30_000
        )
        try:
            for rated in sizes:
                with tempfile.TemporaryDirectory(prefix="phieukin-bench-") as folder:
                    runner, port, token = await open_meeting(Path(folder), rated)
                    try:
                        context = await browser.new_context(
                            viewport={"width": 360, "height": 740},
                            is_mobile=True,
                            has_touch=True,
                            locale="vi-VN",
                        )
                        page = await context.new_page()
                        await page.goto(
                            f"http://{HOST}:{port}/static/bench.html#t={token}&r=1&runs={runs}"
                        )
                        # read the page, not window.bench: the strict CSP forbids eval
                        await page.wait_for_selector(
                            '[data-testid="bench-state"]:not([data-state="loading"])',
                            timeout=TIMEOUT_S * 1000,
                        )
                        text = await page.locator('[data-testid="bench-result"]').text_content()
                        result = json.loads(text or "{}")
                        await context.close()
                    finally:
                        await runner.cleanup()
                if result.get("state") != "done" or not 200 <= result.get("status", 0) < 300:
                    raise RuntimeError(f"bench page at R={rated}: {result}")
                if result.get("secureContext"):
                    raise RuntimeError("the bench page ran in a secure context (expected not)")
                by_r[str(rated)] = round(result["encryptMs"], 1)
                load_ms[str(rated)] = round(result["loadElectionMs"], 1)
                agent = result.get("userAgent", "")
        finally:
            await browser.close()
    return {
        "encrypt_ms_chromium_r30": by_r.get("30"),
        "by_r": by_r,
        "load_election_ms": load_ms,
        "runs": runs,
        "chromium": agent,
    }


def measure(sizes: tuple[int, ...] = SIZES, runs: int | None = None) -> dict:
    """Median encryptBallot milliseconds in headless Chromium by R (see the module docstring)."""
    return asyncio.run(measure_async(sizes, runs))


if __name__ == "__main__":
    print(json.dumps(measure(), ensure_ascii=False))
