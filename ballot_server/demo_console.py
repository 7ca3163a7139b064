"""The demo's terminal: its language, the addresses it gives phones, and Ctrl+C.

``phieukin demo`` is often the first thing a new chair runs, so its terminal must not mislead:

* it speaks Vietnamese, or English with ``--lang en`` (or ``PHIEUKIN_LANG=en``);
* with ``--serve`` it prints the phones' address with a QR code to scan — drawn by the same
  pinned ``qrcode`` package that ``phieukin serve`` uses — and, when the machine has no LAN
  address (or is told to listen on a loopback address only), a loud warning instead of silently
  giving phones an address they cannot open;
* the first Ctrl+C stops the demo where it is (in ``--serve``, the waiting ends and the server
  stops in order), a second one stops it at once; neither prints a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import os
import signal
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import FrameType

from ballot_server.serve import lan_address, terminal_qr

LANG_VARIABLE = "PHIEUKIN_LANG"
LANGUAGES = ("vi", "en")
ALL_ADDRESSES = ("0.0.0.0", "::")
INTERRUPTED = 130  # the exit status of a program stopped by Ctrl+C


def language(argument: str | None, environ: Mapping[str, str] = os.environ) -> str:
    """``--lang`` if given, else ``PHIEUKIN_LANG`` if it names a language, else Vietnamese."""
    if argument in LANGUAGES:
        return argument
    chosen = environ.get(LANG_VARIABLE, "").strip().lower()[:2]
    return chosen if chosen in LANGUAGES else "vi"


class Say:
    """Prints one of two texts, the Vietnamese or the English, by the chosen language."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def pick(self, vi: str, en: str) -> str:
        return en if self.lang == "en" else vi

    def __call__(self, vi: str, en: str) -> None:
        print(self.pick(vi, en), flush=True)


@dataclass(frozen=True)
class Addresses:
    """Where the demo's server listens (``bind``), the address it prints (``base``), and
    whether a phone on the meeting room's network can open that address."""

    bind: str
    base: str
    phones_can_reach: bool
    found_lan: bool = True


class BadHost(ValueError):
    """``--host`` is not an IP address."""


def choose_addresses(host: str | None, port: int, serve: bool) -> Addresses:
    """The demo listens on 127.0.0.1 unless it serves phones (then on every address, printing
    the LAN one); ``--host`` binds exactly one address."""
    if host is None:
        host = ALL_ADDRESSES[0] if serve else "127.0.0.1"
    if host in ALL_ADDRESSES:
        found = lan_address()
        shown = found if found is not None else "127.0.0.1"
        return Addresses(host, f"http://{shown}:{port}", found is not None, found is not None)
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        raise BadHost(host) from None
    shown = f"[{address}]" if address.version == 6 else str(address)
    return Addresses(host, f"http://{shown}:{port}", not address.is_loopback)


def warning_lines(addresses: Addresses, say: Say) -> list[str]:
    """The loud warning for phones that cannot reach the printed address (empty if they can)."""
    if addresses.phones_can_reach:
        return []
    if not addresses.found_lan:
        reason = say.pick(
            "KHÔNG TÌM THẤY MẠNG LAN (Wi-Fi) trên máy này.",
            "NO LAN (Wi-Fi) ADDRESS was found on this machine.",
        )
    else:
        reason = say.pick(
            f"Máy chủ chỉ nghe trên {addresses.bind} (chỉ máy này).",
            f"The server listens on {addresses.bind} only (this machine only).",
        )
    body = say.pick(
        f"Điện thoại KHÔNG mở được {addresses.base}: chỉ trình duyệt trên chính máy này mở "
        "được. Hãy nối máy vào Wi-Fi phòng họp rồi chạy lại, hoặc chọn địa chỉ LAN bằng "
        "--host (ví dụ --host 192.168.1.10).",
        f"Phones CANNOT open {addresses.base}: only a browser on this machine can. Connect this "
        "machine to the meeting room's Wi-Fi and run again, or choose its LAN address with "
        "--host (e.g. --host 192.168.1.10).",
    )
    title = say.pick("CẢNH BÁO", "WARNING")
    bar = "!" * 72
    return [bar, f"!! {title}: {reason}", *_wrap(body, 66, "!! "), bar]


def _wrap(text: str, width: int, prefix: str) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(prefix + line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return [*lines, prefix + line] if line else lines


def print_phone_address(addresses: Addresses, say: Say) -> None:
    """The address phones open, as a QR code to scan — or the loud warning instead."""
    warning = warning_lines(addresses, say)
    if warning:
        print("\n".join(warning), flush=True)
        return
    say(
        f"Điện thoại: quét mã QR (hoặc mở {addresses.base}) rồi nhập một mã phiếu in dưới đây.",
        f"Phones: scan the QR code (or open {addresses.base}) and enter a token printed below.",
    )
    print(terminal_qr(addresses.base), flush=True)


class Stops:
    """Ctrl+C, SIGTERM and SIGHUP for the demo, as one handler for the whole process.

    While the demo's event loop runs, a press is handed to the loop: the first calls the
    ``gentle`` stop if one is attached (the ``--serve`` waiting ends; the server is stopped in
    order), else cancels the demo's task; the second cancels the task at once. Outside the loop
    a press raises ``KeyboardInterrupt``, which ``phieukin demo`` turns into a short message and
    exit status 130.
    """

    def __init__(self, say: Say) -> None:
        self.say = say
        self.presses = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task | None = None
        self._gentle: Callable[[], None] | None = None

    def install(self) -> None:
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, self._signal)

    def attach(self, gentle: Callable[[], None] | None = None) -> None:
        """Called by the demo's task: presses go to it (and to ``gentle`` the first time)."""
        self._loop = asyncio.get_running_loop()
        self._task = asyncio.current_task()
        self._gentle = gentle

    def detach(self) -> None:
        self._loop = self._task = self._gentle = None

    def _signal(self, signum: int, frame: FrameType | None) -> None:
        self.presses += 1
        loop = self._loop
        if loop is not None and loop.is_running():
            loop.call_soon_threadsafe(self._in_loop)
            return
        raise KeyboardInterrupt

    def _in_loop(self) -> None:
        if self.presses == 1 and self._gentle is not None:
            self.say(
                "Đang dừng… (nhấn Ctrl+C lần nữa để thoát ngay)",
                "Stopping… (press Ctrl+C again to quit at once)",
            )
            self._gentle()
        elif self._task is not None:
            self._task.cancel()


@dataclass(frozen=True)
class DemoRun:
    """One run of the demo, as its parts share it: the options, the addresses, the chair's
    secret, the server process, the terminal's language and its Ctrl+C handler."""

    args: argparse.Namespace
    addresses: Addresses
    secret: str
    server: subprocess.Popen
    say: Say
    stops: Stops
