"""The voter's side in the record: proof of token possession with every ballot, audited ballots
that must open to what they claim, and ``verify --tracker`` showing an audited ballot's choices.

The record is a real meeting where two voters audited an encryption before casting. Each
tampering is made by an attacker who re-signs the whole log (``forge``), so only the specific
check can catch it (plus ``minute.content``, which a re-signed log always fails).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tally.ballot import tracker_code
from tally.crypto.signatures import sign
from tally.token import token_signing_key
from tests.record_support import BuiltMeeting, Parts, build_meeting, meeting_record
from tests.test_record_tamper import FORGED, failed, forge, verify_bytes

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def built() -> BuiltMeeting:
    folder = Path(tempfile.mkdtemp(prefix="phieukin-audits-"))
    try:
        return build_meeting(folder, voters=6, rated=4, seed=11, audits=2)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def parts(built: BuiltMeeting) -> Parts:
    return Parts.open(built.final)


def test_the_record_holds_every_audit_and_verifies(built, parts) -> None:
    report = verify_bytes(built.final)
    assert report.passed, report.failures
    audited = parts.bodies("ballot-audited")
    assert len(audited) == 2
    # logged at closing, in tracker order, right before voting-closed: no arrival order
    closed = parts.position("voting-closed")
    assert [parts.position("ballot-audited", i) for i in range(2)] == [closed - 2, closed - 1]
    assert [a["tracker"] for a in audited] == sorted(a["tracker"] for a in audited)
    checks = {f.check for f in report.findings}
    assert {"ballots.possession", "audits.opening", "audits.not_cast"} <= checks
    for body in parts.bodies("ballot-accepted"):
        keys = {"round", "tracker", "token_hash", "ballot_hash", "token_key", "signature"}
        assert set(body) == keys
    text = json.dumps(parts.bodies("ballot-audited"))
    assert "token" not in text and "proof" not in text


def test_an_audit_claiming_another_choice_is_caught(parts) -> None:
    audited = parts.body("ballot-audited")["audited"]
    answer = audited["answers"][0]
    answer["selected"] = [(answer["selected"][0] + 1) % 4]
    assert failed(forge(parts)) == {"audits.opening"} | FORGED


def test_an_audit_whose_encryption_was_cast_is_caught(parts) -> None:
    body = parts.body("ballot-audited")
    cast = parts.body("ballot-accepted")["tracker"]
    body["tracker"] = cast  # the event now says it audited a cast ballot
    assert failed(forge(parts)) == {"audits.tracker", "audits.not_cast"} | FORGED


def test_an_audit_logged_twice_is_caught(parts) -> None:
    position = parts.position("ballot-audited")
    parts.entries.insert(position, json.loads(json.dumps(parts.entries[position])))
    assert failed(forge(parts)) == {"audits.duplicate"} | FORGED


def test_a_ballot_without_its_proof_of_possession_is_caught(parts) -> None:
    """A signature of the right form that signs nothing is caught by the possession check."""
    parts.body("ballot-accepted", 1)["signature"] = "00" * 64
    assert failed(forge(parts)) == {"ballots.possession"} | FORGED


def test_a_ballot_event_without_its_signature_is_named_and_not_counted(built) -> None:
    """With the field gone the body has not its shape: ``log.body`` names what is missing, and
    the event is not read, so its ballot is on file without being accepted and counts for
    nothing (the checks of the ballots, the tokens and the aggregate say so)."""
    parts = Parts.open(built.final)
    parts.body("ballot-accepted", 1).pop("signature")
    report = verify_bytes(forge(parts).pack())
    shapes = [f.detail for f in report.failures if f.check == "log.body"]
    assert len(shapes) == 1 and "missing signature" in shapes[0], shapes
    assert {f.check for f in report.failures} == {
        "log.body",
        "ballots.binding",
        "ballots.on_file",
        "ballots.closed_count",
        "tokens.unused",
        "aggregate",
    } | FORGED


def test_a_ballot_signed_by_another_tokens_key_is_caught(parts) -> None:
    """The server cannot pass one token's signature off for another token's ballot."""
    first, second = parts.body("ballot-accepted", 0), parts.body("ballot-accepted", 1)
    first["token_key"], first["signature"] = second["token_key"], second["signature"]
    assert failed(forge(parts)) == {"ballots.possession"} | FORGED


def test_a_signature_on_another_ballot_is_caught(parts) -> None:
    body = parts.body("ballot-accepted", 2)
    key = token_signing_key("0" * 25 + "C")
    body["token_key"] = key.verify_key.encode().hex()
    body["signature"] = sign(key, "ballot", bytes.fromhex(body["tracker"])).hex()
    assert failed(forge(parts)) == {"ballots.possession"} | FORGED


def run_verify(record: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ballot_server.cli", "verify", str(record), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_verify_tracker_shows_what_an_audited_ballot_encrypted(built, parts, tmp_path) -> None:
    record = tmp_path / "record.zip"
    record.write_bytes(built.final)
    audited = parts.body("ballot-audited")
    code = tracker_code(bytes.fromhex(audited["tracker"]))
    result = run_verify(record, "--tracker", code, "--json")
    answer = json.loads(result.stdout)
    assert result.returncode == 0, result.stdout + result.stderr
    assert answer["audited"] is True and answer["counted"] is False and answer["opens"] is True
    manifest = parts.body("round-started")["manifest"]
    options = manifest["questions"][0]["options"]
    expected = [options[i] for i in audited["audited"]["answers"][0]["selected"]]
    assert answer["choices"][0]["selected"] == expected
    text = run_verify(record, "--tracker", code)
    assert "Phiếu kiểm tra" in text.stdout and "không được tính" in text.stdout
    assert manifest["questions"][0]["title"] in text.stdout


def test_an_audited_confidence_ballot_opens_and_shows_its_words(tmp_path) -> None:
    """A voter audits an encryption in a confidence vote: the record verifies it (it opens to
    what it claims) and ``verify --tracker`` names its choices in the words of that kind."""
    built = meeting_record(1, confidence=True)
    parts = Parts.open(built.final)
    audited = next(b for b in parts.bodies("ballot-audited") if b["round"] == 2)
    report = verify_bytes(built.final)
    opened = [f for f in report.findings if f.check == "audits.opening" and "2" in f.subject]
    assert report.verdict == "final" and opened and all(f.status == "passed" for f in opened)
    record = tmp_path / "record.zip"
    record.write_bytes(built.final)
    code = tracker_code(bytes.fromhex(audited["tracker"]))
    answer = json.loads(run_verify(record, "--tracker", code, "--json").stdout)
    assert answer["opens"] is True and answer["round"] == 2
    chosen = [c["selected"] for c in answer["choices"]]
    assert all(len(s) == 1 and s[0] in ("CAO", "TN", "THAP") for s in chosen), chosen
    words = {"CAO": "tín nhiệm cao", "TN": "tín nhiệm", "THAP": "tín nhiệm thấp"}
    english = {"CAO": "high confidence", "TN": "confidence", "THAP": "low confidence"}
    vi = run_verify(record, "--tracker", code).stdout
    en = run_verify(record, "--tracker", code, "--lang", "en").stdout
    for choice in answer["choices"]:
        assert f"{choice['title']}: {words[choice['selected'][0]]}" in vi
        assert f"{choice['title']}: {english[choice['selected'][0]]}" in en


def test_verify_tracker_says_when_an_audit_does_not_open(parts, tmp_path) -> None:
    body = parts.body("ballot-audited")
    body["audited"]["answers"][1]["selected"] = [
        (body["audited"]["answers"][1]["selected"][0] + 1) % 4
    ]
    record = tmp_path / "record.zip"
    record.write_bytes(forge(parts).pack())
    code = tracker_code(bytes.fromhex(body["tracker"]))
    result = run_verify(record, "--tracker", code, "--lang", "en")
    assert result.returncode == 1
    assert "does NOT open" in result.stdout
