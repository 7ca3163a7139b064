"""``phieukin trustee URL``: a committee member with a laptop instead of a phone.

URL is the member's link from the chair (``http://host:port/committee#c=CREDENTIAL&r=ROUND``).
During the key ceremony the command makes the member's key, announces it, checks every other
member's announcement, sends the encrypted shares, opens and checks the shares it receives
(a bad one is reported to the server as a complaint naming its sender) and confirms. Once voting
is closed, the same command decrypts the round's aggregate and sends the decryption share with
its proofs. Once the round is counted and the chair has made the minute, it co-signs the minute:
it recomputes the minute's digest itself (``H32("minute", canonical(minute))``) and refuses when
the server's differs, or when the minute names another signing key for this member or another
election for this round; it prints what is signed (the meeting, per round and person the
proposed level, the fingerprint) and asks before signing (``--yes`` does not ask).

A further round that reuses the committee's keys (a runoff after a tie at the quota boundary) is
done with the same link and the same backup: the command takes the latest round of the meeting
whose election has the joint key of the link's round (or the round given with ``--round``),
checks that the backup's round has that joint key, and decrypts that round's aggregate with the
same secret share and credential (the server copied the credential to the new round).

The member's secrets are kept only in an encrypted backup file (``--backup``), written before
anything is sent that depends on them, in the format of the committee page's backup
(PROTOCOL.md "Trustee backup"): scrypt from the passphrase, XChaCha20-Poly1305 from libsodium.
A backup saved on a phone opens here, and this one opens on a phone.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import getpass
import json
import os
import re
import secrets
import sys
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import aiohttp
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from nacl import bindings
from nacl.exceptions import CryptoError
from nacl.signing import SigningKey

from ballot_client.remote import CREDENTIAL_HEADER, MeetingClient, ServerError
from tally.aggregate import Aggregate
from tally.canonical import canonical_json
from tally.crypto import ceremony
from tally.crypto.group import RISTRETTO255
from tally.crypto.nonces import system_nonce
from tally.crypto.signatures import sign
from tally.decryption import make_decryption_share
from tally.errors import TallyError
from tally.manifest import ElectionContext, Manifest
from tally.minute import SIGNATURE_PURPOSE, level_title, minute_digest
from tally.rules.kind_wording import outcome_words, votes_words
from tally.rules.trace import step_from_json
from tally.rules.wording import reasons

BACKUP_KIND = "phieukin/trustee-backup"
SECRETS_KIND = "phieukin/trustee-secrets"
SCRYPT_DEFAULTS = {"N": 2**15, "r": 8, "p": 1}
SALT_BYTES = 16
NONCE_BYTES = 24
POLL_SECONDS = 1.0
_HEX = re.compile(r"[0-9a-f]*")
GROUP = RISTRETTO255


class BackupError(Exception):
    """A backup that cannot be read; ``check`` names what failed (as in keystore.mjs)."""

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
        if not isinstance(data, dict):
            raise BackupError("format", "expected an object")
        if data.get("kind") != SECRETS_KIND:
            raise BackupError("kind", f"expected kind {SECRETS_KIND}")
        if data.get("version") != 1:
            raise BackupError("version", "unknown version")
        _check_ids(data)
        coefficients = data.get("coefficients")
        if coefficients is not None and (
            not isinstance(coefficients, list) or not 1 <= len(coefficients) <= 15
        ):
            raise BackupError("format", "coefficients: expected a list or null")
        record = cls(
            meeting=data["meeting"],
            round=data["round"],
            index=data["index"],
            manifest_hash=data["manifest_hash"],
            signing_seed=_hex(data.get("signing_seed"), 32, "signing_seed"),
            coefficients=None
            if coefficients is None
            else tuple(_scalar(c, f"coefficients[{k}]") for k, c in enumerate(coefficients)),
            encryption_secret=None
            if data.get("encryption_secret") is None
            else _scalar(data["encryption_secret"], "encryption_secret"),
            secret_share=None
            if data.get("secret_share") is None
            else _scalar(data["secret_share"], "secret_share"),
        )
        if record.secret_share is None and (
            record.coefficients is None or record.encryption_secret is None
        ):
            raise BackupError("format", "neither a secret share nor the ceremony secrets")
        return record

    def ceremony_secrets(self) -> ceremony.TrusteeSecrets:
        if self.coefficients is None or self.encryption_secret is None:
            raise BackupError("format", "the ceremony secrets were already dropped")
        return ceremony.TrusteeSecrets(
            self.index, self.coefficients, self.encryption_secret, self.signing_seed
        )


def _hex(value: object, size: int, name: str) -> bytes:
    if not isinstance(value, str) or len(value) != 2 * size or not _HEX.fullmatch(value):
        raise BackupError("format", f"{name}: expected {size} bytes of lowercase hex")
    return bytes.fromhex(value)


def _scalar(value: object, name: str) -> int:
    try:
        return GROUP.scalar_from_hex(value, name)
    except TallyError:
        raise BackupError("format", f"{name}: not a scalar") from None


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_ids(data: dict[str, Any]) -> None:
    if not isinstance(data.get("meeting"), str) or len(data["meeting"]) > 200:
        raise BackupError("format", "meeting: expected a string")
    for name in ("round", "index"):
        if not _is_int(data.get(name)) or not 1 <= data[name] <= 9999:
            raise BackupError("format", f"{name}: expected a positive integer")
    _hex(data.get("manifest_hash"), 32, "manifest_hash")


def _check_params(kdf: object) -> tuple[int, int, int, bytes]:
    if not isinstance(kdf, dict) or kdf.get("name") != "scrypt":
        raise BackupError("params", "kdf: expected scrypt")
    n, r, p = kdf.get("N"), kdf.get("r"), kdf.get("p")
    if not (
        _is_int(n)
        and n > 1
        and n & (n - 1) == 0
        and 10 <= n.bit_length() - 1 <= 20
        and _is_int(r)
        and 1 <= r <= 16
        and _is_int(p)
        and 1 <= p <= 4
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


def decrypt_backup(backup: object, passphrase: str) -> TrusteeRecord:
    """Open a backup; a wrong passphrase or any change to the file fails with check
    ``passphrase``."""
    if isinstance(backup, (str, bytes)):
        try:
            backup = json.loads(backup)
        except ValueError:
            raise BackupError("format", "not JSON") from None
    if not isinstance(backup, dict):
        raise BackupError("format", "expected a JSON object")
    if backup.get("kind") != BACKUP_KIND:
        raise BackupError("kind", f"expected kind {BACKUP_KIND}")
    if backup.get("version") != 1:
        raise BackupError("version", "unknown version")
    _check_ids(backup)
    n, r, p, salt = _check_params(backup.get("kdf"))
    cipher = backup.get("cipher")
    if not isinstance(cipher, dict) or cipher.get("name") != "xchacha20poly1305":
        raise BackupError("params", "cipher: expected xchacha20poly1305")
    nonce = _hex(cipher.get("nonce"), NONCE_BYTES, "cipher.nonce")
    text = backup.get("ciphertext")
    if not isinstance(text, str) or not re.fullmatch(r"[A-Za-z0-9+/]*={0,2}", text):
        raise BackupError("format", "ciphertext: expected standard base64")
    try:
        ciphertext = base64.b64decode(text, validate=True)
    except ValueError:
        raise BackupError("format", "ciphertext: expected standard base64") from None
    key = _derive(passphrase, n, r, p, salt)
    try:
        plaintext = bindings.crypto_aead_xchacha20poly1305_ietf_decrypt(
            ciphertext, _header(backup), nonce, key
        )
    except CryptoError:
        raise BackupError("passphrase", "wrong passphrase, or the backup was changed") from None
    try:
        inner = json.loads(plaintext.decode("utf-8"))
    except ValueError:
        raise BackupError("format", "the decrypted secrets are not JSON") from None
    record = TrusteeRecord.from_json(inner)
    if (record.meeting, record.round, record.index, record.manifest_hash) != (
        backup["meeting"],
        backup["round"],
        backup["index"],
        backup["manifest_hash"],
    ):
        raise BackupError("mismatch", "the secrets do not match the backup header")
    return record


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


# ---- the command ----------------------------------------------------------------------------


class TrusteeFailure(Exception):
    """Stops the command with a message for the member and an exit status."""

    def __init__(self, message: str, status: int = 1) -> None:
        super().__init__(message)
        self.status = status


def parse_committee_url(url: str) -> tuple[str, str, int | None]:
    """Split ``http://host:port/committee#c=CREDENTIAL&r=1`` into base URL, credential, round."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise TrusteeFailure("đường dẫn cần dạng http://máy-chủ:cổng/committee#c=…&r=…", 2)
    fragment = parse_qs(parts.fragment)
    credential = fragment.get("c", [""])[0]
    number = fragment.get("r", [""])[0]
    if not credential:
        raise TrusteeFailure("đường dẫn không có mã thành viên (#c=…)", 2)
    return (
        f"{parts.scheme}://{parts.netloc}",
        credential,
        int(number) if number.isdigit() else None,
    )


def meeting_id(manifest: Manifest) -> str:
    meeting = manifest.data.get("meeting")
    identifier = meeting.get("id") if isinstance(meeting, dict) else None
    return identifier if isinstance(identifier, str) and identifier else manifest.hash.hex()[:16]


class Session:
    """One run of ``phieukin trustee`` for one member."""

    def __init__(
        self,
        client: MeetingClient,
        credential: str,
        number: int,
        backup: Path,
        passphrase: PassphraseSource,
        out: Any = sys.stdout,
        wait_seconds: float = 600.0,
        confirm: Callable[[str], bool] | None = None,
    ) -> None:
        self.client = client
        self.headers = {CREDENTIAL_HEADER: credential}
        self.number = number
        self.backup = backup
        self.passphrase = passphrase
        self.out = out
        self.deadline = time.monotonic() + wait_seconds
        self.confirm = confirm or ask_on_terminal

    def say(self, text: str) -> None:
        print(text, file=self.out, flush=True)

    async def state(self) -> dict[str, Any]:
        return await self.client.get(f"/api/rounds/{self.number}/ceremony", headers=self.headers)

    async def wait(self, what: str) -> None:
        if time.monotonic() > self.deadline:
            raise TrusteeFailure(f"hết thời gian chờ: {what}")
        await asyncio.sleep(POLL_SECONDS)

    def load(self) -> TrusteeRecord | None:
        if not self.backup.exists():
            return None
        try:
            return decrypt_backup(self.backup.read_bytes(), self.passphrase.get(confirm=False))
        except BackupError as error:
            if error.check == "passphrase":
                raise TrusteeFailure("sai mật khẩu, hoặc tệp sao lưu đã bị thay đổi") from None
            raise TrusteeFailure(f"tệp sao lưu không đọc được ({error.check}): {error}") from None

    def save(self, record: TrusteeRecord) -> None:
        write_backup(self.backup, encrypt_backup(record, self.passphrase.get(confirm=True)))

    async def run(self) -> int:
        me = await self.client.get(f"/api/rounds/{self.number}/ceremony/me", headers=self.headers)
        index = me["trustee"]
        state = await self.state()
        manifest = Manifest.from_json(state["manifest"])
        member = manifest.data["committee"]["members"][index - 1]
        self.say(
            f"Thành viên {index} ({member.get('name', '')}) — hội nghị {meeting_id(manifest)}, "
            f"vòng {self.number}, ngưỡng {manifest.threshold}/{manifest.committee_size}"
        )
        record = self.load()
        if record is not None and not await self.fits(record, index, manifest):
            raise TrusteeFailure(
                f"tệp sao lưu là của thành viên {record.index}, vòng {record.round}, "
                "không phải của đường dẫn này"
            )
        phase = state["phase"]
        if phase == "ceremony":
            return await self.ceremony(manifest, index, record)
        if record is None:
            raise TrusteeFailure(f"không có tệp sao lưu khóa {self.backup}")
        if phase in ("ready", "open"):
            self.say(
                "Khóa đã được tạo xong. Chạy lại lệnh này sau khi kết thúc bỏ phiếu để giải mã."
            )
            return 0
        if phase == "closed":
            status = await self.decrypt(manifest, record)
            if status == 0 and (await self.state())["phase"] == "counted":
                return await self.sign_minute(manifest, record)
            return status
        if phase == "counted":
            self.say("Đã kiểm phiếu xong.")
            return await self.sign_minute(manifest, record)
        self.say(f"Giai đoạn: {phase}")
        return 0

    async def fits(self, record: TrusteeRecord, index: int, manifest: Manifest) -> bool:
        """Whether the backup holds this member's key for this round: made in this round, or in
        an earlier round whose joint key this round reuses (a runoff)."""
        if record.index != index:
            return False
        if record.round == self.number:
            return record.manifest_hash == manifest.hash.hex()
        if record.round > self.number:
            return False
        try:
            source = await self.client.get(f"/api/rounds/{record.round}/election")
        except ServerError as error:
            if error.status == 404:
                return False
            raise
        here = (await self.client.get(f"/api/rounds/{self.number}/election"))["election"]
        if (
            Manifest.from_json(source["manifest"]).hash.hex() != record.manifest_hash
            or source["election"] is None
            or here is None
            or here.get("joint_key") != source["election"].get("joint_key")
        ):
            return False
        self.say(f"Vòng {self.number} dùng lại khóa của vòng {record.round} (bỏ phiếu thêm).")
        return True

    async def ceremony(self, manifest: Manifest, index: int, record: TrusteeRecord | None) -> int:
        path = f"/api/rounds/{self.number}/ceremony"
        state = await self.state()
        mine = state["trustees"][index - 1]
        if record is None:
            if mine["announcement"] is not None:
                raise TrusteeFailure(
                    "thành viên này đã gửi khóa từ thiết bị khác; "
                    "hãy dùng tệp sao lưu của thiết bị đó"
                )
            secrets_, announcement = ceremony.make_trustee(
                GROUP, manifest.hash, index, manifest.threshold, system_nonce
            )
            record = TrusteeRecord(
                meeting_id(manifest),
                self.number,
                index,
                manifest.hash.hex(),
                secrets_.signing_seed,
                secrets_.coefficients,
                secrets_.encryption_secret,
                None,
            )
            self.save(record)  # before anything that depends on it leaves this machine
            await self.client.post(
                f"{path}/announcement", announcement.to_json(), headers=self.headers
            )
            self.say("1. Đã tạo khóa và gửi thông báo khóa.")
        if mine["confirmed"] and record.secret_share is not None:
            self.say("Đã xác nhận trước đó; chờ các thành viên khác.")
            return 0
        while True:
            state = await self.state()
            if state["phase"] != "ceremony":
                break
            if all(t["announcement"] is not None for t in state["trustees"]):
                break
            await self.wait("các thành viên khác gửi thông báo khóa")
        if state["phase"] != "ceremony":
            self.say("Khóa chung đã được công bố.")
            return 0
        announcements: dict[int, ceremony.Announcement] = {}
        for trustee in state["trustees"]:
            other = trustee["index"]
            try:
                loaded = ceremony.Announcement.from_json(
                    GROUP, trustee["announcement"], manifest.threshold
                )
                ceremony.verify_announcement(GROUP, manifest.hash, loaded, manifest.threshold)
            except TallyError as error:
                raise TrusteeFailure(
                    f"thông báo khóa của thành viên {other} không hợp lệ: {error}"
                ) from None
            announcements[other] = loaded
        if record.secret_share is None and not state["trustees"][index - 1]["shares_sent"]:
            shares = [
                ceremony.make_encrypted_share(
                    GROUP, manifest.hash, record.ceremony_secrets(), other, system_nonce
                )
                for i, other in sorted(announcements.items())
                if i != index
            ]
            await self.client.post(
                f"{path}/shares", [s.to_json() for s in shares], headers=self.headers
            )
            self.say(f"2. Đã kiểm tra {len(announcements)} thông báo khóa và gửi các phần khóa.")
        if record.secret_share is None:
            while True:
                received = await self.client.get(f"{path}/shares", headers=self.headers)
                if len(received) >= manifest.committee_size - 1:
                    break
                await self.wait("các phần khóa gửi cho thành viên này")
            secrets_ = record.ceremony_secrets()
            values = {index: ceremony.evaluate_polynomial(GROUP, secrets_.coefficients, index)}
            for data in received:
                sender = data.get("sender") if isinstance(data, dict) else None
                try:
                    share = ceremony.EncryptedShare.from_json(GROUP, data)
                    values[share.sender] = ceremony.open_share(
                        GROUP, manifest.hash, secrets_, share, announcements[share.sender]
                    )
                except (TallyError, KeyError) as error:
                    check = getattr(error, "check", "format")
                    if isinstance(sender, int) and sender in announcements:
                        await self.client.post(
                            f"{path}/complaint",
                            {"accused": sender, "check": str(check)},
                            headers=self.headers,
                        )
                    name = _member_name(manifest, sender)
                    raise TrusteeFailure(
                        f"phần khóa của thành viên {sender} ({name}) không hợp lệ ({check}); "
                        "đã báo cho máy chủ"
                    ) from None
            secret_share = ceremony.combine_secret_share(GROUP, values)
            if GROUP.base_mul(secret_share) != ceremony.public_share(
                GROUP, list(announcements.values()), index
            ):
                raise TrusteeFailure("phần khóa bí mật không khớp với khóa công khai")
            record = replace(
                record, secret_share=secret_share, coefficients=None, encryption_secret=None
            )
            self.save(record)
            self.say("3. Đã mở và kiểm tra các phần khóa nhận được.")
        answer = await self.client.post(f"{path}/confirm", {}, headers=self.headers)
        self.say(
            "Đã xác nhận. Khóa chung đã được công bố."
            if answer.get("published")
            else "Đã xác nhận. Chờ các thành viên khác xác nhận."
        )
        self.say(f"Giữ tệp sao lưu {self.backup} và mật khẩu: cần chúng để giải mã kết quả.")
        return 0

    async def decrypt(self, manifest: Manifest, record: TrusteeRecord) -> int:
        if record.secret_share is None:
            raise TrusteeFailure(
                "lễ tạo khóa chưa xong trên thiết bị này: chưa có phần khóa bí mật"
            )
        data = await self.client.get(f"/api/rounds/{self.number}/election")
        context = ElectionContext.from_json(GROUP, manifest, data["election"])
        if GROUP.base_mul(record.secret_share) != context.public_share(record.index):
            raise TrusteeFailure("phần khóa bí mật không khớp với khóa của cuộc bầu này")
        aggregate_json = await self.client.get(f"/api/rounds/{self.number}/aggregate")
        aggregate = Aggregate.from_json(context, aggregate_json)
        self.say(
            f"Giải mã tổng hợp của vòng {self.number}: {aggregate_json['ballot_count']} phiếu, "
            f"dấu vân tay {context.fingerprint.hex()[:16]}…"
        )
        share = make_decryption_share(
            context, record.index, record.secret_share, aggregate, system_nonce
        )
        try:
            answer = await self.client.post(
                f"/api/rounds/{self.number}/decryption",
                share.to_json(context),
                headers=self.headers,
            )
        except ServerError as error:
            if error.status == 409:
                self.say(f"Máy chủ: {error.message_vi}")
                return 0
            raise
        self.say(
            "Đã gửi phần giải mã. Đã đủ phần giải mã: kiểm phiếu xong."
            if answer.get("counted")
            else "Đã gửi phần giải mã. Chờ các thành viên khác."
        )
        return 0

    async def sign_minute(self, manifest: Manifest, record: TrusteeRecord) -> int:
        """Co-sign the current minute, after checking it is what this member is shown."""
        try:
            document = await self.client.get("/api/minute")
        except ServerError as error:
            if error.status != 404:
                raise
            self.say(
                "Chưa có biên bản kiểm phiếu để ký (chủ trì chưa lập biên bản). "
                "Chạy lại lệnh này sau khi biên bản được lập."
            )
            return 0
        minute = document.get("minute") if isinstance(document, dict) else None
        if not isinstance(minute, dict) or minute.get("kind") != "phieukin/minute":
            raise TrusteeFailure("không ký: máy chủ không gửi một biên bản hợp lệ")
        try:
            digest = minute_digest(minute).hex()
        except TallyError as error:
            raise TrusteeFailure(f"không ký: biên bản không có dạng chuẩn ({error})") from None
        if document.get("digest") != digest:
            raise TrusteeFailure(
                "không ký: mã băm máy chủ gửi "
                f"({_groups(str(document.get('digest')))}) khác mã băm tính từ nội dung biên bản "
                f"({_groups(digest)}); nội dung có thể đã bị sửa"
            )
        key = SigningKey(record.signing_seed)
        member = next(
            (c for c in minute.get("committee", []) if c.get("index") == record.index), None
        )
        if member is None or member.get("signing_key") != key.verify_key.encode().hex():
            raise TrusteeFailure(
                f"không ký: biên bản không ghi khóa ký của thành viên {record.index} "
                "như trong tệp sao lưu"
            )
        data = await self.client.get(f"/api/rounds/{self.number}/election")
        context = ElectionContext.from_json(GROUP, manifest, data["election"])
        entry = next((r for r in minute.get("rounds", []) if r.get("round") == self.number), None)
        if entry is None or entry.get("fingerprint") != context.fingerprint.hex():
            raise TrusteeFailure(
                f"không ký: vòng {self.number} trong biên bản không phải cuộc bầu này "
                "(dấu vân tay khác)"
            )
        signatures = document.get("signatures") or []
        signed = sum(1 for s in signatures if isinstance(s, dict))
        total = len(minute["committee"])
        if any(isinstance(s, dict) and s.get("trustee") == record.index for s in signatures):
            self.say(
                f"Thành viên {record.index} đã ký biên bản này rồi "
                f"(dấu vân tay {_groups(digest)}). Ban kiểm phiếu đã ký {signed}/{total}."
            )
            return 0
        for line in minute_summary(minute, digest):
            self.say(line)
        if not self.confirm("Ký số biên bản này? [c/K] "):
            self.say("Không ký biên bản.")
            return 1
        signature = sign(key, SIGNATURE_PURPOSE, bytes.fromhex(digest)).hex()
        await self.client.post(
            "/api/minute/signatures",
            {"digest": digest, "signature": signature},
            headers=self.headers,
        )
        self.say(f"Đã ký biên bản kiểm phiếu. Ban kiểm phiếu đã ký {signed + 1}/{total}.")
        return 0


def _groups(hex_text: str) -> str:
    """The digest in groups of eight, as minute.pdf and the committee page print it."""
    return " ".join(hex_text[i : i + 8] for i in range(0, len(hex_text), 8))


def minute_summary(minute: dict[str, Any], digest: str) -> list[str]:
    """What the member signs, in plain words: the meeting, per round and person the proposed
    level, the fingerprint."""
    meeting = minute.get("meeting") or {}
    roll = minute.get("roll") or {}
    lines = [
        "Biên bản kiểm phiếu sẽ được ký:",
        f"  Hội nghị: {meeting.get('title', '')} — {meeting.get('cell', '')}",
        "  Thời gian, địa điểm: "
        + " · ".join(
            x
            for x in (
                "–".join(t for t in (meeting.get("start_time"), meeting.get("end_time")) if t),
                meeting.get("date"),
                meeting.get("locality"),
                meeting.get("place"),
            )
            if x
        ),
        f"  Có mặt bỏ phiếu: {roll.get('voters', '?')}; cơ sở tính tỷ lệ: {roll.get('base', '?')}",
    ]
    names = {"collectives": (minute.get("names") or {}).get("collectives", {}), "groups": {}}
    for entry in minute.get("rounds", []):
        kind = entry.get("kind", "rating")
        lines.append(
            f"  Vòng {entry.get('round')}: {entry.get('ballots')} phiếu thu về / "
            f"{entry.get('voters')} người bỏ phiếu. "
            + ("Mức đề xuất:" if kind in ("rating", "runoff") else "Kết quả:")
        )
        people = entry.get("subjects") or [
            c for q in entry.get("questions", []) for c in q.get("candidates", [])
        ]
        for subject in people:
            level = subject.get("level")
            if kind not in ("rating", "runoff"):  # a confidence vote, yes/no, self-rating
                votes = votes_words(subject.get("votes", {}))
                lines.append(
                    f"    - {subject.get('name', '')}: {outcome_words(kind, subject)} [{votes}]"
                )
                continue
            if subject.get("quota") == "tie":
                words = "bằng phiếu ở ranh giới tỷ lệ XS"
            elif level:
                words = f"{level_title(level)} ({level})"
            elif subject.get("status") == "not_rated":
                words = "không xếp loại"
            else:
                words = "chưa xác định — chuyển cấp ủy cấp trên"
            raw = subject.get("votes", {})
            votes = (
                f"được chọn {raw}"
                if isinstance(raw, int)
                else " · ".join(f"{code} {raw.get(code, 0)}" for code in ("XS", "TOT", "HT", "KHT"))
            )
            steps = [step_from_json(s) for s in subject.get("steps", [])]
            why = "".join(
                f" — {line}" for line in reasons([s for s in steps if s.code == "cap"], "vi", names)
            )
            lines.append(f"    - {subject.get('name', '')}: {words}{why} [{votes}]")
    proposal = minute.get("proposal") or {}
    if proposal.get("subjects"):
        lines.append("  Đề xuất của chi bộ (tổng hợp các vòng):")
        for subject in proposal["subjects"]:
            level = subject.get("level")
            if subject.get("quota") == "tie":
                words = "bằng phiếu ở ranh giới tỷ lệ XS, chờ bỏ phiếu thêm"
            elif subject.get("status") == "pending":
                words = "chờ kết quả xếp loại công chức, viên chức"
            else:
                words = f"{level_title(level)} ({level})" if level else "chưa xác định"
            lines.append(f"    - {subject.get('name', '')}: {words}")
    lines.append(f"  Dấu vân tay biên bản: {_groups(digest)}")
    return lines


def ask_on_terminal(question: str) -> bool:
    """Ask the member on the terminal; without one, refuse (``--yes`` answers beforehand)."""
    if not sys.stdin.isatty():
        raise TrusteeFailure(
            "cần xác nhận trước khi ký biên bản nhưng không có terminal để hỏi; "
            "chạy lại với --yes nếu đã đọc nội dung",
            2,
        )
    answer = input(question).strip().lower()
    return answer in ("c", "có", "co", "y", "yes")


def _member_name(manifest: Manifest, index: object) -> str:
    members = manifest.data["committee"]["members"]
    if isinstance(index, int) and 1 <= index <= len(members):
        return str(members[index - 1].get("name", ""))
    return "?"


class PassphraseSource:
    """The passphrase, from ``--passphrase-file`` (first line) or asked once on the terminal."""

    def __init__(self, file: Path | None) -> None:
        self.file = file
        self.value: str | None = None

    def get(self, confirm: bool) -> str:
        if self.value is not None:
            return self.value
        if self.file is not None:
            lines = self.file.read_text(encoding="utf-8").splitlines()
            value = lines[0] if lines else ""
        else:
            value = getpass.getpass("Mật khẩu tệp sao lưu: ")
            if confirm and getpass.getpass("Nhập lại mật khẩu: ") != value:
                raise TrusteeFailure("hai lần nhập mật khẩu không giống nhau", 2)
        if len(value) < 8:
            raise TrusteeFailure("mật khẩu cần ít nhất 8 ký tự", 2)
        self.value = value
        return value


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "trustee",
        help="thành viên ban kiểm phiếu trên máy tính (a committee member on a laptop)",
        description=(
            "Tham gia lễ tạo khóa, giải mã kết quả sau khi kết thúc bỏ phiếu, hoặc ký biên bản "
            "kiểm phiếu sau khi kiểm phiếu xong, bằng đường dẫn riêng của thành viên ban kiểm "
            "phiếu. Khóa chỉ được giữ trong tệp sao lưu mã hóa."
        ),
    )
    parser.add_argument("url", help="đường dẫn thành viên: http://…/committee#c=…&r=…")
    parser.add_argument(
        "--backup",
        type=Path,
        help="tệp sao lưu khóa (mặc định: phieukin-<hội nghị>-r<vòng>-thanhvien<số>.json)",
    )
    parser.add_argument("--passphrase-file", type=Path, help="đọc mật khẩu từ dòng đầu của tệp này")
    parser.add_argument(
        "--wait", type=float, default=600.0, help="số giây tối đa chờ các thành viên khác"
    )
    parser.add_argument(
        "--round",
        type=int,
        help=(
            "vòng cần giải mã hoặc ký (mặc định: vòng mới nhất dùng lại khóa của đường dẫn, "
            "ví dụ vòng bỏ phiếu thêm)"
        ),
    )
    parser.add_argument(
        "--yes",
        action="store_true",
        help="ký biên bản kiểm phiếu không hỏi lại (nội dung vẫn được in ra)",
    )
    parser.set_defaults(func=run_trustee)


async def latest_round_with_keys(client: MeetingClient, credential: str, number: int) -> int:
    """The latest round of the meeting that reuses the keys of round ``number`` (a runoff with
    the same joint key and this member's credential), or ``number`` itself."""
    latest = (await client.status())["round"]
    source = (await client.get(f"/api/rounds/{number}/election"))["election"]
    if source is None or latest is None or latest <= number:
        return number
    for later in range(latest, number, -1):
        election = (await client.get(f"/api/rounds/{later}/election"))["election"]
        if election is None or election.get("joint_key") != source.get("joint_key"):
            continue
        try:
            await client.get(
                f"/api/rounds/{later}/ceremony/me", headers={CREDENTIAL_HEADER: credential}
            )
        except ServerError as error:
            if error.status in (403, 404):
                continue
            raise
        return later
    return number


async def _run(args: argparse.Namespace) -> int:
    base, credential, url_round = parse_committee_url(args.url)
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as session:
        client = MeetingClient(session, base)
        number = url_round or (await client.status())["round"]
        if number is None:
            raise TrusteeFailure("hội nghị chưa có vòng bỏ phiếu nào")
        backup = args.backup
        if backup is None:
            me = await client.get(
                f"/api/rounds/{number}/ceremony/me", headers={CREDENTIAL_HEADER: credential}
            )
            state = await client.get(
                f"/api/rounds/{number}/ceremony", headers={CREDENTIAL_HEADER: credential}
            )
            manifest = Manifest.from_json(state["manifest"])
            safe = re.sub(r"[^A-Za-z0-9_-]+", "-", meeting_id(manifest))[:60] or "hop"
            backup = Path(f"phieukin-{safe}-r{number}-thanhvien{me['trustee']}.json")
        target = getattr(args, "round", None)
        if target is None:
            target = await latest_round_with_keys(client, credential, number)
        elif target < 1:
            raise TrusteeFailure("--round cần một số vòng từ 1 trở lên", 2)
        session_ = Session(
            client,
            credential,
            target,
            backup,
            PassphraseSource(args.passphrase_file),
            out=sys.stdout,
            wait_seconds=args.wait,
            confirm=(lambda _question: True) if getattr(args, "yes", False) else None,
        )
        return await session_.run()


def run_trustee(args: argparse.Namespace) -> int:
    try:
        return asyncio.run(_run(args))
    except TrusteeFailure as error:
        print(f"Lỗi: {error}")
        return error.status
    except ServerError as error:
        print(f"Máy chủ từ chối ({error.code}): {error.message_vi}")
        return 1
    except aiohttp.ClientError as error:
        print(f"Lỗi mạng: {error}")
        return 1
