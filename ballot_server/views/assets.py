"""Pages and scripts: the static UI, the browser crypto core, and the noble libraries.

Browsers cannot resolve the bare ``@noble/…`` imports of the crypto core and an inline import
map would need an inline script (forbidden by our CSP), so JavaScript is served with those
specifiers rewritten to ``/vendor/…`` paths inside ``node_modules`` (installed by ``npm ci``).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from aiohttp import web

from ballot_server.errors import NotFound

CLIENT = Path(__file__).resolve().parents[2] / "ballot_client"
STATIC = CLIENT / "static"
CORE = CLIENT / "js"
NODE_MODULES = CLIENT.parent / "node_modules"
VENDOR_PACKAGES = ("curves", "hashes", "ciphers")
_BARE = re.compile(r"""(from\s*|import\s*\(?\s*)(['"])@noble/""")
_TYPES = {
    ".html": "text/html",
    ".css": "text/css",
    ".mjs": "text/javascript",
    ".js": "text/javascript",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".json": "application/json",
    ".woff2": "font/woff2",
}


@lru_cache(maxsize=512)
def _load(path: Path) -> bytes:
    data = path.read_bytes()
    if path.suffix in (".js", ".mjs"):
        data = _BARE.sub(r"\1\2/vendor/", data.decode("utf-8")).encode("utf-8")
    return data


def _serve(root: Path, relative: str) -> web.Response:
    try:
        path = (root / relative).resolve()
    except (ValueError, OSError):  # a NUL byte or a name the file system refuses
        raise NotFound("Không có trang này.", "Not found.") from None
    if root.resolve() not in path.parents or not path.is_file() or path.suffix not in _TYPES:
        raise NotFound("Không có trang này.", "Not found.")
    return web.Response(
        body=_load(path),
        content_type=_TYPES[path.suffix],
        charset="utf-8" if _TYPES[path.suffix].startswith("text") else None,
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
