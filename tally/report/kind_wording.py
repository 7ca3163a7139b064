"""The words of the rounds of other kinds in the committee's report (vi or en).

A round read by ``tally.report.kinds`` is worded from what its collector kept — never parsed
back — with the words the cell's own minute and phones use for these kinds
(``tally.rules.kind_wording``: the options, the outcome of a person or question) and the level
names of ``tally.rules.wording``: one line per round for the printed report, one row per person
or question for the workbook. A kind this version does not read says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tally.rules.kind_wording import outcome_words, votes_words
from tally.rules.wording import level_words

KIND_NAMES = {
    "vi": {
        "confidence": "Lấy phiếu tín nhiệm",
        "approval": "Biểu quyết bằng phiếu kín",
        "self_rating": "Chi bộ tự đánh giá, xếp loại",
    },
    "en": {
        "confidence": "Confidence vote",
        "approval": "Yes/no decision by secret ballot",
        "self_rating": "The cell's self-rating",
    },
}
WORDS = {
    "vi": {
        "not_summarised": "phiên bản này chưa tóm tắt loại vòng này",
        "not_valid": "không đủ túc số, không có giá trị",
        "convened": "triệu tập {convened}, có mặt {voters}",
        "score": "tổng điểm {total}/{max}",
        "blank": "để trống {n}",
    },
    "en": {
        "not_summarised": "this version does not summarise this kind of round",
        "not_valid": "no quorum, not valid",
        "convened": "{convened} convened, {voters} present",
        "score": "score {total} of {max}",
        "blank": "blank {n}",
    },
}


def _lang(lang: str) -> str:
    return "en" if lang == "en" else "vi"


def kind_words(kind: object, lang: str = "vi") -> str:
    """A kind of round by name (an unknown kind by its code)."""
    return KIND_NAMES[_lang(lang)].get(str(kind), str(kind))


def subject_votes(subject: Mapping[str, Any], lang: str = "vi") -> str:
    """A person's or a question's votes in words, with the blank answers when there are any."""
    text = votes_words(subject["votes"], _lang(lang))
    if subject.get("blank"):
        text += " · " + WORDS[_lang(lang)]["blank"].format(n=subject["blank"])
    return text


def subject_outcome(kind: str, subject: Mapping[str, Any], lang: str = "vi") -> str:
    """What the rules found for a person or question: the low-confidence flag, approved or not,
    the level the cell gave itself with its full name."""
    lang = _lang(lang)
    if kind == "self_rating" and subject.get("id") == "level" and subject.get("level"):
        return f"{subject['level']} ({level_words(subject['level'], lang)})"
    return outcome_words(kind, subject, lang)


def round_facts(entry: Mapping[str, Any], lang: str = "vi") -> str:
    """What a round's line says before its people or questions: who was convened (a confidence
    vote), the score sheet's total (a self-rating), and whether it had no quorum."""
    words = WORDS[_lang(lang)]
    facts = []
    if entry["kind"] == "confidence":
        facts.append(words["convened"].format(**entry))
    if entry["kind"] == "self_rating":
        facts.append(words["score"].format(total=entry["score_total"], max=entry["score_max"]))
    if not entry["valid"]:
        facts.append(words["not_valid"])
    return ", ".join(facts)


def round_rows(entry: Mapping[str, Any], lang: str = "vi") -> list[tuple[str, str, str]]:
    """A round's people or questions as rows ``(name, votes, outcome)``; a round this version
    does not read is one row saying so."""
    if not entry.get("collected"):
        return [("", "", WORDS[_lang(lang)]["not_summarised"])]
    return [
        (str(s["name"]), subject_votes(s, lang), subject_outcome(entry["kind"], s, lang))
        for s in entry["subjects"]
    ]


def other_round_words(entry: Mapping[str, Any], lang: str = "vi") -> str:
    """A round of another kind as one line: its kind, its facts, then each person or question
    with the votes and the outcome; a kind this version does not read says so."""
    name = kind_words(entry["kind"], lang)
    if not entry.get("collected"):
        return f"{name}: {WORDS[_lang(lang)]['not_summarised']}"
    facts = round_facts(entry, lang)
    head = f"{name} ({facts})" if facts else name
    rows = round_rows(entry, lang)
    subjects = "; ".join(f"{name} — {votes} → {outcome}" for name, votes, outcome in rows)
    return f"{head}: {subjects}"


COUNT_COLUMNS = (
    (("confidence", "rounds"), "Số lần lấy phiếu tín nhiệm", "Confidence votes"),
    (("confidence", "people"), "Số người được lấy phiếu", "People voted on"),
    (("confidence", "over_half_low"), "Tín nhiệm thấp quá 1/2", "Low confidence: over half"),
    (("confidence", "two_thirds_low"), "Tín nhiệm thấp từ 2/3", "Low confidence: two thirds"),
    (("self_rating", "cells"), "Chi bộ tự đánh giá", "Cells' self-ratings"),
    (("self_rating", "score_approved"), "Thông qua tổng điểm", "Score approved"),
    *(
        (("self_rating", "levels", code), f"Chi bộ tự xếp {code}", f"Cells self-rated {code}")
        for code in ("XS", "TOT", "HT", "KHT")
    ),
    (("self_rating", "unresolved"), "Chi bộ chưa tự xếp được", "Self-rating unresolved"),
    (("approval", "questions"), "Nội dung biểu quyết", "Yes/no questions"),
    (("approval", "approved"), "Thông qua", "Approved"),
    (("approval", "rejected"), "Không thông qua", "Not approved"),
    (("not_summarised",), "Vòng chưa tóm tắt", "Rounds not summarised"),
)
"""The columns of ``other_round_totals`` in a workbook: the path of each count, its heading."""


def count_headings(lang: str = "vi") -> list[str]:
    """The headings of ``COUNT_COLUMNS`` in ``lang``."""
    return [column[2 if _lang(lang) == "en" else 1] for column in COUNT_COLUMNS]


def count_values(totals: Mapping[str, Any]) -> list[int]:
    """The counts of an ``other_round_totals`` in the order of ``COUNT_COLUMNS``."""
    values = []
    for path, *_ in COUNT_COLUMNS:
        value: Any = totals
        for key in path:
            value = value[key]
        values.append(int(value))
    return values
