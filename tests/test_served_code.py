"""The served code: one definition of the bundle the server serves, and one place (the crypto
core) where the phone page gets its ballot format."""

from __future__ import annotations

import re

from ballot_client.bundle import PAGES, STATIC, bundle_files, file_hash, local_bundle
from tests.server_support import make_app


def test_the_bundle_names_every_page_route_of_the_server(tmp_path) -> None:
    app = make_app(tmp_path)
    served = {
        route.resource.canonical
        for route in app.router.routes()
        if route.method == "GET" and route.handler.__name__ == "handler"  # assets.page(…)
    }
    assert served == set(PAGES)
    assert all((STATIC / name).is_file() for name in PAGES.values())


async def test_every_bundle_file_is_served_with_the_bytes_the_bundle_hashes(
    aiohttp_client, tmp_path
) -> None:
    client = await aiohttp_client(make_app(tmp_path))
    claimed = await (await client.get("/api/bundle")).json()
    assert claimed["kind"] == "phieukin/served-bundle" and claimed["version"] == 1
    assert claimed["code"] == local_bundle().code
    hashes = {f["path"]: f["hash"] for f in claimed["files"]}
    assert set(hashes) == set(bundle_files())
    for path in ("/v", "/static/vote.js", "/js/ballot.mjs", "/vendor/curves/ed25519.js"):
        body = await (await client.get(path)).read()
        assert file_hash(path, body).hex() == hashes[path], path


def test_the_phone_builds_and_submits_ballots_only_through_the_core() -> None:
    """The ballot format lives in ballot_client/js: the page scripts never assemble a ballot,
    a submission or an audited ballot themselves."""
    for path in sorted(STATIC.glob("*.js")):
        text = path.read_text("utf-8")
        for marker in ("phieukin/ballot", "phieukin/audited-ballot", "sum_proof", "token_key:"):
            assert marker not in text, f"{path.name} builds {marker} itself"
        # no request body carries the token itself ({token: …}); only its hash or key
        assert not re.search(r"body:\s*(JSON\.stringify\()?\{\s*token\b(?!_)", text), path.name
    cast = (STATIC / "vote-cast.js").read_text("utf-8")
    for function in ("encryptBallotSteps", "makeSubmission", "openBallot", "verifyAuditedBallot"):
        assert function in cast
