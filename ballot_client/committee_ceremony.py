"""The key ceremony as a committee member's device runs it (PROTOCOL.md §5, §14): the steps of
``ballot_client.committee.CommitteeMember``, kept apart because they are the longest part.

Each step does whatever the ceremony allows now, from the public state the server relays: the
member's signed announcement (after the backup is kept), every other member's announcement
checked under the key of their own signed claim, the encrypted shares sent, the shares received
opened — a share whose signature fails blames the relay, a correctly signed one that fails is
disputed in the open and settled by the share its sender reveals — and, once the member has
compared their key fingerprint with the projector, the signed confirmation of the election.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ballot_client.keystore import TrusteeRecord, with_secret_share, without_ceremony_secrets
from ballot_client.remote import MeetingClient
from tally.committee_message import load_message, verify_from
from tally.crypto import ceremony
from tally.crypto.group import RISTRETTO255
from tally.crypto.nonces import NonceSource
from tally.errors import TallyError
from tally.manifest import ElectionContext, Manifest

GROUP = RISTRETTO255


class MemberFailure(Exception):
    """The member's device stops: ``reason`` names why (the page shows the same reasons), the
    message (Vietnamese) says what to do; ``member`` is the other member concerned, if any."""

    def __init__(self, reason: str, message: str, member: int | None = None) -> None:
        super().__init__(message)
        self.reason = reason
        self.member = member


class CeremonySteps:
    """The ceremony's steps; ``CommitteeMember`` provides the device's state and messages."""

    client: MeetingClient
    manifest: Manifest | None
    record: TrusteeRecord | None
    index: int
    nonces: NonceSource
    projector_shows: Callable[[str], bool]
    announcement: ceremony.Announcement | None
    path: str
    signing_key: bytes
    fingerprint: str

    def name(self, index: int) -> str:
        raise NotImplementedError

    def _sign(self, kind: str, body: dict[str, Any]) -> dict[str, Any]:
        raise NotImplementedError

    def _save(self, record: TrusteeRecord) -> None:
        raise NotImplementedError

    async def step(self) -> str:
        """Do whatever the ceremony allows now; return where it stands: ``published``,
        ``waiting-announcements``, ``waiting-shares``, ``waiting-reveal``, ``waiting-projector``,
        ``waiting-confirmations`` or the round's phase (``abandoned``)."""
        assert self.record is not None and self.manifest is not None
        state = await self.client.get(self.path)
        if state["phase"] != "ceremony":
            return await self._after_ceremony(state)
        me = state["trustees"][self.index - 1]
        if me["signing_key"] != self.signing_key.hex():
            raise MemberFailure(
                "not_mine",
                f"CẢNH BÁO: {self.name(self.index)} đang dùng một khóa khác với khóa của thiết bị "
                "này; hãy báo ngay cho chủ tọa.",
            )
        secrets_ = self.record.ceremony_secrets()
        if me["announcement"] is None:
            if self.announcement is None:
                self.announcement = ceremony.announce(
                    GROUP, self.manifest.hash, secrets_, self.nonces
                )
            body = {"announcement": self.announcement.to_json()}
            await self._post("announcement", self._sign("announcement", body))
            return "waiting-announcements"
        posted = ceremony.Announcement.from_json(GROUP, me["announcement"], self.manifest.threshold)
        if not ceremony.same_keys(posted, secrets_, GROUP):
            raise MemberFailure(
                "not_mine", "thông báo khóa trên máy chủ không phải của thiết bị này"
            )
        if any(t["announcement"] is None for t in state["trustees"]):
            return "waiting-announcements"
        announced = self._verified_announcements(state)
        await self._answer_complaints(state, announced, secrets_)
        if not me["shares_sent"]:
            shares = [
                ceremony.make_encrypted_share(
                    GROUP, self.manifest.hash, secrets_, other, self.nonces
                ).to_json()
                for index, other in sorted(announced.items())
                if index != self.index
            ]
            await self._post("shares", self._sign("shares", {"shares": shares}))
        if self.record.secret_share is None:
            values = await self._open_shares(state, announced, secrets_)
            if values is None:
                return "waiting-shares"
            if isinstance(values, str):
                return values
            self._keep_secret_share(announced, values)
        lost = [c for c in state["complaints"] if c["outcome"] == "share-invalid"]
        if lost:
            accused = lost[0]["accused"]
            raise MemberFailure(
                "dispute_lost",
                f"{self.name(accused)} đã công bố một phần khóa sai: lễ tạo khóa không thể hoàn "
                "tất; chủ tọa cần làm lại lễ tạo khóa.",
                accused,
            )
        if me["confirmed"]:
            return "waiting-confirmations"
        if not self.projector_shows(self.fingerprint):
            return "waiting-projector"
        election = ElectionContext.from_announcements(
            GROUP, self.manifest, list(announced.values())
        )
        body = {"election": election.fingerprint.hex()}
        answer = await self._post("confirm", self._sign("confirmation", body))
        return await self.step() if answer.get("published") else "waiting-confirmations"

    async def _post(self, what: str, message: dict[str, Any]) -> dict[str, Any]:
        return await self.client.post(f"{self.path}/{what}", message, headers=self.headers)

    def _key_of(self, state: dict[str, Any], index: int) -> bytes:
        """Member ``index``'s key, from their own signed claim (never from the server's word)."""
        assert self.manifest is not None
        trustee = state["trustees"][index - 1]
        claim = (trustee.get("messages") or {}).get("claim")
        try:
            message = load_message(claim, self.manifest.hash, trustee=index, message_type="claim")
            key = bytes.fromhex(message.body["signing_key"])
            verify_from(message, key)
        except (TallyError, TypeError, ValueError):
            raise MemberFailure(
                "bad_announcement", f"khóa của {self.name(index)} không có chữ ký hợp lệ", index
            ) from None
        return key

    def _verified_announcements(self, state: dict[str, Any]) -> dict[int, ceremony.Announcement]:
        assert self.manifest is not None
        found = {}
        for trustee in state["trustees"]:
            index = trustee["index"]
            try:
                key = self._key_of(state, index)
                signed = load_message(
                    trustee["messages"]["announcement"],
                    self.manifest.hash,
                    trustee=index,
                    message_type="announcement",
                )
                verify_from(signed, key)
                loaded = ceremony.Announcement.from_json(
                    GROUP, signed.body["announcement"], self.manifest.threshold
                )
                if loaded.index != index or loaded.signing_key != key:
                    raise ValueError("not this member's announcement")
                ceremony.verify_announcement(
                    GROUP, self.manifest.hash, loaded, self.manifest.threshold
                )
            except (TallyError, ValueError, TypeError, KeyError) as error:
                raise MemberFailure(
                    "bad_announcement",
                    f"thông báo khóa của {self.name(index)} không hợp lệ: {error}",
                    index,
                ) from None
            found[index] = loaded
        return found

    async def _answer_complaints(
        self,
        state: dict[str, Any],
        announced: dict[int, ceremony.Announcement],
        secrets_: ceremony.TrusteeSecrets,
    ) -> None:
        """Publish the disputed share for each complaint against this member (§14.3)."""
        assert self.manifest is not None
        for complaint in state["complaints"]:
            if complaint["accused"] != self.index or complaint["reveal"] is not None:
                continue
            accuser = complaint["accuser"]
            try:
                signed = load_message(
                    complaint["message"],
                    self.manifest.hash,
                    trustee=accuser,
                    message_type="complaint",
                )
                verify_from(signed, self._key_of(state, accuser))
            except TallyError:
                continue  # not really from that member: nothing to answer
            value = ceremony.evaluate_polynomial(GROUP, secrets_.coefficients, accuser)
            body = {"recipient": accuser, "value": GROUP.scalar_to_hex(value)}
            await self._post("reveal", self._sign("reveal", body))

    async def _open_shares(
        self,
        state: dict[str, Any],
        announced: dict[int, ceremony.Announcement],
        secrets_: ceremony.TrusteeSecrets,
    ) -> dict[int, int] | str | None:
        """Every share sent to this member, opened and checked (None: not all arrived yet; a
        state name: waiting for a dispute to be settled)."""
        assert self.manifest is not None
        messages = {m.get("trustee"): m for m in await self.client.get(f"{self.path}/shares")}
        values = {
            self.index: ceremony.evaluate_polynomial(GROUP, secrets_.coefficients, self.index)
        }
        waiting = None
        for sender in sorted(announced):
            if sender == self.index:
                continue
            if sender not in messages:
                return None
            share = self._share_from(state, sender, messages[sender])
            try:
                values[sender] = ceremony.open_share(
                    GROUP, self.manifest.hash, secrets_, share, announced[sender]
                )
                continue
            except TallyError as error:
                check = getattr(error, "check", "decryption")
            settled = await self._dispute(state, announced, sender, check)
            if settled is None:
                waiting = "waiting-reveal"
            else:
                values[sender] = settled
        return waiting or values

    def _share_from(
        self, state: dict[str, Any], sender: int, data: dict[str, Any]
    ) -> ceremony.EncryptedShare:
        """The share ``sender`` signed for this member; a signature that fails blames the relay."""
        assert self.manifest is not None
        try:
            signed = load_message(data, self.manifest.hash, trustee=sender, message_type="shares")
            verify_from(signed, self._key_of(state, sender))
            mine = [s for s in signed.body["shares"] if s.get("recipient") == self.index]
            return ceremony.EncryptedShare.from_json(GROUP, mine[0])
        except (TallyError, IndexError, AttributeError):
            raise MemberFailure(
                "relay",
                f"phần khóa của {self.name(sender)} đã bị thay đổi trên đường chuyển qua máy chủ "
                f"(chữ ký không khớp); không phải lỗi của {self.name(sender)}. Hãy báo chủ tọa.",
                sender,
            ) from None

    async def _dispute(
        self,
        state: dict[str, Any],
        announced: dict[int, ceremony.Announcement],
        sender: int,
        check: str,
    ) -> int | None:
        """Complain about a correctly signed share that fails; use the share the accused reveals
        if it matches the commitments. Returns the settled value, or None while waiting."""
        assert self.manifest is not None
        complaint = next(
            (
                c
                for c in state["complaints"]
                if c["accuser"] == self.index and c["accused"] == sender
            ),
            None,
        )
        if complaint is None:
            body = {"accused": sender, "check": check}
            await self._post("complaint", self._sign("complaint", body))
            return None
        if complaint["reveal"] is None:
            return None
        try:
            reveal = load_message(
                complaint["reveal"], self.manifest.hash, trustee=sender, message_type="reveal"
            )
            verify_from(reveal, self._key_of(state, sender))
            return ceremony.check_revealed_share(
                GROUP, announced[sender], self.index, reveal.body["value"]
            )
        except TallyError:
            raise MemberFailure(
                "dispute_lost",
                f"phần khóa {self.name(sender)} công bố vẫn sai: lễ tạo khóa không thể hoàn "
                "tất; chủ tọa cần làm lại lễ tạo khóa.",
                sender,
            ) from None

    def _keep_secret_share(
        self, announced: dict[int, ceremony.Announcement], values: dict[int, int]
    ) -> None:
        assert self.record is not None
        secret_share = ceremony.combine_secret_share(GROUP, values)
        if GROUP.base_mul(secret_share) != ceremony.public_share(
            GROUP, list(announced.values()), self.index
        ):
            raise MemberFailure("share_mismatch", "phần khóa bí mật không khớp với khóa công khai")
        self._save(with_secret_share(self.record, secret_share))

    async def _after_ceremony(self, state: dict[str, Any]) -> str:
        """Once published: recompute sⱼ if this device was restored from a backup made before
        the shares, then keep only sⱼ and the keys."""
        assert self.record is not None
        if state["phase"] == "abandoned":
            return "abandoned"
        if self.record.secret_share is None:
            announced = self._verified_announcements(state)
            values = await self._open_shares(state, announced, self.record.ceremony_secrets())
            if not isinstance(values, dict):
                raise MemberFailure("no_key", "không mở lại được các phần khóa đã nhận")
            self._keep_secret_share(announced, values)
        if self.record.coefficients is not None:
            self._save(without_ceremony_secrets(self.record))
        return "published"
