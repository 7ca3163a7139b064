"""The example record of ``tests/vectors/example-record/`` (a runoff meeting written from the
specification, ``tests/vectors/example_record.py``) is a final record, and the token-set vectors
hold; a second implementation can start from both.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from audit.record import load_record
from audit.report_text import CHECKS
from audit.verify import EVENT_BODIES, verify_record
from tally.errors import EncodingError
from tally.token import token_set_commitment

ROOT = Path(__file__).resolve().parent.parent
VECTORS = ROOT / "tests" / "vectors"
EXAMPLE = VECTORS / "example-record"


def example_zip(tmp_path: Path) -> Path:
    """The example record's files, zipped as ``phieukin export`` would (stored, no folders)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(p for p in EXAMPLE.rglob("*") if p.is_file()):
            archive.writestr(path.relative_to(EXAMPLE).as_posix(), path.read_bytes())
    target = tmp_path / "example-record.zip"
    target.write_bytes(buffer.getvalue())
    return target


def test_the_example_record_is_final(tmp_path):
    report = verify_record(load_record(example_zip(tmp_path)), workers=1)
    assert report.verdict == "final", [f.to_json() for f in report.findings if not f.ok]
    checks = {f.check for f in report.findings}
    assert {
        "round.runoff",
        "election.reused_keys",
        "tokens.cancelled",
        "minute.pdf_render",
        "ballots.possession",
        "audits.opening",
        "audits.tracker",
    } <= checks


def test_the_example_record_is_a_runoff_with_cancelled_tokens():
    events = [json.loads(line)["event"] for line in (EXAMPLE / "events.jsonl").open("rb")]
    started = [e["body"] for e in events if e["type"] == "round-started"]
    rolls = [e["body"] for e in events if e["type"] == "round-roll"]
    assert [s.get("keys_of_round") for s in started] == [None, 1]
    assert [r["runoff_of"] for r in rolls] == [None, 1]
    decisions = [e["body"] for e in events if e["type"] == "decisions"]
    tied = [q for group in decisions[0]["output"]["quota"] for q in group["tied"]]
    assert sorted(rolls[1]["subjects"]) == sorted(tied) and len(tied) == 2
    cancelled = [e for e in events if e["type"] == "token-cancelled"]
    opened = [i for i, e in enumerate(events) if e["type"] == "voting-opened"]
    assert len(cancelled) == 2 and events.index(cancelled[1]) > opened[1]
    audited = [i for i, e in enumerate(events) if e["type"] == "ballot-audited"]
    closed = [i for i, e in enumerate(events) if e["type"] == "voting-closed"]
    assert len(audited) == 1 and opened[0] < audited[0] < closed[0]
    accepted = [e["body"] for e in events if e["type"] == "ballot-accepted"]
    assert all({"ballot_hash", "token_key", "signature"} <= set(b) for b in accepted)
    index = json.loads((EXAMPLE / "record.json").read_bytes())
    assert index["rounds"] == {"1": {"ballots": 3}, "2": {"ballots": 2}}
    assert index["meeting"]["id"] == "vd-2026-12"
    minute = json.loads((EXAMPLE / "minute.json").read_bytes())
    assert [r["round"] for r in minute["minute"]["rounds"]] == [1, 2]
    assert (
        len(minute["signatures"]) == 3
        and minute["minute"]["profile"]["label"] == (started[0]["manifest"]["meeting"]["profile"])
    )


def test_the_example_record_verifies_from_the_command_line(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "audit", "verify", str(example_zip(tmp_path)), "--lang", "en"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=180,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "it is final" in result.stdout


def test_the_token_set_vectors():
    data = json.loads((VECTORS / "tokens.json").read_text(encoding="utf-8"))
    for case in data["token_sets"]:
        hashes = [bytes.fromhex(h) for h in case["token_hashes"]]
        assert token_set_commitment(hashes).hex() == case["commitment"]
    many = [bytes.fromhex(h) for h in data["token_sets"][-1]["token_hashes"]]
    for bad in (list(reversed(many)), [*many, many[0]], [many[0][:31]]):
        with pytest.raises(EncodingError):
            token_set_commitment(bad)


def test_every_event_type_is_specified_and_checked():
    """The events table of docs/RECORD.md §3 names exactly the types whose bodies ``verify``
    checks, and every type the server logs is one of them (a type added on one side of the
    project and not the other is caught here, not by an inspector)."""
    text = (ROOT / "docs" / "RECORD.md").read_text(encoding="utf-8")
    table = text[text.index("## 3. Events") : text.index("**Order.**")]
    specified = {
        name
        for line in table.splitlines()
        if (row := re.match(r"\| ((?:`[a-z-]+`(?:, | / )?)+) \|", line))
        for name in re.findall(r"`([a-z-]+)`", row.group(1))
    }
    assert specified == set(EVENT_BODIES)
    logged = {
        name
        for path in (ROOT / "ballot_server").rglob("*.py")
        for name in re.findall(r'append_event\(\s*"([a-z-]+)"', path.read_text(encoding="utf-8"))
    }
    assert "ballot-accepted" in logged and "minute-pdf" in logged
    assert logged <= set(EVENT_BODIES), logged - set(EVENT_BODIES)


def test_every_named_check_is_listed_in_what_verify_checks():
    """Every check the report names (audit/report_text.py) is in docs/RECORD.md §8, and every
    check that section names is one the report knows: the list an inspector reads is the list
    the verifier runs."""
    text = (ROOT / "docs" / "RECORD.md").read_text(encoding="utf-8")
    section = text[text.index("## 8. What") : text.index("Nothing in the record is unsigned")]
    listed = set(re.findall(r"`([a-z]+\.[a-z_]+)`", section))
    assert {name for name in CHECKS if f"`{name}`" not in section} == set()
    assert listed - set(CHECKS) == set()
