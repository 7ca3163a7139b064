"""The committee's key ceremony, relayed by the server (PROTOCOL.md §5, §14).

The server relays and notarises; it never holds a key that decrypts. Every message a member
sends is signed with the key their device claimed the link with (``committee_links.py``): the
server checks the signature and every proof before it relays or logs anything, logs each
message's fields with its signature (so anyone can check them again), and publishes the election
only when every member has confirmed, from their own device, the same election fingerprint — with
no complaint left unanswered and no dispute lost by its accused (§14.3).
"""

from __future__ import annotations

import json
from typing import Any

from ballot_server.errors import BadRequest, Conflict
from ballot_server.rounds import GROUP, Rounds
from ballot_server.store import Store
from tally.canonical import canonical_json
from tally.committee_message import CommitteeMessage, load_message, verify_from
from tally.crypto import ceremony
from tally.errors import TallyError
from tally.fingerprint import member_fingerprint
from tally.manifest import ElectionContext


class KeyCeremony:
    """The ceremony of each round of the meeting in ``store``."""

    def __init__(self, store: Store, rounds: Rounds) -> None:
        self.store = store
        self.rounds = rounds

    # --- reading -------------------------------------------------------------------------------

    def state(self, number: int) -> dict[str, Any]:
        """Everything public about the ceremony: who claimed, announced, sent, confirmed; the
        signed messages; the complaints and how each was settled."""
        row = self.rounds.row(number)
        names = [m.get("name", "") for m in row["manifest"]["committee"]["members"]]
        sent = {m["trustee"] for m in self.store.committee_messages(number, "shares")}
        by_type = {
            kind: {m["trustee"]: m for m in self.store.committee_messages(number, kind)}
            for kind in ("claim", "announcement", "confirmation")
        }
        trustees = []
        for member in self.store.committee_members(number):
            index, key = member["index"], member["signing_key"]
            trustees.append(
                {
                    "index": index,
                    "name": names[index - 1] if index <= len(names) else "",
                    "claimed": key is not None,
                    "signing_key": key,
                    "fingerprint": None if key is None else member_fingerprint(bytes.fromhex(key)),
                    "alarm": member["alarm"],
                    "announcement": None
                    if member["announcement"] is None
                    else json.loads(member["announcement"]),
                    "shares_sent": index in sent,
                    "confirmed": member["confirmed"],
                    "messages": {kind: found.get(index) for kind, found in by_type.items()},
                }
            )
        return {
            "round": number,
            "phase": row["phase"],
            "manifest": row["manifest"],
            "election": row["election"],
            "trustees": trustees,
            "complaints": self.complaints(number),
        }

    def complaints(self, number: int) -> list[dict[str, Any]]:
        """Each complaint with the accused's reveal, if any, and the outcome of §14.3."""
        reveals = {
            (m["trustee"], m["body"]["recipient"]): m for m in self._messages(number, "reveal")
        }
        listed = []
        for message in self._messages(number, "complaint"):
            accuser, accused = message["trustee"], message["body"]["accused"]
            reveal = reveals.get((accused, accuser))
            listed.append(
                {
                    "accuser": accuser,
                    "accused": accused,
                    "check": message["body"]["check"],
                    "message": message,
                    "reveal": reveal,
                    "outcome": None if reveal is None else self._outcome(number, reveal),
                }
            )
        return listed

    def shares(self, number: int) -> list[dict[str, Any]]:
        """Every member's signed ``shares`` message (the shares inside are encrypted)."""
        self.rounds.row(number)
        return self.store.committee_messages(number, "shares")

    def _messages(self, number: int, kind: str) -> list[dict[str, Any]]:
        return self.store.committee_messages(number, kind)

    def announcements(self, number: int) -> dict[int, ceremony.Announcement]:
        threshold = self.rounds.manifest(number).threshold
        return {
            m["index"]: ceremony.Announcement.from_json(
                GROUP, json.loads(m["announcement"]), threshold
            )
            for m in self.store.committee_members(number)
            if m["announcement"] is not None
        }

    def signing_key(self, number: int, trustee: int) -> bytes | None:
        member = next(m for m in self.store.committee_members(number) if m["index"] == trustee)
        return None if member["signing_key"] is None else bytes.fromhex(member["signing_key"])

    # --- receiving a signed message ---------------------------------------------------------------

    def receive(self, number: int, trustee: int, data: object, kind: str) -> CommitteeMessage:
        """Load a member's message of ``kind`` for this round's ceremony and check its signature
        under the key that member's device claimed the link with."""
        self.rounds._require_phase(number, "ceremony")
        manifest = self.rounds.manifest(number)
        try:
            message = load_message(data, manifest.hash, trustee=trustee, message_type=kind)
            verify_from(message, self.signing_key(number, trustee))
        except TallyError as error:
            unclaimed = getattr(error, "check", "") == "unclaimed"
            raise BadRequest(
                "Đường dẫn này chưa được thiết bị nào nhận."
                if unclaimed
                else f"Tin nhắn ký số của thành viên {trustee} không hợp lệ.",
                f"Message of trustee {trustee} refused: {error}",
                code="unclaimed" if unclaimed else "invalid_message",
            ) from None
        return message

    def _keep(
        self, number: int, message: CommitteeMessage, event: str, about: int = 0, **fields: Any
    ) -> bool:
        """Keep and log a message once; the same message again is accepted and changes nothing,
        another one of the same kind is refused."""
        existing = [
            m
            for m in self.store.committee_messages(number, message.type)
            if m["trustee"] == message.trustee and _about(m) == about
        ]
        if existing:
            if canonical_json(existing[0]) == canonical_json(message.to_json()):
                return False
            raise Conflict(
                "Thành viên này đã gửi tin nhắn này với nội dung khác.",
                f"Trustee {message.trustee} already sent another {message.type} message.",
                code="already_sent",
            )
        with self.store.transaction() as store:
            store.add_committee_message(
                number, message.trustee, message.type, about, message.to_json()
            )
            for name, value in fields.items():
                store.set_committee_fields(number, message.trustee, **{name: value})
            store.append_event(
                event,
                {
                    "round": number,
                    "trustee": message.trustee,
                    **message.body,
                    "signature": message.signature,
                },
            )
        return True

    # --- the steps -------------------------------------------------------------------------------

    def announce(self, number: int, trustee: int, data: object) -> None:
        """Record a member's announcement after checking every proof and its signing key."""
        message = self.receive(number, trustee, data, "announcement")
        manifest = self.rounds.manifest(number)
        try:
            announcement = ceremony.Announcement.from_json(
                GROUP, message.body["announcement"], manifest.threshold
            )
            if announcement.index != trustee:
                raise BadRequest("Sai số thứ tự thành viên.", "Announcement index mismatch.")
            if announcement.signing_key != self.signing_key(number, trustee):
                raise BadRequest(
                    "Khóa ký trong thông báo không phải khóa đã nhận đường dẫn.",
                    "The announcement's signing key is not the key that claimed the link.",
                )
            ceremony.verify_announcement(GROUP, manifest.hash, announcement, manifest.threshold)
        except TallyError as error:
            raise BadRequest(
                f"Thông báo khóa của thành viên {trustee} không hợp lệ.",
                f"Announcement of trustee {trustee} rejected: {error}",
                code="invalid_announcement",
            ) from None
        canonical = canonical_json(announcement.to_json()).decode("utf-8")
        self._keep(number, message, "trustee-announced", announcement=canonical)

    def send_shares(self, number: int, trustee: int, data: object) -> None:
        """Relay a member's encrypted shares, one to each other member, once all announced."""
        message = self.receive(number, trustee, data, "shares")
        manifest = self.rounds.manifest(number)
        if len(self.announcements(number)) != manifest.committee_size:
            raise Conflict("Chưa đủ thông báo khóa.", "Not every trustee has announced yet.")
        try:
            shares = [ceremony.EncryptedShare.from_json(GROUP, s) for s in message.body["shares"]]
        except TallyError as error:
            raise BadRequest("Phần khóa không hợp lệ.", f"Invalid share: {error}") from None
        expected = sorted(i for i in range(1, manifest.committee_size + 1) if i != trustee)
        if {s.sender for s in shares} != {trustee} or sorted(
            s.recipient for s in shares
        ) != expected:
            raise BadRequest(
                "Cần đúng một phần khóa cho mỗi thành viên khác.",
                "Exactly one share for each other trustee is needed.",
            )
        self._keep(number, message, "trustee-shares")

    def complain(self, number: int, trustee: int, data: object) -> None:
        """A member's signed complaint that a correctly signed share from ``accused`` failed."""
        message = self.receive(number, trustee, data, "complaint")
        accused = message.body["accused"]
        senders = {m["trustee"] for m in self.store.committee_messages(number, "shares")}
        if accused == trustee or accused not in senders:
            raise BadRequest(
                "Không có phần khóa nào của thành viên này để khiếu nại.",
                f"Trustee {accused} sent no share to complain about.",
            )
        self._keep(number, message, "trustee-complaint", about=accused)

    def reveal(self, number: int, trustee: int, data: object) -> str:
        """The accused publishes the disputed share; everyone (the server too) checks it against
        the commitments and the log names the outcome. Returns the outcome."""
        message = self.receive(number, trustee, data, "reveal")
        recipient = message.body["recipient"]
        complained = any(
            m["trustee"] == recipient and m["body"]["accused"] == trustee
            for m in self.store.committee_messages(number, "complaint")
        )
        if not complained:
            raise Conflict(
                "Không có khiếu nại nào về phần khóa này.",
                f"No complaint from trustee {recipient} about trustee {trustee}.",
                code="no_complaint",
            )
        if self._keep(number, message, "trustee-reveal", about=recipient):
            outcome = self._outcome(number, message.to_json())
            with self.store.transaction() as store:
                store.append_event(
                    "trustee-dispute",
                    {
                        "round": number,
                        "accuser": recipient,
                        "accused": trustee,
                        "outcome": outcome,
                        "wrong": trustee if outcome == "share-invalid" else None,
                    },
                )
        return self._outcome(number, message.to_json())

    def _outcome(self, number: int, reveal: dict[str, Any]) -> str:
        sender = self.announcements(number)[reveal["trustee"]]
        try:
            ceremony.check_revealed_share(
                GROUP, sender, reveal["body"]["recipient"], reveal["body"]["value"]
            )
        except TallyError:
            return "share-invalid"
        return "share-valid"

    def confirm(self, number: int, trustee: int, data: object) -> bool:
        """A member confirms, from their device, the election its checks led to. Returns True
        when, with this confirmation, the election is published."""
        message = self.receive(number, trustee, data, "confirmation")
        manifest = self.rounds.manifest(number)
        announcements = self.announcements(number)
        senders = {m["trustee"] for m in self.store.committee_messages(number, "shares")}
        if len(announcements) != manifest.committee_size or len(senders) != len(announcements):
            raise Conflict("Chưa nhận đủ phần khóa.", "Not every share has arrived yet.")
        context = ElectionContext.from_announcements(GROUP, manifest, list(announcements.values()))
        if message.body["election"] != context.fingerprint.hex():
            raise Conflict(
                "Dấu vân tay cuộc bầu của thiết bị khác với của máy chủ.",
                "The device confirmed another election than the one the announcements make.",
                code="election_mismatch",
            )
        self._keep(number, message, "trustee-confirmed", confirmed=1)
        return self._publish_if_ready(number, context)

    def _publish_if_ready(self, number: int, context: ElectionContext) -> bool:
        members = self.store.committee_members(number)
        complaints = self.complaints(number)
        if not all(m["confirmed"] for m in members) or any(
            c["outcome"] != "share-valid" for c in complaints
        ):
            return False
        with self.store.transaction() as store:
            if self.rounds.phase(number) != "ceremony":
                return False
            store.publish_election(number, context.to_json())
            store.append_event(
                "election-published",
                {
                    "round": number,
                    "election": context.to_json(),
                    "fingerprint": context.fingerprint.hex(),
                },
            )
        return True


def _about(message: dict[str, Any]) -> int:
    body = message.get("body", {})
    return int(body.get("accused") or body.get("recipient") or 0)
