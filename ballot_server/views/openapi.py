"""``GET /api/openapi.json``: the OpenAPI 3.0 description of this HTTP API (docs/openapi.json).

The file is the published contract; ``tests/test_openapi.py`` checks it lists exactly the routes
the application has, and ``tests/test_schemathesis.py`` fuzzes the live server against it.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from aiohttp import web

SPEC = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"


@lru_cache(maxsize=1)
def _spec() -> bytes:
    return SPEC.read_bytes()


async def get_openapi(request: web.Request) -> web.Response:
    return web.Response(body=_spec(), content_type="application/json", charset="utf-8")
