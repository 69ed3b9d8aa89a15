"""Parity with BrainPy 2.8's `brainpy/math/object_transform/base_test.py`.

Eight cases: `nodes(level=...)` and `vars(level=...)` counts on a three-level tree, a
`NodeList`/`NodeDict` of layers (with and without trainable weights), Variables in a
`VarList`/`VarDict` written inside `jit`, a model as a pytree, and a full state-dict
round trip. The `bp.layers` blocks are small stand-ins (`layers.py`); BrainPy's
training/non-training mode becomes a trainable or plain-array `Dense`.

Left out, with its reason in `docs/migrating.md`: `TestNodeDict`'s
`len(jax.tree_util.tree_leaves(obj)) == 1` -- a BrainPy object is an opaque leaf by
default, an eqbrain module is always a pytree of its arrays.
"""

import jax
import jax.numpy as jnp
import numpy as np

import eqbrain

from .layers import Activation, Dense, Dropout


class C(eqbrain.DynamicalSystem):
    var1: eqbrain.Variable
    var2: eqbrain.Variable

    def __init__(self):
        super().__init__()
        self.var1 = eqbrain.Variable(jnp.zeros(1))
        self.var2 = eqbrain.Variable(jnp.zeros(1))


class B(C):
    child1: C
    child2: C

    def __init__(self):
        super().__init__()
        self.child1 = C()
        self.child2 = C()


class A(C):
    child1: B
    child2: B

    def __init__(self):
        super().__init__()
        self.child1 = B()
        self.child2 = B()


class Net(eqbrain.Network):
    a1: A
    a2: A

    def __init__(self):
        super().__init__()
        self.a1 = A()
        self.a2 = A()


# BrainPy's counts, plus the network's clock (eqbrain keeps the time in the model: one
# more node at level 1, with three Variables).
CLOCK_NODES, CLOCK_VARS = 1, 3


def test_nodes_by_level():
    net = Net()
    for level, n in [(0, 1), (1, 3), (2, 7), (3, 15)]:
        n += CLOCK_NODES if level >= 1 else 0
        assert len(net.nodes(level=level)) == n
        assert len(net.nodes(level=level, include_self=False)) == n - 1


def test_vars_by_level():
    net = Net()  # the network holds no Variable; every other node holds two
    for level, n in [(0, 0), (1, 2 * 2), (2, (2 + 4) * 2), (3, (2 + 4 + 8) * 2)]:
        n += CLOCK_VARS if level >= 1 else 0
        assert len(net.vars(level=level)) == n
        assert len(net.vars(level=level, include_self=False)) == n


class ListModel(eqbrain.DynamicalSystem):
    l1: Dense
    ls: eqbrain.NodeList

    def __init__(self, trainable: bool):
        super().__init__()
        self.l1 = Dense(5, 10, trainable)
        self.ls = eqbrain.NodeList(
            [
                Dense(10, 4, trainable),
                Activation(jnp.tanh),
                Dropout(0.1),
                Dense(4, 5, trainable),
                Activation(jax.nn.relu),
            ]
        )

    def update(self, x):
        x = self.l1(x)
        for layer in self.ls:
            x = layer(x)
        return x


def test_node_list():
    plain, trained = ListModel(False), ListModel(True)
    assert len(plain.vars()) == 0 and len(plain.nodes()) == 7
    assert len(trained.vars()) == 6 and len(trained.nodes()) == 7
    assert list(trained.nodes(method="relative"))[:3] == ["", "l1", "ls-0"]
    assert trained(jnp.ones(5)).shape == (5,)


class DictModel(eqbrain.DynamicalSystem):
    l1: Dense
    ls: eqbrain.NodeDict

    def __init__(self, trainable: bool):
        super().__init__()
        self.l1 = Dense(5, 10, trainable)
        self.ls = eqbrain.NodeDict(
            {
                "l1": Dense(10, 4, trainable),
                "l2": Activation(jnp.tanh),
                "l3": Dropout(0.1),
                "l4": Dense(4, 5, trainable),
                "l5": Activation(jax.nn.relu),
            }
        )


def test_node_dict():
    plain, trained = DictModel(False), DictModel(True)
    assert len(plain.vars()) == 0 and len(plain.nodes()) == 7
    assert len(trained.vars()) == 6 and len(trained.nodes()) == 7
    assert "ls.l4" in trained.nodes(method="relative")
    # The difference (docs/migrating.md): a module is a pytree of its arrays, not a leaf.
    assert len(jax.tree_util.tree_leaves(plain)) == 6


class WithVarList(eqbrain.DynamicalSystem):
    vs: eqbrain.VarList

    def __init__(self):
        super().__init__()
        self.vs = eqbrain.VarList(
            [eqbrain.Variable(1.0), eqbrain.Variable(2.0), eqbrain.Variable(jnp.ones(10))]
        )

    def update(self):
        self.vs[0] += 10.0
        self.vs[1] += 10.0
        self.vs[2] += 10.0


def test_var_list_written_inside_jit():
    obj = WithVarList()
    assert len(obj.vars()) == 3 and len(obj.nodes()) == 1
    eqbrain.jit(lambda: obj())()
    assert obj.vs[0].value == 11.0 and obj.vs[1].value == 12.0
    np.testing.assert_allclose(obj.vs[2].value, np.full(10, 11.0))


class WithVarDict(eqbrain.DynamicalSystem):
    vs: eqbrain.VarDict

    def __init__(self):
        super().__init__()
        self.vs = eqbrain.VarDict(
            {
                "a": eqbrain.Variable(1.0),
                "b": eqbrain.Variable(2.0),
                "c": eqbrain.Variable(jnp.ones(10)),
            }
        )

    def update(self):
        self.vs["a"] += 10.0
        self.vs["b"] += 10.0
        self.vs["c"] += 10.0


def test_var_dict_written_inside_jit():
    obj = WithVarDict()
    assert len(obj.vars()) == 3 and len(obj.nodes()) == 1
    eqbrain.jit(lambda: obj())()
    assert obj.vs["a"].value == 11.0 and obj.vs["b"].value == 12.0
    np.testing.assert_allclose(obj.vs["c"].value, np.full(10, 11.0))


def test_a_model_is_a_pytree():
    neuron = eqbrain.dyn.LIF(1)
    treedef = jax.tree.structure(neuron)
    leaves = jax.tree.leaves(neuron)
    again = jax.tree.unflatten(treedef, leaves)
    assert type(again) is eqbrain.dyn.LIF
    assert jax.tree.structure(again) == treedef
    assert all(a is b for a, b in zip(jax.tree.leaves(again), leaves))


class Stack(eqbrain.DynamicalSystem):
    l1: Dense
    ls: eqbrain.NodeList
    lif: eqbrain.dyn.LIF

    def __init__(self):
        super().__init__()
        self.l1 = Dense(5, 10)
        blocks = [Dense(10, 4), Activation(jnp.tanh), Dropout(0.1), Dense(4, 5)]
        self.ls = eqbrain.NodeList([*blocks, Activation(jax.nn.relu)])
        self.lif = eqbrain.dyn.LIF(5)


def test_state_dict_round_trip():
    obj = Stack()
    by_node = {k: dict(n.vars(level=0)) for k, n in obj.nodes(include_self=False).items()}
    by_node = {k: v for k, v in by_node.items() if v}
    states = {k: v for k, v in obj.state_dict().items() if v}
    assert set(states) == set(by_node)
    for name, entries in states.items():
        assert set(entries) == set(by_node[name])
        for key, value in entries.items():
            np.testing.assert_array_equal(value, by_node[name][key].value)
    keys = iter(jax.random.split(jax.random.key(1), 100))

    def other_like(v):  # random values of the same dtype, never equal to v
        if jnp.result_type(v) == jnp.bool_:
            return ~jnp.asarray(v)
        u = jax.random.uniform(next(keys), jnp.shape(v))
        return (v * 0.5 + 1 + u).astype(jnp.result_type(v))

    fresh = {node: {k: other_like(v) for k, v in e.items()} for node, e in states.items()}
    for node, entries in fresh.items():
        for key, value in entries.items():
            assert not np.allclose(value, by_node[node][key].value)
    obj.load_state_dict(fresh)
    for node, entries in fresh.items():
        for key, value in entries.items():
            np.testing.assert_allclose(by_node[node][key].value, value)
