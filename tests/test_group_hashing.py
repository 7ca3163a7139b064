"""Unit and property tests of the primitives: group, hashing, nonces, ElGamal and the proofs.

Hashes are recomputed here from PROTOCOL.md §2 with ``hashlib`` rather than through the module
under test, so a drift between the code and the spec fails these tests.
"""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tally.crypto.elgamal import ZERO_CIPHERTEXT, Ciphertext, add_ciphertexts, encrypt
from tally.crypto.group import IDENTITY, ORDER, RISTRETTO255
from tally.crypto.hashing import encode_part, encode_parts, hash32, hash_full, hash_to_scalar
from tally.crypto.nonces import TestNonces, system_nonce
from tally.crypto.proofs import (
    ChallengeResponse,
    ProofBinding,
    RangeProof,
    make_equality_proof,
    make_range_proof,
    make_schnorr_proof,
    verify_equality_proof,
    verify_range_proof,
    verify_schnorr_proof,
)
from tally.errors import FormatError, InvalidProof, InvalidScalar

G = RISTRETTO255
SPEC_GENERATOR = "e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76"
scalars = st.integers(min_value=0, max_value=ORDER - 1)
FEW = settings(max_examples=30, deadline=None)


def spec_hash(tag: str, *parts: bytes) -> bytes:
    """SHA-512(enc("phieukin.v1." ‖ tag) ‖ enc(p₁) ‖ …) with parts already as bytes."""
    data = b"".join(
        len(p).to_bytes(4, "big") + p for p in ((b"phieukin.v1." + tag.encode()), *parts)
    )
    return hashlib.sha512(data).digest()


# --- the group ---------------------------------------------------------------------------------


def test_constants_match_the_spec():
    assert ORDER == 2**252 + 27742317777372353535851937790883648493
    assert G.generator.hex() == SPEC_GENERATOR
    assert G.base_mul(1) == G.generator
    assert bytes(32) == IDENTITY


def test_zero_and_order_multiples_give_the_identity():
    point = G.base_mul(12345)
    assert G.mul(0, point) == IDENTITY
    assert G.mul(ORDER, point) == IDENTITY
    assert G.mul(7, IDENTITY) == IDENTITY
    assert G.base_mul(0) == IDENTITY
    assert G.base_mul(ORDER) == IDENTITY
    assert G.sum([]) == IDENTITY
    assert G.sub(point, point) == IDENTITY
    assert G.add(point, IDENTITY) == point


def test_sum_passes_through_an_intermediate_identity():
    a, b = G.base_mul(5), G.base_mul(9)
    minus_a = G.base_mul(ORDER - 5)
    assert G.sum([a, minus_a, b]) == b
    assert G.linear_combination([(2, a), (3, b), (0, a)]) == G.base_mul(2 * 5 + 3 * 9)


@FEW
@given(scalars, scalars)
def test_scalar_multiplication_is_a_homomorphism(a, b):
    assert G.add(G.base_mul(a), G.base_mul(b)) == G.base_mul((a + b) % ORDER)
    assert G.sub(G.base_mul(a), G.base_mul(b)) == G.base_mul((a - b) % ORDER)
    assert G.mul(a, G.base_mul(b)) == G.base_mul(a * b % ORDER)


@FEW
@given(scalars)
def test_point_and_scalar_encodings_round_trip(value):
    assert G.scalar_from_hex(G.scalar_to_hex(value)) == value
    assert G.scalar_bytes(value) == value.to_bytes(32, "little")
    if value:
        point = G.base_mul(value)
        assert G.point_from_hex(G.point_to_hex(point)) == point


def test_scalar_encoding_is_little_endian():
    assert G.scalar_to_hex(1) == "01" + "00" * 31
    assert G.scalar_from_hex("00" * 31 + "01") == 2**248
    assert G.scalar_from_hex(G.scalar_to_hex(ORDER - 1)) == ORDER - 1
    with pytest.raises(InvalidScalar):
        G.scalar_from_hex(ORDER.to_bytes(32, "little").hex())


def test_random_scalars_are_reduced_and_distinct():
    values = {system_nonce() for _ in range(40)}
    assert len(values) == 40
    assert all(0 <= v < ORDER for v in values)


# --- hashing -----------------------------------------------------------------------------------


def test_part_encodings():
    assert encode_part(b"ab") == b"\x00\x00\x00\x02ab"
    assert encode_part("ệ") == b"\x00\x00\x00\x03" + "ệ".encode()
    assert encode_part(5) == b"\x00\x00\x00\x08" + (5).to_bytes(8, "big")
    assert encode_part(2**64 - 1) == b"\x00\x00\x00\x08" + b"\xff" * 8
    assert encode_part(b"") == bytes(4)
    assert encode_parts("a", 1) == encode_part("a") + encode_part(1)


@pytest.mark.parametrize("bad", [True, False, 1.0, None, ["a"]])
def test_non_parts_are_refused(bad):
    with pytest.raises(TypeError):
        encode_part(bad)


@pytest.mark.parametrize("bad", [-1, 2**64])
def test_integers_outside_64_bits_are_refused(bad):
    with pytest.raises(ValueError):
        encode_part(bad)


def test_hashes_follow_the_spec_byte_for_byte():
    point = G.generator
    parts = (point, "q01/0", 7)
    expected = spec_hash("range-proof", point, b"q01/0", (7).to_bytes(8, "big"))
    assert hash_full("range-proof", *parts) == expected
    assert hash32("range-proof", *parts) == expected[:32]
    assert hash_to_scalar("range-proof", *parts) == int.from_bytes(expected, "little") % ORDER


def test_length_prefixes_and_tags_separate_inputs():
    assert hash32("token", "ab", "c") != hash32("token", "a", "bc")
    assert hash32("token", "abc") != hash32("tracker", "abc")
    assert hash32("token", "ab", "") != hash32("token", "ab")
    assert hash32("event", b"x") != hash32("even", b"tx")


@FEW
@given(st.lists(st.binary(max_size=40), max_size=4), st.lists(st.binary(max_size=40), max_size=4))
def test_different_part_lists_hash_differently(left, right):
    if left != right:
        assert hash_full("t", *left) != hash_full("t", *right)


def test_test_nonces_are_the_spec_stream():
    stream = TestNonces("seed-a")
    drawn = [stream() for _ in range(3)]
    assert drawn == [
        int.from_bytes(spec_hash("test-rng", b"seed-a", i.to_bytes(8, "big")), "little") % ORDER
        for i in range(3)
    ]
    assert stream.count == 3
    assert TestNonces("seed-a")() == drawn[0]
    assert TestNonces("seed-b")() != drawn[0]


# --- ElGamal -----------------------------------------------------------------------------------


def decrypt_point(secret: int, ciphertext: Ciphertext) -> bytes:
    return G.sub(ciphertext.beta, G.mul(secret, ciphertext.alpha))


@FEW
@given(scalars.filter(bool), scalars.filter(bool), st.integers(0, 5), st.integers(0, 5))
def test_elgamal_decrypts_and_adds(secret, nonce, m1, m2):
    key = G.base_mul(secret)
    first = encrypt(G, key, m1, nonce)
    second = encrypt(G, key, m2, (nonce * 3 + 1) % ORDER)
    assert first.alpha == G.base_mul(nonce)
    assert decrypt_point(secret, first) == G.base_mul(m1)
    assert decrypt_point(secret, add_ciphertexts(G, [first, second])) == G.base_mul(m1 + m2)


def test_elgamal_json_round_trip_and_empty_sum():
    key = G.base_mul(99)
    ciphertext = encrypt(G, key, 1, 1234)
    assert Ciphertext.from_json(G, ciphertext.to_json(), "c") == ciphertext
    assert add_ciphertexts(G, []) == ZERO_CIPHERTEXT
    with pytest.raises(FormatError):
        Ciphertext.from_json(G, [ciphertext.alpha.hex(), ciphertext.beta.hex()], "c")


# --- Schnorr and Chaum–Pedersen ----------------------------------------------------------------


def test_schnorr_round_trip_and_every_input_is_bound():
    secret = 4242
    public = G.base_mul(secret)
    statement = (b"manifest", 1, 0, public)
    proof = make_schnorr_proof(G, "coefficient-proof", statement, secret, TestNonces("s"))
    verify_schnorr_proof(G, "coefficient-proof", statement, public, proof, "s")
    loaded = ChallengeResponse.from_json(G, proof.to_json(), "s")
    verify_schnorr_proof(G, "coefficient-proof", statement, public, loaded, "s")
    other = G.base_mul(secret + 1)
    cases = [
        ("encryption-key-proof", statement, public, proof),
        ("coefficient-proof", (b"manifest", 2, 0, public), public, proof),
        ("coefficient-proof", statement, other, proof),
        (
            "coefficient-proof",
            statement,
            public,
            ChallengeResponse(proof.challenge + 1, proof.response),
        ),
        (
            "coefficient-proof",
            statement,
            public,
            ChallengeResponse(proof.challenge, proof.response + 1),
        ),
    ]
    for tag, bad_statement, bad_public, bad_proof in cases:
        with pytest.raises(InvalidProof) as caught:
            verify_schnorr_proof(G, tag, bad_statement, bad_public, bad_proof, "s")
        assert caught.value.check == "challenge"


def test_schnorr_proof_of_a_different_secret_fails():
    public = G.base_mul(10)
    proof = make_schnorr_proof(G, "coefficient-proof", (public,), 11, TestNonces("s"))
    with pytest.raises(InvalidProof):
        verify_schnorr_proof(G, "coefficient-proof", (public,), public, proof, "s")


def test_equality_proof_round_trip_and_every_input_is_bound():
    secret, base = 777, G.base_mul(31337)
    public, result = G.base_mul(secret), G.mul(secret, base)
    statement = (b"election", 2, "q01/0")
    proof = make_equality_proof(G, "decryption-proof", statement, base, secret, TestNonces("e"))
    verify_equality_proof(G, "decryption-proof", statement, base, public, result, proof, "e")
    other = G.base_mul(5)
    cases = [
        ("range-proof", statement, base, public, result),
        ("decryption-proof", (b"election", 2, "q01/1"), base, public, result),
        ("decryption-proof", statement, other, public, result),
        ("decryption-proof", statement, base, other, result),
        ("decryption-proof", statement, base, public, G.add(result, G.generator)),
    ]
    for tag, bad_statement, bad_base, bad_public, bad_result in cases:
        with pytest.raises(InvalidProof) as caught:
            verify_equality_proof(
                G, tag, bad_statement, bad_base, bad_public, bad_result, proof, "e"
            )
        assert caught.value.check == "challenge"


def test_equality_proof_with_unequal_logs_fails():
    base = G.base_mul(31337)
    public, wrong_result = G.base_mul(777), G.mul(778, base)
    # An honest-looking proof made with the secret behind the result, not behind ``public``.
    proof = make_equality_proof(G, "decryption-proof", (), base, 778, TestNonces("e"))
    with pytest.raises(InvalidProof):
        verify_equality_proof(G, "decryption-proof", (), base, public, wrong_result, proof, "e")


# --- range proofs ------------------------------------------------------------------------------

KEY_SECRET = 987654321
KEY = G.base_mul(KEY_SECRET)
BINDING = ProofBinding(b"\x01" * 32, b"\x02" * 32, "q01/0")


@pytest.mark.parametrize(
    ("value", "allowed"),
    [(0, (0, 1)), (1, (0, 1)), (1, (1,)), (0, (0,)), (0, (0, 1, 2)), (2, (0, 1, 2))],
)
def test_range_proof_round_trip(value, allowed):
    nonce = TestNonces(f"range-{value}-{allowed}")()
    ciphertext = encrypt(G, KEY, value, nonce)
    proof = make_range_proof(G, KEY, ciphertext, nonce, value, allowed, BINDING, TestNonces("p"))
    assert len(proof.challenges) == len(proof.responses) == len(allowed)
    assert sum(proof.challenges) % ORDER == hash_to_scalar(
        "range-proof", *_challenge_inputs(ciphertext, allowed, proof)
    )
    verify_range_proof(G, KEY, ciphertext, allowed, proof, BINDING, "r")
    loaded = RangeProof.from_json(G, proof.to_json(), len(allowed), "r")
    verify_range_proof(G, KEY, ciphertext, allowed, loaded, BINDING, "r")


def _challenge_inputs(ciphertext, allowed, proof):
    """The hash inputs of §7, recomputed here from the proof's challenges and responses."""
    commitments = []
    for m, c, v in zip(allowed, proof.challenges, proof.responses, strict=True):
        shifted = G.sub(ciphertext.beta, G.base_mul(m)) if m else ciphertext.beta
        commitments += [
            G.sub(G.base_mul(v), G.mul(c, ciphertext.alpha)),
            G.sub(G.mul(v, KEY), G.mul(c, shifted)),
        ]
    return (
        BINDING.election,
        BINDING.token_hash,
        BINDING.label,
        KEY,
        ciphertext.alpha,
        ciphertext.beta,
        len(allowed),
        *allowed,
        *commitments,
    )


def test_range_proof_binds_every_input():
    nonce = 5555
    ciphertext = encrypt(G, KEY, 1, nonce)
    proof = make_range_proof(G, KEY, ciphertext, nonce, 1, (0, 1), BINDING, TestNonces("b"))
    other_ciphertext = encrypt(G, KEY, 1, nonce + 1)
    cases = {
        "key": (G.base_mul(KEY_SECRET + 1), ciphertext, (0, 1), BINDING),
        "alpha": (KEY, Ciphertext(other_ciphertext.alpha, ciphertext.beta), (0, 1), BINDING),
        "beta": (KEY, Ciphertext(ciphertext.alpha, other_ciphertext.beta), (0, 1), BINDING),
        "allowed": (KEY, ciphertext, (1, 0), BINDING),
        "election": (KEY, ciphertext, (0, 1), ProofBinding(b"\x09" * 32, b"\x02" * 32, "q01/0")),
        "token": (KEY, ciphertext, (0, 1), ProofBinding(b"\x01" * 32, b"\x09" * 32, "q01/0")),
        "label": (KEY, ciphertext, (0, 1), ProofBinding(b"\x01" * 32, b"\x02" * 32, "q01/1")),
    }
    for name, (key, ct, allowed, binding) in cases.items():
        with pytest.raises(InvalidProof) as caught:
            verify_range_proof(G, key, ct, allowed, proof, binding, name)
        assert caught.value.check == "challenge", name


def test_range_proof_shape_is_checked():
    nonce = 5555
    ciphertext = encrypt(G, KEY, 1, nonce)
    proof = make_range_proof(G, KEY, ciphertext, nonce, 1, (1,), BINDING, TestNonces("b"))
    with pytest.raises(InvalidProof) as caught:
        verify_range_proof(G, KEY, ciphertext, (0, 1), proof, BINDING, "r")
    assert caught.value.check == "shape"
    with pytest.raises(FormatError):
        RangeProof.from_json(G, proof.to_json(), 2, "r")
    with pytest.raises(FormatError):
        RangeProof.from_json(G, "not a proof", 1, "r")


def test_range_proof_draw_order():
    """§7: a simulated branch draws cᵢ then uᵢ; the true branch draws w; c_τ closes the sum."""
    nonce = 4321
    ciphertext = encrypt(G, KEY, 1, nonce)
    proof = make_range_proof(G, KEY, ciphertext, nonce, 1, (0, 1), BINDING, TestNonces("d"))
    replay = TestNonces("d")
    c0, u0, w = replay(), replay(), replay()
    assert proof.challenges[0] == c0
    assert proof.responses[0] == (u0 + c0 * nonce) % ORDER
    assert proof.responses[1] == (w + proof.challenges[1] * nonce) % ORDER
