"""The words of the steps of the confidence vote, yes/no decisions and the cell's self-rating.

Like ``tally.rules.wording`` (which renders through ``KIND_RENDER``): one sentence per step, in
Vietnamese or English, with no internal code; the browser's twin is
``ballot_client/js/kindwords.mjs`` and ``tests/vectors/rule_steps.json`` holds both to the same
words. The consequences of a low confidence are worded as docs/RULES.md §6.1 states them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from tally.rules.arithmetic import percent_text

CONFIDENCE_WORDS = {
    "vi": {"CAO": "tín nhiệm cao", "TN": "tín nhiệm", "THAP": "tín nhiệm thấp"},
    "en": {"CAO": "high confidence", "TN": "confidence", "THAP": "low confidence"},
}
ANSWER_WORDS = {
    "vi": {"YES": "tán thành", "NO": "không tán thành"},
    "en": {"YES": "yes", "NO": "no"},
}
CONSEQUENCE = {
    "vi": {
        "over_half_low": "cán bộ có thể xin thôi giữ chức vụ; nếu không, cấp có thẩm quyền xem "
        "xét cho thôi giữ chức vụ",
        "two_thirds_low": "cấp có thẩm quyền xem xét cho thôi giữ chức vụ, không chờ hết nhiệm kỳ "
        "hoặc hết thời hạn bổ nhiệm",
    },
    "en": {
        "over_half_low": "the official may ask to step down; otherwise the competent authority "
        "considers relieving them of the post",
        "two_thirds_low": "the competent authority considers relieving them of the post without "
        "waiting for the end of the term or of the appointment",
    },
}


def _pct(count: object, base: object, lang: str) -> str:
    return percent_text(int(count), int(base), lang)  # type: ignore[call-overload]


def _convened_quorum(v: dict, lang: str) -> str:
    if lang == "en":
        text = (
            f"Quorum: {v['present']} of {v['convened']} convened present (needs ≥ 2/3, i.e. at "
            f"least {v['required']}) → {'met' if v['met'] else 'not met'}"
        )
        return text if v["met"] else text + "; the confidence vote is not valid"
    text = (
        f"Túc số: có mặt {v['present']}/{v['convened']} người được triệu tập (cần ≥ 2/3, tức "
        f"≥ {v['required']}) → {'đủ' if v['met'] else 'không đủ'}"
    )
    return text if v["met"] else text + "; việc lấy phiếu tín nhiệm không có giá trị"


def _confidence_votes(v: dict, lang: str) -> str:
    words = CONFIDENCE_WORDS[lang]
    base = v["base"]
    counts = ", ".join(
        f"{words[level]} {v[level]} ({_pct(v[level], base, lang)})"
        for level in ("CAO", "TN", "THAP")
    )
    if lang == "en":
        of = (
            f"shares of the {base} ballots cast"
            if v["option"] == "ballots"
            else f"shares of the {base} convened ({v['ballots']} ballots cast)"
        )
        return f"Votes: {counts}, blank {v['blank']}; {of}"
    of = (
        f"tỷ lệ tính trên {base} phiếu thu về"
        if v["option"] == "ballots"
        else f"tỷ lệ tính trên {base} người được triệu tập ({v['ballots']} phiếu thu về)"
    )
    return f"Phiếu: {counts}, để trống {v['blank']}; {of}"


def _confidence_low(v: dict, lang: str) -> str:
    low, base, flag = v["THAP"], v["base"], v["flag"]
    share = _pct(low, base, lang)
    if lang == "en":
        head = f"Low confidence {low} of {base} ({share})"
        if flag is None:
            return (
                f"{head}, not more than half (more than half is {v['over_half']} or more) → no "
                "action on this result"
            )
        if flag == "over_half_low":
            return (
                f"{head}: more than half and less than two thirds ({v['over_half']} to fewer than "
                f"{v['two_thirds']}) → {CONSEQUENCE['en'][flag]}"
            )
        return f"{head}: two thirds or more ({v['two_thirds']} or more) → {CONSEQUENCE['en'][flag]}"
    head = f"Tín nhiệm thấp {low}/{base} ({share})"
    if flag is None:
        return (
            f"{head}, không quá 1/2 (quá 1/2 là từ {v['over_half']} phiếu) → không thuộc diện "
            "xem xét theo kết quả này"
        )
    if flag == "over_half_low":
        return (
            f"{head}: quá 1/2 và dưới 2/3 (từ {v['over_half']} đến dưới {v['two_thirds']} phiếu) "
            f"→ {CONSEQUENCE['vi'][flag]}"
        )
    return f"{head}: từ 2/3 trở lên (từ {v['two_thirds']} phiếu) → {CONSEQUENCE['vi'][flag]}"


def _approval_votes(v: dict, lang: str) -> str:
    missing = v.get("not_cast") or 0
    option, base = v["option"], v["base"]
    if lang == "en":
        text = f"Votes: yes {v['YES']}, no {v['NO']}, blank {v['blank']}"
        text += f"; {missing} cast no ballot" if missing else ""
        if option == "roll":
            return (
                f"{text}; base {base} = {v['official']} official members − {v['excluded']} "
                "excluded under the Charter"
            )
        if option == "present":
            return f"{text}; base {base} official members present who vote"
        return f"{text}; base {base} ballots that answer (blank ones left out)"
    text = f"Phiếu: tán thành {v['YES']}, không tán thành {v['NO']}, để trống {v['blank']}"
    text += f"; {missing} người không bỏ phiếu" if missing else ""
    if option == "roll":
        return (
            f"{text}; cơ sở tính {base} = {v['official']} đảng viên chính thức − {v['excluded']} "
            "được trừ theo Điều lệ"
        )
    if option == "present":
        return f"{text}; cơ sở tính {base} đảng viên chính thức có mặt được bỏ phiếu"
    return f"{text}; cơ sở tính {base} phiếu có biểu quyết (không tính phiếu để trống)"


def _approval(v: dict, lang: str, rule: str) -> str:
    if rule == "approval.no_quorum":
        return "No quorum → not approved" if lang == "en" else "Không đủ túc số → không thông qua"
    share = _pct(v["YES"], v["base"], lang)
    if lang == "en":
        head = f"Yes {v['YES']} of {v['base']} ({share})"
        if v["met"]:
            return f"{head} > 1/2 of the base {v['base']} → approved"
        return (
            f"{head} not > 1/2 of the base {v['base']} (needs at least {v['required']}) → not "
            "approved"
        )
    head = f"Tán thành {v['YES']}/{v['base']} ({share})"
    if v["met"]:
        return f"{head} > 1/2 cơ sở {v['base']} → thông qua"
    return f"{head} không > 1/2 cơ sở {v['base']} (cần ≥ {v['required']}) → không thông qua"


KIND_RENDER: dict[str, Callable[[dict, str, str], str]] = {
    "convened_quorum": lambda v, lang, rule: _convened_quorum(v, lang),
    "confidence_votes": lambda v, lang, rule: _confidence_votes(v, lang),
    "confidence_low": lambda v, lang, rule: _confidence_low(v, lang),
    "approval_votes": lambda v, lang, rule: _approval_votes(v, lang),
    "approval": _approval,
}
"""Renderer of each step code of these kinds: ``(values, lang, rule) → sentence``."""


def outcome_words(kind: str, subject: Mapping[str, object], lang: str = "vi") -> str:
    """The outcome of one subject of a round of another kind in a few words (what a committee
    member is shown before signing): the flag of a confidence vote, approved or not, the level
    the cell voted for itself."""
    en = lang == "en"
    if kind == "confidence":
        if subject.get("flag") == "two_thirds_low":
            return "Low confidence: two thirds or more" if en else "Tín nhiệm thấp từ 2/3 trở lên"
        if subject.get("flag") == "over_half_low":
            return "Low confidence: more than half" if en else "Tín nhiệm thấp quá 1/2"
        return "Not flagged" if en else "Không thuộc diện xem xét"
    if subject.get("status") == "approved":
        return "Approved" if en else "Thông qua"
    if subject.get("status") == "rejected":
        return "Not approved" if en else "Không thông qua"
    level = subject.get("level")
    return str(level) if level else ("Unresolved" if en else "Chưa xác định")


def answer_words(option: str, lang: str = "vi") -> str | None:
    """An option of a confidence or yes/no question in words (``None`` for any other option)."""
    return {**CONFIDENCE_WORDS[lang], **ANSWER_WORDS[lang]}.get(option)


VOTE_ORDER = ("CAO", "TN", "THAP", "YES", "NO", "XS", "TOT", "HT", "KHT")
"""The order a subject's votes are read in, whatever the order of its JSON object (a signed
minute is canonical JSON, its keys sorted)."""


def votes_words(votes: Mapping[str, object], lang: str = "vi") -> str:
    """A subject's votes of a confidence or yes/no question: ``tín nhiệm cao 5 · …``, in the
    order of the options (``VOTE_ORDER``)."""
    rank = {code: position for position, code in enumerate(VOTE_ORDER)}
    ordered = sorted(votes.items(), key=lambda item: rank.get(item[0], len(rank)))
    return " · ".join(f"{answer_words(code, lang) or code} {count}" for code, count in ordered)
