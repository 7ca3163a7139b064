"""Progress of the report's checks on stderr: a bar on a terminal, plain lines otherwise.

On a terminal one line is redrawn (``Kiểm tra hồ sơ ██████······ 12/50``); anywhere else (a
log file, a pipe, a scheduled job) each finished record is one line of its own, so nothing is
lost to carriage returns: ``[12/50] chi-bo-03.zip: final``.
"""

from __future__ import annotations

import sys
from typing import Any, TextIO

WIDTH = 30


class RecordProgress:
    """Told after each record (``done``, ``total``, the record's check)."""

    def __init__(self, lang: str = "vi", stream: TextIO | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.bar = self.stream.isatty()
        self.label = "Checking records" if lang == "en" else "Kiểm tra hồ sơ"

    def __call__(self, done: int, total: int, check: dict[str, Any]) -> None:
        if not self.bar:
            print(f"[{done}/{total}] {check['file']}: {check['verdict']}", file=self.stream)
            self.stream.flush()
            return
        filled = WIDTH * done // max(total, 1)
        bar = "█" * filled + "·" * (WIDTH - filled)
        end = "\n" if done >= total else ""
        print(f"\r{self.label} {bar} {done}/{total}", end=end, file=self.stream, flush=True)
