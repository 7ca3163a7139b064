"""The cell's proposal across rounds, read from the store, and the runoff round it may call for.

Every counted round's rule decisions are logged as ``{"input", "output"}``. ``round_decisions``
reads them back in order; ``tally.rules.consolidate`` folds them into one proposal per member.
``plan_runoff`` turns the groups still tied at their quota boundary into a runoff round: one
question per group whose options are the tied members (their rating-round question ids, named
by ``option_titles``), each voter choosing up to the places left.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ballot_server.errors import Conflict
from ballot_server.store import Store
from tally.roster import collective_keys
from tally.rules.consolidate import consolidate, tied_groups
from tally.rules.wording import group_words


def round_decisions(store: Store, upto: int | None = None) -> list[dict[str, Any]]:
    """``[{"round", "input", "output"}]`` of every round with decisions (up to ``upto``)."""
    found = []
    for number in store.round_numbers():
        if upto is not None and number > upto:
            break
        decisions = store.result(number, "decisions")
        if decisions is not None:
            found.append({"round": number, **decisions})
    return found


def proposal(store: Store, upto: int | None = None) -> dict[str, Any]:
    """The consolidated proposal after the rounds counted so far (up to round ``upto``)."""
    return consolidate(round_decisions(store, upto))


def manifest_names(store: Store, upto: int) -> dict[str, str]:
    """Each subject id of the rounds up to ``upto`` → the member's name, from the manifests
    (a rating question's title; a runoff option's title)."""
    names: dict[str, str] = {}
    for manifest in store.round_manifests(upto):
        for question in manifest["questions"]:
            if "option_titles" in question:
                names.update(zip(question["options"], question["option_titles"], strict=True))
            else:
                names[question["id"]] = question["title"]
    return names


def result_names(store: Store, subjects: dict[str, str]) -> dict[str, dict[str, str]]:
    """What the pages need to word decisions without an internal key: members' names by
    subject id, collectives' names by the ASCII key the rules know them by."""
    collectives = [c["name"] for c in store.setting("collectives") or []]
    keys = collective_keys(dict.fromkeys(collectives, ""))
    return {
        "subjects": subjects,
        "collectives": {key: name for name, key in keys.items()},
        "groups": {},
    }


@dataclass(frozen=True)
class RunoffPlan:
    """What a runoff round asks: its questions, and the member behind each option."""

    source: int
    """The last counted round (the runoff reuses its committee keys)."""
    questions: list[tuple[str, str, list[tuple[str, str]], int]]
    """Per tied group: (question id, title, [(option id, member name)], places)."""
    subjects: dict[str, int]
    """Option id (the member's rating-round question id) → roster member id."""
    groups: dict[str, str]
    """Question id → quota group."""


def runoff_title(group: str, places: int, tied: int) -> str:
    """The question a runoff ballot asks, in the words the phone and the minute show."""
    who = group_words(group)
    who = who[:1].upper() + who[1:]
    return (
        f"{who}: chọn tối đa {places} trong {tied} đồng chí bằng phiếu để giữ mức "
        "Hoàn thành xuất sắc nhiệm vụ"
    )


def plan_runoff(
    store: Store, subjects_of: dict[int, dict[str, int]], names: dict[int, str]
) -> RunoffPlan:
    """The runoff the last counted round calls for, or ``Conflict`` when none is needed.

    ``subjects_of`` gives each round's question (or option) id → member id; ``names`` the
    roster names.
    """
    decided = round_decisions(store)
    if not decided:
        raise Conflict(
            "Chưa có vòng nào đã kiểm phiếu xong.", "No counted round yet.", code="no_count"
        )
    current = consolidate(decided)
    groups = tied_groups(current)
    if not groups:
        raise Conflict(
            "Không có trường hợp bằng phiếu cần bỏ phiếu thêm.",
            "No tie at the quota boundary: no further round is needed.",
            code="no_tie",
        )
    members: dict[str, int] = {}
    for number in current["rounds"]:
        members.update(subjects_of[number])
    questions, by_question = [], {}
    for position, group in enumerate(groups, start=1):
        places = group["max_excellent"] - len(group["kept"])
        qid = f"xs-{position}"
        options = [(subject, names[members[subject]]) for subject in group["tied"]]
        questions.append((qid, runoff_title(group["group"], places, len(options)), options, places))
        by_question[qid] = group["group"]
    return RunoffPlan(
        source=decided[-1]["round"],
        questions=questions,
        subjects={subject: members[subject] for g in groups for subject in g["tied"]},
        groups=by_question,
    )
