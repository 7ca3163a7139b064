"""Vectors for the committee's checks before decrypting (PROTOCOL.md §15) and for the signed
committee messages and fingerprints (§14.2, §16).

A small meeting is written as a signed event log with ``tally.eventlog.make_event``: round 1
(three ballots, four tokens), counted, then a runoff round 2 with the same keys. Each case is
that log changed the way an attacker who controls the laptop would change it (a packed or
substituted aggregate, a ballot dropped or added, a forged proof, a runoff of another round,
a re-signed log, …), with the reason both clients must name, or the numbers an honest
check yields. Logs are stored once: a case is ``base[:prefix] + tail``.
"""

from __future__ import annotations

import copy
from typing import Any

from nacl.signing import SigningKey

from tally.aggregate import Aggregate, aggregate_ballots
from tally.ballot import ballot_hash, make_ballot, tracker, verify_ballot
from tally.canonical import canonical_json
from tally.committee_message import sign_message
from tally.crypto.elgamal import Ciphertext
from tally.crypto.group import RISTRETTO255
from tally.crypto.hashing import hash32
from tally.crypto.nonces import TestNonces
from tally.crypto.signatures import sign
from tally.eventlog import SIGNATURE_PURPOSE, LogEntry, event_hash, make_event
from tally.fingerprint import election_code, member_fingerprint
from tally.manifest import ElectionContext, Manifest, rating_manifest_json
from tally.submission import make_submission
from tally.token import base32_encode, token_hash, token_key

GROUP = RISTRETTO255


def _tokens(count: int, seed: str) -> list[str]:
    return [base32_encode(hash32("token", f"{seed}-{i}")[:16]) for i in range(count)]


class _Log:
    """A log being written, signed with one server key."""

    def __init__(self, key: SigningKey) -> None:
        self.key = key
        self.entries: list[LogEntry] = []

    def add(self, kind: str, body: dict[str, Any]) -> None:
        previous = self.entries[-1] if self.entries else None
        self.entries.append(make_event(previous, kind, body, self.key))

    def json(self) -> list[dict[str, Any]]:
        return [e.to_json() for e in self.entries]


def _resign(entries: list[dict[str, Any]], key: SigningKey, start: int) -> list[dict[str, Any]]:
    """Rechain and re-sign from ``start`` on (what a server holding ``key`` can do)."""
    entries = copy.deepcopy(entries)
    previous = entries[start - 1]["hash"] if start else "00" * 32
    for seq in range(start, len(entries)):
        event = entries[seq]["event"]
        event["seq"], event["prev"] = seq, previous
        digest = event_hash(event)
        entries[seq]["hash"] = digest.hex()
        entries[seq]["signature"] = sign(key, SIGNATURE_PURPOSE, digest).hex()
        previous = digest.hex()
    return entries


def _round(
    log: _Log,
    context: ElectionContext,
    ballots: list[dict[str, Any]],
    tokens: list[str],
    subjects: dict[str, int],
    runoff_of: int | None = None,
) -> None:
    number = context.manifest.data["round"]
    started = {
        "round": number,
        "manifest": context.manifest.to_json(),
        "manifest_hash": context.manifest.hash.hex(),
    }
    published = {
        "round": number,
        "election": context.to_json(),
        "fingerprint": context.fingerprint.hex(),
    }
    if runoff_of is not None:
        started["keys_of_round"] = published["keys_of_round"] = runoff_of
    log.add("round-started", started)
    log.add("round-roll", {"round": number, "subjects": subjects, "runoff_of": runoff_of})
    log.add("election-published", published)
    log.add("tokens-issued", {"round": number, "count": len(tokens)})
    hashes = sorted(token_hash(t).hex() for t in tokens)
    commitment = hash32("token-set", *map(bytes.fromhex, hashes)).hex()
    log.add(
        "voting-opened", {"round": number, "token_hashes": hashes, "token_commitment": commitment}
    )
    verified = [verify_ballot(context, b) for b in ballots]
    token_of = {token_hash(t).hex(): t for t in tokens}
    for ballot, checked in zip(ballots, verified, strict=True):
        submission = make_submission(token_of[checked.token_hash.hex()], ballot)
        log.add(
            "ballot-accepted",
            {
                "round": number,
                "tracker": checked.tracker.hex(),
                "token_hash": checked.token_hash.hex(),
                "ballot_hash": ballot_hash(canonical_json(ballot)).hex(),
                "token_key": submission["token_key"],
                "signature": submission["signature"],
            },
        )
    log.add(
        "voting-closed",
        {
            "round": number,
            "ballot_count": len(ballots),
            "unused_tokens": len(tokens) - len(ballots),
        },
    )
    aggregate = aggregate_ballots(context, [v.ciphertexts for v in verified])
    log.add("aggregate", {"round": number, "aggregate": aggregate.to_json(context)})


def _scaled_aggregate(context: ElectionContext, ballots: list[dict[str, Any]]) -> dict[str, Any]:
    """Σ 2ⁱ·ballotᵢ per option: one decryption would reveal every ballot."""
    rows = []
    verified = [verify_ballot(context, b) for b in ballots]
    for q, question in enumerate(context.manifest.questions):
        row = []
        for o in range(len(question.options)):
            alpha = GROUP.linear_combination(
                (2**i, v.ciphertexts[q][o].alpha) for i, v in enumerate(verified)
            )
            beta = GROUP.linear_combination(
                (2**i, v.ciphertexts[q][o].beta) for i, v in enumerate(verified)
            )
            row.append(Ciphertext(alpha, beta))
        rows.append(tuple(row))
    return Aggregate(tuple(rows), len(ballots)).to_json(context)


def _edited(entries: list[dict[str, Any]], position: int, change) -> list[dict[str, Any]]:
    entries = copy.deepcopy(entries)
    change(entries[position]["event"]["body"])
    return entries


def round_check_vectors(manifest: Manifest, context: ElectionContext) -> dict[str, Any]:
    server = SigningKey(GROUP.scalar_bytes(TestNonces("round-check-server")()))
    attacker = SigningKey(GROUP.scalar_bytes(TestNonces("round-check-attacker")()))
    tokens1, tokens2 = _tokens(4, "round-1"), _tokens(4, "round-2")
    ballots1 = [
        make_ballot(context, token_hash(t), c, TestNonces(f"round-1-{i}"))
        for i, (t, c) in enumerate(zip(tokens1, ([0, 1, 2], [1, 0, None], [0, 0, 3]), strict=False))
    ]
    subjects1 = {q.id: i for i, q in enumerate(manifest.questions, start=1)}
    log = _Log(server)
    log.add("log-opened", {"server_key": server.verify_key.encode().hex(), "schema": 1})
    _round(log, context, ballots1, tokens1, subjects1)
    log.add("counts", {"round": 1, "trustees": [1, 2], "counts": {}})
    manifest2 = Manifest.from_json(
        rating_manifest_json(
            manifest.data["meeting"],
            [(q.id, q.title) for q in manifest.questions[:2]],
            [m["name"] for m in manifest.data["committee"]["members"]],
            threshold=manifest.threshold,
            round_number=2,
        )
    )
    context2 = ElectionContext.from_json(
        GROUP, manifest2, {**context.to_json(), "manifest_hash": manifest2.hash.hex()}
    )
    ballots2 = [
        make_ballot(context2, token_hash(t), [i % 4, (i + 1) % 4], TestNonces(f"round-2-{i}"))
        for i, t in enumerate(tokens2[:3])
    ]
    _round(log, context2, ballots2, tokens2, {"q01": 1, "q02": 2}, runoff_of=1)
    base = log.json()
    pool = ballots1 + ballots2
    stranger = make_ballot(context, token_hash(tokens1[3]), [3, 3, 3], TestNonces("round-1-x"))
    forged = copy.deepcopy(ballots1[0])
    proof = forged["answers"][0]["selections"][0]["proof"]
    proof["responses"][0], proof["responses"][1] = proof["responses"][1], proof["responses"][0]
    pool += [stranger, forged]
    seq = {(e["event"]["type"], e["event"]["body"].get("round")): i for i, e in enumerate(base)}
    aggregate1 = seq["aggregate", 1]
    closed1 = seq["voting-closed", 1]
    first_ballot = seq["voting-opened", 1] + 1
    who = {"key_round": 1, "index": 1, "signing_key": context.signing_keys[0].hex()}
    cases: list[dict[str, Any]] = []

    def case(name, entries, ballots, expected, number=1, prefix=None, **extra):
        start = prefix if prefix is not None else _common(base, entries)
        cases.append(
            {
                "name": name,
                "round": number,
                **who,
                **extra,
                "prefix": start,
                "tail": entries[start:],
                "ballots": ballots,
                "expected": expected,
            }
        )

    round1 = base[: aggregate1 + 1]

    def changed(position: int, **changes: Any) -> list[dict[str, Any]]:
        """Round 1's log with event ``position``'s body changed, re-signed from there on."""
        edited = _edited(round1, position, lambda body: body.update(**changes))
        return _resign(edited, server, position)

    def honest(ballots, tokens, reason=None):
        return {"ballots": ballots, "tokens": tokens, "override_reason": reason}

    case("honest round 1", round1, [0, 1, 2], honest(3, 4))
    case("honest runoff round 2, followed from round 1's keys", base, [3, 4, 5], honest(3, 4), 2)
    case("ballots served in another order", round1, [2, 0, 1], honest(3, 4))
    case(
        "aggregate replaced by one ballot's ciphertexts, count kept",
        _resign(
            _edited(
                round1,
                aggregate1,
                lambda b: b.update(
                    aggregate={
                        **aggregate_ballots(
                            context, [verify_ballot(context, ballots1[0]).ciphertexts] * 1
                        ).to_json(context),
                        "ballot_count": 3,
                    }
                ),
            ),
            server,
            aggregate1,
        ),
        [0, 1, 2],
        {"reason": "aggregate.sum"},
    )
    case(
        "packed aggregate Σ 2ⁱ·ballotᵢ with the honest count",
        _resign(
            _edited(
                round1,
                aggregate1,
                lambda b: b.update(aggregate=_scaled_aggregate(context, ballots1)),
            ),
            server,
            aggregate1,
        ),
        [0, 1, 2],
        {"reason": "aggregate.sum"},
    )
    case("an accepted ballot not served", round1, [0, 1], {"reason": "ballots.missing"})
    case(
        "a ballot served that was never accepted", round1, [0, 1, 2, 6], {"reason": "ballots.extra"}
    )
    case("the same ballot served twice", round1, [0, 1, 2, 2], {"reason": "ballots.extra"})
    case(
        "a ballot with a forged proof, accepted in the log",
        _resign(
            _edited(round1, first_ballot, lambda b: b.update(tracker=tracker(forged).hex())),
            server,
            first_ballot,
        ),
        [7, 1, 2],
        {"reason": "ballots.proof"},
    )
    swap = [
        base[first_ballot]["event"]["body"]["token_hash"],
        base[first_ballot + 1]["event"]["body"]["token_hash"],
    ]
    swapped = _edited(round1, first_ballot, lambda b: b.update(token_hash=swap[1]))
    swapped = _edited(swapped, first_ballot + 1, lambda b: b.update(token_hash=swap[0]))
    case(
        "two ballots' token hashes swapped in the log",
        _resign(swapped, server, first_ballot),
        [0, 1, 2],
        {"reason": "ballots.binding"},
    )
    case(
        "a ballot's logged hash is not the bytes served",
        changed(first_ballot, ballot_hash="00" * 32),
        [0, 1, 2],
        {"reason": "ballots.binding"},
    )
    case(
        "a ballot logged without its token's signature",
        changed(first_ballot, signature="00" * 64),
        [0, 1, 2],
        {"reason": "ballots.possession"},
    )
    case(
        "a ballot logged with another token's key",
        changed(first_ballot, token_key=token_key(tokens1[3]).hex()),
        [0, 1, 2],
        {"reason": "ballots.possession"},
    )
    case(
        "a ballot whose token is not in the committed set",
        changed(first_ballot, token_hash="ab" * 32),
        [0, 1, 2],
        {"reason": "ballots.token"},
    )
    case(
        "one token accepted twice",
        changed(first_ballot + 1, token_hash=swap[0]),
        [0, 1, 2],
        {"reason": "ballots.token-reused"},
    )
    moved = copy.deepcopy(round1)
    moved.insert(closed1, moved.pop(first_ballot))  # the first ballot now arrives after closing
    case(
        "a ballot accepted after voting closed",
        _resign(moved, server, first_ballot),
        [0, 1, 2],
        {"reason": "ballots.window"},
    )
    case(
        "the count logged at closing is not the ballots accepted",
        changed(closed1, ballot_count=2),
        [0, 1, 2],
        {"reason": "aggregate.count"},
    )
    case("voting not closed yet", base[:closed1], [0, 1, 2], {"reason": "round.not-closed"})
    case("a round that is not in the log", round1, [3, 4, 5], {"reason": "round.missing"}, 2)
    runoff_start = seq["round-started", 2]
    no_counts = copy.deepcopy(base)
    del no_counts[seq["counts", 1]]
    case(
        "a later round with the same keys, but round 1 was never counted",
        _resign(no_counts, server, seq["counts", 1]),
        [3, 4, 5],
        {"reason": "round.keys"},
        2,
    )
    case(
        "a later round of another kind reusing round 1's keys (no runoff) is followed",
        _resign(
            _edited(base, seq["round-roll", 2], lambda b: b.update(runoff_of=None)),
            server,
            runoff_start,
        ),
        [3, 4, 5],
        honest(3, 4),
        2,
    )
    case(
        "a runoff of another round than the one whose keys it reuses",
        _resign(
            _edited(base, seq["round-roll", 2], lambda b: b.update(runoff_of=3)),
            server,
            runoff_start,
        ),
        [3, 4, 5],
        {"reason": "round.keys"},
        2,
    )
    case(
        "a later round naming itself as the round of its keys",
        _resign(
            _edited(base, runoff_start, lambda b: b.update(keys_of_round=2)),
            server,
            runoff_start,
        ),
        [3, 4, 5],
        {"reason": "round.keys"},
        2,
    )
    case(
        "another member's key in the election",
        round1,
        [0, 1, 2],
        {"reason": "round.election"},
        signing_key=context.signing_keys[1].hex(),
    )
    twice = [*copy.deepcopy(round1), copy.deepcopy(round1[aggregate1])]
    case(
        "a second aggregate event",
        _resign(twice, server, aggregate1 + 1),
        [0, 1, 2],
        {"reason": "round.repeated"},
    )
    case(
        "the whole log re-signed with another key",
        _resign(
            [
                {
                    **e,
                    "event": {
                        **e["event"],
                        "body": {
                            **e["event"]["body"],
                            "server_key": attacker.verify_key.encode().hex(),
                        },
                    },
                }
                if i == 0
                else e
                for i, e in enumerate(round1)
            ],
            attacker,
            0,
        ),
        [0, 1, 2],
        {"reason": "log.server-key"},
        prefix=0,
    )
    tampered = copy.deepcopy(round1)
    tampered[first_ballot]["event"]["body"]["tracker"] = "00" * 32
    case("an event changed after it was signed", tampered, [0, 1, 2], {"reason": "log.hash"})
    bad_signature = copy.deepcopy(round1)
    bad_signature[first_ballot]["signature"] = bad_signature[first_ballot + 1]["signature"]
    case(
        "a signature taken from another event",
        bad_signature,
        [0, 1, 2],
        {"reason": "log.signature"},
    )
    dropped = copy.deepcopy(round1)
    del dropped[first_ballot]
    case("an event dropped from the chain", dropped, [0, 1, 2], {"reason": "log.sequence"})
    small = _Log(server)
    small.add("log-opened", {"server_key": server.verify_key.encode().hex(), "schema": 1})
    _round(small, context, ballots1[:1], tokens1, subjects1)
    small_log = small.json()
    case(
        "one ballot of four tokens, no override",
        small_log,
        [0],
        {"reason": "round.small"},
        prefix=0,
    )
    small.add(
        "small-round-override", {"round": 1, "ballots": 1, "tokens": 4, "reason": "Thử nghiệm"}
    )
    case(
        "one ballot of four tokens, with the chair's override",
        small.json(),
        [0],
        honest(1, 4, "Thử nghiệm"),
        prefix=0,
    )
    small.entries.pop()
    small.add("small-round-override", {"round": 1, "ballots": 2, "tokens": 4, "reason": "Sai số"})
    case("an override naming other numbers", small.json(), [0], {"reason": "round.small"}, prefix=0)
    return {
        "comment": (
            "Committee checks before decrypting (PROTOCOL.md §15). The log of a case is "
            "base[:prefix] + tail; its ballots are indices into ballot_pool; the device pinned "
            "server_key and its keys were made in key_round as member index with signing_key."
        ),
        "server_key": server.verify_key.encode().hex(),
        "base": base,
        "ballot_pool": pool,
        "cases": cases,
    }


def _common(base: list[dict[str, Any]], entries: list[dict[str, Any]]) -> int:
    count = 0
    for left, right in zip(base, entries, strict=False):
        if left != right:
            break
        count += 1
    return count


def committee_vectors(context: ElectionContext, signing_seeds: dict[int, bytes]) -> dict[str, Any]:
    """Signed committee messages of every type, and the fingerprints people compare."""
    manifest_hash = context.manifest.hash
    seed = signing_seeds[1]
    key = SigningKey(seed)
    bodies = [
        ("claim", {"signing_key": key.verify_key.encode().hex()}),
        ("complaint", {"accused": 2, "check": "commitments"}),
        ("reveal", {"recipient": 3, "value": GROUP.scalar_to_hex(12345)}),
        ("confirmation", {"election": context.fingerprint.hex()}),
    ]
    messages = []
    for kind, body in bodies:
        message = sign_message(key, manifest_hash, 1, kind, body)
        messages.append(
            {"seed": seed.hex(), "message": message.to_json(), "digest": message.digest.hex()}
        )
    return {
        "comment": "Signed committee messages (PROTOCOL.md §14.2) and fingerprints (§16).",
        "manifest_hash": manifest_hash.hex(),
        "messages": messages,
        "member_fingerprints": [
            {"signing_key": k.hex(), "fingerprint": member_fingerprint(k)}
            for k in context.signing_keys
        ],
        "election": {
            "fingerprint": context.fingerprint.hex(),
            "code": election_code(context.fingerprint),
        },
    }


def trustee_backup_vectors() -> dict[str, Any]:
    """Backups of a member's secrets with a fixed salt and nonce and N = 2^10 (for speed):
    keystore.mjs and ``ballot_client.keystore`` must both open them and re-encrypt them byte
    for byte (PROTOCOL.md "Trustee backup")."""
    from ballot_client.keystore import TrusteeRecord, encrypt_backup

    passphrase = "mật khẩu thử nghiệm"
    records = [
        TrusteeRecord(
            "hop-2026",
            1,
            2,
            "ab" * 32,
            bytes(range(32)),
            (5, 7),
            11,
            None,
            "3d4f78f9f68839dda669d8912050827a993fb772b2c93192bc9a6f5e773a653f",
        ),
        TrusteeRecord(
            "cb-2026-12", 3, 1, "cd" * 32, bytes(range(32, 64)), None, None, 12345 + 2**200
        ),
        TrusteeRecord(
            "cb-2026-12", 1, 3, "ef" * 32, bytes(range(64, 96)), (1, 2, 3), 4, 99, "11" * 32
        ),
    ]
    cases = []
    for number, record in enumerate(records):
        salt = bytes(range(16 * number, 16 * number + 16))
        nonce = bytes(range(100 + 24 * number, 124 + 24 * number))
        backup = encrypt_backup(record, passphrase, n=2**10, salt=salt, nonce=nonce)
        cases.append(
            {
                "secrets": record.to_json(),
                "salt": salt.hex(),
                "nonce": nonce.hex(),
                "backup": backup,
            }
        )
    return {
        "comment": (
            "Trustee backup vectors (PROTOCOL.md 'Trustee backup'), made by "
            "ballot_client/keystore.py with fixed salt and nonce and N=1024 for speed; "
            "keystore.mjs must decrypt them and re-encrypt byte-identically."
        ),
        "passphrase": passphrase,
        "cases": cases,
    }
