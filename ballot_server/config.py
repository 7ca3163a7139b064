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
    busy_seconds: float = 2.0  # the longest wait for a database lock held by another program
    low_disk_bytes: int = 200_000_000  # below this much free space the chair is warned
