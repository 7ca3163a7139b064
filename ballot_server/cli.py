"""The ``phieukin`` command: one parser whose subcommands come from each package.

Every package contributes its commands through a ``register(subparsers)`` function; each command
sets ``func`` to a callable taking the parsed arguments and returning the exit code. A failure of
the meeting's storage (no meeting in the folder, a database behind its log, damaged, locked, a
full disk) is printed as one message in Vietnamese and English: exit status 2 when the folder
holds no meeting or misses one of its files, 3 otherwise.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from ballot_server.errors import StoreError, StoreMissing


def build_parser() -> argparse.ArgumentParser:
    """Build the full ``phieukin`` parser with every package's subcommands."""
    from audit import cli as audit_cli
    from ballot_client import cli as client_cli
    from ballot_server import demo, export, minute_cli, serve
    from report import cli as report_cli

    parser = argparse.ArgumentParser(
        prog="phieukin",
        description="Phiếu Kín — bỏ phiếu kín có thể kiểm chứng cho chi bộ "
        "(verifiable secret ballots for a Party cell meeting).",
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    serve.register(subparsers)
    demo.register(subparsers)
    minute_cli.register(subparsers)
    export.register(subparsers)
    client_cli.register(subparsers)
    audit_cli.register(subparsers)
    report_cli.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except StoreError as error:
        # the meeting's storage: a specific message in both languages, never a traceback
        print(f"Lỗi: {error.message_vi}", file=sys.stderr)
        print(f"Error: {error.message_en}", file=sys.stderr)
        return 2 if isinstance(error, StoreMissing) else 3


if __name__ == "__main__":
    sys.exit(main())
