"""``phieukin demo`` as a real process, driven the way a person at a terminal drives it.

The demo runs in its own process group, so a Ctrl+C is sent as a terminal sends it: SIGINT to
the whole foreground group. Its output is read line by line by a thread; a test waits for a line
with a bounded timeout (never a sleep). ``isolated_network`` runs the demo in a network namespace
of its own (``unshare``): with no LAN address at all, or with a documentation address
(192.0.2.0/24) standing in for the meeting room's Wi-Fi — nothing is reachable from outside.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WAIT_SECONDS = 120


def isolated_network(lan: str | None) -> list[str]:
    """A command prefix: a new user and network namespace with the loopback up and, with
    ``lan``, that address as the machine's only other one (and its default route)."""
    setup = "ip link set lo up"
    if lan is not None:
        setup += f" && ip addr add {lan}/32 dev lo && ip route add default dev lo src {lan}"
    return ["unshare", "--user", "--map-root-user", "--net", "sh", "-c", f'{setup} && exec "$@"']


class DemoProcess:
    """A running ``phieukin demo`` (or another ``phieukin`` ``command``); ``lines`` is
    everything it printed (stdout and stderr)."""

    def __init__(
        self,
        *args: str,
        env: dict[str, str] | None = None,
        prefix: list[str] | None = None,
        command: str = "demo",
    ) -> None:
        command_line = [sys.executable, "-m", "ballot_server.cli", command, *args]
        if prefix:
            command_line = [*prefix, "sh", *command_line]  # "sh" is $0 of the prefix's script
        inherited = {k: v for k, v in os.environ.items() if k != "PHIEUKIN_LANG"}
        environment = {**inherited, "PYTHONUNBUFFERED": "1", **(env or {})}
        self.process = subprocess.Popen(
            command_line,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=environment,
            text=True,
            encoding="utf-8",
            start_new_session=True,
        )
        self.lines: list[str] = []
        self._changed = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            with self._changed:
                self.lines.append(line.rstrip("\n"))
                self._changed.notify_all()
        with self._changed:
            self._changed.notify_all()

    @property
    def output(self) -> str:
        with self._changed:
            return "\n".join(self.lines)

    def wait_for(self, pattern: str, seconds: float = WAIT_SECONDS) -> re.Match:
        """The first printed line matching ``pattern`` (waiting for it up to ``seconds``)."""
        compiled = re.compile(pattern)
        deadline = time.monotonic() + seconds
        seen = 0
        with self._changed:
            while True:
                for line in self.lines[seen:]:
                    if match := compiled.search(line):
                        return match
                seen = len(self.lines)
                left = deadline - time.monotonic()
                if left <= 0 or (self.process.poll() is not None and not self._reader.is_alive()):
                    raise AssertionError(f"no line matching {pattern!r} in:\n{self.output}")
                self._changed.wait(timeout=min(left, 1.0))

    def interrupt(self) -> None:
        """Ctrl+C as a terminal sends it: SIGINT to the demo's whole process group."""
        os.killpg(self.process.pid, signal.SIGINT)

    def finish(self, seconds: float = 60) -> int:
        """The exit status, waiting up to ``seconds``; the group is killed if it hangs."""
        try:
            return self.process.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(f"the demo did not stop:\n{self.output}") from None
        finally:
            self._reader.join(timeout=10)

    def __enter__(self) -> DemoProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.kill()

    def stop_cleanly(self, folder: Path, codes: tuple[int, ...] = (0,)) -> None:
        """Ctrl+C, then: the demo ends with one of ``codes``, printed no traceback, and left no
        process behind that uses its meeting ``folder`` (its server)."""
        self.interrupt()
        self.assert_ended_cleanly(folder, codes)

    def assert_ended_cleanly(self, folder: Path, codes: tuple[int, ...]) -> None:
        code = self.finish()
        assert code in codes, self.output
        assert "Traceback" not in self.output and "Error:" not in self.output, self.output
        assert processes_using(folder) == []

    def kill(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


def processes_using(folder: Path) -> list[int]:
    """The ids of processes whose command line names ``folder`` (a demo's server left behind)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if str(folder).encode() in command:
            found.append(int(entry.name))
    return found


def listening_addresses(port: int) -> set[str]:
    """The IPv4 addresses something listens on at ``port`` in this network namespace, read
    from the kernel's table (``/proc/net/tcp``: state 0A is LISTEN)."""
    found = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        local, state = line.split()[1], line.split()[3]
        address, hex_port = local.split(":")
        if state == "0A" and int(hex_port, 16) == port:
            found.add(".".join(str(int(address[i : i + 2], 16)) for i in (6, 4, 2, 0)))
    return found
