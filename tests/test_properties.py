"""Property tests over generated models and Variables (`eqbrain.testing`): every round
trip gives every value back, twins and functional copies load each other's state, and
bad loads change nothing."""

import equinox as eqx
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, strategies as st

import eqbrain
from eqbrain import MathError
from eqbrain.testing import (
    CHECKS,
    assert_round_trip,
    assert_unchanged,
    build,
    jax_dtypes,
    load_values,
    model_specs,
    values_for,
    values_of,
    variables,
)

seeds = st.integers(0, 2**16)


# CI runs this test again under the `slow` profile, with x64 off and on (`.ci/run`).
@given(model_specs(max_depth=3), seeds)
def test_every_round_trip_of_a_generated_model(spec, seed):
    assert_round_trip(build(spec, seed))


class _Holder(eqbrain.Module):
    v: eqbrain.Variable


_PORTABLE = ("flatten", "state_dict", "partition", "filter_jit")


@given(variables())
def test_a_variable_of_every_dtype_jax_holds_round_trips(v):
    held = _Holder(v=v)
    if v.dtype.name in jax_dtypes():
        assert_round_trip(held)
        return
    # complex128 and the 2-, 4- and 8-bit types: safetensors names two of them, Equinox's
    # serialisation reads the narrow ones back as bytes; the other round trips hold all.
    savable = v.dtype.name in ("float8_e4m3fn", "float8_e5m2")
    checks = _PORTABLE + (("serialise",) if v.dtype.name == "complex128" else ())
    assert_round_trip(held, checks + (("save",) if savable else ()))
    if not savable:
        assert_unchanged(
            held, lambda: eqbrain.save("never-written.safetensors", held), TypeError, "'v'"
        )


def test_round_trip_checks_are_named():
    with pytest.raises(ValueError, match="Unknown round trips \\['pickle'\\]"):
        assert_round_trip(_Holder(v=eqbrain.Variable(jnp.zeros(1))), ("pickle",))
    assert CHECKS[0] == "flatten"


def _same(a: dict, b: dict) -> None:
    assert list(a) == list(b)
    for key in a:
        assert a[key].dtype == b[key].dtype, key
        np.testing.assert_array_equal(a[key], b[key])


@given(spec=model_specs(), seed=seeds)
def test_twins_load_each_others_state_dicts_and_files(spec, seed, tmp_path_factory):
    a, b = build(spec, 0), build(spec, seed)
    assert b.load_state_dict(a.state_dict(), strict=True) == ([], [])
    _same(values_of(a), values_of(b))
    path = tmp_path_factory.mktemp("twins") / "a.safetensors"
    c = build(spec, seed + 1)
    eqbrain.save(path, a)
    assert eqbrain.load(path, c, strict=True) == ([], [])
    _same(values_of(a), values_of(c))


@given(spec=model_specs(), seed=seeds)
def test_a_model_and_its_functional_copy_load_each_others_files(spec, seed, tmp_path_factory):
    # Ties included: the copy has a cell per place, and the same relative keys.
    model = build(spec, seed)
    copy = eqx.filter_jit(lambda m: m)(model)
    assert list(values_of(copy)) == list(values_of(model))
    folder = tmp_path_factory.mktemp("copies")
    eqbrain.save(folder / "model.safetensors", model)
    eqbrain.save(folder / "copy.safetensors", copy)
    fresh = build(spec, seed + 1)
    assert eqbrain.load(folder / "model.safetensors", copy, strict=True) == ([], [])
    assert eqbrain.load(folder / "copy.safetensors", fresh, strict=True) == ([], [])
    assert list(values_of(fresh)) == list(values_of(model))


@given(model_specs(), st.data())
def test_drawn_values_load_into_every_place(spec, data):
    model = build(spec)
    values = data.draw(values_for(model))
    load_values(model, values)
    got = values_of(model)
    assert list(got) == list(values)
    for key, value in values.items():
        assert got[key].dtype == value.dtype and got[key].tobytes() == value.tobytes(), key


@given(model_specs(), st.data())
def test_tree_at_edits_one_value_and_leaves_the_original(spec, data):
    m = build(spec)
    keys = list(m.vars(method="relative"))
    if not keys:
        return
    key = data.draw(st.sampled_from(keys))
    old = values_of(m)
    target = m.vars(method="relative")[key]
    new_value = jnp.zeros(target.shape, target.dtype) if target.dtype == jnp.bool_ else target + 1
    m2 = eqx.tree_at(lambda t: t.vars(method="relative")[key].value, m, new_value)
    np.testing.assert_array_equal(m2.vars(method="relative")[key].value, new_value)
    _same(values_of(m), old)  # the original is untouched
    same_cell = {k for k, v in m.vars(method="relative").items() if v is target}
    for k, v in values_of(m2).items():
        if k not in same_cell:
            np.testing.assert_array_equal(v, old[k])


def _bump(v):
    """A different value of the same shape and dtype: a partial load would show."""
    if v.dtype == np.bool_:
        return ~v
    if v.dtype.kind in "iu":
        return (v + 1).astype(v.dtype)
    return np.where(np.isfinite(v.astype(np.complex128)), v / 2 + 1, 0).astype(v.dtype)


def _corrupt(value, how):
    value = np.asarray(value)
    if how == "shape":
        return np.zeros(value.shape + (2,), value.dtype)
    # Data that cannot go into the entry without losing values: a kind change
    # (complex into float, fractions into integers or booleans).
    if np.issubdtype(value.dtype, np.floating) or value.dtype.name == "bfloat16":
        return value.astype(np.complex64) + 1j
    if value.dtype.kind == "c":
        return np.full(value.shape, "x")
    return value.astype(np.float32) + 0.5


@given(model_specs(), st.data())
def test_bad_loads_change_nothing(spec, data):
    m = build(spec)
    sd = {node: {k: np.asarray(v) for k, v in d.items()} for node, d in m.state_dict().items()}
    keys = [(node, k) for node, d in sd.items() for k in d]
    if not keys:
        return
    how = data.draw(st.sampled_from(["shape", "dtype", "strict-missing", "strict-unexpected"]))
    node, key = data.draw(st.sampled_from(keys))
    bad = {n: {k: _bump(v) for k, v in d.items()} for n, d in sd.items()}  # new values
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
    strict = how.startswith("strict")
    assert_unchanged(m, lambda: m.load_state_dict(bad, strict=strict, warn=False), error)
