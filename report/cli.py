"""``phieukin report``: the party committee's report over its cells' records, and ``--merge``,
the roll-up of organisations' reports (docs/REPORT.md).

A thin shell: check every record in worker processes (``report.checking``), pick the
organisation and the records counted (``tally.report.selection``), make the report
(``tally.report.document``), write ``report.json``, ``report.xlsx`` and ``report.pdf`` into
``--out``. All three are rendered in memory first and then written, so a failure leaves no
half-made set. Exit codes: 0 every record counted; 1 the report is written but some record
was left out (each listed with its reason); 2 nothing written (unusable input, the records
name different organisations, the cells count with different quota rules, the output folder
cannot be written, the fonts are missing), with one message in Vietnamese and English.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import date
from pathlib import Path
from typing import Any

from tally.canonical import canonical_json

DESCRIPTION = """\
Báo cáo của đảng ủy cơ sở: kiểm tra hồ sơ của các chi bộ (như phieukin verify), tổng hợp đề
xuất, áp dụng tỷ lệ hoàn thành xuất sắc 20% trong toàn đảng bộ theo nhóm chức danh, lập bảng
quyết định và thống kê (report.json, report.xlsx, report.pdf trong --out).
The grassroots committee's report: verify each cell's record, apply the binding 20% excellent
quota across the cells, write the decision table and the statistics.

  phieukin report RECORD… --out DIR [--organisation NAME]
  phieukin report --merge REPORT.json… --out DIR     (the roll-up, without names)

Only final records (verify's exit 0) of the organisation are counted; every other record is
listed with its reason. Without --organisation every final record must name the same party
organisation (the meeting's "committee above"). Exit codes: 0 every record counted; 1 written,
some record left out; 2 nothing written (see the message). Rules: docs/REPORT.md."""

EXIT_ALL_COUNTED, EXIT_SOME_LEFT_OUT, EXIT_NOT_WRITTEN = 0, 1, 2


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``report`` to a ``phieukin`` (or ``python -m report``) parser."""
    parser = subparsers.add_parser(
        "report",
        help="báo cáo của đảng ủy cơ sở từ hồ sơ các chi bộ (the committee's report)",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_arguments(parser)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The command's arguments (``phieukin report`` and ``python -m report`` share them)."""
    parser.add_argument("files", nargs="+", metavar="FILE", help="record.zip of each cell")
    parser.add_argument("--out", type=Path, required=True, metavar="DIR", help="thư mục ghi")
    parser.add_argument(
        "--merge", action="store_true", help="tổng hợp các report.json (roll up reports)"
    )
    parser.add_argument(
        "--organisation", metavar="NAME", help="tên đảng bộ cơ sở (the party organisation)"
    )
    parser.add_argument(
        "--reading",
        choices=("inclusive", "exclusive"),
        help="cách hiểu «hoàn thành tốt» khi các chi bộ khác nhau (reading of 'good')",
    )
    parser.add_argument("--workers", type=int, help="số tiến trình kiểm tra (default: all cores)")
    parser.add_argument("--fonts", type=Path, metavar="DIR", help="thư mục phông Liberation")
    parser.add_argument("--lang", choices=("vi", "en"), default="vi", help="ngôn ngữ (vi, en)")
    parser.add_argument("--date", help="ngày báo cáo YYYY-MM-DD (default: today)")
    parser.add_argument("--locality", default="", help="địa danh ghi ở dòng ngày tháng")
    parser.add_argument("--number", default="", help="số văn bản (document number)")
    parser.add_argument("--above", default="", help="đảng bộ cấp trên, dòng đầu tiêu đề")
    parser.set_defaults(func=run)


def _error(message: str) -> int:
    print(f"phieukin report: {message}", file=sys.stderr)
    return EXIT_NOT_WRITTEN


def _date(text: str | None) -> str:
    if text is None:
        return date.today().isoformat()
    return date.fromisoformat(text).isoformat()


def write_all(folder: Path, files: dict[str, bytes]) -> None:
    """Write every file into ``folder`` (made if needed), each through a temporary name."""
    folder.mkdir(parents=True, exist_ok=True)
    temporary = []
    try:
        for name, data in files.items():
            path = folder / f".{name}.partial"
            path.write_bytes(data)
            temporary.append((path, folder / name))
        for path, final in temporary:
            os.replace(path, final)
    finally:
        for path, _ in temporary:
            path.unlink(missing_ok=True)


def _json_bytes(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=2).encode("utf-8") + b"\n"


def _locality(cells: list[dict[str, Any]], given: str) -> str:
    if given:
        return given
    places = {c.get("locality", "") for c in cells}
    return places.pop() if len(places) == 1 else ""


def run(args: argparse.Namespace) -> int:
    from audit.minute_pdf import FONT_DIR, FontsMissing
    from tally.errors import ReportError

    try:
        when = _date(args.date)
    except ValueError:
        return _error(f"--date: không phải ngày YYYY-MM-DD (not a date): {args.date!r}")
    font_dir = args.fonts or FONT_DIR
    try:
        if args.merge:
            return run_merge(args, when, font_dir)
        return run_report(args, when, font_dir)
    except ReportError as error:
        return _error(str(error))
    except FontsMissing as error:
        return _error(str(error))
    except OSError as error:
        return _error(
            f"không ghi được vào {args.out} (cannot write the output): {error.strerror or error}"
        )


def run_report(args: argparse.Namespace, when: str, font_dir: Path) -> int:
    from report.checking import check_records
    from report.pdf import render_report_pdf
    from report.progress import RecordProgress
    from report.xlsx import report_workbook
    from tally.report.document import make_report
    from tally.report.selection import choose_organisation, select_records

    workers = args.workers if args.workers else (os.cpu_count() or 1)
    checks = check_records(
        [str(f) for f in args.files], workers, args.fonts, RecordProgress(args.lang)
    )
    organisation = choose_organisation(checks, args.organisation)
    records, cells = select_records(checks, organisation)
    report = make_report(organisation, records, cells, args.reading, when)
    canonical_json(report)  # every value has a canonical form (no float crept in)
    facts = {
        "date": when,
        "locality": _locality(cells, args.locality),
        "number": args.number,
        "above": args.above,
    }
    write_all(
        args.out,
        {
            "report.json": _json_bytes(report),
            "report.xlsx": report_workbook(report, args.lang),
            "report.pdf": render_report_pdf(report, facts, font_dir),
        },
    )
    left_out = [r for r in records if not r["counted"]]
    _print_outcome(report, left_out, args)
    return EXIT_SOME_LEFT_OUT if left_out else EXIT_ALL_COUNTED


def _print_outcome(report: dict[str, Any], left_out: list[dict[str, Any]], args: Any) -> None:
    from tally.report.wording import reason_words

    en = args.lang == "en"
    totals = report["totals"]
    counted = len(report["records"]) - len(left_out)
    print(
        f"{report['organisation']}: {counted}/{len(report['records'])} "
        + ("records counted" if en else "hồ sơ được tính")
        + f"; {totals['rated']} "
        + ("rated" if en else "đảng viên được đánh giá")
        + f"; XS {totals['levels']['XS']}, TOT {totals['levels']['TOT']}, "
        f"HT {totals['levels']['HT']}, KHT {totals['levels']['KHT']}, "
        + ("no level" if en else "chưa xác định")
        + f" {totals['unresolved']}; XS/(XS+TOT) {totals['excellent_share_of_good']}"
    )
    for record in left_out:
        print(f"  ✗ {record['file']}: {reason_words(record['reason'], args.lang)}")
    print(("Written to " if en else "Đã ghi vào ") + str(args.out))


def run_merge(args: argparse.Namespace, when: str, font_dir: Path) -> int:
    from report.pdf import render_summary_pdf
    from report.xlsx import summary_workbook
    from tally.errors import ReportError
    from tally.report.rollup import rollup

    reports = []
    for file in args.files:
        try:
            reports.append((str(file), json.loads(Path(file).read_text(encoding="utf-8"))))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise ReportError(
                f"không đọc được báo cáo (cannot read the report as JSON): {error}", field=str(file)
            ) from None
    summary = rollup(reports)
    facts = {
        "date": when,
        "locality": args.locality,
        "number": args.number,
        "above": args.above,
        "organisation": args.organisation or "",
    }
    write_all(
        args.out,
        {
            "summary.json": _json_bytes(summary),
            "summary.xlsx": summary_workbook(summary, args.lang),
            "summary.pdf": render_summary_pdf(summary, facts, font_dir),
        },
    )
    totals = summary["totals"]
    print(
        f"{len(summary['organisations'])} "
        + ("organisations" if args.lang == "en" else "tổ chức đảng")
        + f": {totals['rated']}; XS {totals['levels']['XS']}, TOT {totals['levels']['TOT']}, "
        f"XS/(XS+TOT) {totals['excellent_share_of_good']} → {args.out}"
    )
    return EXIT_ALL_COUNTED
