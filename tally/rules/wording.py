"""The words of the rule engine: every step rendered as one sentence, in Vietnamese or English.

This is the only place in Python where a step becomes a sentence (the browser's twin is
``ballot_client/js/rulewords.mjs``; the shared vectors ``tests/vectors/rule_steps.json`` hold
both to the same words). A sentence never contains an internal code: options are worded, a
quota group called ``default`` is "the cell", and a collective is named by its name when the
caller gives ``names`` (``{"collectives": {key: name}, "groups": {group: label}}``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from tally.rules.arithmetic import percent_text
from tally.rules.kind_wording import KIND_RENDER
from tally.rules.levels import LEVELS
from tally.rules.trace import TraceStep

Names = Mapping[str, Mapping[str, str]]

LEVEL_WORDS = {
    "vi": {
        "XS": "Hoàn thành xuất sắc nhiệm vụ",
        "TOT": "Hoàn thành tốt nhiệm vụ",
        "HT": "Hoàn thành nhiệm vụ",
        "KHT": "Không hoàn thành nhiệm vụ",
    },
    "en": {
        "XS": "Completed tasks excellently",
        "TOT": "Completed tasks well",
        "HT": "Completed tasks",
        "KHT": "Did not complete tasks",
    },
}
NOT_RATED_WORDS = {
    "vi": {
        "admitted_under_6_months": "kết nạp chưa đủ 6 tháng",
        "exempted": "được miễn công tác và sinh hoạt đảng",
        "suspended": "đang bị đình chỉ sinh hoạt đảng",
    },
    "en": {
        "admitted_under_6_months": "admitted less than 6 months ago",
        "exempted": "exempted from party work and activity",
        "suspended": "suspended from party activity",
    },
}


def _lang(lang: str) -> str:
    return "en" if lang == "en" else "vi"


def level_words(code: object, lang: str = "vi") -> str:
    """The full name of a level code, or ``""`` for anything else."""
    return LEVEL_WORDS[_lang(lang)].get(str(code), "") if code is not None else ""


def group_words(group: object, lang: str = "vi", names: Names | None = None) -> str:
    """A quota group as a sentence names it: ``default`` is the whole cell."""
    if group in (None, "default"):
        return "the cell" if lang == "en" else "chi bộ"
    label = ((names or {}).get("groups") or {}).get(str(group), str(group))
    return f"group «{label}»" if lang == "en" else f"nhóm «{label}»"


def _threshold(threshold: object, met: bool | None = None, lang: str = "vi") -> str:
    half = threshold != "2/3"
    if met is None or met:
        return "> 1/2" if half else "≥ 2/3"
    if half:
        return "not > 1/2" if lang == "en" else "không > 1/2"
    return "< 2/3"


def _score(text: object, lang: str) -> str:
    return str(text) if lang == "en" else str(text).replace(".", ",")


def cap_reason(step: TraceStep, lang: str = "vi", names: Names | None = None) -> str:
    """Why a cap holds, with its numbers (``bị kỷ luật trong năm → KHT``)."""
    v = dict(step.values)
    en = lang == "en"
    kind = step.rule.removeprefix("cap.")
    ceiling = v.get("ceiling")
    if kind == "disciplined":
        return f"disciplined in the year → {ceiling}" if en else f"bị kỷ luật trong năm → {ceiling}"
    if kind == "sick_leave":
        if en:
            return f"sick leave {v['months']} months ≥ {v['minimum']} → at most {ceiling}"
        return f"nghỉ ốm {v['months']} tháng ≥ {v['minimum']} tháng → tối đa {ceiling}"
    if kind == "civil_servant_kht":
        if en:
            return "civil-service rating KHT → KHT"
        return "công chức, viên chức xếp loại KHT → KHT"
    if kind == "civil_servant":
        if en:
            return f"civil-service rating {v['rating']}, below XS → at most {ceiling}"
        return f"công chức, viên chức xếp loại {v['rating']}, dưới XS → tối đa {ceiling}"
    if kind == "head":
        key = str(v["collective"])
        name = ((names or {}).get("collectives") or {}).get(key, key)
        level = v["collective_level"]
        if en:
            return f"head of «{name}», rated {level} → not above {level}"
        return f"người đứng đầu tập thể «{name}» xếp loại {level} → không cao hơn {level}"
    if kind == "score":
        score = _score(v["score"], lang)
        if en:
            return f"score {score}/100, band from {v['band']} points → at most {ceiling}"
        return f"điểm đánh giá {score}/100, mức từ {v['band']} điểm → tối đa {ceiling}"
    if kind == "kht_years":
        if en:
            return f"rated KHT in each of the {v['years']} years before → KHT"
        return f"{v['years']} năm liền trước xếp loại KHT → KHT"
    return step.rule


def _quorum(v: dict, lang: str) -> str:
    rule = _threshold(v["threshold"])
    if lang == "en":
        text = (
            f"Quorum: {v['present']} of {v['base']} present (needs {rule} of {v['base']}, "
            f"i.e. at least {v['required']}) → {'met' if v['met'] else 'not met'}"
        )
        return text if v["met"] else text + "; the vote is not valid, no level is decided"
    text = (
        f"Túc số: có mặt {v['present']}/{v['base']} (cần {rule} cơ sở {v['base']}, tức "
        f"≥ {v['required']}) → {'đủ' if v['met'] else 'không đủ'}"
    )
    return text if v["met"] else text + "; cuộc bỏ phiếu không hợp lệ, không xác định mức cho ai"


def _base(v: dict, lang: str) -> str:
    option, en = v["option"], lang == "en"
    if option == "roll":
        if en:
            return (
                f"Base: {v['base']} = {v['official']} official members − {v['excluded']} "
                "excluded under the Charter"
            )
        return (
            f"Cơ sở tính: {v['base']} = {v['official']} đảng viên chính thức − {v['excluded']} "
            "được trừ theo Điều lệ"
        )
    if option == "present":
        if en:
            return f"Base: {v['base']} official members present who vote"
        return f"Cơ sở tính: {v['base']} đảng viên chính thức có mặt được bỏ phiếu"
    missing = (
        f" − {v['not_cast']} {'no ballot' if en else 'không bỏ phiếu'}" if v["not_cast"] else ""
    )
    if en:
        return (
            f"Base: {v['base']} ballots that rate this member (= {v['present']} present − "
            f"{v['blank']} blank{missing})"
        )
    return (
        f"Cơ sở tính: {v['base']} phiếu có đánh giá đồng chí này (= {v['present']} có mặt − "
        f"{v['blank']} để trống{missing})"
    )


def _votes(v: dict, lang: str) -> str:
    counts = ", ".join(f"{level} {v[level]}" for level in ("XS", "TOT", "HT", "KHT"))
    en = lang == "en"
    if v.get("ballots") is None:
        if en:
            return f"Votes: {counts}; blank {v['blank']} (of {v['present']} present)"
        return f"Phiếu: {counts}; để trống {v['blank']} (trên {v['present']} có mặt)"
    missing = v.get("not_cast") or 0
    if en:
        text = (
            f"Votes: {counts}; left blank ('no rating') {v['blank']}; {v['ballots']} ballots "
            f"from {v['present']} present"
        )
        return text + (f"; {missing} cast no ballot" if missing else "")
    text = (
        f"Phiếu: {counts}; không đánh giá (để trống) {v['blank']}; {v['ballots']} phiếu thu "
        f"về trên {v['present']} có mặt"
    )
    return text + (f"; {missing} người không bỏ phiếu" if missing else "")


def _level_test(v: dict, lang: str) -> str:
    level, en = str(v["level"]), lang == "en"
    order = ("XS", "TOT", "HT", "KHT")
    if v["cumulative"] and level != "XS":
        summed = "+".join(order[: order.index(level) + 1])
        label = f"{level} {'or better' if en else 'trở lên'} ({summed})"
    else:
        label = level
    count, base = v["count"], v["base"]
    pct = percent_text(count, base, "en" if en else "vi")
    comparison = _threshold(v["threshold"], bool(v["met"]), lang)
    if en:
        text = f"{label}: {count}/{base} votes ({pct}) {comparison} of the base {base}"
        return text + (" → reached" if v["met"] else f" (needs at least {v['required']})")
    text = f"{label}: {count}/{base} phiếu ({pct}) {comparison} cơ sở {base}"
    return text + (" → đạt" if v["met"] else f" (cần ≥ {v['required']})")


def quota_limit(v: Mapping[str, object], lang: str) -> str:
    """The limit of a quota step in words: its numbers and the reading of "good" behind them
    (``max_excellent``, ``good``, ``reading``, ``share_percent``, ``small_group``,
    ``small_group_below``)."""
    en, most, good = lang == "en", v["max_excellent"], v["good"]
    if v["reading"] == "exclusive":
        if en:
            return (
                f"at most {most} so that XS are no more than {v['share_percent']}% of those "
                f"proposed TOT ({good} at TOT or better: {most} XS, {good - most} TOT)"
            )
        return (
            f"tối đa {most} sao cho số XS không quá {v['share_percent']}% số đề xuất TOT "
            f"({good} đạt TOT trở lên: {most} XS, {good - most} TOT)"
        )
    if v["small_group"]:
        if en:
            return f"at most {most} (fewer than {v['small_group_below']} at TOT or better: {good})"
        return f"tối đa {most} (dưới {v['small_group_below']} người đạt TOT trở lên: {good})"
    if en:
        return (
            f"at most {most} = {v['share_percent']}% × {good} rounded down ({good} at TOT or "
            "better)"
        )
    return (
        f"tối đa {most} = {v['share_percent']}% × {good}, làm tròn xuống ({good} đạt TOT trở lên)"
    )


def _quota(step: TraceStep, v: dict, lang: str, names: Names | None) -> str:
    en, n = lang == "en", v["candidates"]
    group = group_words(v["group"], lang, names)
    mark = step.rule.removeprefix("quota.")
    if en:
        head = (
            f"XS quota of {group}: {n} at XS, {quota_limit(v, lang)}; ranked {v['place']} of "
            f"{n} ({v['XS']} XS votes, {v['TOT_or_better']} TOT-or-better votes)"
        )
        tails = {
            "kept": " → keeps XS",
            "over": " → over the quota: proposed TOT",
            "tie": f" → tied at the boundary with {v['tied_others']} others: keeps XS until a "
            "further vote (the program never breaks a tie)",
        }
    else:
        head = (
            f"Tỷ lệ XS của {group}: {n} đạt XS, {quota_limit(v, lang)}; xếp thứ {v['place']}/"
            f"{n} ({v['XS']} phiếu XS, {v['TOT_or_better']} phiếu TOT trở lên)"
        )
        tails = {
            "kept": " → giữ XS",
            "over": " → vượt tỷ lệ: đề xuất TOT",
            "tie": f" → bằng phiếu ở ranh giới với {v['tied_others']} người khác: giữ XS, chờ "
            "bỏ phiếu thêm (chương trình không phá hoà)",
        }
    return head + tails.get(mark, "")


def _runoff(step: TraceStep, v: dict, lang: str, names: Names | None) -> str:
    en, n = lang == "en", v["candidates"]
    group = group_words(v["group"], lang, names)
    mark = step.rule.removeprefix("runoff.")
    if en:
        head = (
            f"Further vote ({group}): quota {v['max_excellent']} XS ({v['good']} at TOT or "
            f"better), {v['kept_before']} already keep XS → {v['places']} places left for {n} "
            f"tied members; chosen on {v['votes']} of {v['ballots']} ballots, ranked "
            f"{v['place']} of {n}"
        )
        tails = {
            "kept": " → keeps XS",
            "over": " → not chosen: proposed TOT",
            "tie": f" → still tied at the boundary with {v['tied_others']} others: another "
            "further vote (the program never breaks a tie)",
        }
    else:
        head = (
            f"Bỏ phiếu thêm ({group}): tỷ lệ tối đa {v['max_excellent']} XS ({v['good']} đạt "
            f"TOT trở lên), {v['kept_before']} đã giữ XS → còn {v['places']} chỗ cho {n} đồng "
            f"chí bằng phiếu; được chọn {v['votes']}/{v['ballots']} phiếu, xếp thứ "
            f"{v['place']}/{n}"
        )
        tails = {
            "kept": " → giữ XS",
            "over": " → không được chọn: đề xuất TOT",
            "tie": f" → vẫn bằng phiếu ở ranh giới với {v['tied_others']} người khác: bỏ phiếu "
            "thêm lần nữa (chương trình không phá hoà)",
        }
    return head + tails.get(mark, "")


def _final(v: dict, lang: str) -> str:
    level, en = v.get("level"), lang == "en"
    if level is None:
        if v.get("status") == "pending":
            if en:
                return "Proposed level: none yet (held until the civil-service rating is known)"
            return "Mức đề xuất: chưa xác định (giữ lại chờ kết quả xếp loại công chức, viên chức)"
        return "Proposed level: none (unresolved)" if en else "Mức đề xuất: chưa xác định"
    if en:
        return f"Proposed level: {level} ({level_words(level, lang)})"
    return f"Mức đề xuất: {level} ({level_words(level, lang)})"


def _not_rated(v: dict, lang: str) -> str:
    reason = str(v.get("reason") or "")
    words = NOT_RATED_WORDS[_lang(lang)].get(reason, reason)
    return f"Not rated: {words}" if lang == "en" else f"Không xếp loại: {words}"


def _pending(v: dict, lang: str) -> str:
    if lang == "en":
        return (
            "The civil-service rating of this year is not known yet → held, no level proposed "
            f"(level by the votes {v['level']}); to be rated once it is known"
        )
    return (
        "Chưa có kết quả xếp loại công chức, viên chức năm nay → giữ lại, chưa đề xuất mức "
        f"(mức theo phiếu {v['level']}); xếp loại khi có kết quả"
    )


def _simple(vi: str, en: str) -> Callable[[dict, str], str]:
    return lambda v, lang: en.format(**v) if lang == "en" else vi.format(**v)


_RENDER: dict[str, Callable[[dict, str], str]] = {
    "quorum": _quorum,
    "base": _base,
    "votes": _votes,
    "level_test": _level_test,
    "vote_level": lambda v, lang: (
        f"Level by the votes: {v['level']} ({level_words(v['level'], lang)}), threshold "
        f"{_threshold(v['threshold'])}"
        if lang == "en"
        else f"Mức theo phiếu: {v['level']} ({level_words(v['level'], lang)}), ngưỡng "
        f"{_threshold(v['threshold'])}"
    ),
    "unresolved": _simple(
        "Không mức nào đạt ngưỡng → chưa xác định; chuyển cấp ủy cấp trên xem xét "
        "(chương trình không suy đoán)",
        "No level reaches its threshold → unresolved; referred to the party committee above "
        "(the program never guesses)",
    ),
    "cap_waived": _simple(
        "Bị kỷ luật trong năm nhưng đã tự phát hiện và khắc phục xong hậu quả → không áp dụng "
        "hạn mức {ceiling}",
        "Disciplined in the year, but the member found the fault and remedied its "
        "consequences → the {ceiling} cap does not apply",
    ),
    "pending": _pending,
    "final": _final,
    "not_rated": _not_rated,
}


def render_step(step: TraceStep, lang: str = "vi", names: Names | None = None) -> str:
    """One step as one sentence in ``lang`` (``"vi"`` or ``"en"``)."""
    lang = _lang(lang)
    values = dict(step.values)
    if step.code == "cap":
        reason = cap_reason(step, lang, names)
        before, after = values["from"], values["to"]
        if lang == "en":
            outcome = f"{before} → {after}" if before != after else f"stays {after}"
            return f"Cap ({reason}): {outcome}"
        outcome = f"{before} → {after}" if before != after else f"giữ {after}"
        return f"Hạn mức ({reason}): {outcome}"
    if step.code == "cap_pending":
        reason = cap_reason(step, lang, names)
        if lang == "en":
            return f"Note for the committee above: cap ({reason}) not applied, no level yet"
        return f"Lưu ý cho cấp trên: hạn mức ({reason}) chưa áp dụng vì chưa có mức"
    if step.code == "quota":
        return _quota(step, values, lang, names)
    if step.code == "runoff":
        return _runoff(step, values, lang, names)
    if step.code in KIND_RENDER:
        return KIND_RENDER[step.code](values, lang, step.rule)
    render = _RENDER.get(step.code)
    return render(values, lang) if render else step.rule


def render_steps(
    steps: list[TraceStep] | tuple[TraceStep, ...], lang: str = "vi", names: Names | None = None
) -> list[str]:
    """Every step as a sentence."""
    return [render_step(step, lang, names) for step in steps]


REASON_CODES = ("cap", "cap_pending", "cap_waived", "quota", "runoff", "unresolved", "pending")
"""The step codes that explain a change or a missing level (the "reasons" a screen shows)."""


def reasons(
    steps: list[TraceStep] | tuple[TraceStep, ...], lang: str = "vi", names: Names | None = None
) -> list[str]:
    """The sentences of a subject's reasons: its steps whose code is in ``REASON_CODES``."""
    return [render_step(step, lang, names) for step in steps if step.code in REASON_CODES]


_OPTION_WORDS = {
    "vi": {
        "base.roll": "Cơ sở tính tỷ lệ: số đảng viên chính thức của chi bộ trừ số được trừ theo "
        "Điều lệ; phiếu vắng và phiếu để trống tính là không đạt cho người đó",
        "base.present": "Cơ sở tính tỷ lệ: số đảng viên chính thức có mặt được bỏ phiếu; phiếu "
        "để trống tính là không đạt cho người đó",
        "base.valid_for_person": "Cơ sở tính tỷ lệ: số phiếu có đánh giá từng đồng chí (không "
        "tính phiếu để trống người đó)",
        "quorum.two_thirds": "Hội nghị hợp lệ khi có ít nhất hai phần ba số đảng viên chính thức "
        "(trừ số được trừ) có mặt",
        "quorum.more_than_half": "Hội nghị hợp lệ khi có hơn một nửa số đảng viên chính thức "
        "(trừ số được trừ) có mặt",
        "cumulative.true": "Số phiếu mỗi mức tính cộng dồn từ mức cao xuống (gồm cả phiếu các "
        "mức cao hơn)",
        "cumulative.false": "Số phiếu mỗi mức tính riêng, không cộng dồn",
        "threshold.more_than_half": "quá một nửa",
        "threshold.2/3": "từ hai phần ba trở lên",
        "thresholds": "Ngưỡng đạt từng mức so với cơ sở tính: {levels}",
        "good.true": "Tỷ lệ hoàn thành xuất sắc nhiệm vụ: không quá 20% số đạt từ hoàn thành "
        "tốt nhiệm vụ trở lên (tính cả số hoàn thành xuất sắc), làm tròn xuống; dưới 5 người thì "
        "tối đa 1",
        "good.false": "Tỷ lệ hoàn thành xuất sắc nhiệm vụ: không quá 20% số được đề xuất hoàn "
        "thành tốt nhiệm vụ (không tính số hoàn thành xuất sắc); dưới 5 người thì tối đa 1",
        "blank.true": "Được để trống (không đánh giá) một đồng chí trên phiếu; để trống không "
        "phải là phiếu cho mức nào",
        "blank.false": "Phiếu phải đánh giá đủ mọi đồng chí có tên, không được để trống",
    },
    "en": {
        "base.roll": "Base: the cell's official members minus those excluded under the Charter; "
        "missing and blank answers count against the person",
        "base.present": "Base: the official members present who vote; blank answers count "
        "against the person",
        "base.valid_for_person": "Base: the ballots that rate each member (blank answers about "
        "that member left out)",
        "quorum.two_thirds": "The meeting is valid with at least two thirds of the official "
        "members (minus those excluded) present",
        "quorum.more_than_half": "The meeting is valid with more than half of the official "
        "members (minus those excluded) present",
        "cumulative.true": "Each level's votes are counted cumulatively from the highest level "
        "down",
        "cumulative.false": "Each level's votes are counted on their own, not cumulatively",
        "threshold.more_than_half": "more than half",
        "threshold.2/3": "two thirds or more",
        "thresholds": "Threshold of each level, of the base: {levels}",
        "good.true": "Excellent quota: at most 20% of those at 'good' or better (the excellent "
        "included), rounded down; at most 1 where fewer than 5",
        "good.false": "Excellent quota: at most 20% of those finally proposed 'good' (the "
        "excellent not included); at most 1 where fewer than 5",
        "blank.true": "A ballot may leave a member blank ('no rating'); a blank is a vote for "
        "no level",
        "blank.false": "A ballot must rate every member named; no blank",
    },
}


def option_words(options: Mapping[str, object], lang: str = "vi") -> list[str]:
    """The meeting's options (``RuleOptions.as_json()``) as sentences, without any code."""
    words = _OPTION_WORDS[_lang(lang)]
    thresholds = options.get("thresholds") or {}
    levels = "; ".join(
        f"{level.value} {words['threshold.' + str(thresholds[level.value])]}"  # type: ignore[index]
        for level in LEVELS
        if level.value in thresholds  # type: ignore[operator]
    )
    return [
        words[f"base.{options['base']}"],
        words[f"quorum.{options['quorum']}"],
        words[f"cumulative.{str(options['cumulative']).lower()}"],
        words["thresholds"].format(levels=levels),
        words[f"good.{str(options['good_includes_excellent']).lower()}"],
        words[f"blank.{str(options.get('blank_allowed', True)).lower()}"],
    ]
