"""The rule engine: pure functions on plaintext counts that decide each member's level.

The rules of docs/RULES.md as code: base, quorum, the cumulative majority, the caps after the
vote, the excellent quota per group and the runoff at its boundary, all driven by a named,
versioned ``Profile`` — data, never code paths. Every outcome carries its working as structured
steps (``TraceStep``), from which ``tally.rules.wording`` renders the sentences.

    >>> from tally.rules import decide_json
    >>> votes = {"XS": 2, "TOT": 1, "HT": 0, "KHT": 0}
    >>> out = decide_json({"roll": {"official": 3, "excluded": 0, "present": 3},
    ...                    "subjects": [{"id": "a", "votes": votes}]})
    >>> out["subjects"][0]["level"]
    'XS'
"""

from tally.rules.arithmetic import Threshold, meets, required
from tally.rules.engine import decide, decide_json
from tally.rules.inputs import DEFAULT_GROUP, DecisionRequest, Roll, Subject, Votes, parse_request
from tally.rules.levels import LEVELS, Level
from tally.rules.options import BaseOption, QuorumOption, RuleOptions
from tally.rules.outcome import Decision, GroupResult, Status, SubjectDecision
from tally.rules.profiles import DEFAULT_PROFILE, PROFILES, Profile, get_profile
from tally.rules.quota import GroupQuota, QuotaMark
from tally.rules.trace import TraceStep

__all__ = [
    "DEFAULT_GROUP",
    "DEFAULT_PROFILE",
    "LEVELS",
    "PROFILES",
    "BaseOption",
    "Decision",
    "DecisionRequest",
    "GroupQuota",
    "GroupResult",
    "Level",
    "Profile",
    "QuorumOption",
    "QuotaMark",
    "Roll",
    "RuleOptions",
    "Status",
    "Subject",
    "SubjectDecision",
    "Threshold",
    "TraceStep",
    "Votes",
    "decide",
    "decide_json",
    "get_profile",
    "meets",
    "parse_request",
    "required",
]
