"""Caches that hit, and are freed: compile counts and memory over many cycles."""

from __future__ import annotations

import gc
import threading
import tracemalloc

import jax.numpy as jnp
import numpy as np

import eqbrain
from eqbrain._transforms import _cache
from eqbrain._transforms._cache import cache_size


class Acc(eqbrain.DynamicalSystem):
    x: eqbrain.Variable

    def __init__(self, n: int = 4):
        super().__init__()
        self.x = eqbrain.Variable(jnp.zeros(n))

    def update(self, inp):
        self.x.value = self.x.value + inp
        return self.x.value.sum()


def test_eager_for_loop_with_the_same_body_traces_once():
    m = Acc()
    traces = []

    def body(x):
        traces.append(1)
        return m.update(x)

    eqbrain.for_loop(body, jnp.ones(10))
    first = len(traces)  # discovery, then compilation
    for _ in range(4):
        eqbrain.for_loop(body, jnp.ones(10))
    assert len(traces) == first  # later calls reuse the compiled loop
    np.testing.assert_array_equal(m.x.value, np.full(4, 50.0))


def test_eager_for_loop_over_a_bound_method_traces_once_per_object():
    a, b = Acc(), Acc()
    for _ in range(3):
        eqbrain.for_loop(a.update, jnp.ones(3))
        eqbrain.for_loop(b.update, jnp.ones(3) * 2)
    np.testing.assert_array_equal(a.x.value, np.full(4, 9.0))
    np.testing.assert_array_equal(b.x.value, np.full(4, 18.0))


def test_eager_scan_with_the_same_body_traces_once():
    m = Acc()
    traces = []

    def body(c, x):
        traces.append(1)
        return c + m.update(x), x

    carry, ys = eqbrain.scan(body, jnp.float32(0), jnp.ones(3))
    first = len(traces)
    for _ in range(3):
        carry, ys = eqbrain.scan(body, jnp.float32(0), jnp.ones(3))
    assert len(traces) == first
    # Four calls of three steps: x reaches 12; the last call's carry restarts at 0.
    np.testing.assert_array_equal(m.x.value, np.full(4, 12.0))
    assert float(carry) == 40 + 44 + 48


def test_eager_for_loop_over_another_length_runs_it():
    # The cached loop once kept the first call's length: 10 steps, then 5, raised
    # "scan got `length` argument of 10 which disagrees with leading axis sizes [5]".
    m = Acc()
    out10 = eqbrain.for_loop(m.update, jnp.ones(10))
    out5 = eqbrain.for_loop(m.update, jnp.ones(5))
    assert out10.shape == (10,) and out5.shape == (5,)
    np.testing.assert_array_equal(m.x.value, np.full(4, 15.0))
    ys = eqbrain.for_loop(m.update, jnp.ones(7), progress_bar=False, reverse=True)
    assert ys.shape == (7,)
    np.testing.assert_array_equal(m.x.value, np.full(4, 22.0))
    carry, ys = eqbrain.scan(lambda c, x: (c + m.update(x), x), jnp.float32(0), jnp.ones(3))
    carry, ys = eqbrain.scan(lambda c, x: (c + m.update(x), x), jnp.float32(0), jnp.ones(2))
    assert ys.shape == (2,)


class _CollectsUnderTheLock:
    """Loop settings whose hash runs the garbage collector while the cache's lock is
    held (as an allocation there may): the finalizers of dead bodies run right then."""

    def __hash__(self) -> int:
        if _cache._lock.locked():
            gc.collect()
        return 1

    def __eq__(self, other) -> bool:
        return isinstance(other, _CollectsUnderTheLock)


def test_a_collection_inside_the_loop_caches_lock_does_not_deadlock():
    def cyclic_body():
        def body(x):
            return x

        setattr(body, "me", body)  # a reference cycle: only the garbage collector frees it
        return body

    def run():
        body = cyclic_body()
        _cache.cached(body, "settings", lambda get: get)
        del body  # dead, but not freed until the collector runs
        _cache.cached(lambda x: x, _CollectsUnderTheLock(), lambda get: get)

    gc.collect()
    start = cache_size()
    gc.disable()
    try:
        worker = threading.Thread(target=run, daemon=True)
        worker.start()
        worker.join(timeout=60)
    finally:
        gc.enable()
    assert not worker.is_alive(), "a finalizer waited on the lock its own thread held"
    gc.collect()
    assert cache_size() == start  # the dead body's entry was forgotten


def test_loop_cache_is_freed_with_its_bodies():
    gc.collect()
    start = cache_size()
    m = None
    for _ in range(20):
        m = Acc()
        eqbrain.for_loop(m.update, jnp.ones(2))
        eqbrain.for_loop(lambda x, m=m: m.update(x), jnp.ones(2))
    del m
    gc.collect()
    assert cache_size() == start


def _growth(cycle, n: int, warmup: int) -> int:
    for _ in range(warmup):
        cycle()
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(n):
            cycle()
        gc.collect()
        return tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()


def test_memory_stays_flat_over_4000_models_created_and_discarded():
    def cycle():
        m = Acc(8)
        m.vars()
        m.reset_state()

    # About 65 kB is a one-off (caches filling); a leak of 25 bytes a cycle (a name, an
    # initial state) exceeds the bound.
    assert _growth(cycle, 4_000, warmup=200) < 165_000


def test_memory_stays_flat_over_jitted_functions_created_and_discarded():
    def cycle():
        m = Acc(8)
        f = eqbrain.jit(lambda x: m.update(x))
        f(jnp.float32(1.0))

    # A leaked compiled function (tens of kB and more) a cycle exceeds the bound.
    assert _growth(cycle, 40, warmup=10) < 1_000_000
