"""Benchmark ``verify_record_s_n<N>_r<R>``: an inspector's ``phieukin verify`` of a whole record.

A real meeting of N voters and R rated members is run in-process through the server's own
objects (``tests.record_support.build_meeting``: Store, Rounds, Chair, Counting, Decisions,
Minutes on a real SQLite file — no HTTP; ballots encrypted in two processes), exported as
``record.zip`` with the printed minute, and then verified from the zip alone exactly as
``phieukin verify`` does: reading, the log, the ceremony, tokens, every ballot's proofs (with 2
worker processes), the aggregate, decryption, the rules and the minute. Only the verification
is timed (median of ``repeats``).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from audit.record import load_record  # noqa: E402
from audit.verify import verify_record  # noqa: E402
from tests.record_support import build_meeting  # noqa: E402

VERIFY_WORKERS = 2


def verify_record_seconds(
    voters: int, rated: int, repeats: int = 1, workers: int = VERIFY_WORKERS
) -> float:
    """Median seconds to verify the record of a meeting of ``voters`` and ``rated``."""
    with tempfile.TemporaryDirectory(prefix="phieukin-bench-") as folder:
        meeting = Path(folder) / "meeting"
        meeting.mkdir()
        built = build_meeting(meeting, voters=voters, rated=rated, seed=voters, workers=2)
        path = Path(folder) / "record.zip"
        path.write_bytes(built.final)
        times = []
        for _ in range(repeats):
            started = time.perf_counter()
            report = verify_record(load_record(path), workers=workers)
            times.append(time.perf_counter() - started)
            if not report.passed:
                raise RuntimeError(f"the benchmark record does not verify: {report.failures[:3]}")
    return statistics.median(times)


def verify_record_metrics(
    quick: bool, progress: Callable[[str], None], shape: tuple[int, int] = (30, 30)
) -> dict[str, float]:
    """``verify_record_s_n30_r30`` (or the given N, R) always; ``verify_record_s_n500_r50`` in
    full mode only."""
    voters, rated = shape
    progress(f"N={voters}, R={rated}: a whole meeting in-process, then verify its record.zip")
    results = {
        f"verify_record_s_n{voters}_r{rated}": round(
            verify_record_seconds(voters, rated, 1 if quick else 3), 2
        )
    }
    if not quick and shape == (30, 30):
        progress("N=500, R=50: a whole meeting in-process, then verify its record.zip (2 workers)")
        results["verify_record_s_n500_r50"] = round(verify_record_seconds(500, 50), 2)
    return results


if __name__ == "__main__":
    import json

    full = "--full" in sys.argv
    print(
        json.dumps(
            verify_record_metrics(not full, lambda m: print(f"… {m}", file=sys.stderr, flush=True))
        )
    )
