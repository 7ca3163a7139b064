"""The committee's t-of-n key ceremony (PROTOCOL.md §5).

Each trustee i draws a polynomial Pᵢ of degree t−1, publishes commitments A_{i,k} = a_{i,k}G with
Schnorr proofs, and sends Pᵢ(j) to every other trustee j encrypted under j's share-encryption key.
Trustee j checks each received share against the sender's commitments and keeps
sⱼ = Σᵢ Pᵢ(j). The joint key is K = Σᵢ A_{i,0}; its secret is never assembled anywhere.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from nacl.signing import SigningKey

from tally.canonical import check_header, is_integer, strict_hex
from tally.crypto.group import Ristretto255
from tally.crypto.hashing import encode_parts, hash32
from tally.crypto.nonces import NonceSource
from tally.crypto.proofs import ChallengeResponse, make_schnorr_proof, verify_schnorr_proof
from tally.crypto.signatures import verify_key_from_hex
from tally.errors import FormatError, InvalidShare, TallyError

ANNOUNCEMENT_KIND = "phieukin/trustee-announcement"
SHARE_KIND = "phieukin/trustee-share"
_ZERO_NONCE = bytes(12)


@dataclass(frozen=True)
class TrusteeSecrets:
    """What a trustee keeps private: polynomial coefficients, the share-encryption secret and
    the seed of the Ed25519 key that co-signs the minute."""

    index: int
    coefficients: tuple[int, ...]
    encryption_secret: int
    signing_seed: bytes

    def __repr__(self) -> str:  # never print secrets
        return f"TrusteeSecrets(index={self.index}, …)"


@dataclass(frozen=True)
class Announcement:
    """A trustee's public ceremony message: commitments, proofs, share-encryption key, and the
    Ed25519 public key with which this member co-signs the minute."""

    index: int
    commitments: tuple[bytes, ...]
    coefficient_proofs: tuple[ChallengeResponse, ...]
    encryption_key: bytes
    encryption_key_proof: ChallengeResponse
    signing_key: bytes

    def to_json(self) -> dict:
        return {
            "version": 1,
            "kind": ANNOUNCEMENT_KIND,
            "index": self.index,
            "commitments": [c.hex() for c in self.commitments],
            "coefficient_proofs": [p.to_json() for p in self.coefficient_proofs],
            "encryption_key": self.encryption_key.hex(),
            "encryption_key_proof": self.encryption_key_proof.to_json(),
            "signing_key": self.signing_key.hex(),
        }

    @classmethod
    def from_json(cls, group: Ristretto255, data: object, threshold: int) -> Announcement:
        """Load and validate the shape, versions and every group element."""
        data = check_header(data, ANNOUNCEMENT_KIND, "announcement")
        index = data.get("index")
        subject = f"announcement {index}"
        if not is_integer(index) or index < 1:
            raise FormatError("index must be a positive integer", field="announcement.index")
        commitments, proofs = data.get("commitments"), data.get("coefficient_proofs")
        if not isinstance(commitments, list) or len(commitments) != threshold:
            raise FormatError(f"expected {threshold} commitments", field=subject)
        if not isinstance(proofs, list) or len(proofs) != threshold:
            raise FormatError(f"expected {threshold} coefficient proofs", field=subject)
        return cls(
            index,
            tuple(group.point_from_hex(c, f"{subject}.commitments") for c in commitments),
            tuple(ChallengeResponse.from_json(group, p, subject) for p in proofs),
            group.point_from_hex(data.get("encryption_key"), f"{subject}.encryption_key"),
            ChallengeResponse.from_json(group, data.get("encryption_key_proof"), subject),
            verify_key_from_hex(data.get("signing_key"), f"{subject}.signing_key").encode(),
        )


@dataclass(frozen=True)
class EncryptedShare:
    """Pᵢ(j) sent from trustee ``sender`` to trustee ``recipient``, encrypted to the recipient."""

    sender: int
    recipient: int
    ephemeral: bytes
    ciphertext: bytes

    def to_json(self) -> dict:
        return {
            "version": 1,
            "kind": SHARE_KIND,
            "sender": self.sender,
            "recipient": self.recipient,
            "ephemeral": self.ephemeral.hex(),
            "ciphertext": self.ciphertext.hex(),
        }

    @classmethod
    def from_json(cls, group: Ristretto255, data: object) -> EncryptedShare:
        data = check_header(data, SHARE_KIND, "share")
        sender, recipient, ciphertext = (
            data.get("sender"),
            data.get("recipient"),
            data.get("ciphertext"),
        )
        for name, value in (("sender", sender), ("recipient", recipient)):
            if not is_integer(value) or value < 1:
                raise FormatError("must be a positive integer", field=f"share.{name}")
        raw = strict_hex(ciphertext, 48, "share.ciphertext")
        ephemeral = group.point_from_hex(data.get("ephemeral"), "share.ephemeral")
        return cls(sender, recipient, ephemeral, raw)  # type: ignore[arg-type]


def evaluate_polynomial(group: Ristretto255, coefficients: Sequence[int], x: int) -> int:
    """P(x) = Σₖ aₖ xᵏ mod ℓ (Horner)."""
    value = 0
    for coefficient in reversed(coefficients):
        value = (value * x + coefficient) % group.order
    return value


def make_trustee(
    group: Ristretto255,
    manifest_hash: bytes,
    index: int,
    threshold: int,
    nonces: NonceSource,
    signing_seed: bytes | None = None,
) -> tuple[TrusteeSecrets, Announcement]:
    """Draw trustee ``index``'s polynomial and encryption key and build its announcement.

    ``signing_seed`` is the device key drawn when the member's link was claimed (PROTOCOL.md
    §14.1); without it the seed is drawn here, last (the draw order of §12)."""
    coefficients = tuple(nonces() for _ in range(threshold))
    commitments, proofs = _commit(group, manifest_hash, index, coefficients, nonces)
    encryption_secret = nonces()
    encryption_key, key_proof = _commit_key(group, manifest_hash, index, encryption_secret, nonces)
    if signing_seed is None:
        signing_seed = group.scalar_bytes(nonces())
    signing_key = SigningKey(signing_seed).verify_key.encode()
    secrets = TrusteeSecrets(index, coefficients, encryption_secret, signing_seed)
    announcement = Announcement(index, commitments, proofs, encryption_key, key_proof, signing_key)
    return secrets, announcement


def announce(
    group: Ristretto255, manifest_hash: bytes, secrets: TrusteeSecrets, nonces: NonceSource
) -> Announcement:
    """The announcement of secrets made earlier (a device restored from its backup before it
    announced): the same commitments and keys, with fresh proofs."""
    commitments, proofs = _commit(group, manifest_hash, secrets.index, secrets.coefficients, nonces)
    encryption_key, key_proof = _commit_key(
        group, manifest_hash, secrets.index, secrets.encryption_secret, nonces
    )
    signing_key = SigningKey(secrets.signing_seed).verify_key.encode()
    return Announcement(secrets.index, commitments, proofs, encryption_key, key_proof, signing_key)


def same_keys(announcement: Announcement, secrets: TrusteeSecrets, group: Ristretto255) -> bool:
    """Whether an announcement is the one these secrets make (commitments, keys; not proofs)."""
    return (
        announcement.index == secrets.index
        and announcement.commitments == tuple(group.base_mul(a) for a in secrets.coefficients)
        and announcement.encryption_key == group.base_mul(secrets.encryption_secret)
        and announcement.signing_key == SigningKey(secrets.signing_seed).verify_key.encode()
    )


def _commit(
    group: Ristretto255,
    manifest_hash: bytes,
    index: int,
    coefficients: Sequence[int],
    nonces: NonceSource,
) -> tuple[tuple[bytes, ...], tuple[ChallengeResponse, ...]]:
    commitments = tuple(group.base_mul(a) for a in coefficients)
    proofs = tuple(
        make_schnorr_proof(
            group, "coefficient-proof", (manifest_hash, index, k, commitments[k]), a, nonces
        )
        for k, a in enumerate(coefficients)
    )
    return commitments, proofs


def _commit_key(
    group: Ristretto255, manifest_hash: bytes, index: int, secret: int, nonces: NonceSource
) -> tuple[bytes, ChallengeResponse]:
    key = group.base_mul(secret)
    proof = make_schnorr_proof(
        group, "encryption-key-proof", (manifest_hash, index, key), secret, nonces
    )
    return key, proof


def verify_announcement(
    group: Ristretto255, manifest_hash: bytes, announcement: Announcement, threshold: int
) -> None:
    """Check every coefficient proof and the encryption-key proof; raise ``InvalidProof``."""
    i = announcement.index
    if len(announcement.commitments) != threshold:
        raise FormatError(f"expected {threshold} commitments", field=f"announcement {i}")
    for k, (commitment, proof) in enumerate(
        zip(announcement.commitments, announcement.coefficient_proofs, strict=True)
    ):
        verify_schnorr_proof(
            group,
            "coefficient-proof",
            (manifest_hash, i, k, commitment),
            commitment,
            proof,
            f"trustee {i}, coefficient {k}",
        )
    verify_schnorr_proof(
        group,
        "encryption-key-proof",
        (manifest_hash, i, announcement.encryption_key),
        announcement.encryption_key,
        announcement.encryption_key_proof,
        f"trustee {i}, encryption key",
    )


def _share_cipher(
    manifest_hash: bytes, sender: int, recipient: int, ephemeral: bytes, shared: bytes
) -> tuple[ChaCha20Poly1305, bytes]:
    key = hash32("share-key", manifest_hash, sender, recipient, ephemeral, shared)
    return ChaCha20Poly1305(key), encode_parts(manifest_hash, sender, recipient)


def make_encrypted_share(
    group: Ristretto255,
    manifest_hash: bytes,
    sender: TrusteeSecrets,
    recipient: Announcement,
    nonces: NonceSource,
) -> EncryptedShare:
    """Encrypt Pᵢ(j) to the recipient's share-encryption key (hashed ECDH + ChaCha20-Poly1305)."""
    value = evaluate_polynomial(group, sender.coefficients, recipient.index)
    y = nonces()
    ephemeral = group.base_mul(y)
    shared = group.mul(y, recipient.encryption_key)
    cipher, aad = _share_cipher(manifest_hash, sender.index, recipient.index, ephemeral, shared)
    ciphertext = cipher.encrypt(_ZERO_NONCE, group.scalar_bytes(value), aad)
    return EncryptedShare(sender.index, recipient.index, ephemeral, ciphertext)


def expected_share_point(group: Ristretto255, commitments: Sequence[bytes], x: int) -> bytes:
    """Σₖ xᵏ·A_k: the public image Pᵢ(x)·G of a share, computed from commitments alone."""
    return group.linear_combination(
        (pow(x, k, group.order), commitment) for k, commitment in enumerate(commitments)
    )


def open_share(
    group: Ristretto255,
    manifest_hash: bytes,
    recipient: TrusteeSecrets,
    share: EncryptedShare,
    sender: Announcement,
) -> int:
    """Decrypt a received share and check it against the sender's commitments.

    Raises ``InvalidShare`` naming the sender if it fails to decrypt or does not match.
    """
    subject = f"share from trustee {share.sender} to trustee {share.recipient}"
    if share.recipient != recipient.index or share.sender != sender.index:
        raise InvalidShare("addressing", subject)
    shared = group.mul(recipient.encryption_secret, share.ephemeral)
    cipher, aad = _share_cipher(
        manifest_hash, share.sender, share.recipient, share.ephemeral, shared
    )
    try:
        plaintext = cipher.decrypt(_ZERO_NONCE, share.ciphertext, aad)
    except InvalidTag:
        raise InvalidShare("decryption", subject) from None
    value = int.from_bytes(plaintext, "little")
    if value >= group.order:
        raise InvalidShare("scalar", subject)
    if group.base_mul(value) != expected_share_point(group, sender.commitments, recipient.index):
        raise InvalidShare("commitments", subject)
    return value


def check_revealed_share(
    group: Ristretto255, sender: Announcement, recipient: int, value_hex: object
) -> int:
    """A share published in the open to settle a complaint (PROTOCOL.md §14.3): the scalar
    Pᵢ(j) must satisfy Pᵢ(j)·G = Σₖ jᵏ·A_{i,k}. Raises ``InvalidShare`` (check ``scalar`` or
    ``commitments``) naming the sender."""
    subject = f"share from trustee {sender.index} to trustee {recipient}, revealed"
    try:
        value = group.scalar_from_hex(value_hex, subject)
    except TallyError:
        raise InvalidShare("scalar", subject) from None
    if group.base_mul(value) != expected_share_point(group, sender.commitments, recipient):
        raise InvalidShare("commitments", subject)
    return value


def combine_secret_share(group: Ristretto255, received: Mapping[int, int]) -> int:
    """sⱼ = Σᵢ Pᵢ(j): trustee j's share of the election secret (including its own Pⱼ(j))."""
    return sum(received.values()) % group.order


def public_share(group: Ristretto255, announcements: Sequence[Announcement], index: int) -> bytes:
    """Kⱼ = Σᵢ Σₖ jᵏ A_{i,k} = sⱼG, computable by anyone from the announcements."""
    return group.sum(expected_share_point(group, a.commitments, index) for a in announcements)


def joint_key(group: Ristretto255, announcements: Sequence[Announcement]) -> bytes:
    """K = Σᵢ A_{i,0}."""
    return group.sum(a.commitments[0] for a in announcements)
