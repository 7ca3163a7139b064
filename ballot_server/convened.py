"""Those convened to a confidence vote (người được triệu tập), who may differ from the cell's roll.

By default the voters of a confidence vote are the cell's own: those convened are the official
members of the base (official minus those excluded under the Charter) and the voters are the
official members present entitled to vote. The chair may instead import a list of those convened
(name and whether present) — for a vote on heads and deputies called by the committee above,
with people convened from outside the cell. The choice is logged (``convened-set``) and, when a
confidence round starts, its numbers are fixed in the round's ``round-roll`` event and kept for
the round: tokens, the quorum (two thirds of those convened) and the rules read them.
"""

from __future__ import annotations

from typing import Any

from ballot_server.errors import BadRequest
from ballot_server.store import Store
from tally.roster import Roll

SETTING = "convened"
ROUND_SETTING = "round_convened"
MAX_PEOPLE = 500
MAX_NAME = 300


def current(store: Store) -> dict[str, Any]:
    """The chair's choice: ``{"source": "cell"}`` or ``{"source": "list", "people": [...]}``."""
    return store.setting(SETTING) or {"source": "cell"}


def numbers(store: Store, roll: Roll) -> dict[str, Any]:
    """Those convened and those present, as a confidence round fixes them now."""
    choice = current(store)
    if choice["source"] == "list":
        people = choice["people"]
        return {
            "source": "list",
            "convened": len(people),
            "present": sum(1 for p in people if p["present"]),
            "people": people,
        }
    return {"source": "cell", "convened": roll.base, "present": len(roll.voters)}


def set_convened(store: Store, body: object) -> dict[str, Any]:
    """Validate and keep the chair's choice (logged as ``convened-set``)."""
    if not isinstance(body, dict) or body.get("source") not in ("cell", "list"):
        raise BadRequest(
            "Cần «source»: «cell» (đảng viên của chi bộ) hoặc «list» (danh sách triệu tập).",
            "'source' must be 'cell' or 'list'.",
        )
    if set(body) - {"source", "people"}:
        raise BadRequest(
            "Trường lạ.", f"Unknown fields: {sorted(set(body) - {'source', 'people'})}."
        )
    choice: dict[str, Any] = {"source": body["source"]}
    if body["source"] == "list":
        raw = body.get("people")
        if not isinstance(raw, list) or not 1 <= len(raw) <= MAX_PEOPLE:
            raise BadRequest(
                f"Danh sách triệu tập cần từ 1 đến {MAX_PEOPLE} người.",
                f"'people' must list 1 to {MAX_PEOPLE} people.",
            )
        people, seen = [], set()
        for position, person in enumerate(raw, start=1):
            if (
                not isinstance(person, dict)
                or set(person) != {"name", "present"}
                or not isinstance(person["name"], str)
                or not isinstance(person["present"], bool)
            ):
                raise BadRequest(
                    f"Dòng {position}: cần {{name, present}}.",
                    f"Person {position}: expected {{name, present: bool}}.",
                )
            name = " ".join(person["name"].split())
            if not name or len(name) > MAX_NAME or name in seen:
                raise BadRequest(
                    f"Dòng {position}: tên trống, quá dài hoặc bị trùng.",
                    f"Person {position}: the name is empty, too long or repeated.",
                )
            seen.add(name)
            people.append({"name": name, "present": person["present"]})
        choice["people"] = people
    elif "people" in body:
        raise BadRequest("«people» chỉ dùng với «list».", "'people' goes only with 'list'.")
    with store.transaction() as tx:
        tx.set_setting(SETTING, choice)
        tx.append_event("convened-set", choice)
    return choice


def fix_for_round(store: Store, number: int, fixed: dict[str, Any]) -> None:
    """Keep a confidence round's numbers (inside the transaction that logs its roll)."""
    rounds = store.setting(ROUND_SETTING) or {}
    rounds[str(number)] = fixed
    store.set_setting(ROUND_SETTING, rounds)


def of_round(store: Store, number: int) -> dict[str, Any] | None:
    """The numbers a confidence round was started with (``None`` for another round)."""
    return (store.setting(ROUND_SETTING) or {}).get(str(number))
