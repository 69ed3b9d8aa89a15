"""Every way Equinox builds a module works on an eqbrain module, or raises as Equinox does:
a method assigned in `__init__`, a custom `__init__` without `super().__init__()`, bound
methods, the constructor's signature, `dataclasses.replace`."""

import dataclasses
import inspect
from collections.abc import Callable
from typing import Generic, TypeVar

import equinox as eqx
import jax
import jax.numpy as jnp
import jax.tree_util as jtu
import numpy as np
import pytest

import eqbrain
import eqbrain.internal
from eqbrain import UniqueNameError, Variable

# -- a method assigned in __init__ ----------------------------------------------------


class _Holder(eqbrain.Module):
    foo: Callable
    x: jax.Array

    def __init__(self, x, name=None):
        super().__init__(name=name)
        self.foo = self.bar
        self.x = x

    def bar(self):
        return self.x + 1


def test_a_method_assigned_in_init_raises_as_equinox_does_and_claims_no_name():
    with pytest.raises(ValueError, match="Cannot assign methods in __init__") as info:
        _Holder(jnp.ones(1), name="holder")
    message = str(info.value)
    assert "self.foo = self.bar" in message and "@property" in message
    assert "_Holder" in message

    class Free(eqbrain.Module):
        pass

    assert Free(name="holder").name == "holder"  # the failed object took nothing


def test_a_method_passed_to_a_parent_init_raises_too():
    class Component(eqbrain.Module):
        transform: Callable

        def __init__(self, transform):
            self.transform = transform

    class Sub(Component):
        scale: float

        def __init__(self):
            self.scale = 2.0
            super().__init__(self._transform)

        def _transform(self, x):
            return self.scale * x

    with pytest.raises(ValueError, match="Cannot assign methods in __init__"):
        Sub()


def test_a_module_holding_itself_is_refused():
    class Loop(eqbrain.Module):
        me: object

        def __init__(self):
            self.me = self

    with pytest.raises(ValueError, match="Loop.me to the module itself"):
        Loop()


def test_a_method_of_another_finished_module_may_be_held_as_in_equinox():
    class Scale(eqbrain.Module):
        k: jax.Array

        def apply(self, x):
            return self.k * x

    class User(eqbrain.Module):
        fn: Callable

    u = User(fn=Scale(k=jnp.asarray(3.0)).apply)
    assert jtu.tree_leaves(u) == [jnp.asarray(3.0)]
    assert float(eqx.filter_jit(lambda m: m.fn(2.0))(u)) == 6.0
    assert "Scale" in repr(u)
    # The module it holds is part of the tree: its arrays are state, as they are leaves.
    assert list(u.nodes(method="relative")) == ["", "fn.__self__"]
    assert eqbrain.internal.state_entries(u)[0][0] == "fn.__self__.k"


# -- a custom __init__ without super().__init__() ---------------------------------------


class _Plain(eqbrain.Module):
    """The usual Equinox style: no `super().__init__()`; a defaulted field left unset."""

    w: Variable
    scale: float = eqx.field(static=True, default=2.0)

    def __init__(self, n):
        self.w = Variable(jnp.ones(n))

    def __call__(self, x):
        return self.w.value * x * self.scale


def test_custom_init_without_super_gives_copies_that_hold_just_their_fields():
    m = _Plain(3)
    for copy in (jtu.tree_map(lambda x: x, m), eqx.filter_jit(lambda m: m)(m)):
        assert set(object.__getattribute__(copy, "__dict__")) == {"name", "w", "scale"}
        assert copy.name != m.name and copy.name.startswith("_Plain")
        np.testing.assert_array_equal(eqx.filter_jit(copy)(1.0), [2.0, 2.0, 2.0])
        assert list(copy.vars(method="relative")) == ["w"]
        assert list(copy.state_dict()) == [copy.name]
    assert eqx.tree_equal(m, _Plain(3))


def test_custom_init_without_super_keeps_an_explicit_name_out_of_reach():
    # Without super().__init__(name=...) there is no explicit name: an auto name.
    m = _Plain(2)
    assert object.__getattribute__(m, "__dict__")["name"] is None
    assert m.name.startswith("_Plain")


# -- bound methods ----------------------------------------------------------------------


class _Counter(eqbrain.Module):
    a: int
    v: Variable

    def f(self, b):
        """Adds b."""
        return self.a + b


def test_bound_methods_are_equinox_modules_holding_their_module():
    m = _Counter(a=13, v=Variable(jnp.zeros(2)))
    bound = m.f
    assert isinstance(bound, eqx.Module)
    flat, treedef = jtu.tree_flatten(m.f)
    assert len(flat) == 2 and flat[0] == 13
    rebuilt = jtu.tree_unflatten(treedef, flat)
    assert rebuilt(2) == 15
    assert (m.f.__name__, m.f.__doc__, m.f.__qualname__) == ("f", "Adds b.", "_Counter.f")
    assert str(inspect.signature(m.f)) == "(b)"
    assert getattr(m.f, "__wrapped__")(1) == 14


def test_bound_methods_compare_as_equinox_bound_methods_do():
    class B(eqbrain.Module):
        def f(self):
            pass

        def g(self):
            pass

    assert B() == B()
    assert B().f == B().f
    b = B()
    assert b.f == b.f and not (b.f == b.g)
    m1 = _Counter(a=1, v=Variable(jnp.zeros(2)))
    m2 = _Counter(a=2, v=Variable(jnp.zeros(2)))
    assert not (m1.f == m2.f)


# -- the constructor's signature, generic modules and dataclasses.replace -------------


_T = TypeVar("_T")


def test_a_generic_module_subscripted_at_construction_is_built():
    class Box(eqbrain.Module, Generic[_T]):
        v: Variable

    box = Box[int](v=Variable(jnp.zeros(1)))
    assert box.__orig_class__ == Box[int]  # type: ignore[attr-defined]
    assert list(box.vars(method="relative")) == ["v"]


class _D(eqbrain.Module):
    x: int = 1


def test_the_constructor_signature_shows_the_name_field_as_written():
    assert str(inspect.signature(_D)) == "(x: int = 1, *, name: str | None = None) -> None"
    assert str(inspect.signature(eqbrain.Module)) == "(*, name: str | None = None) -> None"


def test_replace_of_an_auto_named_module_takes_a_new_auto_name():
    d = _D(x=1)
    name = d.name
    e = dataclasses.replace(d, x=2)
    assert e.x == 2 and d.x == 1
    assert e.name != name and e.name.startswith("_D") and d.name == name
    assert object.__getattribute__(e, "__dict__")["name"] is None  # not explicit
    assert isinstance(name, str) and name == str(name)


def test_replace_of_an_explicitly_named_module_raises_naming_the_way_out():
    d = _D(x=1, name="dee_replaced")
    with pytest.raises(UniqueNameError, match="dataclasses.replace") as info:
        dataclasses.replace(d, x=2)
    assert "eqx.tree_at" in str(info.value)
    assert d.name == "dee_replaced" and d.x == 1
    e = eqx.tree_at(lambda m: m.x, d, 2)  # a copy keeps the name
    assert e.name == "dee_replaced" and e.x == 2
