"""Names never split structure: instances of one architecture are one pytree structure.

Auto names live outside the treedef, so two instances with equal values are
`eqx.tree_equal`, share one compilation (under `eqx.filter_jit` and `eqbrain.jit`),
stack with `jax.tree.map`, and survive `eqx.tree_serialise_leaves`. Explicit names are
part of the structure (they survive copies), and stay unique.
"""

from __future__ import annotations

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import pytest

import eqbrain
from tests.helpers import make_b


class Layer(eqbrain.Module):
    w: eqbrain.TrainVar
    s: eqbrain.Variable

    def __init__(self, n: int = 3, name: str | None = None):
        super().__init__(name=name)
        self.w = eqbrain.TrainVar(jnp.ones(n))
        self.s = eqbrain.Variable(jnp.zeros(n))


def test_two_instances_are_tree_equal_and_have_one_treedef():
    a, b = Layer(), Layer()
    assert a.name != b.name
    assert jax.tree.structure(a) == jax.tree.structure(b)
    assert eqx.tree_equal(a, b)
    assert eqx.tree_equal(make_b(), make_b())


def test_instances_stack_with_tree_map():
    a, b = Layer(), Layer()
    b.w.value = jnp.full(3, 2.0)
    stacked = jax.tree.map(lambda x, y: jnp.stack([x, y]), a, b)
    np.testing.assert_array_equal(stacked.w.value, [[1.0] * 3, [2.0] * 3])


def test_filter_jit_compiles_once_for_fresh_instances():
    traces = []

    @eqx.filter_jit
    def loss(m, x):
        traces.append(1)
        return jnp.sum(m.w.value * x)

    for _ in range(3):
        loss(Layer(), jnp.ones(3))
    assert len(traces) == 1


def test_eqbrain_jit_compiles_once_for_fresh_instances():
    traces = []

    def step(m, x):
        traces.append(1)
        m.s.value = m.s.value + x * m.w.value

    f = eqbrain.jit(step)
    models = [Layer() for _ in range(3)]
    for m in models:
        f(m, jnp.ones(3))
    assert len(traces) == 1  # one trace for all instances
    for m in models:
        np.testing.assert_array_equal(m.s.value, np.ones(3))


def test_tree_serialise_round_trip_gives_an_equal_model(tmp_path):
    a = make_b()
    a.x.value = jnp.full((1,), 4.0)
    path = tmp_path / "m.eqx"
    eqx.tree_serialise_leaves(path, a)
    back = eqx.tree_deserialise_leaves(path, make_b())
    assert eqx.tree_equal(a, back)


def test_explicit_names_are_structure_and_survive_copies():
    a = Layer(name="enc")
    copy = eqx.tree_at(lambda m: m.w.value, a, jnp.zeros(3))
    assert copy.name == "enc" and a.name == "enc"
    assert jax.tree.structure(a) != jax.tree.structure(Layer(name="dec"))


def test_explicit_names_stay_unique_and_auto_names_follow_brainpy():
    eqbrain.clear_name_cache()
    first = Layer(name="unique_layer")
    with pytest.raises(eqbrain.UniqueNameError, match="already held"):
        Layer(name="unique_layer")
    assert [Layer().name, Layer().name] == ["Layer0", "Layer1"]
    assert first.name == "unique_layer"


def test_auto_name_skips_a_name_held_explicitly():
    eqbrain.clear_name_cache()
    held = Layer(name="Layer0")
    assert Layer().name == "Layer1" and held.name == "Layer0"


def test_a_name_is_freed_with_its_object():
    import gc

    eqbrain.clear_name_cache()
    m = Layer(name="short_lived")
    del m
    gc.collect()
    assert Layer(name="short_lived").name == "short_lived"


def test_clear_name_cache_keeps_the_names_of_live_objects():
    m = Layer()
    before = m.name
    eqbrain.clear_name_cache(ignore_warn=True)
    assert m.name == before
