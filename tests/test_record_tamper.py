"""The tamper suite: a real exported record, changed in one way at a time, each change caught by
the specific named check (issue 5 item 5).

Every case asserts the exact set of failed checks, so a case proves which check catches it and
that nothing else is needed. Changes to the content of an event are shown twice:

- naively (the bytes edited in place): the log's hash chain catches it (``log.hash``), and the
  specific check still reports what the edit means;
- by an attacker who controls the laptop and re-signs the whole log with a key of their own,
  rewriting event 0 and ``record.json`` (``Parts.resign``) and even the minute's server signature:
  the log then verifies, and the specific check catches the change anyway. The minute catches
  the key swap as well (``minute.content``: the signed minute names the real server key and the
  head of the real log, and the committee's signatures and the paper minute fix its digest), so
  every forged case fails ``minute.content`` too.
"""

from __future__ import annotations

import copy
import json
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from nacl.signing import SigningKey

from audit.minute_pdf import render_minute_pdf
from audit.record import load_record
from audit.report_text import CHECKS
from audit.verify import verify_record
from tally.aggregate import aggregate_ballots
from tally.ballot import ballot_hash, make_ballot, tracker
from tally.canonical import canonical_json
from tally.crypto.elgamal import Ciphertext
from tally.crypto.group import RISTRETTO255
from tally.crypto.hashing import hash32
from tally.crypto.nonces import system_nonce
from tally.crypto.signatures import sign
from tally.manifest import ElectionContext
from tally.minute import minute_digest
from tally.minute_log import minute_document
from tally.rules.engine import decide_json
from tally.submission import make_submission
from tally.token import generate_token, token_hash
from tests.record_support import BuiltMeeting, Parts, attacker_key, meeting_record

FORGED = {"minute.content"}  # what a re-signed log always adds: the minute names the real log


@pytest.fixture(scope="module")
def built() -> BuiltMeeting:
    return meeting_record()


def verify_bytes(data: bytes):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "record.zip"
        path.write_bytes(data)
        return verify_record(load_record(path), workers=1)


def failed(parts: Parts) -> set[str]:
    return verify_bytes(parts.pack()).failed_checks()


def forge(parts: Parts, key: SigningKey | None = None) -> Parts:
    """The attacker re-signs everything they can: the minute's server signature and the log,
    and prints the PDF again from the minute so signed (its hash in the last ``minute-pdf``)."""
    key = key or attacker_key()
    for entry in parts.entries:
        if entry["event"]["type"] == "minute":
            body = entry["event"]["body"]
            digest = bytes.fromhex(body["digest"])
            body["server_signature"] = sign(key, "minute", digest).hex()
    if "minute.pdf" in parts.files:
        reprint(parts)
    return parts.resign(key)


def reprint(parts: Parts, document: dict | None = None) -> None:
    """Render ``document`` (default: the signed minute the log holds before the last
    ``minute-pdf`` event) and log the new PDF's hash in that event."""
    at = parts.position("minute-pdf", -1)
    document = document or minute_document(parts.entries, upto=at)
    pdf = render_minute_pdf(document)
    parts.files["minute.pdf"] = pdf
    parts.entries[at]["event"]["body"]["pdf_hash"] = hash32("minute-pdf", pdf).hex()


def new_event(kind: str, body: dict) -> dict:
    event = {"version": 1, "kind": "phieukin/event", "seq": 0, "prev": "", "type": kind}
    return {"event": {**event, "body": body}, "hash": "", "signature": ""}


def file_ballots(parts: Parts, ballots: list[dict]) -> None:
    """Put ``ballots`` on file in round 1, in tracker order as the exporter does."""
    parts.ballots[1] = sorted(ballots, key=lambda b: tracker(b).hex())


def fresh_ballot(built: BuiltMeeting, token_hash_hex: str) -> dict:
    """A well-formed ballot with valid proofs, bound to the given token hash."""
    choices = [1] * len(built.context.manifest.questions)
    return make_ballot(built.context, bytes.fromhex(token_hash_hex), choices, system_nonce)


def substitute_ballot(
    parts: Parts, built: BuiltMeeting, token_hash_hex: str, token: str | None = None
) -> None:
    """Replace the first accepted ballot (file and event) by a fresh one on another token,
    signed with that token's key when the attacker has the token (else the logged proof of
    possession is the replaced ballot's, which no longer fits)."""
    position = parts.position("ballot-accepted")
    old = parts.entries[position]["event"]["body"]["tracker"]
    ballot = fresh_ballot(built, token_hash_hex)
    parts.entries[position]["event"]["body"].update(
        tracker=tracker(ballot).hex(),
        token_hash=token_hash_hex,
        ballot_hash=ballot_hash(canonical_json(ballot)).hex(),
    )
    if token is not None:
        submission = make_submission(token, ballot)
        parts.entries[position]["event"]["body"].update(
            token_key=submission["token_key"], signature=submission["signature"]
        )
    kept = [b for b in parts.ballots[1] if tracker(b).hex() != old]
    file_ballots(parts, [*kept, ballot])


# --- the untampered record ----------------------------------------------------------------------


def test_the_untampered_records_pass(built):
    report = verify_bytes(built.final)
    assert report.passed and report.verdict == "final", [f.to_json() for f in report.failures]
    checks = {f.check for f in report.findings}
    assert {"minute.content", "decisions.profile", "tokens.voters", "ballots.on_file"} <= checks
    assert {"minute.pdf_render", "minute.json", "minute.cosigned", "record.files"} <= checks
    assert failed(Parts.open(built.final)) == set()  # unpacking and packing changes nothing
    # Exported while voting was open: nothing is wrong, but it proves no result yet.
    report = verify_bytes(built.open)
    assert (report.verdict, report.failed_checks()) == ("interim", set())
    assert report.pending_checks() == {"minute.present"} and not report.passed
    assert failed(forge(Parts.open(built.open))) == set()  # no minute yet: a new key is unseen


# --- tamperings that need no change to the log --------------------------------------------------


def drop_ballot_file(parts, built):
    parts.ballots[1].pop(2)


def duplicate_ballot(parts, built):
    parts.ballots[1].insert(3, copy.deepcopy(parts.ballots[1][3]))


def reorder_ballots(parts, built):
    parts.ballots[1][0], parts.ballots[1][1] = parts.ballots[1][1], parts.ballots[1][0]


def ciphertext_byte(parts, built):
    selection = parts.ballots[1][1]["answers"][0]["selections"][2]
    selection["beta"] = flip_hex(selection["beta"])


def flip_hex(text: str, at: int = 10) -> str:
    """``text`` with one hex digit changed."""
    return text[:at] + format(int(text[at], 16) ^ 1, "x") + text[at + 1 :]


def proof_value(parts, built):
    proof = parts.ballots[1][4]["answers"][1]["sum_proof"]
    proof["responses"][0] = flip_hex(proof["responses"][0])


def swap_minute_pdf(parts, built):
    """Another real printing of the same minute: the one made before anyone had signed."""
    body = parts.body("minute")
    unsigned = {**{k: body[k] for k in ("minute", "digest", "server_signature")}, "signatures": []}
    parts.files["minute.pdf"] = render_minute_pdf(unsigned)


def index_head(parts, built):
    parts.index["head"] = "00" * 32


def index_server_key(parts, built):
    parts.index["server_key"] = attacker_key().verify_key.encode().hex()


def forge_event_signature(parts, built):
    entry = parts.entries[parts.position("counts")]
    entry["signature"] = sign(attacker_key(), "event", bytes.fromhex(entry["hash"])).hex()


def index_title(parts, built):
    parts.index["meeting"]["title"] = "Hội nghị khác"


def index_meeting_id(parts, built):
    parts.index["meeting"]["id"] = "hop-00000000"


def index_ballots(parts, built):
    parts.index["rounds"]["1"]["ballots"] -= 1


def unlisted_file(parts, built):
    parts.files["ghi-chu.txt"] = b"not part of the record"


def listed_file_missing(parts, built):
    del parts.files["minute.json"]


def noncanonical_event_line(parts, built):
    """The same events, one line written with spaces: the bytes are not the canonical ones."""
    lines = [canonical_json(e) for e in parts.entries]
    lines[3] = json.dumps(parts.entries[3], ensure_ascii=False).encode()
    parts.files["events.jsonl"] = b"".join(line + b"\n" for line in lines)


def noncanonical_ballot_line(parts, built):
    lines = [canonical_json(b) for b in parts.ballots[1]]
    lines[0] = json.dumps(parts.ballots[1][0], sort_keys=True, separators=(", ", ": ")).encode()
    parts.files["ballots/round-1.jsonl"] = b"".join(line + b"\n" for line in lines)


def minute_json_count(parts, built):
    """``minute.json`` says another count than the minute the committee signed."""
    document = json.loads(parts.files["minute.json"])
    document["minute"]["rounds"][0]["ballots"] += 1
    parts.files["minute.json"] = canonical_json(document)


def minute_json_signature_dropped(parts, built):
    document = json.loads(parts.files["minute.json"])
    document["signatures"].pop()
    parts.files["minute.json"] = canonical_json(document)


UNLOGGED: list[tuple[str, Callable, set[str]]] = [
    # a ballot removed from the file: missing from the record, and the sum no longer matches
    ("drop a ballot from the file", drop_ballot_file, {"ballots.on_file", "aggregate"}),
    ("duplicate a ballot", duplicate_ballot, {"ballots.duplicate", "aggregate"}),
    ("ballots out of tracker order", reorder_ballots, {"ballots.order"}),
    (
        "one byte of a ciphertext",
        ciphertext_byte,
        {"ballots.proofs", "ballots.on_file", "aggregate"},
    ),
    ("one proof value", proof_value, {"ballots.proofs", "ballots.on_file", "aggregate"}),
    ("record.json names another head", index_head, {"index.head"}),
    ("record.json names another key", index_server_key, {"index.server_key"}),
    ("forge a server signature on one event", forge_event_signature, {"log.signature"}),
    ("swap the minute PDF", swap_minute_pdf, {"minute.pdf", "minute.pdf_render"}),
    ("record.json: another meeting title", index_title, {"index.meeting"}),
    ("record.json: another meeting id", index_meeting_id, {"index.meeting"}),
    ("record.json: another ballot count", index_ballots, {"index.rounds"}),
    ("a file not listed", unlisted_file, {"record.files"}),
    ("a listed file missing", listed_file_missing, {"record.files"}),
    ("an event line not canonical", noncanonical_event_line, {"record.encoding"}),
    ("a ballot line not canonical", noncanonical_ballot_line, {"record.encoding"}),
    ("minute.json: another count", minute_json_count, {"minute.json"}),
    ("minute.json: a signature dropped", minute_json_signature_dropped, {"minute.json"}),
]


@pytest.mark.parametrize(
    ("change", "expected"), [c[1:] for c in UNLOGGED], ids=[c[0] for c in UNLOGGED]
)
def test_a_change_outside_the_log_is_named(built, change, expected):
    parts = Parts.open(built.final)
    change(parts, built)
    assert failed(parts) == expected


def test_the_minute_pdf_is_fixed_by_its_hash_and_a_swapped_one_is_named(built):
    """The record carries the printed minute; the last ``minute-pdf`` event names its hash."""
    parts = Parts.open(built.final)
    assert parts.files["minute.pdf"].startswith(b"%PDF")
    assert parts.body("minute-pdf")["digest"] == parts.body("minute")["digest"]
    swap_minute_pdf(parts, built)
    assert failed(parts) == {"minute.pdf", "minute.pdf_render"}
    del parts.files["minute.pdf"]
    assert failed(parts) == {"record.files"}  # removed: record.json still lists it
    parts.index["files"].remove("minute.pdf")
    assert failed(parts) == {"index.files"}  # and unlisted: the log still names one


# --- tamperings of the log: naive (the chain catches it) and re-signed (the specific check) ----


def drop_ballot_event(parts, built):
    del parts.entries[parts.position("ballot-accepted", 3)]


def drop_ballot_everywhere(parts, built):
    """The ballot gone from file and log, the count at closing and the aggregate recomputed:
    only the committee's decryption proofs (made on the real aggregate) stand in the way."""
    position = parts.position("ballot-accepted", 3)
    gone = parts.entries[position]["event"]["body"]["tracker"]
    del parts.entries[position]
    file_ballots(parts, [b for b in parts.ballots[1] if tracker(b).hex() != gone])
    parts.body("voting-closed")["ballot_count"] -= 1
    parts.body("voting-closed")["unused_tokens"] += 1
    rows = [
        tuple(
            tuple(
                Ciphertext(bytes.fromhex(s["alpha"]), bytes.fromhex(s["beta"]))
                for s in answer["selections"]
            )
            for answer in ballot["answers"]
        )
        for ballot in parts.ballots[1]
    ]
    aggregate = aggregate_ballots(built.context, rows)
    parts.body("aggregate")["aggregate"] = aggregate.to_json(built.context)


def unissued_token(parts, built):
    token = generate_token()
    substitute_ballot(parts, built, token_hash(token).hex(), token)


def cancelled_token(parts, built):
    substitute_ballot(parts, built, parts.body("token-cancelled")["token_hash"])


def one_token_twice(parts, built):
    used = parts.body("ballot-accepted", 4)["token_hash"]
    substitute_ballot(parts, built, used)


def other_ballot_hash(parts, built):
    """The logged hash of an accepted ballot is not that of the ballot on file."""
    body = parts.body("ballot-accepted", 1)
    body["ballot_hash"] = flip_hex(body["ballot_hash"])


def ballot_after_closing(parts, built):
    entry = parts.entries.pop(parts.position("ballot-accepted", 2))
    parts.entries.insert(parts.position("voting-closed") + 1, entry)


def remove_confirmation(parts, built):
    del parts.entries[parts.position("trustee-confirmed", 1)]


def change_announcement(parts, built):
    proof = parts.body("trustee-announced", 1)["announcement"]["encryption_key_proof"]
    proof["response"] = flip_hex(proof["response"])


def rewrite_relayed_share(parts, built):
    """A share member 2 sent, changed in the log: member 2's signature no longer covers it."""
    share = parts.body("trustee-shares", 1)["shares"][0]
    share["ciphertext"] = flip_hex(share["ciphertext"])


def confirm_another_election(parts, built):
    """A confirmation naming another election than the one published."""
    parts.body("trustee-confirmed", 0)["election"] = "ab" * 32


def replace_joint_key(parts, built):
    """The attacker's own public key as the election key (they could then open every ballot):
    member 1's first commitment shifted so the published election still adds up, and the
    fingerprint recomputed — the election is no longer the one the announcements make."""
    group = RISTRETTO255
    body = parts.body("election-published")
    election = body["election"]
    attacker = group.base_mul(12345)
    others = group.sum(bytes.fromhex(t["commitments"][0]) for t in election["trustees"][1:])
    election["trustees"][0]["commitments"][0] = group.sub(attacker, others).hex()
    election["joint_key"] = attacker.hex()
    context = ElectionContext.from_json(group, built.context.manifest, election)
    body["fingerprint"] = context.fingerprint.hex()


def change_aggregate(parts, built):
    options = parts.body("aggregate")["aggregate"]["questions"][0]["options"]
    options[0], options[1] = options[1], options[0]


def change_decryption_share(parts, built):
    shares = parts.body("decryption-share", 0)["share"]["shares"]
    shares[0]["share"], shares[1]["share"] = shares[1]["share"], shares[0]["share"]


def shares_below_threshold(parts, built):
    del parts.entries[parts.position("decryption-share", 1)]
    body = parts.body("counts")
    body["trustees"] = body["trustees"][:1]


def change_count(parts, built):
    counts = parts.body("counts")["counts"]
    row = counts[sorted(counts)[0]]
    row[0], row[1] = row[0] + 1, row[1] - 1 if row[1] else row[1]


def change_count_and_decisions(parts, built):
    """A count changed and the rules re-run on it: consistent, but not what was decrypted."""
    change_count(parts, built)
    counts = parts.body("counts")["counts"]
    request = parts.body("decisions")["input"]
    for subject in request["subjects"]:
        subject["votes"] = dict(zip(("XS", "TOT", "HT", "KHT"), counts[subject["id"]], strict=True))
    parts.body("decisions")["output"] = decide_json(request)


def change_decision(parts, built):
    subject = parts.body("decisions")["output"]["subjects"][0]
    subject["level"] = "XS" if subject["level"] != "XS" else "TOT"


def change_profile_name(parts, built):
    """Another rule profile named in the input; its output happens to be the same here."""
    parts.body("decisions")["input"]["profile"] = "qd132-hd21"


def change_profile_option(parts, built):
    """An option of the profile changed in the input, the output re-run to match."""
    request = parts.body("decisions")["input"]
    request["options"] = {"quorum": "more_than_half"}
    parts.body("decisions")["output"] = decide_json(request)


def absent_member_present(parts, built):
    roll = parts.body("round-roll")["roll"]
    roll["excluded"] = []
    roll["base"] += 1
    roll["present"] += 1
    roll["voters"] += 1


def extra_token(parts, built):
    """One token more than the members present: its hash in the commitment, the count of tokens
    issued raised to match — every token check agrees except the one against the roll."""
    body = parts.body("voting-opened")
    hashes = sorted([*body["token_hashes"], token_hash(generate_token()).hex()])
    body["token_hashes"] = hashes
    body["token_commitment"] = hash32("token-set", *map(bytes.fromhex, hashes)).hex()
    parts.body("tokens-issued")["count"] += 1
    parts.body("voting-closed")["unused_tokens"] += 1


def change_minute_text(parts, built):
    """The minute's text changed, its digest recomputed and the PDF printed again from it: the
    committee signed another minute, and the log's facts are not the minute's."""
    body = parts.body("minute")
    body["minute"]["meeting"]["place"] = "Phòng họp tầng 5"
    body["digest"] = minute_digest(body["minute"]).hex()
    parts.body("minute-pdf").update(digest=body["digest"], signatures=0)
    reprint(parts)


def forge_committee_signature(parts, built):
    body = parts.body("minute-signature", 1)
    impostor = SigningKey(bytes([0x5C]) * 32)
    body["signature"] = sign(impostor, "minute", bytes.fromhex(body["digest"])).hex()


def unknown_event(parts, built):
    parts.entries.insert(parts.position("counts"), new_event("recount", {"round": 1}))


# Where a check cannot go on (no verified aggregate, no verified counts), the checks that rest on
# it say so too: a ballot not accepted is left out of the sum (``aggregate``); rules applied to
# counts that are not verified are named (``decisions.input``).
LOGGED: list[tuple[str, Callable, set[str]]] = [
    (
        "drop a ballot's event",
        drop_ballot_event,
        {
            "ballots.binding",
            "ballots.on_file",
            "ballots.closed_count",
            "aggregate",
            "tokens.unused",
        },
    ),
    (
        "drop a ballot from file, log and sum",
        drop_ballot_everywhere,
        {"decryption.share", "decryption.counts", "decisions.input"},
    ),
    ("a ballot with an unissued token", unissued_token, {"ballots.token_issued", "aggregate"}),
    (
        "a ballot with the cancelled token",
        cancelled_token,
        {"ballots.token_issued", "ballots.possession", "aggregate"},
    ),
    (
        "two ballots with one token",
        one_token_twice,
        {"ballots.token_once", "ballots.possession", "aggregate"},
    ),
    ("another ballot_hash logged", other_ballot_hash, {"ballots.binding", "aggregate"}),
    (
        "reorder the log: a ballot after closing",
        ballot_after_closing,
        {"ballots.window", "round.order"},
    ),
    ("remove a log event: a confirmation", remove_confirmation, {"ceremony.confirmed"}),
    ("a relayed share rewritten", rewrite_relayed_share, {"ceremony.signatures"}),
    (
        "a confirmation of another election",
        confirm_another_election,
        {"ceremony.signatures", "ceremony.confirmed_election"},
    ),
    (
        "a committee key proof",
        change_announcement,
        {"ceremony.announcement", "ceremony.signatures"},
    ),
    (
        "replace the joint key",
        replace_joint_key,
        {
            "election.joint_key",
            "ceremony.confirmed_election",
            "ballots.proofs",
            "ballots.on_file",
            "aggregate",
        },
    ),
    ("change an aggregate", change_aggregate, {"aggregate"}),
    (
        "change a decryption share",
        change_decryption_share,
        {"decryption.share", "decryption.counts", "decisions.input"},
    ),
    ("drop a share below t", shares_below_threshold, {"decryption.counts", "decisions.input"}),
    ("change a count", change_count, {"decryption.counts"}),
    (
        "change a count and re-run the rules",
        change_count_and_decisions,
        {"decryption.counts", "decisions.input"},
    ),
    ("change a rule decision", change_decision, {"decisions.rerun"}),
    ("change the rule profile name", change_profile_name, {"decisions.profile"}),
    ("change a rule option", change_profile_option, {"decisions.profile"}),
    (
        "make an absent member present",
        absent_member_present,
        {"tokens.voters", "decisions.roll", "roll.counts"},
    ),
    ("one token more than the members present", extra_token, {"tokens.voters"}),
    ("change the minute text", change_minute_text, {"minute.signature", "minute.content"}),
    ("forge a committee signature", forge_committee_signature, {"minute.signature"}),
    ("an event of unknown type", unknown_event, {"log.types"}),
]


@pytest.mark.parametrize(
    ("change", "expected"), [c[1:] for c in LOGGED], ids=[c[0] for c in LOGGED]
)
def test_a_change_to_the_log_is_caught_by_the_chain_and_by_the_specific_check(
    built, change, expected
):
    assert_caught(built, change, expected)


def assert_caught(built: BuiltMeeting, change: Callable, expected: set[str]) -> None:
    """``change`` made naively is caught by the chain; made and re-signed by an attacker, by
    exactly the ``expected`` checks (and the minute)."""
    naive = Parts.open(built.final)
    change(naive, built)
    caught = failed(naive)
    assert caught & {"log.hash", "log.sequence", "log.chain"}, caught

    forged = Parts.open(built.final)
    change(forged, built)
    assert failed(forge(forged)) == expected | FORGED


def test_a_key_swap_alone_is_caught_by_the_minute(built):
    """Nothing changed but the key: the log verifies under the attacker's key, and the signed
    minute (the paper's fingerprint) still names the real key and the real head of the log."""
    parts = forge(Parts.open(built.final))
    assert failed(parts) == {"minute.content"}
    report = verify_bytes(parts.pack())
    detail = next(f.detail for f in report.failures if f.check == "minute.content")
    assert "record.server_key" in detail and "record.head_hash" in detail
    # Without even re-signing the minute, the server's signature on it is named as well.
    parts = Parts.open(built.final).resign(attacker_key())
    assert failed(parts) == {"minute.content", "minute.server_signature"}


# --- the anchor: a record whose minute or co-signatures are gone is never final ------------------


def test_a_record_without_its_minute_is_interim_never_sound(built):
    """The minute and everything after it removed, the log re-signed (with any key, even the
    real one): a consistent record of a meeting that made no minute — interim, exit 3."""
    for key in (attacker_key(), built.server_key):
        parts = Parts.open(built.final)
        parts.entries = parts.entries[: parts.position("minute")]
        del parts.files["minute.pdf"]
        report = verify_bytes(parts.resign(key).pack())
        assert (report.verdict, report.exit_code) == ("interim", 3)
        assert report.failed_checks() == set() and report.pending_checks() == {"minute.present"}


def test_a_minute_removed_but_its_signatures_kept_is_unsound(built):
    parts = Parts.open(built.final)
    del parts.entries[parts.position("minute")]
    report = verify_bytes(parts.resign(built.server_key).pack())
    assert report.verdict == "unsound" and "minute.present" in report.failed_checks()


@pytest.mark.parametrize("kept", [0, 1])
def test_a_minute_without_enough_cosignatures_is_interim(built, kept):
    """Co-signatures removed (t = 2), the PDF printed again and the log re-signed with the
    real key, as the laptop's operator could: nothing contradicts, but the minute is not
    co-signed by t members — interim, never sound."""
    parts = Parts.open(built.final)
    for _ in range(3 - kept):
        del parts.entries[parts.position("minute-signature", -1)]
    parts.body("minute-pdf")["signatures"] = kept
    reprint(parts)
    report = verify_bytes(parts.resign(built.server_key).pack())
    assert (report.verdict, report.exit_code) == ("interim", 3)
    assert report.failed_checks() == set() and report.pending_checks() == {"minute.cosigned"}
    detail = next(f.detail for f in report.findings if f.check == "minute.cosigned")
    assert f"{kept} of 3" in detail and "2 needed" in detail


def test_t_cosignatures_are_enough(built):
    parts = Parts.open(built.final)
    del parts.entries[parts.position("minute-signature", 1)]
    parts.body("minute-pdf")["signatures"] = 2
    reprint(parts)
    report = verify_bytes(parts.resign(built.server_key).pack())
    assert report.verdict == "final", [f.to_json() for f in report.failures]


def test_a_pdf_printed_from_a_changed_minute_is_named(built):
    """The signed minute is untouched in the log, but the PDF was printed from a copy with one
    level changed and its hash logged by the server (the log re-signed with the real key): the
    PDF is not the rendering of the signed minute."""
    parts = Parts.open(built.final)
    at = parts.position("minute-pdf", -1)
    document = copy.deepcopy(minute_document(parts.entries, upto=at))
    subject = document["minute"]["rounds"][0]["subjects"][0]
    subject["level"] = "XS" if subject["level"] != "XS" else "TOT"
    reprint(parts, document)
    report = verify_bytes(parts.resign(built.server_key).pack())
    assert report.failed_checks() == {"minute.pdf_render"}


def test_twenty_distinct_tamperings(built):
    assert len(UNLOGGED) + len(LOGGED) + 2 >= 20
    names = [c[0] for c in UNLOGGED + LOGGED]
    assert len(set(names)) == len(names)


# --- the events of a round of another kind: a confidence vote among those convened ------------


def kind_round(parts: Parts, kind: str) -> dict:
    """The body of round 2's event of ``kind`` (the confidence vote)."""
    return next(b for b in parts.bodies(kind) if b.get("round") == 2)


def one_more_convened_present(parts, built):
    kind_round(parts, "round-roll")["convened"]["present"] += 1


def convened_list_changed(parts, built):
    parts.body("convened-set")["people"][-1]["present"] = True


def convened_list_unshaped(parts, built):
    parts.body("convened-set")["people"][0]["office"] = "Giám đốc"


def confidence_flag_changed(parts, built):
    subject = kind_round(parts, "decisions")["output"]["subjects"][0]
    subject["flag"] = "two_thirds_low" if subject["flag"] is None else None


def confidence_count_and_decisions(parts, built):
    """A confidence count moved from 'cao' to 'thấp' and the rules re-run on it."""
    counts = kind_round(parts, "counts")["counts"]
    row = counts["c01"]
    moved = 1 if row[0] else 0
    row[0], row[2] = row[0] - moved, row[2] + moved
    body = kind_round(parts, "decisions")
    body["input"]["subjects"][0]["votes"] = dict(zip(("CAO", "TN", "THAP"), row, strict=True))
    body["output"] = decide_json(body["input"])


def confidence_about_another_member(parts, built):
    subjects = kind_round(parts, "round-roll")["subjects"]
    subjects["c01"] = subjects["c01"] % 6 + 1


def confidence_as_a_runoff(parts, built):
    kind_round(parts, "round-roll")["runoff_of"] = 1


def a_level_taken_from_a_confidence_vote(parts, built):
    """A collective's level said to be the one the cell voted for itself in round 2, which is
    a confidence vote, not a self-rating."""
    listed = [{"name": "Chi bộ", "level": "TOT", "from_round": 2}]
    parts.entries.insert(
        parts.position("minute"), new_event("collectives-set", {"collectives": listed})
    )


KIND_LOGGED: list[tuple[str, Callable, set[str]]] = [
    (
        "one more of those convened present",
        one_more_convened_present,
        {"round.convened", "tokens.voters", "decisions.roll"},
    ),
    ("the list of those convened changed", convened_list_changed, {"round.convened"}),
    (
        "a field nobody specified in the list of those convened",
        convened_list_unshaped,
        {"log.body", "round.convened"},
    ),
    ("change a confidence flag", confidence_flag_changed, {"decisions.rerun"}),
    (
        "change a confidence count and re-run the rules",
        confidence_count_and_decisions,
        {"decryption.counts", "decisions.input"},
    ),
    ("a confidence vote about another member", confidence_about_another_member, {"round.subjects"}),
    ("a confidence vote called a runoff", confidence_as_a_runoff, {"round.subjects"}),
    (
        "a collective's level taken from a confidence vote",
        a_level_taken_from_a_confidence_vote,
        {"collectives.from_round"},
    ),
]


@pytest.fixture(scope="module")
def with_confidence() -> BuiltMeeting:
    return meeting_record(confidence=True)


def test_the_record_with_a_confidence_round_passes(with_confidence):
    report = verify_bytes(with_confidence.final)
    assert report.verdict == "final", [f.to_json() for f in report.failures]
    checks = {f.check for f in report.findings}
    assert {"round.convened", "round.subjects", "decisions.rerun"} <= checks
    assert checks <= set(CHECKS), checks - set(CHECKS)  # each named in words


def test_every_check_of_another_kind_is_named_in_words():
    assert {"round.convened", "round.options", "collectives.from_round"} <= set(CHECKS)


@pytest.mark.parametrize(
    ("change", "expected"), [c[1:] for c in KIND_LOGGED], ids=[c[0] for c in KIND_LOGGED]
)
def test_a_change_to_a_round_of_another_kind_is_named(with_confidence, change, expected):
    assert_caught(with_confidence, change, expected)
