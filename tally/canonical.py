"""Canonical JSON (PROTOCOL.md §3): the one byte encoding of every hashed or signed object."""

from __future__ import annotations

import json
from typing import Any

from tally.errors import EncodingError, FormatError

MAX_SAFE_INTEGER = 2**53 - 1


def _check(value: Any, path: str) -> None:
    if value is None or isinstance(value, bool):
        return
    if isinstance(value, int):
        if abs(value) > MAX_SAFE_INTEGER:
            raise EncodingError("integer out of the safe range", field=path)
        return
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise EncodingError("string has a lone surrogate", field=path) from None
        return
    if isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            _check(item, f"{path}[{index}]")
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str) or not key.isascii():
                raise EncodingError("object keys must be ASCII strings", field=path)
            _check(item, f"{path}.{key}" if path else key)
        return
    raise EncodingError(f"type {type(value).__name__} has no canonical form", field=path)


def canonical_json(value: Any) -> bytes:
    """Encode ``value`` as canonical JSON bytes; raise ``EncodingError`` if it has no such form."""
    _check(value, "")
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.encode("utf-8")


def _reject_float(text: str) -> Any:
    raise EncodingError(f"floats are not allowed ({text})")


def _reject_constant(text: str) -> Any:
    raise EncodingError(f"{text} is not JSON")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise EncodingError(f"duplicate key {key!r}")
        result[key] = value
    return result


def parse_json(data: bytes | str) -> Any:
    """Parse JSON strictly: no floats, no NaN, no duplicate keys, safe integers only."""
    try:
        value = json.loads(
            data,
            parse_float=_reject_float,
            parse_constant=_reject_constant,
            object_pairs_hook=_unique_keys,
        )
    except (ValueError, RecursionError) as error:
        if isinstance(error, EncodingError):
            raise
        raise EncodingError(f"not valid JSON: {error}") from None
    _check(value, "")
    return value


def is_integer(value: object) -> bool:
    """True for a JSON integer; False for booleans, which Python counts as integers."""
    return isinstance(value, int) and not isinstance(value, bool)


def strict_hex(value: object, length: int, field: str) -> bytes:
    """Decode exactly ``length`` bytes of lowercase hex, or raise ``FormatError``."""
    if (
        not isinstance(value, str)
        or len(value) != 2 * length
        or any(ch not in "0123456789abcdef" for ch in value)
    ):
        raise FormatError(f"expected {length} bytes of lowercase hex", field=field)
    return bytes.fromhex(value)


def check_header(data: object, kind: str, subject: str) -> dict:
    """Require a JSON object with ``"version": 1`` and the given ``kind``."""
    if not isinstance(data, dict):
        raise FormatError("expected a JSON object", field=subject)
    if data.get("version") != 1 or isinstance(data.get("version"), bool):
        raise FormatError(f"unknown version {data.get('version')!r}", field=f"{subject}.version")
    if data.get("kind") != kind:
        raise FormatError(f"expected kind {kind!r}", field=f"{subject}.kind")
    return data


def require_keys(data: object, keys: frozenset[str] | set[str], subject: str) -> dict:
    """Require a JSON object with exactly ``keys``: no missing and no unknown fields."""
    if not isinstance(data, dict):
        raise FormatError("expected a JSON object", field=subject)
    missing, unknown = keys - data.keys(), data.keys() - keys
    if missing:
        raise FormatError(f"missing {', '.join(sorted(missing))}", field=subject)
    if unknown:
        raise FormatError(f"unknown field {', '.join(sorted(unknown))}", field=subject)
    return data
