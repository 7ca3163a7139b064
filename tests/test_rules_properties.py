"""Property tests (Hypothesis): invariants of the rule engine over random meetings."""

from __future__ import annotations

import json
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from tally.rules import LEVELS, Level, decide_json

LEVEL_CODES = [level.value for level in LEVELS]
OPTIONS = st.fixed_dictionaries(
    {},
    optional={
        "base": st.sampled_from(["roll", "present", "valid_for_person"]),
        "quorum": st.sampled_from(["two_thirds", "more_than_half"]),
        "cumulative": st.booleans(),
        "thresholds": st.dictionaries(
            st.sampled_from(LEVEL_CODES), st.sampled_from(["more_than_half", "2/3"])
        ),
        "good_includes_excellent": st.booleans(),
    },
)


@st.composite
def meetings(draw: st.DrawFn) -> dict:
    official = draw(st.integers(1, 40))
    excluded = draw(st.integers(0, official - 1))
    present = draw(st.integers(0, official - excluded))
    subjects = []
    for index in range(draw(st.integers(0, 12))):
        if draw(st.integers(0, 9)) == 0:
            subjects.append({"id": f"s{index}", "not_rated": "exempted"})
            continue
        remaining = present
        votes = {}
        for code in LEVEL_CODES:
            votes[code] = draw(st.integers(0, remaining))
            remaining -= votes[code]
        subject: dict = {
            "id": f"s{index}",
            "votes": votes,
            "group": draw(st.sampled_from(["a", "b"])),
        }
        if draw(st.booleans()):
            subject["sick_leave_months"] = draw(st.integers(0, 12))
        if draw(st.booleans()):
            subject["civil_servant_rating"] = draw(st.sampled_from(LEVEL_CODES))
        if draw(st.integers(0, 5)) == 0:
            subject["disciplined"] = True
        if draw(st.integers(0, 3)) == 0:
            subject["heads"] = "c"
        subjects.append(subject)
    return {
        "options": draw(OPTIONS),
        "roll": {"official": official, "excluded": excluded, "present": present},
        "collectives": {"c": draw(st.sampled_from(LEVEL_CODES))},
        "subjects": subjects,
    }


def rank(code: str) -> int:
    return Level(code).rank


@settings(max_examples=300, deadline=None)
@given(meetings())
def test_invariants(meeting: dict) -> None:
    out = decide_json(meeting)
    json.dumps(out)  # always serializable
    assert out == decide_json(meeting)  # deterministic
    assert [s["id"] for s in out["subjects"]] == [s["id"] for s in meeting["subjects"]]
    roll = meeting["roll"]
    base = roll["official"] - roll["excluded"]
    two_thirds = meeting["options"].get("quorum", "two_thirds") == "two_thirds"
    present = roll["present"]
    expected_valid = (3 * present >= 2 * base) if two_thirds else (2 * present > base)
    assert out["valid"] is expected_valid
    for subject in out["subjects"]:
        assert subject["trace"]
        if subject["status"] == "decided":
            assert out["valid"]
            assert rank(subject["level"]) <= rank(subject["vote_level"])  # never raised
            assert subject["trace"][-1].startswith("Mức đề xuất: ")
        else:
            assert subject["level"] is None and subject["quota"] is None
        if subject["quota"] == "over":
            assert subject["level"] == "TOT" and subject["vote_level"] == "XS"
        if subject["quota"] in ("kept", "tie"):
            assert subject["level"] == "XS"
    for group in out["quota"]:
        limit, good = group["max_excellent"], group["good"]
        if meeting["options"].get("good_includes_excellent", True):
            assert limit == (1 if good < 5 else good // 5)
        else:  # the cap holds on the final proposal: X ≤ 20% of the G − X left at TOT

            def allowed(x: int, good: int = good) -> bool:
                return x <= (1 if good - x < 5 else (good - x) // 5)

            assert limit <= good and allowed(limit) and not (limit < good and allowed(limit + 1))
        if group["tied"]:
            assert len(group["kept"]) < limit < len(group["kept"]) + len(group["tied"])
        else:
            assert len(group["kept"]) <= limit
            assert group["over"] == [] or len(group["kept"]) == limit


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 30), st.data())
def test_cumulative_level_is_the_highest_with_a_strict_majority(
    base: int, data: st.DataObject
) -> None:
    remaining = base
    votes = {}
    for code in LEVEL_CODES:
        votes[code] = data.draw(st.integers(0, remaining))
        remaining -= votes[code]
    out = decide_json(
        {
            "roll": {"official": base, "excluded": 0, "present": base},
            "subjects": [{"id": "a", "votes": votes}],
        }
    )
    running, expected = 0, None
    for code in LEVEL_CODES:
        running += votes[code]
        if Fraction(running, base) > Fraction(1, 2):
            expected = code
            break
    assert out["subjects"][0]["vote_level"] == expected


@settings(max_examples=200, deadline=None)
@given(st.integers(2, 30), st.data())
def test_moving_a_vote_up_never_lowers_the_vote_level(base: int, data: st.DataObject) -> None:
    remaining = base
    votes = {}
    for code in LEVEL_CODES:
        votes[code] = data.draw(st.integers(0, remaining))
        remaining -= votes[code]
    donors = [i for i in range(1, 4) if votes[LEVEL_CODES[i]] > 0]
    if not donors:
        return
    source = data.draw(st.sampled_from(donors))
    better = dict(votes)
    better[LEVEL_CODES[source]] -= 1
    better[LEVEL_CODES[source - 1]] += 1

    def level(counts: dict[str, int]) -> int:
        out = decide_json(
            {
                "roll": {"official": base, "excluded": 0, "present": base},
                "subjects": [{"id": "a", "votes": counts}],
            }
        )
        code = out["subjects"][0]["vote_level"]
        return -1 if code is None else rank(code)

    assert level(better) >= level(votes)


@settings(max_examples=100, deadline=None)
@given(meetings(), st.randoms(use_true_random=False))
def test_subject_order_does_not_change_any_decision(meeting: dict, random) -> None:
    shuffled = dict(meeting, subjects=list(meeting["subjects"]))
    random.shuffle(shuffled["subjects"])
    first = {
        s["id"]: (s["status"], s["level"], s["quota"]) for s in decide_json(meeting)["subjects"]
    }
    second = {
        s["id"]: (s["status"], s["level"], s["quota"]) for s in decide_json(shuffled)["subjects"]
    }
    assert first == second
