"""The chair's session: one per login, shared by every tab of the browser, kept across restarts
of the server; its CSRF token follows the session, not the page.

(Before: a second tab, a browser restart or a new login in one tab made every chair action of
the other fail with a CSRF error whose advice, "reload the page", did not help.)
"""

from __future__ import annotations

import pytest

from ballot_server import auth
from tests.server_support import CHAIR_SECRET, make_app

CLOSE = "/api/chair/rounds/1/close"  # any state-changing chair call: 409 (no round) once let in


async def login(client) -> str:
    response = await client.post("/api/chair/login", json={"secret": CHAIR_SECRET})
    assert response.status == 200
    return (await response.json())["csrf"]


async def act(client, csrf: str | None) -> tuple[int, str]:
    """A state-changing chair call; the answer's status and error code."""
    headers = {} if csrf is None else {"X-CSRF-Token": csrf}
    response = await client.post("/api/chair/meeting", json={}, headers=headers)
    return response.status, (await response.json()).get("error", "")


async def session_csrf(client) -> str | None:
    response = await client.get("/api/chair/session")
    assert response.status == 200
    return (await response.json())["csrf"]


@pytest.fixture
async def client(aiohttp_client, tmp_path):
    return await aiohttp_client(make_app(tmp_path))


async def test_a_second_tab_gets_the_sessions_token_and_both_act(client) -> None:
    first_tab = await login(client)
    second_tab = await session_csrf(client)  # a new tab: the cookie, but no token yet
    assert second_tab == first_tab
    assert await act(client, first_tab) == (400, "bad_request")  # let in: the body is refused
    assert await act(client, second_tab) == (400, "bad_request")


async def test_a_new_login_in_one_tab_leaves_the_other_tab_working(client) -> None:
    stale = await login(client)
    fresh = await login(client)  # the other tab logs in again: one session per login
    assert fresh != stale
    status, code = await act(client, stale)
    assert (status, code) == (401, "csrf")  # refused, nothing done …
    assert await session_csrf(client) == fresh  # … and the tab gets the session's token
    assert await act(client, fresh) == (400, "bad_request")


async def test_the_session_survives_a_restart_of_the_server(aiohttp_client, tmp_path) -> None:
    before = await aiohttp_client(make_app(tmp_path))
    csrf = await login(before)
    cookie = before.session.cookie_jar.filter_cookies(before.make_url("/"))[auth.COOKIE].value
    await before.close()
    after = await aiohttp_client(make_app(tmp_path))  # a new server process on the same folder
    after.session.cookie_jar.update_cookies({auth.COOKIE: cookie}, after.make_url("/"))
    assert await session_csrf(after) == csrf
    assert await act(after, csrf) == (400, "bad_request")
    assert (await after.get("/api/chair/state")).status == 200


async def test_logout_ends_the_session_for_every_tab(client) -> None:
    csrf = await login(client)
    response = await client.post("/api/chair/logout", json={}, headers={"X-CSRF-Token": csrf})
    assert response.status == 200
    # the browser forgets the cookie; a copy of it (another tab's request in flight) is dead too
    assert (await client.get("/api/chair/session")).status == 401


async def test_a_stolen_old_cookie_is_dead_after_a_new_login(client) -> None:
    await login(client)
    old = client.session.cookie_jar.filter_cookies(client.make_url("/"))[auth.COOKIE].value
    await login(client)  # the same browser logs in again: its previous session ends
    client.session.cookie_jar.update_cookies({auth.COOKIE: old}, client.make_url("/"))
    assert (await client.get("/api/chair/state")).status == 401


async def test_a_program_with_the_bearer_secret_needs_no_token(client) -> None:
    headers = {"Authorization": f"Bearer {CHAIR_SECRET}"}
    response = await client.get("/api/chair/session", headers=headers)
    assert (response.status, (await response.json())["csrf"]) == (200, None)
    response = await client.post(CLOSE, json={"confirm": True}, headers=headers)
    assert response.status == 404  # let in: there is no round 1
