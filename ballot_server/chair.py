"""The chair's service: the meeting, the roster, attendance, who is rated, the committee, rounds.

Every change is one ``store.transaction()`` together with the signed event that records it
(round changes go through ``Rounds``, which does the same). Events carry only what the minute
shows about a member — name, official or probationary, the reason of an exclusion from the base
or of not being rated, attendance — never sick leave, discipline or civil-service ratings.

Plaintext tokens exist only in this process's memory (``ChairMemory``), for the print sheet and
the one-at-a-time screen, and only until voting opens: opening wipes them, so nobody at the
laptop can vote the cards nobody used. The database holds their hashes. A restart before opening
forgets them: the chair then re-issues all the cards at once (the old ones cancelled, logged).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ballot_server import convened, kind_rounds
from ballot_server.committee_links import CommitteeLinks, link_cards
from ballot_server.config import ServerConfig
from ballot_server.disk import storage_state
from ballot_server.errors import BadRequest, Conflict, NotFound
from ballot_server.key_ceremony import KeyCeremony
from ballot_server.meeting_options import current_options, set_options
from ballot_server.proposal import plan_runoff
from ballot_server.roster_import import RosterFile, read_roster
from ballot_server.rounds import MIN_COMMITTEE, MIN_THRESHOLD, Rounds
from ballot_server.store import Store
from tally.errors import RuleInputError, TallyError
from tally.manifest import RATING_OPTIONS, rating_manifest_json, runoff_manifest_json
from tally.minute import MEETING_FORM_FIELDS as MEETING_FIELDS
from tally.minute_sections import NOT_ON_BALLOT
from tally.roster import Attendance, Member, Roll, compute_roll
from tally.rules.options import RuleOptions
from tally.rules.profiles import DEFAULT_PROFILE, PROFILES, Profile, get_profile
from tally.token import token_hash

REQUIRED_MEETING_FIELDS = ("title", "cell", "date")
MAX_FIELD_CHARS = 300
MAX_COMMITTEE = 15
_HASH = re.compile(r"[0-9a-f]{64}")
_TIME = re.compile(r"([01]\d|2[0-3]):[0-5]\d")


@dataclass
class ChairMemory:
    """What the server keeps in memory only: plaintext tokens and committee links per round."""

    tokens: dict[int, dict[str, str]] = field(default_factory=dict)
    """round → token hash → token (until voting opens); printed and shown in random order."""
    committee: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    """round → [{"index", "name", "url"}] while the key ceremony runs."""


def question_id(member_id: int) -> str:
    """The manifest question id of a member being rated."""
    return f"m{member_id:03d}"


def voter_url(base_url: str, token: str, number: int) -> str:
    return f"{base_url.rstrip('/')}/v#t={token}&r={number}"


def committee_url(base_url: str, credential: str, number: int) -> str:
    return f"{base_url.rstrip('/')}/committee#c={credential}&r={number}"


class Chair:
    """The chair's actions over the meeting's ``Store`` and its ``Rounds``."""

    def __init__(
        self, store: Store, rounds: Rounds, config: ServerConfig, memory: ChairMemory
    ) -> None:
        self.store = store
        self.rounds = rounds
        self.config = config
        self.memory = memory

    # --- reading -------------------------------------------------------------------------------

    def meeting(self) -> dict[str, Any] | None:
        return self.store.setting("meeting")

    def profile(self) -> Profile:
        meeting = self.meeting() or {}
        return get_profile(meeting.get("profile") or None)

    def options(self) -> RuleOptions:
        """The options in force for this meeting: the profile's with the chair's choices."""
        return current_options(self.store, self.profile())

    def set_options(self, body: object) -> RuleOptions:
        """Choose the meeting's options within its profile (before the first round)."""
        return set_options(self.store, self.profile(), body)

    def meeting_date(self) -> date:
        meeting = self.meeting()
        return date.today() if meeting is None else date.fromisoformat(meeting["date"])

    def members(self) -> list[Member]:
        return [Member.from_json(data) for data in self.store.members()]

    def attendance(self) -> dict[int, Attendance]:
        return {i: Attendance(mark) for i, mark in self.store.attendance().items()}

    def roll(self) -> Roll:
        profile = self.profile()
        return compute_roll(
            self.members(),
            self.attendance(),
            self.meeting_date(),
            self.options(),
            min_months_since_admission=profile.min_months_since_admission,
        )

    def rated(self, roll: Roll | None = None) -> list[int]:
        """The members on the ballot: the chair's choice, or everyone rated under the rules."""
        chosen = self.store.setting("rated")
        roll = roll or self.roll()
        if chosen is None:
            return list(roll.rated)
        allowed = set(roll.rated)
        return [i for i in chosen if i in allowed]

    def rated_reasons(self) -> dict[str, str]:
        """Why each member rated under the rules but left off the ballot is left off."""
        roll = self.roll()
        on_ballot = set(self.rated(roll))
        given = self.store.setting("rated_reasons") or {}
        return {
            str(i): given.get(str(i)) or NOT_ON_BALLOT for i in roll.rated if i not in on_ballot
        }

    def committee(self) -> dict[str, Any] | None:
        """``{"member_ids", "threshold", "head", "approved"}`` (head: the Trưởng ban)."""
        committee = self.store.setting("committee")
        if committee is None:
            return None
        return {"head": committee["member_ids"][0], "approved": False, **committee}

    def _rounds(self) -> list[int]:
        return self.rounds.numbers()

    def _active_round(self) -> int | None:
        """The round whose ceremony or voting is under way (not yet closed), if any."""
        for number in self._rounds():
            if self.rounds.phase(number) not in ("closed", "counted", "abandoned"):
                return number
        return None

    def state(self, base_url: str) -> dict[str, Any]:
        """Everything the chair's page shows."""
        roll = self.roll()
        attendance = self.attendance()
        rounds = []
        for number in self._rounds():
            counts = self.rounds.token_counts(number)
            info: dict[str, Any] = {
                "round": number,
                "kind": self.rounds.manifest(number).round_kind.value,
                "phase": self.rounds.phase(number),
                "tokens": counts,
                "ballots": self.rounds.ballot_count(number),
                "tokens_in_memory": len(self.memory.tokens.get(number, {})),
                "override": self.store.result(number, "override") is not None,
            }
            if info["phase"] == "ceremony":
                info["committee"] = self._ceremony_links(number)
            rounds.append(info)
        return {
            "meeting": self.meeting(),
            "profiles": [
                {"label": p.label, "name": p.name, "version": p.version, "title": p.title}
                for p in PROFILES.values()
            ],
            "default_profile": DEFAULT_PROFILE.label,
            "roster": [
                m.to_json() | {"attendance": attendance.get(m.id, Attendance.UNKNOWN).value}
                for m in self.members()
            ],
            "roll": roll.to_json(),
            "rated": self.rated(roll),
            "rated_reasons": self.rated_reasons(),
            "options": self.options().as_json(),
            "profile_options": self.profile().options.as_json(),
            "committee": self.committee(),
            "collectives": self.store.setting("collectives") or [],
            "rounds": rounds,
            "convened": convened.current(self.store),
            "self_ratings": kind_rounds.self_rating_levels(self.store),
            "public_url": base_url,
            "storage": storage_state(Path(self.config.folder), self.config.low_disk_bytes),
        }

    def _ceremony_links(self, number: int) -> list[dict[str, Any]]:
        links = self.memory.committee.get(number, [])
        return link_cards(KeyCeremony(self.store, self.rounds).state(number)["trustees"], links)

    # --- setup ---------------------------------------------------------------------------------

    def _no_round_yet(self, what_vi: str, what_en: str) -> None:
        if self._rounds():
            raise Conflict(
                f"Đã bắt đầu vòng bỏ phiếu; không thể {what_vi}.",
                f"A round has started; cannot {what_en}.",
                code="round_started",
            )

    def no_active_round(self, what_vi: str, what_en: str) -> None:
        """``Conflict`` while a round's ceremony or voting is under way."""
        self._no_active_round(what_vi, what_en)

    def _no_active_round(self, what_vi: str, what_en: str) -> None:
        if self._active_round() is not None:
            raise Conflict(
                f"Vòng bỏ phiếu đang diễn ra; không thể {what_vi}.",
                f"A round is under way; cannot {what_en}.",
                code="round_active",
            )

    def set_meeting(self, data: object) -> dict[str, Any]:
        """Create or edit the meeting (before the first round)."""
        if not isinstance(data, dict):
            raise BadRequest("Cần một đối tượng JSON.", "Expected a JSON object.")
        unknown = set(data) - set(MEETING_FIELDS) - {"profile"}
        if unknown:
            raise BadRequest(
                f"Trường lạ: {', '.join(sorted(unknown))}.", f"Unknown fields: {sorted(unknown)}."
            )
        meeting: dict[str, Any] = {}
        for name in MEETING_FIELDS:
            value = data.get(name, "")
            if not isinstance(value, str) or len(value) > MAX_FIELD_CHARS:
                raise BadRequest(f"Trường «{name}» không hợp lệ.", f"Invalid field {name!r}.")
            meeting[name] = " ".join(value.split())
            if name in REQUIRED_MEETING_FIELDS and not meeting[name]:
                raise BadRequest(f"Thiếu trường «{name}».", f"Missing field {name!r}.")
        if meeting["start_time"] and not _TIME.fullmatch(meeting["start_time"]):
            raise BadRequest(
                "Giờ khai mạc không hợp lệ (cần HH:MM).", "Invalid start_time (HH:MM)."
            )
        try:
            date.fromisoformat(meeting["date"])
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", meeting["date"]):
                raise ValueError
        except ValueError:
            raise BadRequest(
                "Ngày họp không hợp lệ (cần dạng YYYY-MM-DD).", "Invalid date (YYYY-MM-DD)."
            ) from None
        try:
            profile = get_profile(data.get("profile", DEFAULT_PROFILE.label))
        except RuleInputError:
            raise BadRequest(
                "Không có bộ quy tắc này.",
                f"Unknown profile; known: {', '.join(p.label for p in PROFILES.values())}.",
            ) from None
        meeting["profile"] = profile.label
        self._no_round_yet("sửa thông tin cuộc họp", "edit the meeting")
        previous = self.meeting()
        meeting["id"] = previous["id"] if previous else f"hop-{secrets.token_hex(4)}"
        with self.store.transaction() as store:
            store.set_setting("meeting", meeting)
            store.append_event("meeting-set", {"meeting": meeting})
        return meeting

    def import_roster(self, data: bytes, kind: str) -> RosterFile:
        """Replace the roster with the file's members (before the first round); resets
        attendance, the rated choice and the committee. ``RosterInvalid`` if any row is bad.
        Returns the members and the notices about what the file had that was skipped."""
        self._no_round_yet("nhập lại danh sách", "replace the roster")
        meeting = self.meeting()
        roster = read_roster(data, kind, None if meeting is None else self.meeting_date())
        members = roster.members
        official = sum(1 for m in members if m.official)
        with self.store.transaction() as store:
            store.replace_members([(member.id, member.to_json()) for member in members])
            store.set_setting("rated", None)
            store.set_setting("committee", None)
            store.append_event(
                "roster-imported",
                {
                    "members": [
                        {"id": m.id, "name": m.name, "membership": m.membership.value}
                        for m in members
                    ],
                    "official": official,
                    "probationary": len(members) - official,
                },
            )
        return roster

    def _member_ids(self, raw: object, name: str) -> list[int]:
        if not isinstance(raw, list) or not all(
            isinstance(i, int) and not isinstance(i, bool) for i in raw
        ):
            raise BadRequest(f"«{name}» phải là danh sách số.", f"{name!r} must be integers.")
        if len(set(raw)) != len(raw):
            raise BadRequest("Danh sách bị trùng.", f"{name!r} has duplicates.")
        known = {m.id for m in self.members()}
        missing = [i for i in raw if i not in known]
        if missing:
            raise NotFound(
                f"Không có đảng viên số {missing[0]}.", f"No member with id {missing[0]}."
            )
        return raw

    def set_attendance(self, marks: object) -> Roll:
        """Mark who is present; refused once tokens are issued (unless all were cancelled)."""
        if not isinstance(marks, dict) or not marks:
            raise BadRequest("Cần danh sách điểm danh.", "Expected an attendance object.")
        changes: dict[int, Attendance] = {}
        allowed = (Attendance.PRESENT, Attendance.ABSENT_EXCUSED, Attendance.ABSENT)
        for key, value in marks.items():
            if not isinstance(key, str) or not key.isdecimal() or len(key) > 6:
                raise BadRequest("Mã đảng viên không hợp lệ.", f"Invalid member id {key!r}.")
            if value not in [a.value for a in allowed]:
                raise BadRequest(
                    "Trạng thái điểm danh không hợp lệ.",
                    "Attendance must be present, absent_excused or absent.",
                )
            changes[int(key)] = Attendance(value)
        self._member_ids(list(changes), "attendance")
        for number in self._rounds():
            counts = self.rounds.token_counts(number)
            if counts["issued"] + counts["spent"]:
                raise Conflict(
                    "Đã phát phiếu; muốn sửa điểm danh phải hủy các phiếu chưa dùng trước.",
                    "Tokens have been issued; cancel them before changing attendance.",
                    code="tokens_issued",
                )
        with self.store.transaction() as store:
            for member_id, mark in changes.items():
                store.set_attendance(member_id, mark.value)
            roll = self.roll()
            store.append_event(
                "attendance",
                {
                    "attendance": {str(i): m.value for i, m in sorted(changes.items())},
                    "roll": roll.summary(),
                },
            )
        return roll

    def set_rated(self, raw: object, reasons_raw: object = None) -> list[int]:
        """Choose who is on the ballot, among those rated under the rules; ``reasons_raw``
        (``{"<id>": "text"}``) says why a member is left off (the minute prints it)."""
        ids = self._member_ids(raw, "member_ids")
        left_off = self._left_off_reasons(reasons_raw)
        if not ids:
            raise BadRequest("Cần ít nhất một người được đánh giá.", "Nobody would be rated.")
        self._no_active_round("đổi danh sách được đánh giá", "change who is rated")
        roll = self.roll()
        reasons = dict(roll.not_rated)
        for member_id in ids:
            if member_id in reasons:
                raise BadRequest(
                    f"Đảng viên số {member_id} không thuộc diện đánh giá "
                    f"({reasons[member_id].value}).",
                    f"Member {member_id} is not rated: {reasons[member_id].value}.",
                    code="not_rated",
                )
        ordered = [i for i in roll.rated if i in set(ids)]
        left_off = {k: v for k, v in left_off.items() if int(k) in roll.rated and int(k) not in ids}
        with self.store.transaction() as store:
            store.set_setting("rated", ordered)
            store.set_setting("rated_reasons", left_off)
            store.append_event("rated-set", {"rated": ordered, "reasons": left_off})
        return ordered

    def _left_off_reasons(self, raw: object) -> dict[str, str]:
        if raw is None:
            return {}
        if not isinstance(raw, dict) or not all(
            isinstance(k, str) and k.isdecimal() and isinstance(v, str) for k, v in raw.items()
        ):
            raise BadRequest(
                "«reasons» phải là {mã đảng viên: lý do}.", "'reasons' must map ids to text."
            )
        self._member_ids([int(k) for k in raw], "reasons")
        reasons = {}
        for key, text in raw.items():
            text = " ".join(text.split())
            if len(text) > MAX_FIELD_CHARS:
                raise BadRequest("Lý do quá dài.", f"Reason for {key} too long.")
            if text:
                reasons[str(int(key))] = text
        return reasons

    def collectives(self) -> dict[str, str]:
        """The level of each collective that a member heads (for the cap: not above it)."""
        return {c["name"]: c["level"] for c in self.store.setting("collectives") or []}

    def set_collectives(self, raw: object) -> dict[str, str]:
        """Record the collectives' levels (e.g. the cell's or a department's own rating), given
        as ``[{"name", "level"}]`` or ``[{"name", "from_round"}]`` (the level the cell voted for
        itself in that counted self-rating round); names are Vietnamese, so not JSON keys.

        Only collectives that a roster member heads can be named; the rules read them when the
        round is counted, and the decisions event logs what was used.
        """
        if not isinstance(raw, list) or not all(
            isinstance(c, dict) and set(c) in ({"name", "level"}, {"name", "from_round"})
            for c in raw
        ):
            raise BadRequest(
                "Cần danh sách [{name, level}] hoặc [{name, from_round}].",
                "Expected a list of {name, level} or {name, from_round}.",
            )
        voted = {entry["round"]: entry for entry in kind_rounds.self_rating_levels(self.store)}
        headed = {m.heads for m in self.members() if m.heads}
        levels, sources = {}, {}
        for entry in raw:
            name = entry["name"]
            if "from_round" in entry:
                number = entry["from_round"]
                found = None if isinstance(number, bool) else voted.get(number)
                if found is None or found["level"] is None:
                    raise BadRequest(
                        "Vòng này không phải vòng chi bộ tự xếp loại đã có kết quả.",
                        f"Round {entry['from_round']!r} is no counted self-rating with a level.",
                        code="no_self_rating",
                    )
                level = found["level"]
                sources[name] = entry["from_round"]
            else:
                level = entry["level"]
            if name not in headed:
                raise BadRequest(
                    f"Không có đảng viên nào đứng đầu «{name}».",
                    f"No member heads {name!r}.",
                    code="unknown_collective",
                )
            if level not in RATING_OPTIONS:
                raise BadRequest(
                    f"Mức của «{name}» phải là XS, TOT, HT hoặc KHT.",
                    f"The level of {name!r} must be XS, TOT, HT or KHT.",
                )
            levels[name] = level
        listed = [
            {
                "name": name,
                "level": level,
                **({"from_round": sources[name]} if name in sources else {}),
            }
            for name, level in sorted(levels.items())
        ]
        with self.store.transaction() as store:
            store.set_setting("collectives", listed)
            store.append_event("collectives-set", {"collectives": listed})
        return levels

    def set_committee(
        self, raw_ids: object, threshold: object, head: object = None, approved: object = False
    ) -> dict[str, Any]:
        """Name the counting committee (official members, not suspended), its threshold, its
        head (the Trưởng ban, chosen by the chair; default the first named) and whether the
        meeting has approved it (a round starts only with an approved committee)."""
        ids = self._member_ids(raw_ids, "member_ids")
        if not MIN_COMMITTEE <= len(ids) <= MAX_COMMITTEE:
            raise BadRequest(
                f"Ban kiểm phiếu cần từ {MIN_COMMITTEE} đến {MAX_COMMITTEE} người.",
                f"The committee needs {MIN_COMMITTEE} to {MAX_COMMITTEE} members.",
                code="committee_too_small",
            )
        if isinstance(threshold, bool) or not isinstance(threshold, int):
            raise BadRequest("Ngưỡng phải là số nguyên.", "Threshold must be an integer.")
        if not MIN_THRESHOLD <= threshold <= len(ids):
            raise BadRequest(
                f"Ngưỡng phải từ {MIN_THRESHOLD} đến {len(ids)}: không ai được một mình giải mã.",
                f"Threshold must be {MIN_THRESHOLD}..{len(ids)}: nobody decrypts alone.",
                code="committee_too_small",
            )
        head = ids[0] if head is None else head
        if isinstance(head, bool) or head not in ids:
            raise BadRequest(
                "Trưởng ban phải là một thành viên của Ban kiểm phiếu.",
                "'head' must be one of member_ids.",
                code="bad_head",
            )
        if not isinstance(approved, bool):
            raise BadRequest("«approved» phải là true hoặc false.", "'approved' must be a boolean.")
        self._no_active_round("đổi ban kiểm phiếu", "change the committee")
        by_id = {m.id: m for m in self.members()}
        for member_id in ids:
            member = by_id[member_id]
            if not member.official or member.suspended.value == "party":
                raise BadRequest(
                    f"{member.name} không thể vào ban kiểm phiếu (cần đảng viên chính thức).",
                    f"Member {member_id} cannot serve (must be official, not suspended).",
                )
        ordered = [head, *(i for i in ids if i != head)]
        committee = {
            "member_ids": ordered,
            "threshold": threshold,
            "head": head,
            "approved": approved,
        }
        with self.store.transaction() as store:
            store.set_setting("committee", committee)
            store.append_event(
                "committee-set",
                {
                    "members": [{"id": i, "name": by_id[i].name} for i in ordered],
                    "threshold": threshold,
                    "head": {"id": head, "name": by_id[head].name},
                    "approved_by_meeting": approved,
                },
            )
        return committee

    # --- rounds ------------------------------------------------------------------------------

    def _manifest_meeting(self, meeting: dict[str, Any]) -> dict[str, Any]:
        """What every round's manifest says about the meeting, its rules and their options."""
        return {
            "id": meeting["id"],
            "title": meeting["title"],
            "cell": meeting["cell"],
            "date": meeting["date"],
            "place": meeting["place"],
            "profile": self.profile().label,
            "options": self.options().as_json(),
        }

    def _runoff_manifest(self, meeting: dict[str, Any], number: int) -> tuple[dict, dict, int]:
        """The runoff the last counted round calls for: (manifest, subjects, source round)."""
        names = {m.id: m.name for m in self.members()}
        subjects_of = {n: self.rounds.row(n)["subjects"] for n in self.store.round_numbers()}
        plan = plan_runoff(self.store, subjects_of, names)
        source = self.rounds.manifest(plan.source).data
        manifest = runoff_manifest_json(
            {**self._manifest_meeting(meeting), "options": source["meeting"].get("options")},
            plan.questions,
            [m["name"] for m in source["committee"]["members"]],
            threshold=source["committee"]["threshold"],
            round_number=number,
        )
        if manifest["meeting"]["options"] is None:
            del manifest["meeting"]["options"]
        return manifest, {"subjects": plan.subjects, "groups": plan.groups}, plan.source

    def _keys_to_reuse(self, manifest: dict[str, Any]) -> int | None:
        """The last round whose committee keys a new round can reuse (the same committee and
        threshold, its ceremony finished), or ``None`` for a new key ceremony."""
        for number in reversed(self._rounds()):
            previous = self.rounds.row(number)
            if previous["election"] is None:
                continue
            same = previous["manifest"]["committee"] == manifest["committee"]
            return number if same else None
        return None

    def start_round(
        self,
        base_url: str,
        runoff: bool = False,
        kind: str = "rating",
        spec: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Fix the manifest from the meeting and the rated members; start the key ceremony.

        With ``runoff``, a further round among the members tied at a quota boundary only, for
        the places the earlier rounds left (one question per tied group, choose up to the
        places), with the same committee keys (no new ceremony). With another ``kind``
        (``confidence``, ``self_rating``, ``approval``; ``spec`` says what it asks), a round of
        that kind (``kind_rounds``). A round after one whose key ceremony is finished reuses
        that committee's keys when the committee is the same: one meeting, one election key.
        """
        meeting = self.meeting()
        if meeting is None:
            raise Conflict("Chưa tạo cuộc họp.", "Create the meeting first.", code="no_meeting")
        committee = self.committee()
        if committee is None:
            raise Conflict(
                "Chưa chọn ban kiểm phiếu.", "Name the committee first.", code="no_committee"
            )
        if not committee["approved"]:
            raise Conflict(
                "Hội nghị chưa biểu quyết thông qua Ban kiểm phiếu.",
                "The meeting has not approved the committee yet.",
                code="committee_not_approved",
            )
        self._no_active_round("bắt đầu vòng mới", "start another round")
        roll = self.roll()
        number = (self.rounds.current() or 0) + 1
        by_id = {m.id: m for m in self.members()}
        source, runoff_groups, extra = None, None, {}
        if runoff:
            manifest, plan, source = self._runoff_manifest(meeting, number)
            subjects, runoff_groups = plan["subjects"], plan["groups"]
        elif kind != "rating":
            frame = {
                "meeting": self._manifest_meeting(meeting),
                "committee": [by_id[i].name for i in committee["member_ids"]],
                "threshold": committee["threshold"],
                "round": number,
            }
            planned = kind_rounds.plan(self, kind, spec or {}, frame)
            manifest, subjects, extra = planned.manifest, planned.subjects, planned.roll_extra
            source = self._keys_to_reuse(manifest)
        else:
            rated = self.rated(roll)
            if not rated:
                raise Conflict(
                    "Không có ai được đánh giá.", "Nobody is rated.", code="nobody_rated"
                )
            ids = [question_id(i) for i in rated]
            manifest = rating_manifest_json(
                self._manifest_meeting(meeting),
                [(question_id(i), by_id[i].name) for i in rated],
                [by_id[i].name for i in committee["member_ids"]],
                threshold=committee["threshold"],
                round_number=number,
                blank_allowed=ids if self.options().blank_allowed else (),
            )
            subjects = {question_id(i): i for i in rated}
            source = self._keys_to_reuse(manifest)
        credentials = self.rounds.start(manifest, subjects, reuse_keys_from=source)
        summary = roll.summary()
        summary["rated_reasons"] = self.rated_reasons()
        body: dict[str, Any] = {
            "round": number,
            "subjects": subjects,
            "roll": summary,
            "runoff_of": source if runoff else None,
            **extra,
        }
        if runoff_groups is not None:
            body["runoff_groups"] = runoff_groups
        with self.store.transaction() as store:
            if "convened" in extra:
                convened.fix_for_round(store, number, extra["convened"])
            store.append_event("round-roll", body)
        if runoff:
            return {"round": number, "committee": [], "runoff_of": source}
        if source is not None:
            return {"round": number, "committee": [], "keys_of_round": source}
        links = [
            {
                "index": index,
                "name": by_id[committee["member_ids"][index - 1]].name,
                "url": committee_url(base_url, credential, number),
            }
            for index, credential in sorted(credentials.items())
        ]
        self.memory.committee[number] = links
        return {"round": number, "committee": links}

    def reissue_link(self, number: int, index: int, base_url: str) -> dict[str, Any]:
        """A fresh link for committee member ``index`` during the ceremony (logged; the old one
        stops working, and an unannounced claim is released)."""
        links = CommitteeLinks(KeyCeremony(self.store, self.rounds))
        credential = links.reissue(number, index)
        names = self.rounds.manifest(number).data["committee"]["members"]
        link = {
            "index": index,
            "name": names[index - 1].get("name", ""),
            "url": committee_url(base_url, credential, number),
        }
        kept = [c for c in self.memory.committee.get(number, []) if c["index"] != index]
        self.memory.committee[number] = sorted([*kept, link], key=lambda c: c["index"])
        return link

    def abandon_ceremony(self, number: int, reason: object) -> None:
        """Give up a round's key ceremony (logged with the reason); a new round may follow."""
        CommitteeLinks(KeyCeremony(self.store, self.rounds)).abandon(number, reason)
        self.memory.committee.pop(number, None)

    def issue_tokens(self, number: int, count: object, base_url: str) -> dict[str, Any]:
        """Issue tokens; by default as many as official members present entitled to vote who
        have none yet. The plaintext stays in memory only."""
        voters = kind_rounds.electorate(self, number).voters
        counts = self.rounds.token_counts(number)
        if count is None:
            count = voters - counts["issued"] - counts["spent"]
            if count <= 0:
                raise Conflict(
                    f"Đã phát đủ {voters} phiếu cho người được bỏ phiếu.",
                    f"All {voters} voters already have a token.",
                    code="enough_tokens",
                )
        elif isinstance(count, bool) or not isinstance(count, int):
            raise BadRequest("Số phiếu phải là số nguyên.", "count must be an integer.")
        tokens = self.rounds.issue_tokens(number, count)
        memory = self.memory.tokens.setdefault(number, {})
        for token in tokens:
            memory[token_hash(token).hex()] = token
        return {"tokens": tokens, "urls": [voter_url(base_url, t, number) for t in tokens]}

    def reissue_tokens(self, number: int, base_url: str) -> dict[str, Any]:
        """Before voting opens, replace every unused card at once (after a restart forgot their
        plaintext, or to start the cards afresh): the old tokens are cancelled (logged) and as
        many new ones issued as the round has voters (``kind_rounds.electorate``: the official
        members present entitled to vote, or those convened who are present)."""
        counts = self.rounds.token_counts(number)
        count = kind_rounds.electorate(self, number).voters - counts["spent"]
        if count <= 0:
            raise Conflict("Không có ai cần phiếu.", "Nobody needs a token.", code="no_voters")
        tokens, cancelled = self.rounds.reissue_tokens(number, count)
        memory = self.memory.tokens[number] = {}
        for token in tokens:
            memory[token_hash(token).hex()] = token
        return {
            "tokens": tokens,
            "urls": [voter_url(base_url, t, number) for t in tokens],
            "cancelled": len(cancelled),
        }

    def cancel_token(self, number: int, body: object) -> str | list[str]:
        """Void an unused token given as ``{"token"}`` or ``{"token_hash"}``, or every unused
        token with ``{"all_unused": true}``; logged. Returns the hash(es)."""
        if not isinstance(body, dict):
            raise BadRequest("Cần một đối tượng JSON.", "Expected a JSON object.")
        if body.get("all_unused") is True:
            hashes = self.rounds.cancel_unused(number)
            self.memory.tokens.pop(number, None)
            return hashes
        if isinstance(body.get("token"), str):
            try:
                digest = token_hash(body["token"]).hex()
            except TallyError:
                raise BadRequest("Mã phiếu không hợp lệ.", "Malformed token.") from None
        elif isinstance(body.get("token_hash"), str) and _HASH.fullmatch(body["token_hash"]):
            digest = body["token_hash"]
        else:
            raise BadRequest("Cần «token» hoặc «token_hash».", "Give token or token_hash.")
        self.rounds.cancel_token(number, digest)
        self.memory.tokens.get(number, {}).pop(digest, None)
        return digest

    def open_voting(self, number: int) -> None:
        """Open voting: quorum met (of those convened, for a confidence vote) and no more unused
        tokens than voters."""
        voters = kind_rounds.electorate(self, number)
        if not voters.quorum_met:
            of = "người được triệu tập" if voters.convened else "cơ sở"
            raise Conflict(
                f"Không đủ túc số: có mặt {voters.voters}, cần ít nhất "
                f"{voters.required} trên {of} {voters.base}.",
                f"No quorum: {voters.voters} present, {voters.required} needed.",
                code="no_quorum",
            )
        issued = self.rounds.token_counts(number)["issued"]
        if issued > voters.voters:
            raise Conflict(
                f"Đã phát {issued} phiếu, nhiều hơn {voters.voters} người được bỏ phiếu; "
                "hãy hủy các phiếu dư.",
                f"{issued} tokens for {voters.voters} voters; cancel the spare ones.",
                code="too_many_tokens",
            )
        self.rounds.open_voting(number)
        self.memory.committee.pop(number, None)
        self.memory.tokens.pop(number, None)  # no plaintext token outlives the opening

    def close_voting(self, number: int, confirm: object) -> dict[str, Any]:
        """Close voting (the chair must confirm); the plaintext tokens are forgotten."""
        if confirm is not True:
            raise BadRequest(
                "Cần xác nhận để kết thúc bỏ phiếu.",
                'Closing needs {"confirm": true}.',
                code="confirm_required",
            )
        aggregate = self.rounds.close_voting(number)
        self.memory.tokens.pop(number, None)
        return {"round": number, "ballots": aggregate.ballot_count}

    def tokens_in_memory(self, number: int) -> list[str]:
        """The unused tokens of a round still in memory, in a fresh random order (the order of
        the cards must not follow the order of issue). Refused once voting has opened."""
        phase = self.rounds.phase(number)
        if phase == "ceremony":
            raise Conflict(
                "Chưa phát phiếu: ban kiểm phiếu chưa tạo xong khóa.",
                "No tokens yet: the committee's key ceremony is not finished.",
                code="phase_ceremony",
            )
        if phase != "ready":
            raise Conflict(
                "Đã mở bỏ phiếu: mã phiếu đã bị xóa khỏi máy chủ, không in hay chiếu được nữa.",
                "Voting has opened: the tokens were wiped; they can no longer be printed or shown.",
                code="tokens_wiped",
            )
        memory = self.memory.tokens.get(number, {})
        issued = set(self.store.token_hashes(number, "issued"))
        unused = [token for digest, token in memory.items() if digest in issued]
        secrets.SystemRandom().shuffle(unused)
        return unused
