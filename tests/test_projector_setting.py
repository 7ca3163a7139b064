"""``POST /api/chair/projector``: only the chair turns the projector's results pages (or pauses
them); a bad value is refused with a clear message and changes nothing; every projector sees
the setting in ``GET /api/status``."""

from __future__ import annotations

import pytest

from tests.server_support import CHAIR_SECRET, make_app

BEARER = {"Authorization": f"Bearer {CHAIR_SECRET}"}


@pytest.fixture
async def client(aiohttp_client, tmp_path):
    return await aiohttp_client(make_app(tmp_path))


async def projector_setting(client) -> dict:
    response = await client.get("/api/status")
    return (await response.json())["projector"]


async def test_only_the_chair_sets_the_projector_page(client) -> None:
    assert await projector_setting(client) == {"page": 0, "paused": False}
    response = await client.post("/api/chair/projector", json={"page": 2, "paused": True})
    assert response.status == 401
    assert await projector_setting(client) == {"page": 0, "paused": False}

    response = await client.post(
        "/api/chair/projector", json={"page": 2, "paused": True}, headers=BEARER
    )
    assert response.status == 200 and await response.json() == {"page": 2, "paused": True}
    assert await projector_setting(client) == {"page": 2, "paused": True}


@pytest.mark.parametrize(
    "body",
    [{"page": -1}, {"page": 1001}, {"page": "2"}, {"page": True}, {"paused": "yes"}, [1], "x"],
)
async def test_a_bad_projector_setting_is_refused_and_changes_nothing(client, body) -> None:
    response = await client.post("/api/chair/projector", json=body, headers=BEARER)
    answer = await response.json()
    assert response.status == 400, body
    assert answer["message"] and answer["message_en"]
    assert await projector_setting(client) == {"page": 0, "paused": False}
