"""The anchor: ElectionGuard's Python SDK (1.4.0) on this machine, on our ballot shape.

    .venv/bin/python bench/anchor_electionguard.py          # prints one JSON object

ElectionGuard is a benchmark-only tool here, never a project dependency. This script makes its
own virtual environment ``bench/.eg-venv`` (ignored by git) with a **Python 3.10** interpreter:
``electionguard==1.4.0`` installs on 3.11 but fails to import there (a dataclass with a mutable
default). It also installs ``hypothesis``, which ``electionguard_tools`` imports without
declaring it. With no 3.10 on the machine the comparison is skipped: the script says why on
stderr, prints ``{"skipped": "…"}`` and exits 0.

The shape is ours: R contests of 4 selections, vote exactly one (``one_of_m``, one seat),
3 guardians with quorum 2, N=30 ballots. Measured (medians, after a warm-up):

- ``eg_encrypt_ms_r30``: ``EncryptionMediator.encrypt`` of one ballot, R=30 (ciphertexts,
  disjunctive proof per selection, constant proof per contest; no self-check of the proofs);
- ``eg_verify_ballot_ms_r30``: ``CiphertextBallot.is_valid_encryption`` of one ballot (every
  proof and the ballot's hash chain), R=30;
- ``eg_close_to_result_s_n30_r30``: from the cast ballots to the plaintext counts, with guardian
  3 missing: accumulate the 30 cast ballots (``CiphertextTally.batch_append`` without
  re-validating them: each was validated when cast, as ours are on receipt), the two present
  guardians' tally shares, their compensated shares for the missing one, reconstruction, and
  ``get_plaintext_tally`` (which checks every share's proof and takes the discrete logs).

With ``PHIEUKIN_EG_REVALIDATE=1`` also ``eg_close_to_result_s_n30_r30_revalidating``: the same
with ElectionGuard's default ``tally_ballots``, which re-checks every ballot's proofs while
accumulating (once; it costs about N × the verify time).

ElectionGuard's tally and decryption run on its ``Scheduler`` (a process pool of
``cpu_count(logical=False)`` workers); ours run on one core. The numbers are what each library
does by default on this machine.
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
VENV = HERE / ".eg-venv"
REQUIREMENTS = ["electionguard==1.4.0", "hypothesis==6.168.5"]
STAMP = VENV / "phieukin-installed.txt"

RATED = 30
OPTIONS = 4
GUARDIANS = 3
QUORUM = 2
BALLOTS = 30


def log(message: str) -> None:
    print(f"… electionguard: {message}", file=sys.stderr, flush=True)


# ------------------------------------------------------------------ outer: find 3.10, make venv


def _works(python: str) -> bool:
    try:
        answer = subprocess.run(
            [python, "-c", "import sys; print(sys.version_info[:2] == (3, 10))"],
            capture_output=True,
            text=True,
            timeout=30,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return answer.returncode == 0 and answer.stdout.strip() == "True"


def find_python310() -> str | None:
    """A working Python 3.10: on PATH, else any pyenv 3.10.x (pyenv's shim needs a version)."""
    candidates = []
    on_path = shutil.which("python3.10")
    if on_path:
        candidates.append(on_path)
    roots = [os.environ.get("PYENV_ROOT", ""), os.path.expanduser("~/.pyenv")]
    for root in filter(None, roots):
        candidates += sorted(
            glob.glob(os.path.join(root, "versions", "3.10*", "bin", "python3.10")), reverse=True
        )
    for python in candidates:
        if _works(python):
            return python
    return None


def venv_python() -> Path:
    return VENV / "bin" / "python"


def ensure_venv() -> str | None:
    """Make bench/.eg-venv if needed; return None when ready, else why not."""
    wanted = "\n".join(REQUIREMENTS)
    if venv_python().exists() and STAMP.exists() and STAMP.read_text() == wanted:
        return None
    python = find_python310()
    if python is None:
        return (
            "no Python 3.10 interpreter on this machine (electionguard 1.4.0 does not import "
            "on 3.11); install one, e.g. `pyenv install 3.10`, to run the comparison"
        )
    log(
        f"making {VENV.relative_to(HERE.parent)} with {python} and installing "
        + " ".join(REQUIREMENTS)
    )
    shutil.rmtree(VENV, ignore_errors=True)
    try:
        subprocess.run([python, "-m", "venv", str(VENV)], check=True, timeout=300)
        subprocess.run(
            [str(venv_python()), "-m", "pip", "install", "--quiet", *REQUIREMENTS],
            check=True,
            timeout=1200,
        )
    except (OSError, subprocess.SubprocessError) as error:
        return f"could not install {' '.join(REQUIREMENTS)} into {VENV}: {error}"
    STAMP.write_text(wanted)
    return None


def outer() -> int:
    reason = ensure_venv()
    if reason is not None:
        log(f"skipped: {reason}")
        print(json.dumps({"skipped": reason}))
        return 0
    answer = subprocess.run(
        [str(venv_python()), str(Path(__file__).resolve()), "--inner"],
        stdout=subprocess.PIPE,
        text=True,
        timeout=3600,
    )
    lines = answer.stdout.strip().splitlines()
    if answer.returncode != 0 or not lines:
        reason = f"the ElectionGuard run failed (exit {answer.returncode})"
        print(json.dumps({"skipped": reason}))
        return 1
    print(lines[-1])
    return 0


# ------------------------------------------------------------------ inner: runs in the 3.10 venv


def inner() -> int:  # pragma: no cover - runs under the benchmark venv only
    import logging
    import platform
    from datetime import datetime

    from electionguard.logs import ElectionGuardLog

    ElectionGuardLog().set_stream_log_level(logging.ERROR)
    logging.getLogger("electionguard").setLevel(logging.ERROR)

    import random

    from electionguard.ballot import PlaintextBallot, PlaintextBallotContest
    from electionguard.ballot_box import BallotBox
    from electionguard.data_store import DataStore
    from electionguard.decryption_mediator import DecryptionMediator
    from electionguard.encrypt import EncryptionDevice, EncryptionMediator, selection_from
    from electionguard.key_ceremony import CeremonyDetails
    from electionguard.key_ceremony_mediator import KeyCeremonyMediator
    from electionguard.manifest import (
        BallotStyle,
        Candidate,
        ContestDescription,
        ElectionType,
        GeopoliticalUnit,
        Manifest,
        ReportingUnitType,
        SelectionDescription,
        SpecVersion,
        VoteVariationType,
    )
    from electionguard.tally import CiphertextTally, tally_ballots
    from electionguard.utils import get_optional
    from electionguard_tools.helpers.election_builder import ElectionBuilder
    from electionguard_tools.helpers.key_ceremony_orchestrator import KeyCeremonyOrchestrator
    from electionguard_tools.helpers.tally_ceremony_orchestrator import (
        TallyCeremonyOrchestrator,
    )

    rng = random.Random(RATED)

    def manifest_for(rated: int) -> Manifest:
        contests = []
        candidates = []
        for c in range(rated):
            selections = []
            for o in range(OPTIONS):
                candidate = f"m{c:03d}-level{o}"
                candidates.append(Candidate(candidate))
                selections.append(SelectionDescription(f"q{c:03d}-o{o}", o, candidate))
            contests.append(
                ContestDescription(
                    f"q{c:03d}",
                    c,
                    "chi-bo",
                    VoteVariationType.one_of_m,
                    1,
                    1,
                    f"Đảng viên {c}",
                    selections,
                )
            )
        style = BallotStyle("style", ["chi-bo"])
        return Manifest(
            election_scope_id=f"bench-r{rated}",
            spec_version=SpecVersion.EG1_0,
            type=ElectionType.general,
            start_date=datetime(2026, 12, 15),
            end_date=datetime(2026, 12, 15),
            geopolitical_units=[GeopoliticalUnit("chi-bo", "Chi bộ", ReportingUnitType.unknown)],
            parties=[],
            candidates=candidates,
            contests=contests,
            ballot_styles=[style],
        )

    log(f"key ceremony ({GUARDIANS} guardians, quorum {QUORUM}), R={RATED}")
    manifest = manifest_for(RATED)
    builder = ElectionBuilder(GUARDIANS, QUORUM, manifest)
    details = CeremonyDetails(GUARDIANS, QUORUM)
    guardians = KeyCeremonyOrchestrator.create_guardians(details)
    ceremony = KeyCeremonyMediator("bench-ceremony", details)
    KeyCeremonyOrchestrator.perform_full_ceremony(guardians, ceremony)
    joint = get_optional(ceremony.publish_joint_key())
    builder.set_public_key(joint.joint_public_key)
    builder.set_commitment_hash(joint.commitment_hash)
    internal_manifest, context = get_optional(builder.build())
    device = EncryptionDevice(1, 1, 1, "bench")
    encrypter = EncryptionMediator(internal_manifest, context, device)

    counter = iter(range(10**9))

    def plaintext() -> PlaintextBallot:
        contests = []
        for contest in manifest.contests:
            chosen = rng.randrange(OPTIONS)
            contests.append(
                PlaintextBallotContest(
                    contest.object_id,
                    [
                        selection_from(s, False, s.sequence_order == chosen)
                        for s in contest.ballot_selections
                    ],
                )
            )
        return PlaintextBallot(f"ballot-{next(counter)}", "style", contests)

    def median_ms(function, runs: int) -> float:
        function()  # warm-up
        samples = []
        for _ in range(runs):
            started = time.perf_counter()
            function()
            samples.append((time.perf_counter() - started) * 1000)
        return statistics.median(samples)

    runs = int(os.environ.get("PHIEUKIN_EG_RUNS", "5"))
    log(f"encrypt one ballot, {runs} runs")
    encrypt_ms = median_ms(lambda: get_optional(encrypter.encrypt(plaintext())), runs)
    log(f"encrypt: {encrypt_ms:.1f} ms")

    log(f"encrypt {BALLOTS} ballots for the tally")
    ciphertexts = [get_optional(encrypter.encrypt(plaintext())) for _ in range(BALLOTS)]

    log(f"verify one ballot, {runs} runs")
    pool = iter(ciphertexts * 2)

    def verify() -> None:
        ballot = next(pool)
        assert ballot.is_valid_encryption(
            internal_manifest.manifest_hash,
            context.elgamal_public_key,
            context.crypto_extended_base_hash,
        )

    verify_ms = median_ms(verify, runs)
    log(f"verify: {verify_ms:.1f} ms")

    store: DataStore = DataStore()
    box = BallotBox(internal_manifest, context, store)
    for ballot in ciphertexts:
        get_optional(box.cast(ballot))  # validates every ballot, as on receipt

    present = guardians[:QUORUM]
    all_keys = [guardian.share_key() for guardian in guardians]

    def close(revalidate: bool) -> float:
        started = time.perf_counter()
        if revalidate:
            tally = get_optional(tally_ballots(store, internal_manifest, context))
        else:
            tally = CiphertextTally("election-results", internal_manifest, context)
            assert tally.batch_append(store, False)
        mediator = DecryptionMediator("bench-decrypter", context)
        TallyCeremonyOrchestrator.perform_compensated_decryption_setup(
            present,
            all_keys,
            mediator,
            context,
            tally,
            [],
        )
        result = get_optional(mediator.get_plaintext_tally(tally, manifest))
        elapsed = time.perf_counter() - started
        total = sum(s.tally for c in result.contests.values() for s in c.selections.values())
        assert total == BALLOTS * RATED, total
        return elapsed

    close_runs = int(os.environ.get("PHIEUKIN_EG_CLOSE_RUNS", "3"))
    log(f"tally + 2-of-3 compensated decryption of N={BALLOTS}, {close_runs} runs")
    close_s = statistics.median([close(False) for _ in range(close_runs)])
    log(f"tally + decryption: {close_s:.3f} s")
    extra = {}
    if os.environ.get("PHIEUKIN_EG_REVALIDATE") == "1":
        log("the same with tally_ballots re-validating every ballot, once")
        extra["eg_close_to_result_s_n30_r30_revalidating"] = round(close(True), 3)

    import electionguard

    print(
        json.dumps(
            {
                "eg_encrypt_ms_r30": round(encrypt_ms, 1),
                "eg_verify_ballot_ms_r30": round(verify_ms, 1),
                "eg_close_to_result_s_n30_r30": round(close_s, 3),
                **extra,
                "python": platform.python_version(),
                "electionguard": getattr(electionguard, "__version__", "1.4.0"),
                "runs": runs,
                "loadavg_1m": round(os.getloadavg()[0], 2),
            }
        )
    )
    return 0


def measure() -> dict:
    """Run the anchor in a subprocess (from bench/run.py); the JSON object it prints."""
    answer = subprocess.run(
        [sys.executable, str(Path(__file__).resolve())],
        stdout=subprocess.PIPE,
        text=True,
        timeout=3600,
    )
    lines = answer.stdout.strip().splitlines()
    if not lines:
        return {"skipped": f"anchor_electionguard.py printed nothing (exit {answer.returncode})"}
    return json.loads(lines[-1])


RATIOS = {  # our metric, ElectionGuard's, the ratio's name (ElectionGuard time / ours)
    "ratio_verify_ballot_r30": ("verify_ballot_ms_r30", "eg_verify_ballot_ms_r30"),
    "ratio_encrypt_r30": ("encrypt_ms_py_r30", "eg_encrypt_ms_r30"),
    "ratio_close_to_result_n30_r30": ("close_to_result_s_n30_r30", "eg_close_to_result_s_n30_r30"),
}


def compare(ours: dict) -> dict:
    """Run the anchor and return ``{"electionguard": {…}, "ratio_…": …}`` for ``ours``.

    Each ratio is ElectionGuard's time over ours, on the same operation and shape (encrypt is
    Python against Python). ``ratio_close_to_result_n30_r30`` falls back to our
    ``decrypt_combine_s_n30_r30`` if the run has no ``close_to_result_s_n30_r30``."""
    anchor = measure()
    answer: dict = {"electionguard": anchor}
    if "skipped" in anchor:
        return answer
    for name, (mine, theirs) in RATIOS.items():
        value = ours.get(mine)
        if value is None and mine == "close_to_result_s_n30_r30":
            value = ours.get("decrypt_combine_s_n30_r30")
            answer["ratio_close_to_result_basis"] = "decrypt_combine_s_n30_r30"
        if value and anchor.get(theirs):
            answer[name] = round(anchor[theirs] / value, 1)
    return answer


if __name__ == "__main__":
    sys.exit(inner() if "--inner" in sys.argv[1:] else outer())
