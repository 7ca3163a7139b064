"""Command-line entry points of the client package (``phieukin vote``, ``phieukin trustee``)."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the client commands to the ``phieukin`` parser."""
