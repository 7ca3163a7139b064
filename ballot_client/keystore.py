"""A committee member's secrets, and the encrypted backup they save (PROTOCOL.md "Trustee
backup"): the Python mirror of ``ballot_client/js/keystore.mjs``.

The secrets (``phieukin/trustee-secrets``) are the device key (signing seed), the server key the
device pinned when it claimed its link, the polynomial and share-encryption secret of the
ceremony, and the secret share sⱼ once known. The backup (``phieukin/trustee-backup``) is the same
object under a passphrase: scrypt (``cryptography``) then XChaCha20-Poly1305 (libsodium), the
additional data being the canonical JSON of the backup without its ciphertext. A backup made on a
phone opens here and the other way round. A backup file is input from outside: its scrypt cost
may not exceed what the project itself writes (N = 2^15, r = 8, p = 1: 32 MiB).
"""

from __future__ import annotations

import base64
import json
import os
import re
import secrets
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from nacl import bindings
from nacl.exceptions import CryptoError

from tally.canonical import canonical_json
from tally.crypto import ceremony
from tally.crypto.group import RISTRETTO255
from tally.errors import TallyError

BACKUP_KIND = "phieukin/trustee-backup"
SECRETS_KIND = "phieukin/trustee-secrets"
SCRYPT_DEFAULTS = {"N": 2**15, "r": 8, "p": 1}
SCRYPT_MIN_LOG_N = 10
SALT_BYTES = 16
NONCE_BYTES = 24
_HEX = re.compile(r"[0-9a-f]*")
GROUP = RISTRETTO255


class BackupError(Exception):
    """Secrets or a backup that cannot be read; ``check`` names what failed (``passphrase``,
    ``format``, ``kind``, ``version``, ``params``, ``mismatch``), as in keystore.mjs."""

    def __init__(self, check: str, message: str) -> None:
        super().__init__(message)
        self.check = check


@dataclass(frozen=True)
class TrusteeRecord:
    """A member's secrets (the ``phieukin/trustee-secrets`` object)."""

    meeting: str
    round: int
    index: int
    manifest_hash: str
    signing_seed: bytes
    coefficients: tuple[int, ...] | None
    encryption_secret: int | None
    secret_share: int | None
    server_key: str | None = None

    def __repr__(self) -> str:  # never print secrets
        return f"TrusteeRecord(meeting={self.meeting!r}, round={self.round}, index={self.index}, …)"

    def to_json(self) -> dict[str, Any]:
        scalar = GROUP.scalar_to_hex
        return {
            "version": 1,
            "kind": SECRETS_KIND,
            "meeting": self.meeting,
            "round": self.round,
            "index": self.index,
            "manifest_hash": self.manifest_hash,
            "server_key": self.server_key,
            "signing_seed": self.signing_seed.hex(),
            "coefficients": None
            if self.coefficients is None
            else [scalar(c) for c in self.coefficients],
            "encryption_secret": None
            if self.encryption_secret is None
            else scalar(self.encryption_secret),
            "secret_share": None if self.secret_share is None else scalar(self.secret_share),
        }

    @classmethod
    def from_json(cls, data: object) -> TrusteeRecord:
        _check_header(data, SECRETS_KIND)
        assert isinstance(data, dict)
        coefficients = data.get("coefficients")
        if coefficients is not None and (
            not isinstance(coefficients, list) or not 1 <= len(coefficients) <= 15
        ):
            raise BackupError("format", "coefficients: expected a list or null")
        server_key = data.get("server_key")
        record = cls(
            meeting=data["meeting"],
            round=data["round"],
            index=data["index"],
            manifest_hash=data["manifest_hash"],
            signing_seed=_hex(data.get("signing_seed"), 32, "signing_seed"),
            coefficients=None
            if coefficients is None
            else tuple(_scalar(c, f"coefficients[{k}]") for k, c in enumerate(coefficients)),
            encryption_secret=_optional_scalar(data.get("encryption_secret"), "encryption_secret"),
            secret_share=_optional_scalar(data.get("secret_share"), "secret_share"),
            server_key=None if server_key is None else _hex(server_key, 32, "server_key").hex(),
        )
        if record.secret_share is None and (
            record.coefficients is None or record.encryption_secret is None
        ):
            raise BackupError("format", "neither a secret share nor the ceremony secrets")
        return record

    def ceremony_secrets(self) -> ceremony.TrusteeSecrets:
        """The polynomial and share-encryption secret (kept until the election is published)."""
        if self.coefficients is None or self.encryption_secret is None:
            raise BackupError("format", "the ceremony secrets were already dropped")
        return ceremony.TrusteeSecrets(
            self.index, self.coefficients, self.encryption_secret, self.signing_seed
        )


def record_from_trustee(
    ids: dict[str, Any], secrets_: ceremony.TrusteeSecrets, server_key: str | None
) -> TrusteeRecord:
    """The record of a freshly made member (``make_trustee``'s secrets)."""
    return TrusteeRecord(
        ids["meeting"],
        ids["round"],
        secrets_.index,
        ids["manifest_hash"],
        secrets_.signing_seed,
        secrets_.coefficients,
        secrets_.encryption_secret,
        None,
        server_key,
    )


def with_secret_share(record: TrusteeRecord, secret_share: int) -> TrusteeRecord:
    """The record once sⱼ is known (the polynomial is kept until the election is published)."""
    return replace(record, secret_share=secret_share)


def without_ceremony_secrets(record: TrusteeRecord) -> TrusteeRecord:
    """The record once the election is published: only sⱼ and the keys are kept."""
    return replace(record, coefficients=None, encryption_secret=None)


def _hex(value: object, size: int, name: str) -> bytes:
    if not isinstance(value, str) or len(value) != 2 * size or not _HEX.fullmatch(value):
        raise BackupError("format", f"{name}: expected {size} bytes of lowercase hex")
    return bytes.fromhex(value)


def _scalar(value: object, name: str) -> int:
    try:
        return GROUP.scalar_from_hex(value, name)
    except TallyError:
        raise BackupError("format", f"{name}: not a scalar") from None


def _optional_scalar(value: object, name: str) -> int | None:
    return None if value is None else _scalar(value, name)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_header(data: object, kind: str) -> None:
    """An object of ``kind``, version 1, naming a meeting, round, member and manifest."""
    if not isinstance(data, dict):
        raise BackupError("format", "expected a JSON object")
    if data.get("kind") != kind:
        raise BackupError("kind", f"expected kind {kind}")
    if data.get("version") != 1:
        raise BackupError("version", "unknown version")
    _check_ids(data)


def _check_ids(data: dict[str, Any]) -> None:
    if not isinstance(data.get("meeting"), str) or len(data["meeting"]) > 200:
        raise BackupError("format", "meeting: expected a string")
    for name in ("round", "index"):
        if not _is_int(data.get(name)) or not 1 <= data[name] <= 9999:
            raise BackupError("format", f"{name}: expected a positive integer")
    _hex(data.get("manifest_hash"), 32, "manifest_hash")


def _check_params(kdf: object) -> tuple[int, int, int, bytes]:
    """The scrypt parameters, no costlier than what the project writes."""
    if not isinstance(kdf, dict) or kdf.get("name") != "scrypt":
        raise BackupError("params", "kdf: expected scrypt")
    n, r, p = kdf.get("N"), kdf.get("r"), kdf.get("p")
    if not (
        _is_int(n)
        and n > 1
        and n & (n - 1) == 0
        and 2**SCRYPT_MIN_LOG_N <= n <= SCRYPT_DEFAULTS["N"]
        and _is_int(r)
        and 1 <= r <= SCRYPT_DEFAULTS["r"]
        and _is_int(p)
        and p == SCRYPT_DEFAULTS["p"]
    ):
        raise BackupError("params", "kdf: scrypt parameters out of range")
    return n, r, p, _hex(kdf.get("salt"), SALT_BYTES, "kdf.salt")


def _derive(passphrase: str, n: int, r: int, p: int, salt: bytes) -> bytes:
    if not passphrase:
        raise BackupError("passphrase", "a passphrase is needed")
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(
        unicodedata.normalize("NFC", passphrase).encode("utf-8")
    )


def _header(backup: dict[str, Any]) -> bytes:
    return canonical_json({k: v for k, v in backup.items() if k != "ciphertext"})


def encrypt_backup(
    record: TrusteeRecord,
    passphrase: str,
    *,
    n: int = SCRYPT_DEFAULTS["N"],
    r: int = SCRYPT_DEFAULTS["r"],
    p: int = SCRYPT_DEFAULTS["p"],
    salt: bytes | None = None,
    nonce: bytes | None = None,
) -> dict[str, Any]:
    """The ``phieukin/trustee-backup`` JSON of ``record`` under ``passphrase`` (fresh salt and
    nonce unless given, for test vectors)."""
    salt = secrets.token_bytes(SALT_BYTES) if salt is None else salt
    nonce = secrets.token_bytes(NONCE_BYTES) if nonce is None else nonce
    backup: dict[str, Any] = {
        "version": 1,
        "kind": BACKUP_KIND,
        "meeting": record.meeting,
        "round": record.round,
        "index": record.index,
        "manifest_hash": record.manifest_hash,
        "kdf": {"name": "scrypt", "N": n, "r": r, "p": p, "salt": salt.hex()},
        "cipher": {"name": "xchacha20poly1305", "nonce": nonce.hex()},
    }
    _check_params(backup["kdf"])
    if len(nonce) != NONCE_BYTES:
        raise BackupError("params", "nonce: expected 24 bytes")
    key = _derive(passphrase, n, r, p, salt)
    ciphertext = bindings.crypto_aead_xchacha20poly1305_ietf_encrypt(
        canonical_json(record.to_json()), _header(backup), nonce, key
    )
    backup["ciphertext"] = base64.b64encode(ciphertext).decode("ascii")
    return backup


def backup_header(backup: object) -> dict[str, Any]:
    """Check a backup's header (no passphrase needed): who and which election it is for."""
    if isinstance(backup, (str, bytes)):
        try:
            backup = json.loads(backup)
        except ValueError:
            raise BackupError("format", "not JSON") from None
    _check_header(backup, BACKUP_KIND)
    assert isinstance(backup, dict)
    _check_params(backup.get("kdf"))
    cipher = backup.get("cipher")
    if not isinstance(cipher, dict) or cipher.get("name") != "xchacha20poly1305":
        raise BackupError("params", "cipher: expected xchacha20poly1305")
    _hex(cipher.get("nonce"), NONCE_BYTES, "cipher.nonce")
    return backup


def decrypt_backup(backup: object, passphrase: str) -> TrusteeRecord:
    """Open a backup; a wrong passphrase or any change to the file fails with check
    ``passphrase``; the secrets must name the member and election of the header."""
    data = backup_header(backup)
    n, r, p, salt = _check_params(data["kdf"])
    nonce = bytes.fromhex(data["cipher"]["nonce"])
    text = data.get("ciphertext")
    if not isinstance(text, str) or not re.fullmatch(r"[A-Za-z0-9+/]*={0,2}", text):
        raise BackupError("format", "ciphertext: expected standard base64")
    try:
        ciphertext = base64.b64decode(text, validate=True)
    except ValueError:
        raise BackupError("format", "ciphertext: expected standard base64") from None
    key = _derive(passphrase, n, r, p, salt)
    try:
        plaintext = bindings.crypto_aead_xchacha20poly1305_ietf_decrypt(
            ciphertext, _header(data), nonce, key
        )
    except CryptoError:
        raise BackupError("passphrase", "wrong passphrase, or the backup was changed") from None
    try:
        inner = json.loads(plaintext.decode("utf-8"))
    except ValueError:
        raise BackupError("format", "the decrypted secrets are not JSON") from None
    record = TrusteeRecord.from_json(inner)
    if (record.meeting, record.round, record.index, record.manifest_hash) != (
        data["meeting"],
        data["round"],
        data["index"],
        data["manifest_hash"],
    ):
        raise BackupError("mismatch", "the secrets do not match the backup header")
    return record


def backup_file_name(meeting: str, number: int, index: int) -> str:
    """``phieukin-<meeting>-r<round>-thanhvien<index>.json``, as the committee page names it."""
    safe = re.sub(r"[^A-Za-z0-9_-]+", "-", meeting)[:60] or "hop"
    return f"phieukin-{safe}-r{number}-thanhvien{index}.json"


def write_backup(path: Path, backup: dict[str, Any]) -> None:
    """Write atomically (a temporary file renamed over the old one), readable by the owner only."""
    temporary = path.with_name(path.name + ".tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump(backup, handle, ensure_ascii=False, indent=1, sort_keys=True)
        handle.write("\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
