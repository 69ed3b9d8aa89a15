"""`repr` of Variables and modules: Equinox's pretty printer, Variables compact."""

import equinox as eqx
import jax
import jax.numpy as jnp

import eqbrain


class Net(eqbrain.Module):
    w: eqbrain.TrainVar
    b: eqbrain.Variable
    layers: list
    k: int = eqx.field(static=True)

    def __init__(self, name=None):
        super().__init__(name=name)
        self.w = eqbrain.TrainVar(jnp.zeros((3, 4)))
        self.b = eqbrain.Variable(jnp.zeros(4, jnp.int32))
        self.layers = [eqbrain.Parameter(jnp.zeros((), jnp.bfloat16))]
        self.k = 3


def test_variable_repr_is_compact():
    assert repr(eqbrain.TrainVar(jnp.zeros((3, 4)))) == "TrainVar(f32[3,4])"
    assert repr(eqbrain.Variable(jnp.zeros(2, jnp.int32))) == "Variable(i32[2])"
    assert repr(eqbrain.Parameter(jnp.asarray(True))) == "Parameter(bool[])"


def test_module_repr_uses_equinox_pretty_printer():
    net = Net(name="net_repr")
    assert repr(net) == eqx.tree_pformat(net)
    assert repr(net) == (
        "Net(\n"
        "  name='net_repr',\n"
        "  w=TrainVar(f32[3,4]),\n"
        "  b=Variable(i32[4]),\n"
        "  layers=[Parameter(bf16[])],\n"
        "  k=3\n"
        ")"
    )


def test_repr_never_prints_values_of_big_variables():
    v = eqbrain.Variable(jnp.arange(10_000.0))
    assert repr(v) == "Variable(f32[10000])"
    assert "9999" not in repr(v)


def test_repr_inside_a_trace_shows_the_tracer_compactly():
    seen = []

    @jax.jit
    def f(x):
        seen.append(repr(eqbrain.Variable(x)))
        return x

    f(jnp.zeros(3))
    assert seen == ["Variable(f32[3])"]
