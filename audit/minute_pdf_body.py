"""The body of the printed minute: the meeting, the committee, every roster member, the rules in
words, each round's count, and the cell's proposal — rendered from the minute object's data and
rule steps (``tally.rules.wording``), never from stored sentences, with no internal code.

The typography (13 pt text, 10 pt tables, names on one line) is ``minute_pdf_style``'s.
"""

from __future__ import annotations

from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Paragraph, Spacer, Table

from audit.minute_pdf_kinds import kind_round, kind_title
from audit.minute_pdf_style import (
    LEVELS,
    MEMBERSHIP,
    date_words,
    e,
    one_line,
    table,
    time_words,
)
from tally.rules.profile_model import cite
from tally.rules.trace import step_from_json
from tally.rules.wording import (
    LEVEL_WORDS,
    cap_reason,
    group_words,
    option_words,
    render_step,
)

ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")
NOTE_CODES = ("cap", "cap_waived", "cap_pending", "pending", "unresolved", "quota", "runoff")


def _head(s: dict, *labels: str) -> list:
    """A table's header row: the position, the name, then ``labels``."""
    return [Paragraph(label, s["th"]) for label in ("TT", "Họ và tên", *labels)]


def _names(minute: dict[str, Any]) -> dict[str, dict[str, str]]:
    return {"collectives": minute.get("names", {}).get("collectives", {}), "groups": {}}


def _cited(step: dict[str, Any], minute: dict[str, Any]) -> str:
    """A step as a sentence, with the regulation its rule comes from."""
    text = render_step(step_from_json(step), "vi", _names(minute))
    regulation = cite(minute["profile"].get("citations", {}), step["rule"])
    return f"{text} — căn cứ: {regulation}" if regulation else text


def _intro(minute: dict[str, Any], s: dict) -> list:
    meeting = minute["meeting"]
    when = date_words(meeting["date"])
    if meeting.get("start_time"):
        when = f"vào hồi {time_words(meeting['start_time'])}, {when}"
    place = f", tại {e(meeting['place'])}" if meeting.get("place") else ""
    title = meeting["title"]
    parts = [
        Paragraph(
            f"Hôm nay, {when}{place}, {e(meeting['cell'])} tiến hành "
            f"{e(title[:1].lower() + title[1:])}.",
            s["item"],
        )
    ]
    if meeting.get("purpose"):
        parts.append(Paragraph(f"Nội dung bỏ phiếu: {e(meeting['purpose'])}.", s["item"]))
    people = []
    if meeting.get("chair"):
        people.append(f"Chủ trì: {e(meeting['chair'])}")
    if meeting.get("secretary"):
        people.append(f"thư ký: {e(meeting['secretary'])}")
    if people:
        parts.append(Paragraph("; ".join(people) + ".", s["item"]))
    return parts


def _committee(minute: dict[str, Any], s: dict, number: str) -> list:
    count = len(minute["committee"])
    if minute.get("committee_approved"):
        opening = f"Hội nghị đã biểu quyết thông qua Ban kiểm phiếu gồm {count} đồng chí"
    else:
        opening = f"Ban kiểm phiếu gồm {count} đồng chí (hội nghị chưa biểu quyết thông qua)"
    parts = [
        Paragraph(f"{number}. BAN KIỂM PHIẾU", s["h"]),
        Paragraph(
            f"{opening}; kết quả chỉ giải mã được khi có ít nhất {minute['threshold']} đồng chí "
            "trong Ban cùng giải mã:",
            s["item"],
        ),
    ]
    for position, member in enumerate(
        sorted(minute["committee"], key=lambda c: c["role"] != "head"), start=1
    ):
        role = "Trưởng ban" if member["role"] == "head" else "Thành viên"
        parts.append(Paragraph(f"{position}. Đồng chí {e(member['name'])} — {role}.", s["note"]))
    return parts


def _listed(entries: list[dict[str, Any]], s: dict, key: str = "text") -> list:
    return [Paragraph(f"– Đồng chí {e(x['name'])}: {e(x[key])}.", s["note"]) for x in entries]


def _roster_table(roll: dict[str, Any], s: dict, width: float) -> Table:
    widths = [8 * mm, 48 * mm, 20 * mm, 36 * mm]
    widths.append(width - sum(widths))
    rows = [_head(s, "Đảng viên", "Điểm danh", "Đánh giá, xếp loại")]
    rating_words = {
        "rated": "Có tên trên phiếu",
        "not_rated": "Không xếp loại",
        "not_on_ballot": "Không có tên trên phiếu",
    }
    for position, entry in enumerate(roll["roster"], start=1):
        attendance = entry["attendance_text"]
        if entry["excluded"]:
            attendance += f"; không tính vào cơ sở ({entry['excluded']})"
        rating = rating_words[entry["rating"]]
        if entry["reason"]:
            rating += f": {entry['reason']}"
        rows.append(
            [
                Paragraph(str(position), s["cell-c"]),
                one_line(entry["name"], widths[1] - 5, s["cell"]),
                Paragraph(MEMBERSHIP[entry["membership"]], s["cell-c"]),
                Paragraph(e(attendance[:1].upper() + attendance[1:]), s["cell"]),
                Paragraph(e(rating), s["cell"]),
            ]
        )
    return table(rows, widths)


def _roll(minute: dict[str, Any], s: dict, number: str, width: float) -> list:
    roll = minute["roll"]
    parts = [Paragraph(f"{number}. TÌNH HÌNH ĐẢNG VIÊN", s["h"])]
    excluded, absent = roll["excluded"], roll["absent"]
    parts.append(
        Paragraph(
            f"1. Tổng số đảng viên của chi bộ: <b>{roll['members']}</b> (chính thức "
            f"{roll['official']}, dự bị {roll['probationary']}).",
            s["item"],
        )
    )
    parts.append(
        Paragraph(
            "2. Số đảng viên chính thức không tính vào cơ sở theo Điều lệ: "
            f"<b>{len(excluded)}</b>" + (":" if excluded else "."),
            s["item"],
        )
    )
    parts += _listed(excluded, s)
    parts.append(
        Paragraph(
            f"3. Số đảng viên chính thức tính vào cơ sở: <b>{roll['base']}</b> = "
            f"{roll['official']} − {len(excluded)}.",
            s["item"],
        )
    )
    parts.append(
        Paragraph(
            f"4. Số đảng viên có mặt: <b>{roll['present']}</b> (chính thức "
            f"{roll['present_official']}, dự bị {roll['present_probationary']}); số đảng viên "
            f"chính thức có mặt được bỏ phiếu: <b>{roll['voters']}</b>.",
            s["item"],
        )
    )
    parts.append(
        Paragraph(
            f"5. Số đảng viên vắng mặt: <b>{len(absent)}</b>" + (":" if absent else "."), s["item"]
        )
    )
    parts += _listed(absent, s)
    quorum = "ít nhất hai phần ba" if roll["quorum"] == "two_thirds" else "hơn một nửa"
    met = "đủ túc số" if roll["quorum_met"] else "KHÔNG ĐỦ TÚC SỐ"
    parts.append(
        Paragraph(
            f"6. Túc số: cần {quorum} số đảng viên chính thức tính vào cơ sở, tức ít nhất "
            f"{roll['quorum_required']} đồng chí có mặt; có mặt {roll['voters']} → <b>{met}</b>.",
            s["item"],
        )
    )
    not_rated, left_off = roll["not_rated"], roll["not_on_ballot"]
    parts.append(
        Paragraph(
            f"7. Số đồng chí có tên trên phiếu đánh giá, xếp loại: <b>{roll['rated']}</b>; "
            f"không xếp loại theo quy định: <b>{len(not_rated)}</b>"
            + (":" if not_rated else ";")
            + ("" if not_rated else f" không có tên trên phiếu lần này: <b>{len(left_off)}</b>."),
            s["item"],
        )
    )
    parts += _listed(not_rated, s)
    if not_rated:
        parts.append(
            Paragraph(
                f"Không có tên trên phiếu lần này: <b>{len(left_off)}</b>"
                + (":" if left_off else "."),
                s["item"],
            )
        )
    parts += _listed(left_off, s)
    parts.append(Paragraph("8. Danh sách đảng viên của chi bộ:", s["item"]))
    parts.append(_roster_table(roll, s, width))
    return parts


def _rules(minute: dict[str, Any], s: dict, number: str) -> list:
    profile = minute["profile"]
    parts = [
        Paragraph(f"{number}. QUY ĐỊNH ÁP DỤNG VÀ CÁCH TÍNH", s["h"]),
        Paragraph(
            f"Áp dụng {e(profile['title'])} (bộ quy tắc phiên bản {profile['version']}); "
            f"văn bản: {e('; '.join(profile['documents']))}.",
            s["item"],
        ),
    ]
    for line in option_words(profile["options"]):
        parts.append(Paragraph(f"– {e(line)}.", s["note"]))
    legend = "; ".join(f"{code}: {LEVEL_WORDS['vi'][code]}" for code in LEVELS)
    parts.append(Paragraph(f"Ký hiệu các mức: {e(legend)}.", s["item"]))
    return parts


def _level_cell(subject: dict[str, Any], level: str, s: dict) -> Paragraph:
    count, pct = subject["votes"][level], subject["percent_of_base"][level]
    text = f"{count} ({pct}%)"
    if level != "XS":
        cum = subject["cumulative"][level]
        text += f"<br/><i>{cum} ({subject['cumulative_percent'][level]}%)</i>"
    return Paragraph(text, s["cell-c"])


def _rating_table(rnd: dict[str, Any], s: dict, width: float) -> Table:
    widths = [7 * mm, 40 * mm] + [18 * mm] * 4 + [16 * mm, 14 * mm]
    widths.append(width - sum(widths))
    cumulated = [f"{code}<br/><i>cộng dồn</i>" for code in LEVELS[1:]]
    rows = [_head(s, "XS", *cumulated, "Không đánh giá", "Theo phiếu", "Đề xuất")]
    for position, subject in enumerate(rnd["subjects"], start=1):
        level = subject["level"] or "—"
        if subject["status"] == "unresolved":
            level = "Chưa xác định"
        elif subject["status"] == "pending":
            level = "Chờ"
        elif subject["quota"] == "tie":
            level = "XS (bằng phiếu)"
        rows.append(
            [
                Paragraph(str(position), s["cell-c"]),
                one_line(subject["name"], widths[1] - 5, s["cell"]),
                *[_level_cell(subject, code, s) for code in LEVELS],
                Paragraph(
                    f"{subject['blank']} ({subject['percent_of_base']['blank']}%)", s["cell-c"]
                ),
                Paragraph(e(subject["vote_level"] or "—"), s["cell-c"]),
                Paragraph(f"<b>{e(level)}</b>", s["cell-c"]),
            ]
        )
    return table(rows, widths)


def _runoff_table(question: dict[str, Any], s: dict, width: float) -> Table:
    widths = [8 * mm, 60 * mm, 35 * mm]
    widths.append(width - sum(widths))
    rows = [_head(s, "Số phiếu chọn (tỷ lệ)", "Kết quả")]
    outcome = {
        "kept": "Giữ mức Hoàn thành xuất sắc nhiệm vụ",
        "over": "Đề xuất Hoàn thành tốt nhiệm vụ",
        "tie": "Vẫn bằng phiếu — bỏ phiếu thêm",
    }
    for position, candidate in enumerate(question["candidates"], start=1):
        rows.append(
            [
                Paragraph(str(position), s["cell-c"]),
                one_line(candidate["name"], widths[1] - 5, s["cell"]),
                Paragraph(
                    f"{candidate['votes']} ({candidate['percent_of_ballots']}%)", s["cell-c"]
                ),
                Paragraph(e(outcome.get(candidate["quota"], "")), s["cell"]),
            ]
        )
    return table(rows, widths)


def _notes(people: list[dict[str, Any]], minute: dict[str, Any], s: dict) -> list:
    notes = []
    for person in people:
        for step in person["steps"]:
            if step["code"] not in NOTE_CODES or step["rule"] == "quota.kept":
                continue
            notes.append(
                Paragraph(f"– Đồng chí {e(person['name'])}: {e(_cited(step, minute))}.", s["note"])
            )
    return notes


def _count_line(rnd: dict[str, Any]) -> str:
    issued = rnd["tokens_issued"] - rnd["cancelled_tokens"]
    text = f"Số phiếu phát ra: <b>{issued}</b>"
    if rnd["cancelled_tokens"]:
        text += (
            f" (đã tạo {rnd['tokens_issued']} mã phiếu, hủy {rnd['cancelled_tokens']} mã dư hoặc "
            "hỏng)"
        )
    text += (
        f"; số phiếu thu về: <b>{rnd['ballots']}</b>, đều hợp lệ (mỗi phiếu được kiểm tra chứng "
        f"minh mật mã trước khi nhận); số phiếu không sử dụng: <b>{rnd['unused_tokens']}</b>; "
        f"số đảng viên có mặt được bỏ phiếu nhưng không bỏ phiếu: <b>{rnd['not_cast']}</b>."
    )
    return text


def _round(rnd: dict[str, Any], minute: dict[str, Any], s: dict, width: float, title: str) -> list:
    parts: list = [CondPageBreak(50 * mm), Paragraph(title, s["h"])]
    parts.append(Paragraph(_count_line(rnd), s["item"]))
    if not rnd["valid"]:
        parts.append(
            Paragraph(
                "<b>Không đủ túc số: cuộc bỏ phiếu không hợp lệ, không xác định mức cho ai.</b>",
                s["item"],
            )
        )
    if rnd["kind"] == "runoff":
        for question in rnd["questions"]:
            parts.append(
                Paragraph(
                    f"{e(question['title'])} (còn {question['places']} chỗ trong tỷ lệ):",
                    s["item"],
                )
            )
            parts.append(_runoff_table(question, s, width))
        parts += _notes([c for q in rnd["questions"] for c in q["candidates"]], minute, s)
        return parts
    parts.append(
        Paragraph(
            f"Cơ sở tính tỷ lệ: <b>{rnd['base']}</b>. Mỗi ô: số phiếu của mức (tỷ lệ % so với "
            "cơ sở tính) và, in nghiêng, số phiếu cộng dồn từ mức cao xuống (tỷ lệ %); "
            "không đánh giá: số phiếu để trống đồng chí đó.",
            s["item"],
        )
    )
    parts += [Spacer(1, 2), _rating_table(rnd, s, width), Spacer(1, 3)]
    notes = _notes(rnd["subjects"], minute, s)
    if notes:
        parts.append(Paragraph("Điều chỉnh, tỷ lệ và các trường hợp cần lưu ý:", s["item"]))
        parts += notes
    return parts


def _named(people: list[dict[str, str]]) -> str:
    return ", ".join(e(p["name"]) for p in people) or "không"


def _proposal_note(subject: dict[str, Any], minute: dict[str, Any]) -> str:
    notes = []
    for step in subject["steps"]:
        if step["code"] == "cap" and step["values"]["from"] != step["values"]["to"]:
            notes.append(cap_reason(step_from_json(step), "vi", _names(minute)))
        elif step["code"] == "cap_waived":
            notes.append("kỷ luật đã tự phát hiện, khắc phục: không hạ mức")
    last = next(
        (st for st in reversed(subject["steps"]) if st["code"] in ("quota", "runoff")), None
    )
    if last is not None:
        mark = last["rule"].split(".")[1]
        runoff = last["code"] == "runoff"
        notes.append(
            {
                "kept": "giữ mức XS qua bỏ phiếu thêm" if runoff else "trong tỷ lệ XS",
                "over": "không được chọn khi bỏ phiếu thêm" if runoff else "vượt tỷ lệ XS",
                "tie": "bằng phiếu ở ranh giới tỷ lệ, chờ bỏ phiếu thêm",
            }[mark]
        )
    if subject["status"] == "unresolved":
        notes.append("không mức nào đạt ngưỡng, chuyển cấp ủy cấp trên")
    if subject["status"] == "pending":
        notes.append("chờ kết quả xếp loại công chức, viên chức")
    return "; ".join(notes)


def _proposal(minute: dict[str, Any], s: dict, number: str, width: float) -> list:
    proposal = minute["proposal"]
    parts: list = [CondPageBreak(50 * mm), Paragraph(f"{number}. ĐỀ XUẤT CỦA CHI BỘ", s["h"])]
    rounds = proposal["rounds"]
    across = f" (tổng hợp các vòng {', '.join(map(str, rounds))})" if len(rounds) > 1 else ""
    parts.append(Paragraph(f"Mức xếp loại chi bộ đề xuất cho từng đồng chí{across}:", s["item"]))
    widths = [8 * mm, 46 * mm, 18 * mm, 44 * mm]
    widths.append(width - sum(widths))
    rows = [_head(s, "Theo phiếu", "Mức đề xuất", "Ghi chú")]
    for position, subject in enumerate(proposal["subjects"], start=1):
        if subject["quota"] == "tie":
            level = "Chưa xác định (bằng phiếu)"
        elif subject["level"]:
            level = LEVEL_WORDS["vi"][subject["level"]]
        else:
            level = "Chưa xác định"
        rows.append(
            [
                Paragraph(str(position), s["cell-c"]),
                one_line(subject["name"], widths[1] - 5, s["cell"]),
                Paragraph(e(subject["vote_level"] or "—"), s["cell-c"]),
                Paragraph(f"<b>{e(level)}</b>", s["cell"]),
                Paragraph(e(_proposal_note(subject, minute)), s["cell"]),
            ]
        )
    parts.append(table(rows, widths))
    summary = proposal["summary"]
    words = [f"{LEVEL_WORDS['vi'][code]}: <b>{summary[code]}</b>" for code in LEVELS]
    for key, label in (
        ("tied", "bằng phiếu ở ranh giới tỷ lệ, chờ bỏ phiếu thêm"),
        ("unresolved", "chưa xác định, chuyển cấp ủy cấp trên"),
        ("pending", "chờ kết quả xếp loại công chức, viên chức"),
    ):
        if summary[key]:
            words.append(f"{label}: <b>{summary[key]}</b>")
    parts.append(Spacer(1, 3))
    parts.append(Paragraph("Tổng hợp: " + "; ".join(words) + ".", s["item"]))
    for group in proposal["quota"]:
        who = group_words(group["group"])
        parts.append(
            Paragraph(
                f"Tỷ lệ hoàn thành xuất sắc nhiệm vụ của {e(who)}: {group['good']} đồng chí đạt "
                f"từ hoàn thành tốt nhiệm vụ trở lên, tối đa {group['max_excellent']} đồng chí "
                f"hoàn thành xuất sắc. Giữ mức xuất sắc: {_named(group['kept'])}. Đề xuất hoàn "
                f"thành tốt do vượt tỷ lệ: {_named(group['over'])}. Còn bằng phiếu ở ranh giới: "
                f"{_named(group['tied'])}.",
                s["note"],
            )
        )
    parts.append(
        Paragraph("Đây là đề xuất của chi bộ; cấp ủy cấp trên xem xét, quyết định.", s["item"])
    )
    return parts


def body_sections(minute: dict[str, Any], s: dict, width: float) -> tuple[list, str]:
    """Every section between the title and the fingerprint; returns them and the numeral of
    the next section."""
    numbers = iter(ROMAN)
    story: list = _intro(minute, s)
    story += _committee(minute, s, next(numbers))
    story += _roll(minute, s, next(numbers), width)
    story += _rules(minute, s, next(numbers))
    count = next(numbers)
    story.append(Paragraph(f"{count}. KẾT QUẢ KIỂM PHIẾU", s["h"]))
    for rnd in minute["rounds"]:
        if rnd["kind"] not in ("rating", "runoff"):
            story += [CondPageBreak(50 * mm), Paragraph(kind_title(rnd), s["h"])]
            story += kind_round(rnd, s, width)
            continue
        kind = "bỏ phiếu thêm ở ranh giới tỷ lệ" if rnd["kind"] == "runoff" else "đánh giá"
        title = f"Vòng {rnd['round']} ({kind})"
        story += _round(rnd, minute, s, width, title)
    if minute["proposal"]["subjects"]:
        story += _proposal(minute, s, next(numbers), width)
    return story, next(numbers)
