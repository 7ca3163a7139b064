"""``python -m report``: the committee's report without the meeting server.

``python -m report RECORD… --out DIR`` is exactly ``phieukin report RECORD… --out DIR`` (and
``phieukin-report``); it needs the verifier's dependencies and openpyxl, nothing of the server.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from report import cli


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m report FILE… --out DIR``; returns the exit code."""
    script = Path(sys.argv[0]).name
    parser = argparse.ArgumentParser(
        prog="python -m report" if script == "__main__.py" else script,
        description=cli.DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    cli.add_arguments(parser)
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
