"""A jitted in-place step: eqbrain.jit against raw JAX, Equinox, Flax NNX and BrainPy.

Each model has N sub-modules holding two small Variables (`V` of shape (4,) and `w` of
shape (4,)); one step does `V <- 0.9 V + w` in every sub-module. Printed, for each
variant: the first call (trace + compile, milliseconds, and its ratio to
`eqx.filter_jit`'s), the median per-call time after it (microseconds, and its ratio to
raw `jax.jit` over the same arrays), and how many times the function was traced.

    PYTHONPATH=src python benchmarks/bench_jit.py [--sizes 10 100 1000] [--calls 200]
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time

import equinox as eqx
import jax
import jax.numpy as jnp

import eqbrain

TRACES: dict[str, int] = {}


def _count(name: str) -> None:
    TRACES[name] = TRACES.get(name, 0) + 1


def _median_us(call, block, calls: int) -> tuple[float, float]:
    """(first call in ms: trace + compile, median later call in µs)."""
    t0 = time.perf_counter()
    block(call())
    first = (time.perf_counter() - t0) * 1e3
    for _ in range(10):  # warm up
        block(call())
    times = []
    gc.collect()
    gc.disable()  # as `timeit` does: no collector pauses from earlier variants' garbage
    try:
        for _ in range(calls):
            t0 = time.perf_counter()
            block(call())
            times.append(time.perf_counter() - t0)
    finally:
        gc.enable()
    return first, statistics.median(times) * 1e6


# -- raw JAX ------------------------------------------------------------------------------


def bench_raw(n: int, calls: int) -> tuple[float, float]:
    Vs = [jnp.zeros(4) for _ in range(n)]
    ws = [jnp.ones(4) for _ in range(n)]

    @jax.jit
    def step(Vs, ws):
        _count("raw jax.jit")
        return [V * 0.9 + w for V, w in zip(Vs, ws)]

    state = {"Vs": Vs}

    def call():
        state["Vs"] = step(state["Vs"], ws)
        return state["Vs"][-1]

    return _median_us(call, jax.block_until_ready, calls)


# -- eqbrain models (also used functionally through jax.jit and eqx.filter_jit) --------


class Sub(eqbrain.Module):
    V: eqbrain.Variable
    w: eqbrain.TrainVar

    def __init__(self):
        super().__init__()
        self.V = eqbrain.Variable(jnp.zeros(4))
        self.w = eqbrain.TrainVar(jnp.ones(4))

    def step(self):
        self.V.value = self.V.value * 0.9 + self.w.value


class Net(eqbrain.Module):
    subs: list

    def __init__(self, n):
        super().__init__()
        self.subs = [Sub() for _ in range(n)]

    def step(self):
        for s in self.subs:
            s.step()


def _functional(model):
    for s in model.subs:
        s.step()  # writes into the trace-local copy: functional style
    return model


def bench_eqx_jax_jit(n: int, calls: int) -> tuple[float, float]:
    state = {"m": Net(n)}

    @jax.jit
    def step(model):
        _count("eqx module, jax.jit")
        return _functional(model)

    def call():
        state["m"] = step(state["m"])
        return state["m"].subs[-1].V.raw_value

    return _median_us(call, jax.block_until_ready, calls)


def bench_filter_jit(n: int, calls: int) -> tuple[float, float]:
    state = {"m": Net(n)}

    @eqx.filter_jit
    def step(model):
        _count("eqx.filter_jit")
        return _functional(model)

    def call():
        state["m"] = step(state["m"])
        return state["m"].subs[-1].V.raw_value

    return _median_us(call, jax.block_until_ready, calls)


def bench_eqbrain(n: int, calls: int) -> tuple[float, float]:
    net = Net(n)

    def counted():
        _count("eqbrain.jit")
        net.step()

    step = eqbrain.jit(counted)
    last = net.subs[-1].V

    def call():
        step()
        return last.raw_value

    return _median_us(call, jax.block_until_ready, calls)


# -- Flax NNX ------------------------------------------------------------------------------


def bench_nnx(n: int, calls: int) -> tuple[float, float]:
    from flax import nnx

    class NSub(nnx.Module):
        def __init__(self):
            self.V = nnx.BatchStat(jnp.zeros(4))
            self.w = nnx.Param(jnp.ones(4))

    class NNet(nnx.Module):
        def __init__(self, n):
            self.subs = nnx.List([NSub() for _ in range(n)])

    net = NNet(n)

    @nnx.jit
    def step(net):
        _count("nnx.jit")
        for s in net.subs:
            s.V[...] = s.V[...] * 0.9 + s.w[...]

    last = net.subs[-1].V

    def call():
        step(net)
        return last[...]

    return _median_us(call, jax.block_until_ready, calls)


# -- BrainPy ------------------------------------------------------------------------------


def bench_brainpy(n: int, calls: int) -> tuple[float, float]:
    import brainpy.math as bm

    class BSub(bm.BrainPyObject):
        def __init__(self):
            super().__init__()
            self.V = bm.Variable(jnp.zeros(4))
            self.w = bm.TrainVar(jnp.ones(4))

        def step(self):
            self.V.value = self.V.value * 0.9 + self.w.value

    class BNet(bm.BrainPyObject):
        def __init__(self, n):
            super().__init__()
            self.subs = bm.NodeList([BSub() for _ in range(n)])

        def step(self):
            _count("bm.jit")
            for s in self.subs:
                s.step()

    net = BNet(n)
    step = bm.jit(net.step)
    last = net.subs[-1].V

    def call():
        step()
        return last.value

    return _median_us(call, jax.block_until_ready, calls)


BENCHES = [
    ("raw jax.jit", bench_raw),
    ("eqx module, jax.jit", bench_eqx_jax_jit),
    ("eqx.filter_jit", bench_filter_jit),
    ("eqbrain.jit", bench_eqbrain),
    ("nnx.jit", bench_nnx),
    ("bm.jit", bench_brainpy),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 1000])
    parser.add_argument("--calls", type=int, default=200)
    args = parser.parse_args()
    print(f"jax {jax.__version__}, equinox {eqx.__version__}, device {jax.devices()[0]}")
    rows = []
    for n in args.sizes:
        for name, bench in BENCHES:
            TRACES.pop(name, None)
            try:
                first, us = bench(n, args.calls)
            except ImportError as e:
                rows.append((n, name, None, None, 0, str(e)))
                continue
            rows.append((n, name, first, us, TRACES.get(name, 0), ""))
    _table("Per call (after the first)", rows, "µs/call", 3, "raw jax.jit", "{:.1f}")
    _table("First call (trace + compile)", rows, "ms", 2, "eqx.filter_jit", "{:.0f}")


def _table(title: str, rows: list, unit: str, col: int, base: str, fmt: str) -> None:
    print(f"\n{title}\n")
    print(f"| sub-modules | variant | {unit} | × {base} | traces |")
    print("|---|---|---|---|---|")
    for n in sorted({r[0] for r in rows}):
        ref = next((r[col] for r in rows if r[0] == n and r[1] == base), None)
        for r in (r for r in rows if r[0] == n):
            if r[col] is None:
                print(f"| {n} | {r[1]} | not installed | | | ({r[5]})")
                continue
            ratio = f"{r[col] / ref:.2f}" if ref else ""
            print(f"| {n} | {r[1]} | {fmt.format(r[col])} | {ratio} | {r[4]} |")


if __name__ == "__main__":
    main()
