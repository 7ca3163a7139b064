"""The roll call (docs/RULES.md §4.1–4.3): base and each exclusion, voters, quorum, rated and
not rated."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from tally.roster import (
    Attendance,
    Exclusion,
    Member,
    Membership,
    NotRated,
    Suspension,
    add_months,
    compute_roll,
)
from tally.rules import BaseOption, QuorumOption, RuleOptions
from tally.rules.levels import Level

MEETING = date(2026, 12, 15)
LONG_AGO = date(2010, 1, 1)
P, E, A = Attendance.PRESENT, Attendance.ABSENT_EXCUSED, Attendance.ABSENT


def official(member_id: int, **facts) -> Member:
    return Member(member_id, f"Đảng viên {member_id}", Membership.OFFICIAL, LONG_AGO, **facts)


def probationary(member_id: int, admitted: date = date(2026, 1, 10)) -> Member:
    return Member(member_id, f"Dự bị {member_id}", Membership.PROBATIONARY, admitted)


def test_everyone_present_all_official_vote_and_are_rated() -> None:
    members = [official(i) for i in range(1, 6)]
    roll = compute_roll(members, {i: P for i in range(1, 6)}, MEETING)
    assert (roll.official, roll.base, roll.voters, roll.rated) == (
        5,
        5,
        (1, 2, 3, 4, 5),
        roll.rated,
    )
    assert roll.rated == (1, 2, 3, 4, 5) and roll.not_rated == () and roll.excluded == ()
    assert roll.quorum_required == 4 and roll.quorum_met


def test_probationary_members_are_rated_but_never_vote_nor_count_in_the_base() -> None:
    members = [official(1), official(2), official(3), probationary(4)]
    roll = compute_roll(members, {1: P, 2: P, 3: P, 4: P}, MEETING)
    assert roll.official == 3 and roll.probationary == 1 and roll.base == 3
    assert roll.voters == (1, 2, 3) and 4 in roll.present and 4 in roll.rated


def test_temporary_activity_elsewhere_is_excluded_and_does_not_vote_here() -> None:
    members = [official(1), official(2, temporary_elsewhere=True)]
    roll = compute_roll(members, {1: P, 2: P}, MEETING)
    assert roll.excluded == ((2, Exclusion.TEMPORARY_ELSEWHERE),)
    assert roll.base == 1 and roll.voters == (1,) and 2 in roll.rated


def test_exempted_is_excluded_only_when_absent_and_is_never_rated() -> None:
    members = [official(1), official(2, exempted=True), official(3, exempted=True)]
    roll = compute_roll(members, {1: P, 2: P, 3: A}, MEETING)
    assert roll.excluded == ((3, Exclusion.EXEMPTED_ABSENT),)
    assert roll.base == 2 and roll.voters == (1, 2)
    assert roll.not_rated == ((2, NotRated.EXEMPTED), (3, NotRated.EXEMPTED))


def test_suspended_is_excluded_does_not_vote_and_is_not_rated() -> None:
    members = [official(1), official(2, suspended=Suspension.PARTY)]
    roll = compute_roll(members, {1: P, 2: P}, MEETING)
    assert roll.excluded == ((2, Exclusion.SUSPENDED),)
    assert roll.voters == (1,) and roll.not_rated == ((2, NotRated.SUSPENDED),)
    assert 2 in roll.present


def test_suspended_only_from_committee_activity_still_votes_and_is_rated() -> None:
    members = [official(1), official(2, suspended=Suspension.COMMITTEE)]
    roll = compute_roll(members, {1: P, 2: P}, MEETING)
    assert roll.excluded == () and roll.voters == (1, 2) and roll.rated == (1, 2)


def test_absent_with_accepted_reason_is_excluded_without_reason_stays_in_the_base() -> None:
    members = [official(i) for i in range(1, 5)]
    roll = compute_roll(members, {1: P, 2: P, 3: E, 4: A}, MEETING)
    assert roll.excluded == ((3, Exclusion.ABSENT_EXCUSED),)
    assert roll.base == 3 and roll.voters == (1, 2)
    assert roll.absent == ((3, E), (4, A))
    assert roll.rated == (1, 2, 3, 4)  # absence is no reason not to be rated


def test_unmarked_members_count_as_absent_without_reason() -> None:
    roll = compute_roll([official(1), official(2)], {1: P}, MEETING)
    assert roll.base == 2 and roll.voters == (1,) and roll.absent == ((2, Attendance.UNKNOWN),)


def test_admitted_less_than_six_months_before_the_meeting_is_not_rated() -> None:
    just_under = Member(1, "A", Membership.PROBATIONARY, date(2026, 6, 16))
    exactly = Member(2, "B", Membership.PROBATIONARY, date(2026, 6, 15))
    roll = compute_roll([just_under, exactly], {}, MEETING)
    assert roll.not_rated == ((1, NotRated.ADMITTED_UNDER_6_MONTHS),)
    assert roll.rated == (2,)


def test_profile_months_option_is_respected() -> None:
    member = Member(1, "A", Membership.OFFICIAL, date(2026, 3, 1))
    assert compute_roll([member], {}, MEETING).rated == (1,)
    roll = compute_roll([member], {}, MEETING, min_months_since_admission=12)
    assert roll.not_rated == ((1, NotRated.ADMITTED_UNDER_6_MONTHS),)


def test_quorum_two_thirds_and_more_than_half() -> None:
    members = [official(i) for i in range(1, 22)]  # base 21: 2/3 → 14, > 1/2 → 11
    attendance = {i: P for i in range(1, 14)}  # 13 present
    roll = compute_roll(members, attendance, MEETING)
    assert (roll.quorum_required, roll.quorum_met) == (14, False)
    half = RuleOptions(quorum=QuorumOption.MORE_THAN_HALF)
    roll = compute_roll(members, attendance, MEETING, half)
    assert (roll.quorum_required, roll.quorum_met) == (11, True)


def test_rule_roll_is_what_the_engine_accepts() -> None:
    from tally.rules.inputs import parse_roll

    members = [official(1), official(2, suspended=Suspension.PARTY), official(3), official(4)]
    roll = compute_roll(members, {1: P, 3: P, 4: E}, MEETING)
    engine = parse_roll({"official": 4, "excluded": 2, "present": 2})
    assert roll.rule_roll == engine


def test_threshold_base_follows_the_base_option() -> None:
    members = [official(i) for i in range(1, 5)]
    attendance = {1: P, 2: P, 3: P, 4: A}
    assert compute_roll(members, attendance, MEETING).threshold_base == 4
    present = RuleOptions(base=BaseOption.PRESENT)
    assert compute_roll(members, attendance, MEETING, present).threshold_base == 3


def test_member_json_round_trip() -> None:
    member = official(
        7,
        exempted=True,
        suspended=Suspension.COMMITTEE,
        sick_leave_months=4,
        disciplined=True,
        civil_servant_rating=Level.TOT,
        heads="Phòng A",
        group="lãnh đạo",
    )
    assert Member.from_json(member.to_json()) == member


def test_add_months_clamps_to_the_end_of_the_month() -> None:
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert add_months(date(2026, 6, 15), 6) == date(2026, 12, 15)


members_strategy = st.lists(
    st.builds(
        lambda i, off, exempt, susp, temp, admitted: Member(
            i,
            f"M{i}",
            Membership.OFFICIAL if off else Membership.PROBATIONARY,
            admitted,
            exempted=exempt,
            suspended=susp,
            temporary_elsewhere=temp,
        ),
        st.just(0),
        st.booleans(),
        st.booleans(),
        st.sampled_from(list(Suspension)),
        st.booleans(),
        st.dates(date(1990, 1, 1), MEETING),
    ),
    max_size=30,
).map(lambda ms: [Member(**{**m.__dict__, "id": i}) for i, m in enumerate(ms, start=1)])


@given(members_strategy, st.data())
def test_roll_invariants(members: list[Member], data: st.DataObject) -> None:
    attendance = {
        m.id: data.draw(st.sampled_from(list(Attendance)), label=f"attendance {m.id}")
        for m in members
    }
    roll = compute_roll(members, attendance, MEETING)
    by_id = {m.id: m for m in members}
    excluded = {i for i, _ in roll.excluded}
    # every voter is official, present, not suspended, and counted in the base
    for voter in roll.voters:
        member = by_id[voter]
        assert member.official and attendance[voter] is P
        assert member.suspended is not Suspension.PARTY and voter not in excluded
    assert 0 <= len(roll.voters) <= roll.base <= roll.official
    # rated and not rated partition the roster; probationary members never excluded
    assert sorted(roll.rated + tuple(i for i, _ in roll.not_rated)) == sorted(by_id)
    assert all(by_id[i].official for i in excluded)
    # the engine accepts the numbers whenever the cell has a base
    if roll.base > 0:
        from tally.rules.inputs import parse_roll

        rule = roll.rule_roll
        parse_roll({"official": rule.official, "excluded": rule.excluded, "present": rule.present})
