"""Benchmarks of Phiếu Kín: one command, one JSON object of medians.

    .venv/bin/python bench/run.py --quick --json

Metrics (medians over repeated runs; R = rated members × 4 levels, N = ballots):

- ``encrypt_ms_py_r30``: make one ballot (encrypt + proofs) in Python, R=30;
- ``encrypt_ms_js_r30``: the same in the browser core under Node (``bench/encrypt_js.mjs``);
- ``verify_ballot_ms_r30``, ``verify_ballot_ms_r50``: check every proof of one ballot, one core;
- ``decrypt_combine_s_n30_r30``: aggregate 30 ballots, two trustees' decryption shares with
  proofs, verify both shares, combine (2 of 3) and recover the counts;
- ``close_to_result_s_n30_r30``: the same through the server's services on a real meeting
  folder, from closing voting to the counts, the rule decisions and the signed minute JSON;
- ``verify_record_s_n30_r30`` (and, with ``--full``, ``verify_record_s_n500_r50``): verify a whole
  meeting's ``record.zip`` as ``phieukin verify`` does, 2 worker processes (bench/verify_record.py);
- ``encrypt_ms_chromium_r30``: the browser core in headless Chromium, served by the real server
  (``bench/chromium_encrypt.py``, page ``/static/bench.html``);
- ``committee_check_s_n30_r30``: the committee page in headless Chromium, from the chair's close
  until the "Giải mã" button is enabled, every check of PROTOCOL.md §15 made (the page open while
  ballots arrive; also with 4× CPU throttling, opened only at close, and the CPU time of the
  checks); ``trustee_check_s_n100_r30``: the same checks by ``phieukin trustee``, N=100
  (``bench/committee_check.py``);
- ``ballot_bytes_r30``, ``record_bytes_n500_r50``: sizes (``bench/sizes.py``);
- ``scaling``: the same operations at several R (and N), to show how each grows.

``--smoke`` runs the same pipeline in seconds on tiny shapes (R=1, 2; a 3-voter meeting; no
Chromium) with the metric names following the shapes (``encrypt_ms_py_r2``, …): the test suite
checks that every step still runs; its numbers are not measurements and are not saved.

``--compare`` also runs ElectionGuard 1.4.0 on the same shape (``bench/anchor_electionguard.py``)
and adds the ratios (ElectionGuard / ours); ``--plot`` draws ``bench/scaling.png``
(``bench/plot.py``). Every run is saved to ``bench/results/latest.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import anchor_electionguard, chromium_encrypt, committee_check, sizes  # noqa: E402
from bench.close_to_result import close_to_result  # noqa: E402
from bench.load import run_load  # noqa: E402
from bench.verify_record import verify_record_metrics  # noqa: E402
from tally.aggregate import aggregate_ballots  # noqa: E402
from tally.ballot import make_ballot, verify_ballot  # noqa: E402
from tally.crypto.group import RISTRETTO255  # noqa: E402
from tally.crypto.nonces import system_nonce  # noqa: E402
from tally.decryption import (  # noqa: E402
    combine_decryption_shares,
    make_decryption_share,
    verify_decryption_share,
)
from tally.manifest import ElectionContext, Manifest, rating_manifest_json  # noqa: E402
from tally.token import generate_token, token_hash  # noqa: E402
from tests.conftest import run_ceremony  # noqa: E402

GROUP = RISTRETTO255
LATEST = ROOT / "bench" / "results" / "latest.json"


def manifest_for(rated: int) -> Manifest:
    """A rating manifest with ``rated`` questions of 4 levels and a 2-of-3 committee."""
    members = [(f"m{i:03d}", f"Đảng viên {i}") for i in range(rated)]
    committee = [f"Thành viên {i}" for i in (1, 2, 3)]
    return Manifest.from_json(
        rating_manifest_json({"id": f"bench-r{rated}"}, members, committee, threshold=2)
    )


def median_ms(function: Callable[[], object], runs: int) -> float:
    function()  # warm-up
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


class Shape:
    """An election of R questions with its committee, and a supply of ballots."""

    def __init__(self, rated: int) -> None:
        self.rated = rated
        ceremony = run_ceremony(manifest_for(rated), seed=f"bench-r{rated}")
        self.secret_shares, self.context = ceremony.secret_shares, ceremony.context
        self.rng = random.Random(rated)

    def ballot(self) -> dict:
        choices = [self.rng.randrange(4) for _ in range(self.rated)]
        return make_ballot(self.context, token_hash(generate_token()), choices, system_nonce)


def decrypt_combine(
    context: ElectionContext, secret_shares: dict[int, int], ballots: list
) -> float:
    """Seconds for: aggregate, two decryption shares with proofs, verify both, combine."""
    verified = [verify_ballot(context, b).ciphertexts for b in ballots]
    started = time.perf_counter()
    aggregate = aggregate_ballots(context, verified)
    shares = [
        make_decryption_share(context, j, secret_shares[j], aggregate, system_nonce) for j in (1, 3)
    ]
    for share in shares:
        verify_decryption_share(context, share, aggregate)
    combine_decryption_shares(context, aggregate, shares)
    return time.perf_counter() - started


def js_encrypt(rated: tuple[int, ...], runs: int) -> dict:
    """Run the browser core's benchmark under Node; its last line is a JSON object."""
    script = ROOT / "bench" / "encrypt_js.mjs"
    environment = os.environ | {
        "PHIEUKIN_BENCH_SIZES": ",".join(map(str, rated)),
        "PHIEUKIN_BENCH_RUNS": str(runs),
    }
    result = subprocess.run(
        ["node", str(script)], cwd=ROOT, capture_output=True, text=True, timeout=300,
        check=True, env=environment,
    )  # fmt: skip
    return json.loads(result.stdout.strip().splitlines()[-1])


def machine() -> dict:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    node = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    return {
        "cpu": model or platform.processor(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "node": node,
        "date": time.strftime("%Y-%m-%d"),
    }


@dataclass(frozen=True)
class Plan:
    """The shapes one mode measures: R values for the scaling, the R of the headline metrics (and
    of the second ballot-check metric), the ballot piles decrypted, the (N, R) of the whole
    meetings closed and verified, the record whose size is given."""

    mode: str
    runs: int
    rated: tuple[int, ...] = (1, 10, 30, 50)
    main: int = 30
    second: int = 50
    piles: tuple[int, ...] = (10, 30)
    pile: int = 30
    meeting: tuple[int, int] = (30, 30)
    record: tuple[int, int] = (500, 50)
    chromium: bool = True
    load: bool = False


QUICK = Plan("quick", runs=5)
FULL = Plan("full", runs=15, piles=(10, 30, 100), load=True)
# seconds, for the test suite: the whole pipeline on tiny shapes (the numbers mean nothing)
SMOKE = Plan(
    "smoke", runs=2, rated=(1, 2), main=2, second=1, piles=(2,), pile=2, meeting=(3, 2),
    record=(3, 2), chromium=False,
)  # fmt: skip


def run(plan: Plan, progress: Callable[[str], None]) -> dict:
    quick, runs, main = plan.mode != "full", plan.runs, plan.main
    results: dict = {"mode": plan.mode, "machine": machine()}
    decrypt_key = f"decrypt_combine_s_r{main}"
    scaling: dict = {"encrypt_ms_py": {}, "verify_ballot_ms": {}, decrypt_key: {}}
    for rated in plan.rated:
        progress(f"R={rated}: key ceremony, encrypt, verify")
        shape = Shape(rated)
        scaling["encrypt_ms_py"][str(rated)] = round(median_ms(shape.ballot, runs), 2)
        ballots = [shape.ballot() for _ in range(runs)]
        samples = iter(ballots)
        verify = median_ms(lambda s=shape, it=samples: verify_ballot(s.context, next(it)), runs - 1)
        scaling["verify_ballot_ms"][str(rated)] = round(verify, 2)
        if rated == main:
            for n in plan.piles:
                progress(f"R={main}, N={n}: aggregate and 2-of-3 decryption")
                pile = [shape.ballot() for _ in range(n)]
                times = [
                    decrypt_combine(shape.context, shape.secret_shares, pile) for _ in range(3)
                ]
                scaling[decrypt_key][str(n)] = round(statistics.median(times), 3)
    results[f"encrypt_ms_py_r{main}"] = scaling["encrypt_ms_py"][str(main)]
    results[f"verify_ballot_ms_r{main}"] = scaling["verify_ballot_ms"][str(main)]
    results[f"verify_ballot_ms_r{plan.second}"] = scaling["verify_ballot_ms"][str(plan.second)]
    results[f"decrypt_combine_s_n{plan.pile}_r{main}"] = scaling[decrypt_key][str(plan.pile)]
    voters, rated = plan.meeting
    progress(f"N={voters}, R={rated}: close → counts → decisions → signed minute (server services)")
    results.update(close_to_result(voters, rated, repeats=1 if quick else 3))
    results.update(verify_record_metrics(quick, progress, plan.meeting))
    progress("browser core under Node: encrypt")
    try:
        js = js_encrypt(plan.rated, runs)
        results[f"encrypt_ms_js_r{main}"] = js["by_r"][str(main)]
        scaling["encrypt_ms_js"] = js.get("by_r", {})
    except (OSError, subprocess.SubprocessError, ValueError, KeyError) as error:
        results[f"encrypt_ms_js_r{main}"] = None
        results["errors"] = [f"encrypt_js: {error}"]
    if plan.chromium:
        progress("browser core in headless Chromium: encrypt")
        try:
            chromium = chromium_encrypt.measure()
            results["encrypt_ms_chromium_r30"] = chromium["encrypt_ms_chromium_r30"]
            scaling["encrypt_ms_chromium"] = chromium["by_r"]
        except Exception as error:  # no Chromium or a failing page: say so, keep the others
            results["encrypt_ms_chromium_r30"] = None
            results.setdefault("errors", []).append(f"encrypt_chromium: {error}")
        progress("committee checks before decrypting: the page in Chromium (N=30), the CLI (N=100)")
        try:
            results.update(committee_check.measure(quick=quick))
        except Exception as error:  # no Chromium or a failing page: say so, keep the others
            results["committee_check_s_n30_r30"] = None
            results.setdefault("errors", []).append(f"committee_check: {error}")
    voters, rated = plan.record
    progress(f"sizes: one ballot (R={main}), the record (N={voters}, R={rated})")
    results.update(
        sizes.measure(quick=plan.mode == "quick", voters=voters, rated=rated, ballot_rated=main)
    )
    if plan.load:
        progress("load: 500 voters at once against a real server (R=30)")
        load = run_load(500, 30)
        results["load_p99_s_n500_r30"] = load["load_p99_s_n500_r30"]
        results["load"] = load
    results["scaling"] = scaling
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Phiếu Kín benchmarks (medians).")
    parser.add_argument("--quick", action="store_true", help="fewer runs, small shapes")
    parser.add_argument("--full", action="store_true", help="more runs, large shapes")
    parser.add_argument(
        "--smoke", action="store_true", help="seconds: tiny shapes, to check the pipeline runs"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--compare", action="store_true", help="also ElectionGuard 1.4.0, ratios")
    parser.add_argument("--plot", action="store_true", help="draw bench/scaling.png")
    args = parser.parse_args(argv)

    def progress(message: str) -> None:
        print(f"… {message}", file=sys.stderr, flush=True)

    plan = SMOKE if args.smoke else FULL if args.full else QUICK
    results = run(plan, progress=progress)
    if args.compare:
        progress("ElectionGuard 1.4.0 on the same shape (bench/anchor_electionguard.py)")
        results.update(anchor_electionguard.compare(results))
    results["machine"]["loadavg_1m"] = round(os.getloadavg()[0], 2)
    if plan is not SMOKE:  # a smoke run's numbers are not measurements
        LATEST.parent.mkdir(parents=True, exist_ok=True)
        LATEST.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    if args.plot:
        from bench.plot import draw

        progress(f"plot: {draw(results, ROOT / 'bench' / 'scaling.png')}")
    if args.json:
        print(json.dumps(results, ensure_ascii=False))
    else:
        for key, value in results.items():
            print(f"{key}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
