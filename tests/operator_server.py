"""The operator's own build of the server: ``phieukin serve`` with the start-up checks of the
meeting folder switched off (``ballot_server/integrity.py``: the log's chain and head, the tables
against the log), as anyone who controls the laptop can run it after editing the database.

The committee's devices must not depend on those checks: they verify the log and the ballots
themselves (PROTOCOL.md §15). ``tests/attack_support.py`` starts this with ``checks=False``.
"""

from __future__ import annotations

import sys

from ballot_server import integrity
from ballot_server.cli import main


def _no_check(*_args: object, **_kwargs: object) -> None:
    return None


if __name__ == "__main__":
    integrity.check_database = _no_check  # type: ignore[assignment]
    sys.exit(main())
