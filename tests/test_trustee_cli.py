"""``phieukin trustee``: the committee member on a laptop, and the backup format it shares with the
committee page (PROTOCOL.md "Trustee backup").

The CLI runs against a real server over HTTP: three members run the ceremony concurrently
(each compares their key fingerprint with the projector before confirming), voters vote, voting
closes, two members check the round and decrypt, and the counts equal the simulated choices.
Once the chair has made the minute, the command co-signs it (what is signed is printed; the
digest is its own, and a server digest that does not match is refused); a second run says it is
already signed. A runoff is followed from the signed log. The attacks on the committee are in
``test_committee_attacks.py``. The backup opens in both languages: the shared vectors,
and live round trips through Node (keystore.mjs).
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import random
from pathlib import Path

import aiohttp
import pytest
from nacl.signing import SigningKey

from ballot_client import trustee_cli
from ballot_client.committee import MemberFailure
from ballot_client.keystore import BackupError, TrusteeRecord, decrypt_backup, encrypt_backup
from ballot_client.remote import MeetingClient
from ballot_client.trustee_cli import parse_committee_url, session_for
from ballot_server import keys
from ballot_server.chair import committee_url
from ballot_server.demo import setup_meeting
from tally.crypto.group import RISTRETTO255
from tally.crypto.signatures import verify_key_from_hex, verify_signature
from tally.fingerprint import member_fingerprint
from tally.minute import minute_digest
from tests.node_support import node_json
from tests.server_support import CHAIR_SECRET, make_app, rating_manifest

ROOT = Path(__file__).resolve().parents[1]
VECTORS = json.loads((ROOT / "tests" / "vectors" / "trustee_backup.json").read_text("utf-8"))
KEYSTORE = (ROOT / "ballot_client" / "js" / "keystore.mjs").as_uri()
PASSPHRASE = "mật khẩu của thành viên"


def node(script: str, payload: object) -> object:
    """Run an ES module snippet with ``input`` (the JSON payload) and print its JSON answer."""
    source = (
        f"import * as ks from {json.dumps(KEYSTORE)};\n"
        "let text = ''; for await (const c of process.stdin) text += c;\n"
        "const input = JSON.parse(text);\n" + script
    )
    return node_json(["--input-type=module", "-e", source], payload, timeout=60)


def sample_record(**changes) -> TrusteeRecord:
    values = {
        "meeting": "cb-2026-12",
        "round": 1,
        "index": 2,
        "manifest_hash": "12" * 32,
        "signing_seed": bytes(range(32)),
        "coefficients": (RISTRETTO255.order - 1, 7),
        "encryption_secret": 11,
        "secret_share": None,
    }
    values.update(changes)
    return TrusteeRecord(**values)


# ---- the backup format ------------------------------------------------------------------------


def test_vectors_reproduce_byte_for_byte() -> None:
    for case in VECTORS["cases"]:
        record = decrypt_backup(case["backup"], VECTORS["passphrase"])
        assert record.to_json() == case["secrets"]
        again = encrypt_backup(
            record,
            VECTORS["passphrase"],
            n=case["backup"]["kdf"]["N"],
            salt=bytes.fromhex(case["salt"]),
            nonce=bytes.fromhex(case["nonce"]),
        )
        assert again == case["backup"]


def test_default_backup_uses_scrypt_2_15_and_fresh_salt_and_nonce() -> None:
    record = sample_record()
    first, second = encrypt_backup(record, PASSPHRASE), encrypt_backup(record, PASSPHRASE)
    assert first["kdf"]["N"] == 2**15 and first["kdf"]["r"] == 8 and first["kdf"]["p"] == 1
    assert first["kdf"]["salt"] != second["kdf"]["salt"]
    assert first["cipher"]["nonce"] != second["cipher"]["nonce"]
    assert "secret" not in json.dumps({k: v for k, v in first.items() if k != "kdf"})
    assert decrypt_backup(json.dumps(first), PASSPHRASE) == record


def test_a_backup_made_in_the_browser_core_opens_in_python() -> None:
    made = node(
        "const record = ks.secretsFromJson(input.secrets);\n"
        "console.log(JSON.stringify(await ks.encryptBackup(record, input.passphrase)));",
        {
            "secrets": sample_record(
                secret_share=2**100, coefficients=None, encryption_secret=None
            ).to_json(),
            "passphrase": PASSPHRASE,
        },
    )
    assert made["kdf"]["N"] == 2**15
    record = decrypt_backup(made, PASSPHRASE)
    assert record.secret_share == 2**100 and record.coefficients is None
    with pytest.raises(BackupError) as wrong:
        decrypt_backup(made, "another passphrase")
    assert wrong.value.check == "passphrase"


def test_a_backup_made_in_python_opens_in_the_browser_core() -> None:
    record = sample_record()
    backup = encrypt_backup(record, PASSPHRASE)
    opened = node(
        "const record = await ks.decryptBackup(input.backup, input.passphrase);\n"
        "let wrong = null;\n"
        "try { await ks.decryptBackup(input.backup, 'wrong'); } catch (e) { wrong = e.check; }\n"
        "console.log(JSON.stringify({secrets: ks.secretsToJson(record), wrong}));",
        {"backup": backup, "passphrase": PASSPHRASE},
    )
    assert opened == {"secrets": record.to_json(), "wrong": "passphrase"}


def test_changed_or_malformed_backups_are_refused_by_name() -> None:
    backup = VECTORS["cases"][0]["backup"]
    passphrase = VECTORS["passphrase"]
    cases = [
        ({**backup, "index": 3}, "passphrase"),
        ({**backup, "kind": "phieukin/ballot"}, "kind"),
        ({**backup, "version": 2}, "version"),
        ({**backup, "kdf": {**backup["kdf"], "N": 3000}}, "params"),
        ({**backup, "kdf": {**backup["kdf"], "N": 2**22}}, "params"),
        ({**backup, "kdf": {**backup["kdf"], "N": 2**16}}, "params"),  # above what we write
        ({**backup, "kdf": {**backup["kdf"], "r": 9}}, "params"),
        ({**backup, "kdf": {**backup["kdf"], "p": 2}}, "params"),
        ({**backup, "ciphertext": "@@"}, "format"),
        ({**backup, "round": True}, "format"),
    ]
    for changed, check in cases:
        with pytest.raises(BackupError) as refused:
            decrypt_backup(changed, passphrase)
        assert refused.value.check == check, changed
    assert repr(sample_record()).count("…") == 1  # no secret in a repr


def test_parse_committee_url() -> None:
    url = committee_url("http://192.168.1.5:8080/", "abc-DEF_1", 2)
    assert parse_committee_url(url) == ("http://192.168.1.5:8080", "abc-DEF_1", 2)
    with pytest.raises(trustee_cli.TrusteeFailure):
        parse_committee_url("http://192.168.1.5:8080/committee#r=1")


def test_the_backup_qr_code_matches_the_python_qrcode_package_module_for_module() -> None:
    """The committee page draws the backup QR itself (ballot_client/static/qr.js)."""
    import qrcode
    from qrcode.constants import ERROR_CORRECT_L, ERROR_CORRECT_M
    from qrcode.util import MODE_8BIT_BYTE, QRData

    backup = json.dumps(VECTORS["cases"][1]["backup"], separators=(",", ":"))
    cases = []
    for text, version, ecl, mask in [
        ("hello", 1, "L", 0),
        ("x" * 40, 3, "M", 5),
        (backup[:250], 10, "L", 2),
        (backup[:800], 20, "L", 7),
        (backup[:800], 24, "M", 3),
        ("w" * 1500, 33, "L", 4),
        ("é" * 400, 40, "M", 6),
    ]:
        code = qrcode.QRCode(
            version=version,
            error_correction=ERROR_CORRECT_L if ecl == "L" else ERROR_CORRECT_M,
            mask_pattern=mask,
            border=0,
        )
        code.add_data(QRData(text.encode("utf-8"), mode=MODE_8BIT_BYTE), optimize=0)
        code.make(fit=False)
        cases.append(
            {
                "text": text,
                "version": version,
                "ecl": ecl,
                "mask": mask,
                "modules": [[bool(m) for m in row] for row in code.modules],
            }
        )
    qr = (ROOT / "ballot_client" / "static" / "qr.js").as_uri()
    same = node(
        f"const {{ qrMatrix }} = await import({json.dumps(qr)});\n"
        "console.log(JSON.stringify(input.map((c) => JSON.stringify(qrMatrix(c.text, "
        "{ecl: c.ecl, version: c.version, mask: c.mask}).modules) === JSON.stringify(c.modules))));"
        "\n",
        cases,
    )
    assert same == [True] * len(cases)
    chosen = node(
        f"const {{ qrMatrix }} = await import({json.dumps(qr)});\n"
        "const m = qrMatrix(input.text);\n"
        "console.log(JSON.stringify({version: m.version, size: m.size}));",
        {"text": backup},
    )
    assert chosen["size"] == 4 * chosen["version"] + 17 and chosen["version"] <= 25


# ---- the command against a real server --------------------------------------------------------


def yes(_question: str) -> bool:
    return True


async def run_cli(
    url: str,
    backup: Path,
    passphrase_file: Path,
    confirm=yes,
    client_class: type[MeetingClient] = MeetingClient,
    number: int | None = None,
    wait: float = 30.0,
) -> tuple[int, str]:
    """``phieukin trustee URL --backup … --passphrase-file …`` in this event loop. ``confirm``
    answers the member's questions (the projector shows my fingerprint; sign the minute);
    ``None`` asks on a terminal there is none of."""
    out = io.StringIO()
    base, _, _ = parse_committee_url(url)
    args = argparse.Namespace(
        url=url, backup=backup, passphrase_file=passphrase_file, wait=wait, round=number
    )
    async with aiohttp.ClientSession() as session:
        try:
            run = await session_for(client_class(session, base), url, args, out)
            if confirm is not None:
                run.confirm = confirm
            status = await run.run()
        except (trustee_cli.TrusteeFailure, MemberFailure) as error:
            return getattr(error, "status", 1), out.getvalue() + f"Lỗi: {error}"
    return status, out.getvalue()


@pytest.fixture
async def started(aiohttp_client, tmp_path):
    """A server with round 1 in its key ceremony; the members' URLs and a passphrase file."""
    client = await aiohttp_client(make_app(tmp_path / "server"))
    manifest = rating_manifest(3)
    subjects = {q["id"]: i for i, q in enumerate(manifest["questions"], start=1)}
    credentials = client.server.app[keys.ROUNDS].start(manifest, subjects)
    base = str(client.make_url("/"))
    urls = {i: committee_url(base, c, 1) for i, c in credentials.items()}
    secret = tmp_path / "passphrase.txt"
    secret.write_text(PASSPHRASE + "\n", encoding="utf-8")
    return client, urls, credentials, secret, tmp_path


async def test_three_members_run_the_ceremony_and_two_decrypt(started) -> None:
    client, urls, _, secret, folder = started
    app = client.server.app
    backups = {i: folder / f"member{i}.json" for i in urls}
    results = await asyncio.gather(*(run_cli(urls[i], backups[i], secret) for i in urls))
    assert [status for status, _ in results] == [0, 0, 0], results
    assert app[keys.ROUNDS].phase(1) == "ready"
    context = app[keys.ROUNDS].context(1)
    for i, (_, out) in enumerate(results, start=1):
        assert f"mã khóa {member_fingerprint(context.signing_keys[i - 1])}" in out, out

    # Each backup holds the member's secret share, signing seed and pinned server key.
    records = {i: decrypt_backup(backups[i].read_bytes(), PASSPHRASE) for i in backups}
    server_key = app[keys.STORE].server_key().verify_key.encode().hex()
    for i, record in records.items():
        assert record.coefficients is None and record.encryption_secret is None
        assert record.server_key == server_key
        assert RISTRETTO255.base_mul(record.secret_share) == context.public_share(i)
        assert backups[i].stat().st_mode & 0o077 == 0
    # The server never saw a secret share: not in its database, not in its event log.
    database = b"".join(p.read_bytes() for p in (folder / "server").rglob("*") if p.is_file())
    for record in records.values():
        assert RISTRETTO255.scalar_to_hex(record.secret_share).encode() not in database

    # Running again during "ready" says so and changes nothing.
    status, out = await run_cli(urls[1], backups[1], secret)
    assert status == 0 and "Chạy lại lệnh này sau khi kết thúc bỏ phiếu" in out, out

    rounds = app[keys.ROUNDS]
    tokens = rounds.issue_tokens(1, 4)
    rounds.open_voting(1)
    meeting = MeetingClient(client.session, str(client.make_url("")))
    rng = random.Random(7)
    choices = [[rng.randrange(4) for _ in range(3)] for _ in tokens]
    for token, choice in zip(tokens, choices, strict=True):
        await meeting.vote(1, token, choice)
    rounds.close_voting(1)

    status, out = await run_cli(urls[3], backups[3], secret)
    assert status == 0 and "Chờ các thành viên khác" in out and "4 phiếu" in out, out
    assert "4 phiếu (mọi chứng minh hợp lệ) trên 4 mã phiếu" in out, out
    status, out = await run_cli(urls[1], backups[1], secret)
    assert status == 0 and "kiểm phiếu xong" in out, out
    expected = {
        f"m{q + 1:02d}": [sum(1 for c in choices if c[q] == o) for o in range(4)] for q in range(3)
    }
    assert (await meeting.get("/api/rounds/1/counts"))["counts"] == expected

    # A wrong passphrase opens nothing.
    wrong = folder / "wrong.txt"
    wrong.write_text("not the passphrase\n", encoding="utf-8")
    status, out = await run_cli(urls[2], backups[2], wrong)
    assert status == 1 and "sai mật khẩu" in out


async def test_without_a_terminal_the_projector_check_is_not_skipped(started) -> None:
    """The member must say the projector shows their fingerprint: no terminal, no ``--yes``,
    no confirmation — and a member who says no does not confirm either."""
    client, urls, _, secret, folder = started
    quiet, *_ = await asyncio.gather(
        run_cli(urls[1], folder / "m1.json", secret, confirm=None),
        *(run_cli(urls[i], folder / f"m{i}.json", secret, wait=5.0) for i in (2, 3)),
    )
    assert quiet[0] == 2 and "--yes" in quiet[1], quiet
    said_no = await run_cli(urls[1], folder / "m1.json", secret, confirm=lambda q: False)
    assert said_no[0] == 1 and "báo ngay cho chủ tọa" in said_no[1], said_no
    assert client.server.app[keys.ROUNDS].phase(1) == "ceremony"
    confirmed = [
        e["event"]["body"]["trustee"]
        for e in client.server.app[keys.STORE].events()
        if e["event"]["type"] == "trustee-confirmed"
    ]
    assert sorted(confirmed) == [2, 3]


# ---- co-signing the minute --------------------------------------------------------------------


class TamperingClient(MeetingClient):
    """A server whose ``GET /api/minute`` changes a proposed level but keeps the digest."""

    async def get(self, path, **kwargs):
        answer = await super().get(path, **kwargs)
        if path == "/api/minute":
            subject = answer["minute"]["rounds"][0]["subjects"][0]
            subject["level"] = "KHT" if subject["level"] != "KHT" else "XS"
        return answer


async def test_the_cli_cosigns_the_minute_once(aiohttp_client, tmp_path) -> None:
    client = await aiohttp_client(make_app(tmp_path / "server"))
    base = str(client.make_url("")).rstrip("/")
    chair_headers = {"Authorization": f"Bearer {CHAIR_SECRET}"}
    secret = tmp_path / "passphrase.txt"
    secret.write_text(PASSPHRASE + "\n", encoding="utf-8")
    async with aiohttp.ClientSession(headers=chair_headers) as chair_session:
        chair = MeetingClient(chair_session, base)
        public = MeetingClient(client.session, base)
        number, credentials, _ = await setup_meeting(chair, 6, 4, random.Random(3))
        urls = {i: committee_url(base + "/", c, number) for i, c in credentials.items()}
        backups = {i: tmp_path / f"member{i}.json" for i in urls}
        results = await asyncio.gather(*(run_cli(urls[i], backups[i], secret) for i in urls))
        assert [status for status, _ in results] == [0, 0, 0], results
        context = await public.election(number)
        tokens = (await chair.post(f"/api/chair/rounds/{number}/tokens", {}))["tokens"]
        await chair.post(f"/api/chair/rounds/{number}/open", {})
        rng = random.Random(5)
        for token in tokens:
            await public.vote(number, token, [rng.randrange(4) for _ in context.manifest.questions])
        await chair.post(f"/api/chair/rounds/{number}/close", {"confirm": True})

        status, out = await run_cli(urls[1], backups[1], secret)
        assert status == 0 and "Chờ các thành viên khác" in out, out
        status, out = await run_cli(urls[3], backups[3], secret)
        assert status == 0 and "kiểm phiếu xong" in out, out
        assert "Chưa có biên bản kiểm phiếu để ký" in out, out  # nothing to sign yet

        made = await chair.post("/api/chair/minute", {"number": "12", "time": "10:30"})
    minute, digest = made["minute"], made["digest"]
    assert minute_digest(minute).hex() == digest
    # The browser core (minute.mjs) computes the same digest from the same minute.
    module = (ROOT / "ballot_client" / "js" / "minute.mjs").as_uri()
    computed = node(
        f"const m = await import({json.dumps(module)});\n"
        "const {bytesToHex} = await import('./ballot_client/js/encoding.mjs');\n"
        "console.log(JSON.stringify(bytesToHex(m.minuteDigest(input))));",
        minute,
    )
    assert computed == digest

    # A server that changes the content but keeps the digest: refused, nothing sent.
    status, out = await run_cli(urls[2], backups[2], secret, yes, TamperingClient)
    assert status == 1 and "không ký: mã băm máy chủ gửi" in out, out
    assert digest[:8] in out
    # No terminal and no --yes: the command asks nobody and signs nothing.
    status, out = await run_cli(urls[2], backups[2], secret, None)
    assert status == 2 and "--yes" in out and "Mức đề xuất" in out, out
    # The member declines.
    questions: list[str] = []
    status, out = await run_cli(urls[2], backups[2], secret, lambda q: questions.append(q) or False)
    assert status == 1 and "Không ký biên bản" in out and questions, out
    assert (await (await client.get("/api/minute")).json())["signatures"] == []

    # Member 2 (who never decrypted) signs; what is signed was printed first.
    status, out = await run_cli(urls[2], backups[2], secret)
    assert status == 0, out
    assert "Đã ký biên bản kiểm phiếu. Ban kiểm phiếu đã ký 1/3." in out
    first = minute["rounds"][0]["subjects"][0]
    assert f"- {first['name']}: " in out and "Mức đề xuất" in out
    assert " ".join(digest[i : i + 8] for i in range(0, 64, 8)) in out
    # Member 1 too; then a second run says it is already signed and sends nothing.
    assert (await run_cli(urls[1], backups[1], secret))[0] == 0
    status, out = await run_cli(urls[2], backups[2], secret, lambda _: 1 / 0)
    assert status == 0 and "đã ký biên bản này rồi" in out and "2/3" in out, out

    document = await (await client.get("/api/minute")).json()
    assert [s["trustee"] for s in document["signatures"]] == [1, 2]
    records = {i: decrypt_backup(backups[i].read_bytes(), PASSPHRASE) for i in (1, 2)}
    for entry in document["signatures"]:
        key_hex = minute["committee"][entry["trustee"] - 1]["signing_key"]
        seed = records[entry["trustee"]].signing_seed
        assert key_hex == SigningKey(seed).verify_key.encode().hex()
        verify_signature(
            verify_key_from_hex(key_hex, "k"),
            "minute",
            bytes.fromhex(digest),
            entry["signature"],
            "m",
        )
    logged = [
        e["event"]["body"]["trustee"]
        for e in client.server.app[keys.STORE].events()
        if e["event"]["type"] == "minute-signature"
    ]
    assert logged == [2, 1]


# ---- a runoff round with the same keys --------------------------------------------------------


async def test_the_round_1_link_and_backup_decrypt_the_runoff_round(
    aiohttp_client, tmp_path
) -> None:
    """After a tie at the quota boundary the chair starts round 2 with the same committee keys:
    ``phieukin trustee`` given the member's round-1 link and backup follows round 2 because the
    signed log shows it is a runoff of counted round 1 (or takes ``--round 2``) and decrypts it
    with the same secret share and credential."""
    client = await aiohttp_client(make_app(tmp_path / "server"))
    base = str(client.make_url("")).rstrip("/")
    secret = tmp_path / "passphrase.txt"
    secret.write_text(PASSPHRASE + "\n", encoding="utf-8")
    async with aiohttp.ClientSession(
        headers={"Authorization": f"Bearer {CHAIR_SECRET}"}
    ) as chair_session:
        chair = MeetingClient(chair_session, base)
        public = MeetingClient(client.session, base)
        number, credentials, _ = await setup_meeting(chair, 6, 5, random.Random(1))
        assert number == 1
        urls = {i: committee_url(base + "/", c, 1) for i, c in credentials.items()}
        backups = {i: tmp_path / f"member{i}.json" for i in urls}
        results = await asyncio.gather(*(run_cli(urls[i], backups[i], secret) for i in urls))
        assert [status for status, _ in results] == [0, 0, 0], results

        async def vote(round_number: int, choices) -> dict[str, list[int]]:
            """Every token votes; the expected counts per question and option."""
            tokens = (await chair.post(f"/api/chair/rounds/{round_number}/tokens", {}))["tokens"]
            await chair.post(f"/api/chair/rounds/{round_number}/open", {})
            questions = (await public.election(round_number)).manifest.questions
            cast = [choices(questions) for _ in tokens]
            for token, choice in zip(tokens, cast, strict=True):
                await public.vote(round_number, token, choice)
            await chair.post(f"/api/chair/rounds/{round_number}/close", {"confirm": True})

            def chose(answer, option: int) -> bool:
                return option in answer if isinstance(answer, list) else answer == option

            return {
                question.id: [
                    sum(1 for c in cast if chose(c[q], o)) for o in range(len(question.options))
                ]
                for q, question in enumerate(questions)
            }

        await vote(1, lambda qs: [0] * len(qs))  # everyone XS: a tie at the quota boundary
        for i in (1, 2):
            assert (await run_cli(urls[i], backups[i], secret))[0] == 0
        first = await public.get("/api/rounds/1/results")
        tied = sorted(i for q in first["decisions"]["quota"] for i in q["tied"])
        assert len(tied) >= 2
        assert (await chair.post("/api/chair/rounds", {"runoff": True}))["round"] == 2

        # round 2 is ready: the round-1 link finds it and says there is nothing to do yet
        status, out = await run_cli(urls[1], backups[1], secret)
        assert status == 0 and "Vòng 2 dùng lại khóa của vòng 1" in out, out
        assert "Chạy lại lệnh này sau khi kết thúc bỏ phiếu" in out, out

        rng = random.Random(9)
        (runoff,) = (await public.election(2)).manifest.questions
        assert sorted(runoff.options) == tied  # round 2 asks only about the tied members
        expected = await vote(
            2,
            lambda qs: [
                sorted(rng.sample(range(len(q.options)), rng.randint(0, q.max_selections)))
                for q in qs
            ],
        )
        # member 2: the latest round with the same keys; member 3: named with --round 2
        status, out = await run_cli(urls[2], backups[2], secret)
        ballots = (await public.get("/api/status"))["turnout"]["ballots"]
        assert status == 0 and f"Giải mã tổng hợp của vòng 2: {ballots} phiếu" in out, out
        assert "Chờ các thành viên khác" in out, out
        status, out = await run_cli(urls[3], backups[3], secret, number=2)
        assert status == 0 and "Vòng 2 dùng lại khóa của vòng 1" in out, out
        assert "kiểm phiếu xong" in out, out
        assert (await public.get("/api/rounds/2/counts"))["counts"] == expected
        assert (await chair.post("/api/chair/minute", {}))["minute"]["rounds"][1]["round"] == 2
        # the minute (both rounds) is co-signed from the same link, checked against the log
        status, out = await run_cli(urls[1], backups[1], secret)
        assert status == 0 and "Vòng 1:" in out and "Vòng 2:" in out, out
        assert "Đã ký biên bản" in out, out
        # a backup of another member does not fit this member's link
        status, out = await run_cli(urls[1], backups[2], secret)
        assert status == 1 and "thành viên 2, vòng 1" in out, out
