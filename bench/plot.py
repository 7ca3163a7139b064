"""Draw how each benchmark metric scales with R (questions) and N (ballots).

    .venv/bin/python bench/run.py --quick --json > bench/results/latest.json
    .venv/bin/python bench/plot.py [bench/results/latest.json] [-o bench/scaling.png]

Reads one JSON object printed by ``bench/run.py`` and draws its ``scaling`` section in two
panels: left, the per-ballot operations by R (milliseconds, log scale: encrypt in Python, Node
and Chromium, verify one ballot), with ElectionGuard's R=30 numbers as stars when the run had
``--compare``; right, the whole-election operations by N (seconds). A scaling series whose name
ends in ``_rNN`` (e.g. ``decrypt_combine_s_r30``) is taken as "by N at R=NN"; every other
series is "by R". Top-level whole-election metrics named ``…_s_n<N>_r<R>`` (close → result,
verify record) are drawn by N too, one line per R.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import matplotlib.ticker

HERE = Path(__file__).resolve().parent
DEFAULT_INPUT = HERE / "results" / "latest.json"
DEFAULT_OUTPUT = HERE / "scaling.png"

LABELS = {
    "encrypt_ms_py": "encrypt + prove, Python",
    "encrypt_ms_js": "encrypt + prove, JS in Node",
    "encrypt_ms_chromium": "encrypt + prove, JS in Chromium",
    "verify_ballot_ms": "verify one ballot, Python",
    "decrypt_combine_s_r30": "aggregate + 2-of-3 decrypt, R=30",
    "close_to_result_s_r30": "close → result, R=30",
    "verify_record_s_r30": "verify record, R=30",
    "verify_record_s_r50": "verify record, R=50",
}
ANCHORS = {  # ElectionGuard at R=30, drawn as stars next to our series of the same operation
    "eg_encrypt_ms_r30": "EG encrypt",
    "eg_verify_ballot_ms_r30": "EG verify ballot",
}
BY_N = re.compile(r"_r(\d+)$")


def series(results: dict) -> tuple[dict, dict]:
    """Split ``results["scaling"]`` into (by R, by N) series of sorted (x, y) points."""
    by_r: dict[str, list[tuple[int, float]]] = {}
    by_n: dict[str, list[tuple[int, float]]] = {}
    for name, points in (results.get("scaling") or {}).items():
        if not isinstance(points, dict):
            continue
        clean = sorted((int(x), float(y)) for x, y in points.items() if isinstance(y, (int, float)))
        if clean:
            (by_n if BY_N.search(name) else by_r)[name] = clean
    return by_r, by_n


SCALAR_BY_N = re.compile(r"^(?!eg_)(.+)_s_n(\d+)_r(\d+)$")


def scalar_points(results: dict) -> dict[str, list[tuple[int, float]]]:
    """Top-level whole-election metrics (``…_s_n<N>_r<R>``) grouped by name and R, by N."""
    grouped: dict[str, list[tuple[int, float]]] = {}
    for key, value in results.items():
        match = SCALAR_BY_N.match(key)
        if match and isinstance(value, (int, float)):
            name = f"{match.group(1)}_s_r{match.group(3)}"
            grouped.setdefault(name, []).append((int(match.group(2)), float(value)))
    return {name: sorted(points) for name, points in grouped.items()}


def _star(axes, x: float, y: float, label: str, left: bool = False) -> None:
    axes.plot([x], [y], marker="*", markersize=14, linestyle="none", color="black")
    axes.annotate(
        label,
        (x, y),
        textcoords="offset points",
        xytext=(-10 if left else 10, -3),
        ha="right" if left else "left",
        fontsize=7,
    )


def draw(results: dict, output: Path) -> Path:
    by_r, by_n = series(results)
    for name, points in scalar_points(results).items():
        if name not in by_n:
            by_n[name] = points
    anchor = results.get("electionguard") or {}
    machine = results.get("machine") or {}
    figure, (left, right) = plt.subplots(1, 2, figsize=(10, 4.2), dpi=90)
    for name, points in by_r.items():
        xs, ys = zip(*points, strict=True)
        left.plot(xs, ys, marker="o", label=LABELS.get(name, name))
    for key, label in ANCHORS.items():
        value = anchor.get(key)
        if isinstance(value, (int, float)):
            _star(left, 30, value, label)
    left.set_yscale("log")
    left.set_xlabel("R (rated members × 4 levels)")
    left.set_ylabel("milliseconds per ballot (median, log)")
    left.set_title("Per ballot, by R  (★ ElectionGuard 1.4.0)")
    left.grid(True, which="both", alpha=0.3)
    left.legend(fontsize=7, loc="lower right")
    for name, points in by_n.items():
        xs, ys = zip(*points, strict=True)
        right.plot(xs, ys, marker="o", alpha=0.85, label=LABELS.get(name, name))
    eg_close = anchor.get("eg_close_to_result_s_n30_r30")
    if isinstance(eg_close, (int, float)):
        _star(right, 30, eg_close, "ElectionGuard tally + 2-of-3, R=30", left=True)
    right.set_xscale("log")
    right.set_yscale("log")
    xs_n = [x for points in by_n.values() for x, _ in points] + [30]
    right.set_xlim(min(xs_n) / 1.6, max(xs_n) * 1.6)
    right.xaxis.set_major_formatter(matplotlib.ticker.ScalarFormatter())
    right.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    right.set_xticks(sorted(set(xs_n)))
    right.set_xlabel("N (ballots, log)")
    right.set_ylabel("seconds (median, log)")
    right.set_title("Whole election, by N")
    right.grid(True, which="both", alpha=0.3)
    if by_n:
        right.legend(fontsize=7, loc="center left")
    facts = ", ".join(str(machine[k]) for k in ("date", "cpu") if machine.get(k))
    if machine.get("cores"):
        facts += f", {machine['cores']} cores"
    figure.suptitle(f"Phiếu Kín benchmarks ({results.get('mode', '?')}; {facts})", fontsize=10)
    figure.tight_layout()
    output.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(output, metadata={"Software": None})
    plt.close(figure)
    return output


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Plot bench/run.py results by R and N.")
    parser.add_argument("input", nargs="?", type=Path, default=DEFAULT_INPUT)
    parser.add_argument("-o", "--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args(argv)
    results = json.loads(args.input.read_text(encoding="utf-8"))
    target = draw(results, args.output)
    print(f"{target} ({target.stat().st_size // 1024} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
