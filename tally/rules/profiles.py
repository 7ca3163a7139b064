"""The three rule profiles: the rules of each era as data, never as code paths.

A meeting picks one profile by name; the manifest and the minute name it with its version. The
profiles differ where the regulations differ (who is rated, the discipline exception, the
civil-service rating, two KHT years, the 100-point scale), each difference noted with its
document and article and marked known or assumption (``docs/RULES.md`` §2).
"""

from __future__ import annotations

from tally.errors import RuleInputError
from tally.rules.levels import Level
from tally.rules.profile_model import (
    CapRules,
    NoteStatus,
    Profile,
    ProfileNote,
    QuotaRule,
    ScoreBand,
)

__all__ = [
    "DEFAULT_PROFILE",
    "PROFILES",
    "CapRules",
    "NoteStatus",
    "Profile",
    "ProfileNote",
    "QuotaRule",
    "ScoreBand",
    "get_profile",
]

KNOWN, ASSUMPTION = NoteStatus.KNOWN, NoteStatus.ASSUMPTION


def _shared_citations(decision: str, guidance: str) -> dict[str, str]:
    """Citations every profile words the same way, naming its own documents."""
    return {
        "quorum": f"{guidance} (hội nghị chi bộ đánh giá, xếp loại đảng viên phải đủ túc số)",
        "base": "Điều lệ Đảng (đảng viên chính thức biểu quyết; trừ số đảng viên được miễn "
        "sinh hoạt mà vắng mặt, bị đình chỉ sinh hoạt, sinh hoạt tạm thời nơi khác, vắng mặt "
        "cả buổi có lý do)",
        "majority": f"{guidance} (chi bộ biểu quyết mức xếp loại bằng phiếu kín, quá nửa)",
        "cap.sick_leave": f"{guidance} (đảng viên nghỉ ốm dài ngày trong năm)",
        "cap.civil_servant": f"{decision} (gắn xếp loại đảng viên với kết quả xếp loại công "
        "chức, viên chức)",
        "civil_servant.pending": "Hướng dẫn của cấp ủy cấp trên (đảng viên là công chức, viên "
        "chức được xếp loại sau khi có kết quả xếp loại công chức, viên chức)",
        "cap.head": f"{decision} (kết quả của người đứng đầu gắn với kết quả của tập thể do mình "
        "lãnh đạo)",
        "quota": f"{decision} (số hoàn thành xuất sắc nhiệm vụ không quá 20% số hoàn thành tốt "
        "nhiệm vụ trong cùng nhóm)",
        "runoff": f"{decision} (số hoàn thành xuất sắc nhiệm vụ không quá 20% số hoàn thành tốt "
        "nhiệm vụ; bỏ phiếu thêm giữa các đồng chí bằng phiếu ở ranh giới)",
    }


_COUNTING = ProfileNote(
    topic="counting",
    text="The quorum (at least two thirds of the base), the cumulative count from the highest "
    "level down and the strict majority (more than half) are the common practice of cell "
    "meetings; the articles that state them were not found in this era's text.",
    status=ASSUMPTION,
    source="common practice; no article checked",
)
_SMALL_GROUP = ProfileNote(
    topic="quota",
    text="'Fewer than 5 at TOT or better → at most 1 XS' is applied as local guidance does; "
    "not checked against this era's text.",
    status=ASSUMPTION,
    source="local guidance; no article checked",
)
_GOOD_READING = ProfileNote(
    topic="quota",
    text="The 20% is of 'those rated good'; local guidance reads 'good' both as TOT-or-better "
    "and as TOT alone, hence the option good_includes_excellent (default: TOT or better). "
    "Under TOT alone the cap holds on the final proposal: at most 20% of those finally "
    "proposed at TOT.",
    status=ASSUMPTION,
    source="local guidance read both ways",
)
_SICK_HEAD = ProfileNote(
    topic="caps",
    text="Sick leave of 3 months or more → at most HT; a head → not above the collective they "
    "lead; a civil servant rated below XS in the civil service → at most TOT.",
    status=ASSUMPTION,
    source="common practice of local guidance; no article checked",
)
_PENDING = ProfileNote(
    topic="civil servants",
    text="A civil-service rating not yet known holds the member's decision (status pending): "
    "civil servants and public employees are rated before the party rating, and local "
    "guidance rates such party members after that rating exists.",
    status=KNOWN,
    source="Nghị định 90/2020/NĐ-CP (timing of the civil-service rating); local guidance",
)

QD132_HD21 = Profile(
    name="qd132-hd21",
    version=2,
    title="Quy định 132-QĐ/TW (08/3/2018) và Hướng dẫn 21-HD/BTCTW (18/10/2019)",
    documents=(
        "Quy định 132-QĐ/TW ngày 08/3/2018",
        "Hướng dẫn 16-HD/BTCTW ngày 24/9/2018",
        "Hướng dẫn 21-HD/BTCTW ngày 18/10/2019",
    ),
    in_force_from=2018,
    caps=CapRules(civil_servant_kht=True),
    min_months_since_admission=0,
    citations={
        **_shared_citations("Quy định 132-QĐ/TW", "Hướng dẫn 21-HD/BTCTW"),
        "cap.disciplined": "Hướng dẫn 21-HD/BTCTW, Mục II, phần B (đảng viên bị xử lý kỷ luật "
        "trong năm: không hoàn thành nhiệm vụ; một vi phạm chỉ tính một lần)",
        "cap.civil_servant_kht": "Hướng dẫn 21-HD/BTCTW, Mục II, phần B (đảng viên là công "
        "chức, viên chức xếp loại không hoàn thành nhiệm vụ)",
        "not_rated": "Hướng dẫn 21-HD/BTCTW, Mục II, phần B, điểm 2.1 (đối tượng đánh giá, "
        "xếp loại: trừ đảng viên được miễn công tác và sinh hoạt đảng, bị đình chỉ sinh hoạt)",
    },
    notes=(
        ProfileNote(
            topic="documents",
            text="QĐ 132 of 08/3/2018 was first implemented by HD 16-HD/BTCTW of 24/9/2018; "
            "cell plans for the 2019–2022 reviews cite HD 21-HD/BTCTW of 18/10/2019.",
            status=KNOWN,
            source="HD 16-HD/BTCTW header; plan 09-KH/ĐU of La Bằng commune (2020)",
        ),
        ProfileNote(
            topic="who is rated",
            text="Every member is rated except those exempted from party work and activity and "
            "those suspended; a member admitted less than 6 months ago is rated "
            "(min_months_since_admission 0).",
            status=KNOWN,
            source="HD 21-HD/BTCTW, part II.B, point 2.1",
        ),
        ProfileNote(
            topic="civil servants",
            text="A member who is a civil servant or public employee rated KHT in the civil "
            "service is KHT as a party member.",
            status=KNOWN,
            source="HD 21-HD/BTCTW, part II.B (the cases of 'không hoàn thành nhiệm vụ')",
        ),
        ProfileNote(
            topic="discipline",
            text="Disciplined in the year → KHT, with no exception (one breach counts once).",
            status=KNOWN,
            source="HD 16-HD/BTCTW and HD 21-HD/BTCTW, part II.B",
        ),
        _PENDING,
        _SICK_HEAD,
        _COUNTING,
        _SMALL_GROUP,
        _GOOD_READING,
    ),
)

QD124_HD25 = Profile(
    name="qd124-hd25",
    version=2,
    title="Quy định 124-QĐ/TW (04/10/2023) và Hướng dẫn 25-HD/BTCTW (10/11/2023)",
    documents=("Quy định 124-QĐ/TW ngày 04/10/2023", "Hướng dẫn 25-HD/BTCTW ngày 10/11/2023"),
    in_force_from=2023,
    caps=CapRules(discipline_exception=True, kht_years=2),
    citations={
        **_shared_citations("Quy định 124-QĐ/TW", "Hướng dẫn 25-HD/BTCTW"),
        "cap.disciplined": "Quy định 124-QĐ/TW, Điều 12, khoản 4, điểm 4.3, tiết d (bị xử lý "
        "kỷ luật trong năm đánh giá, trừ trường hợp tự phát hiện và khắc phục xong hậu quả)",
        "cap.kht_years": "Quy định 124-QĐ/TW, Điều 12, khoản 4 (hai năm liên tiếp xếp loại "
        "không hoàn thành nhiệm vụ)",
        "not_rated": "Quy định 124-QĐ/TW, Điều 5, khoản 2, điểm 2.1 (trừ đảng viên được miễn "
        "công tác và sinh hoạt đảng, bị đình chỉ sinh hoạt đảng, mới kết nạp chưa đủ 6 tháng)",
    },
    notes=(
        ProfileNote(
            topic="documents",
            text="QĐ 124-QĐ/TW of 04/10/2023 replaces QĐ 132; HD 25-HD/BTCTW of 10/11/2023 "
            "implements it (and ends HD 21).",
            status=KNOWN,
            source="HD 25-HD/BTCTW header",
        ),
        ProfileNote(
            topic="who is rated",
            text="Not rated: exempted from party work and activity, suspended, admitted less "
            "than 6 months ago (the last is new in QĐ 124).",
            status=KNOWN,
            source="QĐ 124-QĐ/TW, art. 5, cl. 2, point 2.1",
        ),
        ProfileNote(
            topic="discipline",
            text="Disciplined in the year → KHT, except where the member found the fault "
            "and fully remedied its consequences ('tự phát hiện và khắc phục xong hậu quả').",
            status=KNOWN,
            source="QĐ 124-QĐ/TW, art. 12, cl. 4, point 4.3 (d)",
        ),
        ProfileNote(
            topic="two KHT years",
            text="A member rated KHT in each of the two years before is KHT. The criterion "
            "'two consecutive years rated KHT' is listed among the KHT cases in secondary "
            "sources; its article and exact reading were not checked.",
            status=ASSUMPTION,
            source="QĐ 124-QĐ/TW, art. 12, cl. 4 (reading not checked)",
        ),
        ProfileNote(
            topic="civil servants",
            text="HD 21's 'civil servant KHT → KHT' was not found in QĐ 124 / HD 25; the "
            "civil-service rating below XS → at most TOT applies.",
            status=ASSUMPTION,
            source="QĐ 124-QĐ/TW (principle: party and civil-service ratings go together)",
        ),
        _PENDING,
        _SICK_HEAD,
        _COUNTING,
        _SMALL_GROUP,
        _GOOD_READING,
    ),
)

QD366_HD43 = Profile(
    name="qd366-hd43",
    version=2,
    title="Quy định 366-QĐ/TW (30/8/2025) và Hướng dẫn 43-HD/BTCTW (2025)",
    documents=("Quy định 366-QĐ/TW ngày 30/8/2025", "Hướng dẫn 43-HD/BTCTW (2025)"),
    in_force_from=2025,
    caps=CapRules(discipline_exception=True, kht_years=2),
    score_scale=(
        ScoreBand(90, Level.XS),
        ScoreBand(70, Level.TOT),
        ScoreBand(50, Level.HT),
        ScoreBand(0, Level.KHT),
    ),
    citations={
        **_shared_citations("Quy định 366-QĐ/TW", "Hướng dẫn 43-HD/BTCTW"),
        "cap.score": "Quy định 366-QĐ/TW, Điều 11 (thang điểm 100: hoàn thành xuất sắc từ 90 "
        "điểm, hoàn thành tốt từ 70 đến dưới 90, hoàn thành từ 50 đến dưới 70, không hoàn thành "
        "dưới 50 điểm)",
        "cap.disciplined": "Quy định 366-QĐ/TW, Điều 11, khoản 4 (không hoàn thành nhiệm vụ: "
        "bị xử lý kỷ luật trong năm)",
        "cap.kht_years": "Quy định 366-QĐ/TW, Điều 11, khoản 4 (hai năm liên tiếp xếp loại "
        "không hoàn thành nhiệm vụ)",
        "not_rated": "Quy định 366-QĐ/TW (đối tượng kiểm điểm, đánh giá: trừ đảng viên được "
        "miễn công tác và sinh hoạt đảng, bị đình chỉ sinh hoạt, mới kết nạp chưa đủ 6 tháng)",
    },
    notes=(
        ProfileNote(
            topic="documents",
            text="QĐ 366-QĐ/TW of 30/8/2025 replaces QĐ 124; HD 43-HD/BTCTW implements it. "
            "The current rules, hence the default profile.",
            status=KNOWN,
            source="QĐ 366-QĐ/TW (replaces QĐ 124-QĐ/TW of 04/10/2023)",
        ),
        ProfileNote(
            topic="score",
            text="A 100-point scale: XS needs at least 90 points, TOT 70 to under 90, HT 50 to "
            "under 70, KHT under 50. A member's score (an optional input) caps the level the "
            "vote can give: a member scored 75 is at most TOT.",
            status=KNOWN,
            source="QĐ 366-QĐ/TW, art. 11",
        ),
        ProfileNote(
            topic="discipline",
            text="QĐ 124's exception for a fault the member found and remedied is carried over.",
            status=ASSUMPTION,
            source="QĐ 366-QĐ/TW, art. 11, cl. 4 (exception not checked)",
        ),
        ProfileNote(
            topic="two KHT years",
            text="As in qd124-hd25: rated KHT in each of the two years before → KHT.",
            status=ASSUMPTION,
            source="carried over from QĐ 124-QĐ/TW; not checked",
        ),
        ProfileNote(
            topic="who is rated",
            text="As in QĐ 124: exempted, suspended and admitted less than 6 months ago are "
            "not rated.",
            status=ASSUMPTION,
            source="carried over from QĐ 124-QĐ/TW, art. 5; not checked",
        ),
        _PENDING,
        _SICK_HEAD,
        _COUNTING,
        _SMALL_GROUP,
        _GOOD_READING,
    ),
)

PROFILES: dict[str, Profile] = {
    profile.name: profile for profile in (QD132_HD21, QD124_HD25, QD366_HD43)
}
"""Every profile by name."""

DEFAULT_PROFILE: Profile = QD366_HD43
"""The current rules: the profile used when a meeting names none."""


def get_profile(name: str | None) -> Profile:
    """The profile named ``name`` — its label ``"<name> v<version>"``, the one form a record
    names a profile in, or a bare name for that name's current version — or the default when
    ``None``; unknown names raise."""
    if name is None:
        return DEFAULT_PROFILE
    by_label = {profile.label: profile for profile in PROFILES.values()}
    try:
        return by_label[name] if name in by_label else PROFILES[name]
    except KeyError:
        known = ", ".join(sorted(PROFILES))
        raise RuleInputError(f"unknown profile {name!r}; known: {known}", field="profile") from None
