"""Per-call time of a jitted in-place step: eqbrain.jit against JAX, Equinox, NNX, BrainPy.

Each model has N sub-modules holding two small Variables (`V` of shape (4,) and `w` of
shape (4,)); one step does `V <- 0.9 V + w` in every sub-module. Printed: the median
per-call time (microseconds) and its ratio to raw `jax.jit` over the same arrays, and
how many times each function was traced.

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


def _median_us(call, block, calls: int) -> float:
    for _ in range(10):  # warm up (compiles)
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
    return statistics.median(times) * 1e6


# -- raw JAX ------------------------------------------------------------------------------


def bench_raw(n: int, calls: int) -> float:
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


def bench_eqx_jax_jit(n: int, calls: int) -> float:
    state = {"m": Net(n)}

    @jax.jit
    def step(model):
        _count("eqx module, jax.jit")
        return _functional(model)

    def call():
        state["m"] = step(state["m"])
        return state["m"].subs[-1].V._value

    return _median_us(call, jax.block_until_ready, calls)


def bench_filter_jit(n: int, calls: int) -> float:
    state = {"m": Net(n)}

    @eqx.filter_jit
    def step(model):
        _count("eqx.filter_jit")
        return _functional(model)

    def call():
        state["m"] = step(state["m"])
        return state["m"].subs[-1].V._value

    return _median_us(call, jax.block_until_ready, calls)


def bench_eqbrain(n: int, calls: int) -> float:
    net = Net(n)

    def counted():
        _count("eqbrain.jit")
        net.step()

    step = eqbrain.jit(counted)
    last = net.subs[-1].V

    def call():
        step()
        return last._value

    return _median_us(call, jax.block_until_ready, calls)


# -- Flax NNX ------------------------------------------------------------------------------


def bench_nnx(n: int, calls: int) -> float:
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


def bench_brainpy(n: int, calls: int) -> float:
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
    header = f"| {'sub-modules':>11} | {'variant':<20} | {'µs/call':>9} | {'× raw':>6} | traces |"
    print(header)
    print("|" + "|".join("-" * (len(c)) for c in header.split("|")[1:-1]) + "|")
    for n in args.sizes:
        raw = None
        for name, bench in BENCHES:
            TRACES.pop(name, None)
            try:
                us = bench(n, args.calls)
            except ImportError as e:
                print(f"| {n:>11} | {name:<20} | {'not installed':>9} |        |        |  ({e})")
                continue
            raw = us if raw is None else raw
            traces = TRACES.get(name, 0)
            print(f"| {n:>11} | {name:<20} | {us:>9.1f} | {us / raw:>6.2f} | {traces:>6} |")


if __name__ == "__main__":
    main()
