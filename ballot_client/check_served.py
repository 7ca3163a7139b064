"""``phieukin check-served URL``: is a running server serving exactly the code of this copy?

Run from a copy of Phiếu Kín installed independently of the meeting's laptop (an inspector's or a
committee member's own machine, ``make setup`` from the same release). It fetches every page and
script of the bundle (``ballot_client/bundle.py``) — this copy's list, plus anything the
server's own list adds — and compares each with this copy's files byte for byte, naming every
difference; it also compares the fingerprint the server claims (the one its pages show) with the
fingerprint of what it actually served.

A server can serve different code to different clients, so a clean result shows only what this
machine was served now; see docs/SECURITY.md for what catches a page modified for some phones
only (Benaloh audits on the phones).
"""

from __future__ import annotations

import argparse
import asyncio
import json
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from ballot_client.bundle import Bundle, file_hash, local_bundle, served_bytes
from ballot_client.bundle import bundle_files as local_files
from tally.fingerprint import short_code

EXIT_SAME, EXIT_DIFFERENT, EXIT_UNREACHABLE = 0, 1, 2
CONCURRENCY = 8


@dataclass
class Comparison:
    """What the server served, compared with this copy."""

    url: str
    local: Bundle
    served: dict[str, bytes] = field(default_factory=dict)  # path → hash of the served bytes
    claimed: dict[str, Any] = field(default_factory=dict)  # the server's /api/bundle
    differences: list[dict[str, str]] = field(default_factory=list)

    @property
    def same(self) -> bool:
        return not self.differences

    def to_json(self) -> dict[str, Any]:
        served = Bundle(self.served)
        return {
            "url": self.url,
            "same": self.same,
            "files": len(self.local.hashes),
            "local_code": self.local.code,
            "served_code": served.code,
            "claimed_code": self.claimed.get("code"),
            "differences": self.differences,
        }


async def _fetch(session: aiohttp.ClientSession, url: str) -> tuple[int, bytes]:
    async with session.get(url, allow_redirects=False) as response:
        return response.status, await response.read()


async def compare(base: str, timeout: float = 30.0) -> Comparison:
    """Fetch the server's bundle list and every file; compare with this copy."""
    base = base.rstrip("/")
    result = Comparison(base, local_bundle())
    files = local_files()
    limit = asyncio.Semaphore(CONCURRENCY)
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout)) as session:
        status, body = await _fetch(session, base + "/api/bundle")
        if status == 200:
            try:
                result.claimed = json.loads(body)
            except ValueError:
                result.claimed = {}
        claimed_paths = {
            f.get("path")
            for f in result.claimed.get("files", [])
            if isinstance(f, dict) and isinstance(f.get("path"), str) and f["path"].startswith("/")
        }
        paths = sorted(set(files) | claimed_paths)

        async def one(path: str) -> None:
            async with limit:
                status, data = await _fetch(session, base + path)
            if path not in files:
                result.differences.append(
                    {"path": path, "problem": "extra", "detail": f"HTTP {status}"}
                )
                if status == 200:
                    result.served[path] = file_hash(path, data)
                return
            if status != 200:
                result.differences.append(
                    {"path": path, "problem": "missing", "detail": f"HTTP {status}"}
                )
                return
            result.served[path] = file_hash(path, data)
            if data != served_bytes(files[path]):
                result.differences.append(
                    {
                        "path": path,
                        "problem": "differs",
                        "detail": _first_difference(served_bytes(files[path]), data),
                    }
                )

        await asyncio.gather(*(one(p) for p in paths))
    result.differences.sort(key=lambda d: d["path"])
    served_code = short_code(Bundle(result.served).fingerprint)
    if result.claimed.get("code") != served_code and not result.differences:
        result.differences.append(
            {
                "path": "/api/bundle",
                "problem": "claim",
                "detail": f"the server claims {result.claimed.get('code')}, served {served_code}",
            }
        )
    return result


def _first_difference(expected: bytes, served: bytes) -> str:
    """Where two versions of a file first differ, as line and column of the served one."""
    position = next(
        (i for i, (a, b) in enumerate(zip(expected, served, strict=False)) if a != b),
        min(len(expected), len(served)),
    )
    line = served.count(b"\n", 0, position) + 1
    column = position - (served.rfind(b"\n", 0, position) + 1) + 1
    return f"{len(served)} bytes served, {len(expected)} expected; first change at {line}:{column}"


PROBLEMS = {
    "differs": ("khác bản cài này", "differs from this copy"),
    "missing": ("máy chủ không phục vụ", "not served"),
    "extra": ("máy chủ phục vụ tệp không có trong bản cài này", "served but not in this copy"),
    "claim": ("dấu vân tay máy chủ công bố sai", "the server's claimed fingerprint is wrong"),
}


def render(result: Comparison, lang: str) -> str:
    en = lang == "en"
    served = Bundle(result.served).code
    lines = [
        f"Phiếu Kín — check-served {result.url}",
        f"  {'this copy' if en else 'bản cài này'}: {result.local.code} "
        f"({len(result.local.hashes)} {'files' if en else 'tệp'})",
        f"  {'served' if en else 'máy chủ phục vụ'}: {served}",
        f"  {'the pages show' if en else 'các trang hiển thị'}: {result.claimed.get('code', '?')}",
    ]
    for difference in result.differences:
        vi, english = PROBLEMS[difference["problem"]]
        lines.append(f"✗ {difference['path']}: {english if en else vi} ({difference['detail']})")
    if result.same:
        lines.append(
            "✓ Every page and script served is this copy's, byte for byte."
            if en
            else "✓ Mọi trang và mã chương trình máy chủ phục vụ đúng từng byte với bản cài này."
        )
    else:
        count = len(result.differences)
        lines.append(
            f"✗ {count} difference(s): the server does not serve this copy's code."
            if en
            else f"✗ {count} chỗ khác: máy chủ không phục vụ đúng mã của bản cài này."
        )
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    try:
        result = asyncio.run(compare(args.url, args.timeout))
    except (aiohttp.ClientError, TimeoutError, OSError) as error:
        message = f"Không kết nối được máy chủ {args.url}: {error}"
        print(
            json.dumps({"ok": False, "error": message}, ensure_ascii=False)
            if args.json
            else f"Lỗi: {message}"
        )
        return EXIT_UNREACHABLE
    print(
        json.dumps(result.to_json(), ensure_ascii=False) if args.json else render(result, args.lang)
    )
    return EXIT_SAME if result.same else EXIT_DIFFERENT


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "check-served",
        help="so mã máy chủ phục vụ với bản cài này (compare the served code with this copy)",
        description="Tải mọi trang và mã chương trình máy chủ phục vụ và so từng byte với bản "
        "cài đặt độc lập này; nêu tên mọi tệp khác. Exit 0 when identical, 1 when not, "
        "2 when the server cannot be reached.",
    )
    parser.add_argument("url", help="địa chỉ máy chủ, ví dụ http://192.168.1.20:8080")
    parser.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    parser.add_argument("--lang", choices=("vi", "en"), default="vi", help="ngôn ngữ (vi, en)")
    parser.add_argument("--timeout", type=float, default=30.0, help="giây (seconds)")
    parser.set_defaults(func=run)
