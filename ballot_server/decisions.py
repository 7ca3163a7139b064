"""From counts to proposed levels: the rule engine applied to a counted round, and logged.

Once the committee has decrypted a round, the meeting's rule profile is applied to the counts
with the roll of the meeting and the rated members' facts (sick leave, discipline, civil-service
rating, the collective they head, their quota group). The rule engine's exact input and output
are both logged, so an inspector can re-run the named profile on the same input and compare.
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any

from ballot_server.chair import Chair
from ballot_server.store import Store
from tally.manifest import RATING_OPTIONS
from tally.rules.engine import decide_json


def collective_keys(collectives: dict[str, str]) -> dict[str, str]:
    """An ASCII key per collective name (canonical JSON keys are ASCII): the name without
    diacritics, lower-case, words joined by '-', made unique with a number if needed."""
    keys: dict[str, str] = {}
    for name in sorted(collectives):
        plain = unicodedata.normalize("NFKD", name.replace("Đ", "D").replace("đ", "d"))
        words = re.findall(r"[a-z0-9]+", plain.encode("ascii", "ignore").decode().lower())
        key, suffix = "-".join(words) or "tap-the", 2
        while key in keys.values():
            key, suffix = f"{'-'.join(words) or 'tap-the'}-{suffix}", suffix + 1
        keys[name] = key
    return keys


def rule_input(chair: Chair, subjects: dict[str, int], counts: dict[str, list[int]]) -> dict:
    """The ``phieukin rules decide`` request for a counted round (README contract)."""
    roll = chair.roll()
    members = {m.id: m for m in chair.members()}
    collectives = chair.collectives()
    keys = collective_keys(collectives)
    entries: list[dict[str, Any]] = []
    for question_id, member_id in subjects.items():
        member = members[member_id]
        entry: dict[str, Any] = {
            "id": question_id,
            "votes": dict(zip(RATING_OPTIONS, counts[question_id], strict=True)),
            "group": member.group,
            "sick_leave_months": member.sick_leave_months,
            "disciplined": member.disciplined,
        }
        if member.civil_servant_rating is not None:
            entry["civil_servant_rating"] = str(member.civil_servant_rating)
        if member.heads and member.heads in collectives:
            entry["heads"] = keys[member.heads]
        entries.append(entry)
    request: dict[str, Any] = {
        "profile": chair.profile().label,
        "roll": {
            "official": roll.official,
            "excluded": len(roll.excluded),
            "present": len(roll.voters),
        },
        "subjects": entries,
    }
    used = {e["heads"] for e in entries if "heads" in e}
    if used:
        levels = {keys[name]: level for name, level in collectives.items()}
        request["collectives"] = {key: levels[key] for key in sorted(used)}
    return request


class Decisions:
    """The rule decisions of counted rounds."""

    def __init__(self, store: Store, chair: Chair) -> None:
        self.store = store
        self.chair = chair

    def get(self, number: int) -> dict[str, Any] | None:
        row = self.store.db.execute(
            "SELECT data FROM results WHERE round = ? AND kind = 'decisions'", [number]
        ).fetchone()
        return None if row is None else json.loads(row[0])

    def record(self, number: int, counts: dict[str, list[int]]) -> dict[str, Any] | None:
        """Apply the profile to a round's counts and log input and output in one event.

        Runs inside the transaction that records the counts, so a count is never stored
        without its decisions. A round whose rated members are not on the roster (started
        by a tool without the chair's roster) has no rule context and gets no decisions.
        """
        subjects = self.chair.rounds.row(number)["subjects"]
        roster = {m.id for m in self.chair.members()}
        if not set(subjects.values()) <= roster:
            return None
        request = rule_input(self.chair, subjects, counts)
        result = {"input": request, "output": decide_json(request)}
        self.store.db.execute(
            "INSERT INTO results (round, kind, key, data) VALUES (?, 'decisions', '', ?)",
            [number, json.dumps(result, ensure_ascii=False)],
        )
        self.store.append_event("decisions", {"round": number, **result})
        return result
