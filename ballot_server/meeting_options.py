"""The options the chair chooses for the meeting, within its rule profile (docs/RULES.md §3).

The base, the quorum, cumulative or not, the threshold of each level, the reading of "good" and
whether a ballot may leave a member blank. The chair sends only what differs from the profile
(the same ``options`` object as ``phieukin rules decide``); the overrides are kept, logged
(``options-set``, with the options in force in full), fixed in every round's manifest
(``meeting.options``) and given to the rules, so the verifier re-applies exactly them. They can
change only before the first round.
"""

from __future__ import annotations

from typing import Any

from ballot_server.errors import BadRequest, Conflict
from ballot_server.store import Store
from tally.errors import RuleInputError
from tally.rules.options import RuleOptions
from tally.rules.profile_model import Profile
from tally.rules.request_options import parse_options

SETTING = "options"


def current_options(store: Store, profile: Profile) -> RuleOptions:
    """The options in force: the profile's, with the chair's overrides."""
    return parse_options(store.setting(SETTING) or None, profile.options)


def set_options(store: Store, profile: Profile, body: object) -> RuleOptions:
    """Validate and keep the chair's overrides (``{}`` returns to the profile's options)."""
    if store.round_numbers():
        raise Conflict(
            "Đã bắt đầu vòng bỏ phiếu; không thể đổi cách tính.",
            "A round has started; the options cannot change.",
            code="round_started",
        )
    if not isinstance(body, dict):
        raise BadRequest("Cần một đối tượng JSON.", "Expected a JSON object.")
    try:
        options = parse_options(body, profile.options)
    except RuleInputError as error:
        raise BadRequest(
            f"Tùy chọn không hợp lệ ({error.field}).", f"Invalid option: {error}"
        ) from None
    overrides: dict[str, Any] = {key: value for key, value in body.items() if key != "thresholds"}
    thresholds = body.get("thresholds")
    if thresholds:
        overrides["thresholds"] = dict(sorted(thresholds.items()))
    with store.transaction() as tx:
        tx.set_setting(SETTING, overrides)
        tx.append_event(
            "options-set",
            {"profile": profile.label, "overrides": overrides, "options": options.as_json()},
        )
    return options
