"""The store under faults: a lock held by another process, failed transactions, and a database
that is behind its own log (a lost or cut WAL, a copied database), on real SQLite files.

Every refusal must be a specific ``StoreError`` and change nothing in the folder: putting the
missing file back must give the whole meeting again.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ballot_server.errors import StoreBehindLog, StoreBusy, StoreDamaged, StoreMissing
from ballot_server.log_head import HEADER, read_heads
from ballot_server.store import DATABASE_NAME, HEAD_NAME, Store
from tests.db_support import on_disk
from tests.store_support import WAL, crash_image, fill, fingerprint, lock_held


@pytest.fixture
def crashed(tmp_path: Path) -> Path:
    return crash_image(tmp_path)


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


# --- the log-head file ---------------------------------------------------------------------------


def test_every_committed_head_is_anchored_before_the_step_returns(tmp_path) -> None:
    store = Store(tmp_path)
    for i in range(5):
        fill(store, 1, start=i)
        head = store.last_event()
        assert head is not None
        anchored = read_heads(tmp_path / HEAD_NAME)[-1]
        assert (anchored.seq, anchored.hash) == (head.event["seq"], head.hash.hex())
    store.close()


def test_a_deleted_wal_is_refused_by_name_and_nothing_changes(crashed: Path) -> None:
    wal = (crashed / WAL).read_bytes()
    (crashed / WAL).unlink()
    before = fingerprint(crashed)
    with pytest.raises(StoreBehindLog) as behind:
        Store(crashed)
    assert "database is behind its own log" in behind.value.message_en
    assert f"{WAL} is missing" in behind.value.message_en
    assert "chậm hơn chính nhật ký" in behind.value.message_vi
    assert fingerprint(crashed) == before  # no new log, no new key, no empty WAL made
    (crashed / WAL).write_bytes(wal)
    store = Store(crashed)
    assert store.setting("step-39") == {"i": 39} and len(store.events()) == 41
    store.close()


@pytest.mark.parametrize("keep", [0, 32, 4096 + 24, 40_000])
def test_a_cut_wal_is_refused_and_the_whole_one_still_opens(crashed: Path, keep: int) -> None:
    whole = (crashed / WAL).read_bytes()
    (crashed / WAL).write_bytes(whole[:keep])
    before = fingerprint(crashed)
    with pytest.raises(StoreBehindLog) as behind:
        Store(crashed)
    assert f"{WAL} is damaged" in behind.value.message_en
    assert fingerprint(crashed) == before
    (crashed / WAL).write_bytes(whole)
    store = Store(crashed)
    assert len(store.events()) == 41
    store.close()


def test_a_database_copied_alone_gets_no_new_log_or_key(crashed: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    copy.mkdir()
    shutil.copyfile(crashed / DATABASE_NAME, copy / DATABASE_NAME)
    with pytest.raises(StoreMissing) as missing:
        Store(copy)
    assert HEAD_NAME in missing.value.message_en
    assert "never gets a new log" in missing.value.message_en
    assert sorted(p.name for p in copy.iterdir()) == [DATABASE_NAME]
    # the same with the WAL copied too, but not the head file
    shutil.copyfile(crashed / WAL, copy / WAL)
    with pytest.raises(StoreMissing):
        Store(copy)
    assert sorted(p.name for p in copy.iterdir()) == [DATABASE_NAME, WAL]


def test_a_missing_database_with_its_log_head_is_refused(crashed: Path) -> None:
    (crashed / DATABASE_NAME).unlink()
    (crashed / WAL).unlink()
    with pytest.raises(StoreMissing) as missing:
        Store(crashed)
    assert f"{DATABASE_NAME} is missing" in missing.value.message_en
    assert sorted(p.name for p in crashed.iterdir()) == [HEAD_NAME]


def test_a_damaged_head_file_is_refused_and_a_torn_last_line_is_cut(crashed: Path) -> None:
    head = crashed / HEAD_NAME
    whole = head.read_bytes()
    head.write_bytes(whole[:-20] + b"zz" + whole[-18:])  # a complete line, changed
    with pytest.raises(StoreDamaged) as damaged:
        Store(crashed)
    assert HEAD_NAME in damaged.value.message_en
    head.write_bytes(whole + b"41 0123")  # a crash in the middle of writing the next head
    store = Store(crashed)
    fill(store, 1, start=40)
    assert read_heads(head)[-1].seq == 41 and head.read_bytes().startswith(whole + b"41 ")
    store.close()


def test_a_rewritten_event_is_named(crashed: Path) -> None:
    store = Store(crashed)
    store.close()
    # another program edits one event in place (the signature no longer matches)
    import sqlite3

    connection = sqlite3.connect(crashed / DATABASE_NAME)
    connection.execute(
        "UPDATE events SET entry = replace(entry, '\"i\":7', '\"i\":8') WHERE seq = 8"
    )
    connection.commit()
    connection.close()
    with pytest.raises(StoreDamaged) as damaged:
        Store(crashed)
    assert "event 8" in damaged.value.message_en


def test_a_file_that_is_not_a_database_is_named_damaged(tmp_path: Path) -> None:
    (tmp_path / HEAD_NAME).write_bytes(HEADER + b"0 " + b"ab" * 32 + b"\n")
    (tmp_path / DATABASE_NAME).write_bytes(b"this is not SQLite at all" * 200)
    with pytest.raises(StoreDamaged) as damaged:
        Store(tmp_path)
    assert "SQLite" in damaged.value.message_en


def test_a_folder_without_a_meeting_is_not_made_one_by_the_tools(tmp_path: Path) -> None:
    with pytest.raises(StoreMissing):
        Store(tmp_path / "nothing", create=False)
    assert not (tmp_path / "nothing").exists()


def test_the_reading_connection_sees_what_is_committed(tmp_path: Path) -> None:
    store = Store(tmp_path)
    fill(store, 3)
    assert on_disk(tmp_path, "SELECT COUNT(*) FROM events") == [(4,)]
    store.close()
