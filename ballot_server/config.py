"""The server's configuration: one frozen value, read once at the edge and passed down."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ServerConfig:
    """Where the meeting lives and how the server listens."""

    folder: Path
    host: str = "0.0.0.0"
    port: int = 8080
    chair_secret: str = ""
    public_url: str = ""  # the base URL printed in QR codes, e.g. http://192.168.1.20:8080
    verify_workers: int = 2  # processes checking ballot proofs, off the event loop
    max_body_bytes: int = 1_000_000
    max_roster_bytes: int = 2_000_000
    # Limits against abuse (docs/SECURITY.md): refused voter requests (unknown tokens, invalid
    # ballots) per client address within a minute plus its requests in flight, at most
    # attempts_per_address (a blocked client is answered 429 after refusal_delay seconds, its
    # body unread); a client that sends no request, or its headers too slowly, is cut off after
    # header_timeout seconds (aiohttp's keep-alive timer, which also runs before the first
    # request); a body must arrive within body_timeout seconds; at most max_verify_queue ballots
    # wait for the proof workers (503 and Retry-After beyond); at most
    # max_connections_per_address connections per client address (``phieukin serve``) and
    # max_streams / max_streams_per_address live-update streams.
    attempts_per_address: int = 60
    refusal_delay: float = 1.0  # a blocked client's refusal comes after this many seconds
    header_timeout: float = 10.0
    body_timeout: float = 20.0
    max_verify_queue: int = 256
    max_connections_per_address: int = 64
    max_streams: int = 512
    max_streams_per_address: int = 8
    busy_seconds: float = 2.0  # the longest wait for a database lock held by another program
    low_disk_bytes: int = 200_000_000  # below this much free space the chair is warned
