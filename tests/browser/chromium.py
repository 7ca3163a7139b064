"""How Chromium is launched for the browser tests and the Chromium benchmark: Debian's binary,
flags for a closed network, and a made-up host name so pages load from a non-secure origin
(as on a LAN: a loopback origin would count as secure and hide a dependence on WebCrypto)."""

from __future__ import annotations

import os

CHROMIUM = os.environ.get("PHIEUKIN_CHROMIUM", "/usr/bin/chromium")
HOST = "hop.test"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    f"--host-resolver-rules=MAP {HOST} 127.0.0.1",
]
