"""Parity with BrainPy 2.8's `brainpy/math/object_transform/collectors_test.py`.

One test per BrainPy case (25), on `eqbrain.Collector`, `ArrayCollector` and
`TensorCollector`: key conflicts, `replace`, `update` (dict, list, tuple, keywords, a
wrong type), `+`, `-` (dict, keys, values; missing keys and mismatched values raise),
`subset`/`not_subset` (subclasses) against `include`/`exclude` (exact class), `unique`,
`dict`/`data` and the pytree round trip. Where BrainPy raises `AssertionError`, eqbrain
raises a `TypeError` that is also an `AssertionError`.
"""

import jax.numpy as jnp
import jax.tree_util as jtu
import pytest

from eqbrain import ArrayCollector, Collector, TensorCollector, TrainVar, Variable


def test_rebinding_a_key_to_the_same_object_is_allowed():
    c = Collector()
    thing = object()
    c["k"] = thing
    c["k"] = thing
    assert c["k"] is thing


def test_rebinding_a_key_to_another_object_raises():
    c = Collector()
    c["k"] = 1
    with pytest.raises(ValueError, match='Name "k" conflicts'):
        c["k"] = 2
    assert c["k"] == 1


def test_replace_rebinds_and_moves_the_key_last():
    c = Collector({"a": 1, "b": 2})
    c.replace("a", 10)
    c.replace("a", 11)
    assert c == {"a": 11, "b": 2} and list(c) == ["b", "a"]
    with pytest.raises(KeyError):
        c.replace("missing", 0)


def test_update_with_a_dict_returns_the_collector():
    c = Collector({"a": 1})
    assert c.update({"b": 2, "c": 3}) is c
    assert c == {"a": 1, "b": 2, "c": 3}


def test_update_with_a_list_numbers_the_new_keys_after_the_present_ones():
    c = Collector({"first": 0})
    c.update([10, 20])
    assert c == {"first": 0, "_var1": 10, "_var2": 20}


def test_update_with_a_tuple_and_keywords():
    c = Collector()
    c.update((5, 6), extra=7)
    assert c == {"_var0": 5, "_var1": 6, "extra": 7}


def test_update_with_another_type_raises_an_assertion_compatible_type_error():
    c = Collector({"a": 1})
    with pytest.raises(AssertionError):
        c.update(123)  # pyright: ignore[reportArgumentType]
    with pytest.raises(TypeError, match="takes a dict or a list/tuple"):
        c.update(123)  # pyright: ignore[reportArgumentType]
    assert c == {"a": 1}


def test_add_makes_a_new_collector_and_leaves_both_alone():
    left, right = Collector({"a": 1}), Collector({"b": 2})
    both = left + right
    assert type(both) is Collector and both == {"a": 1, "b": 2}
    assert left == {"a": 1} and right == {"b": 2}


def test_sub_dict_drops_a_pair_that_matches():
    thing = object()
    c = Collector({"a": thing, "b": 2})
    assert c - {"a": thing} == {"b": 2}
    assert c == {"a": thing, "b": 2}


def test_sub_dict_with_another_value_raises():
    c = Collector({"a": 1})
    with pytest.raises(ValueError, match="Cannot remove 'a'"):
        _ = c - {"a": 999}


def test_sub_dict_with_a_missing_key_raises():
    c = Collector({"a": 1})
    with pytest.raises(ValueError, match="Cannot remove 'missing'"):
        _ = c - {"missing": 1}


def test_sub_list_of_keys():
    c = Collector({"a": 1, "b": 2, "c": 3})
    assert c - ["a", "c"] == {"b": 2}


def test_sub_list_of_values_drops_every_key_holding_them():
    shared = object()
    c = Collector({"a": shared, "b": 2, "c": shared})
    assert c - [shared] == {"b": 2}


def test_sub_list_with_a_missing_key_raises():
    c = Collector({"a": 1})
    with pytest.raises(ValueError, match="Cannot remove 'nope'"):
        _ = c - ["nope"]


def test_sub_list_with_a_missing_value_raises():
    c = Collector({"a": object()})
    with pytest.raises(ValueError, match="no key of"):
        _ = c - [object()]


def test_sub_another_type_raises():
    c = Collector({"a": 1})
    with pytest.raises(ValueError, match="dict, list or tuple"):
        _ = c - 5  # pyright: ignore[reportOperatorIssue]
    assert c.subtract(["a"]) == {}


def test_subset_and_not_subset_take_subclasses():
    v, tv = Variable(jnp.zeros(2)), TrainVar(jnp.zeros(2))
    c = Collector({"v": v, "tv": tv, "n": 3})
    assert set(c.subset(Variable)) == {"v", "tv"}
    assert set(c.subset(TrainVar)) == {"tv"}
    assert set(c.not_subset(Variable)) == {"n"}


def test_include_and_exclude_match_the_exact_class():
    v, tv = Variable(jnp.zeros(2)), TrainVar(jnp.zeros(2))
    c = Collector({"v": v, "tv": tv})
    assert set(c.include(Variable)) == {"v"}
    assert set(c.exclude(Variable)) == {"tv"}
    assert set(c.include(Variable, TrainVar)) == {"v", "tv"}


def test_unique_keeps_one_key_per_object():
    shared, other = Variable(jnp.zeros(2)), Variable(jnp.ones(2))
    c = Collector({"a": shared, "b": shared, "c": other})
    u = c.unique()
    assert list(u) == ["a", "c"]
    assert {id(x) for x in u.values()} == {id(shared), id(other)}


def test_tensor_collector_is_array_collector():
    assert TensorCollector is ArrayCollector


def test_array_collector_refuses_a_non_variable():
    ac = ArrayCollector()
    with pytest.raises(AssertionError):
        ac["x"] = 5
    with pytest.raises(TypeError, match="holds Variables"):
        ac["x"] = 5
    assert "x" not in ac


def test_array_collector_same_variable_again_is_fine():
    ac, v = ArrayCollector(), Variable(jnp.zeros(3))
    ac["v"] = v
    ac["v"] = v
    assert ac["v"] is v


def test_array_collector_another_variable_under_a_key_raises():
    ac = ArrayCollector()
    first = Variable(jnp.zeros(3))
    ac["v"] = first
    with pytest.raises(ValueError, match="conflicts"):
        ac["v"] = Variable(jnp.ones(3))
    assert ac["v"] is first


def test_array_collector_dict_and_data_read_the_values():
    ac = ArrayCollector()
    ac["v1"] = Variable(jnp.zeros(2))
    ac["v2"] = Variable(jnp.ones(2))
    d = ac.dict()
    assert set(d) == {"v1", "v2"} and not isinstance(d["v1"], Variable)
    assert jnp.array_equal(d["v1"], jnp.zeros(2))
    data = ac.data()
    assert len(data) == 2 and jnp.array_equal(data[1], jnp.ones(2))


def test_array_collector_flattens_and_rebuilds():
    ac = ArrayCollector()
    ac["v1"] = Variable(jnp.zeros(2))
    ac["v2"] = Variable(jnp.ones(2))
    leaves, treedef = jtu.tree_flatten(ac)
    assert len(leaves) == 2
    again = jtu.tree_unflatten(treedef, leaves)
    assert isinstance(again, ArrayCollector) and list(again) == ["v1", "v2"]
