"""A member of the vote-counting committee, in Python: the one implementation that ``phieukin
trustee``, the demo's simulated committee and the tests all drive (the committee page drives its
JavaScript mirror, ``ballot_client/js/committee.mjs``).

The member's device claims the link with its own key and pins the server's key (PROTOCOL.md
§14.1), keeps its secrets (``keystore``) before anything depending on them leaves it, signs every
ceremony message (§14.2), checks every other member's signed announcement and share, settles a
bad share in the open (§14.3) and confirms the election only after the member has compared their
key fingerprint with the projector (§14.4, §16). Before it decrypts, it checks the round in the
signed log, every ballot and the aggregate (``committee_checks``, §15); it co-signs the minute
only after recomputing its digest. Nothing here trusts the server for what it acts on.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from nacl.signing import SigningKey

from ballot_client.committee_ceremony import CeremonySteps, MemberFailure
from ballot_client.committee_checks import RoundChecker
from ballot_client.keystore import (
    TrusteeRecord,
    record_from_trustee,
)
from ballot_client.remote import CREDENTIAL_HEADER, MeetingClient, ServerError
from tally.committee_message import sign_message
from tally.crypto import ceremony
from tally.crypto.group import RISTRETTO255
from tally.crypto.nonces import NonceSource, system_nonce
from tally.crypto.signatures import sign
from tally.decryption import make_decryption_share
from tally.errors import TallyError
from tally.fingerprint import member_fingerprint
from tally.manifest import Manifest
from tally.minute import SIGNATURE_PURPOSE, minute_digest
from tally.round_check import CheckedRound, followable_rounds, pinned_key

GROUP = RISTRETTO255


class Keeper(Protocol):
    """Where a device keeps the member's secrets: memory, or an encrypted backup file."""

    def load(self) -> TrusteeRecord | None: ...

    def save(self, record: TrusteeRecord) -> None: ...


class MemoryKeeper:
    """Secrets kept in this process only (simulated members, tests)."""

    def __init__(self, record: TrusteeRecord | None = None) -> None:
        self.record = record

    def load(self) -> TrusteeRecord | None:
        return self.record

    def save(self, record: TrusteeRecord) -> None:
        self.record = record


class CommitteeMember(CeremonySteps):
    """One committee member's device, speaking the server's HTTP API."""

    def __init__(
        self,
        client: MeetingClient,
        credential: str,
        link_round: int,
        keeper: Keeper,
        *,
        nonces: NonceSource = system_nonce,
        projector_shows: Callable[[str], bool] = lambda _fingerprint: True,
        workers: int = 1,
    ) -> None:
        self.client = client
        self.headers = {CREDENTIAL_HEADER: credential}
        self.link_round = link_round
        self.keeper = keeper
        self.nonces = nonces
        self.projector_shows = projector_shows
        self.index = 0
        self.manifest: Manifest | None = None
        self.record: TrusteeRecord | None = None
        self.checker: RoundChecker | None = None
        self.workers = workers
        self.announcement: ceremony.Announcement | None = None

    # --- who this is, and the link ---------------------------------------------------------------

    @property
    def path(self) -> str:
        return f"/api/rounds/{self.link_round}/ceremony"

    def name(self, index: int) -> str:
        members = self.manifest.data["committee"]["members"] if self.manifest else []
        name = members[index - 1].get("name", "") if 1 <= index <= len(members) else ""
        return f"thành viên {index} ({name})" if name else f"thành viên {index}"

    @property
    def signing_key(self) -> bytes:
        assert self.record is not None
        return SigningKey(self.record.signing_seed).verify_key.encode()

    @property
    def fingerprint(self) -> str:
        return member_fingerprint(self.signing_key)

    async def join(self) -> None:
        """Learn who this link is for; claim it with this device's key (made and kept first),
        or, on a device without the key for a link another device claimed, raise the alarm."""
        me = await self.client.get(f"{self.path}/me", headers=self.headers)
        self.index = me["trustee"]
        state = await self.client.get(self.path)
        self.manifest = Manifest.from_json(state["manifest"])
        self.record = self.keeper.load()
        if self.record is not None and (
            self.record.index != self.index
            or self.record.round != self.link_round
            or self.record.manifest_hash != self.manifest.hash.hex()
        ):
            raise MemberFailure(
                "other_backup",
                f"tệp sao lưu là của thành viên {self.record.index}, vòng {self.record.round}, "
                "không phải của đường dẫn này",
            )
        if self.record is None:
            if me["claimed"]:
                await self.client.post(f"{self.path}/alarm", {}, headers=self.headers)
                raise MemberFailure(
                    "link_claimed",
                    f"CẢNH BÁO: đường dẫn của {self.name(self.index)} đã được một thiết bị khác "
                    "nhận. Nếu đồng chí chưa từng mở đường dẫn này, hãy báo ngay cho chủ tọa; "
                    "nếu đồng chí đổi thiết bị, hãy khôi phục từ tệp sao lưu.",
                )
            if state["phase"] != "ceremony":
                raise MemberFailure(
                    "no_key", "thiết bị này không có khóa của đồng chí: cần tệp sao lưu"
                )
            await self._make_and_keep()
        await self._claim()

    async def _make_and_keep(self) -> None:
        assert self.manifest is not None
        first = (await self.client.get("/api/log", params={"from": "0", "limit": "1"}))["entries"]
        server_key = pinned_key(first[0] if first else None).hex()
        secrets_, self.announcement = ceremony.make_trustee(
            GROUP, self.manifest.hash, self.index, self.manifest.threshold, self.nonces
        )
        meeting = self.manifest.data.get("meeting") or {}
        ids = {
            "meeting": meeting.get("id") or self.manifest.hash.hex()[:16],
            "round": self.link_round,
            "manifest_hash": self.manifest.hash.hex(),
        }
        self.record = record_from_trustee(ids, secrets_, server_key)
        self.keeper.save(self.record)  # before anything depending on it leaves this device

    async def _claim(self) -> None:
        assert self.record is not None and self.manifest is not None
        message = self._sign("claim", {"signing_key": self.signing_key.hex()})
        try:
            await self.client.post(f"{self.path}/claim", message, headers=self.headers)
        except ServerError as error:
            if error.code == "link_claimed":
                raise MemberFailure(
                    "link_claimed",
                    f"CẢNH BÁO: đường dẫn của {self.name(self.index)} đã được một thiết bị khác "
                    "nhận bằng một khóa khác; hãy báo ngay cho chủ tọa.",
                ) from None
            raise

    def _sign(self, kind: str, body: dict[str, Any]) -> dict[str, Any]:
        assert self.record is not None and self.manifest is not None
        key = SigningKey(self.record.signing_seed)
        return sign_message(key, self.manifest.hash, self.index, kind, body).to_json()

    def _save(self, record: TrusteeRecord) -> None:
        self.record = record
        self.keeper.save(record)

    # --- decrypting ------------------------------------------------------------------------------

    def round_checker(self) -> RoundChecker:
        assert self.record is not None and self.record.server_key is not None
        if self.checker is None:
            self.checker = RoundChecker(
                self.client,
                bytes.fromhex(self.record.server_key),
                key_round=self.record.round,
                index=self.index,
                signing_key=self.signing_key,
                workers=self.workers,
            )
        return self.checker

    async def check_round(self, number: int) -> CheckedRound:
        """Every check of §15 for round ``number``; raises ``DecryptionRefused`` naming why."""
        return await self.round_checker().check(number)

    async def decrypt(self, checked: CheckedRound) -> bool:
        """This member's decryption share of the aggregate the device recomputed; True once the
        count is complete."""
        assert self.record is not None
        if self.record.secret_share is None:
            raise MemberFailure("no_key", "lễ tạo khóa chưa xong trên thiết bị này")
        context = checked.context
        if GROUP.base_mul(self.record.secret_share) != context.public_share(self.index):
            raise MemberFailure(
                "wrong_key", "phần khóa bí mật không khớp với khóa của cuộc bầu này"
            )
        share = make_decryption_share(
            context, self.index, self.record.secret_share, checked.aggregate, self.nonces
        )
        try:
            answer = await self.client.post(
                f"/api/rounds/{checked.number}/decryption",
                share.to_json(context),
                headers=self.headers,
            )
        except ServerError as error:
            if error.status == 409 and error.code == "counted":
                return True
            raise
        return bool(answer.get("counted"))

    # --- the minute ------------------------------------------------------------------------------

    async def minute_to_sign(self, document: object) -> str:
        """The digest of a minute this member may co-sign, recomputed from the minute itself;
        refused (``MemberFailure`` ``minute``) when the server's digest differs, when the minute
        names another signing key for this member, or gives one of this member's rounds another
        election fingerprint than the signed log does."""
        minute = document.get("minute") if isinstance(document, dict) else None
        if not isinstance(minute, dict) or minute.get("kind") != "phieukin/minute":
            raise MemberFailure("minute", "không ký: máy chủ không gửi một biên bản hợp lệ")
        try:
            digest = minute_digest(minute).hex()
        except TallyError as error:
            raise MemberFailure(
                "minute", f"không ký: biên bản không có dạng chuẩn ({error})"
            ) from None
        if document.get("digest") != digest:  # type: ignore[union-attr]
            claimed = str(document.get("digest"))  # type: ignore[union-attr]
            raise MemberFailure(
                "minute",
                f"không ký: mã băm máy chủ gửi ({groups(claimed)}) khác mã băm tính từ nội dung "
                f"biên bản ({groups(digest)}); nội dung có thể đã bị sửa",
            )
        member = next(
            (c for c in minute.get("committee", []) if c.get("index") == self.index), None
        )
        if member is None or member.get("signing_key") != self.signing_key.hex():
            raise MemberFailure(
                "minute",
                f"không ký: biên bản không ghi khóa ký của thành viên {self.index} như trên thiết "
                "bị này",
            )
        events = await self.round_checker().refresh()
        published = {
            e["body"].get("round"): e["body"].get("fingerprint")
            for e in events
            if e.get("type") == "election-published"
        }
        mine = set(followable_rounds(events, self.record.round if self.record else 0))
        for entry in minute.get("rounds", []):
            number = entry.get("round") if isinstance(entry, dict) else None
            if number in mine and entry.get("fingerprint") != published.get(number):
                raise MemberFailure(
                    "minute",
                    f"không ký: vòng {number} trong biên bản không phải cuộc bầu trong bản ghi "
                    "(dấu vân tay khác)",
                )
        return digest

    async def sign_minute(self, document: dict[str, Any]) -> dict[str, Any]:
        """Co-sign the minute after ``minute_to_sign``; returns the signature posted."""
        assert self.record is not None
        digest = await self.minute_to_sign(document)
        key = SigningKey(self.record.signing_seed)
        body = {
            "digest": digest,
            "signature": sign(key, SIGNATURE_PURPOSE, bytes.fromhex(digest)).hex(),
        }
        try:
            await self.client.post("/api/minute/signatures", body, headers=self.headers)
        except ServerError as error:
            if error.code != "already_signed":
                raise
        return body


def groups(hex_text: str) -> str:
    """A digest in groups of eight, as minute.pdf and the committee page print it."""
    return " ".join(hex_text[i : i + 8] for i in range(0, len(hex_text), 8))
