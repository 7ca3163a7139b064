"""Bad input, refused cleanly: a 4xx with a clear JSON message, nothing changed, never a 500.

Hypothesis drives the parsers directly (strict JSON, ballots, ceremony messages, decryption
shares, manifests, roster files) and every endpoint of a live server with voting open
(``tests/live_support.py``): malformed JSON, wrong types, huge numbers, deep nesting, wrong
versions and kinds, unknown rounds, overlong strings, path tricks. After each request every
table of the meeting database (events, ballots, tokens, …) is compared with before.
"""

from __future__ import annotations

import contextlib
import http.client as httpclient
import io
import json
import zipfile
from typing import Any

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ballot_server.roster_import import RosterInvalid, detect_kind, parse_roster
from tally.ballot import tracker, verify_ballot
from tally.canonical import parse_json
from tally.crypto import ceremony
from tally.crypto.group import RISTRETTO255
from tally.crypto.signatures import sign
from tally.decryption import DecryptionShare
from tally.errors import EncodingError, TallyError
from tally.manifest import Manifest
from tally.token import token_hash, token_key, token_signing_key
from tests.live_support import BEARER, LiveServer

FAST = settings(
    max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), database=None
)

# --- strategies ---------------------------------------------------------------------------------

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([2**53, 2**63, 2**64 + 1, -(2**63) - 1, 10**40]),
    st.text(max_size=30),
    st.text(min_size=300, max_size=400),
)
JSON = st.recursive(
    SCALARS,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)


def deep(depth: int) -> bytes:
    return b'{"a":' * depth + b"1" + b"}" * depth


RAW_BAD_JSON = st.one_of(
    st.binary(max_size=60),
    st.sampled_from(
        [
            b"",
            b"{",
            b'{"token": "x",}',
            b'{"token": 1.5}',
            b'{"a": NaN}',
            b'{"a": Infinity}',
            b'{"a": 1, "a": 2}',
            b'{"a": 1e400}',
            b'"\\ud800"',
            b"\xff\xfe{}",
            b"[" * 100_000,
            b"[" * 990 + b"]" * 990,
            deep(995),
            b"9" * 5000,
            b'{"count": ' + b"9" * 5000 + b"}",
            b"{}garbage",
            b"null",
        ]
    ),
)
NOT_AN_OBJECT = st.one_of(SCALARS, st.lists(JSON, max_size=3))


def encoded(value: Any) -> bytes:
    return json.dumps(value).encode()


# --- the parsers --------------------------------------------------------------------------------


@FAST
@pytest.mark.fuzz
@given(RAW_BAD_JSON | JSON.map(encoded))
def test_strict_json_parser_returns_or_refuses_with_its_own_error(data: bytes) -> None:
    with contextlib.suppress(EncodingError, UnicodeDecodeError):
        parse_json(data)


def wrongly(value: Any) -> st.SearchStrategy:
    """A JSON document like ``value`` with one part replaced by arbitrary JSON."""
    if isinstance(value, dict) and value:
        return st.sampled_from(sorted(value)).flatmap(
            lambda key: st.one_of(JSON, wrongly(value[key])).map(lambda new: {**value, key: new})
        )
    if isinstance(value, list) and value:
        return st.integers(0, len(value) - 1).flatmap(
            lambda i: st.one_of(JSON, wrongly(value[i])).map(
                lambda new: [*value[:i], new, *value[i + 1 :]]
            )
        )
    return JSON


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    server = LiveServer(tmp_path_factory.mktemp("bad-input"), token_limit=10**9).start()
    meeting = server.open_meeting()
    yield server, meeting
    server.stop()


@FAST
@pytest.mark.fuzz
@given(data=st.data())
def test_ballot_checker_refuses_mutated_ballots_with_a_tally_error(live, data) -> None:
    server, meeting = live
    context = meeting.context
    ballot = server.run(_stored_ballot(server))
    mutated = data.draw(wrongly(ballot) | st.sampled_from([{}, [], None, {"version": 99}]))
    with contextlib.suppress(TallyError):
        verify_ballot(context, mutated)


async def _stored_ballot(server: LiveServer) -> dict:
    from ballot_server import keys

    return server.app[keys.ROUNDS].ballots(1)[0]


@FAST
@pytest.mark.fuzz
@given(data=st.data())
def test_ceremony_and_decryption_parsers_refuse_with_a_tally_error(live, data) -> None:
    _, meeting = live
    context, trustee = meeting.context, meeting.trustees[0]
    announcement = trustee.announcement.to_json()
    kind = data.draw(st.sampled_from(["announcement", "manifest", "share", "decryption"]))
    try:
        if kind == "announcement":
            ceremony.Announcement.from_json(RISTRETTO255, data.draw(wrongly(announcement)), 2)
        elif kind == "manifest":
            Manifest.from_json(data.draw(wrongly(context.manifest.to_json())))
        elif kind == "share":
            ceremony.EncryptedShare.from_json(RISTRETTO255, data.draw(_share_like()))
        else:
            DecryptionShare.from_json(context, data.draw(_share_like()))
    except TallyError:
        pass


def _share_like() -> st.SearchStrategy:
    return (
        st.fixed_dictionaries(
            {
                "version": st.sampled_from([1, 2, 0, "1", None]),
                "kind": st.sampled_from(
                    ["phieukin/encrypted-share", "phieukin/decryption-share", "phieukin/ballot", ""]
                ),
                "sender": JSON,
                "recipient": JSON,
                "trustee": JSON,
                "shares": JSON,
            }
        )
        | JSON
    )


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def zip_bomb() -> bytes:
    """An XLSX-named archive whose sheet unpacks to 100 MB of zeros (about 100 kB packed)."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member,
    ):
        block = b"\0" * 1_000_000
        for _ in range(100):
            member.write(block)
    return buffer.getvalue()


def lying_zip() -> bytes:
    """A zip whose directory claims tiny sizes for a member that unpacks much larger."""
    data = bytearray(zip_bytes({"xl/worksheets/sheet1.xml": b"<x>" + b"a" * 500_000 + b"</x>"}))
    # patch the uncompressed size in the local header (offset 22) and the central directory
    data[22:26] = (10).to_bytes(4, "little")
    central = data.rfind(b"PK\x01\x02")
    data[central + 24 : central + 28] = (10).to_bytes(4, "little")
    return bytes(data)


def broken_xlsx() -> bytes:
    """A real workbook with its sheet XML cut short."""
    from ballot_server.roster_import import template_xlsx

    source = zipfile.ZipFile(io.BytesIO(template_xlsx()))
    members = {name: source.read(name) for name in source.namelist()}
    sheet = next(n for n in members if n.startswith("xl/worksheets/"))
    members[sheet] = members[sheet][: len(members[sheet]) // 2]
    return zip_bytes(members)


BAD_ROSTERS = [
    b"",
    b"\xff\xfe\x00garbage",
    b"PK\x03\x04" + b"\0" * 100,
    zip_bomb(),
    lying_zip(),
    broken_xlsx(),
    zip_bytes({"[Content_Types].xml": b"<Types/>"}),
    ("Họ và tên,Loại đảng viên,Ngày kết nạp\n=cmd|' /C calc'!A0,Chính thức,01/01/2000\n").encode(),
    ("Họ và tên\n" + "x" * 100_000 + "\n").encode(),
    ("Họ và tên\n" + "An\n" * 2000).encode(),
    b'"unterminated,quote\n',
    b"a\0b,c\n",
]


@FAST
@pytest.mark.fuzz
@given(st.sampled_from(BAD_ROSTERS) | st.binary(max_size=200))
def test_roster_parser_refuses_garbage_and_bombs_with_row_errors(data: bytes) -> None:
    for kind in ("csv", "xlsx"):
        with pytest.raises(RosterInvalid) as invalid:
            parse_roster(data, kind)
        assert invalid.value.errors and all(e.message for e in invalid.value.errors)
    assert detect_kind("image/png", data) is None


# --- the endpoints --------------------------------------------------------------------------------


def _assert_refused(server: LiveServer, response: requests.Response, before: str) -> dict:
    assert 400 <= response.status_code < 500, (response.status_code, response.text[:300])
    assert response.headers["Content-Type"].startswith("application/json")
    body = response.json()
    assert isinstance(body, dict) and body["error"]
    assert body["message"] and body["message_en"] and len(body["reference"]) == 8
    assert "Traceback" not in response.text and 'File "' not in response.text
    assert server.snapshot() == before, "a refused request changed the database"
    return body


# (path, needs chair, fields with a value of the wrong type each)
JSON_ENDPOINTS = [
    ("/api/rounds/1/token-status", False, {"token_hash": [1]}),
    ("/api/rounds/1/ballots", False, {"token_key": 5, "ballot": "x", "signature": 1}),
    ("/api/rounds/1/audits", False, {"version": "1", "answers": {}}),
    ("/api/rounds/1/ceremony/announcement", False, {"index": "1"}),
    ("/api/rounds/1/ceremony/shares", False, {}),
    ("/api/rounds/1/ceremony/complaint", False, {"accused": "2", "check": 5}),
    ("/api/rounds/1/decryption", False, {"trustee": []}),
    ("/api/minute/signatures", False, {"signature": 5}),
    ("/api/chair/login", False, {"secret": 12345}),
    ("/api/chair/meeting", True, {"title": 5, "date": ["2026"]}),
    ("/api/chair/attendance", True, {"attendance": ["1"]}),
    ("/api/chair/rated", True, {"member_ids": "1,2"}),
    ("/api/chair/committee", True, {"member_ids": [1, "2"], "threshold": "2"}),
    ("/api/chair/rounds", True, {"runoff": "yes"}),
    ("/api/chair/rounds/1/tokens", True, {"count": "5"}),
    ("/api/chair/rounds/1/tokens/cancel", True, {"token": 5}),
    ("/api/chair/rounds/1/open", True, {"x": 1}),
    ("/api/chair/rounds/1/close", True, {"confirm": "true"}),
    ("/api/chair/minute", True, {"number": 5}),
]


def _headers(server, meeting, chair: bool, path: str) -> dict[str, str]:
    headers = {"Content-Type": "application/json"}
    if chair:
        headers |= BEARER
    if "/ceremony/" in path or "/decryption" in path or "/minute/" in path:
        headers["X-Committee-Credential"] = meeting.credentials[1]
    return headers


@pytest.fixture(scope="module")
def http(live):
    with requests.Session() as session:
        yield session


@FAST
@pytest.mark.fuzz
@given(
    endpoint=st.sampled_from(JSON_ENDPOINTS),
    body=st.one_of(
        RAW_BAD_JSON,
        NOT_AN_OBJECT.map(encoded),
        st.just(b"{}"),
        st.just(b'{"unexpected": {"deep": [1, 2, {"x": null}]}}'),
    ),
)
def test_malformed_bodies_are_refused_everywhere(live, http, endpoint, body: bytes) -> None:
    server, meeting = live
    path, chair, _ = endpoint
    if body in (b"{}", b"") and path.endswith(("/open", "/close", "/tokens", "/rounds")):
        body = b"[]"  # an empty object is a valid default there
    before = server.snapshot()
    response = http.post(
        server.url + path, data=body, headers=_headers(server, meeting, chair, path)
    )
    _assert_refused(server, response, before)


@FAST
@pytest.mark.fuzz
@given(endpoint=st.sampled_from(JSON_ENDPOINTS), extra=st.dictionaries(st.text(max_size=8), JSON))
def test_wrong_types_are_refused_everywhere(live, http, endpoint, extra) -> None:
    server, meeting = live
    path, chair, wrong = endpoint
    body = {**extra, **wrong} if wrong else [extra]
    before = server.snapshot()
    response = http.post(
        server.url + path, json=body, headers=_headers(server, meeting, chair, path)
    )
    _assert_refused(server, response, before)


@FAST
@pytest.mark.fuzz
@given(
    round_text=st.one_of(
        st.sampled_from(["0", "2", "9999", "99999999999999999999", "-1", "1.0", "01x", "%20"]),
        st.from_regex(r"[0-9]{5,40}", fullmatch=True),
    ),
    suffix=st.sampled_from(
        ["election", "aggregate", "counts", "results", "ceremony", "trackers/ABCD-EFGH"]
    ),
)
def test_unknown_or_malformed_rounds_are_refused(live, http, round_text, suffix) -> None:
    server, _ = live
    before = server.snapshot()
    response = http.get(f"{server.url}/api/rounds/{round_text}/{suffix}")
    _assert_refused(server, response, before)


@FAST
@pytest.mark.fuzz
@given(data=st.data())
def test_ballots_with_a_real_token_but_a_bad_ballot_are_refused(live, http, data) -> None:
    """The deepest ballot path: a real unused token, a ballot bound to it, broken elsewhere."""
    server, meeting = live
    token = meeting.tokens[-1]
    ballot = server.run(_stored_ballot(server))
    bound = {**ballot, "token_hash": token_hash(token).hex()}
    mutated = data.draw(
        wrongly(bound).map(
            lambda b: b if not isinstance(b, dict) else {**b, "token_hash": bound["token_hash"]}
        )
        | st.just({"token_hash": bound["token_hash"], "nested": json.loads(deep(900))})
        | st.just(bound)  # a copy of another voter's ballot: the proofs bind the token
    )
    key = token_signing_key(token)
    try:  # signed with the real token's key, so only the ballot itself is wrong
        signature = sign(key, "ballot", tracker(mutated)).hex()
    except (TallyError, TypeError, ValueError):
        signature = "00" * 64
    submission = {"ballot": mutated, "token_key": key.verify_key.encode().hex()}
    before = server.snapshot()
    response = http.post(
        server.url + "/api/rounds/1/ballots", json=submission | {"signature": signature}
    )
    body = _assert_refused(server, response, before)
    assert body["error"] in (
        "invalid_ballot",
        "token_mismatch",
        "invalid",
        "bad_request",
        "bad_signature",
    )


@pytest.mark.live
def test_overlong_strings_and_oversized_bodies_are_refused(live, http) -> None:
    server, meeting = live
    before = server.snapshot()
    # the status check takes a token hash only: an overlong one, or a token, is refused
    for payload in ({"token_hash": "A" * 500_000}, {"token": "A" * 500_000}):
        response = http.post(server.url + "/api/rounds/1/token-status", json=payload)
        body = _assert_refused(server, response, before)
        assert body["error"] in ("bad_request", "token_in_clear")
    key = token_key(meeting.tokens[-1]).hex()
    for path, payload in (
        ("/api/rounds/1/ballots", {"token_key": "A" * 900_000, "ballot": {}}),
        ("/api/chair/login", {"secret": "s" * 2_000_000}),
        ("/api/rounds/1/ballots", {"token_key": key, "ballot": {"x": "y" * 999_000}}),
        ("/api/rounds/1/audits", {"version": 1, "answers": ["y" * 999_000]}),
    ):
        response = http.post(server.url + path, json=payload)
        body = _assert_refused(server, response, before)
        assert body["error"] in (
            "too_large",
            "token_unknown",
            "token_mismatch",
            "unauthorized",
            "bad_request",
            "invalid_audit",
        )
    response = http.get(server.url + "/api/rounds/1/trackers/" + "A" * 81)
    _assert_refused(server, response, before)


SECRET_MARKERS = (b"[project]", b"root:", b"import aiohttp", b"SQLite format", b"CHAIR_SECRET")


def raw_get(server: LiveServer, target: str) -> tuple[int, dict[str, str], bytes]:
    """GET exactly ``target`` (no client-side normalising of dot segments)."""
    host, port = server.url.removeprefix("http://").split(":")
    connection = httpclient.HTTPConnection(host, int(port), timeout=10)
    try:
        connection.putrequest("GET", target, skip_accept_encoding=True)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


PATH_TRICKS = [
    "/static/../pyproject.toml",
    "/static/../../pyproject.toml",
    "/static/%2e%2e/%2e%2e/pyproject.toml",
    "/static/..%2f..%2fpyproject.toml",
    "/static/%2e%2e%2f%2e%2e%2fballot_server%2fapp.py",
    "/static/..%5c..%5cpyproject.toml",
    "/static//etc/passwd",
    "/static/%2fetc%2fpasswd",
    "/static/vote.html%00.png",
    "/static/../../../../../../etc/passwd",
    "/vendor/curves/../../package.json",
    "/vendor/curves/..%2f..%2f..%2f..%2fnode_modules%2f.package-lock.js",
    "/vendor/curves/%2e%2e/%2e%2e/%2e%2e/%2e%2e/ballot_client/static/app.js",
    "/vendor/..%2f..%2fballot_server/x.js",
    "/vendor/curves/%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd%00.js",
    "/js/..%2f..%2fpyproject.mjs",
    "/js/%2e%2e%2fstatic%2fvote.mjs",
]


@FAST
@pytest.mark.fuzz
@given(
    target=st.sampled_from(PATH_TRICKS)
    | st.builds(
        lambda prefix, parts: prefix + "/".join(parts),
        st.sampled_from(["/static/", "/vendor/curves/", "/vendor/hashes/", "/js/"]),
        st.lists(
            st.sampled_from(
                [
                    "..",
                    "%2e%2e",
                    ".%2e",
                    "%2E.",
                    "..%2f",
                    "%2F",
                    "%5c",
                    "etc",
                    "passwd",
                    "meeting.db",
                    "pyproject.toml",
                    "ballot_server",
                    "app.py",
                    "x.js",
                    "a.mjs",
                    "%00",
                ]
            ),
            min_size=1,
            max_size=7,
        ),
    )
)
def test_path_tricks_never_leave_the_served_folders(live, target: str) -> None:
    server, _ = live
    before = server.snapshot()
    status, headers, body = raw_get(server, target)
    assert status != 500
    assert not any(marker in body for marker in SECRET_MARKERS), target
    if status == 200:
        assert headers["Content-Type"].split(";")[0] in (
            "text/html",
            "text/css",
            "text/javascript",
            "image/svg+xml",
            "image/png",
            "application/json",
            "font/woff2",
        )
    else:
        assert 400 <= status < 500 and json.loads(body)["error"], target
    assert server.snapshot() == before


async def test_roster_uploads_garbage_bombs_and_path_names_change_nothing(
    aiohttp_client, tmp_path
) -> None:
    """Before the first round the roster endpoint parses every file; none of these imports."""
    from tests.server_support import make_app
    from tests.test_chair_api import MEETING

    folder = tmp_path / "meeting"
    client = await aiohttp_client(make_app(folder))
    response = await client.post("/api/chair/meeting", json=MEETING, headers=BEARER)
    assert response.status == 200
    files_before = sorted(p.name for p in tmp_path.rglob("*"))

    from tests.db_support import on_disk

    def state() -> list:
        return [on_disk(folder, f"SELECT * FROM {t}") for t in ("members", "events")]

    before = state()
    for data in BAD_ROSTERS:
        for content_type in (
            "text/csv",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "application/octet-stream",
            "image/png",
        ):
            response = await client.post(
                "/api/chair/roster",
                data=data,
                headers=BEARER
                | {
                    "Content-Type": content_type,
                    "Content-Disposition": 'attachment; filename="../../../etc/passwd"',
                },
            )
            assert 400 <= response.status < 500, (response.status, data[:40], content_type)
            body = await response.json()
            assert body["error"] in ("roster_invalid", "roster_type", "too_large"), body
            assert body["message"] and body["message_en"]
            assert state() == before
    assert sorted(p.name for p in tmp_path.rglob("*")) == files_before
