"""``python -m audit``: the inspector's verifier on its own, without the meeting server.

It needs only the election library (``tally``: PyNaCl, rbcl, cryptography) and, to render the
printed minute again, reportlab and the Liberation fonts — none of the server's dependencies
(aiohttp, openpyxl, qrcode) nor ``sqlite3``. ``python -m audit verify record.zip`` is exactly
``phieukin verify record.zip`` (installed as ``phieukin-verify``); ``python -m audit rules
decide FILE`` is ``phieukin rules decide FILE``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from audit import cli


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m audit",
        description="Kiểm tra độc lập hồ sơ Phiếu Kín (verify a Phiếu Kín record), offline.",
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    cli.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m audit COMMAND …``; returns the exit code."""
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)


def verify_main(argv: Sequence[str] | None = None) -> int:
    """``phieukin-verify RECORD …``: the same as ``python -m audit verify RECORD …``."""
    return main(["verify", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    sys.exit(main())
