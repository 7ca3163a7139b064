"""Sizes: one ballot, and the public record of a large meeting.

    .venv/bin/python bench/sizes.py [--quick]        # prints one JSON object

- ``ballot_bytes_r30``: one ballot of R=30 rated members × 4 levels (every ciphertext and proof),
  as the bytes of its canonical JSON (``tally.canonical.canonical_json``): what a phone sends,
  less the token, and what the record stores per voter.
- ``record_bytes_n500_r50``: ``record.zip`` (``ballot_server.export.record_bytes``, with the
  printed minute, as ``phieukin export`` writes it) of a whole meeting with N=500 voters and
  R=50 rated members, built in-process by ``tests/record_support.build_meeting`` (the server's
  own objects on a real SQLite file: ceremony, tokens, 500 ballots encrypted, proved, verified
  and accepted, close, 2-of-3 decryption, rules, minute co-signed). ``record_method`` says
  whether it was built at N=500 (``"built"``, the default) or, with ``--quick``, built at N=25
  and N=50 and extrapolated linearly to N=500 (``"extrapolated from N=25, 50"``).
  Also: ``record_bytes_uncompressed_n500_r50`` (the files inside, unzipped) and
  ``ballots_jsonl_bytes_n500_r50`` (the round's ballot file inside the record).
"""

from __future__ import annotations

import io
import json
import os
import shutil
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tally.ballot import make_ballot  # noqa: E402
from tally.canonical import canonical_json  # noqa: E402
from tally.crypto.nonces import system_nonce  # noqa: E402
from tally.manifest import Manifest, rating_manifest_json  # noqa: E402
from tally.token import generate_token, token_hash  # noqa: E402
from tests.conftest import run_ceremony  # noqa: E402


def ballot_bytes(rated: int = 30) -> int:
    """Bytes of one ballot's canonical JSON, R=``rated`` questions of 4 levels."""
    manifest = Manifest.from_json(
        rating_manifest_json(
            {"id": f"size-r{rated}"},
            [(f"m{i:03d}", f"Đảng viên {i}") for i in range(rated)],
            ["Thành viên 1", "Thành viên 2", "Thành viên 3"],
            threshold=2,
        )
    )
    context = run_ceremony(manifest).context
    choices = [q % 4 for q in range(rated)]
    ballot = make_ballot(context, token_hash(generate_token()), choices, system_nonce)
    return len(canonical_json(ballot))


def record_sizes(voters: int, rated: int) -> dict[str, int]:
    """Build a whole meeting of ``voters`` × ``rated`` and measure its record.zip."""
    from tests.record_support import build_meeting

    folder = Path(tempfile.mkdtemp(prefix="phieukin-sizes-"))
    try:
        built = build_meeting(folder, voters=voters, rated=rated, workers=os.cpu_count() or 1)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    with zipfile.ZipFile(io.BytesIO(built.final)) as archive:
        inside = {info.filename: info.file_size for info in archive.infolist()}
    ballots = sum(size for name, size in inside.items() if name.startswith("ballots/"))
    return {"zip": len(built.final), "uncompressed": sum(inside.values()), "ballots": ballots}


def measure(
    quick: bool = False, voters: int = 500, rated: int = 50, ballot_rated: int = 30
) -> dict:
    results: dict = {f"ballot_bytes_r{ballot_rated}": ballot_bytes(ballot_rated)}
    started = time.perf_counter()
    if quick:
        small, large = record_sizes(25, rated), record_sizes(50, rated)

        def at(key: str) -> int:
            per_voter = (large[key] - small[key]) / 25
            return round(large[key] + per_voter * (voters - 50))

        sizes = {key: at(key) for key in large}
        results["record_method"] = "extrapolated from N=25, 50"
    else:
        sizes = record_sizes(voters, rated)
        results["record_method"] = "built"
    results[f"record_bytes_n{voters}_r{rated}"] = sizes["zip"]
    results[f"record_bytes_uncompressed_n{voters}_r{rated}"] = sizes["uncompressed"]
    results[f"ballots_jsonl_bytes_n{voters}_r{rated}"] = sizes["ballots"]
    results["record_build_s"] = round(time.perf_counter() - started, 1)
    return results


if __name__ == "__main__":
    print(json.dumps(measure(quick="--quick" in sys.argv[1:])))
