"""``phieukin demo``: a scripted demonstration of one rating vote, end to end.

Until the meeting server exists this runs the cryptographic core alone, the way the meeting will:
a 2-of-3 committee key ceremony, voters encrypting and proving their ballots, the server-side
check of every ballot, the homomorphic tally, and a decryption by two of the three committee
members. The simulated choices are kept so the recovered counts can be compared with them.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path

from ballot_client.trustee import run_ceremony
from tally.aggregate import Aggregate, aggregate_ballots
from tally.ballot import make_ballot, tracker_code, verify_ballot
from tally.crypto.group import RISTRETTO255
from tally.crypto.nonces import system_nonce
from tally.decryption import (
    DecryptionShare,
    combine_decryption_shares,
    verify_decryption_share,
)
from tally.manifest import ElectionContext, Manifest, rating_manifest_json
from tally.token import generate_token, token_hash

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Thu", "Quốc", "Ngọc", "Hữu", "Thanh", "Xuân"]
GIVEN = [
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Giang",
    "Hà",
    "Hải",
    "Hạnh",
    "Hùng",
    "Hương",
    "Khánh",
    "Lan",
    "Linh",
    "Long",
    "Mai",
    "Nam",
    "Nga",
    "Phúc",
    "Quang",
    "Sơn",
    "Tâm",
    "Thảo",
    "Trung",
    "Tuấn",
    "Vân",
    "Yến",
]


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``phieukin demo``."""
    parser = subparsers.add_parser(
        "demo",
        help="chạy một cuộc bỏ phiếu mẫu (run a demonstration vote)",
        description="Chạy một cuộc bỏ phiếu đánh giá mẫu từ đầu đến cuối, không cần tương tác.",
    )
    parser.add_argument("--out", type=Path, help="thư mục lưu kết quả (output folder)")
    parser.add_argument("--voters", type=int, default=25, help="số người bỏ phiếu (default 25)")
    parser.add_argument("--rated", type=int, default=30, help="số người được đánh giá (30)")
    parser.add_argument("--seed", type=int, default=2026, help="hạt giống ngẫu nhiên (seed)")
    parser.set_defaults(func=run)


def demo_manifest(rated: int, rng: random.Random) -> Manifest:
    """A rating manifest with ``rated`` Vietnamese names and a 2-of-3 committee."""
    names = [f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}" for _ in range(rated)]
    meeting = {
        "id": "demo",
        "title": "Hội nghị kiểm điểm, đánh giá, xếp loại chất lượng đảng viên năm 2026",
        "cell": "Chi bộ Phòng Hành chính – Tổng hợp",
        "date": "2026-12-15",
        "place": "Phòng họp tầng 3",
    }
    committee = ["Trưởng ban kiểm phiếu", "Ủy viên thứ nhất", "Ủy viên thứ hai"]
    rated_members = [(f"m{i:02d}", name) for i, name in enumerate(names, start=1)]
    return Manifest.from_json(rating_manifest_json(meeting, rated_members, committee, threshold=2))


def run(args: argparse.Namespace) -> int:
    """Run the demonstration; exit code 0 when the decrypted counts match the choices."""
    if not 1 <= args.voters <= 1000 or not 1 <= args.rated <= 200:
        print("Lỗi: --voters phải trong 1..1000 và --rated trong 1..200.")
        return 2
    rng = random.Random(args.seed)
    group = RISTRETTO255
    manifest = demo_manifest(args.rated, rng)
    print(f"1. Bản kê phiếu: {args.rated} đảng viên được đánh giá, {args.voters} người bỏ phiếu.")

    trustees, context = run_ceremony(group, manifest)
    print(f"2. Ban kiểm phiếu tạo khóa (2 trên 3): khóa chung {context.joint_key.hex()[:16]}…")
    print(f"   Dấu vân tay cuộc bầu: {context.fingerprint.hex()[:32]}…")

    started = time.perf_counter()
    choices, ballots = [], []
    for _ in range(args.voters):
        choice = [rng.choices(range(4), weights=(3, 10, 3, 1))[0] for _ in range(args.rated)]
        ballot = make_ballot(context, token_hash(generate_token()), choice, system_nonce)
        choices.append(choice)
        ballots.append(ballot)
    encrypt_s = time.perf_counter() - started
    print(f"3. {args.voters} phiếu đã được mã hóa và chứng minh ({encrypt_s:.1f} s).")

    started = time.perf_counter()
    verified = [verify_ballot(context, ballot) for ballot in ballots]
    elapsed = time.perf_counter() - started
    print(f"4. Máy chủ kiểm tra mọi chứng minh: {len(verified)} phiếu hợp lệ ({elapsed:.1f} s).")
    print(f"   Mã theo dõi của phiếu đầu tiên: {tracker_code(verified[0].tracker)}")

    aggregate = aggregate_ballots(context, [v.ciphertexts for v in verified])
    shares = [trustees[0].decrypt(context, aggregate), trustees[2].decrypt(context, aggregate)]
    for share in shares:
        verify_decryption_share(context, share, aggregate)
    counts = combine_decryption_shares(context, aggregate, shares)
    print("5. Cộng phiếu đồng cấu; hai thành viên (1 và 3) giải mã tổng — không giải mã phiếu lẻ.")

    expected = tuple(
        tuple(sum(1 for c in choices if c[q] == o) for o in range(4)) for q in range(args.rated)
    )
    if counts != expected:
        print("Lỗi: kết quả giải mã không khớp với phiếu mô phỏng.")
        return 1
    print("6. Kết quả (XS / TOT / HT / KHT):")
    for question, row in zip(manifest.questions, counts, strict=True):
        print(f"   {question.title:<28} " + " / ".join(f"{n:>2}" for n in row))
    print("   Khớp với các lựa chọn mô phỏng. ✓")

    if args.out:
        write_outputs(args.out, manifest, context, ballots, aggregate, shares, counts)
        print(f"Đã lưu vào {args.out}")
    return 0


def write_outputs(
    out: Path,
    manifest: Manifest,
    context: ElectionContext,
    ballots: list[dict],
    aggregate: Aggregate,
    shares: list[DecryptionShare],
    counts: tuple[tuple[int, ...], ...],
) -> None:
    """Leave the demonstration's public artifacts in ``out`` as JSON files."""
    out.mkdir(parents=True, exist_ok=True)

    def dump(name: str, value: object) -> None:
        (out / name).write_text(json.dumps(value, ensure_ascii=False, indent=1) + "\n", "utf-8")

    dump("manifest.json", manifest.to_json())
    dump("election.json", context.to_json())
    dump("ballots.json", ballots)
    dump("aggregate.json", aggregate.to_json(context))
    dump("decryption_shares.json", [s.to_json(context) for s in shares])
    dump(
        "counts.json", {q.id: list(row) for q, row in zip(manifest.questions, counts, strict=True)}
    )
