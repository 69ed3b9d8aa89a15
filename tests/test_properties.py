"""Property tests over random module trees: every round trip, and bad loads that change nothing."""

import equinox as eqx
import jax.numpy as jnp
import jax.tree_util as jtu
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import eqbrain
from eqbrain import MathError

from .helpers import assert_unchanged, build, leaves_equal, module_specs, snapshot, values_of

SETTINGS = settings(max_examples=40, deadline=None)


def _names(model):
    # Explicit names are part of the structure and survive copies; auto names do not.
    return [n.__dict__["name"] for n in model.nodes(method="relative").values()]


@SETTINGS
@given(module_specs)
def test_flatten_unflatten_round_trip(spec):
    m = build(spec)
    leaves, treedef = jtu.tree_flatten(m)
    m2 = jtu.tree_unflatten(treedef, leaves)
    assert eqx.tree_equal(m, m2) and leaves_equal(m, m2)
    assert _names(m2) == _names(m)
    assert list(m2.vars(method="relative")) == list(m.vars(method="relative"))
    old = {id(v) for v in m.vars().values()}
    assert not old & {id(v) for v in m2.vars().values()}  # fresh cells


@SETTINGS
@given(module_specs, st.integers(1, 1000))
def test_state_dict_loads_into_a_freshly_built_twin(spec, seed):
    eqbrain.clear_name_cache()
    m = build(spec, seed=0)
    sd = m.state_dict()
    eqbrain.clear_name_cache()  # the twin gets the same auto names
    twin = build(spec, seed=seed)
    assert twin.load_state_dict(sd, strict=True) == ([], [])
    a, b = values_of(m), values_of(twin)
    assert list(a) == list(b)
    for k in a:
        np.testing.assert_array_equal(a[k], b[k])
        assert a[k].dtype == b[k].dtype


@SETTINGS
@given(module_specs, st.data())
def test_tree_at_edits_one_value_and_leaves_the_original(spec, data):
    m = build(spec)
    keys = list(m.vars(method="relative"))
    if not keys:
        return
    key = data.draw(st.sampled_from(keys))
    old = values_of(m)
    target = m.vars(method="relative")[key]
    new_value = (
        jnp.zeros(target.shape, target.dtype) if target.dtype == jnp.bool_ else target.value + 1
    )
    m2 = eqx.tree_at(lambda t: t.vars(method="relative")[key].value, m, new_value)
    edited = m2.vars(method="relative")[key]
    np.testing.assert_array_equal(edited.value, new_value)
    for k, v in values_of(m).items():
        np.testing.assert_array_equal(v, old[k])  # original untouched
    same_cell = {k for k, v in m.vars(method="relative").items() if v is target}
    for k, v in values_of(m2).items():
        if k not in same_cell:
            np.testing.assert_array_equal(v, old[k])


@SETTINGS
@given(module_specs)
def test_partition_combine_round_trip(spec):
    m = build(spec)
    trainable, rest = eqbrain.partition_trainable(m)
    assert eqx.tree_equal(eqx.combine(trainable, rest), m)
    # Trained: TrainVars, and float arrays outside Variables (as Equinox trains them).
    occurrences = jtu.tree_leaves(m, is_leaf=eqbrain.is_variable)
    n_train = sum(
        eqbrain.is_trainable(v) if eqbrain.is_variable(v) else eqx.is_inexact_array(v)
        for v in occurrences
    )
    assert len(jtu.tree_leaves(trainable)) == n_train
    for v in jtu.tree_leaves(trainable, is_leaf=eqbrain.is_variable):
        if eqbrain.is_variable(v):
            assert eqbrain.is_trainable(v) or v.value is None
        else:
            assert eqx.is_inexact_array(v)


def _bump(v):
    """A different value of the same shape and dtype: a partial load would show."""
    return ~v if v.dtype == np.bool_ else (v + 1).astype(v.dtype)


def _corrupt(value, how):
    value = np.asarray(value)
    if how == "shape":
        return np.zeros(value.shape + (2,), value.dtype)
    # Data that cannot go into the Variable without losing values: a kind change
    # (complex into float, fractions into integers or booleans).
    if np.issubdtype(value.dtype, np.floating):
        return value.astype(np.complex64) + 1j
    return value.astype(np.float32) + 0.5


@SETTINGS
@given(module_specs, st.data())
def test_bad_loads_change_nothing(spec, data):
    eqbrain.clear_name_cache()
    m = build(spec)
    sd = {node: {k: np.asarray(v) for k, v in d.items()} for node, d in m.state_dict().items()}
    keys = [(node, k) for node, d in sd.items() for k in d]
    if not keys:
        return
    bad = {node: {k: _bump(v) for k, v in d.items()} for node, d in sd.items()}  # new values
    how = data.draw(st.sampled_from(["shape", "dtype", "strict-missing", "strict-unexpected"]))
    node, key = data.draw(st.sampled_from(keys))
    if how in ("shape", "dtype"):
        bad[node][key] = _corrupt(bad[node][key], how)
        error = MathError
    elif how == "strict-missing":
        # A shared cell is loaded through any of its keys: drop them all.
        variables = m.vars()
        for n, k in keys:
            if k == key or (k in variables and variables[k] is variables.get(key)):
                del bad[n][k]
        error = ValueError
    else:
        bad.setdefault("Ghost0", {})["Ghost0.z"] = np.zeros(1)
        error = ValueError
    before = snapshot(m)
    with pytest.raises(error):
        m.load_state_dict(bad, strict=how.startswith("strict"), warn=False)
    assert_unchanged(m, before)
