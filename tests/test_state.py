import jax.numpy as jnp
import numpy as np
import pytest

import eqbrain
from eqbrain import MathError, StateLoadResult

from .helpers import B, assert_unchanged, make_b, snapshot


def test_state_dict_has_brainpy_shape():
    b = make_b()
    sd = b.state_dict()
    assert {k: list(v) for k, v in sd.items()} == {
        "B0": ["B0.vl-0", "B0.x"],
        "C0": ["C0.v", "C0.w"],
        "C1": ["C1.v", "C1.w"],
        "C2": ["C2.v", "C2.w"],
    }
    assert sd["C0"]["C0.w"] is b.c1.w.value


def test_save_state_is_own_variables_only():
    b = make_b()
    assert list(b.save_state()) == ["B0.vl-0", "B0.x"]


def test_load_state_dict_round_trip():
    b = make_b()
    sd = b.state_dict()
    b.x.value = jnp.full(1, 4.0)
    b.c1.w.value = jnp.full(3, 9.0)
    result = b.load_state_dict(sd)
    assert isinstance(result, StateLoadResult) and result == ([], [])
    assert float(b.x.value[0]) == 0.0 and float(b.c1.w.value[0]) == 1.0


def test_missing_and_unexpected_keys_are_full_keys_in_order():
    b = make_b()
    sd = b.state_dict()
    del sd["C1"]["C1.w"]
    del sd["B0"]["B0.x"]
    del sd["C0"]
    sd["C1"]["C1.bogus"] = jnp.zeros(1)
    sd["Ghost0"] = {"Ghost0.a": jnp.zeros(1), "Ghost0.b": jnp.zeros(1)}
    with pytest.warns(UserWarning, match="missing keys"):
        result = b.load_state_dict(sd)
    assert result.missing_keys == ["B0.x", "C0.v", "C0.w", "C1.w"]
    assert result.unexpected_keys == ["C1.bogus", "Ghost0.a", "Ghost0.b"]


def test_warn_false_is_silent():
    b = make_b()
    result = b.load_state_dict({}, warn=False)  # pytest turns any warning into an error
    assert len(result.missing_keys) == 8


def test_strict_raises_naming_keys_and_loads_nothing():
    b = make_b()
    sd = b.state_dict()
    sd = {k: {kk: vv + 1 for kk, vv in v.items()} for k, v in sd.items()}
    del sd["C2"]
    before = snapshot(b)
    with pytest.raises(
        ValueError, match=r"Missing keys: \['C2.v', 'C2.w'\]. Unexpected keys: \[\]"
    ):
        b.load_state_dict(sd, strict=True)
    assert_unchanged(b, before)


def test_bad_shape_raises_mathError_and_loads_nothing():
    b = make_b()
    sd = b.state_dict()
    sd = {k: {kk: vv + 1 for kk, vv in v.items()} for k, v in sd.items()}
    sd["C2"]["C2.v"] = jnp.zeros(5)
    before = snapshot(b)
    with pytest.raises(MathError) as e:
        b.load_state_dict(sd)
    assert "'C2.v'" in str(e.value)
    assert "The shape of the original data is (2,), while we got (5,)" in str(e.value)
    assert_unchanged(b, before)


def test_bad_dtype_raises_and_loads_nothing():
    b = make_b()
    sd = b.state_dict()
    sd["C0"]["C0.v"] = jnp.zeros(2, jnp.int32)
    before = snapshot(b)
    with pytest.raises(MathError, match="dtype of the original data is float32"):
        b.load_state_dict(sd, warn=False)
    assert_unchanged(b, before)


def test_v1_flat_state():
    b = make_b()
    flat = {k: v.value + 1 for k, v in b.vars().items()}
    flat["extra"] = jnp.zeros(1)
    with pytest.warns(UserWarning):
        result = b.load_state_dict(flat, compatible="v1")
    assert result == ([], ["extra"])
    assert float(b.x.value[0]) == 1.0


def test_bad_compatible_and_unknown_kwargs():
    b = make_b()
    with pytest.raises(ValueError, match="compatible must be 'v1' or 'v2', not 'v3'"):
        b.load_state_dict({}, compatible="v3")
    with pytest.raises(TypeError, match="Unexpected keyword arguments: \\['bogus'\\]"):
        b.load_state_dict({}, bogus=1)
    with pytest.raises(TypeError, match="must be a mapping"):
        b.load_state_dict({"B0": [1, 2]})


def test_load_state_own_variables():
    b = make_b()
    result = b.load_state({"B0.x": jnp.full(1, 2.0), "C0.v": jnp.zeros(2)})
    assert result == (["B0.vl-0"], ["C0.v"])
    assert float(b.x.value[0]) == 2.0


def test_shared_cell_is_written_once():
    class S(eqbrain.Module):
        a: eqbrain.Variable
        b: eqbrain.Variable

    v = eqbrain.Variable(jnp.zeros(1))
    s = S(a=v, b=v)
    result = s.load_state_dict({s.name: {f"{s.name}.b": jnp.ones(1)}}, warn=False)
    assert result == ([], []) and float(v.value[0]) == 1.0  # a's cell was written too


def test_state_dict_of_twin_loads_when_names_match():
    eqbrain.clear_name_cache()
    a = B()
    a.x.value = jnp.full(1, 3.0)
    sd = a.state_dict()
    eqbrain.clear_name_cache()
    twin = B()
    assert twin.load_state_dict(sd) == ([], [])
    np.testing.assert_array_equal(twin.x.value, [3.0])


@pytest.mark.parametrize("dtype", ["bfloat16", "float8_e4m3fn", "int4", "float16"])
def test_host_copies_of_ml_dtypes_values_load_back(dtype):
    # NumPy holds bfloat16, float8 and int4 as ml_dtypes types (kind 'V'): numbers still.
    class S(eqbrain.Module):
        v: eqbrain.Variable

    s = S(v=eqbrain.Variable(jnp.arange(3).astype(dtype)))
    host = {n: {k: np.asarray(x) for k, x in d.items()} for n, d in s.state_dict().items()}
    s.v.value = jnp.zeros(3, dtype)
    assert s.load_state_dict(host, strict=True) == ([], [])
    np.testing.assert_array_equal(np.asarray(s.v.value, np.float32), [0.0, 1.0, 2.0])
    before = snapshot(s)
    record = np.zeros(3, dtype=[("a", np.float32)])  # structured: not numbers
    with pytest.raises(MathError, match="not an array of numbers"):
        s.load_state_dict({s.name: {f"{s.name}.v": record}})
    assert_unchanged(s, before)
