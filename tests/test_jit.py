"""eqbrain.jit: in-place write-back, discovery, caching, shared cells, errors."""

import warnings
from typing import Any

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from jax.core import Tracer

import eqbrain
from eqbrain import MathError, TraceLeakError, TrainVar, Variable
from eqbrain._transforms import _lift as lift_module


class Net(eqbrain.Module):
    V: Variable
    w: TrainVar
    traces: list = eqx.field(static=True)

    def __init__(self, n=3):
        super().__init__()
        self.V = Variable(jnp.zeros(n))
        self.w = TrainVar(jnp.ones(n))
        self.traces = []

    def step(self, x):
        self.traces.append(1)
        self.V.value = self.V.value * 0.5 + self.w.value * x
        return self.V.value.sum()


class Tied(eqbrain.Module):
    a: Variable
    b: Variable

    def __init__(self):
        super().__init__()
        shared = Variable(jnp.zeros(2))
        self.a = shared
        self.b = shared


def test_bound_method_writes_back_in_place():
    net = Net()
    V = net.V
    step = eqbrain.jit(net.step)
    out = step(jnp.float32(2.0))
    np.testing.assert_allclose(out, 6.0)
    assert net.V is V  # never replaced
    np.testing.assert_allclose(net.V.value, [2.0, 2.0, 2.0])
    step(jnp.float32(2.0))
    np.testing.assert_allclose(net.V.value, [3.0, 3.0, 3.0])
    assert not isinstance(net.V.value, Tracer)


def test_closure_is_found_while_tracing():
    net = Net()
    f = eqbrain.jit(lambda: net.step(1.0))
    f()
    f()
    np.testing.assert_allclose(net.V.value, [1.5] * 3)


def test_module_argument_and_variable_argument():
    net = Net()

    @eqbrain.jit
    def f(model, x):
        return model.step(x)

    f(net, jnp.float32(1.0))
    np.testing.assert_allclose(net.V.value, [1.0] * 3)

    @eqbrain.jit
    def g(v, x):
        v.value = v.value + x

    v = Variable(jnp.zeros(2))
    g(v, jnp.ones(2))
    g(v, jnp.ones(2))
    np.testing.assert_allclose(v.value, [2.0, 2.0])


def test_never_retraces_when_only_values_change():
    net = Net()
    step = eqbrain.jit(net.step)
    step(jnp.float32(1.0))
    n = len(net.traces)
    assert n >= 1
    for x in range(5):
        net.V.value = jnp.full(3, float(x))  # changed from outside, too
        step(jnp.float32(x))
    assert len(net.traces) == n
    step(jnp.ones(3))  # new shape: traced again
    assert len(net.traces) > n


def test_outside_changes_are_seen():
    net = Net()
    step = eqbrain.jit(net.step)
    step(jnp.float32(0.0))
    net.V.value = jnp.full(3, 4.0)
    step(jnp.float32(0.0))
    np.testing.assert_allclose(net.V.value, [2.0] * 3)


def test_static_arguments_and_outputs():
    v = Variable(jnp.zeros(2))

    @eqbrain.jit
    def f(x, mode, scale=2.0):
        v.value = v.value + (x * scale if mode == "up" else -x)
        return {"mode": mode, "v": v.value}

    out = f(jnp.ones(2), "up")
    assert out["mode"] == "up"
    np.testing.assert_allclose(out["v"], [2.0, 2.0])
    f(jnp.ones(2), "down")
    np.testing.assert_allclose(v.value, [1.0, 1.0])


def test_shared_cell_is_one_input_and_stays_shared():
    m = Tied()

    @eqbrain.jit
    def f(model):
        assert model.a is model.b
        model.a.value = model.a.value + 1.0
        model.b.value = model.b.value + 1.0

    f(m)
    assert m.a is m.b
    np.testing.assert_allclose(m.a.value, [2.0, 2.0])
    jaxpr = eqbrain.jit(lambda: f(m)).jaxpr()
    assert len(jaxpr.jaxpr.invars) == 1 and len(jaxpr.jaxpr.outvars) == 1


def test_declared_states():
    v = Variable(jnp.zeros(2))
    f = eqbrain.jit(lambda: None, states=[v])
    f()
    np.testing.assert_allclose(v.value, [0.0, 0.0])
    with pytest.raises(TypeError, match="states="):
        eqbrain.jit(lambda: None, states=[1.0])  # pyright: ignore[reportArgumentType]
    eqbrain.jit(lambda: None, states=Net())()
    eqbrain.jit(lambda: None, states={"v": v})()


def test_jaxpr_equals_hand_written_jax():
    net = Net()
    step = eqbrain.jit(net.step)
    x = jnp.float32(1.0)

    def by_hand(state, dyn):
        (x,) = dyn
        V, w = state
        V = V * 0.5 + w * x
        return [V.sum()], [V]

    ours = step.jaxpr(x)
    theirs = jax.make_jaxpr(by_hand)([net.V.value, net.w.value], [x])
    assert str(ours) == str(theirs)


def test_nested_jit_and_method_decorator():
    class M(eqbrain.Module):
        v: Variable

        def __init__(self):
            super().__init__()
            self.v = Variable(jnp.zeros(()))

        @eqbrain.jit
        def inc(self):
            self.v.value = self.v.value + 1.0

    m = M()
    m.inc()
    outer = eqbrain.jit(lambda: (m.inc(), m.inc()))
    outer()
    np.testing.assert_allclose(m.v.value, 3.0)


# -- errors: type, message, nothing changed ------------------------------------------


def test_returning_a_variable_raises_and_changes_nothing():
    net = Net()
    f = eqbrain.jit(lambda: (net.step(1.0), net.V))
    with pytest.raises(TypeError, match=r"returned a Variable.*Return `v.value`"):
        f()
    np.testing.assert_array_equal(net.V.value, np.zeros(3))


def test_shape_change_raises_and_changes_nothing():
    net = Net()

    def bad():
        net.V.value = net.V.value + 1.0  # a first, valid write
        net.w.value = jnp.ones(4)

    with pytest.raises(MathError, match=r"shape of the original data is \(3,\)"):
        eqbrain.jit(bad)()
    np.testing.assert_array_equal(net.V.value, np.zeros(3))
    np.testing.assert_array_equal(net.w.value, np.ones(3))


def test_non_array_write_raises():
    v = Variable(jnp.zeros(2))

    def bad():
        v.value = v.value + 1
        v.value = "nope"  # pyright: ignore[reportAttributeAccessIssue]

    with pytest.raises(MathError, match="not an array"):
        eqbrain.jit(bad)()
    np.testing.assert_array_equal(v.value, np.zeros(2))


def test_unhashable_static_argument():
    with pytest.raises(TypeError, match="hashable"):
        eqbrain.jit(lambda d: None)({"k": {1}})  # a set: static but unhashable


def test_not_callable():
    with pytest.raises(TypeError, match="callable"):
        eqbrain.jit(3)  # pyright: ignore[reportArgumentType]


def test_runtime_error_inside_changes_nothing():
    net = Net()

    def bad():
        net.step(1.0)
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        eqbrain.jit(bad)()
    np.testing.assert_array_equal(net.V.value, np.zeros(3))


def test_plain_jit_inside_eqbrain_jit_leak_is_refused():
    v = Variable(jnp.zeros(2))

    def bad():
        v.value = v.value + 1.0

        @jax.jit
        def inner(x):
            v.value = x  # a tracer of the inner jax.jit: would leak
            return x

        inner(jnp.ones(2))

    with pytest.raises(TraceLeakError, match="plain JAX transform nested inside"):
        eqbrain.jit(bad)()
    np.testing.assert_array_equal(v.value, np.zeros(2))


def test_eqbrain_jit_inside_plain_jax_jit_is_refused():
    net = Net()
    step = eqbrain.jit(net.step)

    with pytest.raises(TraceLeakError, match="Net0.V|eqbrain.jit"):
        jax.jit(lambda x: step(x))(jnp.float32(1.0))
    np.testing.assert_array_equal(net.V.value, np.zeros(3))


def test_shape_dependent_discovery_asks_for_states():
    a = Variable(jnp.zeros(()))
    b = Variable(jnp.zeros(()))
    v = Variable(jnp.ones(1), batch_axis=0)

    def fn():
        (a if v.shape[0] == 1 else b).value = v.value.sum()

    f = eqbrain.jit(fn)
    f()
    v.value = jnp.ones(2)  # a new batch size: jax.jit retraces, touching `b` now
    with pytest.raises(RuntimeError, match="states="):
        f()
    assert float(b.value) == 0.0
    g = eqbrain.jit(fn, states=[a, b])
    g()
    assert float(b.value) == 2.0


_floats = st.floats(-100, 100, allow_nan=False, width=32)


@settings(max_examples=25, deadline=None)
@given(st.lists(_floats, min_size=3, max_size=3), st.lists(_floats, min_size=3, max_size=3))
def test_jit_matches_eager_for_any_values(v0, xs):
    """Property: an eqbrain.jit step writes back exactly what the eager step writes."""
    eager, compiled = Net(), Net()
    for net in (eager, compiled):
        net.V.value = jnp.asarray(v0, jnp.float32)
    step = _STEPS.setdefault("step", eqbrain.jit(lambda net, x: net.step(x)))
    for x in xs:
        out_e = eager.step(jnp.float32(x))
        out_c = step(compiled, jnp.float32(x))
        np.testing.assert_allclose(out_c, out_e, rtol=1e-5, atol=1e-3)
    np.testing.assert_allclose(compiled.V.value, eager.V.value, rtol=1e-5, atol=1e-4)


_STEPS: dict = {}


# -- arguments: Python scalars, static and donated arguments, BrainPy's dyn_vars ----------


def test_python_scalars_are_traced_and_compile_once_per_type():
    v = Variable(jnp.zeros(2))
    traces = []

    @eqbrain.jit
    def f(x, scale):
        traces.append(isinstance(scale, Tracer))
        v.value = v.value + x * scale
        return v.value

    for i in range(20):
        f(jnp.ones(2), 0.5 + i)  # twenty floats: one compilation
    assert len(f._cache) == 1 and traces == [True]  # traced once
    np.testing.assert_allclose(v.value, np.full(2, sum(0.5 + i for i in range(20))))
    f(jnp.ones(2), 3)  # an int: its own (weakly typed int32) entry, once
    f(jnp.ones(2), 4)
    assert len(f._cache) == 2
    out = f(jnp.ones(2), True)
    assert len(f._cache) == 3 and out.dtype == jnp.float32


def test_weak_scalar_keeps_the_variable_dtype():
    v = Variable(jnp.zeros(2, jnp.float16))
    eqbrain.jit(lambda s: v.update(v.value + s))(1.5)  # weakly typed: float16 stays
    assert v.dtype == jnp.float16 and float(v.value[0]) == 1.5


def test_a_traced_scalar_in_python_control_flow_asks_for_static():
    f = eqbrain.jit(lambda x, flag: x if flag else -x)
    with pytest.raises(jax.errors.TracerBoolConversionError):
        f(jnp.ones(2), True)
    g = eqbrain.jit(lambda x, flag: x if flag else -x, static_argnums=1)
    np.testing.assert_array_equal(g(jnp.ones(2), False), [-1.0, -1.0])


def test_static_argnums_and_argnames_follow_jax():
    seen = []

    def f(x, n, mode: str | float = "a"):
        seen.append((isinstance(n, Tracer), isinstance(mode, Tracer)))
        return x * n

    g = eqbrain.jit(f, static_argnames="n")
    g(jnp.ones(2), 2)  # positional, but named static: completed from the signature
    g(jnp.ones(2), n=3)
    assert all(s == (False, False) for s in seen)
    assert g._static_nums == (1,) and "n" in g._static_names
    h = eqbrain.jit(f, static_argnums=-1)  # negative: counts from the end of the call
    seen.clear()
    h(jnp.ones(2), 2.0, 5.0)
    assert seen[-1] == (True, False)
    k = eqbrain.jit(f, static_argnums=(1,))
    assert k(jnp.ones(2), 2).shape == (2,) and len(k._cache) == 1
    k(jnp.ones(2), 3)  # a new static value compiles again, as in jax.jit
    assert len(k._cache) == 2


def test_static_arguments_are_checked_at_construction():
    def f(x, c):
        return x

    with pytest.raises(ValueError, match=r"static_argnames names \['d'\]"):
        eqbrain.jit(f, static_argnames="d")
    with pytest.raises(ValueError, match="takes only 2 positional arguments"):
        eqbrain.jit(f, static_argnums=2)
    with pytest.raises(ValueError, match="both static and donated"):
        eqbrain.jit(f, static_argnums=0, donate_argnums=0)
    with pytest.raises(ValueError, match="an int or a sequence of ints"):
        eqbrain.jit(f, static_argnums="x")  # pyright: ignore[reportArgumentType]
    eqbrain.jit(lambda *a, **k: None, static_argnums=5, static_argnames="anything")


def test_unhashable_static_argument_is_value_error():
    f = eqbrain.jit(lambda x, c: x, static_argnums=1)
    with pytest.raises(ValueError, match=r"must be\s+hashable.*list"):
        f(jnp.ones(2), [1, 2])
    assert len(f._cache) == 0
    np.testing.assert_array_equal(f(jnp.ones(2), (1, 2)), [1.0, 1.0])


def test_static_module_argument_is_hashed_whole():
    # A static argument is not looked into: its Variables are found as closures are.
    class Plain:
        def __init__(self):
            self.v = Variable(jnp.zeros(2))

    p = Plain()
    f = eqbrain.jit(lambda obj, x: obj.v.update(obj.v.value + x), static_argnums=0)
    f(p, jnp.ones(2))
    f(p, jnp.ones(2))
    np.testing.assert_array_equal(p.v.value, [2.0, 2.0])
    assert len(f._cache) == 1


def test_donate_argnums_donates_only_those_arguments():
    v = Variable(jnp.zeros(3))

    def step(x, y, scale=1.0):
        v.value = v.value + x * scale
        return x + y

    f = eqbrain.jit(step, donate_argnums=0)
    x, y = jnp.ones(3), jnp.full(3, 2.0)
    lowered = f.lower(x, y)
    donated = [a.donated for a in jax.tree.leaves(lowered.args_info)]
    # inputs: the Variable's value, then kept (y, and scale when given) and donated (x)
    assert donated == [False, False, True]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the CPU backend may not reuse the buffer
        out = f(x, y)
    np.testing.assert_array_equal(out, [3.0, 3.0, 3.0])
    np.testing.assert_array_equal(v.value, [1.0, 1.0, 1.0])
    np.testing.assert_array_equal(y, [2.0, 2.0, 2.0])
    g = eqbrain.jit(step, donate_argnames="y")
    assert [a.donated for a in jax.tree.leaves(g.lower(x, y=y).args_info)] == [False, False, True]


def test_dyn_vars_and_child_objs_warn_at_construction_and_are_managed():
    net = Net()
    with pytest.warns(DeprecationWarning, match="`dyn_vars=` is not needed"):
        f = eqbrain.jit(lambda: None, dyn_vars=net.vars())
    assert len(f._declared) == 2
    with pytest.warns(DeprecationWarning, match="`child_objs=` is not needed"):
        g = eqbrain.jit(lambda: None, child_objs=net)
    assert {id(v) for v in g._declared} == {id(net.V), id(net.w)}
    with pytest.raises(TypeError, match="states="):
        with pytest.warns(DeprecationWarning):
            eqbrain.jit(lambda: None, dyn_vars=[1.0])  # pyright: ignore[reportArgumentType]


def test_nested_transform_feeds_read_only_variables_instead_of_baking_them():
    # A Variable only read inside eqbrain.grad / for_loop / cond within eqbrain.jit is an
    # input of the compiled function: a later change from outside is seen.
    w = TrainVar(jnp.ones(2))
    c = Variable(jnp.ones(2))
    g = eqbrain.jit(eqbrain.grad(lambda: jnp.sum(w.value**2 * c.value), grad_vars=[w]))
    np.testing.assert_allclose(g()[0], [2.0, 2.0])
    w.value = jnp.full(2, 5.0)
    c.value = jnp.full(2, 3.0)
    np.testing.assert_allclose(g()[0], [30.0, 30.0])
    acc = Variable(jnp.zeros(2))

    def body(x):
        acc.value = acc.value + c.value * x
        return acc.value

    loop = eqbrain.jit(lambda xs: eqbrain.for_loop(body, xs))
    loop(jnp.ones(2))
    c.value = jnp.full(2, 10.0)
    loop(jnp.ones(2))
    np.testing.assert_allclose(acc.value, [26.0, 26.0])
    pick = eqbrain.jit(lambda p: eqbrain.cond(p, lambda: c.value, lambda: -c.value))
    np.testing.assert_allclose(pick(True), [10.0, 10.0])
    c.value = jnp.full(2, 7.0)
    np.testing.assert_allclose(pick(False), [-7.0, -7.0])


def test_cls_jit_numbers_skip_self():
    class M(eqbrain.Module):
        v: Variable

        def __init__(self):
            super().__init__()
            self.v = Variable(jnp.zeros(2))

        @eqbrain.cls_jit(static_argnums=0)
        def add(self, times, x):
            for _ in range(times):  # `times` is static: a Python int
                self.v.value = self.v.value + x

    m = M()
    m.add(3, jnp.ones(2))
    np.testing.assert_array_equal(m.v.value, [3.0, 3.0])


# -- containers changed after compilation ------------------------------------------------


class Bag(eqbrain.Module):
    vl: eqbrain.VarList
    vd: eqbrain.VarDict
    traces: list = eqx.field(static=True)

    def __init__(self):
        super().__init__()
        self.vl = eqbrain.VarList([Variable(jnp.zeros(()))])
        self.vd = eqbrain.VarDict(a=Variable(jnp.zeros(())))
        self.traces = []

    def step(self):
        self.traces.append(1)
        for v in [*self.vl, *self.vd.values()]:
            v.value = v.value + 1
        return [v.value for v in self.vl], {k: v.value for k, v in self.vd.items()}


def test_a_variable_appended_after_compilation_is_written_and_returned():
    # Eager: [3, 2]. A compiled step that kept its first Variables gave [3, 0] and a
    # one-element return value.
    bag = Bag()
    step = eqbrain.jit(bag.step)
    step()
    bag.vl.append(Variable(jnp.zeros(())))
    listed, _ = step()
    assert [float(x) for x in listed] == [2.0, 1.0]
    step()
    assert [float(v.value) for v in bag.vl] == [3.0, 2.0]


def test_a_new_key_in_a_var_dict_after_compilation_is_written_and_returned():
    bag = Bag()
    step = eqbrain.jit(bag.step)
    step()
    bag.vd["b"] = Variable(jnp.zeros(()))
    _, named = step()
    assert {k: float(x) for k, x in named.items()} == {"a": 2.0, "b": 1.0}
    assert float(bag.vd["b"].value) == 1.0


def test_removed_and_reordered_entries_recompile():
    bag = Bag()
    bag.vl.append(Variable(jnp.full((), 10.0)))
    step = eqbrain.jit(bag.step)
    step()
    first = bag.vl.pop(0)
    listed, _ = step()
    assert [float(x) for x in listed] == [12.0] and float(first.value) == 1.0
    bag.vl.append(first)
    bag.vl.reverse()
    listed, _ = step()
    assert [float(x) for x in listed] == [2.0, 13.0]


def test_a_module_appended_to_a_node_list_after_compilation_is_updated():
    class Stack(eqbrain.Module):
        nets: eqbrain.NodeList

        def __init__(self):
            super().__init__()
            self.nets = eqbrain.NodeList([Net(2)])

        def step(self, x):
            return sum(n.step(x) for n in self.nets)

    s = Stack()
    step = eqbrain.jit(s.step)
    step(1.0)
    s.nets.append(Net(2))
    step(1.0)
    np.testing.assert_allclose(s.nets[1].V.value, [1.0, 1.0])


def test_an_unrelated_container_change_looks_again_but_does_not_recompile():
    bag = Bag()
    step = eqbrain.jit(bag.step)
    step()
    traced = len(bag.traces)  # discovery + compilation
    eqbrain.VarList([Variable(jnp.zeros(()))]).append(Variable(jnp.ones(())))
    step()
    assert len(bag.traces) == traced + 1  # one abstract look, no compilation
    step()
    assert len(bag.traces) == traced + 1
    assert float(bag.vl[0].value) == 3.0


@pytest.mark.parametrize("once", [True, False], ids=["traced-once", "discovered-first"])
def test_a_retrace_that_learns_something_else_raises_and_changes_no_entry(once, monkeypatch):
    # JAX may trace the function again (here its caches are cleared). The cache entry
    # is built from the first trace and never written from inside a trace: a function
    # traced once into a jaxpr compiles that jaxpr again; one traced twice (where JAX
    # cannot lift inputs) is traced again, and a retrace that returns another
    # structure raises instead of changing what calls return.
    if not once:
        monkeypatch.setattr(lift_module, "_usable", False)
    mode = ["dict"]

    @eqbrain.jit
    def f(x) -> Any:  # one structure or another
        return {"y": x} if mode[0] == "dict" else (x, x, "tag")

    assert f(jnp.ones(2))["y"].shape == (2,)
    mode[0] = "tuple"
    jax.clear_caches()
    if once:
        assert f(jnp.ones(2))["y"].shape == (2,)
    else:
        with pytest.raises(RuntimeError, match="traced the function again"):
            f(jnp.ones(2))
    mode[0] = "dict"
    assert f(jnp.ones(2))["y"].shape == (2,)


# -- one trace: Variables become inputs when first touched -------------------------------


@pytest.mark.parametrize("once", [True, False], ids=["traced-once", "discovered-first"])
def test_variables_first_touched_anywhere_are_inputs_not_constants(once, monkeypatch):
    # Reached through `self`, in a nested eqbrain loop, and in a plain JAX loop: each
    # is an input of the compiled function, so a change made outside is seen. Where JAX
    # cannot lift inputs, the function is traced twice (discovery, then compilation).
    if not once:
        monkeypatch.setattr(lift_module, "_usable", False)
    net = Net()
    acc, c, d = Variable(jnp.zeros(3)), Variable(jnp.ones(3)), Variable(jnp.ones(()))

    def body(y):
        acc.value = acc.value + c.value * y  # `c` first touched here

    def fn(x):
        out = net.step(x)
        eqbrain.for_loop(body, jnp.ones(2))
        total = jax.lax.fori_loop(0, 2, lambda i, s: s + d.value, 0.0)  # `d` only here
        return out, total

    f = eqbrain.jit(fn)
    f(1.0)
    c.value, d.value, net.w.value = jnp.full(3, 2.0), jnp.float32(5.0), jnp.full(3, 3.0)
    out, total = f(1.0)
    assert len(net.traces) == (1 if once else 2)
    np.testing.assert_allclose(net.V.value, [0.5 + 3.0] * 3)
    np.testing.assert_allclose(out, 3 * 3.5)
    np.testing.assert_allclose(acc.value, [2.0 + 4.0] * 3)
    np.testing.assert_allclose(total, 10.0)
    assert not any(isinstance(v.value, Tracer) for v in (acc, c, d, net.V, net.w))


def test_two_variables_holding_one_array_are_two_inputs():
    z = jnp.zeros(2)
    a, b = Variable(z), Variable(z)

    @eqbrain.jit
    def f():
        a.value = a.value + 1
        return b.value

    f()
    np.testing.assert_array_equal(f(), [0.0, 0.0])
    np.testing.assert_array_equal(a.value, [2.0, 2.0])


def test_a_variable_of_new_shape_traces_the_python_again():
    v = Variable(jnp.ones(2), batch_axis=0)
    f = eqbrain.jit(lambda: v.value.sum() * v.shape[0])
    assert float(f()) == 4.0
    v.value = jnp.ones(3)  # the jaxpr was traced for 2: the function is traced again
    assert float(f()) == 9.0


def test_disable_jit_runs_the_python_with_values():
    net = Net()
    seen = []

    def fn(x):
        seen.append(isinstance(net.V.value, Tracer))
        return net.step(x)

    with jax.disable_jit():
        eqbrain.jit(fn)(jnp.float32(1.0))
    assert seen[-1] is False
    np.testing.assert_allclose(net.V.value, [1.0] * 3)
