"""Two layouts of per-synapse delays, on the microcircuit's synapses: `DelayConn`'s ring
buffer of pending input, and delay-sorted event lists.

- **ring buffer** (`eqbrain.dyn.DelayConn`): rows by source, each synapse an int32 code
  (target and delay) and a weight; a spike's row is read once and scattered into the
  slots of the steps it arrives at; each step reads its slot (and clears the one read
  the step before).
- **event lists**: rows by (delay, source), each synapse a target and a weight, a row
  pointer per (delay, source); the spikes of the last `max_delay` steps are kept, and
  each step reads, for every delay `d`, the rows of delay `d` of the neurons that spiked
  `d` steps ago, scattering straight into this step's input.

Both are driven by the same random spikes (Bernoulli, `--rate` spikes/s per neuron),
in one jitted loop each, timed alternately; their outputs are checked equal (up to
float rounding: the sums run in another order). Printed: seconds per simulated second
and bytes per synapse of each.

    PYTHONPATH=src python benchmarks/bench_delay_layouts.py [--scale 0.1] [--rate 4]
"""

from __future__ import annotations

import argparse
import importlib.util
import pathlib
import sys
import time

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

import eqbrain
from eqbrain.dyn.projections._event import spike_lister  # the kernel both layouts share

ROOT = pathlib.Path(__file__).resolve().parent.parent
_SCATTER = lax.ScatterDimensionNumbers(
    update_window_dims=(), inserted_window_dims=(0,), scatter_dims_to_operand_dims=(0,)
)


def event_lists(syn: dict, n: int, max_delay: int):
    """Rows by (delay - 1, source): `(indptr, targets, weights, width)`."""
    key = (syn["delay_steps"].astype(np.int64) - 1) * n + syn["pre"]
    order = np.argsort(key, kind="stable")
    counts = np.bincount(key, minlength=max_delay * n)
    indptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
    width = int(counts.max())
    targets = np.concatenate([syn["post"][order], np.zeros(width, np.int32)]).astype(np.int32)
    weights = np.concatenate([syn["weight"][order], np.zeros(width, np.float32)])
    return jnp.asarray(indptr), jnp.asarray(targets), jnp.asarray(weights), width


def event_list_step(history, spike, lists, n, max_delay, group=8):
    """Push `spike` into the history; the input arriving now from every delay."""
    indptr, targets, weights, width = lists
    history = jnp.concatenate([spike[None], history[:-1]])  # row d - 1: d steps ago
    ids, count = spike_lister(history.reshape(-1))
    lane = jnp.arange(width, dtype=jnp.int32)
    rows_n = max_delay * n

    def scatter(out, start):
        rows = ids(start, group)
        ok = rows < rows_n
        r = jnp.minimum(rows, rows_n - 1)
        starts = jnp.where(ok, indptr[r], 0)
        ends = jnp.where(ok, indptr[r + 1], 0)
        t = jnp.concatenate(
            [lax.dynamic_slice_in_dim(targets, starts[i], width) for i in range(group)]
        )
        w = jnp.concatenate(
            [lax.dynamic_slice_in_dim(weights, starts[i], width) for i in range(group)]
        )
        inside = (lane[None, :] < (ends - starts)[:, None]).reshape(-1)
        t = jnp.where(inside, t, n)[:, None]
        return lax.scatter_add(out, t, w, _SCATTER, mode=lax.GatherScatterMode.FILL_OR_DROP)

    n_groups = (count + group - 1) // group
    out = lax.fori_loop(0, n_groups, lambda k, o: scatter(o, k * group), jnp.zeros(n))
    return history, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("--rate", type=float, default=4.0, help="spikes/s per neuron")
    parser.add_argument("--steps", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    spec = importlib.util.spec_from_file_location(
        "microcircuit", ROOT / "examples/microcircuit.py"
    )
    assert spec is not None and spec.loader is not None
    example = importlib.util.module_from_spec(spec)
    sys.modules["microcircuit"] = example
    spec.loader.exec_module(example)
    net = example.Microcircuit(args.scale)
    conn, n = net.conn, net.bounds[-1]
    syn = conn.synapses()
    lists = event_lists(syn, n, conn.max_delay)
    p = args.rate * 1e-4
    spikes = jax.random.uniform(jax.random.key(0), (args.steps, n)) < p
    eqbrain.set_dt(0.1)

    def ring(s):
        return eqbrain.for_loop(conn, s)  # compiled once, its state written back

    @jax.jit
    def events(s):
        h0 = jnp.zeros((conn.max_delay, n), bool)
        return lax.scan(lambda h, x: event_list_step(h, x, lists, n, conn.max_delay), h0, s)[1]

    a = np.asarray(ring(spikes))
    b = np.asarray(events(spikes))
    np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-2)
    times: dict[str, list[float]] = {"ring buffer": [], "event lists": []}
    for _ in range(args.rounds):
        for name, f in (("ring buffer", ring), ("event lists", events)):
            t0 = time.perf_counter()
            jax.block_until_ready(f(spikes))
            times[name].append((time.perf_counter() - t0) / (args.steps * 1e-4))
    n_syn = conn.n_synapses
    nbytes = {
        "ring buffer": conn.nbytes,
        "event lists": sum(int(x.nbytes) for x in lists[:3]),
    }
    print(f"scale {args.scale}: {n} neurons, {n_syn} synapses, max delay {conn.max_delay} steps,")
    print(f"random spikes at {args.rate} spikes/s; outputs equal; seconds per simulated second")
    for name, t in times.items():
        print(
            f"{name:>12}: median {np.median(t):6.3f} [best {min(t):6.3f}]  "
            f"{nbytes[name] / n_syn:5.2f} bytes a synapse"
        )


if __name__ == "__main__":
    main()
