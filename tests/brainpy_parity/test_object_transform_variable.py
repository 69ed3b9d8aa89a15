"""Parity with BrainPy 2.8's `brainpy/math/object_transform/variable_test.py`.

Its one case: `tracing_variable` (a Variable created while a function is traced) is not
supported since BrainPy 3.0 and raises `NotImplementedError`, also from inside `jit`.
"""

import jax.numpy as jnp
import pytest

import eqbrain
from eqbrain import Variable


class A(eqbrain.Module):
    a: Variable

    def __init__(self):
        super().__init__()
        self.a = Variable(jnp.zeros(1))

    def f(self):
        b = self.tracing_variable("b", jnp.ones, (1,))
        self.a += b * 2
        return self.a.value


def test_tracing_variable_is_not_supported():
    a = A()
    with pytest.raises(NotImplementedError, match="tracing_variable"):
        eqbrain.jit(a.f)()
    with pytest.raises(NotImplementedError, match="annotated field"):
        a.f()
    assert float(a.a.value[0]) == 0.0
