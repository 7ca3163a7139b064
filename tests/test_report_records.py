"""``phieukin report`` on real records of several cells (``tests/report_support.py``): the
binding quota across cells, ties across cells, records left out with their reason (tampered,
interim, another organisation, the same record twice, checks that cannot be made here), the
XLSX read back against the JSON, the PDF read back as text, and ``--merge``."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from audit.minute_pdf import FONT_DIR, FONT_FILES
from ballot_server.cli import main
from report.progress import RecordProgress
from tests.minute_support import pdf_text as pdf_lines
from tests.record_support import Parts
from tests.report_support import (
    ORGANISATION,
    OTHER_ORGANISATION,
    cell_name,
    cell_record,
    member_name,
    write_cell,
)
from tests.test_verify_verdicts import ENV, ROOT, STANDALONE


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cells")


def report(folder: Path, out: Path, *files: Path | str, extra: tuple[str, ...] = ()):
    """Run ``phieukin report FILES --out OUT`` in-process; return (exit code, report JSON)."""
    code = main(["report", *map(str, files), "--out", str(out), "--workers", "1", *extra])
    path = out / "report.json"
    return code, json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def pdf_text(pdf: bytes) -> str:
    """The PDF's text with every run of white space (line breaks in table cells) as one space."""
    return " ".join(pdf_lines(pdf).split())


def names(members: list[dict[str, str]]) -> list[str]:
    return [m["name"] for m in members]


def decision(data: dict, key: str, number: int) -> dict:
    return next(d for d in data["decisions"] if d["member"]["name"] == member_name(key, number))


def test_each_cell_within_its_quota_the_organisation_over(folder: Path, tmp_path: Path) -> None:
    """A1, A2, A3: 4 good each, one XS each (each within: fewer than 5 → 1). The organisation:
    12 good → 2 places; by shares A1 4/4, A2 3/4 (good 4/4), A3 3/4 (good 3/4) → A3's is over."""
    files = [write_cell(folder, key) for key in ("A1", "A2", "A3")]
    out = tmp_path / "out"
    code = main(["report", *map(str, files), "--out", str(out), "--workers", "2"])
    data = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert code == 0 and data["organisation"] == ORGANISATION
    assert [r["counted"] for r in data["records"]] == [True, True, True]
    assert all(
        r["verified"] and len(r["head"]) == 64 and r["fingerprints"] for r in data["records"]
    )
    (group,) = data["quota"]
    assert (group["group"], group["good"], group["max_excellent"]) == ("default", 12, 2)
    assert names(group["kept"]) == [member_name("A1", 1), member_name("A2", 1)]
    assert names(group["over"]) == [member_name("A3", 1)] and group["tied"] == []
    over = decision(data, "A3", 1)
    assert (over["proposed"], over["decided"], over["cell"]) == ("XS", "TOT", cell_name("A3"))
    assert over["member"]["id"] and set(over["member"]) == {"cell", "id", "name"}
    assert "vượt tỷ lệ của đảng bộ" in over["trace"][1] and "3/4" in over["trace"][1]
    assert data["totals"]["levels"] == {"XS": 2, "TOT": 10, "HT": 0, "KHT": 0}
    assert data["totals"]["excellent_share_of_good"] == "16,7%"
    by_cell = {s["cell"]: s for s in data["statistics"]}
    assert by_cell[cell_name("A1")]["excellent_share_of_good"] == "25,0%"
    assert by_cell[cell_name("A3")]["levels"]["XS"] == 0
    assert_xlsx_matches(out / "report.xlsx", data)
    text = pdf_text((out / "report.pdf").read_bytes())
    for words in (
        "ĐẢNG ỦY SỞ TÀI CHÍNH",
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "BÁO CÁO",
        "QUYẾT ĐỊNH XẾP LOẠI",
        "THỐNG KÊ KẾT QUẢ XẾP LOẠI",
        member_name("A3", 1),
        "vượt tỷ lệ → TOT",
        "trong đó hoàn thành xuất sắc nhiệm vụ là 2, bằng 16,7%",
        "T/L ĐẢNG ỦY",
        "VĂN PHÒNG ĐẢNG ỦY",
    ):
        assert words in text, words


def test_the_organisation_within_its_quota_while_a_cell_is_not(folder: Path, tmp_path: Path):
    """B1 has 1 XS of 4 good (25%: fewer than 5, allowed); B2 8 TOT and a member not rated; B3
    two XS of 5, its own quota put one at TOT. The organisation: 17 good → 3 places, 2
    candidates: both kept; B3's lowered member stays TOT (the committee never raises)."""
    files = [write_cell(folder, key) for key in ("B1", "B2", "B3")]
    code, data = report(folder, tmp_path / "out", *files)
    (group,) = data["quota"]
    assert code == 0 and (group["good"], group["max_excellent"]) == (17, 3)
    assert names(group["kept"]) == [member_name("B3", 1), member_name("B1", 1)]
    assert names(group["lowered_by_cells"]) == [member_name("B3", 2)]
    lowered = decision(data, "B3", 2)
    assert (lowered["proposed"], lowered["decided"]) == ("TOT", "TOT")
    assert "vượt tỷ lệ XS của chi bộ" in lowered["trace"][0]
    by_cell = {s["cell"]: s for s in data["statistics"]}
    assert by_cell[cell_name("B1")]["excellent_share_of_good"] == "25,0%"
    assert data["totals"]["excellent_share_of_good"] == "11,8%"  # 2 of 17
    assert by_cell[cell_name("B2")]["not_rated"] == 1
    assert data["totals"]["not_rated_reasons"] == {"admitted_under_6_months": 1}
    assert_xlsx_matches(tmp_path / "out" / "report.xlsx", data)


def test_ties_across_cells_are_flagged_and_never_broken(folder: Path, tmp_path: Path) -> None:
    """A1's 4/4 first; C1's 3 of 4 and C2's 6 of 8 (every vote good) are equal shares of
    different bases — tied at the boundary of 2 places (12 good): no level, for the committee."""
    files = [write_cell(folder, key) for key in ("A1", "C1", "C2")]
    code, data = report(folder, tmp_path / "out", *files)
    (group,) = data["quota"]
    assert code == 0 and (group["good"], group["max_excellent"], group["places"]) == (12, 2, 1)
    assert names(group["kept"]) == [member_name("A1", 1)] and group["over"] == []
    assert sorted(names(group["tied"])) == [member_name("C1", 1), member_name("C2", 1)]
    ranked = {r["member"]["name"]: r for r in group["ranking"]}
    assert ranked[member_name("C1", 1)]["XS"] == "3/4" and ranked[member_name("C2", 1)]["XS"] == (
        "6/8"
    )
    assert ranked[member_name("C1", 1)]["place"] == ranked[member_name("C2", 1)]["place"] == 2
    for key in ("C1", "C2"):
        tied = decision(data, key, 1)
        assert (tied["decided"], tied["status"]) == (None, "tied")
        assert "chương trình không phá hoà" in tied["trace"][1]
    assert data["totals"]["unresolved"] == 2
    assert data["totals"]["unresolved_reasons"]["tied"] == 2
    assert "bằng tỷ lệ ở ranh giới" in pdf_text((tmp_path / "out" / "report.pdf").read_bytes())
    code, english = report(folder, tmp_path / "en", *files, extra=("--lang", "en"))
    assert english["decisions"] == data["decisions"]  # the JSON does not depend on the language
    book = openpyxl.load_workbook(tmp_path / "en" / "report.xlsx")
    assert {"Statistics", "Decisions", "XS quota", "Ranking", "Records"} <= set(book.sheetnames)
    reasons = [row[7] for row in book["Decisions"].iter_rows(min_row=2, values_only=True)]
    assert any("for the committee to decide (the program never breaks a tie)" in r for r in reasons)


def test_a_tampered_record_is_left_out_with_its_finding(folder: Path, tmp_path: Path) -> None:
    """A1's record with one member's decided level changed and the log re-signed with the real
    server key (an insider): verify fails, the report leaves it out and counts A2 and A3 alone
    (8 good → 1 place: A3's XS is over)."""
    built = cell_record("A1")
    parts = Parts.open(built.final)
    body = parts.body("decisions")
    body["output"]["subjects"][1]["level"] = "XS"
    tampered = folder / "a1-tampered.zip"
    tampered.write_bytes(parts.resign(built.server_key).pack())
    files = [tampered, write_cell(folder, "A2"), write_cell(folder, "A3")]
    code, data = report(folder, tmp_path / "out", *files)
    assert code == 1
    record = data["records"][0]
    assert (record["counted"], record["verified"], record["reason"]) == (False, False, "unsound")
    assert any(f.startswith("decisions") for f in record["findings"]), record["findings"]
    assert {d["cell"] for d in data["decisions"]} == {cell_name("A2"), cell_name("A3")}
    (group,) = data["quota"]
    assert (group["good"], group["max_excellent"]) == (8, 1)
    assert names(group["over"]) == [member_name("A3", 1)]
    assert data["totals"]["rated"] == 8
    assert "decisions" in pdf_text((tmp_path / "out" / "report.pdf").read_bytes())


def test_a_record_of_another_organisation_is_refused(folder: Path, tmp_path: Path, capsys):
    files = [write_cell(folder, key) for key in ("A1", "A2", "X1")]
    code, data = report(
        folder, tmp_path / "named", *files, extra=("--organisation", "đảng ủy sở tài chính")
    )
    other = data["records"][2]
    assert code == 1 and (other["reason"], other["verified"]) == ("other_organisation", True)
    assert OTHER_ORGANISATION in other["findings"][-1]
    assert {d["cell"] for d in data["decisions"]} == {cell_name("A1"), cell_name("A2")}
    capsys.readouterr()
    code, data = report(folder, tmp_path / "unnamed", *files)
    error = capsys.readouterr().err
    assert (code, data) == (2, None) and not (tmp_path / "unnamed").exists()
    assert "--organisation" in error and f"x1-final.zip: «{OTHER_ORGANISATION}»" in error


def test_interim_and_repeated_records_are_listed_not_counted(folder: Path, tmp_path: Path, capsys):
    a2 = write_cell(folder, "A2")
    files = [write_cell(folder, "A1", "open"), a2, a2]
    code, data = report(folder, tmp_path / "out", *files)
    assert code == 1
    assert [r["reason"] for r in data["records"]] == ["interim", None, "duplicate"]
    assert any("minute.present" in f for f in data["records"][0]["findings"])
    assert data["totals"]["rated"] == 4
    captured = capsys.readouterr()
    assert "[3/3]" in captured.err and "interim" in captured.err  # plain lines, not a bar
    assert "hồ sơ chưa hoàn tất" in captured.out


def test_records_whose_minute_cannot_be_rendered_here_are_unchecked(folder: Path, tmp_path):
    other = tmp_path / "other-fonts"
    other.mkdir()
    for file in FONT_FILES.values():
        shutil.copy(FONT_DIR / file, other / file)
    shutil.copy(FONT_DIR / "LiberationSans-Regular.ttf", other / FONT_FILES["PK-Serif"])
    files = [write_cell(folder, "A1"), tmp_path / "missing.zip"]
    code, data = report(folder, tmp_path / "out", *files, extra=("--fonts", str(other)))
    assert code == 1 and [r["reason"] for r in data["records"]] == ["unchecked", "unreadable"]
    assert any("minute.pdf_render" in f for f in data["records"][0]["findings"])
    assert data["totals"]["rated"] == 0 and data["decisions"] == []


def test_merge_rolls_organisations_up_without_names(folder: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    assert report(folder, first, *[write_cell(folder, k) for k in ("A1", "A2", "A3")])[0] == 0
    assert report(folder, second, write_cell(folder, "X1"))[0] == 0
    out = tmp_path / "summary"
    code = main(
        [
            "report",
            "--merge",
            str(first / "report.json"),
            str(second / "report.json"),
            "--out",
            str(out),
            "--organisation",
            "Đảng bộ Khối",
        ]
    )
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert code == 0 and [o["organisation"] for o in summary["organisations"]] == [
        ORGANISATION,
        OTHER_ORGANISATION,
    ]
    assert summary["totals"]["levels"] == {"XS": 3, "TOT": 13, "HT": 0, "KHT": 0}
    assert summary["totals"]["excellent_share_of_good"] == "18,8%"  # 3 of 16
    raw = (out / "summary.json").read_text(encoding="utf-8")
    assert "Đồng chí" not in raw and len(summary["organisations"][0]["records"]) == 3
    sheet = openpyxl.load_workbook(out / "summary.xlsx")["Thống kê"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][0] == ORGANISATION and rows[-1][1] == summary["totals"]["rated"]
    assert "BÁO CÁO TỔNG HỢP" in pdf_text((out / "summary.pdf").read_bytes())
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    assert main(["report", "--merge", str(bad), "--out", str(tmp_path / "never")]) == 2
    assert not (tmp_path / "never").exists()


def test_bad_arguments_write_nothing(folder: Path, tmp_path: Path, capsys) -> None:
    record = write_cell(folder, "A1")
    assert main(["report", str(record), "--out", str(tmp_path / "x"), "--date", "15/12"]) == 2
    assert "--date" in capsys.readouterr().err
    blocked = tmp_path / "a-file"
    blocked.write_text("", encoding="utf-8")
    assert main(["report", str(record), "--out", str(blocked), "--workers", "1"]) == 2
    assert "cannot write" in capsys.readouterr().err


def test_the_report_runs_without_the_meeting_server(folder: Path, tmp_path: Path) -> None:
    """``python -m report`` with the server's packages made unimportable (openpyxl stays: the
    ``report`` extra)."""
    forbidden = {"aiohttp", "qrcode", "sqlite3", "ballot_server", "ballot_client"}
    script = STANDALONE.format(forbidden=forbidden).replace(
        'runpy.run_module("audit"', 'runpy.run_module("report"'
    )
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-c", script, str(write_cell(folder, "A1")), "--out", str(out)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=ENV,
        timeout=180,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "LOADED []" in result.stderr
    assert {p.name for p in out.iterdir()} == {"report.json", "report.xlsx", "report.pdf"}


def assert_xlsx_matches(path: Path, data: dict) -> None:
    """The workbook says what the JSON says: every decision, every count, every record."""
    book = openpyxl.load_workbook(path)
    decisions = list(book["Quyết định"].iter_rows(min_row=2, values_only=True))
    assert [row[:6] for row in decisions] == [
        (
            d["cell"],
            d["member"]["id"],
            d["member"]["name"],
            d["group"],
            d["proposed"],
            d["decided"],
        )
        for d in data["decisions"]
    ]
    statistics = list(book["Thống kê"].iter_rows(min_row=2, values_only=True))
    expected = [*data["statistics"], {"cell": "Tổng cộng", **data["totals"]}]
    assert len(statistics) == len(expected)
    for row, counts in zip(statistics, expected, strict=True):
        assert row[0] == counts["cell"] and row[1] == counts["rated"]
        assert [row[2], row[4], row[6], row[8]] == [counts["levels"][c] for c in counts["levels"]]
        assert list(row[10:13]) == [
            counts["unresolved"],
            counts["not_rated"],
            counts["excellent_share_of_good"],
        ]
    records = list(book["Hồ sơ"].iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[2], r[5] == "có") for r in records] == [
        (r["file"], r["head"], r["counted"]) for r in data["records"]
    ]
    quota = list(book["Tỷ lệ XS"].iter_rows(min_row=2, values_only=True))
    assert [(q[0], q[1], q[2]) for q in quota] == [
        (q["group"], q["good"], q["max_excellent"]) for q in data["quota"]
    ]


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_is_a_bar_on_a_terminal_and_lines_elsewhere() -> None:
    terminal, log = Terminal(), io.StringIO()
    for stream in (terminal, log):
        progress = RecordProgress("vi", stream)
        for done in (1, 2):
            progress(done, 2, {"file": f"cell-{done}.zip", "verdict": "final"})
    assert terminal.getvalue().count("\r") == 2 and terminal.getvalue().endswith("2/2\n")
    assert "Kiểm tra hồ sơ " in terminal.getvalue() and "█" * 30 in terminal.getvalue()
    assert log.getvalue() == "[1/2] cell-1.zip: final\n[2/2] cell-2.zip: final\n"
