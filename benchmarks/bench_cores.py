"""How compiled loops of elementwise kernels run on one core and on two.

XLA's CPU backend splits an elementwise kernel into tasks for the available cores.
This times two compiled loops of 10,000 steps over a vector of `n` elements, as a
simulation step updates its state: `uniform` draws `n` random numbers per step
(`jax.random.uniform`, JAX's default threefry generator) and adds them into the
vector; `block` draws the same numbers as `(b, n)` blocks every `b` steps (a
`lax.cond`; `b` as `eqbrain.dyn.PoissonBackground` chooses it: the largest power of
two with `b * n` at most 524,288, at most 64) and adds a row a step; `sin` updates
it with arithmetic only. Each runs in a fresh process held to 1 or to 2 cores (CPU
affinity), `uniform` also with XLA's older kernel emitters, interleaved round by round.

    PYTHONPATH=src python benchmarks/bench_cores.py [--n 7717] [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

STEPS = 10_000


def worker(kernel: str, cores: int, n: int) -> float:
    os.sched_setaffinity(0, set(range(cores)))
    import jax
    import jax.numpy as jnp

    def uniform(_, carry):
        key, v = carry
        key, sub = jax.random.split(key)
        return key, v * 0.99 + jax.random.uniform(sub, (n,))

    size = 1 << (max(1, min(64, 2**19 // n)).bit_length() - 1)  # the steps of a block

    def block(i, carry):
        key, v, rows = carry

        def draw(key, _):
            key, sub = jax.random.split(key)
            return key, jax.random.uniform(sub, (size, n))

        key, rows = jax.lax.cond(i % size == 0, draw, lambda k, r: (k, r), key, rows)
        return key, v * 0.99 + rows[i % size], rows

    def sin(_, carry):
        key, v = carry
        return key, v * 0.99 + jnp.sin(v) * 0.01 + 1e-3

    if kernel == "block":
        state = (jnp.zeros(n), jnp.zeros((size, n)))
        loop = jax.jit(lambda key: jax.lax.fori_loop(0, STEPS, block, (key, *state))[1])
    else:
        body = uniform if kernel == "uniform" else sin
        loop = jax.jit(lambda key: jax.lax.fori_loop(0, STEPS, body, (key, jnp.zeros(n)))[1])
    loop(jax.random.key(0)).block_until_ready()  # compile
    began = time.perf_counter()
    loop(jax.random.key(1)).block_until_ready()
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--n", type=int, default=7717, help="elements per kernel")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--worker", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        kernel, cores, n = args.worker
        print(worker(kernel, int(cores), int(n)))
        return
    if (os.cpu_count() or 1) < 2:
        sys.exit("bench_cores needs at least 2 cores.")
    runs: dict[tuple[str, int, str], list[float]] = {
        ("uniform", 1, ""): [],
        ("uniform", 2, ""): [],
        ("uniform", 2, "--xla_cpu_use_fusion_emitters=false"): [],
        ("block", 1, ""): [],
        ("block", 2, ""): [],
        ("sin", 1, ""): [],
        ("sin", 2, ""): [],
    }
    for _ in range(args.rounds):
        for (kernel, cores, flags), times in runs.items():
            env = dict(os.environ, XLA_FLAGS=flags)
            cmd = [sys.executable, __file__, "--worker", kernel, str(cores), str(args.n)]
            out = subprocess.run(cmd, capture_output=True, text=True, env=env, check=True)
            times.append(float(out.stdout.strip().splitlines()[-1]))
    print(f"{STEPS} steps of {args.n} elements; seconds, median of {args.rounds} [best]")
    for (kernel, cores, flags), times in runs.items():
        one = statistics.median(runs[(kernel, 1, "")])
        label = f"{kernel}, {cores} core{'s' if cores > 1 else ''}" + (
            f", {flags}" if flags else ""
        )
        med = statistics.median(times)
        print(f"{label:>58}: {med:.3f} [{min(times):.3f}]  {med / one:.2f}x one core")


if __name__ == "__main__":
    main()
