"""The count: committee members' decryption shares of the aggregate, combined once t are valid.

The server only relays and checks: each share's Chaum–Pedersen proofs are verified before it is
kept (a bad share is refused and named); when t valid shares are in, they are combined into the
counts, which are logged. The server never holds a key that decrypts, and no ballot is ever
decrypted on its own.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ballot_server.errors import BadRequest, Conflict, reason_text
from ballot_server.rounds import Rounds
from ballot_server.store import Store
from tally.aggregate import Aggregate
from tally.decryption import (
    DecryptionShare,
    combine_decryption_shares,
    verify_decryption_share,
)
from tally.errors import TallyError
from tally.round_check import is_small


class Counting:
    """Decryption shares and counts of the rounds in ``store``."""

    def __init__(
        self,
        store: Store,
        rounds: Rounds,
        on_counted: Callable[[int, dict[str, list[int]]], object] | None = None,
    ) -> None:
        self.store = store
        self.rounds = rounds
        self.on_counted = on_counted

    def _aggregate(self, number: int) -> Aggregate:
        return Aggregate.from_json(self.rounds.context(number), self.rounds.aggregate(number))

    def shares(self, number: int) -> dict[int, dict[str, Any]]:
        shares = self.store.results(number, "decryption-share")
        return {int(key): data for key, data in shares.items()}

    def counts(self, number: int) -> dict[str, list[int]] | None:
        """Per question id, the votes per option, once the count is complete."""
        return self.store.result(number, "counts")

    def turnout(self, number: int) -> tuple[int, int]:
        """Ballots accepted, and tokens that could vote (issued, not cancelled)."""
        counts = self.rounds.token_counts(number)
        return self.rounds.ballot_count(number), counts["issued"] + counts["spent"]

    def override_small_round(self, number: int, reason: object) -> dict[str, Any]:
        """The chair records why a small round (fewer than 3 ballots, or fewer than half the
        tokens) may be decrypted; every committee member sees the numbers and the reason."""
        text = reason_text(reason)
        if self.rounds.phase(number) != "closed":
            raise Conflict("Chưa kết thúc bỏ phiếu.", "Voting is not closed.", code="not_closed")
        ballots, tokens = self.turnout(number)
        if not is_small(ballots, tokens):
            raise Conflict(
                "Vòng này đủ phiếu; không cần ghi lý do.",
                "This round is not small: no override is needed.",
                code="not_small",
            )
        override = {"round": number, "ballots": ballots, "tokens": tokens, "reason": text}
        existing = self.store.result(number, "override")
        if existing is not None:
            if existing == override:
                return existing
            raise Conflict("Đã ghi lý do cho vòng này.", "Already overridden.", code="overridden")
        with self.store.transaction() as store:
            store.add_result(number, "override", override)
            store.append_event("small-round-override", override)
        return override

    def add_share(self, number: int, trustee: int, share_json: object) -> bool:
        """Check and keep a trustee's decryption share; returns True once the count is done."""
        if self.counts(number) is not None:
            raise Conflict("Đã kiểm phiếu xong.", "The count is already complete.", code="counted")
        if self.rounds.phase(number) != "closed":
            raise Conflict("Chưa kết thúc bỏ phiếu.", "Voting is not closed.", code="not_closed")
        ballots, tokens = self.turnout(number)
        if is_small(ballots, tokens) and self.store.result(number, "override") is None:
            raise Conflict(
                f"Vòng này chỉ có {ballots} phiếu trên {tokens} mã phiếu: cần chủ tọa ghi lý do "
                "trước khi giải mã.",
                f"Only {ballots} ballot(s) for {tokens} tokens: the chair must record a reason "
                "before the committee decrypts.",
                code="small_round",
            )
        context = self.rounds.context(number)
        aggregate = self._aggregate(number)
        try:
            share = DecryptionShare.from_json(context, share_json)
            if share.trustee != trustee:
                raise BadRequest("Sai thành viên.", "Share of another trustee.")
            verify_decryption_share(context, share, aggregate)
        except TallyError as error:
            with self.store.transaction() as store:
                store.append_event(
                    "decryption-share-rejected",
                    {"round": number, "trustee": trustee, "check": getattr(error, "check", "")},
                )
            raise BadRequest(
                f"Phần giải mã của thành viên {trustee} không hợp lệ.",
                f"Decryption share of trustee {trustee} rejected: {error}",
                code="invalid_share",
            ) from None
        existing = self.shares(number)
        if trustee in existing:
            raise Conflict("Thành viên này đã gửi phần giải mã.", "Share already received.")
        with self.store.transaction() as store:
            store.add_result(number, "decryption-share", share_json, key=str(trustee))
            store.append_event(
                "decryption-share", {"round": number, "trustee": trustee, "share": share_json}
            )
            existing[trustee] = share_json  # type: ignore[assignment]
            if len(existing) < context.manifest.threshold:
                return False
            shares = [DecryptionShare.from_json(context, s) for s in existing.values()]
            table = combine_decryption_shares(context, aggregate, shares)
            counts = {
                q.id: list(row) for q, row in zip(context.manifest.questions, table, strict=True)
            }
            store.add_result(number, "counts", counts)
            store.set_round_phase(number, "counted")
            store.append_event(
                "counts",
                {"round": number, "trustees": sorted(existing), "counts": counts},
            )
            if self.on_counted is not None:
                self.on_counted(number, counts)
        return True
