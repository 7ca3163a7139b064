"""Checking many ballots' proofs on every core: a process pool over chunks of ballots."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from tally.ballot import verify_ballot
from tally.crypto.group import RISTRETTO255
from tally.errors import TallyError
from tally.manifest import ElectionContext, Manifest

CHUNK = 16
BallotResult = tuple[str, str, str]  # (tracker hex, token hash hex, "") or ("", "", problem)


def _check_chunk(
    manifest: dict[str, Any], election: dict[str, Any], ballots: Sequence[Any]
) -> list[BallotResult]:
    context = ElectionContext.from_json(RISTRETTO255, Manifest.from_json(manifest), election)
    results: list[BallotResult] = []
    for ballot in ballots:
        try:
            verified = verify_ballot(context, ballot)
        except TallyError as error:
            results.append(("", "", f"{type(error).__name__}: {error}"))
            continue
        results.append((verified.tracker.hex(), verified.token_hash.hex(), ""))
    return results


def check_ballots(
    manifest: dict[str, Any],
    election: dict[str, Any],
    ballots: Sequence[Any],
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[BallotResult]:
    """Verify every ballot; one result per ballot, in order. Uses ``workers`` processes."""
    workers = workers if workers is not None else (os.cpu_count() or 1)
    chunks = [list(ballots[i : i + CHUNK]) for i in range(0, len(ballots), CHUNK)]
    results: list[BallotResult] = []
    if workers <= 1 or len(chunks) <= 1:
        for chunk in chunks:
            results.extend(_check_chunk(manifest, election, chunk))
            if progress:
                progress(len(chunk))
        return results
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures = [pool.submit(_check_chunk, manifest, election, chunk) for chunk in chunks]
        for future, chunk in zip(futures, chunks, strict=True):
            results.extend(future.result())
            if progress:
                progress(len(chunk))
    return results
