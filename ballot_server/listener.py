"""How ``phieukin serve`` listens: enough file descriptors, a cap per client address, quiet logs.

One client on the Wi-Fi that opens connections and never finishes them must not stop everyone
else from connecting. Against that, besides the header and body timeouts of the application
(``ServerConfig``):

- the soft limit on open files is raised to the hard limit at start-up (a default of 1024 is
  what about 1 100 idle connections used to exhaust);
- each client address may hold at most ``max_connections_per_address`` connections: one over
  it is closed as soon as it is accepted;
- when the process does run out of descriptors, asyncio logs the failed ``accept`` once a
  second for as long as it lasts; repeats of one message are logged at most once a minute, with
  the number left out.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import resource
import signal
import time
from collections import defaultdict
from typing import Any

from aiohttp import web

log = logging.getLogger("phieukin.server")
TARGET_OPEN_FILES = 65536


def raise_open_file_limit(target: int = TARGET_OPEN_FILES) -> tuple[int, int]:
    """Raise the soft limit on open files towards ``target`` (never above the hard limit);
    returns the (soft, hard) limits now in force."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = target if hard == resource.RLIM_INFINITY else min(target, hard)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)


class ConnectionCap:
    """At most ``per_address`` open connections per client address on an aiohttp server."""

    def __init__(self, per_address: int) -> None:
        self.per_address = per_address
        self.open: dict[str, int] = defaultdict(int)
        self._address: dict[Any, str] = {}
        self.refused = 0

    def install(self, server: web.Server) -> None:
        """Wrap the low-level server's connection callbacks (every aiohttp connection passes
        through them) with the count and the cap."""
        made, lost = server.connection_made, server.connection_lost

        def connection_made(handler: Any, transport: asyncio.Transport) -> None:
            made(handler, transport)
            peer = transport.get_extra_info("peername")
            address = str(peer[0]) if peer else "unknown"
            self._address[handler] = address
            self.open[address] += 1
            if self.open[address] > self.per_address:
                self.refused += 1
                transport.abort()

        def connection_lost(handler: Any, exc: BaseException | None = None) -> None:
            address = self._address.pop(handler, None)
            if address is not None:
                self.open[address] -= 1
                if not self.open[address]:
                    del self.open[address]
            lost(handler, exc)

        server.connection_made = connection_made  # type: ignore[method-assign]
        server.connection_lost = connection_lost  # type: ignore[method-assign]


class QuietExceptionHandler:
    """An event-loop exception handler that logs each distinct message at most once per
    ``interval`` seconds, then how many repeats were left out."""

    def __init__(self, interval: float = 60.0) -> None:
        self.interval = interval
        self._last: dict[str, float] = {}
        self._skipped: dict[str, int] = defaultdict(int)

    def __call__(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        message = str(context.get("message", "unexpected error"))
        now = time.monotonic()
        last = self._last.get(message)
        if last is not None and now - last < self.interval:
            self._skipped[message] += 1
            return
        skipped = self._skipped.pop(message, 0)
        self._last[message] = now
        if skipped:
            context = {**context, "message": f"{message} (and {skipped} more like it)"}
        loop.default_exception_handler(context)


class ListenError(OSError):
    """The server cannot listen on the address and port asked for."""

    def __init__(self, host: str, port: int, reason: str) -> None:
        super().__init__(f"cannot listen on {host}:{port}: {reason}")
        self.host, self.port, self.reason = host, port, reason


async def serve(app: web.Application, host: str, port: int, per_address: int) -> None:
    """Serve ``app`` until SIGINT or SIGTERM, with the cap and the quiet handler;
    ``ListenError`` if the address is not this machine's or the port is taken."""
    loop = asyncio.get_running_loop()
    loop.set_exception_handler(QuietExceptionHandler())
    # no access log: it would tie each ballot's request to the phone's address, agent and time
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    assert runner.server is not None
    ConnectionCap(per_address).install(runner.server)
    site = web.TCPSite(runner, host, port)
    try:
        await site.start()
    except OSError as error:
        await runner.cleanup()
        raise ListenError(host, port, error.strerror or str(error)) from None
    stop = asyncio.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()
