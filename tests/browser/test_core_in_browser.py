"""The crypto core in a real browser on a plain-HTTP LAN origin.

``/selftest`` loads ``/js/index.mjs`` exactly as the phone page does: the bare ``@noble/…``
imports rewritten to ``/vendor/…`` by the server, no import map, no inline script, under the
server's strict CSP. On ``http://hop.test`` the page is not a secure context, so
``crypto.subtle`` does not exist; a ballot that still encrypts and is accepted by the server's
full proof check shows that the core needs only ``crypto.getRandomValues``.
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import Meeting, OpenPage, record_timing

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="session")]


async def test_core_encrypts_on_plain_http_and_server_accepts(
    meeting: Meeting, open_page: OpenPage
) -> None:
    token = meeting.token()
    tab = await open_page(meeting.at(f"/selftest#t={token}&r=1"))
    page = tab.page
    state = page.get_by_test_id("selftest-state")
    await state.and_(page.locator("[data-state=done], [data-state=error]")).wait_for()
    result = await page.evaluate("window.selftest")
    assert result["state"] == "done", result

    assert await page.evaluate("window.isSecureContext") is False
    assert await page.evaluate("window.location.origin") == meeting.url
    assert result["environment"] == {
        "secureContext": False,
        "subtle": "undefined",
        "getRandomValues": "function",
    }

    # The server checked every proof and took the ballot; its receipt is the page's own tracker.
    assert result["status"] == 201, result["server"]
    assert result["server"] == result["local"]
    status, found = await meeting.get(f"/api/rounds/1/trackers/{result['local']['code']}")
    assert (status, found) == (
        200,
        {"found": True, "tracker": result["local"]["tracker"], "audited": False},
    )
    live = await meeting.status()
    assert live["turnout"]["ballots"] == 1
    record_timing(
        f"selftest: encrypting a {result['questions']}-question ballot in Chromium took "
        f"{result['encryptMs']:.0f} ms"
    )
    tab.assert_no_errors()
    assert tab.problems == [], tab.problems  # no CSP violation, no failed module load


async def test_vendor_modules_are_served_rewritten(meeting: Meeting, open_page: OpenPage) -> None:
    """The browser fetched the noble libraries from /vendor, never a bare ``@noble`` name."""
    requested: list[str] = []
    tab = await open_page()
    tab.page.on("request", lambda request: requested.append(request.url))
    await tab.page.goto(meeting.at(f"/selftest#t={meeting.token()}&r=1"))
    await tab.page.locator("[data-testid=selftest-state][data-state=done]").wait_for()
    vendor = [url for url in requested if "/vendor/" in url]
    assert any("/vendor/curves/" in url for url in vendor), requested
    assert any("/vendor/hashes/" in url for url in vendor), requested
    assert all(url.startswith(meeting.url + "/") for url in requested), requested
    assert not [url for url in requested if "@noble" in url]
    tab.assert_no_errors()
