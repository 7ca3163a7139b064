"""A byte changed under a table row the log also records is named at start-up, not served.

The chain and the signatures protect the events; here one row of each kind of table is changed
by another program (a separate connection, as a failing disk or a careless tool would) in a
whole meeting built through the server's own objects, and opening the folder must refuse it by
name and change nothing.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from ballot_server.errors import StoreDamaged
from ballot_server.store import DATABASE_NAME, Store
from tests.record_support import build_meeting
from tests.store_support import fingerprint

EDITS = {
    "a ballot": (
        'UPDATE ballots SET ballot = replace(ballot, \'"alpha":"\', \'"alpha":"0\') '
        "WHERE rowid = (SELECT MIN(rowid) FROM ballots)",
        "the ballot with tracker",
    ),
    "a ballot's proof (outside its tracker)": (
        "UPDATE ballots SET ballot = json_set(ballot, '$.answers[0].sum_proof.responses[0]', "
        "'00' || substr(json_extract(ballot, '$.answers[0].sum_proof.responses[0]'), 3)) "
        "WHERE rowid = (SELECT MIN(rowid) FROM ballots)",
        "the ballot with tracker",
    ),
    "the cancelled spare card": (
        "UPDATE tokens SET state = 'issued' WHERE state = 'cancelled'",
        "the tokens table differs",
    ),
    "a token added": (
        "INSERT INTO tokens (round, token_hash, state) VALUES (1, '" + "ab" * 32 + "', 'issued')",
        "the number of tokens differs",
    ),
    "an audited ballot": (
        'UPDATE audits SET audited = replace(audited, \'"nonce":"\', \'"nonce":"0\') '
        "WHERE rowid = (SELECT MIN(rowid) FROM audits)",
        "the audited ballot with tracker",
    ),
    "an audited ballot marked not logged": (
        "UPDATE audits SET logged = 0 WHERE rowid = (SELECT MIN(rowid) FROM audits)",
        "the audited ballot with tracker",
    ),
    "an audited ballot gone": (
        "DELETE FROM audits WHERE rowid = (SELECT MIN(rowid) FROM audits)",
        "the audited ballot with tracker",
    ),
    "a spent token": (
        "UPDATE tokens SET state = 'issued' WHERE rowid = "
        "(SELECT MIN(rowid) FROM tokens WHERE state = 'spent')",
        "the tokens table differs",
    ),
    "the counts": (
        "UPDATE results SET data = replace(data, '[', '[1') WHERE kind = 'counts'",
        "the counts of round 1 differs",
    ),
    "a phase": ("UPDATE rounds SET phase = 'open' WHERE number = 1", "round 1 (phase"),
    "an attendance": (
        "UPDATE members SET attendance = 'absent' WHERE rowid = "
        "(SELECT MIN(rowid) FROM members WHERE attendance = 'present')",
        "the roster",
    ),
    "the decisions": (  # the results page, the projector and the proposal are served from it
        'UPDATE results SET data = replace(data, \'"profile": "\', \'"profile": "x\') '
        "WHERE kind = 'decisions'",
        "the decisions of round 1 differs",
    ),
    "the logged minute": (  # the minute's only copy is its event: the chain check names it
        'UPDATE events SET entry = replace(entry, \'"level":"\', \'"level":"K\') '
        "WHERE json_extract(entry, '$.event.type') = 'minute'",
        "the event log is damaged at",
    ),
    "a token state": (
        "UPDATE tokens SET state = 'spenT' WHERE rowid = (SELECT MIN(rowid) FROM tokens)",
        "a token state of round 1 is unknown",
    ),
}


@pytest.fixture(scope="module")
def meeting(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("consistency") / "meeting"
    build_meeting(folder, voters=4, rated=2, seed=11, audits=1)
    Store(folder).close()  # a whole meeting opens without a word
    return folder


@pytest.mark.parametrize("what", sorted(EDITS))
def test_a_changed_row_is_named_and_nothing_changes(meeting: Path, tmp_path: Path, what: str):
    edit_and_open(meeting, tmp_path, *EDITS[what])


def edit_and_open(meeting: Path, tmp_path: Path, statement: str, named: str) -> None:
    """Change one row of a copy of ``meeting`` with ``statement``: opening it must refuse,
    naming ``named``, and change nothing."""
    folder = tmp_path / "meeting"
    shutil.copytree(meeting, folder)
    connection = sqlite3.connect(folder / DATABASE_NAME)
    assert connection.execute(statement).rowcount == 1
    connection.commit()
    connection.close()
    before = fingerprint(folder)
    with pytest.raises(StoreDamaged) as damaged:
        Store(folder)
    assert named in damaged.value.message_en, damaged.value.message_en
    assert "bị hỏng" in damaged.value.message_vi
    assert fingerprint(folder) == before


KIND_EDITS = {
    "those convened, as the chair chose them": (
        "UPDATE settings SET value = replace(value, '\"present\": false', '\"present\": true') "
        "WHERE key = 'convened'",
        "those convened to a confidence vote differ",
    ),
    "those convened, as the confidence round fixed them": (
        "UPDATE settings SET value = replace(value, '\"present\": 4', '\"present\": 5') "
        "WHERE key = 'round_convened'",
        "those convened to a confidence vote differ",
    ),
    "the confidence round's decisions": (
        "UPDATE results SET data = replace(data, '\"flag\": null', '\"flag\": \"over_half_low\"') "
        "WHERE kind = 'decisions' AND round = 2",
        "the decisions of round 2 differs",
    ),
}


@pytest.fixture(scope="module")
def kind_meeting(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A meeting whose rating is followed by a confidence vote among an imported list."""
    folder = tmp_path_factory.mktemp("consistency-kinds") / "meeting"
    build_meeting(folder, voters=4, rated=2, seed=11, confidence=True)
    Store(folder).close()  # it opens without a word: those convened agree with the log
    return folder


@pytest.mark.parametrize("what", sorted(KIND_EDITS))
def test_a_changed_row_of_a_confidence_round_is_named(kind_meeting: Path, tmp_path: Path, what):
    edit_and_open(kind_meeting, tmp_path, *KIND_EDITS[what])
