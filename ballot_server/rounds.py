"""Voting rounds: the manifest, the committee's key ceremony, tokens, voting, and the tally.

A round moves through phases, each change one transaction with its signed event:

    ceremony → ready → open → closed → counted

``ceremony``: the manifest is fixed and the committee members make the election key on their
devices; the server relays announcements and encrypted shares but never holds a key that
decrypts. ``ready``: the election (joint key) is published; tokens can be issued and cancelled.
``open``: the set of token hashes is committed and ballots are accepted. ``closed``: no more
ballots; the homomorphic aggregate is computed and logged for the committee to decrypt.
``counted``: t committee members' decryption shares gave the counts (``counting.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ballot_server.errors import BadRequest, Conflict, Forbidden, NotFound
from ballot_server.store import Store
from tally.aggregate import Aggregate, aggregate_ballots
from tally.ballot import ballot_hash, tracker_code
from tally.canonical import canonical_json
from tally.crypto.elgamal import Ciphertext
from tally.crypto.group import RISTRETTO255
from tally.errors import TallyError
from tally.manifest import ElectionContext, Manifest
from tally.token import generate_token, token_hash, token_set_commitment

GROUP = RISTRETTO255
PHASES = ("ceremony", "ready", "open", "closed", "counted", "abandoned")
MIN_COMMITTEE = 3
MIN_THRESHOLD = 2


@dataclass(frozen=True)
class Receipt:
    """What a voter gets back for a cast (or an audited) ballot: the tracker and its code."""

    tracker: str
    code: str
    duplicate: bool = False
    audited: bool = False

    def to_json(self) -> dict[str, Any]:
        answer: dict[str, Any] = {"tracker": self.tracker, "code": self.code}
        if self.audited:
            answer["audited"] = True
        return answer


def audited_refusal() -> Conflict:
    """An encryption that was audited (opened) can never be cast."""
    return Conflict(
        "Phiếu mã hóa này đã được mở ra để kiểm tra nên không thể bỏ; hãy mã hóa lại.",
        "This encryption was audited; it cannot be cast. Encrypt again.",
        code="audited_ballot",
    )


def subject_ids(manifest: Manifest) -> set[str]:
    """Who a round's questions are about: each rating question's id, or, for a runoff
    question (its options named by ``option_titles``), each option's id."""
    ids: set[str] = set()
    for question in manifest.questions:
        ids |= set(question.options) if question.option_titles else {question.id}
    return ids


def credential_hash(credential: str) -> str:
    """Committee credentials are stored like tokens: only their hash."""
    return token_hash(credential).hex()


def _fresh_tokens(count: int) -> list[str]:
    if not 0 < count <= 2000:
        raise BadRequest("Số phiếu không hợp lệ.", "Token count must be 1..2000.")
    return [generate_token() for _ in range(count)]


def _add_tokens(store: Store, number: int, tokens: list[str]) -> None:
    """Store the tokens' hashes and log how many were issued (inside a transaction)."""
    store.add_tokens(number, [token_hash(token).hex() for token in tokens])
    store.append_event("tokens-issued", {"round": number, "count": len(tokens)})


def _cancel_unused(store: Store, number: int) -> list[str]:
    """Cancel every unused token of the round, each logged (inside a transaction)."""
    hashes = store.token_hashes(number, "issued")
    for digest in hashes:
        store.cancel_token(number, digest)
        store.append_event("token-cancelled", {"round": number, "token_hash": digest})
    return hashes


class Rounds:
    """Operations on the rounds of the meeting in ``store``."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._contexts: dict[int, ElectionContext] = {}

    # --- reading -----------------------------------------------------------------------------

    def row(self, number: int) -> dict[str, Any]:
        row = self.store.round_row(number)
        if row is None:
            raise NotFound(f"Không có vòng bỏ phiếu {number}.", f"There is no round {number}.")
        return row

    def current(self) -> int | None:
        return self.store.last_round()

    def numbers(self) -> list[int]:
        """Every round's number, in order."""
        return self.store.round_numbers()

    def manifest(self, number: int) -> Manifest:
        return Manifest.from_json(self.row(number)["manifest"])

    def context(self, number: int) -> ElectionContext:
        """The election of a round whose ceremony is finished (cached)."""
        if number not in self._contexts:
            row = self.row(number)
            if row["election"] is None:
                raise Conflict(
                    "Ban kiểm phiếu chưa tạo xong khóa.", "The committee's key is not ready yet."
                )
            manifest = Manifest.from_json(row["manifest"])
            self._contexts[number] = ElectionContext.from_json(GROUP, manifest, row["election"])
        return self._contexts[number]

    def phase(self, number: int) -> str:
        return self.row(number)["phase"]

    def _require_phase(self, number: int, *allowed: str) -> None:
        phase = self.phase(number)
        if phase not in allowed:
            raise Conflict(
                f"Không thể làm việc này ở giai đoạn «{phase}».",
                f"Not possible in phase {phase!r} (needs {' or '.join(allowed)}).",
                code=f"phase_{phase}",
            )

    def _set_phase(self, number: int, phase: str) -> None:
        self.store.set_round_phase(number, phase)

    # --- the round and its ceremony ------------------------------------------------------------

    def start(
        self,
        manifest_json: dict[str, Any],
        subjects: dict[str, int],
        reuse_keys_from: int | None = None,
    ) -> dict[int, str]:
        """Fix a round's manifest and open its key ceremony.

        ``subjects`` maps each question id to the roster member it rates. Returns one fresh
        committee credential per trustee index (shown to that member as a QR code, stored only
        as a hash). With ``reuse_keys_from`` (a further round, e.g. a runoff), the committee's
        keys and credentials of that round are reused: no ceremony, the round is ready at once.
        """
        if reuse_keys_from is not None:
            return self._start_with_keys_of(manifest_json, subjects, reuse_keys_from)
        try:
            manifest = Manifest.from_json(manifest_json)
        except TallyError as error:
            raise BadRequest("Bản kê phiếu không hợp lệ.", f"Invalid manifest: {error}") from None
        number = manifest_json.get("round")
        if number != (self.current() or 0) + 1:
            raise Conflict("Số vòng không đúng thứ tự.", "Rounds are numbered 1, 2, … in order.")
        if set(subjects) != subject_ids(manifest):
            raise BadRequest("Danh sách người được đánh giá không khớp.", "Subjects mismatch.")
        check_committee_size(manifest.committee_size, manifest.threshold)
        credentials = {i: generate_token() for i in range(1, manifest.committee_size + 1)}
        with self.store.transaction() as store:
            store.insert_round(number, "ceremony", manifest_json, None, subjects)
            for index, credential in credentials.items():
                store.add_trustee(number, index, credential_hash(credential))
            store.append_event(
                "round-started",
                {"round": number, "manifest": manifest_json, "manifest_hash": manifest.hash.hex()},
            )
        return credentials

    def _start_with_keys_of(
        self, manifest_json: dict[str, Any], subjects: dict[str, int], source: int
    ) -> dict[int, str]:
        previous = self.context(source)  # the source round's ceremony must be complete
        try:
            manifest = Manifest.from_json(manifest_json)
        except TallyError as error:
            raise BadRequest("Bản kê phiếu không hợp lệ.", f"Invalid manifest: {error}") from None
        if (manifest.threshold, manifest.committee_size) != (
            previous.manifest.threshold,
            previous.manifest.committee_size,
        ):
            raise BadRequest("Ban kiểm phiếu phải giữ nguyên.", "The committee must not change.")
        number = manifest_json.get("round")
        if number != (self.current() or 0) + 1:
            raise Conflict("Số vòng không đúng thứ tự.", "Rounds are numbered 1, 2, … in order.")
        if set(subjects) != subject_ids(manifest):
            raise BadRequest("Danh sách người được đánh giá không khớp.", "Subjects mismatch.")
        election_json = {**previous.to_json(), "manifest_hash": manifest.hash.hex()}
        context = ElectionContext.from_json(GROUP, manifest, election_json)
        with self.store.transaction() as store:
            store.insert_round(number, "ready", manifest_json, election_json, subjects)
            store.copy_committee(number, source)
            store.append_event(
                "round-started",
                {
                    "round": number,
                    "manifest": manifest_json,
                    "manifest_hash": manifest.hash.hex(),
                    "keys_of_round": source,
                },
            )
            store.append_event(
                "election-published",
                {
                    "round": number,
                    "election": election_json,
                    "fingerprint": context.fingerprint.hex(),
                    "keys_of_round": source,
                },
            )
        return {}

    def trustee_for(self, number: int, credential: str) -> int:
        """The trustee index a committee credential belongs to, or ``Forbidden``."""
        try:
            digest = credential_hash(credential)
        except TallyError:
            digest = ""
        trustee = self.store.trustee_by_credential(number, digest)
        if trustee is None:
            raise Forbidden(
                "Mã thành viên ban kiểm phiếu không đúng.", "Unknown committee credential."
            )
        return trustee

    # --- tokens and voting -----------------------------------------------------------------------

    def issue_tokens(self, number: int, count: int) -> list[str]:
        """Make ``count`` fresh tokens; only their hashes are stored. Returns the tokens."""
        self._require_phase(number, "ready")
        tokens = _fresh_tokens(count)
        with self.store.transaction() as store:
            _add_tokens(store, number, tokens)
        return tokens

    def cancel_unused(self, number: int) -> list[str]:
        """Void every unused token of the round at once (before or during voting); each is
        logged as ``token-cancelled``. Returns their hashes."""
        self._require_phase(number, "ready", "open")
        with self.store.transaction() as store:
            return _cancel_unused(store, number)

    def reissue_tokens(self, number: int, count: int) -> tuple[list[str], list[str]]:
        """Before voting opens, replace every unused token (e.g. after a restart forgot their
        plaintext): in one step, cancel them all (logged) and issue ``count`` fresh ones.
        Returns the new tokens and the cancelled hashes."""
        self._require_phase(number, "ready")
        tokens = _fresh_tokens(count)
        with self.store.transaction() as store:
            cancelled = _cancel_unused(store, number)
            _add_tokens(store, number, tokens)
        return tokens, cancelled

    def token_counts(self, number: int) -> dict[str, int]:
        return self.store.token_counts(number)

    def cancel_token(self, number: int, digest: str) -> None:
        """Void an unused token (a spare card); logged."""
        self._require_phase(number, "ready", "open")
        with self.store.transaction() as store:
            if not store.cancel_token(number, digest):
                raise NotFound("Không có phiếu chưa dùng này.", "No such unused token.")
            store.append_event("token-cancelled", {"round": number, "token_hash": digest})

    def open_voting(self, number: int) -> None:
        """Commit the set of token hashes and start accepting ballots."""
        self._require_phase(number, "ready")
        with self.store.transaction() as store:
            hashes = store.token_hashes(number, "issued")
            if not hashes:
                raise Conflict("Chưa phát phiếu nào.", "No tokens have been issued.")
            self._set_phase(number, "open")
            store.append_event(
                "voting-opened",
                {
                    "round": number,
                    "token_hashes": hashes,
                    "token_commitment": token_set_commitment(
                        [bytes.fromhex(h) for h in hashes]
                    ).hex(),
                },
            )

    def token_state(self, number: int, token: str) -> str:
        """``issued``, ``spent``, ``cancelled`` or ``unknown`` (a bad token is ``unknown``)."""
        try:
            digest = token_hash(token).hex()
        except TallyError:
            return "unknown"
        return self.hash_state(number, digest)

    def hash_state(self, number: int, digest: str) -> str:
        """The state of the token whose hash is ``digest``."""
        return self.store.token_state(number, digest) or "unknown"

    def accept_ballot(
        self,
        number: int,
        digest: str,
        tracker: str,
        ballot: dict[str, Any] | str,
        *,
        token_key: str,
        signature: str,
    ) -> Receipt:
        """Store a verified ballot and spend its token in one durable step.

        ``token_key`` and ``signature`` are the submission's proof of possession of the token
        (PROTOCOL.md §6.1), already checked; they are logged with the ballot. The same ballot
        sent again with its token returns the same receipt (a phone that lost the answer may
        resend); any other ballot on a spent token is refused, and so is an encryption that the
        voter audited (it was opened, so it can never be counted).
        """
        receipt = Receipt(tracker, tracker_code(bytes.fromhex(tracker)))
        with self.store.transaction() as store:
            phase = self.phase(number)
            state = store.token_state(number, digest)
            if state is None:
                raise Forbidden("Mã phiếu không hợp lệ.", "Unknown token.", code="token_unknown")
            if state == "spent":
                if store.has_ballot(number, digest, tracker):
                    return Receipt(receipt.tracker, receipt.code, duplicate=True)
                raise Conflict(
                    "Mã phiếu này đã được dùng để bỏ phiếu.",
                    "This token has already been used.",
                    code="token_used",
                )
            if state == "cancelled":
                raise Forbidden(
                    "Mã phiếu này đã bị hủy.", "This token was cancelled.", code="token_cancelled"
                )
            if phase != "open":
                code = "voting_closed" if phase == "closed" else "voting_not_open"
                raise Conflict(
                    "Chưa mở bỏ phiếu." if phase != "closed" else "Đã kết thúc bỏ phiếu.",
                    "Voting is not open." if phase != "closed" else "Voting is closed.",
                    code=code,
                )
            if store.audit(number, tracker) is not None:
                raise audited_refusal()
            text = ballot if isinstance(ballot, str) else canonical_json(ballot).decode("utf-8")
            store.add_ballot(number, tracker, digest, text)
            store.append_event(
                "ballot-accepted",
                {
                    "round": number,
                    "tracker": tracker,
                    "token_hash": digest,
                    "ballot_hash": ballot_hash(text.encode("utf-8")).hex(),
                    "token_key": token_key,
                    "signature": signature,
                },
            )
        return receipt

    def ballot_count(self, number: int) -> int:
        return self.store.ballot_count(number)

    def ballots(self, number: int) -> list[dict[str, Any]]:
        """The accepted ballots in tracker order (never arrival order)."""
        return self.store.ballots(number)

    def ballots_page(self, number: int, offset: int, limit: int) -> dict[str, Any]:
        """Accepted ballots in the order of their ``ballot-accepted`` events, a page at a time
        (a committee device checks them as they arrive; the log already shows that order)."""
        self.row(number)
        return {
            "round": number,
            "offset": offset,
            "total": self.ballot_count(number),
            "ballots": self.store.ballots_in_arrival_order(number, offset, limit),
        }

    def find_tracker(self, number: int, prefix: str) -> str | None:
        """The full tracker whose short code is ``prefix`` (as typed by a voter), if any."""
        wanted = prefix.replace("-", "").upper()
        for tracker in self.store.trackers(number):
            if tracker_code(bytes.fromhex(tracker)).replace("-", "") == wanted:
                return tracker
        return None

    def aggregate(self, number: int) -> dict[str, Any]:
        """The logged aggregate of a closed round (JSON), or ``Conflict`` while voting is open."""
        aggregate = self.store.result(number, "aggregate")
        if aggregate is None:
            raise Conflict("Chưa kết thúc bỏ phiếu.", "Voting is not closed yet.")
        return aggregate

    def close_voting(self, number: int) -> Aggregate:
        """Stop accepting ballots and log the homomorphic aggregate of the accepted ones."""
        self._require_phase(number, "open")
        context = self.context(number)
        with self.store.transaction() as store:
            store.log_pending_audits(number)
            self._set_phase(number, "closed")
            ballots = self.ballots(number)
            ciphertexts = [_ciphertexts(context, b) for b in ballots]
            aggregate = aggregate_ballots(context, ciphertexts)
            store.append_event(
                "voting-closed",
                {
                    "round": number,
                    "ballot_count": len(ballots),
                    "unused_tokens": self.token_counts(number)["issued"],
                },
            )
            store.append_event(
                "aggregate", {"round": number, "aggregate": aggregate.to_json(context)}
            )
            store.add_result(number, "aggregate", aggregate.to_json(context))
        return aggregate


def check_committee_size(size: int, threshold: int) -> None:
    """A counting committee has at least 3 members, and at least 2 are needed to decrypt: no
    single person (the chair included) can ever be the whole committee."""
    if size < MIN_COMMITTEE or threshold < MIN_THRESHOLD:
        raise BadRequest(
            f"Ban kiểm phiếu cần ít nhất {MIN_COMMITTEE} thành viên và ngưỡng giải mã ít nhất "
            f"{MIN_THRESHOLD}.",
            f"The committee needs at least {MIN_COMMITTEE} members and a threshold of at least "
            f"{MIN_THRESHOLD}.",
            code="committee_too_small",
        )


def _ciphertexts(
    context: ElectionContext, ballot: dict[str, Any]
) -> tuple[tuple[Ciphertext, ...], ...]:
    """The ciphertexts of a stored (already verified) ballot, per question and option."""
    return tuple(
        tuple(
            Ciphertext(bytes.fromhex(s["alpha"]), bytes.fromhex(s["beta"]))
            for s in answer["selections"]
        )
        for answer in ballot["answers"]
    )
