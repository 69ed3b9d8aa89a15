"""Parity with BrainPy 2.8's `brainpy/math/object_transform/circular_reference_test.py`.

BrainPy's case makes two neurons point at each other (`A.pre = B`, `B.pre = A`) after
construction and counts the nodes of a network of both: 3 absolute, 5 relative. An
eqbrain module is a frozen dataclass and a pytree, so no cycle can be built: a field
is set in `__init__` and never reassigned, and a module can only hold modules built
before it. Listed in `docs/migrating.md`. These tests check what eqbrain does instead:
the assignment that would close the cycle is refused and changes nothing, and one-way
references are collected by BrainPy's rules.
"""

import dataclasses

import jax.numpy as jnp
import pytest

import eqbrain
from eqbrain import Variable


class HH(eqbrain.DynamicalSystem):
    V: Variable
    pre: eqbrain.DynamicalSystem | None

    def __init__(self, pre=None, name=None):
        super().__init__(name=name)
        self.V = Variable(jnp.full(1, -65.0))
        self.pre = pre


class Pair(eqbrain.Network):
    A: HH
    B: HH

    def __init__(self, a, b):
        super().__init__()
        self.A, self.B = a, b


def test_closing_a_cycle_is_refused():
    b = HH(name="Y")
    a = HH(pre=b, name="X")
    with pytest.raises(dataclasses.FrozenInstanceError):
        b.pre = a
    assert b.pre is None


def test_one_way_reference_nodes():
    b = HH(name="Y")
    a = HH(pre=b, name="X")
    net = Pair(a, b)
    # BrainPy's nodes and Variables, after the network's clock (eqbrain keeps the time
    # in the model)
    assert len(net.nodes(method="absolute")) == 3 + 1
    assert list(net.nodes(method="relative")) == ["", "clock", "A", "B", "A.pre"]
    clock = ["clock.i", "clock.t0", "clock.dt"]
    assert list(net.vars(method="relative")) == [*clock, "A.V", "B.V", "A.pre.V"]
