"""Every route of the server, in one table."""

from __future__ import annotations

from aiohttp import web

from ballot_server.views import assets, chair, committee, minute, openapi, public


def setup_routes(app: web.Application) -> None:
    app.router.add_routes(
        [
            # pages
            web.get("/", assets.page("index.html")),
            web.get("/v", assets.page("vote.html")),
            web.get("/projector", assets.page("projector.html")),
            web.get("/t", assets.page("tracker.html")),
            web.get("/committee", assets.page("committee.html")),
            web.get("/selftest", assets.page("selftest.html")),  # browser tests only
            web.get("/static/{path:.+}", assets.static),
            web.get("/js/{path:[A-Za-z0-9_]+\\.mjs}", assets.core),
            web.get("/vendor/{package}/{path:.+\\.js}", assets.vendor),
            # voters and projector
            web.get("/api/openapi.json", openapi.get_openapi),
            web.get("/api/bundle", assets.get_bundle),
            web.get("/api/status", public.get_status),
            web.get("/join-qr.svg", public.join_qr),
            web.get("/api/stream", public.stream),
            web.get("/api/rounds/{round}/election", public.get_election),
            web.post("/api/rounds/{round}/token-status", public.token_status),
            web.post("/api/rounds/{round}/ballots", public.submit_ballot),
            web.post("/api/rounds/{round}/audits", public.submit_audit),
            web.get("/api/rounds/{round}/trackers/{code}", public.find_tracker),
            web.get("/api/rounds/{round}/aggregate", public.get_aggregate),
            web.get("/api/rounds/{round}/counts", public.get_counts),
            web.get("/api/rounds/{round}/results", public.get_results),
            # committee
            web.get("/api/log", public.get_log),
            web.get("/api/rounds/{round}/ballots", public.get_ballots),
            web.get("/api/rounds/{round}/ceremony", committee.ceremony_state),
            web.get("/api/rounds/{round}/ceremony/me", committee.whoami),
            web.post("/api/rounds/{round}/ceremony/claim", committee.claim),
            web.post("/api/rounds/{round}/ceremony/alarm", committee.alarm),
            web.post("/api/rounds/{round}/ceremony/announcement", committee.announce),
            web.post("/api/rounds/{round}/ceremony/shares", committee.send_shares),
            web.get("/api/rounds/{round}/ceremony/shares", committee.shares),
            web.post("/api/rounds/{round}/ceremony/complaint", committee.complain),
            web.post("/api/rounds/{round}/ceremony/reveal", committee.reveal),
            web.post("/api/rounds/{round}/ceremony/confirm", committee.confirm),
            web.post("/api/rounds/{round}/decryption", committee.decrypt),
            # chair
            *chair.routes(),
            *minute.routes(),
        ]
    )
