"""Generate the shared test vectors in ``tests/vectors/*.json`` from the Python core, and the
example record in ``tests/vectors/example-record/`` (``tests/vectors/example_record.py``).

Run ``python -m tests.vectors.generate`` (``--check`` compares instead of writing). Every nonce
comes from the deterministic stream of PROTOCOL.md §12, so the output is reproducible byte for
byte, and the JavaScript core must reproduce the same ballots, announcements and shares from the
same seeds.
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
from pathlib import Path
from typing import Any

from nacl.signing import SigningKey

from tally.aggregate import aggregate_ballots
from tally.audited import open_ballot, verify_audited_ballot
from tally.ballot import encrypt_ballot, make_ballot, tracker, tracker_code, verify_ballot
from tally.canonical import canonical_json
from tally.crypto.group import ORDER, RISTRETTO255
from tally.crypto.hashing import hash32, hash_full, hash_to_scalar
from tally.crypto.nonces import TestNonces
from tally.crypto.signatures import sign, signing_message
from tally.decryption import (
    combine_decryption_shares,
    make_decryption_share,
    verify_decryption_share,
)
from tally.manifest import (
    ElectionContext,
    Manifest,
    rating_manifest_json,
    runoff_manifest_json,
)
from tally.submission import make_submission
from tally.token import base32_encode, normalize_token, token_hash, token_key, token_set_commitment
from tests.vectors.committee import simulate_ceremony
from tests.vectors.example_record import example_record
from tests.vectors.round_kinds import round_kind_vectors
from tests.vectors.round_vectors import (
    committee_vectors,
    round_check_vectors,
    trustee_backup_vectors,
)
from tests.vectors.rule_steps import rule_step_vectors

HERE = Path(__file__).parent
EXAMPLE_RECORD = "example-record"
GROUP = RISTRETTO255


def provenance(name: str) -> dict[str, str]:
    return {
        "file": name,
        "generator": "python -m tests.vectors.generate (Python core, tally/)",
        "protocol": "docs/PROTOCOL.md, version 1",
        "nonces": "Hs('test-rng', seed, i) for i = 0, 1, … (PROTOCOL.md §12)",
    }


def _part_json(part: bytes | str | int) -> dict[str, Any]:
    if isinstance(part, bytes):
        return {"bytes": part.hex()}
    if isinstance(part, str):
        return {"str": part}
    return {"int": str(part)}  # decimal text: JSON numbers stop at 2^53


def hashing_vectors() -> dict[str, Any]:
    cases = [
        ("manifest", []),
        ("token", ["0123456789ABCDEFGHJKMNPQRS"]),
        ("range-proof", [bytes(range(32)), "q01/0", 2, 0, 1]),
        ("election", ["Chi bộ Phòng Tổ chức — Đảng ủy", 2**64 - 1, b""]),
        ("test-rng", ["vector", 7]),
    ]
    return {
        "provenance": provenance("hashing.json"),
        "cases": [
            {
                "tag": tag,
                "parts": [_part_json(p) for p in parts],
                "H": hash_full(tag, *parts).hex(),
                "H32": hash32(tag, *parts).hex(),
                "Hs": GROUP.scalar_to_hex(hash_to_scalar(tag, *parts)),
            }
            for tag, parts in cases
        ],
    }


def canonical_vectors() -> dict[str, Any]:
    values = [
        {"b": 1, "a": [True, False, None], "c": {"z": "", "y": -5}},
        {"name": "Nguyễn Thị Ánh Tuyết", "level": "XS", "n": 9007199254740991},
        {"escapes": 'quote " backslash \\ newline \n tab \t nul \u0000 del \u007f'},
        {"kind": "phieukin/manifest", "version": 1, "list": [{"k": 2}, {"k": 1}]},
        {"uni": "Đảng Cộng sản Việt Nam ✓ 𝔸", "\u0001key": 1},
    ]
    invalid_texts = [
        ('{"a": 1.5}', "float"),
        ('{"a": 1e3}', "float (exponent)"),
        ('{"a": 1, "a": 2}', "duplicate key"),
        ('{"a": 9007199254740992}', "unsafe integer"),
        ('{"a": NaN}', "NaN"),
        ('{"a": "\\ud800"}', "lone surrogate"),
    ]
    return {
        "provenance": provenance("canonical.json"),
        "cases": [{"value": v, "canonical": canonical_json(v).decode("utf-8")} for v in values],
        "invalid": [{"text": t, "reason": r} for t, r in invalid_texts],
    }


def group_vectors() -> dict[str, Any]:
    nonces = TestNonces("group")
    scalars = [1, 2, ORDER - 1] + [nonces() for _ in range(3)]
    points = [GROUP.base_mul(s) for s in scalars]
    p_plus_1 = (2**255 - 19 + 1).to_bytes(32, "little").hex()
    torsion = "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05"
    return {
        "provenance": provenance("group.json"),
        "order": str(ORDER),
        "generator": GROUP.generator.hex(),
        "multiples": [
            {"scalar": GROUP.scalar_to_hex(s), "point": p.hex()}
            for s, p in zip(scalars, points, strict=True)
        ],
        "products": [
            {
                "scalar": GROUP.scalar_to_hex(s),
                "point": p.hex(),
                "result": GROUP.mul(s, p).hex(),
            }
            for s, p in zip(scalars[3:], points[:3], strict=True)
        ],
        "sums": [
            {"left": a.hex(), "right": b.hex(), "sum": GROUP.add(a, b).hex()}
            for a, b in zip(points[:3], points[3:], strict=True)
        ],
        "invalid_points": [
            {"hex": "00" * 32, "reason": "identity"},
            {"hex": p_plus_1, "reason": "non-canonical field element (p + 1)"},
            {"hex": "ff" * 32, "reason": "not a field element"},
            {"hex": torsion, "reason": "Ed25519 torsion point, not a ristretto255 encoding"},
            {
                "hex": "26948d35ca62e643e26a83177332e6b6afeb9d08e4268b650f1f5bbd8d81d371",
                "reason": "decodes to no point (RFC 9496 bad encoding)",
            },
            {
                "hex": "0100000000000000000000000000000000000000000000000000000000000000",
                "reason": "negative (odd) s",
            },
            {"hex": GROUP.generator.hex().upper(), "reason": "uppercase hex"},
            {"hex": GROUP.generator.hex()[:62], "reason": "wrong length"},
            {"hex": "zz" + GROUP.generator.hex()[2:], "reason": "not hex"},
        ],
        "invalid_scalars": [
            {"hex": GROUP.scalar_to_hex(0)[:-2] + "zz", "reason": "not hex"},
            {"hex": ORDER.to_bytes(32, "little").hex(), "reason": "equal to the order"},
            {"hex": "ff" * 32, "reason": "above the order"},
        ],
    }


def token_vectors() -> dict[str, Any]:
    raw = [bytes(16), bytes(range(16)), bytes([255] * 16), hash32("token", "vector")[:16]]
    tokens = [base32_encode(b) for b in raw]
    inputs = [*tokens, tokens[1].lower()]
    spaced = " ".join(tokens[3][i : i + 4] for i in range(0, 26, 4))
    aliased = tokens[1].replace("1", "l").replace("0", "O")
    inputs += [spaced, aliased, "-".join(tokens[2][i : i + 5] for i in range(0, 26, 5))]
    return {
        "provenance": provenance("tokens.json"),
        "base32": [{"bytes": b.hex(), "text": t} for b, t in zip(raw, tokens, strict=True)],
        "cases": [
            {
                "input": text,
                "normalized": normalize_token(text),
                "token_seed": hash32("token-key", normalize_token(text)).hex(),
                "token_key": token_key(text).hex(),
                "token_hash": token_hash(text).hex(),
            }
            for text in inputs
        ],
        "token_sets": [
            {
                "token_hashes": [h.hex() for h in hashes],
                "commitment": token_set_commitment(hashes).hex(),
            }
            for hashes in (
                [token_hash(tokens[0])],
                sorted(token_hash(t) for t in tokens),
                sorted(hash32("token", f"voter {i}") for i in range(5)),
            )
        ],
        "invalid": [
            {"input": tokens[1][:-1], "reason": "too short"},
            {"input": tokens[1] + "0", "reason": "too long"},
            {"input": tokens[1][:-1] + "U", "reason": "U is not in the alphabet"},
            {"input": tokens[1][:-1] + "1", "reason": "padding bits set"},
        ],
    }


def signature_vectors() -> dict[str, Any]:
    """Ed25519 is deterministic: both sides must produce these exact signatures."""
    nonces = TestNonces("signatures")
    cases = []
    for purpose in ("event", "minute"):
        seed = GROUP.scalar_bytes(nonces())
        key = SigningKey(seed)
        digest = hash32(purpose, f"vector {purpose}")
        cases.append(
            {
                "seed": seed.hex(),
                "public_key": key.verify_key.encode().hex(),
                "purpose": purpose,
                "digest": digest.hex(),
                "message": signing_message(purpose, digest).hex(),
                "signature": sign(key, purpose, digest).hex(),
            }
        )
    return {
        "provenance": provenance("signatures.json"),
        "cases": cases,
        "invalid_keys": [
            {"hex": "00" * 32, "reason": "small order"},
            {"hex": "01" + "00" * 31, "reason": "the identity"},
            {"hex": "ff" * 32, "reason": "not canonical"},
        ],
    }


def vector_manifest() -> Manifest:
    meeting = {
        "id": "vector-meeting",
        "title": "Hội nghị kiểm điểm, đánh giá, xếp loại đảng viên năm 2026",
        "cell": "Chi bộ Phòng Tổ chức",
        "date": "2026-12-15",
        "place": "Hội trường tầng 2",
    }
    rated = [("q01", "Nguyễn Văn An"), ("q02", "Trần Thị Bình"), ("q03", "Lê Đức Cường")]
    committee = ["Phạm Minh Châu", "Hoàng Văn Dũng", "Vũ Thị Hà"]
    return Manifest.from_json(
        rating_manifest_json(meeting, rated, committee, threshold=2, blank_allowed=("q03",))
    )


def ceremony_vectors(manifest: Manifest) -> tuple[dict[str, Any], ElectionContext, dict[int, int]]:
    done = simulate_ceremony(manifest)
    made, sent, secret_shares, context = done.made, done.sent, done.secret_shares, done.context
    manifest_hash = manifest.hash
    data = {
        "provenance": provenance("ceremony.json"),
        "manifest": manifest.to_json(),
        "manifest_hash": manifest_hash.hex(),
        "trustees": [
            {
                "index": i,
                "seed": f"trustee-{i}",
                "announcement": made[i][1].to_json(),
                "shares_sent": [s.to_json() for s in sent[i]],
                "secret_share": GROUP.scalar_to_hex(secret_shares[i]),
                "public_share": context.public_share(i).hex(),
            }
            for i in sorted(made)
        ],
        "election": context.to_json(),
        "joint_key": context.joint_key.hex(),
        "fingerprint": context.fingerprint.hex(),
    }
    return data, context, secret_shares


def signing_seeds(manifest: Manifest) -> dict[int, bytes]:
    """Each vector trustee's signing seed, as ``make_trustee`` draws it from its stream."""
    return {i: secrets.signing_seed for i, (secrets, _) in simulate_ceremony(manifest).made.items()}


def ballot_vectors(context: ElectionContext) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    specs = [
        ("ballot-1", "0000000000000000000000000C", [0, 1, 2]),
        ("ballot-2", "7RZ3W8G2KQ4M9XN5BV6C1TJHP0", [3, 0, None]),
        ("ballot-3", "ZZZZZZZZZZZZZZZZZZZZZZZZZW", [1, 1, 3]),
    ]
    cases, ballots = [], []
    for seed, token, choices in specs:
        binding = token_hash(token)
        encrypted = encrypt_ballot(context, binding, choices, TestNonces(seed))
        ballot = encrypted.data
        verify_ballot(context, ballot)
        audited = open_ballot(context, encrypted)
        opened = verify_audited_ballot(context, audited)
        assert opened.tracker == tracker(ballot)
        ballots.append(ballot)
        cases.append(
            {
                "seed": seed,
                "token": token,
                "token_hash": binding.hex(),
                "choices": choices,
                "ballot": ballot,
                "tracker": tracker(ballot).hex(),
                "tracker_code": tracker_code(tracker(ballot)),
                "submission": make_submission(token, ballot),
                "audited": audited,
            }
        )
    lying = copy.deepcopy(cases[0]["audited"])
    lying["answers"][0]["selected"] = [1]
    return {
        "provenance": provenance("ballot.json"),
        "manifest": context.manifest.to_json(),
        "election": context.to_json(),
        "fingerprint": context.fingerprint.hex(),
        "ballots": cases,
        "invalid_audited": [
            {"audited": lying, "check": "opening", "reason": "claims a choice not encrypted"}
        ],
    }, ballots


def runoff_ballot_vectors(context: ElectionContext) -> dict[str, Any]:
    """Ballots of a runoff round: one question whose options are the tied members, each voter
    choosing up to two (max_selections 2, so the sum proof's V is [0, 1, 2]); the election
    reuses the ceremony's keys under the runoff manifest, as a runoff round does."""
    meeting = {**context.manifest.data["meeting"], "id": "vector-meeting"}
    manifest = Manifest.from_json(
        runoff_manifest_json(
            meeting,
            [
                (
                    "xs-1",
                    "Chi bộ: giữ mức Hoàn thành xuất sắc nhiệm vụ (chọn tối đa 2)",
                    [("q01", "Nguyễn Văn An"), ("q02", "Trần Thị Bình"), ("q03", "Lê Đức Cường")],
                    2,
                )
            ],
            [m["name"] for m in context.manifest.data["committee"]["members"]],
            threshold=context.manifest.threshold,
            round_number=2,
        )
    )
    election = {**context.to_json(), "manifest_hash": manifest.hash.hex()}
    runoff = ElectionContext.from_json(GROUP, manifest, election)
    specs = [
        ("runoff-1", "0000000000000000000000000C", [[0, 2]]),
        ("runoff-2", "7RZ3W8G2KQ4M9XN5BV6C1TJHP0", [[]]),
        ("runoff-3", "ZZZZZZZZZZZZZZZZZZZZZZZZZW", [1]),
    ]
    cases, ballots = [], []
    for seed, token, choices in specs:
        ballot = make_ballot(runoff, token_hash(token), choices, TestNonces(seed))
        verified = verify_ballot(runoff, ballot)
        ballots.append(verified)
        cases.append(
            {
                "seed": seed,
                "token_hash": token_hash(token).hex(),
                "choices": choices,
                "ballot": ballot,
                "tracker": tracker(ballot).hex(),
            }
        )
    # Three options chosen where two are allowed: the sum proof cannot be made for V = [0, 1, 2],
    # so the vector carries a ballot whose sum proof was made for V = [0, 1, 2, 3] instead.
    wide = Manifest.from_json(
        {**manifest.data, "questions": [{**manifest.data["questions"][0], "max_selections": 3}]}
    )
    wide_context = ElectionContext.from_json(
        GROUP, wide, {**context.to_json(), "manifest_hash": wide.hash.hex()}
    )
    too_many = make_ballot(wide_context, token_hash(specs[0][1]), [[0, 1, 2]], TestNonces("x"))
    too_many["election"] = runoff.fingerprint.hex()
    aggregate = aggregate_ballots(runoff, [b.ciphertexts for b in ballots])
    return {
        "provenance": provenance("runoff_ballot.json"),
        "manifest": manifest.to_json(),
        "election": runoff.to_json(),
        "fingerprint": runoff.fingerprint.hex(),
        "ballots": cases,
        "refused": [{"reason": "three options chosen, at most two allowed", "ballot": too_many}],
        "aggregate": aggregate.to_json(runoff),
    }


def decryption_vectors(
    context: ElectionContext, ballots: list[dict[str, Any]], secret_shares: dict[int, int]
) -> dict[str, Any]:
    verified = [verify_ballot(context, b) for b in ballots]
    aggregate = aggregate_ballots(context, [v.ciphertexts for v in verified])
    shares = {}
    for j, secret in secret_shares.items():
        share = make_decryption_share(context, j, secret, aggregate, TestNonces(f"decrypt-{j}"))
        verify_decryption_share(context, share, aggregate)
        shares[j] = share
    combinations = []
    for subset in ([1, 2], [1, 3], [2, 3], [1, 2, 3]):
        counts = combine_decryption_shares(context, aggregate, [shares[j] for j in subset])
        combinations.append({"trustees": subset, "counts": [list(row) for row in counts]})
    return {
        "provenance": provenance("decryption.json"),
        "manifest": context.manifest.to_json(),
        "election": context.to_json(),
        "aggregate": aggregate.to_json(context),
        "decryption_shares": [
            {
                "trustee": j,
                "seed": f"decrypt-{j}",
                "secret_share": GROUP.scalar_to_hex(secret_shares[j]),
                "share": shares[j].to_json(context),
            }
            for j in sorted(shares)
        ],
        "combinations": combinations,
    }


def all_vectors() -> dict[str, dict[str, Any]]:
    """Every vector file's content, by file name."""
    manifest = vector_manifest()
    ceremony_data, context, secret_shares = ceremony_vectors(manifest)
    ballot_data, ballots = ballot_vectors(context)
    seeds = signing_seeds(manifest)
    return {
        "round_check.json": round_check_vectors(manifest, context),
        "committee.json": committee_vectors(context, seeds),
        "trustee_backup.json": trustee_backup_vectors(),
        "hashing.json": hashing_vectors(),
        "canonical.json": canonical_vectors(),
        "group.json": group_vectors(),
        "tokens.json": token_vectors(),
        "signatures.json": signature_vectors(),
        "ceremony.json": ceremony_data,
        "ballot.json": ballot_data,
        "decryption.json": decryption_vectors(context, ballots, secret_shares),
        "rule_steps.json": rule_step_vectors(provenance("rule_steps.json")),
        "runoff_ballot.json": runoff_ballot_vectors(context),
        "round_kinds.json": round_kind_vectors(provenance("round_kinds.json")),
    }


def render(content: dict[str, Any]) -> str:
    return json.dumps(content, ensure_ascii=False, indent=1) + "\n"


def all_files() -> dict[str, bytes]:
    """Every vector file's bytes, by path under ``tests/vectors/``."""
    files = {name: render(content).encode("utf-8") for name, content in all_vectors().items()}
    for name, data in example_record().items():
        files[f"{EXAMPLE_RECORD}/{name}"] = data
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    args = parser.parse_args(argv)
    stale = []
    files = all_files()
    written = {p.relative_to(HERE).as_posix() for p in (HERE / EXAMPLE_RECORD).rglob("*")}
    extra = sorted(n for n in written if not (HERE / n).is_dir() and n not in files)
    for name, data in files.items():
        path = HERE / name
        if args.check:
            if not path.exists() or path.read_bytes() != data:
                stale.append(name)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
    for name in extra:
        if args.check:
            stale.append(name)
        else:
            (HERE / name).unlink()
    if stale:
        print("stale vectors: " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
