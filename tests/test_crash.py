"""Crash safety, end to end: bench/crash.py in small (30 voters, 5 rated, 2 SIGKILLs).

A real server process is killed with SIGKILL twice while ballots are in flight and restarted on
the same folder; every voter resends the same ballot until it has a receipt. Nothing may be lost
or stored twice, the decrypted counts must match the simulated choices, and the exported record
must pass the independent verifier.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_sigkill_while_voting_loses_nothing(tmp_path: Path) -> None:
    seed = random.randrange(1 << 30)
    command = [
        sys.executable,
        str(ROOT / "bench" / "crash.py"),
        *("--voters", "30", "--rated", "5", "--kills", "2"),
        *("--seed", str(seed), "--time-limit", "60", "--dir", str(tmp_path / "meeting")),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=180, cwd=ROOT)
    assert done.stdout.strip(), f"seed {seed}: no output\n{done.stderr[-3000:]}"
    result = json.loads(done.stdout.strip().splitlines()[-1])
    context = f"seed {seed}: {result}"
    assert result["kills"] == 2, context
    assert result["receipts"] == result["voters"] == 30, context
    assert result["in_record"] == 30 and result["record_ballots"] == 30, context
    assert result["lost"] == 0 and result["duplicates"] == 0, context
    assert result["refused"] == 0, context
    assert result["closed_ballots"] == 30 and result["counts_match"], context
    assert result["verify"] == "ok", context
    assert result["ok"] and done.returncode == 0, context
