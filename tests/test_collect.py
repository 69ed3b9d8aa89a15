import jax
import jax.numpy as jnp
import numpy as np
import pytest

import eqbrain
from eqbrain import ArrayCollector, Collector, Variable

from .helpers import B, C, make_b


def test_nodes_absolute_and_relative_keys_as_brainpy():
    b = make_b()
    nodes = b.nodes()
    assert isinstance(nodes, Collector) and list(nodes) == ["B0", "C0", "C1", "C2"]
    assert list(b.nodes(method="relative")) == ["", "c1", "c2", "lst-0"]
    assert nodes["C2"] is b.lst[0]


def test_vars_absolute_and_relative_keys_as_brainpy():
    b = make_b()
    vs = b.vars()
    assert isinstance(vs, ArrayCollector)
    assert list(vs) == ["B0.vl-0", "B0.x", "C0.v", "C0.w", "C1.v", "C1.w", "C2.v", "C2.w"]
    assert list(b.vars(method="relative")) == [
        "vl-0",
        "x",
        "c1.v",
        "c1.w",
        "c2.v",
        "c2.w",
        "lst-0.v",
        "lst-0.w",
    ]
    assert vs["C0.w"] is b.c1.w


def test_train_vars_are_the_trainvars():
    b = make_b()
    assert list(b.train_vars()) == ["C0.w", "C1.w", "C2.w"]
    assert list(b.train_vars(method="relative")) == ["c1.w", "c2.w", "lst-0.w"]


def test_levels_and_include_self():
    b = make_b()
    assert list(b.nodes(level=0)) == ["B0"]
    assert list(b.nodes(level=1, include_self=False)) == ["C0", "C1", "C2"]
    assert list(b.vars(level=0)) == ["B0.vl-0", "B0.x"]
    assert list(b.vars(include_self=False))[:1] == ["C0.v"]


class Deep(eqbrain.Module):
    b: B
    d: dict

    def __init__(self):
        super().__init__()
        self.b = B()
        self.d = {"n": C(), "v": Variable(jnp.zeros(1))}


def test_order_is_children_then_each_subtree_and_level_limits_depth():
    eqbrain.clear_name_cache()
    m = Deep()
    assert list(m.nodes(method="relative")) == ["", "b", "d.n", "b.c1", "b.c2", "b.lst-0"]
    assert list(m.nodes(method="relative", level=1)) == ["", "b", "d.n"]
    assert list(m.vars(method="relative", level=0)) == ["d-v"]


def test_exclude_types():
    b = make_b()
    assert list(b.vars(exclude_types=(eqbrain.TrainVar,))) == [
        "B0.vl-0",
        "B0.x",
        "C0.v",
        "C1.v",
        "C2.v",
    ]


class Twice(eqbrain.Module):
    a: C
    b: C
    shared1: Variable
    shared2: Variable

    def __init__(self):
        super().__init__()
        self.a = C()
        self.b = self.a  # one node reachable twice
        v = Variable(jnp.zeros(2))
        self.shared1 = v
        self.shared2 = v


def test_node_reachable_twice_is_listed_under_every_relative_path_and_once_by_name():
    # Relative keys name places (BrainPy 2.8 lists a node held twice by one parent once):
    # a functional copy has a node in each place, and the same keys.
    eqbrain.clear_name_cache()
    t = Twice()
    assert list(t.nodes(method="relative")) == ["", "a", "b"]
    assert list(t.nodes()) == ["Twice0", "C0"]
    vs = t.vars(method="relative")
    assert list(vs) == ["shared1", "shared2", "a.v", "a.w", "b.v", "b.w"]
    assert vs["shared1"] is vs["shared2"] and vs["a.v"] is vs["b.v"]
    assert list(vs.unique()) == ["shared1", "a.v", "a.w"]
    copy = jax.tree_util.tree_map(lambda x: x, t)
    assert list(copy.vars(method="relative")) == list(vs)
    assert list(copy.nodes(method="relative")) == ["", "a", "b"]


@pytest.mark.parametrize("call", ["nodes", "vars", "train_vars"])
def test_bad_method_is_value_error(call):
    with pytest.raises(ValueError, match="method must be 'absolute' or 'relative', not 'abs'"):
        getattr(make_b(), call)(method="abs")


def test_plain_tuple_and_equinox_containers_are_looked_through():
    import equinox as eqx

    class Holder(eqx.Module):
        inner: C

    class M(eqbrain.Module):
        t: tuple
        h: Holder

    eqbrain.clear_name_cache()
    m = M(t=(Variable(jnp.zeros(1)), C()), h=Holder(C()))
    assert list(m.nodes(method="relative")) == ["", "t-1", "h.inner"]
    assert list(m.vars(method="relative")) == ["t-0", "t-1.v", "t-1.w", "h.inner.v", "h.inner.w"]


def test_copy_of_an_auto_named_node_takes_a_new_name_an_explicit_name_is_a_twin():
    import jax.tree_util as jtu

    class Pair(eqbrain.Module):
        a: C
        b: C

    class Other(eqbrain.Module):
        v: Variable

    eqbrain.clear_name_cache()
    c = C()
    p = Pair(a=c, b=jtu.tree_map(lambda x: x, c))
    assert list(p.nodes()) == ["Pair0", "C0", "C1"]  # the copy is a new object
    # A copy beside its origin under one explicit name: twins, as a functional copy of a
    # model holding one named node in two places has them. Names list the first.
    named = C(name="named_c")
    q = Pair(a=named, b=jtu.tree_map(lambda x: x, named))
    assert list(q.nodes()) == ["Pair1", "named_c"] and q.nodes()["named_c"] is q.a
    assert list(q.vars()) == ["named_c.v", "named_c.w"] and q.vars()["named_c.v"] is q.a.v
    assert list(q.train_vars()) == ["named_c.w"]
    assert list(q.nodes(method="relative")) == ["", "a", "b"]
    # Another class under the same name is no twin: the clash is refused.
    eqbrain.clear_name_cache()  # lets a new object take a live object's name
    clash = Pair(a=named, b=Other(v=Variable(jnp.zeros(1)), name="named_c"))  # pyright: ignore[reportArgumentType]
    with pytest.raises(ValueError, match='Name "named_c" conflicts'):
        clash.nodes()


class _ModelA(eqbrain.Module):
    a: Variable

    def __init__(self):
        super().__init__()
        self.a = Variable(jnp.zeros(5))


class _SharedA(eqbrain.Module):
    source: _ModelA
    a: Variable

    def __init__(self, source):
        super().__init__()
        self.source = source
        self.a = source.a  # the same Variable


class _Group(eqbrain.Module):
    A: _ModelA
    A_shared: _SharedA

    def __init__(self):
        super().__init__()
        self.A = _ModelA()
        self.A_shared = _SharedA(self.A)


def test_a_node_held_by_two_parents_is_listed_under_both_relative_paths():
    # BrainPy's rule: every parent-child link is followed once, so a node reached from a
    # second parent is listed again under that path (BrainPy 2.8 lists these three keys).
    eqbrain.clear_name_cache()
    g = _Group()
    rel = g.vars(method="relative")
    assert list(rel) == ["A.a", "A_shared.a", "A_shared.source.a"]
    assert rel["A.a"] is rel["A_shared.a"] is rel["A_shared.source.a"]
    assert list(g.nodes(method="relative")) == ["", "A", "A_shared", "A_shared.source"]
    assert list(g.nodes(method="relative", level=1)) == ["", "A", "A_shared"]
    assert list(g.nodes()) == ["_Group0", "_ModelA0", "_SharedA0"]  # absolute: by name
    assert list(g.vars()) == ["_ModelA0.a", "_SharedA0.a"]
    assert list(rel.unique()) == ["A.a"]


def test_checkpoint_keys_stay_one_per_variable_with_shared_nodes(tmp_path):
    g = _Group()
    g.A.a.value = jnp.arange(5.0)
    path = tmp_path / "g.safetensors"
    eqbrain.save(path, g)
    other = _Group()
    eqbrain.load(path, other, strict=True)
    np.testing.assert_array_equal(other.A.a.value, np.arange(5.0))


class _Tree(eqbrain.Module):
    v: Variable
    w: eqbrain.TrainVar
    kids: eqbrain.NodeList

    def __init__(self, depth: int):
        super().__init__()
        self.v = Variable(jnp.zeros(1))
        self.w = eqbrain.TrainVar(jnp.zeros(1))
        self.kids = eqbrain.NodeList([_Tree(depth - 1) for _ in range(10)] if depth else [])


@pytest.mark.parametrize("method", ["absolute", "relative"])
def test_collectors_leave_nothing_per_node_for_the_garbage_collector(method):
    # The traversals keep no tuple, list or dict per node alive while they walk (the
    # design's "few short-lived allocations per node"): on a 1,111-module tree, fewer
    # live container objects than Python's first collection threshold pile up, so no
    # collection runs during the call. Keeping one tuple per node alive (as a walk that
    # first lists every node does) runs the collector over the whole heap repeatedly.
    import gc

    tree = _Tree(3)
    calls = [
        lambda: tree.vars(method=method),
        lambda: tree.nodes(method=method),
        lambda: tree.train_vars(method=method),
    ]
    thresholds = gc.get_threshold()
    gc.set_threshold(700, 10, 10)  # Python's defaults, whatever the test run set
    try:
        for call in calls:
            call()  # auto names and caches made once
            gc.collect()
            before = gc.get_stats()[0]["collections"]
            out = call()
            assert gc.get_stats()[0]["collections"] == before
            assert len(out) in (1111, 2222)
    finally:
        gc.set_threshold(*thresholds)
