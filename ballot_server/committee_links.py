"""Committee links: who holds them (PROTOCOL.md §14.1).

The chair's page shows each member a link carrying a credential; the chair has seen it too, so it
only lets a device ask. The first device that claims the link with a signed ``claim`` binds it
to its own key, and from then on only messages signed with that key are accepted from it. A
second device (the chair, someone with a photo of the QR) is refused and the alarm is logged, and
shown on the chair's page, the projector and the member's phone. The chair can re-issue a link
(a restarted server keeps none in memory; an unclaimed old link stops working) and abandon a
ceremony, both logged.
"""

from __future__ import annotations

from typing import Any

from ballot_server.errors import BadRequest, Conflict, NotFound, reason_text
from ballot_server.key_ceremony import KeyCeremony
from ballot_server.rounds import credential_hash
from ballot_server.tokens_print import qr_svg
from tally.committee_message import claimed_key, load_message
from tally.errors import TallyError
from tally.token import generate_token


class CommitteeLinks:
    """Claims, alarms, re-issued links and abandoned ceremonies of the rounds in ``ceremony``."""

    def __init__(self, ceremony: KeyCeremony) -> None:
        self.ceremony = ceremony
        self.store = ceremony.store
        self.rounds = ceremony.rounds

    def whoami(self, number: int, credential: str) -> dict[str, object]:
        """The member a credential belongs to, and whether a device has claimed the link."""
        trustee = self.rounds.trustee_for(number, credential)
        key = self.ceremony.signing_key(number, trustee)
        return {"round": number, "trustee": trustee, "claimed": key is not None}

    def claim(self, number: int, trustee: int, data: object) -> bool:
        """Bind the link to the key a signed ``claim`` names. The same key again is accepted (a
        device restored from its backup); another key is refused and raises the alarm.
        Returns True when the link was bound now. A link is bound only during the ceremony;
        the bound key may claim it again at any time (clearing an alarm its restore raised)."""
        manifest = self.rounds.manifest(number)
        try:
            message = load_message(data, manifest.hash, trustee=trustee, message_type="claim")
            key = claimed_key(message)
        except TallyError as error:
            raise BadRequest(
                "Yêu cầu nhận đường dẫn không hợp lệ.",
                f"Claim refused: {error}",
                code="invalid_message",
            ) from None
        bound = self.ceremony.signing_key(number, trustee)
        if bound == key:
            member = self._member(number, trustee)
            if member["alarm"]:
                with self.store.transaction() as store:
                    for shared in store.rounds_sharing_link(number, trustee):
                        store.set_committee_fields(shared, trustee, alarm=0)
                    store.append_event("committee-restored", {"round": number, "trustee": trustee})
            return False
        if bound is not None:
            self.raise_alarm(number, trustee, key.hex())
            raise Conflict(
                f"Đường dẫn của thành viên {trustee} đã được một thiết bị khác nhận.",
                f"The link of committee member {trustee} was claimed by another device.",
                code="link_claimed",
            )
        self.rounds._require_phase(number, "ceremony")
        with self.store.transaction() as store:
            store.set_committee_fields(number, trustee, signing_key=key.hex())
            store.forget_committee_messages(number, trustee, "claim")
            store.add_committee_message(number, trustee, "claim", 0, message.to_json())
            store.append_event(
                "trustee-claimed",
                {
                    "round": number,
                    "trustee": trustee,
                    "signing_key": key.hex(),
                    "signature": message.signature,
                },
            )
        return True

    def raise_alarm(self, number: int, trustee: int, offered_key: str | None = None) -> None:
        """A device without the member's key opened a claimed link: logged when the alarm goes
        up (the chair's page and the projector show it until the member's own key claims again)."""
        if self.ceremony.signing_key(number, trustee) is None:
            raise Conflict(
                "Đường dẫn này chưa được thiết bị nào nhận.",
                "Nobody has claimed this link: there is nothing to alarm about.",
                code="unclaimed",
            )
        if self._member(number, trustee)["alarm"]:
            return
        with self.store.transaction() as store:
            for shared in store.rounds_sharing_link(number, trustee):  # the runoffs' too
                store.set_committee_fields(shared, trustee, alarm=1)
            store.append_event(
                "committee-alarm",
                {"round": number, "trustee": trustee, "offered_key": offered_key},
            )

    def _member(self, number: int, trustee: int) -> dict[str, object]:
        for member in self.store.committee_members(number):
            if member["index"] == trustee:
                return member
        raise NotFound(f"Không có thành viên {trustee}.", f"No committee member {trustee}.")

    def reissue(self, number: int, trustee: int) -> str:
        """A fresh credential for member ``trustee`` (the old one stops working); a claim is
        released too while the member has not announced. Returns the new credential."""
        self.rounds._require_phase(number, "ceremony")
        member = self._member(number, trustee)
        release = member["announcement"] is None and member["signing_key"] is not None
        credential = generate_token()
        with self.store.transaction() as store:
            store.set_committee_fields(number, trustee, credential_hash=credential_hash(credential))
            if release:
                store.set_committee_fields(number, trustee, signing_key=None, alarm=0)
                store.forget_committee_messages(number, trustee, "claim")
            store.append_event(
                "committee-link-reissued",
                {"round": number, "trustee": trustee, "released": release},
            )
        return credential

    def abandon(self, number: int, reason: object) -> None:
        """Give up a round's ceremony (a member lost, a dispute lost): logged with the reason;
        the chair then starts a new round, with the same committee or a member replaced."""
        text = reason_text(reason)
        self.rounds._require_phase(number, "ceremony")
        with self.store.transaction() as store:
            store.set_round_phase(number, "abandoned")
            store.append_event("ceremony-abandoned", {"round": number, "reason": text})


def link_cards(members: list[dict[str, Any]], links: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What the chair's page shows of each member during the ceremony: the link and its QR (while
    in memory and unclaimed), whether a device claimed it, the key fingerprint, the alarm and the
    progress. A link lost with a restart (``link_lost``) is re-issued."""
    by_index = {link["index"]: link for link in links}
    cards = []
    for member in members:
        index, link = member["index"], by_index.get(member["index"])
        show = link is not None and not member["claimed"]
        cards.append(
            {
                "index": index,
                "name": member["name"],
                "url": link["url"] if show else None,
                "qr": qr_svg(link["url"], f"Mã QR thành viên {index}") if show else None,
                "link_lost": link is None and not member["claimed"],
                "claimed": member["claimed"],
                "fingerprint": member["fingerprint"],
                "alarm": member["alarm"],
                "announced": member["announcement"] is not None,
                "confirmed": member["confirmed"],
            }
        )
    return cards
