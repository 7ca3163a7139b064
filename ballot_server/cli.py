"""The ``phieukin`` command: one parser whose subcommands come from each package.

Every package contributes its commands through a ``register(subparsers)`` function; each command
sets ``func`` to a callable taking the parsed arguments and returning the exit code.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


def build_parser() -> argparse.ArgumentParser:
    """Build the full ``phieukin`` parser with every package's subcommands."""
    from audit import cli as audit_cli
    from ballot_client import cli as client_cli
    from ballot_server import demo, export, minute_cli, serve

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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
