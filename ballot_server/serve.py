"""``phieukin serve``: run the meeting server for one meeting folder."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import getpass
import os
import secrets
import socket
import sys
from pathlib import Path

import qrcode

from ballot_server.app import create_app
from ballot_server.config import ServerConfig
from ballot_server.disk import startup_lines
from ballot_server.listener import ListenError, raise_open_file_limit, serve
from ballot_server.passphrase import (
    ENVIRONMENT_VARIABLE,
    PassphraseError,
    check_strength,
    read_passphrase,
)
from ballot_server.store import Store
from tally.token import base32_encode


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "serve",
        help="chạy máy chủ hội nghị (run the meeting server)",
        description="Chạy máy chủ bỏ phiếu cho một thư mục hội nghị trên mạng Wi-Fi phòng họp.",
    )
    parser.add_argument("--dir", type=Path, required=True, help="thư mục hội nghị (meeting folder)")
    parser.add_argument("--host", default="0.0.0.0", help="địa chỉ lắng nghe (default 0.0.0.0)")
    parser.add_argument("--port", type=int, default=8080, help="cổng (default 8080)")
    parser.add_argument(
        "--passphrase-file",
        type=Path,
        metavar="F",
        help="đọc mật khẩu chủ tọa từ dòng đầu của tệp F (chair passphrase from a file)",
    )
    parser.add_argument(
        "--passphrase-prompt",
        action="store_true",
        help="hỏi mật khẩu chủ tọa khi khởi động (ask for the chair passphrase)",
    )
    parser.add_argument(
        "--passphrase",
        help=f"(cũ, không nên dùng: ai cũng thấy) mật khẩu trên dòng lệnh; dùng --passphrase-file, "
        f"--passphrase-prompt hoặc biến môi trường {ENVIRONMENT_VARIABLE}",
    )
    parser.add_argument("--public-url", help="địa chỉ in trên mã QR (default: LAN address)")
    parser.add_argument("--workers", type=int, default=2, help="số tiến trình kiểm tra phiếu")
    parser.set_defaults(func=run)


def lan_address() -> str | None:
    """The machine's address on the local network (no packet is sent), or ``None`` when it has
    none (no network, or only the loopback): phones could not reach it then."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("10.255.255.255", 1))
        address = probe.getsockname()[0]
    except OSError:
        return None
    finally:
        probe.close()
    return None if address.startswith("127.") or address == "0.0.0.0" else address


def terminal_qr(text: str) -> str:
    code = qrcode.QRCode(border=1)
    code.add_data(text)
    code.make(fit=True)
    rows = code.get_matrix()
    lines = []
    for top, bottom in zip(rows[0::2], [*rows[1::2], [False] * len(rows[0])], strict=False):
        lines.append(
            "".join(
                "█" if a and b else "▀" if a else "▄" if b else " "
                for a, b in zip(top, bottom, strict=True)
            )
        )
    return "\n".join(lines)


def chair_secret() -> str:
    """A fresh chair secret: 80 random bits as 16 easy-to-type base-32 characters (drawn again
    in the rare case it would not pass the passphrase rule, so it can be handed on as one)."""
    while True:
        secret = base32_encode(secrets.token_bytes(10))
        with contextlib.suppress(PassphraseError):
            check_strength(secret)
            return secret


def build_config(args: argparse.Namespace, secret: str) -> ServerConfig:
    host = args.host
    address = (lan_address() or "127.0.0.1") if host in ("0.0.0.0", "") else host
    public_url = args.public_url or f"http://{address}:{args.port}"
    return ServerConfig(
        folder=args.dir,
        host=host,
        port=args.port,
        chair_secret=secret,
        public_url=public_url.rstrip("/"),
        verify_workers=args.workers,
    )


def run(args: argparse.Namespace) -> int:
    try:
        passphrase, warnings = read_passphrase(
            argument=args.passphrase,
            file=args.passphrase_file,
            prompt=args.passphrase_prompt,
            environ=os.environ,
            ask=getpass.getpass,
        )
    except PassphraseError as error:
        print(f"Lỗi: {error.message_vi}\nError: {error.message_en}", file=sys.stderr)
        return 2
    for warning in warnings:
        print(warning, file=sys.stderr)
    config = build_config(args, passphrase or chair_secret())
    try:
        return _serve(args, config, passphrase)
    except KeyboardInterrupt:  # Ctrl+C before the server listens (after, it stops in order)
        print("Đã dừng (Ctrl+C). Stopped.", file=sys.stderr)
        return 130


def _serve(args: argparse.Namespace, config: ServerConfig, passphrase: str | None) -> int:
    # the folder is checked (a new meeting made, or an existing one found whole) before listening
    Store(config.folder, busy_seconds=config.busy_seconds).close()
    soft, _ = raise_open_file_limit()
    print("Phiếu Kín — máy chủ hội nghị")
    print(f"  Chủ tọa (chair):        {config.public_url}/chair")
    print(f"  Màn chiếu (projector):  {config.public_url}/projector")
    if passphrase is None:
        print(f"  Mã chủ tọa (chair secret): {config.chair_secret}")
    else:
        print("  Mã chủ tọa: mật khẩu đã đặt (the chair passphrase given)")
    if args.public_url is None and args.host in ("0.0.0.0", "") and lan_address() is None:
        print(  # no QR code then: it would give phones an address they cannot open
            "CẢNH BÁO: không tìm thấy mạng LAN (Wi-Fi): điện thoại không mở được địa chỉ trên; hãy "
            "nối Wi-Fi phòng họp, hoặc dùng --host / --public-url.\n"
            "WARNING: no LAN (Wi-Fi) address found: phones cannot open the address above; connect "
            "to the meeting room's Wi-Fi, or use --host / --public-url.",
            file=sys.stderr,
        )
    else:
        print(terminal_qr(config.public_url))
    print(f"Thư mục hội nghị: {config.folder} (tối đa {soft} tệp mở)")
    print("\n".join(startup_lines(config.folder, config.low_disk_bytes)), flush=True)
    # no access log (listener.serve): it would tie each ballot's request to the phone's address,
    # agent and time
    app = create_app(config)
    try:
        asyncio.run(serve(app, config.host, config.port, config.max_connections_per_address))
    except ListenError as error:
        where = f"{error.host}:{error.port}"
        print(
            f"Lỗi: không nghe được trên {where} ({error.reason}): địa chỉ không thuộc máy này "
            f"hoặc cổng đang được dùng; hãy chọn --host hoặc --port khác.\n"
            f"Error: cannot listen on {where} ({error.reason}): the address is not this "
            "machine's or the port is in use; choose another --host or --port.",
            file=sys.stderr,
        )
        return 2
    return 0
