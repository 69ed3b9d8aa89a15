"""Ties (a Variable or a module held in two places) and functional copies.

A functional copy (`eqx.filter_jit`, `tree_at`, `jax.tree.map`) gives a tied Variable a
cell of its own per place. Relative keys name places, so a model and its copies have the
same relative keys, and their files load into each other strictly; a file whose two
places differ does not load into a model where they are one cell (one would be lost).
"""

import itertools

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import pytest

import eqbrain
import eqbrain.internal
from tests.helpers import assert_unchanged, snapshot


class _Pair(eqbrain.Module):
    w: eqbrain.TrainVar
    w_tied: eqbrain.TrainVar


class _Leaf(eqbrain.Module):
    w: eqbrain.TrainVar
    x: jax.Array


class _Net(eqbrain.Module):
    a: _Leaf
    b: _Leaf


def _tied_variable():
    w = eqbrain.TrainVar(jnp.arange(3.0))
    return _Pair(w=w, w_tied=w)


def _tied_module(name=None):
    s = _Leaf(w=eqbrain.TrainVar(jnp.arange(3.0)), x=jnp.ones(2), name=name)
    return _Net(a=s, b=s)


_names = itertools.count()

_MODELS = {
    "variable": (_tied_variable, ["w", "w_tied"]),
    "module": (_tied_module, ["a.w", "b.w"]),
    "named module": (lambda: _tied_module(name=f"Tied{next(_names)}"), ["a.w", "b.w"]),
}


def _copy(model):
    return eqx.filter_jit(lambda m: m)(model)


def _file_keys(model):
    return [k for k, _ in eqbrain.internal.state_entries(model)]


@pytest.mark.parametrize("case", list(_MODELS))
def test_a_model_and_its_copy_have_the_same_relative_keys(case):
    make, keys = _MODELS[case]
    model = make()
    copy = _copy(model)
    assert list(model.vars(method="relative")) == list(copy.vars(method="relative")) == keys
    assert _file_keys(model) == _file_keys(copy)
    vs = copy.vars(method="relative")
    assert vs[keys[0]] is not vs[keys[1]]  # the copy has a cell per place


@pytest.mark.parametrize("case", list(_MODELS))
def test_a_model_and_its_copy_load_each_others_files_strictly(case, tmp_path):
    make, keys = _MODELS[case]
    model, fresh = make(), make()
    copy = _copy(model)
    eqbrain.save(tmp_path / "model.safetensors", model)
    eqbrain.save(tmp_path / "copy.safetensors", copy)
    assert list(eqbrain.read_state(tmp_path / "model.safetensors")) == _file_keys(model)
    assert eqbrain.load(tmp_path / "model.safetensors", copy, strict=True) == ([], [])
    assert eqbrain.load(tmp_path / "copy.safetensors", fresh, strict=True) == ([], [])
    tied = fresh.vars(method="relative")
    assert tied[keys[0]] is tied[keys[1]]  # the load kept the tie


def test_the_copy_of_a_named_tied_module_collects_and_saves_by_name():
    model = _tied_module(name="Shared")
    copy = _copy(model)
    assert list(copy.vars()) == ["Shared.w"] and copy.vars()["Shared.w"] is copy.a.w
    assert list(copy.nodes())[1:] == ["Shared"]
    sd = copy.state_dict()
    assert set(sd["Shared"]) == {"Shared.w", "Shared.x"}
    # A state dict keyed by the name loads into both places of the copy.
    new = {copy.name: {}, "Shared": {"Shared.w": jnp.full(3, 7.0), "Shared.x": jnp.zeros(2)}}
    assert copy.load_state_dict(new, strict=True) == ([], [])
    np.testing.assert_array_equal(copy.a.w.value, [7.0, 7.0, 7.0])
    np.testing.assert_array_equal(copy.b.w.value, [7.0, 7.0, 7.0])
    np.testing.assert_array_equal(copy.b.x, [0.0, 0.0])


def _diverge(copy, where):
    """The copy with one place changed, as training the copy would change it."""
    return eqx.tree_at(where, copy, replace_fn=lambda v: v + 1)


@pytest.mark.parametrize(
    ("case", "where"),
    [
        ("variable", lambda m: m.w_tied.value),
        ("module", lambda m: m.b.w.value),
        ("named module", lambda m: m.b.x),
    ],
)
def test_a_file_whose_tied_places_differ_is_refused_and_changes_nothing(case, where, tmp_path):
    make, _ = _MODELS[case]
    model = make()
    changed = _diverge(_copy(model), where)
    path = tmp_path / "changed.safetensors"
    eqbrain.save(path, changed)
    before = snapshot(model)
    with pytest.raises(ValueError, match="held in two places") as info:
        eqbrain.load(path, model)
    assert "Nothing was loaded" in str(info.value)
    assert_unchanged(model, before)


def test_a_state_dict_whose_tied_keys_differ_is_refused():
    model = _tied_variable()
    sd = model.state_dict()
    sd[model.name][f"{model.name}.w_tied"] = jnp.zeros(3)
    before = snapshot(model)
    with pytest.raises(ValueError, match=r"\.w_tied' are one Variable"):
        model.load_state_dict(sd)
    assert_unchanged(model, before)


def test_the_state_dict_of_a_copy_whose_named_twins_differ_refuses_to_pick_one():
    copy = _diverge(_copy(_tied_module(name="Apart")), lambda m: m.b.w.value)
    with pytest.raises(ValueError, match="'Apart.w'") as info:
        copy.state_dict()
    assert "relative keys" in str(info.value)
    assert list(copy.vars(method="relative")) == ["a.w", "b.w"]  # relative keys still work


def test_an_old_file_with_one_key_per_cell_still_loads_into_a_tied_model(tmp_path):
    # Files written before every place had a key list a tied cell once.
    import safetensors.numpy as stnp

    path = tmp_path / "old.safetensors"
    stnp.save_file({"w": np.full(3, 5.0, np.float32)}, str(path))
    model = _tied_variable()
    assert eqbrain.load(path, model, strict=True) == ([], [])
    np.testing.assert_array_equal(model.w_tied.value, [5.0, 5.0, 5.0])


def test_tied_places_holding_nan_agree():
    # NaN == NaN here: the same value under two keys of one cell (bfloat16 too).
    w = eqbrain.TrainVar(jnp.full(2, jnp.nan, jnp.bfloat16))
    model = _Pair(w=w, w_tied=w)
    state = {model.name: {f"{model.name}.{k}": np.asarray(w.value) for k in ("w", "w_tied")}}
    assert model.load_state_dict(state, strict=True) == ([], [])


class _Cell(eqbrain.DynamicalSystem):
    x: eqbrain.Variable

    def __init__(self, name=None):
        super().__init__(name=name)
        self.x = eqbrain.Variable(jnp.zeros(2))


class _Circuit(eqbrain.DynamicalSystem):
    a: _Cell
    b: _Cell


def test_reset_state_of_a_copy_resets_both_twins():
    cell = _Cell(name=f"Cell{next(_names)}")
    copy = _copy(_Circuit(a=cell, b=cell))
    assert copy.a is not copy.b
    copy.a.x.value = jnp.ones(2)
    copy.b.x.value = jnp.ones(2)
    copy.reset_state()
    np.testing.assert_array_equal(copy.a.x.value, [0.0, 0.0])
    np.testing.assert_array_equal(copy.b.x.value, [0.0, 0.0])
