"""The served bundle: every page and script the meeting server gives a browser, and its
fingerprint (PROTOCOL.md §13).

The server serves exactly these files, with the bytes ``served_bytes`` makes (the crypto core's
bare ``@noble/…`` imports rewritten to ``/vendor/…``, since a CSP without inline scripts forbids
an import map). ``phieukin check-served`` builds the same bundle from an independently installed
copy and compares it, file by file, with what a running server actually serves; the pages show
the fingerprint the server computed from its own files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from tally.crypto.hashing import hash32
from tally.fingerprint import short_code

CLIENT = Path(__file__).resolve().parent
STATIC = CLIENT / "static"
CORE = CLIENT / "js"
NODE_MODULES = CLIENT.parent / "node_modules"
VENDOR_PACKAGES = ("curves", "hashes", "ciphers")
BUNDLE_KIND = "phieukin/served-bundle"

# The page routes and the files they serve (the server's routes table serves each of them).
PAGES = {
    "/": "index.html",
    "/v": "vote.html",
    "/projector": "projector.html",
    "/t": "tracker.html",
    "/committee": "committee.html",
    "/chair": "chair.html",
    "/selftest": "selftest.html",
}
TYPES = {
    ".html": "text/html",
    ".css": "text/css",
    ".mjs": "text/javascript",
    ".js": "text/javascript",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".json": "application/json",
    ".woff2": "font/woff2",
}
_BARE = re.compile(r"""(from\s*|import\s*\(?\s*)(['"])@noble/""")


def served_bytes(path: Path) -> bytes:
    """The bytes the server sends for the file at ``path``."""
    data = path.read_bytes()
    if path.suffix in (".js", ".mjs"):
        data = _BARE.sub(r"\1\2/vendor/", data.decode("utf-8")).encode("utf-8")
    return data


def bundle_files() -> dict[str, Path]:
    """URL path → file, for everything in the bundle."""
    files = {route: STATIC / name for route, name in PAGES.items()}
    for path in sorted(STATIC.iterdir()):
        if path.is_file() and path.suffix in TYPES:
            files[f"/static/{path.name}"] = path
    for path in sorted(CORE.glob("*.mjs")):
        files[f"/js/{path.name}"] = path
    for package in VENDOR_PACKAGES:
        root = NODE_MODULES / "@noble" / package
        for path in sorted(root.rglob("*.js")):
            if "node_modules" not in path.relative_to(root).parts:
                files[f"/vendor/{package}/{path.relative_to(root).as_posix()}"] = path
    return files


def file_hash(url_path: str, data: bytes) -> bytes:
    """``H32("served-file", url path, bytes)``."""
    return hash32("served-file", url_path, data)


def fingerprint(hashes: dict[str, bytes]) -> bytes:
    """``H32("served-bundle", path₁, hash₁, path₂, hash₂, …)`` over the paths in sorted order."""
    parts: list[str | bytes] = []
    for url_path in sorted(hashes):
        parts += [url_path, hashes[url_path]]
    return hash32("served-bundle", *parts)


@dataclass(frozen=True)
class Bundle:
    """File hashes by URL path, and the bundle's fingerprint."""

    hashes: dict[str, bytes]

    @property
    def fingerprint(self) -> bytes:
        return fingerprint(self.hashes)

    @property
    def code(self) -> str:
        return short_code(self.fingerprint)

    def to_json(self) -> dict[str, Any]:
        return {
            "version": 1,
            "kind": BUNDLE_KIND,
            "fingerprint": self.fingerprint.hex(),
            "code": self.code,
            "files": [{"path": p, "hash": h.hex()} for p, h in sorted(self.hashes.items())],
        }


@cache
def local_bundle() -> Bundle:
    """The bundle of this installed copy (read once)."""
    return Bundle({p: file_hash(p, served_bytes(f)) for p, f in bundle_files().items()})
