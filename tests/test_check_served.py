"""``phieukin check-served URL`` against real server processes: one running this copy, and one
running a modified installation (a changed page script and an added one)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import aiohttp
import pytest

from ballot_client.bundle import bundle_files, local_bundle
from tests.process_support import ROOT, ServerProcess

PACKAGES = ("tally", "ballot_client", "ballot_server", "audit")


def check_served(url: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ballot_server.cli", "check-served", url, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def installed_copy(target: Path) -> Path:
    """Another installation of the same release (its node_modules shared, read-only)."""
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package, target / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    (target / "node_modules").symlink_to(ROOT / "node_modules")
    return target


@pytest.mark.live
async def test_a_server_running_this_copy_serves_exactly_its_files(tmp_path: Path) -> None:
    server = ServerProcess(tmp_path / "meeting").start()
    try:
        await server.wait_up()
        async with (
            aiohttp.ClientSession() as http,
            http.get(server.base + "/api/bundle") as response,
        ):
            claimed = await response.json()
        assert claimed["code"] == local_bundle().code
        assert {f["path"] for f in claimed["files"]} == set(bundle_files())
        done = check_served(server.base, "--json")
        result = json.loads(done.stdout)
        assert done.returncode == 0, done.stdout + done.stderr
        assert result["same"] is True and result["differences"] == []
        assert result["local_code"] == result["served_code"] == result["claimed_code"]
        assert result["files"] > 60  # pages, the page scripts, the core and the noble libraries
        text = check_served(server.base)
        assert "✓" in text.stdout and local_bundle().code in text.stdout
    finally:
        server.stop()


@pytest.mark.live
async def test_a_modified_installation_is_named_file_by_file(tmp_path: Path) -> None:
    copy = installed_copy(tmp_path / "laptop")
    vote = copy / "ballot_client" / "static" / "vote.js"
    vote.write_text(vote.read_text("utf-8") + "\n// one more line\n", encoding="utf-8")
    (copy / "ballot_client" / "static" / "extra.js").write_text("export {};\n", encoding="utf-8")
    server = ServerProcess(tmp_path / "meeting", root=copy).start()
    try:
        await server.wait_up()
        done = check_served(server.base, "--json")
        assert done.returncode == 1, done.stdout + done.stderr
        result = json.loads(done.stdout)
        problems = {(d["path"], d["problem"]) for d in result["differences"]}
        assert problems == {("/static/vote.js", "differs"), ("/static/extra.js", "extra")}
        # what the pages show is the modified server's own fingerprint, not this copy's
        assert result["claimed_code"] == result["served_code"] != result["local_code"]
        text = check_served(server.base, "--lang", "en")
        assert "/static/vote.js: differs from this copy" in text.stdout
        assert "/static/extra.js: served but not in this copy" in text.stdout
    finally:
        server.stop()


def test_an_unreachable_server_is_a_clear_error() -> None:
    done = check_served("http://127.0.0.1:9")
    assert done.returncode == 2 and "Không kết nối được" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr
