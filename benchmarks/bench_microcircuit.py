"""The Potjans & Diesmann (2014) cortical microcircuit in eqbrain and in NEST 3.10.

eqbrain runs `examples/microcircuit.py`; NEST runs its own example of the model
(`tests/data/nest_microcircuit/record.py` drives it), both at the same `scale` (neurons
and in-degrees), with Poisson background, a warm-up (`--t-presim`, default 500 ms) and
a measured run (`--t-sim`, default 1000 ms), every spike recorded. Each run is a fresh
worker process; the rounds are interleaved (eqbrain and NEST at 1 thread, then at 2,
round after round). eqbrain is held to the same cores as NEST's threads (CPU affinity:
1 thread = one core). Printed per run: the build (connectivity included; NEST's
`Prepare` included), the warm-up (eqbrain: JAX's compilation included), the seconds per
simulated second of the measured run, the ratio eqbrain / NEST at the same thread
count, the bytes per synapse of eqbrain's connectivity, the peak memory of the worker
(resident set) and the rate of each population.

At a scale where NEST's threads would hold more than its limit of 2**27 - 2 connections
per thread and synapse model (the full scale at 1 or 2 threads), NEST's run gives each
projection a copy of `static_synapse` (record.py's `--model-per-projection`).

NEST is GPL-licensed and never a dependency: give its Python (a venv with
`pip install nest-simulator`) and the folder of its example (see record.py's
docstring), or it is reported as not available.

    PYTHONPATH=src python benchmarks/bench_microcircuit.py [--scale 0.1] [--rounds 3] \\
        [--nest-python /tmp/nest/bin/python --nest-example /tmp/Potjans_2014]
    nox -s bench -- microcircuit
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import resource
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent
RECORD = ROOT / "tests/data/nest_microcircuit/record.py"
FULL_SYNAPSES = 298_880_968  # at scale 1; the synapses grow with scale squared
NEST_LIMIT = 2**27 - 2  # NEST's connections per thread and synapse model


def eqbrain_worker(scale: float, threads: int, t_presim: float, t_sim: float) -> dict:
    """Build, warm up (compiling) and time the microcircuit in this process."""
    os.sched_setaffinity(0, set(range(threads)))
    import importlib.util

    import eqbrain

    path = ROOT / "examples/microcircuit.py"
    spec = importlib.util.spec_from_file_location("microcircuit", path)
    assert spec is not None and spec.loader is not None
    example = importlib.util.module_from_spec(spec)
    sys.modules["microcircuit"] = example  # its dataclasses look their module up
    spec.loader.exec_module(example)
    Microcircuit = example.Microcircuit

    t0 = time.perf_counter()
    net = Microcircuit(scale)
    build = time.perf_counter() - t0
    # one chunk a run: the warm-up and each measured piece have one length, so the
    # measured runs reuse the warm-up's compiled program
    runner = eqbrain.DSRunner(net, monitors=["neurons.spike"], dt=0.1, chunk_bytes=1 << 30)
    pieces = max(1, round(t_sim / t_presim))
    t0 = time.perf_counter()
    runner.run(t_presim)
    presim = time.perf_counter() - t0
    run, counts = 0.0, np.zeros(net.bounds[-1])
    for _ in range(pieces):
        t0 = time.perf_counter()
        runner.run(t_presim)
        run += time.perf_counter() - t0
        counts = counts + runner.mon["neurons.spike"].per_neuron()
    b = net.bounds
    sim = pieces * t_presim
    rates = [float(counts[b[k] : b[k + 1]].mean() / (sim * 1e-3)) for k in range(8)]
    return {
        "build_s": build,
        "presim_s": presim,
        "s_per_simulated_s": run / (sim * 1e-3),
        "num_neurons": b[-1],
        "num_synapses": net.conn.n_synapses,
        "bytes_per_synapse": net.conn.nbytes / net.conn.n_synapses,
        "rates_hz": rates,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def spawn(kind: str, args: argparse.Namespace, threads: int) -> dict | None:
    """One run in a fresh process; `None` if it failed."""
    out_file = ""
    if kind == "nest":
        if not (args.nest_python and args.nest_example):
            return None
        out_file = tempfile.NamedTemporaryFile(suffix=".json", delete=False).name
        cmd = [args.nest_python, str(RECORD), args.nest_example, "--out", out_file]
        cmd += ["--threads", str(threads), "--scale", str(args.scale)]
        cmd += ["--t-sim", str(args.t_sim), "--t-presim", str(args.t_presim)]
        if args.scale**2 * FULL_SYNAPSES / threads > NEST_LIMIT:
            cmd += ["--model-per-projection"]  # NEST's table size per thread and model
    else:
        cmd = [sys.executable, __file__, "--worker", "--scale", str(args.scale)]
        cmd += ["--threads", str(threads), "--t-presim", str(args.t_presim)]
        cmd += ["--t-sim", str(args.t_sim)]
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        print(f"  {kind} ({threads} thread): failed\n{proc.stderr[-2000:]}", file=sys.stderr)
        return None
    if kind == "nest":
        result = json.loads(pathlib.Path(out_file).read_text())
        os.unlink(out_file)  # the recurrent synapses: NEST also counts devices' connections
        result["num_synapses"] -= 2 * sum(result["num_neurons"])
        result["num_neurons"] = sum(result["num_neurons"])
    else:
        result = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def table(results: dict, args: argparse.Namespace) -> None:
    print(
        f"\nscale {args.scale}, warm-up {args.t_presim:g} ms, measured {args.t_sim:g} ms; "
        "median over rounds [best]"
    )
    head = f"{'run':>18} {'build s':>8} {'warm-up s':>9} {'s/sim s':>16} {'vs NEST':>7}"
    print(head + f" {'B/syn':>6} {'peak MB':>8}   rates (spikes/s)")
    for threads in args.threads:
        nest = results.get(("nest", threads)) or []
        nest_med = statistics.median(r["s_per_simulated_s"] for r in nest) if nest else None
        for kind in ("eqbrain", "nest"):
            runs = results.get((kind, threads)) or []
            label = f"{kind} {threads} thread" + ("s" if threads > 1 else "")
            if not runs:
                print(f"{label:>18}   not available")
                continue
            speed = [r["s_per_simulated_s"] for r in runs]
            med = statistics.median(speed)
            ratio = f"{med / nest_med:7.2f}" if nest_med and kind == "eqbrain" else f"{'':>7}"
            bps = f"{runs[0]['bytes_per_synapse']:6.2f}" if kind == "eqbrain" else f"{'':>6}"
            rates = " ".join(f"{x:.2f}" for x in runs[-1]["rates_hz"])
            print(
                f"{label:>18} {statistics.median(r['build_s'] for r in runs):8.2f} "
                f"{statistics.median(r['presim_s'] for r in runs):9.2f} "
                f"{med:8.2f} [{min(speed):5.2f}] {ratio} {bps} "
                f"{max(r['peak_rss_mb'] for r in runs):8.0f}   {rates}"
            )
    some = next(iter(r for rs in results.values() for r in rs), None)
    if some:
        print(f"{some['num_neurons']} neurons, {some['num_synapses']} synapses")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--t-presim", type=float, default=500.0)
    parser.add_argument("--t-sim", type=float, default=1000.0)
    parser.add_argument("--nest-python", default=os.environ.get("NEST_PYTHON"))
    parser.add_argument("--nest-example", default=os.environ.get("NEST_EXAMPLE"))
    parser.add_argument("--verbose", action="store_true", help="print each run's numbers")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        result = eqbrain_worker(args.scale, args.threads[0], args.t_presim, args.t_sim)
        print(json.dumps(result))
        return
    results: dict = {}
    for r in range(args.rounds):
        for threads in args.threads:
            for kind in ("eqbrain", "nest"):
                res = spawn(kind, args, threads)
                if res is not None:
                    results.setdefault((kind, threads), []).append(res)
                    print(
                        f"round {r + 1}: {kind} {threads} thread(s): "
                        f"{res['s_per_simulated_s']:.2f} s per simulated s",
                        flush=True,
                    )
                    if args.verbose:  # every number of the run, as it finishes
                        print(json.dumps(res), flush=True)
    table(results, args)


if __name__ == "__main__":
    main()
