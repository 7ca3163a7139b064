"""Command-line entry points of the client package: ``phieukin vote`` and ``phieukin trustee``."""

from __future__ import annotations

import argparse
import asyncio
import random
from urllib.parse import parse_qs, urlsplit

import aiohttp

from ballot_client import check_served, trustee_cli
from ballot_client.remote import MeetingClient, ServerError


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the client commands to the ``phieukin`` parser."""
    parser = subparsers.add_parser(
        "vote",
        help="bỏ một phiếu từ dòng lệnh (cast one ballot from the command line)",
        description="Mã hóa và gửi một phiếu qua cùng API với trang điện thoại.",
    )
    parser.add_argument(
        "url", help="địa chỉ máy chủ hoặc đường dẫn phiếu (server URL or voter URL with #t=…)"
    )
    parser.add_argument("--token", help="mã phiếu (voting token); or in the URL fragment")
    parser.add_argument("--round", type=int, help="vòng bỏ phiếu (default: the current round)")
    parser.add_argument(
        "--choices",
        required=True,
        help="mức cho từng người theo thứ tự, ví dụ XS,TOT,HT,KHT,- (- là bỏ trống); hoặc 'random'",
    )
    parser.add_argument("--seed", type=int, help="seed for --choices random")
    parser.set_defaults(func=run_vote)
    trustee_cli.register(subparsers)
    check_served.register(subparsers)


def parse_voter_url(url: str) -> tuple[str, str | None, int | None]:
    """Split ``http://host:port/v#t=TOKEN&r=1`` into the base URL, token and round."""
    parts = urlsplit(url)
    base = f"{parts.scheme}://{parts.netloc}"
    fragment = parse_qs(parts.fragment)
    token = fragment.get("t", [None])[0]
    number = fragment.get("r", [None])[0]
    return base, token, int(number) if number and number.isdigit() else None


def parse_choices(text: str, options: list[tuple[str, ...]], seed: int | None) -> list[int | None]:
    """Per question, the option index chosen; ``-`` is blank; ``random`` picks for each."""
    if text == "random":
        rng = random.Random(seed)
        return [rng.randrange(len(o)) for o in options]
    names = [part.strip().upper() for part in text.split(",")]
    if len(names) != len(options):
        raise ValueError(f"cần {len(options)} lựa chọn, nhận {len(names)}")
    choices: list[int | None] = []
    for position, (name, question_options) in enumerate(zip(names, options, strict=True), 1):
        if name in ("-", ""):
            choices.append(None)
        elif name in question_options:
            choices.append(question_options.index(name))
        else:
            raise ValueError(f"lựa chọn thứ {position} «{name}» không có trong {question_options}")
    return choices


async def _vote(args: argparse.Namespace) -> int:
    base, url_token, url_round = parse_voter_url(args.url)
    token = args.token or url_token
    if not token:
        print("Lỗi: thiếu mã phiếu (--token hoặc #t=… trong đường dẫn).")
        return 2
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as session:
        client = MeetingClient(session, base)
        number = args.round or url_round or (await client.status())["round"]
        if number is None:
            print("Lỗi: hội nghị chưa có vòng bỏ phiếu nào.")
            return 1
        context = await client.election(number)
        options = [q.options for q in context.manifest.questions]
        try:
            choices = parse_choices(args.choices, options, args.seed)
            for question, choice in zip(context.manifest.questions, choices, strict=True):
                if choice is None and question.min_selections > 0:
                    raise ValueError(f"«{question.title}» cần một lựa chọn, không được bỏ trống")
        except ValueError as error:
            print(f"Lỗi: {error}")
            return 2
        receipt = await client.vote(number, token, choices)
    print(f"Đã nhận phiếu. Mã theo dõi: {receipt['code']}")
    print(f"tracker {receipt['tracker']}")
    return 0


def run_vote(args: argparse.Namespace) -> int:
    try:
        return asyncio.run(_vote(args))
    except ServerError as error:
        print(f"Máy chủ từ chối ({error.code}): {error.message_vi}")
        return 1
    except aiohttp.ClientError as error:
        print(f"Lỗi mạng: {error}")
        return 1
