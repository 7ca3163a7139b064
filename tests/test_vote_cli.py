"""``phieukin vote``: URL and choice parsing, and one real vote against the real server."""

from __future__ import annotations

import argparse

import pytest

from ballot_client.cli import _vote, parse_choices, parse_voter_url
from ballot_server import keys
from tests.server_support import make_app, open_round

LEVELS = ("XS", "TOT", "HT", "KHT")


def test_parse_voter_url_reads_token_and_round_from_the_fragment() -> None:
    base, token, number = parse_voter_url("http://192.168.1.20:8080/v#t=ABCD&r=2")
    assert (base, token, number) == ("http://192.168.1.20:8080", "ABCD", 2)
    assert parse_voter_url("http://host:1") == ("http://host:1", None, None)


def test_parse_choices_names_blanks_and_errors() -> None:
    assert parse_choices("xs, TOT,-", [LEVELS] * 3, None) == [0, 1, None]
    with pytest.raises(ValueError, match="cần 3"):
        parse_choices("XS,TOT", [LEVELS] * 3, None)
    with pytest.raises(ValueError, match="«GOOD»"):
        parse_choices("XS,GOOD,HT", [LEVELS] * 3, None)
    picks = parse_choices("random", [LEVELS] * 5, 7)
    assert picks == parse_choices("random", [LEVELS] * 5, 7) and len(picks) == 5


async def test_vote_command_casts_a_counted_ballot(aiohttp_client, tmp_path, capsys) -> None:
    client = await aiohttp_client(make_app(tmp_path))
    _, _, _, tokens = await open_round(client)
    url = f"{client.make_url('/v')}#t={tokens[0]}&r=1"
    args = argparse.Namespace(url=url, token=None, round=None, choices="XS,-,KHT", seed=None)
    assert await _vote(args) == 2  # a blank where the manifest needs an answer is refused
    args.choices = "XS,TOT,KHT"
    assert await _vote(args) == 0
    out = capsys.readouterr().out
    assert "Mã theo dõi" in out
    assert client.server.app[keys.ROUNDS].ballot_count(1) == 1
