"""Web hardening: strict CSP everywhere, no inline code in any page, HttpOnly SameSite cookies,
CSRF on every cookie-authenticated chair action, constant-time secret checks, body limits,
rate-limited token guessing and tokens of at least 128 bits."""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path

import pytest

from ballot_server import auth, keys
from ballot_server.views.assets import STATIC
from tally.token import TOKEN_BYTES, base32_encode, generate_token, token_hash
from tests.server_support import CHAIR_SECRET, make_app

BEARER = {"Authorization": f"Bearer {CHAIR_SECRET}"}
PAGES = ["/", "/v", "/projector", "/t", "/committee", "/chair", "/selftest"]


@pytest.fixture
async def client(aiohttp_client, tmp_path):
    return await aiohttp_client(make_app(tmp_path))


def check_csp(policy: str) -> None:
    directives = {d.split()[0]: d.split()[1:] for d in policy.split(";") if d.strip()}
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
    for sources in directives.values():
        for source in sources:
            assert source in ("'self'", "'none'", "data:"), f"third-party or wildcard {source}"


def static_files() -> list[Path]:
    return sorted(p for p in STATIC.iterdir() if p.is_file())


async def test_every_page_and_script_carries_the_strict_csp(client) -> None:
    targets = PAGES + [f"/static/{p.name}" for p in static_files()]
    targets += ["/js/index.mjs", "/vendor/curves/ed25519.js", "/api/status", "/nowhere"]
    for target in targets:
        response = await client.get(target)
        assert response.status in (200, 404), target
        check_csp(response.headers["Content-Security-Policy"])
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "no-referrer"


INLINE_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.I | re.S)
HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.I)
STYLE_ATTR = re.compile(r"<[^>]*\sstyle\s*=", re.I)
JS_URL = re.compile(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", re.I)


def scan_markup(name: str, text: str) -> None:
    for attributes, body in INLINE_SCRIPT.findall(text):
        assert "src=" in attributes and not body.strip(), f"{name}: inline script"
    assert not HANDLER.search(text), f"{name}: inline event handler"
    assert not STYLE_ATTR.search(text), f"{name}: style attribute"
    assert not JS_URL.search(text), f"{name}: javascript: URL"
    assert "<style" not in text.lower(), f"{name}: inline <style>"
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", text), f"{name}: other origin"


@pytest.mark.parametrize("path", static_files(), ids=lambda p: p.name)
def test_static_files_have_no_inline_code_or_styles(path: Path) -> None:
    text = path.read_text("utf-8", errors="replace")
    if path.suffix in (".html", ".svg"):
        scan_markup(path.name, text)
    if path.suffix in (".js", ".mjs"):
        assert not re.search(r"\beval\s*\(|new\s+Function\s*\(", text), path.name
        assert not re.search(r"setAttribute\(\s*['\"](style|on[a-z]+)['\"]", text), path.name
        assert not re.search(r"""["'`]https?://(?!127\.0\.0\.1|localhost|www\.w3\.org/)""", text), (
            path.name
        )


async def test_server_made_pages_have_no_inline_code(client) -> None:
    """The token print sheet and its screen mode are rendered by the server."""
    for target in ("/chair/rounds/1/tokens/print", "/chair/rounds/1/tokens/print?mode=screen"):
        response = await client.get(target, headers=BEARER)
        check_csp(response.headers["Content-Security-Policy"])
        if response.status == 200:
            scan_markup(target, await response.text())


async def test_the_chair_cookie_is_http_only_and_same_site_strict(client) -> None:
    response = await client.post("/api/chair/login", json={"secret": CHAIR_SECRET})
    cookie = response.cookies[auth.COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Strict" and cookie["path"] == "/"
    assert len(cookie.value) >= 43  # 32 random bytes, URL-safe base64
    assert "phieukin_chair" not in (await response.text())


def chair_posts(app) -> list[str]:
    """Every state-changing chair route of the application (login excepted)."""
    return sorted(
        route.resource.canonical.replace("{round}", "1").replace("{index}", "1")
        for route in app.router.routes()
        if route.method == "POST"
        and route.resource.canonical.startswith("/api/chair/")
        and route.resource.canonical != "/api/chair/login"
    )


async def test_csrf_is_required_on_every_cookie_authenticated_chair_post(client) -> None:
    posts = chair_posts(client.server.app)
    assert len(posts) >= 12 and "/api/chair/rounds/1/close" in posts
    response = await client.post("/api/chair/login", json={"secret": CHAIR_SECRET})
    csrf = (await response.json())["csrf"]
    for path in posts:
        for headers in ({}, {"X-CSRF-Token": ""}, {"X-CSRF-Token": csrf[:-1] + "x"}):
            response = await client.post(path, json={"confirm": True}, headers=headers)
            body = await response.json()
            assert (response.status, body["error"]) == (401, "csrf"), (path, headers)
    # with the token, the same cookie is let through (the state read needs no token)
    response = await client.post(
        "/api/chair/rounds/1/close", json={"confirm": True}, headers={"X-CSRF-Token": csrf}
    )
    assert response.status != 401
    assert (await client.get("/api/chair/state")).status == 200


def test_secrets_are_compared_in_constant_time() -> None:
    source = inspect.getsource(auth)
    assert source.count("hmac.compare_digest") >= 2  # the chair secret and the CSRF token
    # a session is found by the hash of its identifier: the identifier is never compared
    assert "chair_session_expires(session_hash(" in source
    tree = ast.parse(source)
    secretish = re.compile(r"secret|csrf|given|session_id|known", re.I)
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare) and any(
            isinstance(op, ast.Eq | ast.NotEq) for op in node.ops
        ):
            names = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
            names |= {n.attr for n in ast.walk(node) if isinstance(n, ast.Attribute)}
            assert not any(secretish.search(n) for n in names), ast.unparse(node)
    assert auth.secret_matches("abc", "abc") and not auth.secret_matches("abc", "abd")
    assert not auth.secret_matches("", "")  # an unset secret matches nothing


async def test_oversized_bodies_get_413_as_json(client) -> None:
    limit = 1_000_000
    for path in ("/api/rounds/1/ballots", "/api/chair/login", "/api/chair/meeting"):
        response = await client.post(
            path,
            data=b"{" + b" " * limit + b"}",
            headers=BEARER | {"Content-Type": "application/json"},
        )
        body = await response.json()
        assert (response.status, body["error"]) == (413, "too_large"), path

    async def chunks():
        for _ in range(12):
            yield b" " * 100_000

    response = await client.post("/api/rounds/1/ballots", data=chunks())
    assert response.status == 413  # no Content-Length: the limit holds while reading


async def test_token_guessing_is_rate_limited(client) -> None:
    from tests.server_support import setup_round

    setup = await setup_round(client, rated=2, tokens=2)
    limit = client.server.app[keys.CONFIG].attempts_per_address
    guesses = [token_hash(generate_token()).hex() for _ in range(limit + 1)]
    statuses = []
    for guess in guesses:
        response = await client.post("/api/rounds/1/token-status", json={"token_hash": guess})
        statuses.append(response.status)
    assert statuses[:limit] == [200] * limit and statuses[limit] == 429
    body = await (await client.post("/api/rounds/1/ballots", json={"ballot": {}})).json()
    assert body["error"] == "rate_limited" and body["message"]
    # even a real token is refused while the guesser is blocked
    real = token_hash(setup.tokens[0]).hex()
    response = await client.post("/api/rounds/1/token-status", json={"token_hash": real})
    assert response.status == 429


def test_tokens_have_at_least_128_bits() -> None:
    assert TOKEN_BYTES * 8 >= 128
    tokens = {generate_token() for _ in range(2000)}
    assert len(tokens) == 2000
    assert all(len(t) == len(base32_encode(bytes(TOKEN_BYTES))) for t in tokens)
    assert 5 * len(next(iter(tokens))) >= 128
    assert "secrets.token_bytes" in inspect.getsource(generate_token)
    # the per-position alphabet use is close to uniform (a weak generator would show)
    counts: dict[str, int] = {}
    for token in tokens:
        counts[token[0]] = counts.get(token[0], 0) + 1
    assert len(counts) >= 8


async def test_the_phone_sees_no_other_voters_data(client) -> None:
    from tests.server_support import setup_round

    setup = await setup_round(client, rated=2, tokens=3)
    receipt = await setup.meeting.vote(1, setup.tokens[0], [0, 1])
    for target in ("/api/status", "/api/rounds/1/election"):
        text = await (await client.get(target)).text()
        assert receipt["tracker"] not in text
        assert not any(token in text for token in setup.tokens)
    assert await setup.meeting.token_state(1, setup.tokens[1]) == "issued"
