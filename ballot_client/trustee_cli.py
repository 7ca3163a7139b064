"""``phieukin trustee URL``: a committee member with a laptop instead of a phone.

A thin shell over ``ballot_client.committee`` — the same member the demo simulates and the tests
drive — that keeps the member's secrets in an encrypted backup file (``--backup``, the format of
the committee page, ``ballot_client.keystore``) and talks to the member on the terminal:

- first use of the link: the key is made and saved in the backup, the link is claimed with it
  (a link another device claimed raises the alarm instead), then the ceremony runs; before the
  election is confirmed the member compares their key fingerprint with the projector;
- after voting closes: every check of PROTOCOL.md §15 (the signed log from event 0 under the
  pinned server key, the round rule, every ballot, the aggregate as the plain sum, the ballot
  count against the tokens, a recorded reason for a small round); the numbers are shown, and the
  decryption share is sent only if every check passes — else the named reason is printed;
- once the chair has made the minute: it is checked and co-signed after the member agrees.

A later round that reuses the committee's keys (a runoff, or a round of another kind) is done
with the same link and backup: the command follows the latest round the signed log shows to
reuse these keys (or ``--round K``), never a round the server merely names.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import aiohttp

from ballot_client.committee import CommitteeMember, MemberFailure, groups
from ballot_client.keystore import (
    BackupError,
    TrusteeRecord,
    backup_file_name,
    decrypt_backup,
    encrypt_backup,
    write_backup,
)
from ballot_client.remote import CREDENTIAL_HEADER, MeetingClient, ServerError
from tally.errors import DecryptionRefused
from tally.fingerprint import election_code
from tally.manifest import Manifest
from tally.minute import level_title
from tally.rules.kind_wording import outcome_words, votes_words
from tally.rules.trace import step_from_json
from tally.rules.wording import reasons

POLL_SECONDS = 1.0

REASONS = {
    "log.server-key": "bản ghi không được ký bằng khóa máy chủ mà thiết bị đã ghi nhớ",
    "log.shape": "bản ghi sự kiện bị hỏng",
    "log.format": "bản ghi sự kiện bị hỏng",
    "log.sequence": "bản ghi sự kiện bị thiếu hoặc sai thứ tự",
    "log.chain": "chuỗi băm của bản ghi bị đứt",
    "log.hash": "một sự kiện đã bị sửa sau khi ký",
    "log.signature": "chữ ký máy chủ trên bản ghi không hợp lệ",
    "log.rewritten": "bản ghi đã bị viết lại so với lần kiểm tra trước",
    "round.missing": "vòng này không có trong bản ghi đã ký",
    "round.repeated": "bản ghi có sự kiện của vòng này bị lặp",
    "round.keys": "vòng này không phải vòng của khóa này, cũng không phải vòng bỏ phiếu thêm "
    "của một vòng đã kiểm xong",
    "round.election": "cuộc bầu của vòng này không phải cuộc bầu do khóa của đồng chí tạo",
    "round.not-closed": "vòng này chưa kết thúc bỏ phiếu",
    "ballots.window": "có phiếu được nhận ngoài thời gian bỏ phiếu",
    "ballots.token": "có phiếu dùng mã phiếu không được phát",
    "ballots.token-reused": "có mã phiếu được dùng hai lần",
    "ballots.missing": "máy chủ không đưa đủ các phiếu đã nhận",
    "ballots.extra": "máy chủ đưa phiếu không có trong bản ghi",
    "ballots.proof": "có phiếu với chứng minh không hợp lệ (có thể là bản sao nhân lên của "
    "phiếu khác)",
    "ballots.binding": "có phiếu không phải là phiếu (hoặc mã phiếu) ghi trong bản ghi",
    "ballots.possession": "có phiếu không có chữ ký của chính mã phiếu đã bỏ nó",
    "aggregate.count": "số phiếu ghi khi kết thúc không khớp số phiếu đã nhận",
    "aggregate.sum": "tổng mã hóa máy chủ đưa ra không phải tổng của các phiếu đã nhận",
    "round.small": "vòng có quá ít phiếu và chủ tọa chưa ghi lý do",
}


class TrusteeFailure(Exception):
    """Stops the command with a message for the member and an exit status."""

    def __init__(self, message: str, status: int = 1) -> None:
        super().__init__(message)
        self.status = status


def parse_committee_url(url: str) -> tuple[str, str, int | None]:
    """Split ``http://host:port/committee#c=CREDENTIAL&r=1`` into base URL, credential, round."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise TrusteeFailure("đường dẫn cần dạng http://máy-chủ:cổng/committee#c=…&r=…", 2)
    fragment = parse_qs(parts.fragment)
    credential = fragment.get("c", [""])[0]
    number = fragment.get("r", [""])[0]
    if not credential:
        raise TrusteeFailure("đường dẫn không có mã thành viên (#c=…)", 2)
    return (
        f"{parts.scheme}://{parts.netloc}",
        credential,
        int(number) if number.isdigit() else None,
    )


class PassphraseSource:
    """The passphrase, from ``--passphrase-file`` (first line) or asked once on the terminal."""

    def __init__(self, file: Path | None) -> None:
        self.file = file
        self.value: str | None = None

    def get(self, confirm: bool) -> str:
        if self.value is not None:
            return self.value
        if self.file is not None:
            lines = self.file.read_text(encoding="utf-8").splitlines()
            value = lines[0] if lines else ""
        else:
            value = getpass.getpass("Mật khẩu tệp sao lưu: ")
            if confirm and getpass.getpass("Nhập lại mật khẩu: ") != value:
                raise TrusteeFailure("hai lần nhập mật khẩu không giống nhau", 2)
        if len(value) < 8:
            raise TrusteeFailure("mật khẩu cần ít nhất 8 ký tự", 2)
        self.value = value
        return value


class BackupKeeper:
    """The member's secrets, only in the encrypted backup file."""

    def __init__(self, path: Path, passphrase: PassphraseSource) -> None:
        self.path = path
        self.passphrase = passphrase

    def load(self) -> TrusteeRecord | None:
        if not self.path.exists():
            return None
        try:
            return decrypt_backup(self.path.read_bytes(), self.passphrase.get(confirm=False))
        except BackupError as error:
            if error.check == "passphrase":
                raise TrusteeFailure("sai mật khẩu, hoặc tệp sao lưu đã bị thay đổi") from None
            raise TrusteeFailure(f"tệp sao lưu không đọc được ({error.check}): {error}") from None

    def save(self, record: TrusteeRecord) -> None:
        write_backup(self.path, encrypt_backup(record, self.passphrase.get(confirm=True)))


def ask_on_terminal(question: str) -> bool:
    """Ask the member on the terminal; without one, refuse (``--yes`` answers beforehand)."""
    if not sys.stdin.isatty():
        raise TrusteeFailure(
            "cần đồng chí xác nhận nhưng không có terminal để hỏi; chạy lại với --yes nếu đã "
            "kiểm tra nội dung in ra",
            2,
        )
    return input(question).strip().lower() in ("c", "có", "co", "y", "yes")


class Session:
    """One run of ``phieukin trustee`` for one member."""

    def __init__(
        self,
        member: CommitteeMember,
        out: Any = sys.stdout,
        wait_seconds: float = 600.0,
        confirm: Any = None,
        target: int | None = None,
    ) -> None:
        self.member = member
        self.out = out
        self.deadline = time.monotonic() + wait_seconds
        self.confirm = confirm or ask_on_terminal
        self.target = target
        member.projector_shows = self.projector_shows

    def say(self, text: str) -> None:
        print(text, file=self.out, flush=True)

    def projector_shows(self, fingerprint: str) -> bool:
        name = self.member.name(self.member.index)
        self.say(f"Mã khóa của đồng chí ({name}): {fingerprint}")
        return self.confirm("Màn chiếu có hiện đúng mã này cạnh tên đồng chí không? [c/K] ")

    async def run(self) -> int:
        member = self.member
        await member.join()
        manifest = member.manifest
        assert manifest is not None
        self.say(
            f"{member.name(member.index).capitalize()} — hội nghị "
            f"{(manifest.data.get('meeting') or {}).get('id', '')}, vòng {member.link_round}, "
            f"ngưỡng {manifest.threshold}/{manifest.committee_size}; mã khóa {member.fingerprint}"
        )
        state = await self.ceremony()
        if state != "published":
            return 1
        try:
            return await self.after_ceremony()
        except DecryptionRefused as refused:
            self.refuse(refused)
            return 1

    def refuse(self, refused: DecryptionRefused) -> None:
        self.say(
            f"TỪ CHỐI GIẢI MÃ ({refused.check}): {REASONS.get(refused.check, refused.check)} "
            f"— {refused.subject}. Không gửi phần giải mã; hãy báo ban kiểm phiếu và chủ tọa."
        )

    async def after_ceremony(self) -> int:
        """The round this member's keys may decrypt now: wait, decrypt, or co-sign the minute."""
        member = self.member
        rounds = await member.round_checker().rounds()
        number = self.target or rounds[-1]
        if number not in rounds:
            raise TrusteeFailure(
                f"vòng {number} không phải vòng của khóa này hay vòng bỏ phiếu thêm của nó "
                "trong bản ghi đã ký"
            )
        if number != member.link_round:
            self.say(f"Vòng {number} dùng lại khóa của vòng {member.link_round} (bỏ phiếu thêm).")
        phase = (await member.client.get(f"/api/rounds/{number}/election"))["phase"]
        if phase in ("ready", "open"):
            self.say(
                "Khóa đã được tạo xong. Chạy lại lệnh này sau khi kết thúc bỏ phiếu để giải mã."
            )
            return 0
        if phase == "closed" and not await self.decrypt(number):
            return 1
        return await self.sign_minute()

    async def ceremony(self) -> str:
        said = ""
        while True:
            state = await self.member.step()
            if state in ("published", "abandoned"):
                if state == "abandoned":
                    self.say("Chủ tọa đã hủy lễ tạo khóa của vòng này; hãy dùng đường dẫn mới.")
                return state
            if state == "waiting-projector":
                self.say(
                    "Không xác nhận: màn chiếu không hiện đúng mã khóa của đồng chí. Hãy báo ngay "
                    "cho chủ tọa và ban kiểm phiếu."
                )
                return state
            if state != said:
                self.say(WAITING.get(state, state))
                said = state
            if time.monotonic() > self.deadline:
                raise TrusteeFailure(f"hết thời gian chờ: {WAITING.get(state, state)}")
            await asyncio.sleep(POLL_SECONDS)

    async def decrypt(self, number: int) -> bool:
        try:
            checked = await self.member.check_round(number)
        except DecryptionRefused as refused:
            self.refuse(refused)
            return False
        self.say(
            f"Đã kiểm tra vòng {number}: bản ghi ký từ sự kiện 0, {checked.ballots} phiếu (mọi "
            f"chứng minh hợp lệ) trên {checked.tokens} mã phiếu, tổng là tổng của đúng các phiếu "
            f"đó; dấu vân tay cuộc bầu {election_code(checked.context.fingerprint)}."
        )
        if checked.override_reason is not None:
            self.say(f"Vòng có ít phiếu; lý do chủ tọa ghi: «{checked.override_reason}».")
            if not self.confirm("Vẫn giải mã vòng này? [c/K] "):
                self.say("Không giải mã.")
                return False
        counted = await self.member.decrypt(checked)
        self.say(
            f"Giải mã tổng hợp của vòng {number}: {checked.ballots} phiếu. "
            + (
                "Đã đủ phần giải mã: kiểm phiếu xong."
                if counted
                else "Đã gửi phần giải mã. Chờ các thành viên khác."
            )
        )
        return True

    async def sign_minute(self) -> int:
        """Co-sign the current minute, after checking it is what this member is shown."""
        member = self.member
        try:
            document = await member.client.get("/api/minute")
        except ServerError as error:
            if error.status != 404:
                raise
            self.say(
                "Chưa có biên bản kiểm phiếu để ký (chủ trì chưa lập biên bản). "
                "Chạy lại lệnh này sau khi biên bản được lập."
            )
            return 0
        digest = await member.minute_to_sign(document)
        signatures = [s for s in document.get("signatures") or [] if isinstance(s, dict)]
        total = len(document["minute"]["committee"])
        if any(s.get("trustee") == member.index for s in signatures):
            self.say(
                f"Thành viên {member.index} đã ký biên bản này rồi (dấu vân tay {groups(digest)}). "
                f"Ban kiểm phiếu đã ký {len(signatures)}/{total}."
            )
            return 0
        for line in minute_summary(document["minute"], digest):
            self.say(line)
        if not self.confirm("Ký số biên bản này? [c/K] "):
            self.say("Không ký biên bản.")
            return 1
        await member.sign_minute(document)
        self.say(f"Đã ký biên bản kiểm phiếu. Ban kiểm phiếu đã ký {len(signatures) + 1}/{total}.")
        return 0


WAITING = {
    "waiting-announcements": "Đã gửi khóa; chờ các thành viên khác gửi thông báo khóa.",
    "waiting-shares": "Chờ các phần khóa gửi cho đồng chí.",
    "waiting-reveal": "Một phần khóa nhận được không đúng: đã khiếu nại, chờ người gửi công bố.",
    "waiting-confirmations": "Đã xác nhận. Chờ các thành viên khác xác nhận.",
    "waiting-projector": "Chưa xác nhận: màn chiếu phải hiện đúng mã khóa của đồng chí.",
}


def minute_summary(minute: dict[str, Any], digest: str) -> list[str]:
    """What the member signs, in plain words: the meeting, per round and person the proposed
    level, the fingerprint."""
    meeting = minute.get("meeting") or {}
    roll = minute.get("roll") or {}
    lines = [
        "Biên bản kiểm phiếu sẽ được ký:",
        f"  Hội nghị: {meeting.get('title', '')} — {meeting.get('cell', '')}",
        "  Thời gian, địa điểm: "
        + " · ".join(
            x
            for x in (
                "–".join(t for t in (meeting.get("start_time"), meeting.get("end_time")) if t),
                meeting.get("date"),
                meeting.get("locality"),
                meeting.get("place"),
            )
            if x
        ),
        f"  Có mặt bỏ phiếu: {roll.get('voters', '?')}; cơ sở tính tỷ lệ: {roll.get('base', '?')}",
    ]
    names = {"collectives": (minute.get("names") or {}).get("collectives", {}), "groups": {}}
    for entry in minute.get("rounds", []):
        kind = entry.get("kind", "rating")
        lines.append(
            f"  Vòng {entry.get('round')}: {entry.get('ballots')} phiếu thu về / "
            f"{entry.get('voters')} người bỏ phiếu. "
            + ("Mức đề xuất:" if kind in ("rating", "runoff") else "Kết quả:")
        )
        people = entry.get("subjects") or [
            c for q in entry.get("questions", []) for c in q.get("candidates", [])
        ]
        for subject in people:
            level = subject.get("level")
            if kind not in ("rating", "runoff"):  # a confidence vote, yes/no, self-rating
                votes = votes_words(subject.get("votes", {}))
                lines.append(
                    f"    - {subject.get('name', '')}: {outcome_words(kind, subject)} [{votes}]"
                )
                continue
            if subject.get("quota") == "tie":
                words = "bằng phiếu ở ranh giới tỷ lệ XS"
            elif level:
                words = f"{level_title(level)} ({level})"
            elif subject.get("status") == "not_rated":
                words = "không xếp loại"
            else:
                words = "chưa xác định — chuyển cấp ủy cấp trên"
            raw = subject.get("votes", {})
            votes = (
                f"được chọn {raw}"
                if isinstance(raw, int)
                else " · ".join(f"{code} {raw.get(code, 0)}" for code in ("XS", "TOT", "HT", "KHT"))
            )
            steps = [step_from_json(s) for s in subject.get("steps", [])]
            why = "".join(
                f" — {line}" for line in reasons([s for s in steps if s.code == "cap"], "vi", names)
            )
            lines.append(f"    - {subject.get('name', '')}: {words}{why} [{votes}]")
    proposal = minute.get("proposal") or {}
    if proposal.get("subjects"):
        lines.append("  Đề xuất của chi bộ (tổng hợp các vòng):")
        for subject in proposal["subjects"]:
            level = subject.get("level")
            if subject.get("quota") == "tie":
                words = "bằng phiếu ở ranh giới tỷ lệ XS, chờ bỏ phiếu thêm"
            elif subject.get("status") == "pending":
                words = "chờ kết quả xếp loại công chức, viên chức"
            else:
                words = f"{level_title(level)} ({level})" if level else "chưa xác định"
            lines.append(f"    - {subject.get('name', '')}: {words}")
    lines.append(f"  Dấu vân tay biên bản: {groups(digest)}")
    return lines


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "trustee",
        help="thành viên ban kiểm phiếu trên máy tính (a committee member on a laptop)",
        description=(
            "Tham gia lễ tạo khóa, kiểm tra rồi giải mã kết quả sau khi kết thúc bỏ phiếu, hoặc "
            "ký biên bản kiểm phiếu, bằng đường dẫn riêng của thành viên ban kiểm phiếu. Khóa "
            "chỉ được giữ trong tệp sao lưu mã hóa."
        ),
    )
    parser.add_argument("url", help="đường dẫn thành viên: http://…/committee#c=…&r=…")
    parser.add_argument(
        "--backup",
        type=Path,
        help="tệp sao lưu khóa (mặc định: phieukin-<hội nghị>-r<vòng>-thanhvien<số>.json)",
    )
    parser.add_argument("--passphrase-file", type=Path, help="đọc mật khẩu từ dòng đầu của tệp này")
    parser.add_argument(
        "--wait", type=float, default=600.0, help="số giây tối đa chờ các thành viên khác"
    )
    parser.add_argument(
        "--round",
        type=int,
        help=(
            "vòng cần giải mã hoặc ký (mặc định: vòng mới nhất dùng lại khóa của đường dẫn, "
            "ví dụ vòng bỏ phiếu thêm)"
        ),
    )
    parser.add_argument(
        "--workers", type=int, default=2, help="số tiến trình kiểm tra phiếu (mặc định 2)"
    )
    parser.add_argument(
        "--yes",
        action="store_true",
        help="không hỏi lại (màn chiếu đã được đối chiếu; biên bản in ra vẫn được ký)",
    )
    parser.set_defaults(func=run_trustee)


async def session_for(
    client: MeetingClient, url: str, args: argparse.Namespace, out: Any = sys.stdout
) -> Session:
    """The session of ``phieukin trustee`` for ``args`` (tests drive it in their event loop)."""
    _, credential, url_round = parse_committee_url(url)
    number = url_round or (await client.status())["round"]
    if number is None:
        raise TrusteeFailure("hội nghị chưa có vòng bỏ phiếu nào")
    backup = args.backup
    if backup is None:
        headers = {CREDENTIAL_HEADER: credential}
        me = await client.get(f"/api/rounds/{number}/ceremony/me", headers=headers)
        manifest = Manifest.from_json(
            (await client.get(f"/api/rounds/{number}/ceremony"))["manifest"]
        )
        meeting = (manifest.data.get("meeting") or {}).get("id") or manifest.hash.hex()[:16]
        backup = Path(backup_file_name(meeting, number, me["trustee"]))
    target = getattr(args, "round", None)
    if target is not None and target < 1:
        raise TrusteeFailure("--round cần một số vòng từ 1 trở lên", 2)
    keeper = BackupKeeper(backup, PassphraseSource(args.passphrase_file))
    member = CommitteeMember(
        client, credential, number, keeper, workers=max(1, getattr(args, "workers", 1))
    )
    confirm = (lambda _question: True) if getattr(args, "yes", False) else None
    return Session(member, out, args.wait, confirm, target)


async def _run(args: argparse.Namespace) -> int:
    base, _, _ = parse_committee_url(args.url)
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as session:
        run = await session_for(MeetingClient(session, base), args.url, args)
        return await run.run()


def run_trustee(args: argparse.Namespace) -> int:
    try:
        return asyncio.run(_run(args))
    except (TrusteeFailure, MemberFailure) as error:
        print(f"Lỗi: {error}")
        return getattr(error, "status", 1)
    except ServerError as error:
        print(f"Máy chủ từ chối ({error.code}): {error.message_vi}")
        return 1
    except aiohttp.ClientError as error:
        print(f"Lỗi mạng: {error}")
        return 1
