"""Helpers of the store's fault tests: another process holding the lock, committed steps, a
crash image of a meeting folder, and a fingerprint of its files."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ballot_server.store import DATABASE_NAME, HEAD_NAME, Store

ROOT = Path(__file__).resolve().parent.parent
WAL = DATABASE_NAME + "-wal"


@contextmanager
def lock_held(folder: Path, seconds: float = 60) -> Iterator[subprocess.Popen]:
    """Another process holds the database's write lock until the block ends."""
    holder = subprocess.Popen(
        [sys.executable, str(ROOT / "bench" / "lock_holder.py"), str(folder / DATABASE_NAME),
         str(seconds)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        yield holder
    finally:
        if holder.stdin is not None:
            holder.stdin.close()
        holder.wait(30)


def fill(store: Store, events: int, start: int = 0) -> None:
    """Commit ``events`` steps, each a setting and its event."""
    for i in range(start, start + events):
        with store.transaction() as writing:
            writing.set_setting(f"step-{i}", {"i": i})
            writing.append_event("test-step", {"i": i})


def fingerprint(folder: Path) -> dict[str, str]:
    """The bytes of every meeting file in ``folder`` (the scratch index -shm left out)."""
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.is_file() and not p.name.endswith("-shm")
    }


def crash_image(tmp_path: Path, steps: int = 40) -> Path:
    """A meeting folder as a power cut leaves it: ``steps`` committed steps, the newest pages
    still in the WAL (copied while the store's connection is open, as after a SIGKILL)."""
    live = tmp_path / "live"
    store = Store(live)
    fill(store, steps)
    image = tmp_path / "crashed"
    image.mkdir()
    for name in (DATABASE_NAME, WAL, HEAD_NAME):
        shutil.copyfile(live / name, image / name)
    store.close()
    return image
