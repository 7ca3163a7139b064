"""Canonical JSON (PROTOCOL.md §3), object headers, and voting tokens (§6)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from nacl.signing import SigningKey

from tally.canonical import (
    MAX_SAFE_INTEGER,
    canonical_json,
    check_header,
    parse_json,
    require_keys,
)
from tally.crypto.hashing import hash32
from tally.errors import EncodingError, FormatError
from tally.token import (
    ALPHABET,
    TOKEN_LENGTH,
    base32_encode,
    generate_token,
    normalize_token,
    token_hash,
    token_key,
)

FEW = settings(max_examples=30, deadline=None)

# Text without lone surrogates (category Cs), which canonical JSON refuses.
texts = st.text(st.characters(exclude_categories=("Cs",)), max_size=12)
safe_ints = st.integers(min_value=-MAX_SAFE_INTEGER, max_value=MAX_SAFE_INTEGER)
ascii_keys = st.text(st.characters(min_codepoint=0, max_codepoint=127), max_size=8)
json_values = st.recursive(
    st.none() | st.booleans() | safe_ints | texts,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(ascii_keys, children, max_size=4)
    ),
    max_leaves=12,
)


# --- canonical JSON ----------------------------------------------------------------------------


@FEW
@given(json_values)
def test_round_trip(value):
    encoded = canonical_json(value)
    assert parse_json(encoded) == value
    assert canonical_json(parse_json(encoded)) == encoded
    assert parse_json(encoded.decode("utf-8")) == value


@FEW
@given(json_values)
def test_encoding_is_the_documented_python_form(value):
    expected = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert canonical_json(value) == expected.encode("utf-8")


@FEW
@given(st.dictionaries(ascii_keys, safe_ints, min_size=2, max_size=6))
def test_key_order_does_not_change_the_bytes(mapping):
    reversed_mapping = dict(reversed(list(mapping.items())))
    assert canonical_json(reversed_mapping) == canonical_json(mapping)


def test_exact_bytes_for_escapes_and_vietnamese_text():
    value = {"b": 'Nguyễn "A"\\\n\t\x01\x1f\x7f', "a": [1, True, None]}
    expected = '{"a":[1,true,null],"b":"Nguyễn \\"A\\"\\\\\\n\\t\\u0001\\u001f\x7f"}'
    assert canonical_json(value) == expected.encode("utf-8")


@pytest.mark.parametrize("value", [MAX_SAFE_INTEGER, -MAX_SAFE_INTEGER, 0])
def test_safe_integers_are_accepted(value):
    assert parse_json(canonical_json(value)) == value


@FEW
@given(st.integers(min_value=MAX_SAFE_INTEGER + 1, max_value=2**70), st.booleans())
def test_unsafe_integers_are_rejected(magnitude, negative):
    value = -magnitude if negative else magnitude
    with pytest.raises(EncodingError):
        canonical_json({"n": [value]})
    with pytest.raises(EncodingError):
        parse_json(f'{{"n":[{value}]}}')


@FEW
@given(st.floats(allow_nan=False, allow_infinity=False))
def test_floats_are_rejected(number):
    with pytest.raises(EncodingError):
        canonical_json({"x": number})
    with pytest.raises(EncodingError):
        parse_json(json.dumps({"x": number}))


@pytest.mark.parametrize("text", ["1.0", "1e3", "-0.5", "[1E2]", "NaN", "Infinity", "-Infinity"])
def test_non_integer_numbers_are_rejected_when_parsing(text):
    with pytest.raises(EncodingError):
        parse_json(text)


@FEW
@given(ascii_keys, safe_ints, safe_ints)
def test_duplicate_keys_are_rejected(key, first, second):
    text = f"{{{json.dumps(key)}:{first},{json.dumps(key)}:{second}}}"
    with pytest.raises(EncodingError, match="duplicate"):
        parse_json(text)


@FEW
@given(st.integers(min_value=0xD800, max_value=0xDFFF))
def test_lone_surrogates_are_rejected(code):
    with pytest.raises(EncodingError):
        canonical_json({"s": "a" + chr(code)})
    with pytest.raises(EncodingError):
        parse_json(f'{{"s":"\\u{code:04x}"}}')


def test_paired_surrogate_escapes_are_one_character():
    assert parse_json('"\\ud83d\\ude00"') == "\U0001f600"


@pytest.mark.parametrize(
    "value", [{"ế": 1}, {1: 1}, {"x": 1.5}, {"x": b"bytes"}, {"x": {1, 2}}, {"x": object()}]
)
def test_values_without_a_canonical_form_are_rejected(value):
    with pytest.raises(EncodingError):
        canonical_json(value)


@pytest.mark.parametrize("text", ["", "{", "[1,]", "{'a':1}", b"\xff\xfe\xfd", '{"a":1} x'])
def test_malformed_json_is_an_encoding_error(text):
    with pytest.raises(EncodingError):
        parse_json(text)


def test_deep_nesting_is_an_encoding_error_not_a_crash():
    with pytest.raises(EncodingError):
        parse_json("[" * 100_000 + "]" * 100_000)


# --- headers -----------------------------------------------------------------------------------


def test_check_header():
    good = {"version": 1, "kind": "phieukin/ballot"}
    assert check_header(good, "phieukin/ballot", "ballot") is good
    for bad, field in [
        ({"version": 2, "kind": "phieukin/ballot"}, "ballot.version"),
        ({"version": True, "kind": "phieukin/ballot"}, "ballot.version"),
        ({"version": "1", "kind": "phieukin/ballot"}, "ballot.version"),
        ({"kind": "phieukin/ballot"}, "ballot.version"),
        ({"version": 1, "kind": "phieukin/event"}, "ballot.kind"),
        ({"version": 1}, "ballot.kind"),
        (["version", 1], "ballot"),
    ]:
        with pytest.raises(FormatError) as caught:
            check_header(bad, "phieukin/ballot", "ballot")
        assert caught.value.field == field


def test_require_keys():
    assert require_keys({"a": 1, "b": 2}, {"a", "b"}, "x") == {"a": 1, "b": 2}
    with pytest.raises(FormatError, match="missing b"):
        require_keys({"a": 1}, {"a", "b"}, "x")
    with pytest.raises(FormatError, match="unknown field c"):
        require_keys({"a": 1, "b": 2, "c": 3}, {"a", "b"}, "x")
    with pytest.raises(FormatError):
        require_keys([], {"a"}, "x")


# --- tokens ------------------------------------------------------------------------------------


def test_base32_known_values():
    assert base32_encode(bytes(16)) == "0" * 26
    assert base32_encode(b"\xff" * 16) == "Z" * 25 + "W"  # last 3 bits 111, padded: 11100
    assert base32_encode(b"\xff") == "ZW"
    assert base32_encode(bytes(range(16))) == "000G40R40M30E209185GR38E1W"


@FEW
@given(
    st.binary(min_size=16, max_size=16),
    st.sampled_from(["", "-", " ", "  -  "]),
    st.integers(1, 6),
    st.booleans(),
)
def test_token_normalization_round_trip(raw, separator, group_size, lower):
    token = base32_encode(raw)
    assert len(token) == TOKEN_LENGTH and set(token) <= set(ALPHABET)
    assert int.from_bytes(raw, "big") == int(
        "".join(f"{ALPHABET.index(c):05b}" for c in token)[:128], 2
    )
    written = separator.join(token[i : i + group_size] for i in range(0, 26, group_size))
    written = written.replace("0", "O").replace("1", "l")
    if lower:
        written = written.lower()
    assert normalize_token(written) == token
    assert token_hash(written) == token_hash(token) == hash32("token", token_key(token))
    seed = hash32("token-key", token)
    assert token_key(written) == SigningKey(seed).verify_key.encode()


def test_generated_tokens_are_canonical_and_fresh():
    tokens = {generate_token() for _ in range(10)}
    assert len(tokens) == 10
    assert all(normalize_token(t) == t for t in tokens)


@pytest.mark.parametrize(
    "text",
    [
        "0" * 25,  # too short
        "0" * 27,  # too long
        "0" * 25 + "U",  # U is not in the alphabet
        "0" * 25 + "1",  # padding bits set
        "0" * 25 + "Z",
        "0" * 24 + "*0",
        "",
    ],
)
def test_malformed_tokens_are_rejected(text):
    with pytest.raises(EncodingError):
        normalize_token(text)
