"""Command-line entry points of the audit package (``phieukin rules …``, later ``verify``).

The commands are a thin shell over ``tally``: read a file, call the library, print JSON. Exit
codes: 0 when the output was printed (a vote below quorum is still an answer: ``valid`` is
false), 2 when the input cannot be used, with one line on stderr naming the field at fault.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from tally.errors import RuleInputError
from tally.rules import PROFILES, decide_json

EXIT_INVALID_INPUT = 2

DECIDE_DESCRIPTION = """\
Apply the rating rules (docs/RULES.md) to decrypted counts and print the decision as JSON.
Input: {"profile"?, "options"?, "roll", "collectives"?, "subjects"}, or for a runoff
{"profile"?, "options"?, "roll", "runoff", "subjects"} (see README, docs/RULES.md).
Output: {"valid", "base", "quorum_required", "subjects", "quota"}, each subject with its
steps and its trace (the steps as sentences).
Other kinds of round name theirs ("kind" absent = the rating): "confidence" (tín nhiệm cao /
tín nhiệm / tín nhiệm thấp among those convened), "approval" (yes/no decisions) and
"self_rating" (the cell's score and level); see docs/RULES.md §6.
Exit 0 with the decision, 2 on invalid input with a one-line error naming the field."""


class _DuplicateKey(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _reject_duplicate_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
    result: dict[str, object] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(key)
        result[key] = value
    return result


def _fail(message: str) -> int:
    one_line = " ".join(message.split("\n"))
    print(f"phieukin rules decide: {one_line}", file=sys.stderr)
    return EXIT_INVALID_INPUT


def _print_json(value: object) -> None:
    text = json.dumps(value, ensure_ascii=False, indent=2) + "\n"
    sys.stdout.flush()
    sys.stdout.buffer.write(text.encode("utf-8"))
    sys.stdout.buffer.flush()


def run_decide(args: argparse.Namespace) -> int:
    """``phieukin rules decide FILE``: read JSON from FILE (``-`` = stdin), print the decision."""
    try:
        if args.file == "-":
            text = sys.stdin.buffer.read().decode("utf-8")
        else:
            text = Path(args.file).read_text(encoding="utf-8")
    except OSError as error:
        return _fail(f"FILE: cannot read {args.file!r}: {error.strerror or error}")
    except UnicodeDecodeError:
        return _fail("FILE: not UTF-8 text")
    try:
        data = json.loads(text, object_pairs_hook=_reject_duplicate_keys)
    except _DuplicateKey as error:
        return _fail(f"invalid input: {error.key}: duplicate key")
    except json.JSONDecodeError as error:
        return _fail(
            f"FILE: not valid JSON (line {error.lineno}, column {error.colno}): {error.msg}"
        )
    try:
        decision = decide_json(data)
    except RuleInputError as error:
        return _fail(f"invalid input: {error}")
    _print_json(decision)
    return 0


def run_profiles(args: argparse.Namespace) -> int:
    """``phieukin rules profiles``: print every profile: name, version, title, documents, the
    year it applies from, options, the regulation behind each rule, and the notes."""
    _print_json([profile.as_json() for profile in PROFILES.values()])
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the audit commands to the ``phieukin`` parser."""
    from audit import verify_cli

    verify_cli.register(subparsers)
    rules = subparsers.add_parser(
        "rules",
        help="apply the rating rules to decrypted counts",
        description="The rule engine (tally.rules, docs/RULES.md) on plaintext counts.",
    )
    commands = rules.add_subparsers(dest="rules_command", required=True, metavar="COMMAND")
    decide = commands.add_parser(
        "decide",
        help="decide each member's level from counts given as JSON",
        description=DECIDE_DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    decide.add_argument("file", metavar="FILE", help="the input JSON file, or - for stdin")
    decide.set_defaults(func=run_decide)
    profiles = commands.add_parser(
        "profiles", help="list the rule profiles", description="Print every rule profile as JSON."
    )
    profiles.set_defaults(func=run_profiles)
