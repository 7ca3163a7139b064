"""How names are compared across records: an organisation, a group of equivalent positions.

Cells type these names themselves, so the same body can be spelt "Đảng bộ Sở Tài chính" in one
minute and "đảng ủy sở Tài  chính" in another. Two names are the same when their keys are equal:
Unicode NFC, runs of white space as one space, case folded, and — for an organisation — a
leading "Đảng bộ" / "Đảng ủy" / "Đảng uỷ" dropped (the organisation and its committee name the
same body). docs/REPORT.md states this as an assumption.
"""

from __future__ import annotations

import unicodedata

ORGANISATION_PREFIXES = ("đảng bộ ", "đảng ủy ", "đảng uỷ ")


def text_key(text: object) -> str:
    """NFC, white space collapsed, case folded: the key of a group label."""
    if not isinstance(text, str):
        return ""
    return " ".join(unicodedata.normalize("NFC", text).split()).casefold()


def organisation_key(text: object) -> str:
    """The key of an organisation's name: ``text_key`` without the "Đảng bộ"/"Đảng ủy" word."""
    key = text_key(text)
    for prefix in ORGANISATION_PREFIXES:
        if key.startswith(prefix):
            return key[len(prefix) :]
    return key


def same_organisation(a: object, b: object) -> bool:
    """Whether two names name the same organisation (and neither is empty)."""
    key = organisation_key(a)
    return bool(key) and key == organisation_key(b)
