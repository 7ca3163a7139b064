"""Schemathesis against the live server: every operation of docs/openapi.json, fuzzed.

The server runs on 127.0.0.1 in a background thread (``tests/live_support.py``) with a meeting set
up, the key ceremony done, tokens issued, voting open and one ballot cast, so generated requests
reach the deep paths (ballot checks, committee credentials, the chair's validators). Requests
carry the chair's bearer secret and a real committee credential. No response may be a 500, and
every response must conform to the description: status code, content type, schema, headers.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.live_support import BEARER, LiveServer

SPEC = json.loads((Path(__file__).parent.parent / "docs" / "openapi.json").read_text("utf-8"))
# the event stream never ends: documented, but not fuzzed
CONFIG = schemathesis.Config.from_dict({"phases": {"coverage": {"enabled": False}}})
schema = schemathesis.openapi.from_dict(SPEC, config=CONFIG).exclude(path="/api/stream")
# the roster upload's XLSX body is fuzzed as raw bytes
schemathesis.serializer.alias(
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "application/octet-stream"
)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]


pytestmark = pytest.mark.fuzz


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    server = LiveServer(tmp_path_factory.mktemp("schemathesis"), token_limit=10**9).start()
    meeting = server.open_meeting()
    with requests.Session() as session:
        yield server, meeting, session
    server.stop()


@schema.parametrize()
@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)
def test_api_conforms_and_never_fails(case, live) -> None:
    server, meeting, session = live
    headers = dict(BEARER)
    if any(p.name == "X-Committee-Credential" for p in case.operation.headers or []):
        headers["X-Committee-Credential"] = meeting.credentials[1]
    case.call_and_validate(
        base_url=server.url, headers=headers, checks=CHECKS, session=session, timeout=30
    )
