"""Audited ballots received from phones (PROTOCOL.md §8.1): stored, then logged unlinkably.

An audited ballot shows a voter's intended choices, so the record must not tell which cast ballot
it came before or after. Those received while voting is open are stored at once (durably, before
the phone is answered) and logged as ``ballot-audited`` events in tracker order when voting
closes, in the same transaction as ``voting-closed``; one received after closing is logged when
it arrives (``Store.log_pending_audits``). An audited ballot is never counted, and no
encryption is both cast and audited.
"""

from __future__ import annotations

import json
from typing import Any

from ballot_server.errors import Conflict
from ballot_server.rounds import Receipt, Rounds
from ballot_server.store import Store
from tally.ballot import tracker_code

AUDIT_PHASES = ("open", "closed")


class Audits:
    """The audited ballots of the meeting's rounds."""

    def __init__(self, store: Store, rounds: Rounds) -> None:
        self.store = store
        self.rounds = rounds

    def receive(self, number: int, tracker: str, audited: str) -> Receipt:
        """Store a checked audited ballot (canonical JSON ``audited``, tracker ``tracker``).

        The same audited ballot again gets the same answer; an encryption that was cast is
        refused (opening it would reveal a counted vote).
        """
        receipt = Receipt(tracker, tracker_code(bytes.fromhex(tracker)), audited=True)
        with self.store.transaction() as store:
            phase = self.rounds.phase(number)
            if phase not in AUDIT_PHASES:
                raise Conflict(
                    "Vòng này không nhận phiếu kiểm tra ở giai đoạn này.",
                    f"Audited ballots are received while voting is open or closed (now {phase}).",
                    code="audit_not_accepted",
                )
            if store.is_cast(number, tracker):
                raise Conflict(
                    "Phiếu này đã được bỏ nên không thể mở ra để kiểm tra.",
                    "This encryption was cast; it cannot be audited.",
                    code="already_cast",
                )
            if store.audit(number, tracker) is not None:
                return Receipt(tracker, receipt.code, duplicate=True, audited=True)
            logged = phase != "open"
            store.add_audit(number, tracker, audited, logged)
            if logged:
                store.append_event(
                    "ballot-audited",
                    {"round": number, "tracker": tracker, "audited": json.loads(audited)},
                )
        return receipt

    def find(self, number: int, tracker: str) -> dict[str, Any] | None:
        """The audited ballot with this tracker, if the round has one."""
        return self.store.audit(number, tracker)
