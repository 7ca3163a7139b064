"""The committee's key ceremony, relayed by the server (PROTOCOL.md §5).

The server checks every announcement's proofs, relays the encrypted shares (which it cannot
read) and publishes the election once every member confirms that the shares they received
match the senders' commitments. It never holds a key that decrypts.
"""

from __future__ import annotations

import json
from typing import Any

from ballot_server.errors import BadRequest, Conflict
from ballot_server.rounds import GROUP, Rounds
from ballot_server.store import Store
from tally.canonical import canonical_json
from tally.crypto import ceremony
from tally.errors import TallyError
from tally.manifest import ElectionContext


class KeyCeremony:
    """The ceremony of each round of the meeting in ``store``."""

    def __init__(self, store: Store, rounds: Rounds) -> None:
        self.store = store
        self.rounds = rounds

    def state(self, number: int) -> dict[str, Any]:
        """Everything public about the ceremony: announcements, who has sent and confirmed."""
        rows = self.store.committee(number)
        sent = self.store.share_senders(number)
        row = self.rounds.row(number)
        return {
            "round": number,
            "phase": row["phase"],
            "manifest": row["manifest"],
            "election": row["election"],
            "trustees": [
                {
                    "index": r["trustee"],
                    "announcement": None
                    if r["announcement"] is None
                    else json.loads(r["announcement"]),
                    "shares_sent": r["trustee"] in sent,
                    "confirmed": r["confirmed"],
                }
                for r in rows
            ],
        }

    def announce(self, number: int, trustee: int, announcement_json: object) -> None:
        """Record a trustee's announcement after checking every proof in it."""
        self.rounds._require_phase(number, "ceremony")
        manifest = self.rounds.manifest(number)
        try:
            announcement = ceremony.Announcement.from_json(
                GROUP, announcement_json, manifest.threshold
            )
            if announcement.index != trustee:
                raise BadRequest("Sai số thứ tự thành viên.", "Announcement index mismatch.")
            ceremony.verify_announcement(GROUP, manifest.hash, announcement, manifest.threshold)
        except TallyError as error:
            raise BadRequest(
                f"Thông báo khóa của thành viên {trustee} không hợp lệ.",
                f"Announcement of trustee {trustee} rejected: {error}",
                code="invalid_announcement",
            ) from None
        existing = next(
            r["announcement"] for r in self.store.committee(number) if r["trustee"] == trustee
        )
        canonical = canonical_json(announcement.to_json()).decode("utf-8")
        if existing is not None:
            if existing == canonical:
                return
            raise Conflict("Thành viên này đã gửi khóa.", "This trustee has already announced.")
        with self.store.transaction() as store:
            store.set_announcement(number, trustee, canonical)
            store.append_event(
                "trustee-announced",
                {"round": number, "trustee": trustee, "announcement": announcement.to_json()},
            )

    def announcements(self, number: int) -> list[ceremony.Announcement]:
        manifest = self.rounds.manifest(number)
        return [
            ceremony.Announcement.from_json(
                GROUP, json.loads(r["announcement"]), manifest.threshold
            )
            for r in self.store.committee(number)
            if r["announcement"] is not None
        ]

    def send_shares(self, number: int, trustee: int, shares_json: object) -> None:
        """Relay a trustee's encrypted shares, one to each other member, once all announced."""
        self.rounds._require_phase(number, "ceremony")
        manifest = self.rounds.manifest(number)
        if len(self.announcements(number)) != manifest.committee_size:
            raise Conflict("Chưa đủ thông báo khóa.", "Not every trustee has announced yet.")
        if not isinstance(shares_json, list):
            raise BadRequest("Cần một danh sách.", "Expected a list of shares.")
        try:
            shares = [ceremony.EncryptedShare.from_json(GROUP, s) for s in shares_json]
        except TallyError as error:
            raise BadRequest("Phần khóa không hợp lệ.", f"Invalid share: {error}") from None
        expected = {i for i in range(1, manifest.committee_size + 1) if i != trustee}
        if {s.sender for s in shares} != {trustee} or sorted(s.recipient for s in shares) != sorted(
            expected
        ):
            raise BadRequest(
                "Cần đúng một phần khóa cho mỗi thành viên khác.",
                "Exactly one share for each other trustee is needed.",
            )
        with self.store.transaction() as store:
            store.add_trustee_shares(number, trustee, [(s.recipient, s.to_json()) for s in shares])
            store.append_event(
                "trustee-shares",
                {"round": number, "trustee": trustee, "shares": [s.to_json() for s in shares]},
            )

    def shares_for(self, number: int, recipient: int) -> list[dict[str, Any]]:
        return self.store.shares_for(number, recipient)

    def confirm(self, number: int, trustee: int) -> bool:
        """A trustee confirms every share it received checked out. Returns True when, with this
        confirmation, the election is published."""
        self.rounds._require_phase(number, "ceremony")
        manifest = self.rounds.manifest(number)
        if len(self.shares_for(number, trustee)) != manifest.committee_size - 1:
            raise Conflict("Chưa nhận đủ phần khóa.", "Not every share has arrived yet.")
        with self.store.transaction() as store:
            confirmed = store.confirm_trustee(number, trustee)
            store.append_event("trustee-confirmed", {"round": number, "trustee": trustee})
            if confirmed < manifest.committee_size:
                return False
            context = ElectionContext.from_announcements(
                GROUP, manifest, self.announcements(number)
            )
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

    def complain(self, number: int, trustee: int, accused: int, check: str) -> None:
        """Record that ``trustee`` found ``accused``'s share bad; the ceremony cannot finish."""
        self.rounds._require_phase(number, "ceremony")
        with self.store.transaction() as store:
            store.append_event(
                "trustee-complaint",
                {"round": number, "trustee": trustee, "accused": accused, "check": check},
            )
