"""Where one step of the COBA network goes: the XLA operations it runs, and their time.

Runs the 4000-neuron network of `examples/coba_ei_network.py` through `eqbrain.Runner`
(and, for comparison, a bare `lax.scan` holding only the LIF update with a spike
output), first without the profiler (wall time per step), then under `jax.profiler` to
time each XLA operation of the loop body. Each operation is attributed to the source
file its fused instructions come from (read from the optimized HLO that XLA dumps):
`neurons/` and the integrators' `_steps.py` the neurons, `_expon.py` the synapses,
`_coba_cuba.py` the conductance outputs, `_event.py` the spike propagation, the rest the
loop and its monitor. Times under the
profiler include its own cost per operation (about half a microsecond), so compare them
with each other and with the wall time, not with other runs.

    PYTHONPATH=src python benchmarks/profile_coba.py [--scale 1] [--steps 2000]
"""

from __future__ import annotations

import argparse
import collections
import glob
import os
import pathlib
import re
import sys
import tempfile
import time

DUMP = tempfile.mkdtemp(prefix="coba_hlo_")
os.environ["XLA_FLAGS"] = (
    os.environ.get("XLA_FLAGS", "") + f" --xla_dump_to={DUMP} --xla_dump_hlo_as_text"
)

import jax  # noqa: E402 - after XLA_FLAGS
import jax.numpy as jnp  # noqa: E402
from jax import lax  # noqa: E402

HERE = pathlib.Path(__file__).resolve().parent
PARTS = [
    ("_event.py", "propagation"),
    ("neurons/_lif.py", "neurons"),
    ("neurons/_base.py", "neurons"),
    ("integrators/_steps.py", "neurons"),
    ("_expon.py", "synapses"),
    ("_coba_cuba.py", "outputs"),
    ("coba_ei_network.py", "network"),
]


def _example():
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "coba_ei_network", HERE.parent / "examples" / "coba_ei_network.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules["coba_ei_network"] = module
    spec.loader.exec_module(module)
    return module


def _reference():
    import importlib.util

    spec = importlib.util.spec_from_file_location("coba_reference", HERE / "coba_reference.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def wall_per_step(fn, n_steps: int, rounds: int = 5) -> float:
    """Best wall time per step (µs) over `rounds` runs, after a compiling run."""
    jax.block_until_ready(fn())
    best = float("inf")
    for _ in range(rounds):
        t0 = time.perf_counter()
        jax.block_until_ready(fn())
        best = min(best, time.perf_counter() - t0)
    return best / n_steps * 1e6


def op_times(fn, n_steps: int) -> dict[str, tuple[float, float]]:
    """`{operation: (calls per step, µs per step)}` of one profiled run."""
    jax.block_until_ready(fn())
    trace_dir = tempfile.mkdtemp(prefix="coba_trace_")
    jax.profiler.start_trace(trace_dir)
    jax.block_until_ready(fn())
    jax.profiler.stop_trace()
    path = sorted(glob.glob(f"{trace_dir}/**/*.xplane.pb", recursive=True))[-1]
    total, count = collections.Counter(), collections.Counter()
    for plane in jax.profiler.ProfileData.from_file(path).planes:
        for line in plane.lines:
            if not line.name.startswith("tf_XLA"):
                continue
            for event in line.events:
                if event.name.startswith(("end:", "ThunkExecutor")):
                    continue
                total[event.name] += event.duration_ns
                count[event.name] += 1
    return {k: (count[k] / n_steps, total[k] / 1e3 / n_steps) for k in total}


def _frames(text: str) -> dict[int, list[str]]:
    """stack_frame_id -> the source files of that frame and its callers, innermost first."""

    def table(title: str) -> list[tuple[int, str]]:
        block = re.search(rf"\n{title}\n(.*?)\n\n", text, re.S)
        lines = block.group(1).splitlines() if block else []
        return [(int(line.split(" ", 1)[0]), line.split(" ", 1)[1]) for line in lines if line]

    files = {i: rest.strip('"') for i, rest in table("FileNames")}
    locations = {
        i: int(re.search(r"file_name_id=(\d+)", rest).group(1))
        for i, rest in table("FileLocations")
    }
    frames = {}
    for i, rest in table("StackFrames"):
        loc = int(re.search(r"file_location_id=(\d+)", rest).group(1))
        parent = re.search(r"parent_frame_id=(\d+)", rest)
        frames[i] = (files.get(locations.get(loc, -1), ""), int(parent.group(1)) if parent else 0)
    chains = {}
    for i in frames:
        chain, j = [], i
        while j in frames and len(chain) < 64:
            chain.append(frames[j][0])
            j = frames[j][1]
        chains[i] = chain
    return chains


def _part(frame_ids: list[int], chains: dict[int, list[str]]) -> str | None:
    """The first of `PARTS` that any instruction's call chain passes through."""
    files = {file for frame in frame_ids for file in chains.get(frame, [])}
    for suffix, part in PARTS:
        if any(file.endswith(suffix) for file in files):
            return part
    return None


def sources() -> dict[str, str]:
    """Operation name -> the part of the model its instructions come from, read from the
    optimized HLO of the last eqbrain-compiled module (`jit_flat`)."""
    paths = sorted(glob.glob(f"{DUMP}/*jit_flat*after_optimizations.txt"))
    if not paths:
        return {}
    text = open(paths[-1]).read()
    chains = _frames(text)
    computations = dict(re.findall(r"\n%?([\w.\-]+) [^\n]*\{\n(.*?)\n\}", text, re.S))
    where: dict[str, str] = {}
    for name, line in re.findall(r"\n\s*(?:ROOT )?%?([\w.\-]+) = ([^\n]*)", text):
        ids = [int(x) for x in re.findall(r"stack_frame_id=(\d+)", line)]
        called = re.search(r"calls=%?([\w.\-]+)", line)
        if called:
            body = computations.get(called.group(1), "")
            ids = [int(x) for x in re.findall(r"stack_frame_id=(\d+)", body)] + ids
        part = _part(ids, chains)
        if part:
            where[name] = part
    return where


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--steps", type=int, default=2000)
    parser.add_argument("--top", type=int, default=40, help="operations listed")
    args = parser.parse_args()
    import eqbrain

    net = _example().build(args.scale)
    runner = eqbrain.Runner(net, monitors=["N.spike"], dt=0.1)
    n = args.steps

    def run_eqbrain():
        net.reset_state()
        runner.i, runner.t = 0, 0.0
        runner.run(n_steps=n)  # the records come back sparse, on the host: synced
        return runner.mon["N.spike"]

    V0 = net.N.V.value

    ref = _reference()

    @jax.jit
    def bare_lif(V0):  # the LIF update of eqbrain.dyn.LIF, a constant input, a spike output
        def step(carry, t):
            V, t_last = carry
            V_new = ref.lif_step(V, 20.0, 0.1)  # exponential Euler as eqbrain's
            V_new = jnp.where((t - t_last) <= 5.0, V, V_new)
            spike = V_new >= -50.0
            return (jnp.where(spike, -60.0, V_new), jnp.where(spike, t, t_last)), spike

        ts = jnp.arange(n, dtype=jnp.float32) * 0.1
        return lax.scan(step, (V0, jnp.full_like(V0, -1e7)), ts)[1]

    spikes = run_eqbrain().dense()
    print(
        f"jax {jax.__version__}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; "
        f"{net.N.num} neurons, {n} steps, {spikes.sum() / n:.1f} spikes per step"
    )
    net.reset_state()
    sim = (net.E.comm.indices.value, net.I.comm.indices.value, net.N.V.value, n)
    w = {"w_exc": net.E.comm.weight, "w_inh": net.I.comm.weight, "dt": 0.1}
    no_prop = jax.jit(
        lambda iE, iI, V0: ref._simulate(
            lambda s, i, w, n_post: jnp.zeros(n_post, jnp.float32),
            iE,
            iI,
            V0,
            n,
            w["w_exc"],
            w["w_inh"],
            0.1,
        )
    )
    wall = {
        "eqbrain COBA step": wall_per_step(run_eqbrain, n),
        "hand-written JAX step": wall_per_step(lambda: ref.simulate_event(*sim, **w), n),
        "hand-written JAX step, propagation left out": wall_per_step(lambda: no_prop(*sim[:3]), n),
        "bare lax.scan, LIF only": wall_per_step(lambda: bare_lif(V0), n),
    }
    for name, us in wall.items():
        print(f"{name}: {us:.1f} µs per step (best of 5, no profiler)")

    ops = op_times(run_eqbrain, n)
    where = sources()
    body = {k: v for k, v in ops.items() if v[0] >= 0.05}  # run every step (or often)
    print(
        f"\nXLA operations of one step under the profiler ({len(body)} operations run "
        f"at least once per 20 steps; the loop itself is `while`):\n"
    )
    print("| operation | part | runs per step | µs per run | µs per step |")
    print("|---|---|---|---|---|")
    ranked = sorted(body.items(), key=lambda kv: -kv[1][1])
    for name, (calls, us) in ranked[: args.top]:
        part = where.get(name, "loop, monitor")
        print(f"| `{name}` | {part} | {calls:.2f} | {us / calls:.2f} | {us:.2f} |")
    parts = collections.Counter()
    for name, (_, us) in body.items():
        if not name.startswith(("while", "cond")):  # containers: their ops are counted
            parts[where.get(name, "loop, monitor")] += us
    runs = sum(c for k, (c, _) in body.items() if not k.startswith(("while", "cond")))
    print(f"\n{runs:.1f} operations run per step (the loops' bodies included).")
    print("\n| part | µs per step (profiled) |\n|---|---|")
    for part, us in parts.most_common():
        print(f"| {part} | {us:.1f} |")
    bare = op_times(lambda: bare_lif(V0), n)
    bare_body = {k: v for k, v in bare.items() if v[0] >= 0.5 and not k.startswith("while")}
    print(
        f"\nThe bare LIF scan runs {len(bare_body)} operations per step, "
        f"{sum(v[1] for v in bare_body.values()):.1f} µs per step under the profiler."
    )


if __name__ == "__main__":
    main()
