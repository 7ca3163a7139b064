"""The printed minute: an A4 PDF whose Vietnamese text survives (pdftotext), in Liberation Serif,
with no internal identifier and every roster member accounted for, rendered to PNG pages
(pdftoppm) kept under tests/artifacts/ for a person to look at."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from audit.minute_pdf import document_number, render_minute_pdf
from tally.fingerprint import member_fingerprint
from tests.minute_support import INTERNAL_IDENTIFIER, NAMES, pdf_text, signed_document

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
needs_poppler = pytest.mark.skipif(
    shutil.which("pdftoppm") is None or shutil.which("pdftotext") is None,
    reason="poppler-utils is not installed (make setup installs it)",
)


@pytest.fixture(scope="module")
def pdf() -> bytes:
    return render_minute_pdf(signed_document((1, 2)))


def test_it_is_an_a4_pdf_with_embedded_fonts(pdf) -> None:
    assert pdf.startswith(b"%PDF-")
    assert b"/MediaBox [ 0 0 595.2756 841.8898 ]" in pdf
    assert b"/FontFile2" in pdf  # the TrueType fonts are embedded
    assert b"LiberationSerif" in pdf and b"DejaVu" not in pdf


@needs_poppler
def test_the_text_survives_and_the_pages_render(pdf, tmp_path) -> None:
    path = tmp_path / "minute.pdf"
    path.write_bytes(pdf)
    text = pdf_text(pdf, layout=True)
    for heading in (
        "ĐẢNG BỘ SỞ KẾ HOẠCH VÀ ĐẦU TƯ",
        "CHI BỘ PHÒNG HÀNH CHÍNH",
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "Hà Nội, ngày 15 tháng 12 năm 2026",
        "BIÊN BẢN KIỂM PHIẾU",
        "Số 12-BB/CB",
        "BAN KIỂM PHIẾU",
        "TÌNH HÌNH ĐẢNG VIÊN",
        "KẾT QUẢ KIỂM PHIẾU",
        "QUY ĐỊNH ÁP DỤNG",
        "ĐỀ XUẤT CỦA CHI BỘ",
        "Hội nghị đã biểu quyết thông qua Ban kiểm phiếu",
        "vào hồi 14 giờ 00",
        "tại Phòng họp tầng 3",
        "kết thúc hồi 16 giờ 30",
        "Lê Đức Cường — Trưởng ban",
        "Ký hiệu các mức: XS: Hoàn thành xuất sắc nhiệm vụ",
        "T/M BAN KIỂM PHIẾU",
        "TRƯỞNG BAN",
        "CÁC THÀNH VIÊN",
        "Nguyễn Văn An",
        "Hồ Xuân Khánh",
        "kết nạp chưa đủ 6 tháng",
        "63,6%",
        "81,8%",
        "366-QĐ/TW",
        "Chưa xác",
    ):
        assert heading in text, heading
    digest = signed_document((1, 2))["digest"]
    assert digest[:8] in text and digest[-8:] in text
    flat = " ".join(text.split())
    assert "2/3" in text and "Hoàng Thu Giang: chưa ký" in flat
    assert "Chi bộ Phòng Hành chính – Tổng hợp" in flat
    assert "CHI BỘ PHÒNG HÀNH CHÍNH – TỔNG HỢP" in text  # the cell's name on one line
    # each member's key fingerprint beside their signature block, as their phone showed it
    for member in signed_document((1, 2))["minute"]["committee"]:
        code = member_fingerprint(bytes.fromhex(member["signing_key"]))
        assert f"Mã khóa: {code}" in text, (member["name"], code)

    ARTIFACTS.mkdir(exist_ok=True)
    for old in ARTIFACTS.glob("minute-page-*.png"):
        old.unlink()
    (ARTIFACTS / "minute.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "80", str(path), str(ARTIFACTS / "minute-page")],
        check=True,
        timeout=60,
    )
    pages = sorted(ARTIFACTS.glob("minute-page-*.png"))
    assert len(pages) >= 2
    assert all(page.stat().st_size > 10_000 for page in pages)


@needs_poppler
def test_no_internal_identifier_and_every_roster_member(pdf, tmp_path) -> None:
    text = pdf_text(pdf)
    assert INTERNAL_IDENTIFIER.findall(text) == []
    flat = " ".join(text.split())
    for name in NAMES:
        assert name in flat, name
    for reason in ("kết nạp chưa đủ 6 tháng", "vắng mặt, xin đánh giá ở cuộc họp sau"):
        assert reason in flat


def test_the_document_number_suffix_appears_once() -> None:
    assert document_number("12") == "Số 12-BB/CB"
    assert document_number("01-BB/BKP") == "Số 01-BB/BKP"
    assert document_number("").endswith("-BB/CB")
