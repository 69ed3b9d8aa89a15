"""Checkpoint files hold the whole model: Variables, plain array fields and the arrays
of Equinox layers, as `state_dict` collects them (issue: every array is state)."""

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import eqbrain
from tests.helpers import assert_unchanged, snapshot


class Head(eqbrain.Module):
    lin: eqx.nn.Linear
    offset: jax.Array
    table: np.ndarray
    scale: eqbrain.TrainVar

    def __init__(self, key, name=None):
        super().__init__(name=name)
        self.lin = eqx.nn.Linear(3, 2, key=key)
        self.offset = jax.random.normal(key, (2,))
        self.table = np.arange(4, dtype=np.int32)
        self.scale = eqbrain.TrainVar(jax.random.uniform(key, (2,)))


def test_save_and_load_restore_equinox_layers_and_plain_arrays(tmp_path):
    a, b = Head(jax.random.key(0)), Head(jax.random.key(1))
    path = tmp_path / "head.safetensors"
    eqbrain.save(path, a)
    assert set(eqbrain.read_state(path)) == {
        "lin.weight", "lin.bias", "offset", "table", "scale"
    }  # fmt: skip
    meta = eqbrain.read_metadata(path)
    assert "lin.weight" in meta["variables"]
    assert eqbrain.load(path, b, strict=True) == ([], [])
    for x, y in [(a.lin.weight, b.lin.weight), (a.lin.bias, b.lin.bias), (a.offset, b.offset)]:
        np.testing.assert_array_equal(x, y)
    np.testing.assert_array_equal(b.table, a.table)
    np.testing.assert_array_equal(b.scale.value, a.scale.value)
    assert isinstance(b.lin.weight, jax.Array)


def test_strict_load_reports_a_missing_layer_weight_and_changes_nothing(tmp_path):
    class Small(eqbrain.Module):
        lin: eqx.nn.Linear

        def __init__(self, key):
            super().__init__()
            self.lin = eqx.nn.Linear(3, 2, use_bias=False, key=key)

    path = tmp_path / "small.safetensors"
    eqbrain.save(path, Small(jax.random.key(0)))
    m = Head(jax.random.key(1))
    before, weight = snapshot(m), np.array(m.lin.weight)
    with pytest.raises(ValueError, match="lin.bias") as info:
        eqbrain.load(path, m, strict=True)
    assert "offset" in str(info.value)
    assert_unchanged(m, before)
    np.testing.assert_array_equal(m.lin.weight, weight)


def test_a_layer_weight_of_another_shape_is_refused_naming_it(tmp_path):
    path = tmp_path / "head.safetensors"
    eqbrain.save(path, Head(jax.random.key(0)))
    other = Head(jax.random.key(1))
    other_bigger = eqx.tree_at(lambda m: m.lin, other, eqx.nn.Linear(4, 2, key=jax.random.key(2)))
    before = snapshot(other_bigger)
    with pytest.raises(eqbrain.MathError, match="lin.weight"):
        eqbrain.load(path, other_bigger)
    assert_unchanged(other_bigger, before)


def test_arrays_in_a_tuple_are_saved_and_reported_as_not_restorable(tmp_path):
    class T(eqbrain.Module):
        pair: tuple

    m = T(pair=(jnp.ones(2), jnp.zeros(2)))
    path = tmp_path / "t.safetensors"
    eqbrain.save(path, m)
    assert set(eqbrain.read_state(path)) == {"pair-0", "pair-1"}
    with pytest.raises(ValueError, match="Cannot restore"):
        eqbrain.load(path, T(pair=(jnp.zeros(2), jnp.zeros(2))), strict=True)


@settings(max_examples=15, deadline=None)
@given(
    sizes=st.lists(st.integers(1, 4), min_size=1, max_size=3),
    seed=st.integers(0, 2**16),
    bias=st.booleans(),
)
def test_round_trip_of_models_with_layers_arrays_and_variables(
    tmp_path_factory, sizes, seed, bias
):
    class Stack(eqbrain.Module):
        layers: list
        extra: jax.Array
        v: eqbrain.Variable

        def __init__(self, key):
            super().__init__()
            keys = jax.random.split(key, len(sizes) + 1)
            self.layers = [
                eqx.nn.Linear(n, n, use_bias=bias, key=k) for n, k in zip(sizes, keys[:-1])
            ]
            self.extra = jax.random.normal(keys[-1], (len(sizes),))
            self.v = eqbrain.Variable(jnp.arange(len(sizes)))

    a, b = Stack(jax.random.key(seed)), Stack(jax.random.key(seed + 1))
    b.v.value = jnp.zeros(len(sizes), a.v.dtype)
    path = tmp_path_factory.mktemp("rt") / "stack.safetensors"
    eqbrain.save(path, a)
    assert eqbrain.load(path, b, strict=True) == ([], [])
    for (ka, xa), (kb, xb) in zip(
        jax.tree_util.tree_leaves_with_path(a), jax.tree_util.tree_leaves_with_path(b)
    ):
        assert ka == kb
        np.testing.assert_array_equal(np.asarray(xa), np.asarray(xb))


def test_orbax_checkpoints_hold_equinox_layers_and_plain_arrays(tmp_path):
    pytest.importorskip("orbax.checkpoint")
    a, b = Head(jax.random.key(0)), Head(jax.random.key(1))
    eqbrain.save_orbax(tmp_path / "ckpt", a)
    assert eqbrain.load_orbax(tmp_path / "ckpt", b, strict=True) == ([], [])
    np.testing.assert_array_equal(b.lin.weight, a.lin.weight)
    np.testing.assert_array_equal(b.offset, a.offset)
    np.testing.assert_array_equal(b.table, a.table)
