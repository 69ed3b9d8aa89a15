"""Models declare their constructor arguments as fields: what follows from the list
(construction, keyword checks, keys derived from names, signature, repr, docs), and
what a bad declaration or a bad call gets."""

from __future__ import annotations

import inspect
import re
from dataclasses import InitVar
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import eqbrain
from eqbrain.dyn import (
    Init,
    Param,
    built,
    declared,
    initial,
    name_key,
    param,
)


class Decay(eqbrain.dyn.Population):
    """A decaying trace: `tau` (ms), `x_initializer`."""

    tau: Any = param(default=10.0, positive=True)
    x_initializer: InitVar[Init] = initial(default=1.0)
    x: eqbrain.Variable = built()

    def update(self, inp=0.0):
        dt = eqbrain.share.load("dt")
        self.x.value = self.x.value * jnp.exp(-dt / self.tau) + inp
        return self.x.value


class DecayWithGain(Decay):
    """`Decay` with one parameter more, declared before the others' initial value."""

    gain: Any = param(default=1.0)


def _uniform(key, shape):
    return jax.random.uniform(key, shape)


def test_a_declared_model_is_built_from_its_fields():
    d = Decay(3, tau=5.0, x_initializer=2.0, batch_size=2)
    assert d.tau == 5.0 and d.x.shape == (2, 3) and d.x.batch_axis == 0
    np.testing.assert_array_equal(d.x.value, np.full((2, 3), 2.0, np.float32))
    out = eqbrain.run(d, 1.0, monitors=["x"], dt=0.1)
    assert out["x"].shape == (2, 10, 3)  # batch first
    d.reset_state()
    np.testing.assert_array_equal(d.x.value, np.full((2, 3), 2.0, np.float32))
    assert [(p.keyword, p.kind) for p in declared(Decay) if p.kind != "option"] == [
        ("key", "extra"),
        ("mode", "extra"),
        ("tau", "param"),
        ("x_initializer", "initial"),
    ]
    assert isinstance(declared(Decay)[0], Param)


def test_random_keys_come_from_names_so_a_new_parameter_changes_nothing_else():
    key = jax.random.key(7)
    a = Decay(4, tau=lambda k, s: 5.0 + jax.random.uniform(k, s), x_initializer=_uniform, key=key)
    b = DecayWithGain(
        4, tau=lambda k, s: 5.0 + jax.random.uniform(k, s), x_initializer=_uniform, key=key
    )
    np.testing.assert_array_equal(a.tau, b.tau)
    np.testing.assert_array_equal(a.x.value, b.x.value)
    np.testing.assert_array_equal(a.x.value, jax.random.uniform(name_key(key, "x"), (4,)))
    np.testing.assert_array_equal(a.tau, 5.0 + jax.random.uniform(name_key(key, "tau"), (4,)))
    assert not np.array_equal(a.x.value, a.tau - 5.0)  # each name its own key


def test_without_a_key_initializers_follow_the_default_generator():
    eqbrain.random.seed(3)
    c, d = Decay(4, x_initializer=_uniform), Decay(4, x_initializer=_uniform)
    assert not np.array_equal(c.x.value, d.x.value)  # two populations differ
    eqbrain.random.seed(3)
    key = eqbrain.random.split_key()
    np.testing.assert_array_equal(c.x.value, jax.random.uniform(name_key(key, "x"), (4,)))
    eqbrain.random.seed(3)
    np.testing.assert_array_equal(Decay(4, x_initializer=_uniform).x.value, c.x.value)
    # no JAX-style initializer: nothing drawn from the default generator
    before = eqbrain.random.get_key()
    Decay(4, x_initializer=1.0, tau=2.0)
    np.testing.assert_array_equal(
        jax.random.key_data(eqbrain.random.get_key()), jax.random.key_data(before)
    )


def test_signature_help_and_repr_follow_from_the_declarations():
    sig = inspect.signature(eqbrain.dyn.LifRef)
    params = sig.parameters
    assert list(params)[0] == "size"
    for keyword, default in [("V_rest", 0.0), ("tau", 10.0), ("V_initializer", 0.0)]:
        assert params[keyword].kind is inspect.Parameter.KEYWORD_ONLY
        assert params[keyword].default == default
    assert params["tau_ref"].default == 0.0 and params["ref_var"].default is False
    assert inspect.signature(eqbrain.dyn.Expon).parameters["tau"].kind is (
        inspect.Parameter.POSITIONAL_OR_KEYWORD
    )
    assert "V_initializer" in str(inspect.signature(eqbrain.dyn.Gif))
    assert "Vth_initializer" in str(inspect.signature(eqbrain.dyn.Gif))
    # a class with its own __init__ keeps its own signature
    assert list(inspect.signature(eqbrain.dyn.RNNCell).parameters)[:2] == ["num_in", "num_out"]
    # the repr lists the declared values that differ from their defaults
    text = repr(eqbrain.dyn.Lif(3, tau=5.0))
    assert "tau=5.0" in text and "V_rest" not in text
    # type checkers read the fields: the metaclass is a dataclass_transform
    assert hasattr(type(eqbrain.dyn.Population), "__dataclass_transform__")


def test_brainpy_keywords_that_are_not_attribute_names():
    syn = eqbrain.dyn.GABAa(3, T_dur=2.0)
    assert syn.T_duration == 2.0 and eqbrain.dyn.AMPA(3).T_duration == 0.5
    with pytest.raises(TypeError, match="unexpected keyword argument 'T_duration'"):
        eqbrain.dyn.AMPA(3, T_duration=1.0)  # pyright: ignore[reportCallIssue]
    gif = eqbrain.dyn.Gif(3, Vth_initializer=-45.0)
    np.testing.assert_array_equal(gif.V_th.value, np.full(3, -45.0, np.float32))


def test_synapse_parameters_take_initializers_and_keys():
    syn = eqbrain.dyn.Expon(
        4, tau=lambda k, s: 5.0 + jax.random.uniform(k, s), key=jax.random.key(1)
    )
    assert syn.tau.shape == (4,) and (syn.tau >= 5.0).all() and (syn.tau < 6.0).all()
    with eqbrain.share.context(t=0.0, dt=0.1):
        g = syn(jnp.ones(4))
    np.testing.assert_allclose(g, np.ones(4), rtol=1e-6)  # g = 0 decays, then + 1
    assert eqbrain.dyn.Expon(4, 5.0).tau == 5.0  # tau by position, as before


@pytest.mark.parametrize(
    "build, error, message",
    [
        (
            lambda: Decay(3, tua=1.0),  # pyright: ignore[reportCallIssue]
            TypeError,
            r"Decay\(\) got an unexpected keyword argument 'tua'",
        ),
        (lambda: Decay(3, 1.0), TypeError, r"Decay\(\) takes 1 positional arguments \(size\)"),  # pyright: ignore[reportCallIssue]
        (
            lambda: eqbrain.dyn.Expon(3, 5.0, tau=5.0),  # pyright: ignore[reportCallIssue]
            TypeError,
            "multiple values for argument 'tau'",
        ),
        (lambda: eqbrain.dyn.Expon(3, method="rk4"), TypeError, "argument 'method'"),  # pyright: ignore[reportCallIssue]
        (lambda: Decay(3, tau=-1.0), ValueError, "tau must be positive, got -1.0"),
        (lambda: eqbrain.dyn.LifRef(3, tau_ref=-0.5), ValueError, "tau_ref must be >= 0"),
        (lambda: Decay(3, tau="slow"), TypeError, "tau must be a number or an array"),
        (lambda: Decay(3, x_initializer=jnp.zeros(4)), ValueError, "x has shape"),
        (lambda: Decay(3, method="rk9"), ValueError, "Unknown integration method 'rk9'"),
    ],
)
def test_bad_calls(build, error, message):
    with pytest.raises(error, match=message):
        build()


def test_an_undeclared_field_is_refused_when_the_class_is_made():
    with pytest.raises(TypeError, match=r"Broken\.y is a field without a declaration.*built\(\)"):

        class Broken(eqbrain.dyn.Population):
            y: eqbrain.Variable


def test_a_population_with_its_own_init_keeps_working():
    class Own(eqbrain.dyn.Population):
        y: eqbrain.Variable

        def __init__(self, n, y0=0.5):
            super().__init__(n, batch_size=2, method="rk4", name=None)
            self.y = self._variable(y0)

        def update(self):
            return self.y.value

    own = Own(3)
    assert own.size == (3,) and own.method == "rk4" and own.y.shape == (2, 3)
    np.testing.assert_array_equal(own.y.value, np.full((2, 3), 0.5, np.float32))


def _models() -> list[type]:
    return [
        obj
        for name in eqbrain.dyn.__all__
        if isinstance(obj := getattr(eqbrain.dyn, name), type)
        and issubclass(obj, eqbrain.dyn.Population)
        and obj.__init__ is eqbrain.dyn.Population.__init__
    ]


@pytest.mark.parametrize("cls", _models(), ids=lambda c: c.__name__)
def test_every_declared_keyword_is_documented(cls):
    """The docstrings of the class and its bases name each keyword it takes."""
    docs = "".join(k.__doc__ or "" for k in cls.__mro__ if issubclass(k, eqbrain.dyn.Population))
    missing = [p.keyword for p in declared(cls) if not re.search(f"`{p.keyword}[`=]", docs)]
    assert not missing, f"{cls.__name__}'s docstring does not name {missing}"
