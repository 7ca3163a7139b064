"""Every byte of the record is accounted for: hundreds of random single changes to a real
exported record, each of which ``verify`` must refuse to call final, naming the check.

The record is the shared meeting of ``tests.record_support`` (6 voters, 4 members rated, 2-of-3
committee, one voter auditing an encryption before casting, minute co-signed by all three, PDF
printed) — and the same meeting followed by a confidence vote among an imported list of those
convened, with the committee's keys reused (docs/RULES.md §6). A seeded generator makes one
change at a time, of four kinds:

- **a field**: one value anywhere in the JSON of the record — ``record.json``, ``minute.json``,
  any line of ``events.jsonl`` or of a ballot file — changed (a number moved, a hex digit or a
  letter changed, a boolean flipped, a list item dropped or repeated, a field dropped or added, a
  value of another type), the file written back in canonical form;
- **a forged field**: one value in an event body changed and the whole log re-signed *with the
  real server key*, ``record.json`` and ``minute.json`` made again from the new log — what the
  laptop's operator can do; only the checks of what the events mean, and the committee's
  co-signatures on the minute, stand in the way;
- **a file**: a file added, removed, or replaced by other bytes;
- **an encoding**: a JSON line or document written with the same value in a non-canonical form.

Each must end with a verdict other than ``final`` (so a non-zero exit code) and at least one
finding that is not a pass, under a check the report names.
"""

from __future__ import annotations

import copy
import io
import json
import random
import tempfile
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from audit.findings import EXIT_CODES, PASSED
from audit.record import load_record
from audit.report_text import CHECKS
from audit.verify import verify_record
from tally.canonical import canonical_json
from tests.record_support import BuiltMeeting, Parts, meeting_record

SEED = 20261213
MUTATIONS = 300
KIND_MUTATIONS = 120
"""Fewer over the record with a confidence round: its rating part is the shared meeting's."""
AUDITS = 1  # one voter audits an encryption first: its ballot-audited event is in the log
JSON_FILES = ("record.json", "minute.json")
HEX = "0123456789abcdef"


def unzip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def rezip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


# --- changing one value -------------------------------------------------------------------------


def paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    """The path of every value inside ``value`` (not the root itself)."""
    found: list[tuple] = []
    if isinstance(value, (dict, list)):
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for key, item in items:
            found.append((*prefix, key))
            found += paths(item, (*prefix, key))
    return found


def other_value(value: Any, rng: random.Random) -> Any:
    """A value different from ``value``, usually of the same type."""
    if rng.random() < 0.08:
        return rng.choice(
            [v for v in ("x", 0, None, [], {}, True) if v != value or type(v) is not type(value)]
        )
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + rng.choice([-1, 1, 7, -1000])
    if isinstance(value, str):
        if value and all(ch in HEX for ch in value):
            at = rng.randrange(len(value))
            return (
                value[:at]
                + HEX[(HEX.index(value[at]) + rng.randrange(1, 16)) % 16]
                + value[at + 1 :]
            )
        if not value:
            return "x"
        at = rng.randrange(len(value))
        return value[:at] + ("Ơ" if value[at] != "Ơ" else "ơ") + value[at + 1 :]
    if value is None:
        return 0
    if isinstance(value, list):
        if not value:
            return [0]
        changed = list(value)
        at = rng.randrange(len(changed))
        if rng.random() < 0.5:
            del changed[at]
        else:
            changed.insert(at, copy.deepcopy(changed[at]))
        return changed
    changed = dict(value)
    if changed and rng.random() < 0.5:
        del changed[rng.choice(sorted(changed))]
    else:
        changed["extra"] = 1
    return changed


def change_one_value(document: Any, rng: random.Random) -> tuple[Any, str]:
    """``document`` with one value changed, and where."""
    document = copy.deepcopy(document)
    path = rng.choice(paths(document))
    parent = document
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = other_value(parent[path[-1]], rng)
    return document, "/".join(map(str, path))


def encode(value: Any) -> bytes:
    try:
        return canonical_json(value)
    except Exception:  # a value with no canonical form (a float): written anyway
        return json.dumps(value, ensure_ascii=False).encode("utf-8")


# --- the four kinds of change ---------------------------------------------------------------------


def line_files(files: dict[str, bytes]) -> list[str]:
    """The log and every ballot file of the record."""
    return ["events.jsonl", *sorted(n for n in files if n.startswith("ballots/"))]


def a_field(files: dict[str, bytes], rng: random.Random) -> str:
    lines_of = line_files(files)
    name = rng.choice([*JSON_FILES, *lines_of, *lines_of])
    if name in JSON_FILES:
        changed, where = change_one_value(json.loads(files[name]), rng)
        files[name] = encode(changed)
        return f"{name}: {where}"
    lines = files[name].split(b"\n")[:-1]
    at = rng.randrange(len(lines))
    changed, where = change_one_value(json.loads(lines[at]), rng)
    lines[at] = encode(changed)
    files[name] = b"".join(line + b"\n" for line in lines)
    return f"{name} line {at + 1}: {where}"


def a_forged_field(built: BuiltMeeting, rng: random.Random) -> tuple[bytes, str]:
    parts = Parts.open(built.final)
    at = rng.randrange(1, len(parts.entries))
    event = parts.entries[at]["event"]
    changed, where = change_one_value({"body": event["body"]}, rng)
    event["body"] = changed["body"]
    parts.resign(built.server_key)
    return parts.pack(), f"forged event {at} ({event['type']}): {where}"


def a_file(files: dict[str, bytes], rng: random.Random) -> str:
    what = rng.choice(["add", "add", "remove", "replace"])
    if what == "add":
        name = rng.choice(
            ["notes.txt", "ballots/round-2.jsonl", "ballots/", "minute.json.bak", "events.jsonl.1"]
        )
        files[name] = rng.choice([b"", b"{}\n", files["events.jsonl"][:200]])
        return f"added {name}"
    name = rng.choice(sorted(files))
    if what == "remove":
        del files[name]
        return f"removed {name}"
    data = bytearray(files[name])
    at = rng.randrange(len(data))
    data[at] = (data[at] + rng.randrange(1, 256)) % 256
    files[name] = bytes(data)
    return f"one byte of {name} at {at}"


def an_encoding(files: dict[str, bytes], rng: random.Random) -> str:
    name = rng.choice([*JSON_FILES, *line_files(files)])
    styles = [
        {"indent": 1},
        {"separators": (", ", ": ")},
        {"ensure_ascii": True},
    ]
    style = rng.choice(styles)
    if name in JSON_FILES:
        files[name] = json.dumps(json.loads(files[name]), sort_keys=True, **style).encode()
        return f"{name} re-encoded {style}"
    lines = files[name].split(b"\n")[:-1]
    at = rng.randrange(len(lines))
    lines[at] = json.dumps(json.loads(lines[at]), **{**style, "indent": None}).encode()
    files[name] = b"".join(line + b"\n" for line in lines)
    return f"{name} line {at + 1} re-encoded {style}"


def mutations(count: int, seed: int, built: BuiltMeeting):
    """``count`` changed records of ``built``, each with a description: (kind, description,
    record bytes)."""
    rng = random.Random(seed)
    original = built.final
    made = 0
    while made < count:
        kind = rng.choices(["field", "forged", "file", "encoding"], [45, 30, 15, 10])[0]
        files = unzip(original)
        if kind == "forged":
            data, description = a_forged_field(built, rng)
        else:
            change = {"field": a_field, "file": a_file, "encoding": an_encoding}[kind]
            description = change(files, rng)
            data = rezip(files)
        if unzip(data) == unzip(original):
            continue  # the change changed nothing (e.g. an encoding already canonical)
        made += 1
        yield kind, description, data


def verify_bytes(data: bytes):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "record.zip"
        path.write_bytes(data)
        return verify_record(load_record(path), workers=1)


@pytest.mark.fuzz
@pytest.mark.parametrize(
    ("confidence", "count", "catchers"),
    [(False, MUTATIONS, 15), (True, KIND_MUTATIONS, 12)],
    ids=["rating", "rating-and-confidence"],
)
def test_every_single_change_is_named_and_never_final(confidence, count, catchers):
    built = meeting_record(AUDITS, confidence=confidence)
    assert verify_bytes(built.final).verdict == "final"
    missed, kinds, named = [], Counter(), Counter()
    for kind, description, data in mutations(count, SEED, built):
        kinds[kind] += 1
        report = verify_bytes(data)
        flagged = [f for f in report.findings if f.status != PASSED]
        if report.verdict == "final" or EXIT_CODES[report.verdict] == 0 or not flagged:
            missed.append(f"{kind}: {description}")
            continue
        assert all(f.check in CHECKS for f in flagged), [f.check for f in flagged]
        named.update({f.check for f in flagged})
    assert not missed, missed[:20]
    assert sum(kinds.values()) == count and min(kinds.values()) >= count // 15, kinds
    # the changes are caught by many different checks, not by one catch-all
    assert len(named) >= catchers, named
