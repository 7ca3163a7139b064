"""Pages and scripts: the static UI, the browser crypto core, and the noble libraries.

Browsers cannot resolve the bare ``@noble/…`` imports of the crypto core and an inline import
map would need an inline script (forbidden by our CSP), so JavaScript is served with those
specifiers rewritten to ``/vendor/…`` paths inside ``node_modules`` (installed by ``npm ci``).
What is served, and how, is defined once in ``ballot_client/bundle.py``, which
``phieukin check-served`` uses to compare a running server with an independent copy;
``GET /api/bundle`` gives the fingerprint of what this server serves.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from aiohttp import web

from ballot_client.bundle import (
    CORE,
    NODE_MODULES,
    STATIC,
    TYPES,
    VENDOR_PACKAGES,
    local_bundle,
    served_bytes,
)
from ballot_server.errors import NotFound


@lru_cache(maxsize=512)
def _load(path: Path) -> bytes:
    return served_bytes(path)


def _serve(root: Path, relative: str) -> web.Response:
    try:
        path = (root / relative).resolve()
    except (ValueError, OSError):  # a NUL byte or a name the file system refuses
        raise NotFound("Không có trang này.", "Not found.") from None
    if root.resolve() not in path.parents or not path.is_file() or path.suffix not in TYPES:
        raise NotFound("Không có trang này.", "Not found.")
    return web.Response(
        body=_load(path),
        content_type=TYPES[path.suffix],
        charset="utf-8" if TYPES[path.suffix].startswith("text") else None,
    )


def page(name: str):
    async def handler(request: web.Request) -> web.Response:
        return _serve(STATIC, name)

    return handler


async def static(request: web.Request) -> web.Response:
    return _serve(STATIC, request.match_info["path"])


async def core(request: web.Request) -> web.Response:
    return _serve(CORE, request.match_info["path"])


async def vendor(request: web.Request) -> web.Response:
    package = request.match_info["package"]
    if package not in VENDOR_PACKAGES:
        raise NotFound("Không có thư viện này.", "No such library.")
    return _serve(NODE_MODULES / "@noble" / package, request.match_info["path"])


async def get_bundle(request: web.Request) -> web.Response:
    """The served bundle: every page and script path with its hash, and the fingerprint."""
    return web.json_response(local_bundle().to_json())
