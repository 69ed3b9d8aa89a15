"""`VariableView`: reads and writes go through the origin Variable, under transforms too."""

import jax.numpy as jnp
import numpy as np
import pytest

import eqbrain


class Holder(eqbrain.Module):
    V: eqbrain.Variable

    def __init__(self):
        super().__init__()
        self.V = eqbrain.Variable(jnp.arange(6.0))


def test_writes_through_a_view_inside_eqbrain_jit_reach_the_origin():
    h = Holder()
    view = eqbrain.VariableView(h.V, slice(2, 4))

    @eqbrain.jit
    def bump():
        view.value = view.value + 10.0

    bump()
    bump()
    np.testing.assert_allclose(h.V.value, [0.0, 1.0, 22.0, 23.0, 4.0, 5.0])
    np.testing.assert_allclose(np.asarray(view), [22.0, 23.0])


def test_index_arrays_and_ints():
    v = eqbrain.Variable(jnp.zeros((3, 2)))
    eqbrain.VariableView(v, 1).value = jnp.ones(2)
    eqbrain.VariableView(v, (jnp.array([0, 2]), 0)).update(jnp.array([5.0, 6.0]))
    np.testing.assert_allclose(v.value, [[5.0, 0.0], [1.0, 1.0], [6.0, 0.0]])


def test_bad_writes_name_the_variable_and_change_nothing():
    h = Holder()
    view = eqbrain.VariableView(h.V, slice(0, 2))
    with pytest.raises(eqbrain.MathError, match=r"Holder.*V.*slice\(0, 2, None\).*shape \(2,\)"):
        view.value = jnp.zeros(3)
    with pytest.raises(eqbrain.MathError):
        view.value = np.array([1e300, 0.0])  # inf in float32: refused, not stored
    np.testing.assert_allclose(h.V.value, np.arange(6.0))


class WithView(eqbrain.Module):
    V: eqbrain.Variable
    head: eqbrain.VariableView

    def __init__(self):
        super().__init__()
        self.V = eqbrain.Variable(jnp.arange(4.0))
        self.head = eqbrain.VariableView(self.V, slice(0, 2))


def test_a_view_in_a_model_reads_the_traced_copy_under_equinox_and_jax_jit():
    import equinox as eqx
    import jax

    m = WithView()
    traces = []

    @eqx.filter_jit
    def read(model):
        traces.append(1)
        return model.head.value

    np.testing.assert_array_equal(read(m), [0.0, 1.0])
    m.V.value = m.V.value + 10.0  # never a stale, baked-in value
    np.testing.assert_array_equal(read(m), [10.0, 11.0])
    assert len(traces) == 1  # the same view: one compilation
    np.testing.assert_array_equal(jax.jit(lambda model: model.head.value)(m), [10.0, 11.0])
    assert list(m.vars(method="relative")) == ["V"]  # the view is not a second cell


def test_a_view_written_in_functional_style_comes_back_in_the_returned_model():
    import equinox as eqx

    m = WithView()

    def bump(model):
        model.head.value = model.head.value + 1.0
        return model

    new = eqx.filter_jit(bump)(m)
    np.testing.assert_array_equal(new.head.value, [1.0, 2.0])
    np.testing.assert_array_equal(m.V.value, np.arange(4.0))  # the caller's model as it was
