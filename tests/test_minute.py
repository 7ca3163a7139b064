"""The minute builder (tally.minute): a party office's contents from a synthetic record,
canonical, no floats, every roster member accounted for, the consolidated proposal, its digest,
and the signature check."""

from __future__ import annotations

import copy
import json

import pytest
from nacl.signing import SigningKey

from tally.canonical import canonical_json, parse_json
from tally.crypto.hashing import hash32
from tally.crypto.signatures import sign
from tally.minute import (
    MinuteError,
    build_minute,
    minute_digest,
    percent,
    signature_status,
)
from tests.minute_support import NAMES, SEEDS, signed_document, synthetic_facts


@pytest.fixture(scope="module")
def minute() -> dict:
    return build_minute(synthetic_facts())


def _walk(value):
    yield value
    if isinstance(value, dict):
        for item in value.values():
            yield from _walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from _walk(item)


def test_header_meeting_committee_and_profile(minute) -> None:
    assert minute["version"] == 1 and minute["kind"] == "phieukin/minute"
    meeting = minute["meeting"]
    assert meeting["cell"] == "Chi bộ Phòng Hành chính – Tổng hợp"
    assert meeting["committee_above"] == "Đảng bộ Sở Kế hoạch và Đầu tư"
    assert (meeting["date"], meeting["locality"], meeting["place"], meeting["number"]) == (
        "2026-12-15",
        "Hà Nội",
        "Phòng họp tầng 3",
        "12",
    )
    assert (meeting["start_time"], meeting["end_time"]) == ("14:00", "16:30")
    assert minute["committee_approved"] is True
    assert meeting["chair"].startswith("Đồng chí") and meeting["secretary"]
    assert [c["name"] for c in minute["committee"]] == [
        "Lê Đức Cường",
        "Phạm Minh Dũng",
        "Hoàng Thu Giang",
    ]
    assert [c["role"] for c in minute["committee"]] == ["head", "member", "member"]
    assert all(len(c["signing_key"]) == 64 for c in minute["committee"])
    profile = minute["profile"]
    assert (profile["label"], profile["version"]) == ("qd366-hd43 v2", 2)
    assert "366-QĐ/TW" in profile["title"] and profile["options"]["base"] == "roll"
    assert "Điều 11" in profile["citations"]["cap.score"]
    assert minute["record"] == {
        "head_hash": "cd" * 32,
        "events": 120,
        "server_key": synthetic_facts()["record"]["server_key"],
    }


def test_roll_base_exclusions_absences_and_not_rated(minute) -> None:
    roll = minute["roll"]
    assert (roll["members"], roll["official"], roll["probationary"]) == (14, 12, 2)
    assert roll["excluded"] == [
        {
            "name": "Phan Thị Yến",
            "reason": "exempted_absent",
            "text": "được miễn sinh hoạt và vắng mặt",
        }
    ]
    assert roll["base"] == 11 and roll["base_option"] == "roll"
    assert (roll["present"], roll["present_official"], roll["present_probationary"]) == (12, 10, 2)
    assert roll["voters"] == 10
    assert [(a["name"], a["attendance"]) for a in roll["absent"]] == [
        ("Phan Thị Yến", "absent_excused"),
        ("Trịnh Đình Thắng", "absent"),
    ]
    assert all(a["text"] for a in roll["absent"])
    assert [(n["name"], n["reason"]) for n in roll["not_rated"]] == [
        ("Dương Văn Lộc", "admitted_under_6_months"),
        ("Phan Thị Yến", "exempted"),
    ]
    assert roll["not_rated"][0]["text"] == "kết nạp chưa đủ 6 tháng"
    assert roll["rated"] == 10
    assert (roll["quorum_required"], roll["quorum_met"]) == (8, True)


def test_round_tokens_votes_percentages_levels_and_adjustments(minute) -> None:
    (rnd,) = minute["rounds"]
    assert (rnd["tokens_issued"], rnd["cancelled_tokens"], rnd["ballots"]) == (12, 2, 10)
    assert rnd["unused_tokens"] == 0 and rnd["fingerprint"] == "ab" * 32
    assert rnd["valid"] is True and rnd["base"] == 11 and rnd["voters"] == 10
    subjects = {s["name"]: s for s in rnd["subjects"]}
    an = subjects["Nguyễn Văn An"]
    assert an["votes"] == {"XS": 7, "TOT": 2, "HT": 1, "KHT": 0} and an["blank"] == 0
    assert an["percent_of_base"] == {
        "XS": "63,6",
        "TOT": "18,2",
        "HT": "9,1",
        "KHT": "0,0",
        "blank": "0,0",
    }
    assert (an["vote_level"], an["level"], an["quota"]) == ("XS", "XS", "tie")
    giang = subjects["Hoàng Thu Giang"]
    assert (giang["vote_level"], giang["level"]) == ("XS", "HT")
    assert an["cumulative"] == {"XS": 7, "TOT": 9, "HT": 10, "KHT": 10}
    assert an["cumulative_percent"]["TOT"] == "81,8"
    giang = subjects["Hoàng Thu Giang"]
    assert (giang["vote_level"], giang["level"]) == ("XS", "HT")
    caps = [s for s in giang["steps"] if s["code"] == "cap"]
    assert [c["rule"] for c in caps] == ["cap.sick_leave"] and caps[0]["values"]["months"] == 4
    hanh = subjects["Đặng Ngọc Hạnh"]
    assert (hanh["vote_level"], hanh["level"]) == ("TOT", "KHT")
    assert [s["rule"] for s in hanh["steps"] if s["code"] == "cap"] == ["cap.disciplined"]
    khanh = subjects["Hồ Xuân Khánh"]
    assert (khanh["status"], khanh["level"], khanh["blank"]) == ("unresolved", None, 5)
    assert khanh["percent_of_base"]["blank"] == "45,5"
    assert rnd["unresolved"] == [{"id": khanh["id"], "name": "Hồ Xuân Khánh"}]
    assert any(s["code"] == "unresolved" for s in khanh["steps"])
    (group,) = rnd["quota"]
    assert (group["good"], group["max_excellent"]) == (5, 1)
    assert [t["name"] for t in group["tied"]] == ["Nguyễn Văn An", "Lê Đức Cường"]
    assert group["kept"] == [] and group["over"] == []
    assert all(s["steps"][-1]["code"] == "final" for s in rnd["subjects"])
    assert "trace" not in an  # sentences are rendered from the steps, never stored


def test_every_roster_member_is_accounted_for(minute) -> None:
    roster = {entry["name"]: entry for entry in minute["roll"]["roster"]}
    assert set(roster) == set(NAMES)
    assert roster["Nguyễn Văn An"]["rating"] == "rated"
    assert (roster["Dương Văn Lộc"]["rating"], roster["Dương Văn Lộc"]["reason"]) == (
        "not_rated",
        "kết nạp chưa đủ 6 tháng",
    )
    assert roster["Trịnh Đình Thắng"]["rating"] == "not_on_ballot"
    assert roster["Trịnh Đình Thắng"]["reason"] == "vắng mặt, xin đánh giá ở cuộc họp sau"
    assert roster["Ngô Hoài Lan"]["rating"] == "not_on_ballot"  # a default reason
    assert roster["Ngô Hoài Lan"]["reason"]
    assert roster["Phan Thị Yến"]["excluded"] == "được miễn sinh hoạt và vắng mặt"
    assert [e["name"] for e in minute["roll"]["not_on_ballot"]] == [
        "Ngô Hoài Lan",
        "Trịnh Đình Thắng",
    ]


def test_the_proposal_is_one_entry_per_member_with_ties_apart(minute) -> None:
    proposal = minute["proposal"]
    assert [s["name"] for s in proposal["subjects"]] == NAMES[:10]
    assert proposal["summary"] == {
        "XS": 0,
        "TOT": 3,
        "HT": 2,
        "KHT": 2,
        "tied": 2,
        "unresolved": 1,
        "pending": 0,
        "not_rated": 0,
    }


def test_only_what_the_minute_shows_about_members(minute) -> None:
    text = json.dumps(minute, ensure_ascii=False)
    for private in (
        "sick_leave_months",
        "disciplined",
        "admitted",
        "civil_servant_rating",
        "heads",
    ):
        assert f'"{private}"' not in text
    assert "2026-02-01" not in text  # dates of admission are not in the minute


def test_canonical_and_no_floats(minute) -> None:
    assert not any(isinstance(v, float) for v in _walk(minute))
    encoded = canonical_json(minute)
    assert parse_json(encoded) == minute
    assert build_minute(synthetic_facts()) == minute  # deterministic


def test_digest_is_h32_minute_of_the_canonical_json(minute) -> None:
    assert minute_digest(minute) == hash32("minute", canonical_json(minute))
    changed = copy.deepcopy(minute)
    changed["rounds"][0]["subjects"][0]["votes"]["XS"] += 1
    assert minute_digest(changed) != minute_digest(minute)


def test_a_float_or_a_missing_decision_is_refused() -> None:
    facts = synthetic_facts()
    facts["record"]["events"] = 1.5
    with pytest.raises(Exception, match=r"float|canonical"):
        build_minute(facts)
    facts = synthetic_facts()
    facts["rounds"][0]["decisions"] = None
    with pytest.raises(MinuteError, match="no rule decisions"):
        build_minute(facts)
    facts = synthetic_facts()
    del facts["members"]
    with pytest.raises(MinuteError):
        build_minute(facts)


def test_percent_rounds_half_up_with_a_comma() -> None:
    assert percent(19, 30) == "63,3"
    assert percent(1, 8) == "12,5"
    assert percent(2, 3) == "66,7"
    assert percent(0, 0) == "—"


def test_signature_status() -> None:
    document = signed_document((1, 3))
    status = signature_status(
        document["minute"], document["server_signature"], document["signatures"]
    )
    assert status["server"] is True and status["digest"] == document["digest"]
    assert [c["signed"] for c in status["committee"]] == [True, False, True]
    # a signature by another member's key, or on another digest, does not count
    digest = bytes.fromhex(document["digest"])
    forged = [
        {"trustee": 2, "signature": sign(SigningKey(SEEDS[0]), "minute", digest).hex()},
        {"trustee": 3, "signature": sign(SigningKey(SEEDS[2]), "minute", bytes(32)).hex()},
        {"trustee": 1, "signature": "zz"},
    ]
    status = signature_status(document["minute"], "00" * 64, forged)
    assert status["server"] is False
    assert [c["signed"] for c in status["committee"]] == [False, False, False]
