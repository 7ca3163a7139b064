"""The words of the committee's report: each step of a decision as one sentence (vi or en),
the reason a record is left out, and the names of a group and of a member's status.

Like ``tally.rules.wording`` (whose level names and quota limit it reuses), sentences are
rendered from structured steps and codes, never parsed back, and contain no internal code: the
group ``default`` is "the whole organisation", levels carry their full names.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from tally.rules.arithmetic import percent_text
from tally.rules.trace import TraceStep
from tally.rules.wording import level_words, quota_limit


def _en(lang: str) -> bool:
    return lang == "en"


def group_words(group: object, lang: str = "vi") -> str:
    """A group of equivalent positions at the organisation: ``default`` is all its members."""
    if group in (None, "default"):
        return "the whole organisation" if _en(lang) else "toàn đảng bộ"
    return f"group «{group}»" if _en(lang) else f"nhóm «{group}»"


def _level(code: object, lang: str) -> str:
    return f"{code} ({level_words(code, lang)})"


def _cell_proposal(v: Mapping[str, Any], lang: str) -> str:
    en, status, mark = _en(lang), v["status"], v.get("cell_quota")
    if status == "unresolved":
        if en:
            return "The cell proposed no level: no level reached its threshold, or no quorum"
        return "Chi bộ chưa xác định được mức: không mức nào đạt ngưỡng, hoặc không đủ túc số"
    if status == "pending":
        if en:
            return "The cell held the member, no level proposed (civil-service rating not known)"
        return "Chi bộ giữ lại, chưa đề xuất mức (chưa có kết quả xếp loại công chức, viên chức)"
    level = _level(v["level"], lang)
    head = f"The cell proposed {level}" if en else f"Chi bộ đề xuất {level}"
    tails = {
        "kept": (", keeping XS within the cell's own quota", ", giữ XS trong tỷ lệ của chi bộ"),
        "over": (", over the cell's own XS quota", ", do vượt tỷ lệ XS của chi bộ"),
        "tie": (
            ", tied at the cell's own quota boundary (no further vote held)",
            ", bằng phiếu ở ranh giới tỷ lệ của chi bộ (chưa bỏ phiếu thêm)",
        ),
    }
    tail = tails.get(str(mark))
    return head + (tail[0 if en else 1] if tail else "")


def _org_quota(step: TraceStep, v: Mapping[str, Any], lang: str) -> str:
    en, n = _en(lang), v["candidates"]
    base = int(v["base"])
    xs = percent_text(int(v["XS"]), base, lang)
    good = percent_text(int(v["TOT_or_better"]), base, lang)
    mark = step.rule.removeprefix("org_quota.")
    group = group_words(v["group"], lang)
    if en:
        head = (
            f"XS quota of {group}: {n} proposed XS by {v['cells']} cells, "
            f"{quota_limit(v, lang)}; ranked {v['place']} of {n} by shares of the cell's base "
            f"(XS {v['XS_share']} = {xs}, TOT or better {v['TOT_or_better_share']} = {good})"
        )
        tails = {
            "kept": " → keeps XS",
            "over": " → over the organisation's quota: rated one level lower, TOT",
            "tie": f" → tied at the boundary with {v['tied_others']} others for {v['places']} "
            "places left: for the committee to decide (the program never breaks a tie)",
        }
    else:
        head = (
            f"Tỷ lệ XS của {group}: {n} đồng chí được {v['cells']} chi bộ đề xuất XS, "
            f"{quota_limit(v, lang)}; xếp thứ {v['place']}/{n} theo tỷ lệ trên cơ sở tính của "
            f"chi bộ (XS {v['XS_share']} = {xs}, TOT trở lên {v['TOT_or_better_share']} = {good})"
        )
        tails = {
            "kept": " → giữ XS",
            "over": " → vượt tỷ lệ của đảng bộ: xếp loại thấp hơn một mức, TOT",
            "tie": f" → bằng tỷ lệ ở ranh giới với {v['tied_others']} đồng chí khác cho "
            f"{v['places']} chỗ còn lại: đảng ủy xem xét, quyết định (chương trình không phá hoà)",
        }
    return head + tails.get(mark, "")


def _org_final(v: Mapping[str, Any], lang: str) -> str:
    en, level, status = _en(lang), v.get("level"), v.get("status")
    if level is not None:
        return f"Decided: {_level(level, lang)}" if en else f"Quyết định: {_level(level, lang)}"
    reason = STATUS_WORDS["en" if en else "vi"].get(str(status), str(status))
    return f"No level decided: {reason}" if en else f"Chưa quyết định mức: {reason}"


STATUS_WORDS = {
    "vi": {
        "decided": "đã quyết định",
        "tied": "bằng tỷ lệ ở ranh giới, đảng ủy xem xét",
        "unresolved": "chi bộ chưa xác định được mức, đảng ủy xem xét",
        "pending": "chờ kết quả xếp loại công chức, viên chức",
    },
    "en": {
        "decided": "decided",
        "tied": "tied at the boundary, for the committee",
        "unresolved": "the cell reached no level, for the committee",
        "pending": "held until the civil-service rating is known",
    },
}


def render_step(step: TraceStep, lang: str = "vi") -> str:
    """One step of a decision's working as one sentence."""
    values = dict(step.values)
    if step.code == "cell_proposal":
        return _cell_proposal(values, lang)
    if step.code == "org_quota":
        return _org_quota(step, values, lang)
    if step.code == "org_final":
        return _org_final(values, lang)
    return step.rule


def render_steps(steps: Sequence[TraceStep], lang: str = "vi") -> list[str]:
    return [render_step(step, lang) for step in steps]


REASON_WORDS = {
    "vi": {
        "unreadable": "không đọc được hồ sơ",
        "unsound": "hồ sơ không hợp lệ: có kiểm tra không đạt",
        "interim": "hồ sơ chưa hoàn tất (chưa có biên bản đủ chữ ký Ban kiểm phiếu)",
        "unchecked": "chưa kiểm tra được hết trên máy này (bộ in hoặc phông chữ khác)",
        "other_organisation": "hồ sơ của tổ chức đảng khác",
        "duplicate": "trùng với một hồ sơ đã đưa vào (cùng đầu nhật ký)",
        "same_cell": "chi bộ có hơn một hồ sơ hoàn tất: đảng ủy chọn một, chưa tính hồ sơ nào",
        "not_collected": "biên bản thiếu thông tin cần cho báo cáo",
    },
    "en": {
        "unreadable": "not a readable record",
        "unsound": "the record is not sound: a check failed",
        "interim": "an interim record (no minute co-signed by the counting committee)",
        "unchecked": "could not be fully checked here (the PDF renderer or fonts differ)",
        "other_organisation": "a record of another party organisation",
        "duplicate": "the same record as one already given (same log head)",
        "same_cell": "the cell has more than one final record: the committee picks one, "
        "none is counted",
        "not_collected": "the minute lacks what the report needs",
    },
}
"""Why a record is left out of the totals, by reason code (docs/REPORT.md §2)."""


def reason_words(code: object, lang: str = "vi") -> str:
    return REASON_WORDS["en" if _en(lang) else "vi"].get(str(code), str(code))


def render_json_steps(steps: Sequence[Mapping[str, Any]], lang: str = "vi") -> list[str]:
    """A decision's steps as the report's JSON holds them, as sentences in ``lang``."""
    return [
        render_step(TraceStep(str(s["code"]), str(s["rule"]), tuple(s["values"].items())), lang)
        for s in steps
    ]


def status_words(status: object, lang: str = "vi") -> str:
    """A decision's status in words."""
    return STATUS_WORDS["en" if _en(lang) else "vi"].get(str(status), str(status))


def short_reason(steps: Sequence[Mapping[str, Any]], lang: str = "vi") -> str:
    """The reason of a decision in a few words, for a table row whose section already states
    the limit: the organisation's quota mark with the place and shares, else the cell's word."""
    quota = next((s for s in steps if s["code"] == "org_quota"), None)
    final = next((s for s in steps if s["code"] == "org_final"), None)
    en = _en(lang)
    if quota is not None:
        v = quota["values"]
        mark = str(quota["rule"]).removeprefix("org_quota.")
        outcome = {
            "kept": ("keeps XS", "giữ XS"),
            "over": ("over the quota → TOT", "vượt tỷ lệ → TOT"),
            "tie": (
                "tied at the boundary: for the committee",
                "bằng tỷ lệ ở ranh giới: đảng ủy xem xét",
            ),
        }[mark][0 if en else 1]
        place = f"{v['place']}/{v['candidates']}"
        if en:
            return (
                f"Ranked {place} in {group_words(v['group'], lang)} (XS {v['XS_share']}, "
                f"TOT+ {v['TOT_or_better_share']}), at most {v['max_excellent']} → {outcome}"
            )
        return (
            f"Xếp thứ {place} trong {group_words(v['group'], lang)} (XS {v['XS_share']}, "
            f"TOT+ {v['TOT_or_better_share']}), tối đa {v['max_excellent']} → {outcome}"
        )
    if final is not None and final["values"].get("level") is None:
        return status_words(final["values"].get("status"), lang).capitalize()
    return "As the cell proposed" if en else "Theo đề xuất của chi bộ"
