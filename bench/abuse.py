"""Abuse: honest voters' latency while one client floods the server, and the server's answer
while one client holds as many connections as it can.

    .venv/bin/python bench/abuse.py --rated 30 --votes 60

A real ``phieukin serve`` process (two proof-checking workers) runs a meeting set up through the
chair's API. Honest voters submit ballots one after another (each from its own phone address,
each ballot encrypted beforehand), and the receipt latency is measured in three conditions,
taking turns three times (so that load from other processes falls on all three alike):

1. ``idle``: nothing else happens;
2. ``spent_flood``: one client (its own address) has voted, then re-sends its valid ballot —
   and three other valid ballots on the same spent token — from 16 connections without pause;
3. ``unknown_flood``: one client sends valid-looking ballots on unknown tokens from 16
   connections without pause.

Then ``idle_connections``: one client opens as many TCP connections as it can (up to
``--connections``), half of them with unfinished request headers, and keeps them while another
address polls ``/api/status``.

Printed as one JSON object: per condition the median and p95 latency (seconds) and the ratio
to idle, the flood's answers by HTTP status and its request rate; for the connection hold, how
many connections were attempted, how many the server closed at once, and the status latency
(max, median). Targets: both floods within 1.5× the idle median and p95, ``/api/status`` within
1 s while the connections are held. Exit status 0 when they are met. The machine may be shared:
run it more than once and compare.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _meeting
import aiohttp
from _meeting import MeetingClient, ServerProcess, percentile
from load import encrypt_all

from tally.canonical import canonical_json
from tally.submission import make_submission
from tally.token import generate_token

TARGET_RATIO = 1.5
TARGET_STATUS_S = 1.0
FLOOD_CONNECTIONS = 16
ROUNDS = 3
ATTACKERS = {"spent": "127.0.200.1", "unknown": "127.0.200.4"}
HOLDER = "127.0.200.2"
PROJECTOR = "127.0.200.3"


async def honest_votes(url: str, bodies: list[bytes], first_phone: int) -> list[float]:
    """Each body sent by its own phone, one after another; the receipt latencies."""
    latencies = []
    for index, body in enumerate(bodies):
        async with _meeting.phone_session(first_phone + index) as phone:
            started = time.perf_counter()
            async with phone.post(
                url, data=body, headers={"Content-Type": "application/json"}
            ) as response:
                await response.read()
                if response.status != 201:
                    raise RuntimeError(f"an honest ballot was refused: {response.status}")
            latencies.append(time.perf_counter() - started)
    return latencies


async def flood(url: str, bodies: list[bytes], stop: asyncio.Event, address: str) -> Counter:
    """``FLOOD_CONNECTIONS`` senders from ``address`` cycling through ``bodies`` until stopped."""
    statuses: Counter = Counter()
    connector = aiohttp.TCPConnector(local_addr=(address, 0), limit=FLOOD_CONNECTIONS)
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:

        async def sender(offset: int) -> None:
            position = offset
            while not stop.is_set():
                body = bodies[position % len(bodies)]
                position += 1
                try:
                    async with session.post(
                        url, data=body, headers={"Content-Type": "application/json"}
                    ) as response:
                        await response.read()
                        statuses[response.status] += 1
                except (aiohttp.ClientError, TimeoutError):
                    statuses["error"] += 1

        await asyncio.gather(*(sender(i) for i in range(FLOOD_CONNECTIONS)))
    return statuses


async def under_flood(
    url: str, honest: list[bytes], first_phone: int, attack: list[bytes], address: str
) -> tuple[list[float], Counter, float]:
    stop = asyncio.Event()
    flooding = asyncio.create_task(flood(url, attack, stop, address))
    await asyncio.sleep(1.0)  # let the flood reach its steady state (the limiter engaged)
    started = time.perf_counter()
    latencies = await honest_votes(url, honest, first_phone)
    stop.set()
    statuses = await flooding
    return latencies, statuses, time.perf_counter() - started


async def hold_connections(base: str, port: int, count: int) -> dict[str, Any]:
    """Open up to ``count`` connections from one address (half with unfinished headers); poll
    ``/api/status`` from another address meanwhile."""
    held: list[asyncio.StreamWriter] = []
    readers: list[asyncio.StreamReader] = []
    refused_to_open = 0
    for index in range(count):
        try:
            reader, writer = await asyncio.open_connection(
                "127.0.0.1", port, local_addr=(HOLDER, 0)
            )
        except OSError:
            refused_to_open += 1
            if refused_to_open > 20:
                break
            continue
        if index % 2:
            writer.write(b"GET /api/status HTTP/1.1\r\nHost: x\r\n")
        held.append(writer)
        readers.append(reader)

    async def closed_by_server(reader: asyncio.StreamReader) -> bool:
        try:
            return await asyncio.wait_for(reader.read(1), 2.0) == b""
        except ConnectionResetError:
            return True
        except TimeoutError:
            return False

    closed = sum(await asyncio.gather(*(closed_by_server(r) for r in readers)))
    latencies = []
    connector = aiohttp.TCPConnector(local_addr=(PROJECTOR, 0))
    async with aiohttp.ClientSession(connector=connector) as session:
        for _ in range(20):
            started = time.perf_counter()
            async with session.get(base + "/api/status") as response:
                await response.read()
                response.raise_for_status()
            latencies.append(time.perf_counter() - started)
    for writer in held:
        writer.close()
    return {
        "attempted": count,
        "opened": len(held),
        "closed_by_server_at_once": closed,
        "status_max_s": round(max(latencies), 3),
        "status_p50_s": round(percentile(latencies, 0.5), 3),
    }


def summary(latencies: list[float], idle: list[float] | None = None) -> dict[str, Any]:
    result: dict[str, Any] = {
        "p50_s": round(percentile(latencies, 0.5), 3),
        "p95_s": round(percentile(latencies, 0.95), 3),
    }
    if idle:
        result["ratio_p50"] = round(result["p50_s"] / percentile(idle, 0.5), 2)
        result["ratio_p95"] = round(result["p95_s"] / percentile(idle, 0.95), 2)
    return result


async def play(rated: int, votes: int, connections: int, folder: Path) -> dict[str, Any]:
    server = ServerProcess(folder)
    try:
        async with (
            aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=300)) as session,
            _meeting.chair_session(server.secret, 300) as chair_session,
        ):
            public = MeetingClient(session, server.base)
            chair = MeetingClient(chair_session, server.base)
            server.start()
            await server.wait_up(public)
            meeting = await _meeting.open_meeting(public, chair, 3 * votes + 1, rated)
            election = await public.get(f"/api/rounds/{meeting.number}/election")
            questions = meeting.context.manifest.questions
            tokens = meeting.tokens
            choice = [[(q + i) % 4 for q in range(len(questions))] for i in range(len(tokens))]
            bodies = await asyncio.get_running_loop().run_in_executor(
                None, encrypt_all, election, tokens, choice
            )
            fakes = [generate_token() for _ in range(FLOOD_CONNECTIONS)]
            fake_bodies = await asyncio.get_running_loop().run_in_executor(
                None, encrypt_all, election, fakes, [choice[0]] * len(fakes)
            )
            url = f"{server.base}/api/rounds/{meeting.number}/ballots"
            # the attacker's own token: it votes, then re-sends on the spent token
            spent = bodies[-1]
            others = [
                canonical_json(make_submission(tokens[-1], json.loads(body)["ballot"]))
                for body in bodies[:3]
            ]  # valid ballots of other voters, re-signed for the spent token: refused
            connector = aiohttp.TCPConnector(local_addr=(ATTACKERS["spent"], 0))
            async with (
                aiohttp.ClientSession(connector=connector) as attacker,
                attacker.post(url, data=spent, headers={"Content-Type": "application/json"}) as r,
            ):
                assert r.status == 201, await r.text()
            # the three conditions take turns, ROUNDS times, so that the load other processes
            # put on a shared machine falls on all three alike
            idle, spent_lat, unknown_lat = [], [], []
            spent_statuses, unknown_statuses = Counter(), Counter()
            spent_wall = unknown_wall = 0.0
            share = votes // ROUNDS
            for turn in range(ROUNDS):
                start = 3 * share * turn
                batch = [bodies[start + k * share : start + (k + 1) * share] for k in range(3)]
                idle += await honest_votes(url, batch[0], start)
                latencies, statuses, wall = await under_flood(
                    url, batch[1], start + share, [spent, *others], ATTACKERS["spent"]
                )
                spent_lat, spent_statuses, spent_wall = (
                    spent_lat + latencies,
                    spent_statuses + statuses,
                    spent_wall + wall,
                )
                latencies, statuses, wall = await under_flood(
                    url, batch[2], start + 2 * share, fake_bodies, ATTACKERS["unknown"]
                )
                unknown_lat, unknown_statuses, unknown_wall = (
                    unknown_lat + latencies,
                    unknown_statuses + statuses,
                    unknown_wall + wall,
                )
            held = await hold_connections(server.base, server.port, connections)
    finally:
        server.stop()
    result = {
        "rated": rated,
        "votes_per_condition": votes,
        "idle": summary(idle),
        "spent_flood": summary(spent_lat, idle)
        | {
            "flood_answers": dict(spent_statuses),
            "flood_requests_per_s": round(sum(spent_statuses.values()) / spent_wall, 1),
        },
        "unknown_flood": summary(unknown_lat, idle)
        | {
            "flood_answers": dict(unknown_statuses),
            "flood_requests_per_s": round(sum(unknown_statuses.values()) / unknown_wall, 1),
        },
        "idle_connections": held,
        "load_average_1m": round(os.getloadavg()[0], 1),
    }
    result["targets_met"] = (
        all(
            result[c][k] <= TARGET_RATIO
            for c in ("spent_flood", "unknown_flood")
            for k in ("ratio_p50", "ratio_p95")
        )
        and held["status_max_s"] <= TARGET_STATUS_S
    )
    return result


def run_abuse(rated: int = 30, votes: int = 60, connections: int = 3000) -> dict[str, Any]:
    """Run the abuse benchmark against a fresh server in a temporary folder; the JSON object."""
    return _meeting.run_in_temporary_folder("phieukin-abuse-", play, rated, votes, connections)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rated", type=int, default=30)
    parser.add_argument(
        "--votes", type=int, default=60, help="honest ballots per condition (a multiple of 3)"
    )
    parser.add_argument("--connections", type=int, default=3000, help="connections to hold")
    args = parser.parse_args(argv)
    result = run_abuse(args.rated, args.votes, args.connections)
    print(json.dumps(result, ensure_ascii=False))
    return 0 if result["targets_met"] else 1


if __name__ == "__main__":
    sys.exit(main())
