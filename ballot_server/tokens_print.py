"""The token cards: an A4 sheet of cut-out QR cards, and a one-at-a-time full-screen mode.

The cards come in the random order the caller gives (never the order of issue), and only while
voting has not opened: then the tokens are wiped and ``refused_page`` says so. Each card shows
the meeting's name, the QR code of ``{public_url}/v#t=TOKEN&r=ROUND`` and the token in groups
of four or five characters so it can be typed by hand. The QR codes are SVG made by the
``qrcode`` library on the server; the pages carry no inline script or style (the CSP forbids
both): their look is ``/static/chair.css`` and their buttons ``/static/chair.js``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape

import qrcode
import qrcode.image.svg
from qrcode.constants import ERROR_CORRECT_M

CARDS_PER_PAGE = 12  # 3 × 4 on A4
_SIZE_ATTRIBUTES = re.compile(r'\s(width|height)="[^"]*"')


def group_token(token: str) -> str:
    """The token in groups of 4–5 characters: ``ABCDE FGHJK MNPQ …`` (spaces are ignored
    when typed)."""
    count = -(-len(token) // 5)
    base, extra = divmod(len(token), count)
    groups, start = [], 0
    for index in range(count):
        size = base + (1 if index < extra else 0)
        groups.append(token[start : start + size])
        start += size
    return " ".join(groups)


def qr_svg(text: str, label: str = "") -> str:
    """An inline SVG QR code of ``text`` (no size attributes: CSS sizes it)."""
    image = qrcode.make(
        text,
        image_factory=qrcode.image.svg.SvgPathImage,
        error_correction=ERROR_CORRECT_M,
        border=2,
    )
    svg = image.to_string(encoding="unicode")
    svg = _SIZE_ATTRIBUTES.sub("", svg, count=2)
    aria = f' role="img" aria-label="{escape(label)}"' if label else ' aria-hidden="true"'
    return svg.replace("<svg ", f'<svg class="qr"{aria} ', 1)


def _page(title: str, body_class: str, content: str) -> str:
    return (
        "<!doctype html>\n"
        '<html lang="vi"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<link rel="icon" href="data:,">'
        f"<title>{escape(title)}</title>"
        '<link rel="stylesheet" href="/static/chair.css">'
        '<script type="module" src="/static/chair.js"></script>'
        f'</head><body class="{body_class}">{content}</body></html>\n'
    )


def _card(meeting: str, number: int, url: str, token: str, tag: str = "div") -> str:
    grouped = group_token(token)
    return (
        f'<{tag} class="token-card">'
        f'<p class="card-meeting">{escape(meeting)}</p>'
        f"{qr_svg(url, 'Mã QR phiếu bầu')}"
        f'<p class="card-code">{escape(grouped)}</p>'
        f'<p class="card-round">Vòng {number} · quét mã hoặc gõ mã tại /v</p>'
        f"</{tag}>"
    )


def print_sheet(meeting: str, number: int, cards: Sequence[tuple[str, str]]) -> str:
    """The A4 sheet: ``cards`` is a list of (url, token); 12 cut-out cards per page."""
    pages = []
    for start in range(0, len(cards), CARDS_PER_PAGE):
        chunk = cards[start : start + CARDS_PER_PAGE]
        pages.append(
            '<section class="sheet">'
            + "".join(_card(meeting, number, url, token) for url, token in chunk)
            + "</section>"
        )
    if not cards:
        pages.append(
            '<p class="empty">Không còn phiếu chưa dùng nào trong bộ nhớ máy chủ '
            "(máy chủ đã khởi động lại?). Trên trang chủ tọa, bấm «Phát lại toàn bộ phiếu»: "
            "các phiếu cũ bị hủy và phát bộ mới.</p>"
        )
    toolbar = (
        '<div class="toolbar no-print">'
        f"<h1>Phiếu bầu vòng {number}: {len(cards)} thẻ</h1>"
        "<p>Cắt theo đường viền, gấp đôi, bỏ vào hộp và trộn đều để mỗi người rút một thẻ.</p>"
        '<button type="button" data-action="print">In (A4)</button>'
        "</div>"
    )
    return _page(f"Phiếu bầu vòng {number}", "print-sheet", toolbar + "".join(pages))


def screen_mode(meeting: str, number: int, cards: Sequence[tuple[str, str]]) -> str:
    """One card at a time, full screen: a voter scans, the chair moves to the next."""
    sections = []
    for position, (url, token) in enumerate(cards):
        card = _card(meeting, number, url, token, tag="section")
        hidden = "" if position == 0 else " hidden"
        sections.append(
            card.replace(
                '<section class="token-card">',
                f'<section class="token-card screen-card"{hidden}>',
                1,
            )
        )
    if not sections:
        sections.append('<p class="empty">Không còn phiếu chưa dùng nào trong bộ nhớ.</p>')
    controls = (
        '<nav class="screen-controls">'
        '<button type="button" data-action="prev">◀ Trước</button>'
        f'<span class="screen-count" data-total="{len(cards)}">1 / {len(cards)}</span>'
        '<button type="button" data-action="next">Tiếp ▶</button>'
        '<button type="button" data-action="fullscreen">Toàn màn hình</button>'
        "</nav>"
    )
    return _page(f"Phiếu bầu vòng {number}", "token-screen", "".join(sections) + controls)


def refused_page(number: int, message_vi: str, message_en: str) -> str:
    """The page shown instead of the cards once they can no longer be printed or shown."""
    content = (
        '<div class="toolbar">'
        f"<h1>Phiếu bầu vòng {number}</h1>"
        f'<p class="empty" data-testid="cards-refused">{escape(message_vi)}</p>'
        f'<p class="empty" lang="en">{escape(message_en)}</p>'
        "</div>"
    )
    return _page(f"Phiếu bầu vòng {number}", "print-sheet", content)
