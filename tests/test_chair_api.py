"""Integration: the chair's API on the real app and a real SQLite file, login to open voting."""

from __future__ import annotations

import re

import pytest

from ballot_client.remote import MeetingClient, ServerError
from ballot_client.simulated import run_committee
from ballot_server import keys
from ballot_server.roster_import import HEADERS
from tally.token import token_hash
from tests.db_support import dump
from tests.server_support import CHAIR_SECRET, make_app

BEARER = {"Authorization": f"Bearer {CHAIR_SECRET}"}
MEETING = {
    "title": "Hội nghị đánh giá, xếp loại đảng viên năm 2026",
    "cell": "Chi bộ Phòng Hành chính",
    "committee_above": "Đảng ủy cơ quan",
    "date": "2026-12-15",
    "place": "Phòng họp tầng 3",
    "chair": "Nguyễn Văn An",
    "secretary": "Trần Thị Bình",
    "purpose": "Đánh giá, xếp loại chất lượng đảng viên",
    "profile": "qd366-hd43",
}
# 8 official (one on temporary activity elsewhere, one exempted, one suspended), 2 probationary
# (one admitted under six months before the meeting).
ROSTER_ROWS = [
    "Nguyễn Văn An,Chính thức,19/05/2010,,,,,,,,",
    "Trần Thị Bình,Chính thức,02/09/2012,,,,3,,,,",
    "Lê Minh Cường,Chính thức,03/02/2015,,,,,,,,",
    "Phạm Thu Dung,Chính thức,01/01/2016,,,,,,,,",
    "Hoàng Quốc Em,Chính thức,01/01/2017,,,,,,,,",
    "Vũ Thị Giang,Chính thức,01/01/2018,,,Có,,,,,",
    "Đặng Văn Hải,Chính thức,01/01/2000,Có,,,,,,,",
    "Bùi Thị Hạnh,Chính thức,01/01/2001,,Có,,,,,,",
    "Đỗ Văn Khánh,Dự bị,01/01/2026,,,,,,,,",
    "Hồ Thị Lan,Dự bị,01/10/2026,,,,,,,,",
]


def roster_csv(rows=ROSTER_ROWS) -> bytes:
    return ("\n".join([",".join(HEADERS), *rows]) + "\n").encode("utf-8")


@pytest.fixture
async def client(aiohttp_client, tmp_path):
    return await aiohttp_client(make_app(tmp_path))


async def call(client, method: str, path: str, json=None, headers=BEARER, data=None):
    response = await client.request(method, path, json=json, headers=headers, data=data)
    body = await response.json(content_type=None) if "json" in response.content_type else None
    return response.status, body


async def login(client) -> str:
    status, body = await call(client, "POST", "/api/chair/login", {"secret": CHAIR_SECRET}, {})
    assert status == 200
    return body["csrf"]


async def test_login_sets_a_strict_http_only_cookie_and_csrf_is_required(client) -> None:
    response = await client.post("/api/chair/login", json={"secret": CHAIR_SECRET})
    assert response.status == 200
    csrf = (await response.json())["csrf"]
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie
    # the session cookie alone reads …
    status, state = await call(client, "GET", "/api/chair/state", headers={})
    assert status == 200 and state["meeting"] is None
    # … but cannot change anything without the CSRF header
    status, body = await call(client, "POST", "/api/chair/meeting", MEETING, headers={})
    assert (status, body["error"]) == (401, "csrf")
    status, _ = await call(
        client, "POST", "/api/chair/meeting", MEETING, headers={"X-CSRF-Token": "x" + csrf}
    )
    assert status == 401
    status, body = await call(
        client, "POST", "/api/chair/meeting", MEETING, headers={"X-CSRF-Token": csrf}
    )
    assert status == 200 and body["meeting"]["cell"] == MEETING["cell"]
    # logging out ends the session
    status, _ = await call(client, "POST", "/api/chair/logout", {}, {"X-CSRF-Token": csrf})
    assert status == 200
    client.session.cookie_jar.clear()
    status, _ = await call(client, "GET", "/api/chair/state", headers={})
    assert status == 401


async def test_wrong_secret_is_refused(client) -> None:
    status, body = await call(client, "POST", "/api/chair/login", {"secret": "guess"}, {})
    assert (status, body["error"]) == (401, "unauthorized")
    assert "Set-Cookie" not in (await client.post("/api/chair/login", json={"secret": ""})).headers
    status, _ = await call(client, "GET", "/api/chair/state", headers={"Authorization": "Bearer x"})
    assert status == 401


CHAIR_ENDPOINTS = [
    ("POST", "/api/chair/logout"),
    ("GET", "/api/chair/state"),
    ("POST", "/api/chair/meeting"),
    ("GET", "/api/chair/roster/template.csv"),
    ("GET", "/api/chair/roster/template.xlsx"),
    ("POST", "/api/chair/roster"),
    ("POST", "/api/chair/attendance"),
    ("POST", "/api/chair/rated"),
    ("POST", "/api/chair/committee"),
    ("POST", "/api/chair/rounds"),
    ("POST", "/api/chair/rounds/1/tokens"),
    ("GET", "/chair/rounds/1/tokens/print"),
    ("POST", "/api/chair/rounds/1/tokens/cancel"),
    ("POST", "/api/chair/rounds/1/open"),
    ("POST", "/api/chair/rounds/1/close"),
]


@pytest.mark.parametrize(("method", "path"), CHAIR_ENDPOINTS)
async def test_a_non_chair_is_refused_everywhere(client, method: str, path: str) -> None:
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"X-CSRF-Token": "x"}):
        status, body = await call(client, method, path, {"confirm": True}, headers=headers)
        assert status == 401, (path, headers)
        assert body["error"] in ("unauthorized", "csrf")


async def test_templates_download(client) -> None:
    response = await client.get("/api/chair/roster/template.csv", headers=BEARER)
    assert response.status == 200 and "attachment" in response.headers["Content-Disposition"]
    assert (await response.read()).decode("utf-8-sig").startswith("Họ và tên,")
    response = await client.get("/api/chair/roster/template.xlsx", headers=BEARER)
    assert (await response.read())[:4] == b"PK\x03\x04"


async def test_roster_with_errors_imports_nothing(client) -> None:
    rows = [*ROSTER_ROWS[:6], "Sai Ngày,Chính thức,2010/01/01", "Sai Loại,Khác,01/01/2010"]
    status, body = await call(
        client,
        "POST",
        "/api/chair/roster",
        data=roster_csv(rows),
        headers=BEARER | {"Content-Type": "text/csv"},
    )
    assert (status, body["error"]) == (400, "roster_invalid")
    assert body["errors"] == [
        {
            "row": 8,
            "field": "admitted",
            "column": "C",
            "message": "Dòng 8, cột C «Ngày kết nạp»: «2010/01/01» không hợp lệ. Cần: ngày viết "
            "19/05/2010, 19.05.2010 hoặc 2010-05-19, hoặc ô kiểu Ngày của bảng tính; không trước "
            "03/02/1930, không sau ngày họp.",
            "message_en": "Row 8, column C «Ngày kết nạp»: «2010/01/01» is not accepted. "
            "Accepted: a date written 19/05/2010, 19.05.2010 or 2010-05-19, or a spreadsheet date "
            "cell; not before 03/02/1930 nor after the meeting.",
        },
        {
            "row": 9,
            "field": "membership",
            "column": "B",
            "message": "Dòng 9, cột B «Loại đảng viên»: «Khác» không hợp lệ. Cần: «Chính thức» "
            "hoặc «Dự bị».",
            "message_en": "Row 9, column B «Loại đảng viên»: «Khác» is not accepted. Accepted: "
            "«Chính thức» (full member) or «Dự bị» (probationary).",
        },
    ]
    assert body["notices"] == []
    _, state = await call(client, "GET", "/api/chair/state")
    assert state["roster"] == []


async def test_roster_type_and_size_limits(client) -> None:
    status, body = await call(
        client,
        "POST",
        "/api/chair/roster",
        data=b"\x89PNG",
        headers=BEARER | {"Content-Type": "image/png"},
    )
    assert (status, body["error"]) == (400, "roster_type")
    limit = client.server.app[keys.CONFIG].max_roster_bytes
    status, body = await call(
        client,
        "POST",
        "/api/chair/roster",
        data=b"a" * (limit + 1),
        headers=BEARER | {"Content-Type": "text/csv"},
    )
    assert (status, body["error"]) == (413, "too_large")


async def setup_meeting(client) -> dict:
    """Meeting, roster, attendance: 6 voters present, one absent with reason, one without."""
    assert (await call(client, "POST", "/api/chair/meeting", MEETING))[0] == 200
    status, body = await call(
        client,
        "POST",
        "/api/chair/roster",
        data=roster_csv(),
        headers=BEARER | {"Content-Type": "text/csv"},
    )
    assert (status, body) == (200, {"members": 10, "notices": []})
    marks = {str(i): "present" for i in range(1, 11)}
    marks["4"] = "absent_excused"
    marks["5"] = "absent"
    status, roll = await call(client, "POST", "/api/chair/attendance", {"attendance": marks})
    assert status == 200
    return roll


async def test_attendance_recomputes_the_roll(client) -> None:
    roll = await setup_meeting(client)
    assert roll["official"] == 8 and roll["probationary"] == 2
    reasons = {e["id"]: e["reason"] for e in roll["excluded"]}
    assert reasons == {4: "absent_excused", 6: "temporary_elsewhere", 8: "suspended"}
    assert roll["base"] == 5 and roll["voters"] == [1, 2, 3, 7]
    assert roll["quorum_required"] == 4 and roll["quorum_met"] is True
    not_rated = {e["id"]: e["reason"] for e in roll["not_rated"]}
    assert not_rated == {7: "exempted", 8: "suspended", 10: "admitted_under_6_months"}
    assert roll["rated"] == [1, 2, 3, 4, 5, 6, 9]
    # the event log has what the minute shows, not the private roster facts
    events = client.server.app[keys.STORE].events()
    imported = next(e for e in events if e["event"]["type"] == "roster-imported")
    assert set(imported["event"]["body"]["members"][1]) == {"id", "name", "membership"}
    assert "sick_leave" not in str(events)


async def test_bad_attendance_and_rated_requests(client) -> None:
    await setup_meeting(client)
    for marks in ({"99": "present"}, {"1": "here"}, {"x": "present"}, {}):
        status, _ = await call(client, "POST", "/api/chair/attendance", {"attendance": marks})
        assert status in (400, 404), marks
    status, body = await call(client, "POST", "/api/chair/rated", {"member_ids": [1, 10]})
    assert (status, body["error"]) == (400, "not_rated")
    status, body = await call(client, "POST", "/api/chair/committee", {"member_ids": [9]})
    assert status == 400  # a probationary member cannot count votes


async def test_full_setup_to_open_voting_and_close(client) -> None:
    await setup_meeting(client)
    status, body = await call(client, "POST", "/api/chair/rated", {"member_ids": [1, 2, 3, 9]})
    assert (status, body["rated"]) == (200, [1, 2, 3, 9])
    assert set(body["reasons"]) == {"4", "5", "6"}  # rated under the rules, left off the ballot
    status, body = await call(
        client,
        "POST",
        "/api/chair/committee",
        {"member_ids": [1, 2, 3], "threshold": 2, "approved": True},
    )
    assert status == 200
    status, started = await call(client, "POST", "/api/chair/rounds", {})
    assert status == 201 and started["round"] == 1
    assert [c["name"] for c in started["committee"]] == [
        "Nguyễn Văn An",
        "Trần Thị Bình",
        "Lê Minh Cường",
    ]
    credentials = {}
    for member in started["committee"]:
        match = re.fullmatch(
            r"http://127\.0\.0\.1:\d+/committee#c=([0-9A-Z]{26})&r=1", member["url"]
        )
        assert match, member["url"]
        credentials[member["index"]] = match[1]
    manifest = client.server.app[keys.ROUNDS].manifest(1)
    assert [q.title for q in manifest.questions] == [
        "Nguyễn Văn An",
        "Trần Thị Bình",
        "Lê Minh Cường",
        "Đỗ Văn Khánh",
    ]
    # the roster cannot change once the round is fixed
    status, body = await call(
        client,
        "POST",
        "/api/chair/roster",
        data=roster_csv(),
        headers=BEARER | {"Content-Type": "text/csv"},
    )
    assert (status, body["error"]) == (409, "round_started")
    meeting = MeetingClient(client.session, str(client.make_url("")))
    await run_committee(meeting, 1, credentials)

    status, issued = await call(client, "POST", "/api/chair/rounds/1/tokens", {})
    assert status == 201 and len(issued["tokens"]) == 4  # the official members present who vote
    assert issued["urls"][0] == str(client.make_url(f"/v#t={issued['tokens'][0]}&r=1"))
    # plaintext tokens are never in the database
    content = dump(client.server.app[keys.STORE].folder)
    assert not any(token in content for token in issued["tokens"])
    # attendance is frozen while tokens are out
    status, body = await call(
        client, "POST", "/api/chair/attendance", {"attendance": {"5": "present"}}
    )
    assert (status, body["error"]) == (409, "tokens_issued")
    # everyone has a token: the default issues no more
    status, body = await call(client, "POST", "/api/chair/rounds/1/tokens", {})
    assert (status, body["error"]) == (409, "enough_tokens")
    # a spare: more tokens than voters cannot open until it is cancelled
    status, spare = await call(client, "POST", "/api/chair/rounds/1/tokens", {"count": 1})
    assert status == 201
    status, body = await call(client, "POST", "/api/chair/rounds/1/open", {})
    assert (status, body["error"]) == (409, "too_many_tokens")
    status, body = await call(
        client, "POST", "/api/chair/rounds/1/tokens/cancel", {"token": spare["tokens"][0]}
    )
    assert status == 200 and body["token_hash"] == token_hash(spare["tokens"][0]).hex()
    status, _ = await call(
        client, "POST", "/api/chair/rounds/1/tokens/cancel", {"token": spare["tokens"][0]}
    )
    assert status == 404
    # the print sheet and the screen mode show the unused cards
    response = await client.get("/chair/rounds/1/tokens/print", headers=BEARER)
    page = await response.text()
    assert response.status == 200 and page.count('class="token-card"') == 4
    assert spare["tokens"][0][:5] not in page and "<script>" not in page and "style=" not in page
    assert "Hội nghị đánh giá" in page and page.count("<svg") == 4
    response = await client.get("/chair/rounds/1/tokens/print?mode=screen", headers=BEARER)
    assert (await response.text()).count("screen-card") == 4

    status, body = await call(client, "POST", "/api/chair/rounds/1/open", {})
    assert status == 200 and body["phase"] == "open"
    status, state = await call(client, "GET", "/api/chair/state")
    [round_info] = state["rounds"]
    assert round_info["phase"] == "open"
    assert round_info["tokens"] == {"issued": 4, "spent": 0, "cancelled": 1}
    receipt = await meeting.vote(1, issued["tokens"][0], [0, 1, 1, 2])
    assert receipt["code"]

    status, body = await call(client, "POST", "/api/chair/rounds/1/close", {})
    assert (status, body["error"]) == (400, "confirm_required")
    status, body = await call(client, "POST", "/api/chair/rounds/1/close", {"confirm": False})
    assert status == 400
    assert (await meeting.status())["phase"] == "open"
    status, body = await call(client, "POST", "/api/chair/rounds/1/close", {"confirm": True})
    assert status == 200 and body["phase"] == "closed" and body["ballots"] == 1
    with pytest.raises(ServerError) as closed:
        await meeting.vote(1, issued["tokens"][1], [0, 0, 0, 0])
    assert closed.value.code == "voting_closed"
    # after closing the plaintext tokens are forgotten
    response = await client.get("/chair/rounds/1/tokens/print", headers=BEARER)
    assert 'class="token-card"' not in await response.text()
    types = [e["event"]["type"] for e in client.server.app[keys.STORE].events()]
    for expected in (
        "meeting-set",
        "roster-imported",
        "attendance",
        "rated-set",
        "committee-set",
        "round-started",
        "round-roll",
        "tokens-issued",
        "token-cancelled",
        "voting-opened",
        "voting-closed",
    ):
        assert expected in types


async def test_no_quorum_refuses_to_open(client) -> None:
    await setup_meeting(client)
    for small in (
        {"member_ids": [1, 2], "threshold": 2, "approved": True},
        {"member_ids": [1, 2, 4], "threshold": 1, "approved": True},
    ):
        status, body = await call(client, "POST", "/api/chair/committee", small)
        assert (status, body["error"]) == (400, "committee_too_small"), small
    committee = {"member_ids": [1, 2, 4], "threshold": 2, "approved": True}
    await call(client, "POST", "/api/chair/committee", committee)
    marks = {"2": "absent", "3": "absent"}
    status, roll = await call(client, "POST", "/api/chair/attendance", {"attendance": marks})
    assert roll["quorum_met"] is False
    status, started = await call(client, "POST", "/api/chair/rounds", {})
    credentials = {c["index"]: c["url"].split("#c=")[1].split("&")[0] for c in started["committee"]}
    meeting = MeetingClient(client.session, str(client.make_url("")))
    await run_committee(meeting, 1, credentials)
    status, issued = await call(client, "POST", "/api/chair/rounds/1/tokens", {})
    assert len(issued["tokens"]) == 2
    status, body = await call(client, "POST", "/api/chair/rounds/1/open", {})
    assert (status, body["error"]) == (409, "no_quorum")
    # cancelling every token unfreezes the attendance
    for token in issued["tokens"]:
        await call(client, "POST", "/api/chair/rounds/1/tokens/cancel", {"token": token})
    status, roll = await call(
        client, "POST", "/api/chair/attendance", {"attendance": {"2": "present", "3": "present"}}
    )
    assert status == 200 and roll["quorum_met"] is True


async def test_meeting_validation(client) -> None:
    for bad in (
        MEETING | {"date": "15/12/2026"},
        MEETING | {"profile": "qd999"},
        MEETING | {"title": ""},
        MEETING | {"extra": "x"},
        MEETING | {"place": 5},
    ):
        status, _ = await call(client, "POST", "/api/chair/meeting", bad)
        assert status == 400, bad
    status, body = await call(client, "POST", "/api/chair/rounds", {})
    assert (status, body["error"]) == (409, "no_meeting")
