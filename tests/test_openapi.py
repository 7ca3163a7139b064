"""docs/openapi.json describes exactly the HTTP API the application serves, and is valid.

The drift test compares the (method, path) pairs of the description with the routes of a freshly
built application, so a route added without its description (or the reverse) fails here.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pytest
import schemathesis

from tests.server_support import make_app

SPEC_PATH = Path(__file__).resolve().parent.parent / "docs" / "openapi.json"
SPEC = json.loads(SPEC_PATH.read_text("utf-8"))
METHODS = ("get", "post", "put", "patch", "delete")


def app_routes(tmp_path) -> set[tuple[str, str]]:
    """Every (method, path template) of the application, regexes stripped: {path:.+} → {path}."""
    routes = set()
    for route in make_app(tmp_path).router.routes():
        if route.method == "HEAD":
            continue
        canonical = re.sub(r"\{(\w+):[^}]*\}", r"{\1}", route.resource.canonical)
        routes.add((route.method, canonical))
    return routes


def spec_routes(spec: dict) -> set[tuple[str, str]]:
    return {
        (method.upper(), path)
        for path, item in spec["paths"].items()
        for method in item
        if method in METHODS
    }


def operations(spec: dict):
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield path, method, operation


def test_the_description_lists_exactly_the_routes_of_the_app(tmp_path) -> None:
    served, described = app_routes(tmp_path), spec_routes(SPEC)
    assert served - described == set(), "routes without a description"
    assert described - served == set(), "described routes the server does not have"
    assert len(served) >= 45


def test_the_description_is_valid_openapi_3_0() -> None:
    assert SPEC["openapi"].startswith("3.0.")
    schemathesis.openapi.from_dict(SPEC).validate()
    broken = copy.deepcopy(SPEC)
    del broken["paths"]["/api/status"]["get"]["responses"]
    with pytest.raises(Exception, match="responses"):
        schemathesis.openapi.from_dict(broken).validate()


def test_every_reference_resolves_and_every_operation_is_named_once() -> None:
    text = json.dumps(SPEC)
    for ref in set(re.findall(r'"\$ref": "#/([^"]+)"', text)):
        node = SPEC
        for part in ref.split("/"):
            node = node[part]
    ids = [operation["operationId"] for _, _, operation in operations(SPEC)]
    assert len(ids) == len(set(ids))


def test_path_parameters_match_the_templates() -> None:
    parameters = SPEC["components"]["parameters"]
    for path, _, operation in operations(SPEC):
        declared = set()
        for parameter in operation.get("parameters", []):
            if "$ref" in parameter:
                parameter = parameters[parameter["$ref"].rsplit("/", 1)[1]]
            if parameter["in"] == "path":
                declared.add(parameter["name"])
        assert declared == set(re.findall(r"\{(\w+)\}", path)), path


def test_every_refusal_is_documented_as_the_json_error() -> None:
    error = SPEC["components"]["schemas"]["Error"]
    assert set(error["required"]) == {"error", "message", "message_en", "reference"}
    for path, method, operation in operations(SPEC):
        assert operation["responses"]["4XX"] == {"$ref": "#/components/responses/Error"}, path
        assert any(code.startswith("2") for code in operation["responses"]), (method, path)


def test_chair_operations_require_the_chair_and_others_do_not() -> None:
    for path, method, operation in operations(SPEC):
        chair = path.startswith(("/api/chair/", "/chair/")) and path != "/api/chair/login"
        schemes = {name for option in operation.get("security", []) for name in option}
        if chair:
            assert "chairBearer" in schemes and "chairCookie" in schemes, path
            if method == "post":
                assert {"chairCookie": [], "csrfToken": []} in operation["security"], path
        else:
            assert not schemes, path


async def test_the_server_publishes_the_description(aiohttp_client, tmp_path) -> None:
    client = await aiohttp_client(make_app(tmp_path))
    response = await client.get("/api/openapi.json")
    assert response.status == 200 and response.content_type == "application/json"
    assert await response.read() == SPEC_PATH.read_bytes()
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
