"""The cost of sharding: the COBA network or the microcircuit on 1, 2, 4 and 8 forced
CPU devices.

The network of `examples/coba_ei_network.py` (`4000 * scale` neurons, 1 s of it by
default), or with `--model microcircuit` the Potjans-Diesmann microcircuit of
`examples/microcircuit.py` (at `--scale`; 0.102 gives 7872 neurons, a multiple of 8),
runs without a mesh and through `eqbrain.DSRunner(..., mesh=mesh)` on meshes of
1, 2, 4 and 8 devices. The devices are forced CPU devices
(`--xla_force_host_platform_device_count`) sharing this machine's cores, so a mesh adds
no compute: what changes is the cost of splitting the step (one `shard_map` per
projection, the neurons' state cut into blocks) and of the exchange (the population's
spikes, packed, all-gathered once every step). Printed per device count: seconds per
simulated second (median of `--rounds` timed runs after one that compiles, the
configurations interleaved round by round), the ratio to one device at the same core
count, the time of the exchange alone (a loop of the same all-gather of the packed
spikes, nothing else), and whether the spikes of the first run equal those without a
mesh. For the microcircuit, also the bytes one device holds of `DelayConn`'s synapse
arrays (its own rows, its share of the global rows kept for checkpoints, the row
pointers) and of its ring buffer.

    PYTHONPATH=src python benchmarks/bench_sharded.py [--scale 1] [--duration 1000]
    PYTHONPATH=src python benchmarks/bench_sharded.py --model microcircuit --scale 0.102 \
        --duration 200
"""

from __future__ import annotations

import os

os.environ.setdefault("XLA_FLAGS", "--xla_force_host_platform_device_count=8")

import argparse  # noqa: E402
import functools  # noqa: E402
import importlib.util  # noqa: E402
import pathlib  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from typing import Any  # noqa: E402

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
from jax.sharding import AxisType, PartitionSpec as P  # noqa: E402

import eqbrain  # noqa: E402

_EXAMPLES = pathlib.Path(__file__).resolve().parent.parent / "examples"


def _example(name: str):
    spec = importlib.util.spec_from_file_location(name, _EXAMPLES / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


coba = _example("coba_ei_network")
circuit = _example("microcircuit")

DT = 0.1
MODELS = {  # the network, the spikes to record
    "coba": (lambda scale: coba.build(scale), "N.spike"),
    "microcircuit": (lambda scale: circuit.Microcircuit(scale), "neurons.spike"),
}


def prepared(model: str, scale: float, duration: float, mesh):
    """A runner of the network on `mesh` (or none), run once (it compiles), and the
    spikes of that first run."""
    build, spikes = MODELS[model]
    net = build(scale)
    runner = eqbrain.DSRunner(net, monitors=[spikes], dt=DT, mesh=mesh)
    runner.run(duration, outputs=False)
    first = runner.mon[spikes]
    return runner, (first.steps, first.indices)


def held(runner) -> tuple[int, int]:
    """The most bytes one device holds of the microcircuit's `DelayConn`: its synapse
    arrays (on a mesh: its own rows and its share of the global ones) and its buffer."""
    conn = runner.target.conn
    arrays = [conn.codes, conn.weights, conn.indptr]
    found = None if runner._plan is None else runner._plan.delays.get(id(conn.codes))
    if found is not None:
        arrays += [found.indptr, found.codes, found.weights]
    out = []
    for group in ([a for a in arrays if a is not None], [conn.buffer]):
        per: dict = {}
        for var in group:
            for shard in var.value.addressable_shards:
                per[shard.device] = per.get(shard.device, 0) + shard.data.nbytes
        out.append(max(per.values()))
    return out[0], out[1]


def timed(runner, duration: float) -> float:
    start = time.perf_counter()
    runner.run(duration, outputs=False)
    return time.perf_counter() - start


def exchange(mesh, n: int, steps: int, rounds: int) -> float:
    """Median seconds of `steps` steps that only exchange the spikes of `n` neurons as the
    runner does: each device's block packed eight to a byte, the bytes all-gathered."""
    axis = mesh.axis_names[0]
    shards = mesh.devices.size
    width = -(-n // (8 * shards))

    def body(carry, _):
        every = jax.lax.all_gather(carry, axis)  # (shards, width)
        return carry ^ every[0], None

    def loop(x):
        return jax.lax.scan(body, x, None, length=steps)[0]

    spec = P(axis)
    run = jax.jit(jax.shard_map(loop, mesh=mesh, in_specs=spec, out_specs=spec, check_vma=False))
    x = jnp.arange(width * shards, dtype=jnp.uint8)
    jax.block_until_ready(run(x))
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        jax.block_until_ready(run(x))
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(model: str, scale: float, duration: float, rounds: int, devices: list[int]) -> None:
    steps = int(round(duration / DT))
    per_s = 1000.0 / duration
    configs: list[int | None] = [None, *devices]
    meshes = {
        n: None if n is None else jax.make_mesh((n,), ("neurons",), devices=jax.devices()[:n])
        for n in configs
    }
    runs = {n: prepared(model, scale, duration, meshes[n]) for n in configs}
    spike_var: Any = functools.reduce(getattr, MODELS[model][1].split("."), runs[None][0].target)
    n_neurons = int(spike_var.value.shape[0])
    print(
        f"{model}, {n_neurons} neurons, {duration:g} ms, dt = {DT} ms, {os.cpu_count()} "
        f"cores shared by up to {max(devices)} forced devices; s per simulated second "
        f"(median of {rounds})"
    )
    memory = model == "microcircuit"
    if memory:
        syn, buf = held(runs[None][0])
        print(f"{'no mesh':>10}: DelayConn {syn / 1e6:.2f} MB synapses, {buf / 1e6:.2f} MB buffer")
    times: dict[int | None, list[float]] = {n: [] for n in configs}
    for _ in range(rounds):  # interleaved: a slow spell of the machine hits them all
        for n in configs:
            times[n].append(timed(runs[n][0], duration))
    ref = runs[None][1]
    print(f"{'no mesh':>10}: {statistics.median(times[None]) * per_s:7.3f} s")
    one = statistics.median(times[devices[0]]) * per_s
    for n in devices:
        step = statistics.median(times[n]) * per_s
        auto = jax.make_mesh((n,), ("neurons",), (AxisType.Auto,), devices=jax.devices()[:n])
        ex = exchange(auto, n_neurons, steps, rounds) * per_s
        spikes = runs[n][1]
        same = np.array_equal(spikes[0], ref[0]) and np.array_equal(spikes[1], ref[1])
        print(
            f"{n:>3} device{'s' if n > 1 else ' '}: {step:7.3f} s  x{step / one:5.2f} of "
            f"{devices[0]} device; exchange alone {ex:6.3f} s ({ex / step:4.0%} of the "
            f"step); spikes identical to no mesh: {same}"
        )
        if memory:
            syn, buf = held(runs[n][0])
            print(
                f"{'':>11} DelayConn per device: {syn / 1e6:.2f} MB synapses, "
                f"{buf / 1e6:.2f} MB buffer"
            )
        assert same, f"the spikes on {n} devices differ from those without a mesh"


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--model", choices=sorted(MODELS), default="coba")
    parser.add_argument("--scale", type=float, default=1.0, help="network size / 4000")
    parser.add_argument("--duration", type=float, default=1000.0, help="ms simulated")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--devices", type=int, nargs="+", default=[1, 2, 4, 8])
    args = parser.parse_args()
    main(args.model, args.scale, args.duration, args.rounds, args.devices)
