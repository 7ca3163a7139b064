"""``close_to_result_s_n30_r30``: from "close voting" to the signed minute JSON, server side.

A real meeting folder (SQLite) is set up with the server's own services — chair, rounds,
counting, decisions, minutes — and N ballots are accepted. The timed part is what the meeting
waits for after the chair closes: the aggregate, two of three committee members' decryption
shares with proofs (each checked by the server), their combination into counts, the rule
decisions, and the minute JSON signed by the server. HTTP is left out: it adds milliseconds.
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from ballot_client.trustee import Trustee
from ballot_server.chair import Chair, ChairMemory
from ballot_server.config import ServerConfig
from ballot_server.counting import Counting
from ballot_server.decisions import Decisions
from ballot_server.key_ceremony import KeyCeremony
from ballot_server.minute_service import Minutes
from ballot_server.roster_import import roster_csv
from ballot_server.rounds import Rounds
from ballot_server.store import Store
from tally.ballot import make_ballot, verify_ballot
from tally.crypto import ceremony
from tally.crypto.group import RISTRETTO255
from tally.crypto.nonces import system_nonce
from tally.roster import Member, Membership
from tally.submission import make_submission
from tally.token import token_hash


def _meeting(folder: Path, voters: int, rated: int) -> tuple[Store, Chair, Rounds, list[Trustee]]:
    store = Store(folder)
    rounds = Rounds(store)
    chair = Chair(store, rounds, ServerConfig(folder=folder), ChairMemory())
    chair.set_meeting(
        {
            "title": "Hội nghị đánh giá",
            "cell": "Chi bộ thử",
            "date": "2026-12-15",
            "place": "Phòng họp",
        }
    )
    members = [
        Member(i, f"Đảng viên {i:03d}", Membership.OFFICIAL, date(2000, 1, 1))
        for i in range(1, max(voters, rated) + 1)
    ]
    chair.import_roster(roster_csv(members), "csv")
    ids = [m.id for m in chair.members()]
    chair.set_attendance({str(i): "present" for i in ids[:voters]})
    chair.set_rated(ids[:rated])
    chair.set_committee(ids[:3], 2, approved=True)
    chair.start_round("http://127.0.0.1")
    manifest = rounds.manifest(1)
    key_ceremony = KeyCeremony(store, rounds)
    trustees = [Trustee(RISTRETTO255, manifest, i) for i in (1, 2, 3)]
    for trustee in trustees:
        key_ceremony.announce(1, trustee.index, trustee.announcement.to_json())
    announcements = key_ceremony.announcements(1)
    for trustee in trustees:
        key_ceremony.send_shares(
            1, trustee.index, [s.to_json() for s in trustee.shares_for(announcements)]
        )
    by_index = {a.index: a for a in announcements}
    for trustee in trustees:
        trustee.receive(
            [
                ceremony.EncryptedShare.from_json(RISTRETTO255, s)
                for s in key_ceremony.shares_for(1, trustee.index)
            ],
            by_index,
        )
        key_ceremony.confirm(1, trustee.index)
    return store, chair, rounds, trustees


def close_to_result(voters: int = 30, rated: int = 30, repeats: int = 3) -> dict[str, float]:
    """Median seconds from close to the signed minute JSON, over ``repeats`` fresh meetings."""
    samples = []
    for repeat in range(repeats):
        with tempfile.TemporaryDirectory() as folder:
            store, chair, rounds, trustees = _meeting(Path(folder), voters, rated)
            context = rounds.context(1)
            rng = random.Random(repeat)
            tokens = rounds.issue_tokens(1, voters)
            rounds.open_voting(1)
            for token in tokens:
                choices = [rng.randrange(4) for _ in context.manifest.questions]
                ballot = make_ballot(context, token_hash(token), choices, system_nonce)
                verified = verify_ballot(context, ballot)
                submission = make_submission(token, ballot)
                rounds.accept_ballot(
                    1,
                    verified.token_hash.hex(),
                    verified.tracker.hex(),
                    ballot,
                    token_key=submission["token_key"],
                    signature=submission["signature"],
                )
            decisions = Decisions(store, chair)
            counting = Counting(store, rounds, decisions.record)
            minutes = Minutes(store, chair)
            started = time.perf_counter()
            aggregate = rounds.close_voting(1)
            for trustee in (trustees[0], trustees[2]):
                counting.add_share(
                    1, trustee.index, trustee.decrypt(context, aggregate).to_json(context)
                )
            minutes.make({})
            samples.append(time.perf_counter() - started)
            store.close()
    return {f"close_to_result_s_n{voters}_r{rated}": round(statistics.median(samples), 3)}


if __name__ == "__main__":
    print(close_to_result())
