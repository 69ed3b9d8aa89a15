"""A DynamicalSystem's initial state is owned by the object.

It is freed with the object, untouched by `clear_name_cache()`, carried by functional
copies, and never captures a tracer: systems built under `eqx.filter_jit`,
`eqx.filter_eval_shape` or `eqx.filter_vmap` reset correctly. Inside a plain `jax.jit`,
`reset_state()` on a model from outside raises instead of resetting only while tracing.
"""

from __future__ import annotations

import gc
import weakref

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jax.core import Tracer

import eqbrain


class Decay(eqbrain.DynamicalSystem):
    x: eqbrain.Variable

    def __init__(self, start=1.0, n: int = 3):
        super().__init__()
        self.x = eqbrain.Variable(jnp.full(n, start, jnp.float32))

    def update(self, inp=0.0):
        self.x.value = self.x.value * 0.5 + inp
        return self.x.value


def test_initial_state_is_freed_with_the_object():
    d = Decay(n=1000)
    initial = weakref.ref(d.initial_state["x"])
    del d
    gc.collect()
    assert initial() is None


def test_clear_name_cache_does_not_touch_reset_state():
    old = Decay(3.0)
    old.update(1.0)
    eqbrain.clear_name_cache()
    new = Decay(7.0)  # may take the old one's name
    old.reset_state()
    new.update(1.0)
    new.reset_state()
    np.testing.assert_array_equal(old.x.value, np.full(3, 3.0))
    np.testing.assert_array_equal(new.x.value, np.full(3, 7.0))


def test_built_under_filter_jit_resets_to_concrete_initial_values():
    d = eqx.filter_jit(lambda s: Decay(s))(jnp.float32(2.0))
    assert not isinstance(d.initial_state["x"], Tracer)
    d.update(5.0)
    d.reset_state()
    np.testing.assert_array_equal(d.x.value, np.full(3, 2.0))


def test_built_under_filter_eval_shape_has_abstract_initial_state():
    shape = eqx.filter_eval_shape(lambda: Decay(2.0))
    assert isinstance(shape.initial_state["x"], jax.ShapeDtypeStruct)
    assert shape.initial_state["x"].shape == (3,)


def test_filter_vmap_ensemble_resets_to_its_batched_initial_values():
    ensemble = eqx.filter_vmap(lambda s: Decay(s))(jnp.arange(4.0))
    assert ensemble.x.value.shape == (4, 3)
    ensemble.update(10.0)
    ensemble.reset_state()
    np.testing.assert_array_equal(ensemble.x.value, np.repeat(np.arange(4.0)[:, None], 3, 1))


def test_functional_copies_carry_the_initial_state():
    d = Decay(4.0)
    new = eqx.filter_jit(lambda m: (m.update(1.0), m)[1])(d)
    new.reset_state()
    np.testing.assert_array_equal(new.x.value, np.full(3, 4.0))
    np.testing.assert_array_equal(d.x.value, np.full(3, 4.0))


def test_reset_state_inside_plain_jax_jit_raises_and_changes_nothing():
    d = Decay(1.0)
    d.update(3.0)
    before = np.asarray(d.x.value)

    def f(x):
        d.reset_state()
        return x

    with pytest.raises(eqbrain.TraceLeakError, match="lost on every later call"):
        jax.jit(f)(1.0)
    np.testing.assert_array_equal(d.x.value, before)


def test_reset_state_inside_eqbrain_jit_works_on_every_call():
    d = Decay(1.0)
    step = eqbrain.jit(lambda x: (d.reset_state(), d.update(x))[1])
    for x in (1.0, 2.0, 3.0):
        out = step(jnp.float32(x))
        np.testing.assert_array_equal(out, np.full(3, 0.5 + x))


def test_initial_state_is_not_in_collectors_or_state_dicts():
    d = Decay()
    assert list(d.vars(method="relative")) == ["x"]
    assert list(d.state_dict()[d.name]) == [f"{d.name}.x"]
    assert "initial_state" not in repr(d)
