"""``phieukin verify``: check a record alone, offline; a voter's tracker; a record's continuity."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from nacl.signing import VerifyKey

from audit.findings import EXIT_UNREADABLE, UNSOUND, Report
from audit.record import Record, RecordError, load_record
from audit.report_text import render
from audit.verify import verify_record
from tally.audited import verify_audited_ballot
from tally.ballot import tracker, tracker_code
from tally.crypto.group import RISTRETTO255
from tally.crypto.signatures import verify_key_from_hex
from tally.errors import TallyError
from tally.eventlog import verify_log
from tally.manifest import ElectionContext, Manifest
from tally.replay import events_of, replay
from tally.rules.kind_wording import answer_words

DESCRIPTION = """\
Kiểm tra độc lập toàn bộ hồ sơ một hội nghị (record.zip): nhật ký ký số, khóa của ban kiểm
phiếu, mã phiếu, chứng minh của từng phiếu, tổng mã hóa, giải mã, kết quả, quy tắc và biên bản.
Check a meeting's whole record alone, offline.

Exit codes: 0 a final record, every check passed (a minute covering every round, co-signed by
at least t committee members); 1 a check failed: the record is not sound; 2 not a readable
record; 3 an interim record: nothing failed, but no minute, or too few co-signatures, so it
proves no final result; 4 nothing failed, but a check could not be made on this machine (the
minute's PDF renderer or fonts differ)."""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "verify",
        help="kiểm tra độc lập hồ sơ record.zip (verify a record)",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("record", type=Path, help="record.zip")
    parser.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    parser.add_argument("--lang", choices=("vi", "en"), default="vi", help="ngôn ngữ (vi, en)")
    parser.add_argument(
        "--tracker",
        help="mã theo dõi của một phiếu cần tìm; với phiếu kiểm tra, in các lựa chọn nó mở ra "
        "(tracker code; for an audited ballot, the choices it opens to)",
    )
    parser.add_argument("--extends", type=Path, metavar="OLD", help="hồ sơ cũ phải là phần đầu")
    parser.add_argument("--workers", type=int, help="số tiến trình kiểm tra (default: all cores)")
    parser.add_argument("--verbose", action="store_true", help="liệt kê mọi kiểm tra")
    parser.add_argument(
        "--fonts",
        type=Path,
        metavar="DIR",
        help="thư mục phông Liberation để in lại biên bản (mặc định của fonts-liberation2)",
    )
    parser.set_defaults(func=run)


class TerminalProgress:
    """A progress bar on stderr when it is a terminal; silent otherwise."""

    def __init__(self) -> None:
        self.enabled = sys.stderr.isatty()
        self.done: dict[str, int] = {}

    def __call__(self, label: str, step: int, total: int) -> None:
        if not self.enabled or total == 0:
            return
        self.done[label] = self.done.get(label, 0) + step
        share = self.done[label] / total
        bar = "█" * int(30 * share) + "·" * (30 - int(30 * share))
        end = "\n" if self.done[label] >= total else ""
        print(
            f"\r{label}: kiểm tra phiếu {bar} {self.done[label]}/{total}",
            end=end,
            file=sys.stderr,
            flush=True,
        )


def find_tracker(record: Record, code: str) -> tuple[int, str] | None:
    """The round and full tracker of the ballot whose receipt code is ``code``."""
    wanted = code.replace("-", "").replace(" ", "").upper()
    for number, ballots in sorted(record.ballots.items()):
        for ballot in ballots:
            try:
                value = tracker(ballot)
            except Exception:
                continue
            if tracker_code(value).replace("-", "") == wanted:
                return number, value.hex()
    return None


def check_extends(old: Record, new: Record, report: Report) -> None:
    """OLD's log must be an exact prefix of NEW's: nothing dropped, reordered or rewritten."""
    old_hashes = [e.get("hash") if isinstance(e, dict) else None for e in old.events]
    new_hashes = [e.get("hash") if isinstance(e, dict) else None for e in new.events]
    same_key = replay(events_of(old.events)).server_key == replay(events_of(new.events)).server_key
    pairs = zip(old_hashes, new_hashes, strict=False)
    first_difference = next(
        (i for i, (a, b) in enumerate(pairs) if a != b), min(len(old_hashes), len(new_hashes))
    )
    extends = same_key and first_difference == len(old_hashes)
    report.expect(
        extends,
        "extends.prefix",
        "record",
        f"the new log differs from the old one at event {first_difference}",
    )


def run(args: argparse.Namespace) -> int:
    try:
        record = load_record(args.record)
        old = load_record(args.extends) if args.extends else None
    except RecordError as error:
        message = {"ok": False, "error": str(error)}
        print(json.dumps(message, ensure_ascii=False) if args.json else f"Lỗi: {error}")
        return EXIT_UNREADABLE
    if args.tracker:
        return run_tracker(record, args)
    report = verify_record(
        record, workers=args.workers, progress=TerminalProgress(), font_dir=args.fonts
    )
    if old is not None:
        check_extends(old, record, report)
        try:
            old_key = replay(events_of(old.events)).server_key
            key = VerifyKey(verify_key_from_hex(old_key, "old").encode())
            for finding in verify_log(old.events, key):
                report.fail(
                    f"log.{finding.check}", f"old record, {finding.subject}", finding.detail
                )
        except TallyError as error:
            report.fail("log.server_key", "old record", str(error))
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False))
    else:
        print(render(report, args.lang, args.verbose))
    return report.exit_code


def find_audited(record: Record, code: str) -> dict[str, Any] | None:
    """The audited ballot whose tracker code is ``code``: its round, tracker, and the choices it
    opens to per question (``opens`` false, with the failed check, if it does not open)."""
    wanted = code.replace("-", "").replace(" ", "").upper()
    state = replay(events_of(record.events))
    for number, entry in state.rounds.items():
        for _, tracker_hex, audited in entry.audited:
            try:
                if tracker_code(bytes.fromhex(tracker_hex)).replace("-", "") != wanted:
                    continue
            except ValueError:
                continue
            answer: dict[str, Any] = {"round": number, "tracker": tracker_hex, "choices": []}
            try:
                manifest = Manifest.from_json((entry.started or {}).get("manifest"))
                election = (entry.election or {}).get("election")
                context = ElectionContext.from_json(RISTRETTO255, manifest, election)
                opened = verify_audited_ballot(context, audited)
            except TallyError as error:
                return answer | {"opens": False, "problem": str(error)}
            answer["opens"] = opened.tracker.hex() == tracker_hex
            answer["choices"] = [
                {
                    "question": question.id,
                    "title": question.title,
                    "selected": [(question.option_titles or question.options)[i] for i in chosen],
                }
                for question, chosen in zip(manifest.questions, opened.selected, strict=True)
            ]
            return answer
    return None


def run_audited(record: Record, args: argparse.Namespace, audited: dict[str, Any]) -> int:
    """``verify --tracker CODE`` for an audited ballot: what it opens to (never counted). Exit 0
    when it opens to the choices it claims in a record where no check failed."""
    report = verify_record(record, workers=args.workers, font_dir=args.fonts)
    sound = report.verdict != UNSOUND
    answer = {
        "tracker": args.tracker,
        "found": True,
        "round": audited["round"],
        "counted": False,
        "audited": True,
        "opens": audited["opens"],
        "choices": audited["choices"],
        "record_ok": report.passed,
        "verdict": report.verdict,
    }
    if args.json:
        print(json.dumps(answer, ensure_ascii=False))
    else:
        en = args.lang == "en"
        if audited["opens"]:
            print(
                f"Audited ballot {args.tracker} (round {audited['round']}): never counted; it "
                "encrypted these choices — compare them with yours:"
                if en
                else f"Phiếu kiểm tra {args.tracker} (vòng {audited['round']}): không được tính; "
                "phiếu này đã mã hóa các lựa chọn sau — đồng chí hãy so với lựa chọn của mình:"
            )
            for choice in audited["choices"]:
                words = [answer_words(o, args.lang) or o for o in choice["selected"]]
                chosen = ", ".join(words) or ("(blank)" if en else "(bỏ trống)")
                print(f"  {choice['title'] or choice['question']}: {chosen}")
        else:
            print(
                f"Audited ballot {args.tracker} does NOT open to the choices it claims: the phone "
                f"did not encrypt what it showed. ({audited.get('problem', '')})"
                if en
                else f"Phiếu kiểm tra {args.tracker} KHÔNG mở ra đúng các lựa chọn nó ghi: điện "
                f"thoại đã không mã hóa đúng điều nó hiển thị. ({audited.get('problem', '')})"
            )
        if not sound:
            print(
                "The record has errors — see the full report."
                if en
                else "Hồ sơ có lỗi — xem báo cáo đầy đủ."
            )
    return 0 if audited["opens"] and sound else 1


def run_tracker(record: Record, args: argparse.Namespace) -> int:
    """Whether the ballot is in the record and was counted: in a round whose counts the
    committee decrypted, in a record where no check failed (exit 0), or not (exit 1)."""
    found = find_tracker(record, args.tracker)
    if found is None:
        audited = find_audited(record, args.tracker)
        if audited is not None:
            return run_audited(record, args, audited)
    report = verify_record(record, workers=args.workers, font_dir=args.fonts)
    state = replay(events_of(record.events))
    entry = state.rounds.get(found[0]) if found else None
    counted = entry is not None and entry.counts is not None and report.verdict != UNSOUND
    answer = {
        "tracker": args.tracker,
        "found": found is not None,
        "round": None if found is None else found[0],
        "counted": counted,
        "record_ok": report.passed,
        "verdict": report.verdict,
    }
    if args.json:
        print(json.dumps(answer, ensure_ascii=False))
    elif found is None:
        print(
            "Không tìm thấy phiếu có mã này trong hồ sơ."
            if args.lang != "en"
            else "No ballot with this tracker is in the record."
        )
    else:
        vi = f"Phiếu {args.tracker} có trong hồ sơ (vòng {found[0]}) và " + (
            "đã được kiểm." if counted else "hồ sơ có lỗi — xem báo cáo đầy đủ."
        )
        en = f"Ballot {args.tracker} is in the record (round {found[0]}) and " + (
            "was counted." if counted else "the record has errors — see the full report."
        )
        print(en if args.lang == "en" else vi)
    return 0 if counted else 1
