"""Ballot proof checking in worker processes, so the event loop never blocks on a proof.

Checking one ballot of 30 rated members takes about 50 ms of CPU; a burst of hundreds of phones
would freeze the projector and every other request if that ran on the event loop. A process
pool uses every core. Each worker caches the election context it was last asked about.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from tally.audited import verify_audited_ballot
from tally.ballot import verify_ballot
from tally.canonical import canonical_json, parse_json
from tally.crypto.group import RISTRETTO255
from tally.errors import EncodingError, TallyError
from tally.manifest import ElectionContext, Manifest
from tally.submission import submission_token_hash, verify_possession

SUBMISSION_KEYS = frozenset({"ballot", "token_key", "signature"})

_CONTEXTS: dict[str, ElectionContext] = {}


@dataclass(frozen=True)
class Verdict:
    """The outcome of checking one ballot: its tracker and token hash, or the failed check."""

    tracker: str = ""
    token_hash: str = ""
    ballot: str = ""  # the ballot's (or audited ballot's) canonical JSON, ready to store
    token_key: str = ""  # the submission's proof of possession of the token, checked
    signature: str = ""
    error: str = ""
    check: str = ""
    detail: str = ""

    @property
    def ok(self) -> bool:
        return not self.error


def _context(manifest: dict[str, Any], election: dict[str, Any]) -> ElectionContext:
    key = f"{election.get('manifest_hash')}:{election.get('joint_key')}"
    context = _CONTEXTS.get(key)
    if context is None:
        context = ElectionContext.from_json(RISTRETTO255, Manifest.from_json(manifest), election)
        _CONTEXTS.clear()
        _CONTEXTS[key] = context
    return context


def check_ballot(manifest: dict[str, Any], election: dict[str, Any], ballot: object) -> Verdict:
    """Verify one ballot completely (runs in a worker). Never raises for a bad ballot."""
    context = _context(manifest, election)
    try:
        verified = verify_ballot(context, ballot)
        encoded = canonical_json(verified.data).decode("utf-8")
    except TallyError as error:
        check = getattr(error, "check", "") or getattr(error, "field", "") or "format"
        return Verdict(error=type(error).__name__, check=check, detail=str(error))
    return Verdict(
        tracker=verified.tracker.hex(), token_hash=verified.token_hash.hex(), ballot=encoded
    )


def check_submission(manifest: dict[str, Any], election: dict[str, Any], body: bytes) -> Verdict:
    """Parse a submission ``{"ballot", "token_key", "signature"}`` strictly and verify its ballot
    and its proof of possession of the token (runs in a worker), so the server's event loop
    never spends time on a 60 KB ballot's proofs.

    Errors: ``json`` (not strict JSON or not that shape), ``token_mismatch`` (the ballot is bound
    to another token), ``signature`` (the token key does not sign this ballot), else the failed
    ballot check.
    """
    try:
        data = parse_json(body)
    except (EncodingError, UnicodeDecodeError) as error:
        return Verdict(error="json", check="json", detail=str(error))
    if not isinstance(data, dict) or set(data) != SUBMISSION_KEYS:
        return Verdict(
            error="json", check="shape", detail="expected {ballot, token_key, signature}"
        )
    if not isinstance(data["ballot"], dict):
        return Verdict(error="json", check="shape", detail="the ballot must be an object")
    try:
        digest = submission_token_hash(data["token_key"])
    except TallyError as error:
        return Verdict(error="json", check="token_key", detail=str(error))
    if data["ballot"].get("token_hash") != digest.hex():
        return Verdict(error="token_mismatch", check="token_hash", token_hash=digest.hex())
    verdict = check_ballot(manifest, election, data["ballot"])
    if not verdict.ok:
        return Verdict(
            error=verdict.error, check=verdict.check, detail=verdict.detail, token_hash=digest.hex()
        )
    try:
        verify_possession(
            digest, data["token_key"], data["signature"], bytes.fromhex(verdict.tracker), "ballot"
        )
    except TallyError as error:
        return Verdict(
            error="signature", check="signature", detail=str(error), token_hash=digest.hex()
        )
    return Verdict(
        tracker=verdict.tracker,
        token_hash=verdict.token_hash,
        ballot=verdict.ballot,
        token_key=data["token_key"],
        signature=data["signature"],
    )


def check_audited(manifest: dict[str, Any], election: dict[str, Any], body: bytes) -> Verdict:
    """Parse an audited ballot strictly and check that it opens to the choices it claims (runs in
    a worker). Errors: ``json``, else the failed check (``InvalidAudit`` and its check)."""
    try:
        data = parse_json(body)
    except (EncodingError, UnicodeDecodeError) as error:
        return Verdict(error="json", check="json", detail=str(error))
    context = _context(manifest, election)
    try:
        opened = verify_audited_ballot(context, data)
        encoded = canonical_json(data).decode("utf-8")
    except TallyError as error:
        check = getattr(error, "check", "") or getattr(error, "field", "") or "format"
        return Verdict(error=type(error).__name__, check=check, detail=str(error))
    return Verdict(tracker=opened.tracker.hex(), ballot=encoded)


def _exit_with_parent(parent: int) -> None:
    """Worker initializer: exit as soon as the server process is gone (killed, crashed), so no
    orphaned worker lingers after a crash and a restart."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


class BallotVerifier:
    """A pool of ``workers`` processes checking ballots (0: check in a thread, for tools)."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None
        if workers > 0:
            self._pool = ProcessPoolExecutor(
                max_workers=workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_exit_with_parent,
                initargs=(os.getpid(),),
            )

    async def check(
        self, manifest: dict[str, Any], election: dict[str, Any], ballot: object
    ) -> Verdict:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, check_ballot, manifest, election, ballot)

    async def check_submission(
        self, manifest: dict[str, Any], election: dict[str, Any], body: bytes
    ) -> Verdict:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, check_submission, manifest, election, body)

    async def check_audited(
        self, manifest: dict[str, Any], election: dict[str, Any], body: bytes
    ) -> Verdict:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, check_audited, manifest, election, body)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
