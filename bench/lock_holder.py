"""Hold a meeting database's write lock from another process, as a backup tool or a second
program left running would.

    python bench/lock_holder.py DIR/meeting.db SECONDS

Takes the write lock (``BEGIN IMMEDIATE``), prints ``held`` on a line of its own, and keeps the
lock until SECONDS have passed or a line (or the end) arrives on its standard input, whichever
comes first; then it rolls back (it never changes anything) and exits 0.
"""

from __future__ import annotations

import select
import sqlite3
import sys
import time


def main(argv: list[str]) -> int:
    path, seconds = argv[0], float(argv[1])
    connection = sqlite3.connect(path, isolation_level=None, timeout=30)
    connection.execute("BEGIN IMMEDIATE")
    print("held", flush=True)
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        ready, _, _ = select.select([sys.stdin], [], [], left)
        if ready:
            break  # told to release (a line, or stdin closed)
    connection.execute("ROLLBACK")
    connection.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
