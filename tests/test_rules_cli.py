"""The ``phieukin rules decide FILE`` command contract (issue 4, item 3)."""

from __future__ import annotations

import argparse
import importlib.util
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from audit import cli

ROOT = Path(__file__).resolve().parent.parent

INPUT = {
    "profile": "qd124-hd25",
    "options": {
        "base": "roll",
        "quorum": "two_thirds",
        "cumulative": True,
        "thresholds": {"XS": "more_than_half"},
        "good_includes_excellent": True,
    },
    "roll": {"official": 12, "excluded": 1, "present": 10},
    "collectives": {"chi-uy": "TOT"},
    "subjects": [
        {"id": "an", "votes": {"XS": 9, "TOT": 1, "HT": 0, "KHT": 0}, "group": "g"},
        {"id": "binh", "votes": {"XS": 8, "TOT": 2, "HT": 0, "KHT": 0}, "group": "g"},
        {"id": "chi", "votes": {"XS": 1, "TOT": 8, "HT": 1, "KHT": 0}, "heads": "chi-uy"},
        {"id": "dung", "votes": {"XS": 0, "TOT": 2, "HT": 3, "KHT": 0}},
        {"id": "em", "not_rated": "admitted_under_6_months"},
    ],
}

SUBJECT_KEYS = {"id", "status", "vote_level", "level", "quota", "trace", "steps"}
QUOTA_KEYS = {"group", "good", "max_excellent", "kept", "over", "tied"}

# Runs the audit commands without the rest of the ``phieukin`` parser.
AUDIT_MAIN = (
    "import argparse, sys\n"
    "from audit import cli\n"
    "parser = argparse.ArgumentParser(prog='phieukin')\n"
    "cli.register(parser.add_subparsers(dest='command', required=True))\n"
    "args = parser.parse_args(sys.argv[1:])\n"
    "sys.exit(args.func(args))\n"
)


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="phieukin")
    cli.register(root.add_subparsers(dest="command", required=True))
    return root


def run_in_process(
    argv: list[str], stdin: str = "", monkeypatch: pytest.MonkeyPatch | None = None
) -> tuple[int, str, str]:
    out, err = io.BytesIO(), io.StringIO()

    class FakeStdout(io.StringIO):
        buffer = out

    class FakeStdin:
        buffer = io.BytesIO(stdin.encode("utf-8"))

    assert monkeypatch is not None
    monkeypatch.setattr(sys, "stdout", FakeStdout())
    monkeypatch.setattr(sys, "stderr", err)
    monkeypatch.setattr(sys, "stdin", FakeStdin())
    args = parser().parse_args(argv)
    code = args.func(args)
    return code, out.getvalue().decode("utf-8"), err.getvalue()


def check_contract(output: dict) -> None:
    assert set(output) == {"valid", "base", "quorum_required", "subjects", "quota"}
    assert isinstance(output["valid"], bool)
    for subject in output["subjects"]:
        assert set(subject) == SUBJECT_KEYS
        assert subject["status"] in {"decided", "unresolved", "not_rated"}
        assert subject["level"] in {None, "XS", "TOT", "HT", "KHT"}
        assert subject["quota"] in {None, "kept", "over", "tie"}
        assert subject["trace"] and all(isinstance(line, str) for line in subject["trace"])
    for group in output["quota"]:
        assert set(group) == QUOTA_KEYS


def test_decide_from_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "in.json"
    path.write_text(json.dumps(INPUT, ensure_ascii=False), encoding="utf-8")
    code, out, err = run_in_process(["rules", "decide", str(path)], monkeypatch=monkeypatch)
    assert (code, err) == (0, "")
    output = json.loads(out)
    check_contract(output)
    assert (output["valid"], output["base"], output["quorum_required"]) == (True, 11, 8)
    levels = {s["id"]: (s["status"], s["level"], s["quota"]) for s in output["subjects"]}
    assert levels == {
        "an": ("decided", "XS", "kept"),
        "binh": ("decided", "TOT", "over"),
        "chi": ("decided", "TOT", None),
        "dung": ("unresolved", None, None),
        "em": ("not_rated", None, None),
    }
    assert output["quota"] == [
        {"group": "g", "good": 2, "max_excellent": 1, "kept": ["an"], "over": ["binh"], "tied": []},
        {"group": "default", "good": 1, "max_excellent": 1, "kept": [], "over": [], "tied": []},
    ]


def test_decide_from_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, _ = run_in_process(["rules", "decide", "-"], json.dumps(INPUT), monkeypatch)
    assert code == 0
    check_contract(json.loads(out))
    assert "Mức đề xuất" in out  # Vietnamese printed as UTF-8, not escaped


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("{", "FILE"),
        ('{"roll": {"official": 1, "official": 2}}', "official"),
        ('{"subjects": []}', "roll"),
        (json.dumps({**INPUT, "options": {"base": "all"}}), "options.base"),
        (
            json.dumps(
                {
                    **INPUT,
                    "subjects": [{"id": "x", "votes": {"XS": -1, "TOT": 0, "HT": 0, "KHT": 0}}],
                }
            ),
            "subjects[0].votes.XS",
        ),
        (
            json.dumps({**INPUT, "subjects": [{"id": "x\ny", "votes": {}, "bad\nkey": 1}]}),
            "subjects[0]",
        ),
    ],
)
def test_invalid_input_exits_2_with_one_line(
    text: str, field: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, err = run_in_process(["rules", "decide", "-"], text, monkeypatch)
    assert code == 2 and out == ""
    assert err.endswith("\n") and err.count("\n") == 1
    assert field in err


def test_missing_file_exits_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, _, err = run_in_process(
        ["rules", "decide", str(tmp_path / "none.json")], monkeypatch=monkeypatch
    )
    assert code == 2 and err.startswith("phieukin rules decide: FILE: cannot read")


def test_profiles_command_lists_every_profile(monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, _ = run_in_process(["rules", "profiles"], monkeypatch=monkeypatch)
    assert code == 0
    assert [p["name"] for p in json.loads(out)] == ["qd132-hd21", "qd124-hd25", "qd366-hd43"]


def test_help_documents_the_contract() -> None:
    text = parser()._subparsers._group_actions[0].choices["rules"]  # type: ignore[union-attr]
    decide_help = text._subparsers._group_actions[0].choices["decide"].format_help()
    for word in ("FILE", "stdin", "quorum_required", "one-line error", "Exit 0"):
        assert word in decide_help


def _subprocess(args: list[str], stdin: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, *args],
        input=stdin.encode("utf-8"),
        cwd=ROOT,
        capture_output=True,
        timeout=60,
        env={"PYTHONIOENCODING": "ascii", "PATH": "/usr/bin:/bin"},
        check=False,
    )


def test_subprocess_contract_through_the_audit_commands() -> None:
    done = _subprocess(["-c", AUDIT_MAIN, "rules", "decide", "-"], json.dumps(INPUT))
    assert done.returncode == 0, done.stderr
    check_contract(json.loads(done.stdout.decode("utf-8")))
    bad = _subprocess(["-c", AUDIT_MAIN, "rules", "decide", "-"], '{"roll": 1}')
    assert bad.returncode == 2 and bad.stdout == b""
    assert bad.stderr.decode("utf-8").count("\n") == 1 and b"roll" in bad.stderr


@pytest.mark.skipif(
    importlib.util.find_spec("ballot_server.demo") is None,
    reason="ballot_server.demo not written yet: the full phieukin parser needs it",
)
def test_subprocess_contract_through_phieukin() -> None:
    done = _subprocess(["-m", "ballot_server.cli", "rules", "decide", "-"], json.dumps(INPUT))
    assert done.returncode == 0, done.stderr
    check_contract(json.loads(done.stdout.decode("utf-8")))
    bad = _subprocess(
        ["-m", "ballot_server.cli", "rules", "decide", "-"],
        json.dumps({**INPUT, "roll": {"official": 3}}),
    )
    assert bad.returncode == 2 and b"roll.excluded" in bad.stderr


RUNOFF_INPUT = {
    "roll": {"official": 12, "excluded": 1, "present": 10, "ballots": 10},
    "runoff": {"groups": [{"group": "g", "good": 10, "max_excellent": 2, "kept": ["an"]}]},
    "subjects": [
        {"id": "binh", "group": "g", "votes": {"XS": 7}},
        {"id": "cuong", "group": "g", "votes": {"XS": 3}},
    ],
}


def test_decide_a_runoff_from_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, _ = run_in_process(["rules", "decide", "-"], json.dumps(RUNOFF_INPUT), monkeypatch)
    assert code == 0
    output = json.loads(out)
    assert output["runoff"] is True
    assert output["quota"] == [
        {
            "group": "g",
            "good": 10,
            "max_excellent": 2,
            "kept": ["binh"],
            "over": ["cuong"],
            "tied": [],
            "places": 1,
            "kept_before": ["an"],
        }
    ]
    steps = {s["id"]: [step["code"] for step in s["steps"]] for s in output["subjects"]}
    assert steps == {"binh": ["quorum", "runoff", "final"], "cuong": ["quorum", "runoff", "final"]}


def test_a_runoff_with_no_place_left_is_an_input_error(monkeypatch: pytest.MonkeyPatch) -> None:
    bad = json.loads(json.dumps(RUNOFF_INPUT))
    bad["runoff"]["groups"][0]["kept"] = ["an", "dung"]
    code, out, err = run_in_process(["rules", "decide", "-"], json.dumps(bad), monkeypatch)
    assert (code, out) == (2, "")
    assert err.startswith("phieukin rules decide: invalid input: runoff.groups[0].kept: no place")
