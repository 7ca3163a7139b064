"""The minute has one source, the signed log: what is served, printed and exported comes from the
``minute`` and ``minute-signature`` events, never from a copy that could be edited.

A finished meeting is run in a real SQLite store (``tests.record_support.build_meeting``). A copy
of the minute with one level changed, written where the first version kept one (the ``settings``
table), is read by nothing: the store opens, and the minute served, the PDF printed and the
record exported are the signed one, which verifies as final. A result row the minute was once
made from (the round's decisions), edited under a running server, changes nothing of the minute
it serves or prints; the next start-up check refuses the edited row by name, so neither the
server nor ``export`` goes on from it.
"""

from __future__ import annotations

import copy
import json
import shutil
import sqlite3
import zipfile

import pytest

from audit.minute_pdf import render_minute_pdf
from audit.record import load_record
from audit.verify import verify_record
from ballot_server.chair import Chair, ChairMemory
from ballot_server.config import ServerConfig
from ballot_server.errors import StoreDamaged
from ballot_server.export import write_record
from ballot_server.minute_service import Minutes
from ballot_server.rounds import Rounds
from ballot_server.store import DATABASE_NAME, Store
from tally.canonical import canonical_json
from tally.minute_log import minute_document
from tests.db_support import on_disk
from tests.record_support import build_meeting
from tests.store_support import fingerprint


@pytest.fixture(scope="module")
def meeting(tmp_path_factory):
    folder = tmp_path_factory.mktemp("one-source")
    build_meeting(folder, voters=5, rated=3, seed=11)
    return folder


def minutes_of(folder) -> tuple[Store, Minutes]:
    store = Store(folder)
    return store, Minutes(
        store, Chair(store, Rounds(store), ServerConfig(folder=folder), ChairMemory())
    )


def test_an_edited_copy_changes_nothing_served_printed_or_exported(meeting):
    store, minutes = minutes_of(meeting)
    try:
        signed = minutes.current()
        assert signed == minute_document(store.events())
        assert signed["kind"] == "phieukin/signed-minute" and len(signed["signatures"]) == 3
        forged = copy.deepcopy(signed)
        subject = forged["minute"]["rounds"][0]["subjects"][0]
        subject["level"] = "KHT" if subject["level"] != "KHT" else "XS"
    finally:
        store.close()
    with sqlite3.connect(meeting / DATABASE_NAME) as db:  # what an editor of the file could do
        db.execute(
            "INSERT OR REPLACE INTO settings (key, value) VALUES ('minute', ?)",
            [json.dumps(forged, ensure_ascii=False)],
        )
    store, minutes = minutes_of(meeting)  # nothing reads that row: the start-up check passes
    try:
        assert minutes.current() == signed
    finally:
        store.close()
    record = write_record(meeting)
    with zipfile.ZipFile(record) as archive:
        printed = archive.read("minute.pdf")
        exported = json.loads(archive.read("minute.json"))
    assert exported == signed and canonical_json(exported) == canonical_json(signed)
    assert printed == render_minute_pdf(signed) != render_minute_pdf(forged)
    assert verify_record(load_record(record), workers=1).verdict == "final"


def test_an_edited_result_row_changes_nothing_of_the_minute_and_is_refused_at_start_up(
    meeting, tmp_path
):
    folder = tmp_path / "meeting"
    shutil.copytree(meeting, folder)
    store, minutes = minutes_of(folder)
    try:
        signed = minutes.current()
        with sqlite3.connect(folder / DATABASE_NAME) as db:  # another program, while it runs
            changed = db.execute("UPDATE results SET data = '{}' WHERE kind = 'decisions'")
            assert changed.rowcount == 1
        assert on_disk(folder, "SELECT data FROM results WHERE kind = 'decisions'") == [("{}",)]
        served = minutes.current()
        assert served == signed
        assert render_minute_pdf(served) == render_minute_pdf(signed)
    finally:
        store.close()
    before = fingerprint(folder)
    with pytest.raises(StoreDamaged) as refused:
        Store(folder)
    assert "the decisions of round 1 differs" in refused.value.message_en
    with pytest.raises(StoreDamaged):
        write_record(folder)
    assert fingerprint(folder) == before  # no record written, nothing logged


def test_a_signature_is_read_back_from_the_log(meeting):
    """The document the API returns after a co-signature is the log's, with the signature."""
    store, minutes = minutes_of(meeting)
    try:
        logged = [e["event"]["body"] for e in store.events_of_types("minute-signature")]
        assert [s["trustee"] for s in minutes.current()["signatures"]] == sorted(
            body["trustee"] for body in logged
        )
    finally:
        store.close()
