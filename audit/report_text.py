"""The verification report for people: every check named in Vietnamese (default) or English."""

from __future__ import annotations

from collections import OrderedDict

from audit.findings import FAILED, FINAL, INCOMPLETE, INTERIM, PASSED, PENDING, Report

CHECKS: dict[str, tuple[str, str]] = {
    "log.present": ("Nhật ký sự kiện có dữ liệu", "The event log is present"),
    "log.server_key": ("Khóa ký của máy chủ (sự kiện 0)", "The server key (event 0)"),
    "log.chain": ("Chuỗi băm, thứ tự và chữ ký của nhật ký", "Log chain, order and signatures"),
    "log.shape": ("Cấu trúc mục nhật ký", "Log entry shape"),
    "log.format": ("Định dạng sự kiện", "Event format"),
    "log.sequence": ("Thứ tự sự kiện liền mạch", "Events numbered without gaps"),
    "log.hash": ("Mã băm từng sự kiện", "Each event's hash"),
    "log.signature": ("Chữ ký máy chủ trên từng sự kiện", "The server signature on each event"),
    "log.types": ("Loại sự kiện đều hợp lệ", "Every event type is known"),
    "index.server_key": ("Mục lục ghi đúng khóa máy chủ", "The index names the server key"),
    "index.head": ("Mục lục ghi đúng sự kiện cuối", "The index names the log's head"),
    "round.started": ("Có sự kiện bắt đầu vòng", "The round was started"),
    "round.manifest": ("Bản kê phiếu và dấu vân tay", "The manifest and its hash"),
    "ceremony.announcement": (
        "Chứng minh khóa của thành viên ban kiểm phiếu",
        "A committee member's key proofs",
    ),
    "ceremony.shares": ("Phần khóa gửi đủ cho các thành viên", "Key shares sent to every member"),
    "ceremony.confirmed": ("Mọi thành viên xác nhận phần khóa", "Every member confirmed"),
    "ceremony.claim": (
        "Thiết bị của thành viên nhận đường dẫn bằng khóa của mình",
        "A member's device claimed the link with its own key",
    ),
    "ceremony.signatures": (
        "Mọi tin nhắn lễ tạo khóa có chữ ký của thành viên gửi",
        "Every ceremony message is signed by its member",
    ),
    "ceremony.confirmed_election": (
        "Thành viên xác nhận đúng khóa bầu cử đã công bố",
        "Members confirmed the election that was published",
    ),
    "ceremony.dispute": (
        "Khiếu nại về phần khóa được giải quyết công khai",
        "A complaint about a share settled in the open",
    ),
    "ceremony.settled": (
        "Không còn khiếu nại chưa giải quyết khi công bố khóa",
        "No complaint left unsettled at publication",
    ),
    "round.abandoned": (
        "Vòng hủy lễ tạo khóa không có khóa và không có phiếu",
        "An abandoned round has no election and no vote",
    ),
    "election.published": ("Khóa bầu cử được công bố", "The election key was published"),
    "election.joint_key": ("Khóa chung đúng từ các cam kết", "The joint key from the commitments"),
    "election.reused_keys": (
        "Vòng phụ dùng đúng khóa của ban kiểm phiếu",
        "A further round reuses the committee's keys",
    ),
    "election.format": ("Định dạng khóa bầu cử", "The election format"),
    "election.fingerprint": ("Dấu vân tay cuộc bầu", "The election fingerprint"),
    "tokens.commitment": ("Cam kết danh sách mã phiếu", "The token-hash commitment"),
    "tokens.issued": ("Số mã phiếu phát ra", "Tokens issued"),
    "tokens.voters": (
        "Số mã phiếu bằng số người có mặt được bỏ phiếu",
        "Tokens equal those present entitled to vote",
    ),
    "ballots.window": ("Phiếu nhận trong thời gian bỏ phiếu", "Ballots accepted while open"),
    "ballots.token_once": ("Mỗi mã phiếu dùng một lần", "Each token used once"),
    "ballots.token_issued": ("Mã phiếu đã phát và không bị hủy", "Tokens issued, not cancelled"),
    "ballots.count": ("Số phiếu không quá số mã phiếu", "No more ballots than tokens"),
    "ballots.closed_count": ("Số phiếu khi kết thúc", "The ballot count at closing"),
    "ballots.proofs": ("Chứng minh không tiết lộ của từng phiếu", "Every ballot's proofs"),
    "ballots.binding": (
        "Phiếu đúng là phiếu đã nhận với mã phiếu của nó",
        "Each ballot is the one accepted with its token",
    ),
    "ballots.order": ("Phiếu xếp theo mã theo dõi", "Ballots in tracker order"),
    "ballots.duplicate": ("Không có phiếu trùng", "No duplicate ballot"),
    "ballots.on_file": ("Hồ sơ có đúng các phiếu đã nhận", "Exactly the accepted ballots on file"),
    "ballots.possession": (
        "Phiếu được gửi kèm chữ ký của mã phiếu (không lộ mã phiếu)",
        "Each ballot was signed with its token's key (the token never sent)",
    ),
    "audits.opening": (
        "Phiếu kiểm tra mở ra đúng các lựa chọn nó ghi",
        "Each audited ballot opens to the choices it claims",
    ),
    "audits.tracker": ("Mã theo dõi của phiếu kiểm tra", "Each audited ballot's tracker"),
    "audits.not_cast": (
        "Phiếu kiểm tra không được bỏ vào hòm",
        "No audited ballot was also cast",
    ),
    "audits.duplicate": ("Phiếu kiểm tra ghi một lần", "Each audited ballot logged once"),
    "audits.window": (
        "Phiếu kiểm tra nhận sau khi mở bỏ phiếu",
        "Audited ballots received after voting opened",
    ),
    "aggregate": ("Tổng mã hóa bằng tích các phiếu", "The aggregate is the product of the ballots"),
    "decryption.share": ("Chứng minh giải mã của thành viên", "A member's decryption proofs"),
    "decryption.counts": ("Kết quả giải mã", "The decrypted counts"),
    "decryption.small_round": (
        "Vòng ít phiếu chỉ giải mã khi chủ tọa đã ghi lý do",
        "A small round decrypted only with the chair's recorded reason",
    ),
    "decisions.input": (
        "Số phiếu đưa vào quy tắc đúng kết quả giải mã",
        "The rules were given the decrypted counts",
    ),
    "decisions.roll": ("Cơ sở và số có mặt đưa vào quy tắc", "The roll given to the rules"),
    "decisions.rerun": ("Chạy lại quy tắc cho cùng kết luận", "Re-running the rules agrees"),
    "decisions.profile": (
        "Quy tắc đã áp dụng đúng bộ quy tắc và cách tính ghi trong bản kê phiếu",
        "The rules applied are the profile and options the manifest names",
    ),
    "decisions.runoff": (
        "Bỏ phiếu thêm tính trên số chỗ còn lại của vòng trước",
        "The runoff is decided on the places the earlier rounds left",
    ),
    "minute.present": ("Biên bản có trong nhật ký", "The minute is in the log"),
    "minute.digest": ("Dấu vân tay biên bản", "The minute's fingerprint"),
    "minute.server_signature": ("Chữ ký máy chủ trên biên bản", "The server's signature"),
    "minute.signature": ("Chữ ký thành viên ban kiểm phiếu", "A committee member's signature"),
    "minute.content": ("Nội dung biên bản khớp hồ sơ", "The minute matches the record"),
    "minute.pdf": ("Tệp PDF biên bản đúng bản đã ghi", "The PDF is the one recorded"),
    "extends.prefix": ("Hồ sơ mới nối tiếp hồ sơ cũ", "The new record extends the old one"),
    "record.format": ("Định dạng hồ sơ", "The record's format"),
    "record.structure": (
        "Hồ sơ có cấu trúc kiểm tra được",
        "The record has a structure the checks can read",
    ),
    "record.encoding": ("Mã hóa JSON chuẩn từng dòng", "Canonical JSON, line by line"),
    "record.files": ("Hồ sơ có đúng các tệp đã liệt kê", "Exactly the files listed"),
    "index.meeting": ("Mục lục ghi đúng cuộc họp", "The index names the meeting"),
    "index.rounds": ("Mục lục ghi đúng số phiếu mỗi vòng", "The index's ballots per round"),
    "index.files": ("Mục lục liệt kê đúng các tệp", "The index lists the right files"),
    "index.format": ("Định dạng mục lục", "The index's format"),
    "log.body": ("Nội dung từng sự kiện đúng cấu trúc", "Every event body has its shape"),
    "setup.order": ("Cuộc họp và danh sách cố định trước vòng 1", "Setup fixed before round 1"),
    "setup.roster": ("Số đảng viên trong danh sách", "The roster's counts"),
    "setup.rated": ("Người được đánh giá có trong danh sách", "Those rated are on the roster"),
    "setup.committee": (
        "Ban kiểm phiếu là đảng viên chính thức trong danh sách",
        "The committee are official members on the roster",
    ),
    "roll.counts": (
        "Các con số điểm danh, cơ sở tính và túc số",
        "The roll's counts, base and quorum",
    ),
    "round.meeting": ("Bản kê phiếu ghi đúng cuộc họp", "The manifest names the meeting"),
    "round.committee": ("Bản kê phiếu ghi đúng ban kiểm phiếu", "The manifest's committee"),
    "round.roll": ("Vòng có ghi danh sách được đánh giá", "The round logs who it rates"),
    "round.subjects": ("Đúng những người được đánh giá", "The right members are rated"),
    "round.runoff": (
        "Vòng bỏ phiếu thêm đúng những người bằng phiếu",
        "A runoff rates exactly the tied members",
    ),
    "round.order": ("Các bước của vòng theo đúng thứ tự", "The round's steps in order"),
    "round.convened": (
        "Số người được triệu tập và có mặt của vòng lấy phiếu tín nhiệm",
        "Those convened to a confidence vote, and those present",
    ),
    "round.options": (
        "Túc số của vòng biểu quyết theo cách tính của cuộc họp",
        "A yes/no round's quorum is the meeting's",
    ),
    "collectives.from_round": (
        "Mức xếp loại tập thể lấy đúng kết quả chi bộ tự xếp loại",
        "A collective's level is the one the cell voted for itself",
    ),
    "tokens.cancelled": ("Mã phiếu bị hủy", "Cancelled tokens"),
    "tokens.unused": ("Số mã phiếu không sử dụng", "Unused tokens"),
    "minute.cosigned": (
        "Biên bản có đủ chữ ký số của ban kiểm phiếu",
        "The minute carries enough committee signatures",
    ),
    "minute.pdf_render": (
        "Tệp PDF đúng là bản in của biên bản đã ký",
        "The PDF is the rendering of the signed minute",
    ),
    "minute.json": ("minute.json đúng biên bản đã ký", "minute.json is the signed minute"),
}
MARKS = {PASSED: "✓", FAILED: "✗", PENDING: "○"}


def describe(check: str, lang: str) -> str:
    vi, en = CHECKS.get(check, (check, check))
    return en if lang == "en" else vi


def _conclusion(report: Report, lang: str) -> str:
    total = len(report.findings)
    verdict = report.verdict
    reasons = "; ".join(
        f.detail for f in report.findings if f.status not in (PASSED, FAILED) and f.detail
    )
    if verdict == FINAL:
        if lang == "en":
            return f"RESULT: the record is sound — all {total} checks passed; it is final."
        return f"KẾT LUẬN: hồ sơ hợp lệ — {total} kiểm tra đều đạt; hồ sơ đã hoàn tất."
    if verdict == INTERIM:
        if lang == "en":
            return (
                f"RESULT: an INTERIM record — no check failed, but it does not prove a final "
                f"result: {reasons}. (exit code 3)"
            )
        return (
            f"KẾT LUẬN: hồ sơ TẠM THỜI — không kiểm tra nào sai, nhưng hồ sơ chưa chứng minh "
            f"kết quả cuối cùng: {reasons}. (mã thoát 3)"
        )
    if verdict == INCOMPLETE:
        if lang == "en":
            return (
                f"RESULT: NOT FULLY CHECKED — no check failed, but this machine could not "
                f"make every check: {reasons}. (exit code 4)"
            )
        return (
            f"KẾT LUẬN: CHƯA KIỂM TRA ĐỦ — không kiểm tra nào sai, nhưng máy này không làm "
            f"được mọi kiểm tra: {reasons}. (mã thoát 4)"
        )
    failures = len(report.failures)
    if lang == "en":
        return f"RESULT: the record is NOT sound — {failures} of {total} checks failed."
    return f"KẾT LUẬN: hồ sơ KHÔNG hợp lệ — {failures} trên {total} kiểm tra không đạt."


def render(report: Report, lang: str = "vi", verbose: bool = False) -> str:
    """A readable report: one line per check (grouped), every finding that is not a pass with
    its subject, and the verdict."""
    grouped: OrderedDict[str, list] = OrderedDict()
    for finding in report.findings:
        grouped.setdefault(finding.check, []).append(finding)
    lines = []
    for check, findings in grouped.items():
        statuses = {f.status for f in findings}
        worst = next((m for m in (FAILED, PENDING) if m in statuses), None)
        worst = worst or (PASSED if statuses == {PASSED} else "?")
        mark = MARKS.get(worst, "?")
        count = f" ({len(findings)})" if len(findings) > 1 else ""
        lines.append(f"{mark} {describe(check, lang)}{count}  [{check}]")
        for finding in findings if verbose else [f for f in findings if not f.ok]:
            detail = f": {finding.detail}" if finding.detail else ""
            lines.append(f"    – {finding.subject}{detail}")
    lines.append(_conclusion(report, lang))
    return "\n".join(lines)
