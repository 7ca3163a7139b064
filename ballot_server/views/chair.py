"""The chair's actions (meeting setup, roster, attendance, committee, tokens, voting).

Thin views over the application's ``Chair`` (``keys.CHAIR``); every endpoint but the login
requires the chair (``chair_service``, through ``keys.CHAIR_AUTH``). The sessions are kept in the
store; the plaintext tokens in the ``Chair``'s memory.
"""

from __future__ import annotations

from aiohttp import web

from ballot_server import convened, keys, kind_rounds
from ballot_server.auth import clear_cookie, csrf_token, set_cookie
from ballot_server.chair import voter_url
from ballot_server.errors import ApiError, BadRequest, Conflict, PayloadTooLarge
from ballot_server.roster_import import (
    CSV_TYPE,
    XLSX_TYPE,
    RosterInvalid,
    detect_kind,
    template_csv,
    template_xlsx,
)
from ballot_server.tokens_print import print_sheet, refused_page, screen_mode
from ballot_server.views import assets
from ballot_server.views.common import (
    chair_service,
    field,
    public_base_url,
    publish_status,
    read_json,
    round_number,
)


class RosterRejected(ApiError):
    """The roster file has row errors; nothing was imported."""

    code = "roster_invalid"

    def __init__(self, errors: RosterInvalid) -> None:
        super().__init__(
            f"Danh sách có {len(errors.errors)} lỗi; chưa nhập gì.",
            f"The roster has {len(errors.errors)} problems; nothing was imported.",
        )
        self.errors = errors.errors
        self.notices = errors.notices

    def to_json(self) -> dict:
        return super().to_json() | {
            "errors": [e.to_json() for e in self.errors],
            "notices": [n.to_json() for n in self.notices],
        }


async def _body(request: web.Request) -> dict:
    """An optional JSON object body (an empty body is ``{}``)."""
    if not await request.read():
        return {}
    body = await read_json(request)
    if not isinstance(body, dict):
        raise BadRequest("Cần một đối tượng JSON.", "Expected a JSON object.")
    return body


# --- session -------------------------------------------------------------------------------


async def login(request: web.Request) -> web.Response:
    secret = field(await read_json(request), "secret", str)
    session_id, csrf = request.app[keys.CHAIR_AUTH].login(request, secret)
    response = web.json_response({"csrf": csrf})
    set_cookie(response, session_id)
    return response


async def session(request: web.Request) -> web.Response:
    """The CSRF token of the browser's session, for a tab that does not have it (a new tab, a
    reloaded page, after a restart of the server, after a login in another tab)."""
    auth = request.app[keys.CHAIR_AUTH]
    session_id = auth.session(request)
    if session_id is None:
        chair_service(request)  # a program with the bearer secret has no session: 401 otherwise
        return web.json_response({"csrf": None})
    return web.json_response({"csrf": csrf_token(session_id)})


async def logout(request: web.Request) -> web.Response:
    chair_service(request)
    request.app[keys.CHAIR_AUTH].logout(request)
    response = web.json_response({"ok": True})
    clear_cookie(response)
    return response


# --- setup ---------------------------------------------------------------------------------


async def state(request: web.Request) -> web.Response:
    return web.json_response(chair_service(request).state(public_base_url(request)))


async def meeting(request: web.Request) -> web.Response:
    chair = chair_service(request)
    meeting = chair.set_meeting(await read_json(request))
    publish_status(request.app)
    return web.json_response({"meeting": meeting})


async def roster_template_csv(request: web.Request) -> web.Response:
    chair_service(request)
    return web.Response(
        body=template_csv(),
        content_type=CSV_TYPE,
        charset="utf-8",
        headers={"Content-Disposition": 'attachment; filename="danh-sach-dang-vien.csv"'},
    )


async def roster_template_xlsx(request: web.Request) -> web.Response:
    chair_service(request)
    return web.Response(
        body=template_xlsx(),
        content_type=XLSX_TYPE,
        headers={"Content-Disposition": 'attachment; filename="danh-sach-dang-vien.xlsx"'},
    )


async def roster(request: web.Request) -> web.Response:
    chair = chair_service(request)
    limit = request.app[keys.CONFIG].max_roster_bytes
    too_large = PayloadTooLarge(
        f"Tệp quá lớn (tối đa {limit // 1_000_000} MB).", "The roster file is too large."
    )
    if request.content_length is not None and request.content_length > limit:
        raise too_large
    data = await request.content.read(limit + 1)
    while len(data) <= limit and not request.content.at_eof():
        more = await request.content.read(limit + 1 - len(data))
        if not more:
            break
        data += more
    if len(data) > limit:
        raise too_large
    kind = detect_kind(request.content_type, data)
    if kind is None:
        raise BadRequest(
            "Chỉ nhận tệp CSV hoặc XLSX.",
            "Send the roster as text/csv or XLSX.",
            code="roster_type",
        )
    try:
        roster = chair.import_roster(data, kind)
    except RosterInvalid as invalid:
        raise RosterRejected(invalid) from None
    return web.json_response(
        {"members": len(roster.members), "notices": [n.to_json() for n in roster.notices]}
    )


async def attendance(request: web.Request) -> web.Response:
    chair = chair_service(request)
    roll = chair.set_attendance(field(await read_json(request), "attendance", dict))
    return web.json_response(roll.to_json())


async def rated(request: web.Request) -> web.Response:
    chair = chair_service(request)
    body = await read_json(request)
    rated = chair.set_rated(field(body, "member_ids", list), body.get("reasons"))
    return web.json_response({"rated": rated, "reasons": chair.rated_reasons()})


async def options(request: web.Request) -> web.Response:
    chair = chair_service(request)
    options = chair.set_options(await read_json(request))
    return web.json_response({"options": options.as_json()})


async def collectives(request: web.Request) -> web.Response:
    chair = chair_service(request)
    chair.set_collectives(field(await read_json(request), "collectives", list))
    listed = [{"name": n, "level": v} for n, v in chair.collectives().items()]
    return web.json_response({"collectives": listed})


async def projector(request: web.Request) -> web.Response:
    """Which results page the projector shows, and whether its pages stop turning by themselves
    (``{"page": n, "paused": bool}``); every projector follows at once. The chair's only."""
    chair_service(request)
    body = await read_json(request)
    page = body.get("page", 0) if isinstance(body, dict) else None
    paused = body.get("paused", False) if isinstance(body, dict) else None
    if not isinstance(page, int) or isinstance(page, bool) or not 0 <= page <= 1000:
        raise BadRequest("Số trang không hợp lệ (0–1000).", "page must be an integer 0..1000.")
    if not isinstance(paused, bool):
        raise BadRequest("«paused» phải là true hoặc false.", "paused must be true or false.")
    store = request.app[keys.STORE]
    with store.transaction() as writing:
        writing.set_setting("projector", {"page": page, "paused": paused})
    publish_status(request.app)
    return web.json_response({"page": page, "paused": paused})
async def convened_people(request: web.Request) -> web.Response:
    """Those convened to a confidence vote: the cell's own, or an imported list."""
    chair = chair_service(request)
    chair.no_active_round("đổi danh sách triệu tập", "change those convened")
    choice = convened.set_convened(chair.store, await read_json(request))
    return web.json_response(choice)


async def committee(request: web.Request) -> web.Response:
    chair = chair_service(request)
    body = await read_json(request)
    committee = chair.set_committee(
        field(body, "member_ids", list),
        body.get("threshold", 2),
        head=body.get("head"),
        approved=body.get("approved", False),
    )
    return web.json_response(committee)


# --- rounds --------------------------------------------------------------------------------


async def start_round(request: web.Request) -> web.Response:
    chair = chair_service(request)
    body = await _body(request)
    runoff = body.pop("runoff", False)
    if not isinstance(runoff, bool):
        raise BadRequest("Trường «runoff» sai kiểu.", "Field 'runoff' must be true or false.")
    if runoff and body:
        raise BadRequest("Bỏ phiếu thêm không nhận trường khác.", "A runoff takes no other field.")
    kind = kind_rounds.check_spec(body.pop("kind", "rating"), body)
    started = chair.start_round(public_base_url(request), runoff=runoff, kind=kind, spec=body)
    publish_status(request.app)
    return web.json_response(started, status=201)


async def tokens(request: web.Request) -> web.Response:
    chair = chair_service(request)
    number = round_number(request)
    body = await _body(request)
    issued = chair.issue_tokens(number, body.get("count"), public_base_url(request))
    publish_status(request.app)
    return web.json_response(issued, status=201)


async def cancel(request: web.Request) -> web.Response:
    chair = chair_service(request)
    cancelled = chair.cancel_token(round_number(request), await read_json(request))
    publish_status(request.app)
    if isinstance(cancelled, list):
        return web.json_response({"ok": True, "cancelled": cancelled})
    return web.json_response({"ok": True, "token_hash": cancelled})


async def reissue(request: web.Request) -> web.Response:
    """Before voting opens: cancel every unused card and issue a fresh set (logged)."""
    chair = chair_service(request)
    number = round_number(request)
    await _body(request)
    issued = chair.reissue_tokens(number, public_base_url(request))
    publish_status(request.app)
    return web.json_response(issued, status=201)


async def open_voting(request: web.Request) -> web.Response:
    chair = chair_service(request)
    number = round_number(request)
    await _body(request)
    chair.open_voting(number)
    publish_status(request.app)
    return web.json_response({"ok": True, "round": number, "phase": "open"})


async def close_voting(request: web.Request) -> web.Response:
    chair = chair_service(request)
    number = round_number(request)
    body = await _body(request)
    closed = chair.close_voting(number, body.get("confirm"))
    publish_status(request.app)
    return web.json_response({"ok": True, "phase": "closed"} | closed)


async def reissue_link(request: web.Request) -> web.Response:
    """A fresh committee link for one member during the ceremony (the old one stops)."""
    chair = chair_service(request)
    await _body(request)
    index = request.match_info["index"]
    if not (index.isascii() and index.isdigit()) or len(index) > 2:
        raise BadRequest("Số thứ tự thành viên không hợp lệ.", "Invalid member index.")
    link = chair.reissue_link(round_number(request), int(index), public_base_url(request))
    publish_status(request.app)
    return web.json_response(link, status=201)


async def abandon(request: web.Request) -> web.Response:
    """Abandon a round's key ceremony, with the reason (logged, shown on the projector)."""
    chair = chair_service(request)
    number = round_number(request)
    chair.abandon_ceremony(number, (await _body(request)).get("reason"))
    publish_status(request.app)
    return web.json_response({"ok": True, "round": number, "phase": "abandoned"})


async def small_round(request: web.Request) -> web.Response:
    """Record why a small round may be decrypted; the committee sees it before decrypting."""
    chair_service(request)
    number = round_number(request)
    reason = (await _body(request)).get("reason")
    override = request.app[keys.COUNTING].override_small_round(number, reason)
    publish_status(request.app)
    return web.json_response(override)


async def print_tokens(request: web.Request) -> web.Response:
    """The A4 sheet (or, with ``?mode=screen``, the one-at-a-time screen)."""
    chair = chair_service(request)
    number = round_number(request)
    base = public_base_url(request)
    try:
        tokens = chair.tokens_in_memory(number)  # in a fresh random order
    except Conflict as refused:  # a page, not JSON: the chair opened it in a tab
        return web.Response(
            text=refused_page(number, refused.message_vi, refused.message_en),
            status=refused.status,
            content_type="text/html",
            charset="utf-8",
        )
    cards = [(voter_url(base, t, number), t) for t in tokens]
    meeting = (chair.meeting() or {}).get("title", "")
    render = screen_mode if request.query.get("mode") == "screen" else print_sheet
    return web.Response(
        text=render(meeting, number, cards), content_type="text/html", charset="utf-8"
    )


def routes() -> list[web.RouteDef]:
    """The chair's routes (added to the table in ``ballot_server/routes.py``)."""
    return [
        web.get("/chair", assets.page("chair.html")),
        web.get("/chair/rounds/{round}/tokens/print", print_tokens),
        web.post("/api/chair/login", login),
        web.get("/api/chair/session", session),
        web.post("/api/chair/logout", logout),
        web.get("/api/chair/state", state),
        web.post("/api/chair/meeting", meeting),
        web.get("/api/chair/roster/template.csv", roster_template_csv),
        web.get("/api/chair/roster/template.xlsx", roster_template_xlsx),
        web.post("/api/chair/roster", roster),
        web.post("/api/chair/attendance", attendance),
        web.post("/api/chair/rated", rated),
        web.post("/api/chair/collectives", collectives),
        web.post("/api/chair/options", options),
        web.post("/api/chair/committee", committee),
        web.post("/api/chair/projector", projector),
        web.post("/api/chair/convened", convened_people),
        web.post("/api/chair/rounds", start_round),
        web.post("/api/chair/rounds/{round}/tokens", tokens),
        web.post("/api/chair/rounds/{round}/tokens/cancel", cancel),
        web.post("/api/chair/rounds/{round}/tokens/reissue", reissue),
        web.post("/api/chair/rounds/{round}/open", open_voting),
        web.post("/api/chair/rounds/{round}/close", close_voting),
        web.post("/api/chair/rounds/{round}/abandon", abandon),
        web.post("/api/chair/rounds/{round}/small-round", small_round),
        web.post("/api/chair/rounds/{round}/committee/{index}/link", reissue_link),
    ]
