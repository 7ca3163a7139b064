"""The minute has one source, the signed log: what is served, printed and exported comes from the
``minute`` and ``minute-signature`` events, never from a copy that could be edited.

A finished meeting is run in a real SQLite store (``tests.record_support.build_meeting``); then a
copy of the minute with one level changed is written where the first version kept one (the
``settings`` table) and the store's result tables are edited too. Nothing of it reaches the
minute the server serves, the PDF it prints, or the record it exports, which verifies as final.
"""

from __future__ import annotations

import copy
import json
import sqlite3
import zipfile

import pytest

from audit.minute_pdf import render_minute_pdf
from audit.record import load_record
from audit.verify import verify_record
from ballot_server.chair import Chair, ChairMemory
from ballot_server.config import ServerConfig
from ballot_server.export import write_record
from ballot_server.minute_service import Minutes
from ballot_server.rounds import Rounds
from ballot_server.store import DATABASE_NAME, Store
from tally.canonical import canonical_json
from tally.minute_log import minute_document
from tests.record_support import build_meeting


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
        db.execute("UPDATE results SET data = '{}' WHERE kind = 'decisions'")
    store, minutes = minutes_of(meeting)
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
