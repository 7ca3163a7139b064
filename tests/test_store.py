"""The store under faults: a lock held by another process and failed transactions, on real
SQLite files. Every refusal is a specific ``StoreError`` and leaves the store usable.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from ballot_server.errors import StoreBusy
from ballot_server.store import DATABASE_NAME, Store

ROOT = Path(__file__).resolve().parent.parent


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


# --- transactions and locks --------------------------------------------------------------------


def test_a_lock_held_elsewhere_is_answered_busy_and_the_store_stays_usable(tmp_path) -> None:
    store = Store(tmp_path, busy_seconds=0.2)
    fill(store, 1)
    with lock_held(tmp_path):
        for _ in range(3):  # a failed BEGIN leaves no transaction half-open
            with pytest.raises(StoreBusy) as busy, store.transaction() as writing:
                writing.set_setting("during-lock", True)
            assert busy.value.retry_after and busy.value.status == 503
        assert store.setting("step-0") == {"i": 0}  # reading still works (WAL)
    with store.transaction() as writing:  # released: every write works again
        writing.set_setting("after-lock", True)
        writing.append_event("test-step", {"after": True})
    assert store.setting("after-lock") is True and store.setting("during-lock") is None
    store.close()


def test_a_failure_inside_a_transaction_rolls_back_and_the_next_one_works(tmp_path) -> None:
    store = Store(tmp_path)
    before = store.events()
    with pytest.raises(ZeroDivisionError), store.transaction() as writing:
        writing.set_setting("half", True)
        writing.append_event("test-step", {"half": True})
        _ = 1 / 0
    assert store.setting("half") is None and store.events() == before
    fill(store, 1)
    assert len(store.events()) == len(before) + 1
    store.close()


def test_changes_outside_a_transaction_are_refused(tmp_path) -> None:
    store = Store(tmp_path)
    with pytest.raises(RuntimeError):
        store.set_setting("loose", True)
    store.close()
