"""The ``phieukin`` command: every --help works, the demo runs, and the README does not drift."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from ballot_server.cli import build_parser, main

ROOT = Path(__file__).resolve().parent.parent


def subcommand_paths() -> list[list[str]]:
    """Every command path of the parser, e.g. ["demo"], ["rules", "decide"]."""
    paths: list[list[str]] = []

    def walk(parser, prefix: list[str]) -> None:
        for action in parser._actions:
            if action.__class__.__name__ == "_SubParsersAction":
                for name, child in action.choices.items():
                    paths.append([*prefix, name])
                    walk(child, [*prefix, name])

    walk(build_parser(), [])
    return paths


@pytest.mark.parametrize("path", [[], *subcommand_paths()], ids=lambda p: " ".join(p) or "top")
def test_every_help_exits_zero(path: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([*path, "--help"])
    assert exit_info.value.code == 0
    assert "usage: phieukin" in capsys.readouterr().out


def test_readme_documents_every_top_level_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for path in subcommand_paths():
        assert f"phieukin {' '.join(path)}" in readme, f"README lacks `phieukin {' '.join(path)}`"


def test_readme_names_the_two_commands_and_make_has_them() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for command in ("demo", "test"):
        assert f"make {command}" in readme
        assert re.search(rf"^{command}: setup$", makefile, re.MULTILINE)
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


@pytest.mark.live
def test_demo_runs_a_real_meeting_and_counts_match(tmp_path: Path) -> None:
    out = tmp_path / "meeting"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "ballot_server.cli",
            "demo",
            "--voters",
            "4",
            "--rated",
            "6",
            "--out",
            str(out),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Khớp với các lựa chọn mô phỏng. ✓" in result.stdout
    counts = json.loads((out / "counts.json").read_text(encoding="utf-8"))["counts"]
    assert len(counts) == 6 and all(sum(row) == 4 for row in counts.values())
    assert (out / "meeting.db").is_file() and (out / "minute.pdf").is_file()
    # The minute reports exactly the decrypted counts (which the demo compared with its own
    # simulated choices), and the exported record verifies on its own.
    minute = json.loads((out / "minute.json").read_text(encoding="utf-8"))["minute"]
    levels = ("XS", "TOT", "HT", "KHT")  # JSON objects have no order: read by level
    reported = {
        s["id"]: [s["votes"][level] for level in levels] for s in minute["rounds"][0]["subjects"]
    }
    assert reported == counts
    # then a confidence vote on the cell's two heads, with the same committee keys
    assert "Kết quả lấy phiếu tín nhiệm (vòng 2)" in result.stdout
    confidence = minute["rounds"][1]
    assert (confidence["kind"], len(confidence["subjects"])) == ("confidence", 2)
    assert [s["name"].split(" — ")[1] for s in confidence["subjects"]] == [
        "Bí thư chi bộ",
        "Phó Bí thư chi bộ",
    ]
    assert all(sum(s["votes"].values()) == 4 for s in confidence["subjects"])
    verify = subprocess.run(
        [sys.executable, "-m", "ballot_server.cli", "verify", str(out / "record.zip")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert verify.returncode == 0 and "hồ sơ hợp lệ" in verify.stdout, verify.stdout
    again = subprocess.run(
        [sys.executable, "-m", "ballot_server.cli", "demo", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert again.returncode == 2 and "đã có dữ liệu" in again.stdout


def test_demo_refuses_bad_sizes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--voters", "0"]) == 2
    assert main(["demo", "--voters", "2"]) == 2  # a round of 2 ballots needs a reason
    assert "--voters" in capsys.readouterr().out


@pytest.mark.live
def test_benchmark_prints_every_core_metric() -> None:
    """A smoke run of bench/run.py on tiny shapes: every step of the benchmark pipeline still runs
    and prints its metric (the numbers themselves are measured by ``bench/``, not tested)."""
    result = subprocess.run(
        [sys.executable, "bench/run.py", "--smoke", "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    metrics = json.loads(result.stdout)
    assert metrics["mode"] == "smoke" and "errors" not in metrics, metrics.get("errors")
    for key in (
        "encrypt_ms_py_r2",
        "encrypt_ms_js_r2",
        "verify_ballot_ms_r2",
        "verify_ballot_ms_r1",
        "decrypt_combine_s_n2_r2",
        "close_to_result_s_n3_r2",
        "verify_record_s_n3_r2",
        "ballot_bytes_r2",
        "record_bytes_n3_r2",
    ):
        assert isinstance(metrics[key], (int, float)) and metrics[key] > 0, key
    assert set(metrics["scaling"]["verify_ballot_ms"]) == {"1", "2"}
    assert set(metrics["scaling"]["encrypt_ms_js"]) == {"1", "2"}


@pytest.mark.live
def test_report_benchmark_runs(tmp_path: Path) -> None:
    """A smoke run of bench/report.py on a tiny organisation (2 cells of 4): the records are
    built, the report and the merge run in their own processes and every number is printed."""
    result = subprocess.run(
        [
            sys.executable,
            "bench/report.py",
            "--cells",
            "2",
            "--members",
            "4",
            "--repeats",
            "1",
            "--organisations",
            "2",
            "--json",
            "--cache",
            str(tmp_path),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    metrics = json.loads(result.stdout)
    assert len(metrics["report_s"]) == 1 and metrics["report_s"][0] > 0
    assert metrics["report_peak_mib"]["worker"] > 0 and metrics["merge_s"][0] > 0
    assert metrics["totals"]["rated"] == 8
