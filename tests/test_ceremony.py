"""The manifest, the t-of-n key ceremony (PROTOCOL.md §4–5) and the election it produces."""

from __future__ import annotations

import copy
import dataclasses

import pytest

from tally.canonical import canonical_json
from tally.crypto import ceremony
from tally.crypto.ceremony import Announcement, EncryptedShare
from tally.crypto.group import ORDER
from tally.crypto.hashing import hash32
from tally.crypto.nonces import TestNonces
from tally.crypto.threshold import lagrange_coefficient
from tally.errors import EncodingError, FormatError, InvalidPoint, InvalidProof, InvalidShare
from tally.manifest import ElectionContext, Manifest

from .conftest import GROUP, manifest_json, subsets_of_at_least

G = GROUP


# --- manifest ----------------------------------------------------------------------------------


def test_manifest_hash_and_questions(manifest):
    assert manifest.hash == hash32("manifest", canonical_json(manifest_json()))
    assert [q.id for q in manifest.questions] == ["q01", "q02", "q03"]
    assert [q.allowed_sums for q in manifest.questions] == [(1,), (0, 1), (1,)]
    assert (manifest.threshold, manifest.committee_size) == (2, 3)
    assert manifest.to_json() == manifest_json()


def _edit(path, value):
    data = manifest_json()
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return data


@pytest.mark.parametrize(
    "data",
    [
        _edit(["version"], 2),
        _edit(["kind"], "phieukin/election"),
        _edit(["questions"], []),
        _edit(["questions", 1, "id"], "q01"),  # duplicate id
        _edit(["questions", 0, "id"], "q 01"),
        _edit(["questions", 0, "id"], "q" * 65),
        _edit(["questions", 0, "options"], ["XS"]),
        _edit(["questions", 0, "options"], [str(i) for i in range(101)]),
        _edit(["questions", 0, "options"], ["XS", "XS", "HT", "KHT"]),  # not distinct
        _edit(["questions", 0, "options"], ["XS", ""]),
        _edit(["questions", 0, "min_selections"], 2),
        _edit(["questions", 0, "max_selections"], 5),  # more than the options
        _edit(["questions", 1, "min_selections"], True),
        _edit(["questions", 0, "max_selections"], 0),  # max < min
        _edit(["committee", "threshold"], 4),
        _edit(["committee", "threshold"], 0),
        _edit(["committee", "members"], [{"index": 2}, {"index": 1}]),
        _edit(["committee", "members"], [{"index": i} for i in range(1, 17)]),
    ],
)
def test_malformed_manifests_are_rejected(data):
    with pytest.raises(FormatError):
        Manifest.from_json(data)


def test_manifest_without_canonical_form_is_rejected():
    with pytest.raises(EncodingError):
        Manifest.from_json(_edit(["meeting", "weight"], 0.5))


# --- ceremony ----------------------------------------------------------------------------------


def test_every_announcement_verifies_and_round_trips(election):
    for index, announcement in election.announcements.items():
        ceremony.verify_announcement(G, election.manifest.hash, announcement, 2)
        loaded = Announcement.from_json(G, copy.deepcopy(announcement.to_json()), 2)
        assert loaded == announcement
        assert announcement.index == index
        assert len(announcement.commitments) == len(announcement.coefficient_proofs) == 2
        assert announcement.commitments == tuple(
            G.base_mul(a) for a in election.secrets[index].coefficients
        )


def test_encrypted_shares_round_trip_and_open(election):
    mh = election.manifest.hash
    for (sender, recipient), share in election.shares.items():
        assert EncryptedShare.from_json(G, share.to_json()) == share
        assert (share.sender, share.recipient) == (sender, recipient)
        assert len(share.ciphertext) == 48
        value = ceremony.open_share(
            G, mh, election.secrets[recipient], share, election.announcements[sender]
        )
        assert value == ceremony.evaluate_polynomial(
            G, election.secrets[sender].coefficients, recipient
        )


def test_public_shares_and_joint_key(election):
    context = election.context
    secrets = election.secrets
    joint_secret = sum(s.coefficients[0] for s in secrets.values()) % ORDER
    assert context.joint_key == G.base_mul(joint_secret)
    announcements = list(election.announcements.values())
    assert context.joint_key == ceremony.joint_key(G, announcements)
    for j, s_j in election.secret_shares.items():
        assert context.public_share(j) == G.base_mul(s_j)
        assert ceremony.public_share(G, announcements, j) == G.base_mul(s_j)


@pytest.mark.parametrize("fixture", ["election", "election_3of3"])
def test_any_t_shares_interpolate_the_joint_secret(fixture, request):
    election = request.getfixturevalue(fixture)
    joint_secret = sum(s.coefficients[0] for s in election.secrets.values()) % ORDER
    subsets = subsets_of_at_least(election.indices, election.threshold)
    assert subsets
    for subset in subsets:
        recovered = (
            sum(lagrange_coefficient(G, j, subset) * election.secret_shares[j] for j in subset)
            % ORDER
        )
        assert recovered == joint_secret
    for subset in subsets_of_at_least(election.indices, 1):
        if len(subset) < election.threshold:
            recovered = (
                sum(lagrange_coefficient(G, j, subset) * election.secret_shares[j] for j in subset)
                % ORDER
            )
            assert recovered != joint_secret


def test_polynomial_evaluation():
    assert ceremony.evaluate_polynomial(G, (3, 5, 7), 2) == 3 + 5 * 2 + 7 * 4
    assert ceremony.evaluate_polynomial(G, (ORDER - 1, 1), 1) == 0
    assert ceremony.expected_share_point(G, [G.base_mul(3), G.base_mul(5)], 4) == G.base_mul(23)


def test_trustee_draw_order_follows_section_12(manifest):
    """Coefficients, then each coefficient proof's u, then eᵢ, the key proof's u, then each y."""
    secrets, announcement = ceremony.make_trustee(G, manifest.hash, 2, 2, TestNonces("order"))
    replay = TestNonces("order")
    a0, a1, u0, u1, e, u_key = (replay() for _ in range(6))
    assert secrets.coefficients == (a0, a1)
    assert secrets.encryption_secret == e
    assert (
        announcement.coefficient_proofs[0].response
        == (u0 + announcement.coefficient_proofs[0].challenge * a0) % ORDER
    )
    assert (
        announcement.coefficient_proofs[1].response
        == (u1 + announcement.coefficient_proofs[1].challenge * a1) % ORDER
    )
    proof = announcement.encryption_key_proof
    assert proof.response == (u_key + proof.challenge * e) % ORDER
    _, other = ceremony.make_trustee(G, manifest.hash, 3, 2, TestNonces("other"))
    stream = TestNonces("order")
    for _ in range(6):
        stream()
    share = ceremony.make_encrypted_share(G, manifest.hash, secrets, other, stream)
    assert share.ephemeral == G.base_mul(replay())


def test_ceremony_is_reproducible(manifest, election):
    from .conftest import run_ceremony

    again = run_ceremony(manifest)
    assert again.context.to_json() == election.context.to_json()
    assert again.secret_shares == election.secret_shares
    assert run_ceremony(manifest, seed="x").context.joint_key != election.context.joint_key


def test_secrets_are_not_printed(election):
    text = repr(election.secrets[1])
    assert "…" in text
    assert str(election.secrets[1].coefficients[0]) not in text


def test_announcement_is_bound_to_manifest_and_index(election):
    announcement = election.announcements[1]
    with pytest.raises(InvalidProof) as caught:
        ceremony.verify_announcement(G, hash32("manifest", b"other"), announcement, 2)
    assert caught.value.check == "challenge"
    assert caught.value.subject == "trustee 1, coefficient 0"
    moved = dataclasses.replace(announcement, index=2)
    with pytest.raises(InvalidProof):
        ceremony.verify_announcement(G, election.manifest.hash, moved, 2)


def test_announcement_encryption_key_proof_is_checked(election):
    announcement = election.announcements[2]
    swapped = dataclasses.replace(
        announcement, encryption_key=election.announcements[3].encryption_key
    )
    with pytest.raises(InvalidProof) as caught:
        ceremony.verify_announcement(G, election.manifest.hash, swapped, 2)
    assert caught.value.subject == "trustee 2, encryption key"


def test_announcement_threshold_mismatch(election):
    with pytest.raises(FormatError):
        ceremony.verify_announcement(G, election.manifest.hash, election.announcements[1], 3)
    with pytest.raises(FormatError):
        Announcement.from_json(G, election.announcements[1].to_json(), 3)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("index", 0),
        ("index", "1"),
        ("index", True),
        ("kind", "phieukin/trustee-share"),
        ("version", 2),
        ("commitments", []),
        ("coefficient_proofs", None),
        ("encryption_key_proof", "x"),
    ],
)
def test_malformed_announcements_are_rejected(election, field, value):
    data = copy.deepcopy(election.announcements[1].to_json())
    data[field] = value
    with pytest.raises(FormatError):
        Announcement.from_json(G, data, 2)


def test_announcement_with_identity_key_is_rejected(election):
    data = copy.deepcopy(election.announcements[1].to_json())
    data["encryption_key"] = "00" * 32
    with pytest.raises(InvalidPoint):
        Announcement.from_json(G, data, 2)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("sender", 0),
        ("recipient", "2"),
        ("recipient", False),
        ("ciphertext", "ab"),
        ("ciphertext", "zz" * 48),
        ("kind", "phieukin/trustee-announcement"),
    ],
)
def test_malformed_encrypted_shares_are_rejected(election, field, value):
    data = election.shares[1, 2].to_json()
    data[field] = value
    with pytest.raises(FormatError):
        EncryptedShare.from_json(G, data)


def test_share_addressed_to_someone_else_is_refused(election):
    mh = election.manifest.hash
    share = election.shares[1, 2]
    with pytest.raises(InvalidShare) as caught:
        ceremony.open_share(G, mh, election.secrets[3], share, election.announcements[1])
    assert caught.value.check == "addressing"
    with pytest.raises(InvalidShare) as caught:
        ceremony.open_share(G, mh, election.secrets[2], share, election.announcements[3])
    assert caught.value.check == "addressing"


def test_share_whose_plaintext_is_not_a_reduced_scalar_is_refused(election):
    """A correctly encrypted 32-byte value ≥ ℓ is refused, not reduced."""
    mh = election.manifest.hash
    y = 123456789
    ephemeral = G.base_mul(y)
    shared = G.mul(y, election.announcements[2].encryption_key)
    cipher, aad = ceremony._share_cipher(mh, 1, 2, ephemeral, shared)
    value = ceremony.evaluate_polynomial(G, election.secrets[1].coefficients, 2) + ORDER
    ciphertext = cipher.encrypt(bytes(12), value.to_bytes(32, "little"), aad)
    share = EncryptedShare(1, 2, ephemeral, ciphertext)
    with pytest.raises(InvalidShare) as caught:
        ceremony.open_share(G, mh, election.secrets[2], share, election.announcements[1])
    assert caught.value.check == "scalar"


# --- the election object -----------------------------------------------------------------------


def test_election_round_trip_and_fingerprint(election):
    context = election.context
    data = context.to_json()
    assert data["manifest_hash"] == election.manifest.hash.hex()
    assert [t["index"] for t in data["trustees"]] == [1, 2, 3]
    loaded = ElectionContext.from_json(G, election.manifest, copy.deepcopy(data))
    assert loaded.fingerprint == context.fingerprint == hash32("election", canonical_json(data))
    assert loaded.joint_key == context.joint_key
    assert loaded.commitments == context.commitments


def test_election_needs_every_announcement(election):
    announcements = [election.announcements[1], election.announcements[3]]
    with pytest.raises(FormatError):
        ElectionContext.from_announcements(G, election.manifest, announcements)


def _election_edit(election, edit):
    data = copy.deepcopy(election.context.to_json())
    edit(data)
    return data


@pytest.mark.parametrize(
    "edit",
    [
        lambda d: d.update(manifest_hash="00" * 32),
        lambda d: d.update(version=2),
        lambda d: d["trustees"].pop(),
        lambda d: d["trustees"].reverse(),
        lambda d: d["trustees"][0]["commitments"].pop(),
        lambda d: d["trustees"][0].update(index=0),
        lambda d: d["trustees"][0].update(commitments="x"),
    ],
)
def test_malformed_elections_are_rejected(election, edit):
    with pytest.raises(FormatError):
        ElectionContext.from_json(G, election.manifest, _election_edit(election, edit))


def test_election_for_another_manifest_is_rejected(election):
    other = Manifest.from_json(manifest_json(meeting="other"))
    with pytest.raises(FormatError) as caught:
        ElectionContext.from_json(G, other, copy.deepcopy(election.context.to_json()))
    assert caught.value.field == "election.manifest_hash"


def test_share_encryption_follows_the_spec(election):
    """Decrypt Pᵢ(j) directly with §5's key, nonce and associated data, without the module."""
    from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

    mh = election.manifest.hash
    for (i, j), share in election.shares.items():
        shared = G.mul(election.secrets[j].encryption_secret, share.ephemeral)
        key = hash32("share-key", mh, i, j, share.ephemeral, shared)
        aad = b"".join(
            len(p).to_bytes(4, "big") + p for p in (mh, i.to_bytes(8, "big"), j.to_bytes(8, "big"))
        )
        plaintext = ChaCha20Poly1305(key).decrypt(bytes(12), share.ciphertext, aad)
        expected = ceremony.evaluate_polynomial(G, election.secrets[i].coefficients, j)
        assert plaintext == expected.to_bytes(32, "little")
