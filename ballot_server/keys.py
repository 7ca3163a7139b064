"""Typed application keys: every shared object of the running server, named once."""

from __future__ import annotations

from aiohttp import web

from ballot_server.audits import Audits
from ballot_server.auth import ChairAuth
from ballot_server.chair import Chair
from ballot_server.committee_links import CommitteeLinks
from ballot_server.config import ServerConfig
from ballot_server.counting import Counting
from ballot_server.decisions import Decisions
from ballot_server.key_ceremony import KeyCeremony
from ballot_server.live import Live
from ballot_server.minute_cache import MinutePdfCache
from ballot_server.minute_service import Minutes
from ballot_server.ratelimit import RateLimiter, VerificationQueue
from ballot_server.rounds import Rounds
from ballot_server.store import Store
from ballot_server.verifier import BallotVerifier

CONFIG = web.AppKey("config", ServerConfig)
STORE = web.AppKey("store", Store)
ROUNDS = web.AppKey("rounds", Rounds)
CEREMONY = web.AppKey("ceremony", KeyCeremony)
LINKS = web.AppKey("links", CommitteeLinks)
COUNTING = web.AppKey("counting", Counting)
DECISIONS = web.AppKey("decisions", Decisions)
VERIFIER = web.AppKey("verifier", BallotVerifier)
LIVE = web.AppKey("live", Live)
CHAIR = web.AppKey("chair", Chair)
"""The chair's service, with what it keeps in memory only (plaintext tokens, committee links)."""
CHAIR_AUTH = web.AppKey("chair_auth", ChairAuth)
"""The chair's sessions (kept in the store) and the failed-login limiter."""
MINUTES = web.AppKey("minutes", Minutes)
TOKEN_LIMITER = web.AppKey("token_limiter", RateLimiter)
TOKEN_SPEND_LIMITER = web.AppKey("token_spend_limiter", RateLimiter)  # refused ballots per token
VERIFY_QUEUE = web.AppKey("verify_queue", VerificationQueue)
AUDITS = web.AppKey("audits", Audits)
MINUTE_PDF = web.AppKey("minute_pdf", MinutePdfCache)
