"""Shared by the benchmarks that run one network in eqbrain and in BrainPy 2.x: each
simulator in a fresh worker process per size, then one Markdown table."""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from collections.abc import Callable


def _worker(script: str, sim: str, n: int, duration: float, rounds: int) -> dict:
    cmd = [sys.executable, script, "--worker", sim, str(n), str(duration), str(rounds)]
    out = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        return {"error": out.stderr.strip().splitlines()[-1] if out.stderr else "failed"}
    return json.loads(out.stdout.strip().splitlines()[-1])


def run(
    script: str,
    description: str,
    sims: dict[str, Callable[[float, float, int], dict]],
    base_size: int,
    defaults: dict,
    duration_for: Callable[[int, float], float] = lambda n, d: d,
    rate_label: str = "rate (Hz)",
) -> None:
    """The command line of such a benchmark. As a worker (`--worker sim n duration
    rounds`), run `sims[sim](n / base_size, duration, rounds)` and print its JSON result
    (`first`, `times`, `rate`); otherwise run BrainPy then eqbrain at each size and print
    seconds per simulated second, the rate and the ratio to BrainPy."""
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        sim, n, duration, rounds = sys.argv[2:6]
        print(json.dumps(sims[sim](int(n) / base_size, float(duration), int(rounds))))
        return
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--sizes", type=int, nargs="+", default=defaults["sizes"])
    parser.add_argument("--duration", type=float, default=defaults["duration"], help="ms")
    parser.add_argument("--rounds", type=int, default=defaults["rounds"])
    args = parser.parse_args()
    header = ["neurons", "simulator", "first run (s)", "s per simulated s (median)", "best"]
    print("| " + " | ".join([*header, rate_label, "vs BrainPy"]) + " |")
    print("|---:|---|---:|---:|---:|---:|---:|")
    for n in args.sizes:
        duration = duration_for(n, args.duration)
        res = {
            sim: _worker(script, sim, n, duration, args.rounds) for sim in ("brainpy", "eqbrain")
        }
        base = res["brainpy"].get("times")
        for sim, r in res.items():
            if "error" in r:
                print(f"| {n:,} | {sim} | failed: {r['error'][:60]} | | | | |")
                continue
            per = [t / (duration / 1000) for t in r["times"]]
            med, best = statistics.median(per), min(per)
            ratio = med / (statistics.median(base) / (duration / 1000)) if base else float("nan")
            print(
                f"| {n:,} | {sim} | {r['first']:.2f} | {med:.2f} | {best:.2f} | "
                f"{r['rate']:.2f} | {ratio:.2f}x |"
            )
