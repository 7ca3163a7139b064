"""``phieukin verify`` as an inspector runs it: a separate process, the record alone.

Exit codes: 0 a final record, every check passed; 1 a check failed (the finding is printed); 2 the
file is not a readable record; 3 an interim record; 4 a check could not be made here
(``tests/test_verify_verdicts.py``). The records are those of ``tests.record_support`` (a real
meeting, exported while voting was open and at the end).
"""

from __future__ import annotations

import io
import json
import os
import shutil
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from ballot_server.cli import main
from tally.ballot import tracker, tracker_code
from tests.record_support import Parts, meeting_record, write_records

ROOT = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "utf-8"}


@pytest.fixture(scope="module")
def records(tmp_path_factory) -> dict[str, Path]:
    tampered = Parts.open(meeting_record().final)
    del tampered.ballots[1][3]  # a ballot gone from the file
    return write_records(tmp_path_factory.mktemp("records"), tampered=tampered.pack())


def verify(capsys, *args: object) -> tuple[int, str]:
    """``phieukin verify ARGS`` in this process: (exit code, what it printed)."""
    code = main(["verify", *map(str, args)])
    return code, capsys.readouterr().out


def phieukin(*args: object, cwd: Path | None = None, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ballot_server.cli", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd or ROOT,
        env=ENV,
        timeout=120,
        **kwargs,
    )


def test_a_sound_record_exits_0_with_the_report_in_vietnamese(records):
    result = phieukin("verify", records["final"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "KẾT LUẬN: hồ sơ hợp lệ" in result.stdout and "hồ sơ đã hoàn tất" in result.stdout
    assert "✓ Nội dung biên bản khớp hồ sơ" in result.stdout
    assert "[ballots.proofs]" in result.stdout and "✗" not in result.stdout


def test_the_report_in_english(records, capsys):
    code, out = verify(capsys, records["final"], "--lang", "en")
    assert code == 0
    assert "RESULT: the record is sound — all" in out and "it is final" in out
    assert "✓ Tokens equal those present entitled to vote" in out


def test_json_lists_every_finding(records, capsys):
    code, out = verify(capsys, records["final"], "--json")
    assert code == 0
    report = json.loads(out)
    assert set(report) == {
        "ok",
        "verdict",
        "exit_code",
        "checks",
        "failures",
        "pending",
        "unchecked",
        "findings",
    }
    assert report["ok"] is True and report["failures"] == 0
    assert (report["verdict"], report["exit_code"]) == ("final", 0)
    assert report["checks"] == len(report["findings"]) > 30
    assert all(
        set(f) == {"check", "subject", "ok", "status", "detail"} for f in report["findings"]
    )
    assert {f["status"] for f in report["findings"]} == {"passed"}
    names = {f["check"] for f in report["findings"]}
    assert {"log.chain", "tokens.voters", "aggregate", "decisions.rerun", "minute.pdf"} <= names


def test_a_tampered_record_exits_1_and_names_the_finding(records):
    result = phieukin("verify", records["tampered"])
    assert result.returncode == 1
    assert "✗ Hồ sơ có đúng các phiếu đã nhận  [ballots.on_file]" in result.stdout
    assert "round 1: 1 accepted ballot(s) missing, 0 not accepted on file" in result.stdout
    assert "KẾT LUẬN: hồ sơ KHÔNG hợp lệ — 2 trên" in result.stdout


def test_json_names_the_failed_findings(records, capsys):
    code, out = verify(capsys, records["tampered"], "--json")
    assert code == 1
    report = json.loads(out)
    assert report["ok"] is False and report["failures"] == 2
    assert {f["check"] for f in report["findings"] if not f["ok"]} == {
        "ballots.on_file",
        "aggregate",
    }


def zip_of(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def unreadable_records(final: bytes) -> dict[str, bytes]:
    members = {
        n: zipfile.ZipFile(io.BytesIO(final)).read(n) for n in ("record.json", "events.jsonl")
    }
    oversized = bytearray(zip_of({**members, "minute.pdf": b"%PDF"}))
    # the central directory claims 600 MB for minute.pdf (a zip bomb announces itself so)
    entry = oversized.rindex(b"PK\x01\x02")
    struct.pack_into("<I", oversized, entry + 24, 600_000_000)
    corrupt = bytearray(zip_of(members))
    at = corrupt.index(b'"kind"')
    corrupt[at + 1] ^= 1  # the bytes no longer match the member's CRC
    return {
        "not a zip": b"this is not a zip file\n",
        "a member outside the record": zip_of({**members, "../../etc/evil.txt": b"x"}),
        "an absolute member path": zip_of({**members, "/tmp/evil.txt": b"x"}),
        "an oversized member": bytes(oversized),
        "a corrupt member": bytes(corrupt),
        "no record in it": zip_of({"notes.txt": b"x"}),
    }


UNREADABLE = [
    "not a zip",
    "a member outside the record",
    "an absolute member path",
    "an oversized member",
    "a corrupt member",
    "no record in it",
]


@pytest.mark.parametrize("case", UNREADABLE, ids=lambda c: c.replace(" ", "-"))
def test_an_unreadable_record_exits_2(case, tmp_path, capsys):
    path = tmp_path / "record.zip"
    path.write_bytes(unreadable_records(meeting_record().final)[case])
    code, out = verify(capsys, path)
    assert code == 2 and out.startswith("Lỗi: "), out
    code, out = verify(capsys, path, "--json")
    assert code == 2 and json.loads(out)["ok"] is False and json.loads(out)["error"]
    assert not (tmp_path.parent / "evil.txt").exists()


def test_the_process_exits_2_on_an_unreadable_record(tmp_path):
    path = tmp_path / "record.zip"
    path.write_bytes(unreadable_records(meeting_record().final)["a corrupt member"])
    result = phieukin("verify", path)
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stdout.startswith("Lỗi: record.json: unreadable: Bad CRC-32")
    assert "Traceback" not in result.stderr


def test_a_voter_finds_their_tracker_counted(records, capsys):
    ballot = Parts.open(meeting_record().final).ballots[1][2]
    code = tracker_code(tracker(ballot))
    assert verify(capsys, records["final"], "--tracker", code) == (
        0,
        f"Phiếu {code} có trong hồ sơ (vòng 1) và đã được kiểm.\n",
    )
    typed = code.replace("-", "").lower()  # as a voter might type it
    exit_code, out = verify(capsys, records["final"], "--tracker", typed, "--json")
    assert exit_code == 0
    assert json.loads(out) == {
        "tracker": typed,
        "found": True,
        "round": 1,
        "counted": True,
        "record_ok": True,
        "verdict": "final",
    }
    exit_code, out = verify(capsys, records["final"], "--tracker", code, "--lang", "en")
    assert out == f"Ballot {code} is in the record (round 1) and was counted.\n"


def test_a_tracker_not_in_the_record_exits_1(records, capsys):
    exit_code, out = verify(capsys, records["final"], "--tracker", "AAAA-BBBB-CCCC-DDDD")
    assert exit_code == 1 and out == "Không tìm thấy phiếu có mã này trong hồ sơ.\n"
    # found, but in a record that does not verify: not reported as counted
    ballot = Parts.open(meeting_record().final).ballots[1][0]
    exit_code, out = verify(capsys, records["tampered"], "--tracker", tracker_code(tracker(ballot)))
    assert exit_code == 1 and "hồ sơ có lỗi" in out


def test_a_record_exported_later_extends_the_one_exported_while_voting(records, capsys):
    assert Parts.open(records["open"].read_bytes()).events()[-1]["type"] == "ballot-accepted"
    exit_code, out = verify(capsys, "--extends", records["open"], records["final"])
    assert exit_code == 0, out
    assert "✓ Hồ sơ mới nối tiếp hồ sơ cũ  [extends.prefix]" in out


def test_a_record_that_drops_events_of_the_older_one_does_not_extend_it(records, tmp_path, capsys):
    exit_code, out = verify(capsys, "--extends", records["final"], records["open"], "--json")
    assert exit_code == 1
    failures = {f["check"] for f in json.loads(out)["findings"] if f["status"] == "failed"}
    assert failures == {"extends.prefix"}
    # a mid-meeting record whose log was rewritten (one event dropped, the rest re-signed with
    # the same key) is not a prefix of the real one either
    rewritten = Parts.open(records["open"].read_bytes())
    del rewritten.entries[rewritten.position("trustee-confirmed", 2)]
    old = tmp_path / "old.zip"
    old.write_bytes(rewritten.resign(meeting_record().server_key).pack())
    exit_code, out = verify(capsys, "--extends", old, records["final"], "--lang", "en")
    assert exit_code == 1
    assert "✗ The new record extends the old one  [extends.prefix]" in out


AUDITED = """
import json, sys
seen = {"connect": [], "opened": []}
def hook(event, args):
    if event == "sqlite3.connect":
        seen["connect"].append(str(args))
    elif event == "open" and isinstance(args[0], str):
        seen["opened"].append(args[0])
sys.addaudithook(hook)
from ballot_server.cli import main
code = main(sys.argv[1:])
with open("audit.json", "w") as out:
    json.dump(seen, out)
sys.exit(code)
"""


def test_verify_needs_only_the_record_and_never_opens_a_database(records, tmp_path):
    """record.zip alone in an empty folder, no meeting.db anywhere near: verify passes, and
    the interpreter's audit hooks see no database connection and no meeting.db opened."""
    alone = tmp_path / "inspector"
    alone.mkdir()
    shutil.copy(records["final"], alone / "record.zip")
    script = alone / "audited.py"
    script.write_text(AUDITED, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(script), "verify", "record.zip", "--workers", "1"],
        capture_output=True,
        text=True,
        cwd=alone,
        env=ENV,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    seen = json.loads((alone / "audit.json").read_text())
    assert seen["connect"] == []
    assert not [p for p in seen["opened"] if "meeting.db" in p]
    assert any(p.endswith("record.zip") for p in seen["opened"])
    assert sorted(p.name for p in alone.iterdir()) == ["audit.json", "audited.py", "record.zip"]


def test_the_progress_bar_shows_on_a_terminal_only(records):
    """stderr a real pseudo-terminal: the bar is drawn; stderr a pipe: nothing."""
    master, slave = os.openpty()
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "ballot_server.cli", "verify", str(records["final"])],
            stdout=subprocess.PIPE,
            stderr=slave,
            cwd=ROOT,
            env=ENV,
        )
        os.close(slave)
        output = b""
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:  # the terminal is closed once the process has ended
                break
            if not chunk:
                break
            output += chunk
        stdout, _ = process.communicate(timeout=120)
    finally:
        os.close(master)
    assert process.returncode == 0, stdout
    terminal = output.decode("utf-8")
    assert "round 1: kiểm tra phiếu" in terminal and "6/6" in terminal and "█" in terminal
    piped = phieukin("verify", records["final"])
    assert piped.returncode == 0 and "kiểm tra phiếu" not in piped.stderr + piped.stdout
