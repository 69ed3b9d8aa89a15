import jax.numpy as jnp
import jax.tree_util as jtu
import numpy as np
import pytest

import eqbrain
from eqbrain import ArrayCollector, Collector, MathError, TrainVar, Variable


def test_key_conflict_raises_and_same_object_is_fine():
    c = Collector()
    a, b = object(), object()
    c["k"] = a
    c["k"] = a
    with pytest.raises(ValueError, match='Name "k" conflicts'):
        c["k"] = b
    assert c["k"] is a
    c.replace("k", b)
    assert c["k"] is b


def test_subset_unique_add_sub():
    v, w = Variable(jnp.zeros(1)), TrainVar(jnp.ones(1))
    c = ArrayCollector({"a": v, "b": w, "c": v})
    assert list(c.subset(TrainVar)) == ["b"]
    assert list(c.not_subset(TrainVar)) == ["a", "c"]
    assert list(c.unique()) == ["a", "b"]
    assert list(c - ["a"]) == ["b", "c"]
    assert list(c - [v]) == ["b"]
    assert list(ArrayCollector({"a": v}) + {"z": w}) == ["a", "z"]
    assert isinstance(c.unique(), ArrayCollector)


def test_array_collector_holds_only_variables():
    c = ArrayCollector()
    with pytest.raises(TypeError, match="'x' was given Array"):
        c["x"] = jnp.zeros(1)
    assert "x" not in c


def test_dict_data_assign():
    v, w = Variable(jnp.zeros(2)), Variable(jnp.zeros(1, jnp.int32))
    c = ArrayCollector({"v": v, "w": w})
    c.assign({"v": jnp.ones(2)})
    np.testing.assert_array_equal(c.dict()["v"], [1, 1])
    assert len(c.data()) == 2


def test_assign_is_all_or_nothing():
    v, w = Variable(jnp.zeros(2)), Variable(jnp.zeros(1, jnp.int32))
    c = ArrayCollector({"v": v, "w": w})
    with pytest.raises(MathError):
        c.assign({"v": jnp.ones(2), "w": jnp.ones(1)})  # w: wrong dtype
    np.testing.assert_array_equal(v.value, [0, 0])
    with pytest.raises(KeyError, match="'nope'"):
        c.assign({"v": jnp.ones(2), "nope": 1})
    np.testing.assert_array_equal(v.value, [0, 0])


def test_collectors_are_pytrees_keyed_by_path():
    c = ArrayCollector({"a": Variable(jnp.zeros(1)), "b": Variable(jnp.ones(2))})
    grads = jtu.tree_map(lambda x: x + 1, c)
    assert isinstance(grads, ArrayCollector) and list(grads) == ["a", "b"]
    paths = [jtu.keystr(p) for p, _ in jtu.tree_flatten_with_path(c)[0]]
    assert paths == ["['a'].value", "['b'].value"]


def test_containers_check_their_items_and_never_replace():
    with pytest.raises(TypeError, match="A VarList holds only Variable objects"):
        eqbrain.VarList([jnp.zeros(1)])
    with pytest.raises(TypeError, match="A NodeList holds only Module objects"):
        eqbrain.NodeList([Variable(jnp.zeros(1))])
    vl = eqbrain.VarList([Variable(jnp.zeros(2))])
    cell = vl[0]
    vl[0] = jnp.ones(2)
    assert vl[0] is cell and float(cell.value[0]) == 1.0
    with pytest.raises(MathError):
        vl[0] = jnp.ones(3)
    vd = eqbrain.VarDict(a=Variable(jnp.zeros(1)))
    cell = vd["a"]
    vd["a"] = jnp.ones(1)
    assert vd["a"] is cell
    with pytest.raises(TypeError):
        vd["b"] = 1.0
    assert "b" not in vd


def test_brainpy_update_add_sub_rules():
    c = Collector({"a": 1})
    assert c.update([10], b=2) is c and c == {"a": 1, "_var1": 10, "b": 2}
    with pytest.raises(TypeError, match="takes a dict or a list/tuple"):
        c.update(5)  # pyright: ignore[reportArgumentType]
    with pytest.raises(ValueError, match="Cannot remove 'zz'"):
        _ = c - {"zz": 1}
    with pytest.raises(ValueError, match="holds 1, not the 2 given"):
        _ = c - {"a": 2}
    assert c == {"a": 1, "_var1": 10, "b": 2}  # nothing changed by a failed subtraction
    v, t = Variable(jnp.zeros(1)), TrainVar(jnp.zeros(1))
    vs = ArrayCollector({"v": v, "t": t})
    assert list(vs.include(Variable)) == ["v"] and list(vs.exclude(Variable)) == ["t"]
    assert list(vs.subset(Variable)) == ["v", "t"]


def test_containers_take_brainpy_arguments():
    v, w = Variable(jnp.zeros(1)), Variable(jnp.ones(1))
    d = eqbrain.VarDict(("a", v), [("b", w)], c=Variable(jnp.zeros(2)))
    assert list(d) == ["a", "b", "c"] and d["a"] is v
    with pytest.raises(TypeError, match="takes dicts, \\(key, value\\) pairs"):
        eqbrain.VarDict(5)
    with pytest.raises(TypeError, match="holds only Variable"):
        eqbrain.VarDict(("a", 1.0))
    vl = eqbrain.VarList([v])
    assert vl.append(w) is vl and len(vl) == 2
    vl[1:] = [Variable(jnp.zeros(3))]
    assert vl[1] is not w and vl[1].shape == (3,)
    with pytest.raises(TypeError, match="holds only Variable"):
        vl[1:] = [jnp.zeros(3)]
    assert vl[1].shape == (3,)


def test_every_way_of_adding_to_a_container_checks_and_counts_as_a_structure_change():
    from eqbrain.internal import structure_version

    v = Variable(jnp.zeros(1))
    vl, vd = eqbrain.VarList([v]), eqbrain.VarDict(a=v)
    for add in (
        lambda: vl.__iadd__([1.0]),
        lambda: vd.__ior__({"b": 1.0}),
        lambda: vd.setdefault("b", 1.0),
    ):
        before = structure_version()
        with pytest.raises(TypeError, match="holds only Variable"):
            add()
        assert structure_version() == before  # a refused change is no change
    assert list(vl) == [v] and list(vd) == ["a"]
    w = Variable(jnp.ones(1))
    for change in (
        lambda: vl.__iadd__([w]),
        lambda: vl.reverse(),
        lambda: vl.pop(),
        lambda: vd.setdefault("b", w),
        lambda: vd.__delitem__("b"),
        lambda: vd.__ior__({"c": w}),
    ):
        before = structure_version()
        change()
        assert structure_version() != before
    assert list(vl) == [w] and list(vd) == ["a", "c"] and vd.setdefault("c") is w
    before = structure_version()
    vl[0] = jnp.full(1, 2.0)  # a value write is not a structure change
    vd["a"] = jnp.full(1, 3.0)
    assert structure_version() == before
