"""The committee's checks before decrypting (PROTOCOL.md §15), timed as a member waits for them.

    .venv/bin/python bench/committee_check.py [--quick]     # prints one JSON object

- ``committee_check_s_n30_r30``: a real ``phieukin serve`` process; member 1 on the committee
  page in headless Chromium (members 2 and 3 simulated in Python), N=30 voters, R=30 rated. The
  page is open while the ballots arrive (it checks them in Web Workers as they come, as a member's
  phone does); the time is from the chair's "close" until the page's "Giải mã" button is
  enabled — the log checked from event 0, the rest of the ballots, the aggregate recomputed.
  ``…_throttled4`` is the same with Chromium's CPU throttled 4× (a cheap phone);
  ``…_cold`` is a page opened only at close (every ballot checked then); ``…_cpu_ms`` is the
  time the page spent checking (its workers and itself), ballots during voting included.
- ``trustee_check_s_n100_r30``: ``phieukin trustee``'s checks (``CommitteeMember.check_round``,
  2 worker processes, as the command runs) of a closed round of N=100 ballots, R=30.

``--quick`` measures the page open during voting and the trustee check (twice); without it the
throttled and the cold page are measured too, and the trustee check three times (the median).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402

from ballot_client.committee import CommitteeMember, MemoryKeeper  # noqa: E402
from ballot_client.remote import MeetingClient  # noqa: E402
from ballot_client.simulated import run_committee  # noqa: E402
from ballot_server.demo import setup_meeting  # noqa: E402
from bench._meeting import ServerProcess, chair_session  # noqa: E402
from tally.ballot import make_ballot  # noqa: E402
from tally.crypto.nonces import system_nonce  # noqa: E402
from tally.token import token_hash  # noqa: E402
from tests.browser.chromium import CHROMIUM, CHROMIUM_ARGS, HOST  # noqa: E402

TIMEOUT_MS = 600_000


async def cast(public: MeetingClient, number: int, tokens: list[str], rng: random.Random) -> None:
    """Every token votes: ballots made in Python, sent a few at a time."""
    context = await public.election(number)
    ballots = [
        make_ballot(
            context,
            token_hash(token),
            [rng.randrange(4) for _ in context.manifest.questions],
            system_nonce,
        )
        for token in tokens
    ]
    limit = asyncio.Semaphore(4)

    async def send(token: str, ballot: dict) -> None:
        async with limit:
            await public.send_ballot(number, token, ballot)  # a lost connection: sent again

    await asyncio.gather(*(send(t, b) for t, b in zip(tokens, ballots, strict=True)))


async def page_check(browser, voters: int, rated: int, throttle: int, cold: bool) -> dict:
    """One meeting; member 1's phone in Chromium. Seconds from close to the enabled button."""
    from playwright.async_api import expect

    from tests.browser.committee_steps import confirm, keep_stepping, make_key

    with tempfile.TemporaryDirectory(prefix="phieukin-bench-") as folder:
        server = ServerProcess(Path(folder) / "meeting")
        server.start()
        try:
            async with aiohttp.ClientSession() as session, chair_session(server.secret) as desk:
                public, chair = (
                    MeetingClient(session, server.base),
                    MeetingClient(desk, server.base),
                )
                await server.wait_up(public)
                rng = random.Random(throttle * 10 + cold)
                number, credentials, _ = await setup_meeting(chair, voters, rated, rng)
                others = [
                    CommitteeMember(public, credentials[i], number, MemoryKeeper()) for i in (2, 3)
                ]
                for member in others:
                    await member.join()
                context = await browser.new_context(viewport={"width": 360, "height": 740})
                page = await context.new_page()
                if throttle > 1:
                    cdp = await context.new_cdp_session(page)
                    await cdp.send("Emulation.setCPUThrottlingRate", {"rate": throttle})
                url = f"http://{HOST}:{server.port}/committee#c={credentials[1]}&r={number}"
                await page.goto(url)
                stop = asyncio.Event()
                stepping = asyncio.create_task(keep_stepping(others, stop))
                await make_key(page)
                await confirm(page, 1)
                await page.wait_for_selector('[data-testid="status"][data-state="cm.status.ready"]')
                stop.set()
                await stepping
                tokens = (await chair.post(f"/api/chair/rounds/{number}/tokens", {}))["tokens"]
                await chair.post(f"/api/chair/rounds/{number}/open", {})
                if cold:
                    await page.close()
                await cast(public, number, tokens, rng)
                if not cold:  # the phone checked the ballots as they came
                    await expect(page.get_by_test_id("check-status")).to_contain_text(
                        f"{len(tokens)}/{len(tokens)}", timeout=TIMEOUT_MS
                    )
                started = time.perf_counter()
                await chair.post(f"/api/chair/rounds/{number}/close", {"confirm": True})
                if cold:
                    page = await context.new_page()
                    if throttle > 1:
                        cdp = await context.new_cdp_session(page)
                        await cdp.send("Emulation.setCPUThrottlingRate", {"rate": throttle})
                    await page.goto(url)
                await page.wait_for_selector(
                    '[data-testid="decrypt-button"]:not([disabled])', timeout=TIMEOUT_MS
                )
                seconds = time.perf_counter() - started
                cpu = await page.locator("body").get_attribute("data-check-ms")
                await context.close()
                return {"seconds": seconds, "cpu_ms": int(cpu or 0), "ballots": len(tokens)}
        finally:
            server.stop()


async def chromium_metrics(voters: int = 30, rated: int = 30, quick: bool = True) -> dict:
    """The page's metrics; ``quick`` leaves out the throttled and the cold page."""
    from playwright.async_api import async_playwright

    key = f"n{voters}_r{rated}"
    results: dict = {}
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, timeout=30_000
        )
        try:
            warm = await page_check(browser, voters, rated, 1, False)
            results[f"committee_check_s_{key}"] = round(warm["seconds"], 2)
            results[f"committee_check_s_{key}_cpu_ms"] = warm["cpu_ms"]
            if not quick:
                throttled = await page_check(browser, voters, rated, 4, False)
                results[f"committee_check_s_{key}_throttled4"] = round(throttled["seconds"], 2)
                results[f"committee_check_s_{key}_throttled4_cpu_ms"] = throttled["cpu_ms"]
                cold = await page_check(browser, voters, rated, 1, True)
                results[f"committee_check_s_{key}_cold"] = round(cold["seconds"], 2)
        finally:
            await browser.close()
    return results


async def trustee_metrics(voters: int = 100, rated: int = 30, repeats: int = 3) -> dict:
    with tempfile.TemporaryDirectory(prefix="phieukin-bench-") as folder:
        server = ServerProcess(Path(folder) / "meeting")
        server.start()
        try:
            async with (
                aiohttp.ClientSession() as session,
                chair_session(server.secret, 600) as desk,
            ):
                public, chair = (
                    MeetingClient(session, server.base),
                    MeetingClient(desk, server.base),
                )
                await server.wait_up(public)
                rng = random.Random(100)
                number, credentials, _ = await setup_meeting(chair, voters, rated, rng)
                members, _ = await run_committee(public, number, credentials)
                tokens = (await chair.post(f"/api/chair/rounds/{number}/tokens", {}))["tokens"]
                await chair.post(f"/api/chair/rounds/{number}/open", {})
                await cast(public, number, tokens, rng)
                await chair.post(f"/api/chair/rounds/{number}/close", {"confirm": True})
                samples = []
                for _ in range(repeats):  # a fresh run of the command each time
                    member = CommitteeMember(
                        public, credentials[1], number, MemoryKeeper(members[0].record), workers=2
                    )
                    await member.join()
                    started = time.perf_counter()
                    checked = await member.check_round(number)
                    samples.append(time.perf_counter() - started)
                    assert checked.ballots == len(tokens)
        finally:
            server.stop()
    return {
        f"trustee_check_s_n{voters}_r{rated}": round(statistics.median(samples), 2),
        "trustee_check_samples": [round(s, 2) for s in samples],
    }


def measure(quick: bool = True) -> dict:
    """Both metrics (see the module docstring); ``quick``: the page open during voting only,
    the trustee check twice."""
    results = asyncio.run(chromium_metrics(quick=quick))
    results.update(asyncio.run(trustee_metrics(repeats=2 if quick else 3)))
    return results


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the main two metrics only")
    print(json.dumps(measure(parser.parse_args().quick)))
