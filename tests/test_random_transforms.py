"""Randomness under transforms and threads: the default generator is safe to use first
anywhere, draws never repeat across threads, and functional transforms hand the
advanced key back to a caller that returns the generator."""

from __future__ import annotations

import subprocess
import sys
import threading

import equinox as eqx
import jax
import jax.numpy as jnp
import jax.random as jr
import numpy as np
import pytest
from jax.core import Tracer

import eqbrain
import eqbrain.random as br
from eqbrain import TraceLeakError
from eqbrain.random import _default

from .test_random import SRC, same


@pytest.fixture
def no_default():
    """The default generator not built yet, as in a fresh process (restored after)."""
    saved = list(_default._default)
    _default._default.clear()
    eqbrain.clear_name_cache()  # frees the name 'random_DEFAULT' for the new one
    yield
    _default._default[:] = saved


class Noisy(eqbrain.DynamicalSystem):
    """Draws its noise from the default generator in `update` only."""

    x: eqbrain.Variable

    def __init__(self):
        super().__init__()
        self.x = eqbrain.Variable(jnp.zeros(3))

    def update(self):
        self.x.value = br.normal(size=3)
        return self.x.value


def _first_use_in_place(how: str):
    if how == "eqbrain.jit":
        f = eqbrain.jit(lambda: br.normal(size=2))
        return [f(), f()]
    if how == "for_loop":
        return list(eqbrain.for_loop(lambda i: br.normal(size=2), jnp.arange(2)))
    if how == "eqbrain.grad":
        g = eqbrain.grad(lambda x: jnp.sum(x * br.normal(size=2)), return_value=True)
        return [g(jnp.ones(2))[0], g(jnp.ones(2))[0]]
    net = Noisy()
    return list(eqbrain.run(net, n_steps=2, monitors=["x"], dt=0.1)["x"])


@pytest.mark.parametrize("how", ["eqbrain.jit", "for_loop", "eqbrain.grad", "DSRunner"])
def test_default_generator_first_used_inside_an_eqbrain_transform(no_default, how):
    draws = _first_use_in_place(how)
    key = br.DEFAULT.key.value
    assert not isinstance(key, Tracer) and key.dtype == np.uint32
    assert not same(draws[0], draws[1])  # the key advanced between the two draws
    # The default generator goes on working, and a seed rewinds it.
    before = br.get_key()
    br.normal(size=2)
    assert not same(br.get_key(), before)
    br.seed(0)
    assert same(br.normal(size=2), eqbrain.random.RandomState(0).normal(size=2))


PLAIN = {
    "jax.jit": lambda: jax.jit(lambda: br.normal(size=2))(),
    "eqx.filter_jit": lambda: eqx.filter_jit(lambda: br.normal(size=2))(),
    "jax.vmap": lambda: jax.vmap(lambda x: x + br.normal())(jnp.zeros(2)),
    "jax.grad": lambda: jax.grad(lambda x: x * br.normal())(1.0),
    "eqx.filter_vmap": lambda: eqx.filter_vmap(lambda x: x + br.normal())(jnp.zeros(2)),
}


@pytest.mark.parametrize("how", sorted(PLAIN))
def test_default_generator_first_used_inside_a_plain_transform(no_default, how):
    with pytest.raises(TraceLeakError) as info:
        PLAIN[how]()
    message = str(info.value)
    assert "'random_DEFAULT.key'" in message
    for advice in ("eqbrain.jit", "key=k", "return it"):
        assert advice in message
    # No tracer stays behind: the key is concrete, and draws and seeds work.
    assert not isinstance(br.DEFAULT.key.value, Tracer)
    before = br.get_key()
    with pytest.raises(TraceLeakError):
        PLAIN[how]()  # again: the same error, not a leaked tracer
    assert same(br.get_key(), before)  # and the key never moved
    br.normal(size=2)
    br.seed(3)
    assert same(br.normal(size=2), eqbrain.random.RandomState(3).normal(size=2))


def test_default_generator_first_used_inside_jax_jit_in_a_fresh_process():
    # The report's reproduction, exactly: a fresh process, first draw inside jax.jit.
    code = (
        "import jax, eqbrain\n"
        "try:\n"
        "    jax.jit(lambda: eqbrain.random.normal(size=2))()\n"
        "except eqbrain.TraceLeakError as e:\n"
        "    assert 'eqbrain.jit' in str(e)\n"
        "eqbrain.random.normal(size=2)\n"
        "eqbrain.random.seed(0)\n"
        "f = eqbrain.jit(lambda: eqbrain.random.normal(size=2))\n"
        "assert (f() != f()).all()\n"
        "print('ok')\n"
    )
    env = {"PYTHONPATH": str(SRC.parent), "JAX_PLATFORMS": "cpu", "PATH": ""}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


def test_an_explicit_key_works_inside_plain_jax_jit(no_default):
    out = jax.jit(lambda k: br.normal(size=2, key=k))(jr.key(5))
    assert same(out, jr.normal(jr.key(5), (2,)))


# -- threads -------------------------------------------------------------------------------


def _draw_in_threads(n_threads: int, n_calls: int, draw) -> list[tuple]:
    out: list[list[tuple]] = [[] for _ in range(n_threads)]
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            for _ in range(n_calls):
                out[i].append(tuple(np.asarray(draw(i)).tolist()))
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(n_threads)]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads often: races show in few calls
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(interval)
    assert not errors, errors
    return [x for chunk in out for x in chunk]


def _check_threads(n_calls: int) -> None:
    """Two threads call one eqbrain.jit function (compiling it while the others draw:
    tracing swaps tracers into the key), a third draws eagerly, all from the default
    generator: every draw is one of the sequential stream's, none twice."""
    br.seed(0)
    f = eqbrain.jit(lambda: br.normal(size=2))
    got = _draw_in_threads(3, n_calls, lambda i: f() if i < 2 else br.normal(size=2))
    rng = eqbrain.random.RandomState(0)
    stream = {tuple(np.asarray(rng.normal(size=2)).tolist()) for _ in range(3 * n_calls)}
    assert len(set(got)) == len(got) == 3 * n_calls  # no draw repeated
    assert set(got) <= stream  # each one of the stream's: no key read twice


def test_threads_never_repeat_a_draw():
    _check_threads(40)


@pytest.mark.slow
def test_threads_never_repeat_a_draw_in_hundreds_of_calls():
    _check_threads(300)


def test_one_generator_per_thread_gives_reproducible_streams():
    def draws(seed: int) -> list[tuple]:
        rng = eqbrain.random.RandomState(seed)
        f = eqbrain.jit(lambda: rng.normal(size=2))
        return [tuple(np.asarray(f()).tolist()) for _ in range(20)]

    results: dict[int, list] = {}
    threads = [
        threading.Thread(target=lambda s=s: results.__setitem__(s, draws(s))) for s in (1, 2)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results[1] == draws(1) and results[2] == draws(2)
    assert not set(results[1]) & set(results[2])


# -- functional transforms ------------------------------------------------------------------


class Model(eqbrain.Module):
    rng: eqbrain.random.RandomState
    w: eqbrain.Variable

    def __init__(self, seed: int):
        super().__init__()
        self.rng = eqbrain.random.RandomState(seed)
        self.w = eqbrain.Variable(jnp.ones(3))

    def noisy(self):
        return self.w.value + self.rng.normal(size=3)


def test_filter_jit_returning_the_model_carries_the_advanced_key():
    model = Model(0)
    step = eqx.filter_jit(lambda m: (m.noisy(), m))
    outs = []
    for _ in range(3):
        out, model = step(model)
        outs.append(out)
    # The same draws, in the same order, as the eager calls on a twin (up to the
    # rounding of the compiled sum).
    twin = Model(0)
    for out in outs:
        np.testing.assert_allclose(out, twin.noisy(), rtol=1e-6)
    assert same(model.rng.value, twin.rng.value)


def test_filter_vmap_returning_the_generators_carries_the_advanced_keys():
    rngs = eqx.filter_vmap(lambda k: eqbrain.random.RandomState(k))(jr.split(jr.key(0), 4))
    step = eqx.filter_vmap(lambda r: (r.normal(size=2), r))
    a, rngs = step(rngs)
    b, rngs = step(rngs)
    assert a.shape == (4, 2) and not same(a, b)
    assert len({tuple(np.asarray(row).tolist()) for row in a}) == 4  # members differ
    # Member i draws what RandomState(keys[i]) draws eagerly.
    first = eqbrain.random.RandomState(jr.split(jr.key(0), 4)[1])
    assert same(a[1], first.normal(size=2)) and same(b[1], first.normal(size=2))


@pytest.mark.parametrize(
    "transform",
    [
        lambda f: eqx.filter_jit(f),
        lambda f: jax.jit(f),
        lambda f: eqx.filter_vmap(f, in_axes=(None,), axis_size=2),
    ],
    ids=["filter_jit", "jax.jit", "filter_vmap"],
)
def test_a_transform_that_does_not_return_the_generator_leaves_the_callers_key(transform):
    """Documented functional semantics: the draw advances a copy; the caller's key stays,
    so the same call draws the same numbers, as a JAX function given one key does."""
    model = Model(0)
    key = model.rng.value
    step = transform(lambda m: m.noisy())
    first = step(model)
    assert same(model.rng.value, key)
    assert same(step(model), first)  # returning the model is what advances it (above)


def test_eqbrain_jit_advances_a_generator_passed_as_an_argument():
    model = Model(0)
    step = eqbrain.jit(lambda m: m.noisy())
    a, b = step(model), step(model)
    twin = Model(0)
    np.testing.assert_allclose(a, twin.noisy(), rtol=1e-6)
    np.testing.assert_allclose(b, twin.noisy(), rtol=1e-6)
    assert same(model.rng.value, twin.rng.value)


def test_python_number_parameters_draw_under_jit():
    """A sampler's parameters may be Python numbers inside a jitted function, beside
    traced ones (the run-time checks thread through an array made from them)."""

    @eqbrain.jit
    def draws(ngood, high):
        return (
            br.bernoulli(0.5, (4,)),
            br.hypergeometric(ngood, 5, 3, (4,)),
            br.randint(0, high, (4,)),
        )

    keep, good, ints = draws(jnp.asarray(4), jnp.asarray(3))
    assert keep.dtype == jnp.bool_ and keep.shape == (4,)
    assert bool(jnp.all((good >= 0) & (good <= 3)))
    assert bool(jnp.all((ints >= 0) & (ints < 3)))
    drop = eqbrain.dnn.Dropout(0.5, seed=0)
    y = eqbrain.jit(lambda x: drop(x, fit=True))(jnp.ones(8))
    assert set(np.unique(np.asarray(y)).tolist()) <= {0.0, 2.0}
