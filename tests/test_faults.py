"""The CI-sized fault suite: bench/faults.py --ci against real server processes.

A kill during the key ceremony (after the first member announced) and while ballots are in
flight, another process holding the database lock, a full disk (on a small tmpfs where this
machine allows one), a deleted or cut WAL and a database copied without
its log-head file after the meeting, and flipped bytes: every row must recover by itself or stop
with a clear message and change nothing, with no receipted ballot lost and nothing lost silently.
The whole suite (every phase) is ``bench/faults.py`` without ``--ci``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.live

ROW_KEYS = {"fault", "phase", "outcome", "lost", "verify", "message"}


def test_every_fault_recovers_or_is_refused_by_name_and_nothing_is_lost() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "faults.py"), "--ci", "--json"],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.stdout.strip(), done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert set(result) == {"rows", "lost", "silent"}
    rows = result["rows"]
    assert all(set(row) == ROW_KEYS for row in rows), rows
    context = "\n".join(f"{r['fault']} / {r['phase']}: {r['outcome']} {r['message']}" for r in rows)
    assert result["lost"] == 0 and result["silent"] == 0, context
    faults = {row["fault"] for row in rows}
    assert {"kill", "lock", "disk full", "wal deleted", "wal cut", "byte flip"} <= faults
    assert "only meeting.db copied" in faults
    assert {"ceremony", "mid-voting"} <= {row["phase"] for row in rows if row["fault"] == "kill"}
    for row in rows:
        assert row["lost"] == 0, context
        if row["outcome"] == "skipped":  # only the full disk, where tmpfs cannot be mounted
            assert row["fault"] == "disk full" and "tmpfs" in row["message"]
            assert os.geteuid() != 0, "root can mount a tmpfs: the row must run"
            continue
        assert row["outcome"] in ("recovered", "refused", "harmless"), context
        if row["outcome"] == "refused":
            assert row["message"], context  # stopped with a clear message
        if row["fault"] in ("wal deleted", "wal cut", "only meeting.db copied"):
            assert "meeting." in row["message"], context  # naming the file, not another reason
        if row["fault"] in ("lock", "disk full"):
            assert row["message"], context  # the people were told
    assert done.returncode == 0, context
