"""The chair's actions (meeting setup, roster, attendance, committee, tokens, voting)."""

from __future__ import annotations

from aiohttp import web


def routes() -> list[web.RouteDef]:
    """The chair's routes (added to the table in ``ballot_server/routes.py``)."""
    return []
