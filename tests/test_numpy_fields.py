"""NumPy values a model holds (arrays, and scalars such as `np.float32(0.5)`) are state:
what `trainable_filter` trains, `state_dict` and `eqbrain.save` store, and a load gives
them back as they were (NumPy, of their own dtype, 64-bit ones too without 64-bit types
in JAX), as Equinox's serialisation does."""

import equinox as eqx
import jax
import jax.numpy as jnp
import jax.tree_util as jtu
import numpy as np
import pytest

import eqbrain
import eqbrain.internal
from tests.helpers import assert_unchanged, snapshot


class Cell(eqbrain.Module):
    tau: np.float32
    gain: np.float64
    count: np.int32
    grid: np.ndarray  # float64 from np.linspace
    index: np.ndarray  # int64 from np.arange
    v: eqbrain.Variable

    def __init__(self, n=3):
        super().__init__()
        self.tau = np.float32(0.5)
        self.gain = np.float64(2.5)
        self.count = np.int32(7)
        self.grid = np.linspace(0.0, 1.0, n)
        self.index = np.arange(n)
        self.v = eqbrain.Variable(jnp.zeros(n))


def _keys(model):
    return [k for k, _ in eqbrain.internal.state_entries(model)]


def test_what_trainable_filter_trains_is_state():
    m = Cell()
    spec = eqbrain.trainable_filter(m)
    assert spec.tau is True and spec.gain is True and spec.grid is True
    trained = {jtu.keystr(p) for p, x in jtu.tree_leaves_with_path(spec) if x is True}
    assert trained == {".tau", ".gain", ".grid"}
    assert {"tau", "gain", "grid", "count", "index", "v"} == set(_keys(m))
    assert set(m.state_dict()[m.name]) == {f"{m.name}.{k}" for k in _keys(m)}


def test_numpy_values_are_restored_as_they_were_without_64_bit_types(tmp_path):
    assert not jax.config.read("jax_enable_x64")
    m = Cell()
    sd = m.state_dict()
    assert m.load_state_dict(sd, strict=True) == ([], [])
    path = tmp_path / "cell.safetensors"
    eqbrain.save(path, m)
    other = Cell()
    other.load_state_dict(
        {other.name: {f"{other.name}.tau": np.float32(0.25)}}, warn=False
    )  # a value that the load below must overwrite
    assert eqbrain.load(path, other, strict=True) == ([], [])
    for model in (m, other):
        assert type(model.tau) is np.float32 and model.tau == np.float32(0.5)
        assert type(model.gain) is np.float64 and model.gain == 2.5
        assert type(model.count) is np.int32 and model.count == 7
        assert isinstance(model.grid, np.ndarray) and model.grid.dtype == np.float64
        assert isinstance(model.index, np.ndarray) and model.index.dtype == np.int64
        np.testing.assert_array_equal(model.grid, np.linspace(0.0, 1.0, 3))


def test_a_load_copies_numpy_arrays_instead_of_sharing_them():
    a, b = Cell(), Cell()
    sd = {b.name: {k.replace(a.name, b.name): v for k, v in a.state_dict()[a.name].items()}}
    b.load_state_dict(sd, strict=True)
    assert b.grid is not a.grid and not np.shares_memory(b.grid, a.grid)


def test_a_model_and_its_functional_copy_load_each_others_files(tmp_path):
    m = Cell()
    copy = eqx.filter_jit(lambda x: x)(m)  # NumPy leaves come back as JAX arrays
    assert isinstance(copy.grid, jax.Array) and copy.grid.dtype == jnp.float32
    assert _keys(copy) == _keys(m)
    eqbrain.save(tmp_path / "m.safetensors", m)
    eqbrain.save(tmp_path / "c.safetensors", copy)
    assert eqbrain.load(tmp_path / "m.safetensors", copy, strict=True) == ([], [])
    assert eqbrain.load(tmp_path / "c.safetensors", m, strict=True) == ([], [])
    assert isinstance(m.grid, np.ndarray) and m.grid.dtype == np.float64
    assert type(m.tau) is np.float32


def test_a_float64_value_that_does_not_fit_a_copy_is_refused_and_changes_nothing(tmp_path):
    m = Cell()
    m.load_state_dict({m.name: {f"{m.name}.grid": np.array([0.0, 1e300, 1.0])}}, warn=False)
    copy = eqx.filter_jit(lambda x: x)(Cell())
    path = tmp_path / "m.safetensors"
    eqbrain.save(path, m)
    before = snapshot(copy)
    with pytest.raises(eqbrain.MathError, match="'grid'") as info:
        eqbrain.load(path, copy)
    assert "overflow" in str(info.value)
    assert_unchanged(copy, before)


def test_bad_numpy_loads_raise_and_change_nothing():
    m = Cell()
    before = snapshot(m)
    for key, bad in [("grid", np.zeros(4)), ("tau", np.float32(0.5) + 0.5j), ("count", 1.5)]:
        with pytest.raises(eqbrain.MathError, match=key):
            m.load_state_dict({m.name: {f"{m.name}.{key}": bad}}, warn=False)
        assert_unchanged(m, before)
    assert type(m.count) is np.int32


def test_device_moves_leave_numpy_values_on_the_host():
    m = Cell()
    m.cpu()
    assert isinstance(m.grid, np.ndarray) and m.grid.dtype == np.float64
    assert type(m.tau) is np.float32
    assert isinstance(m.v.value, jax.Array)
