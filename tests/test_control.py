"""eqbrain.cond / ifelse / while_loop: Variables written in branches and bodies are carried
and written back, eagerly and inside every transform; errors change nothing."""

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jax import lax

import eqbrain
from eqbrain import MathError, TraceLeakError, Variable


class Counter(eqbrain.Module):
    n: Variable
    total: Variable
    w: Variable

    def __init__(self):
        super().__init__()
        self.n = Variable(jnp.zeros((), jnp.int32))
        self.total = Variable(jnp.zeros(2))
        self.w = Variable(jnp.ones(2))

    def add(self, x):
        self.n.value = self.n.value + 1
        self.total.value = self.total.value + self.w.value * x


def test_cond_writes_only_in_the_branch_taken():
    c = Counter()
    eqbrain.cond(True, c.add, lambda x: None, 2.0)
    eqbrain.cond(False, c.add, lambda x: None, 2.0)
    assert int(c.n.value) == 1
    np.testing.assert_array_equal(c.total.value, [2.0, 2.0])


def test_only_written_variables_are_carried_read_ones_are_closed_over():
    c = Counter()
    step = eqbrain.jit(lambda p, x: eqbrain.cond(p, c.add, lambda x: None, x))
    jaxpr = step.jaxpr(True, 1.0)
    (cond,) = [e for e in jaxpr.jaxpr.eqns if e.primitive.name == "cond"]
    out_shapes = [v.aval.shape for v in cond.outvars]
    assert sorted(out_shapes) == [(), (2,)]  # n and total; w is only read
    step(True, 1.0)
    c.w.value = jnp.full(2, 3.0)  # a read Variable changed from outside is seen
    step(True, 1.0)
    np.testing.assert_array_equal(c.total.value, [4.0, 4.0])
    assert int(c.n.value) == 2


def test_cond_and_while_inside_grad_and_for_loop():
    c = Counter()

    def loss(x):
        eqbrain.cond(x > 0, c.add, lambda x: None, x)
        return jnp.sum(c.total.value**2)

    g = eqbrain.grad(loss)(1.0)
    assert float(g) == pytest.approx(4.0)  # d/dx sum((w x)^2) at x=1
    assert int(c.n.value) == 1

    def body(x):
        eqbrain.while_loop(lambda: c.add(x), lambda: c.n.value < 5, ())
        return c.n.value

    ns = eqbrain.for_loop(body, jnp.ones(3))
    np.testing.assert_array_equal(ns, [5, 5, 5])


def test_ifelse_writes_in_the_first_branch_whose_condition_holds():
    c = Counter()

    def pick(a):
        return eqbrain.ifelse([a > 10, a > 0], [lambda: (c.add(1.0), 1)[1], lambda: 2, lambda: 3])

    assert int(pick(11)) == 1 and int(pick(5)) == 2 and int(pick(-1)) == 3
    assert int(c.n.value) == 1
    f = eqbrain.jit(pick)
    assert [int(f(x)) for x in (20, 3, -4, 12)] == [1, 2, 3, 1]
    assert int(c.n.value) == 3


def test_while_loop_carries_written_variables_and_returns_the_operands():
    c = Counter()

    def body(i):
        c.add(1.0)
        return i + 1

    out = eqbrain.while_loop(body, lambda i: i < 4, 0)
    assert isinstance(out, tuple) and int(out[0]) == 4
    assert int(c.n.value) == 4
    out = eqbrain.jit(lambda k: eqbrain.while_loop(body, lambda i: i < k, 0))(7)
    assert int(out[0]) == 7 and int(c.n.value) == 11


def test_functional_style_inside_filter_jit():
    @eqx.filter_jit
    def step(model, p):
        eqbrain.cond(p, model.add, lambda x: None, 1.0)
        return model

    c = Counter()
    new = step(c, True)
    assert int(new.n.value) == 1 and int(c.n.value) == 0  # the old model is untouched


def test_inside_plain_jax_jit_the_write_is_refused():
    c = Counter()
    with pytest.raises(TraceLeakError, match="Counter"):
        jax.jit(lambda p: eqbrain.cond(p, c.add, lambda x: None, 1.0))(True)
    assert int(c.n.value) == 0


def test_vmap_over_ifelse_without_writes():
    f = jax.vmap(lambda a: eqbrain.ifelse([a > 0], [lambda: a * 2, lambda: -a]))
    np.testing.assert_array_equal(f(jnp.array([-1.0, 2.0])), [1.0, 4.0])


@pytest.mark.parametrize(
    "inner",
    [
        lambda c, p: lax.cond(p, lambda: c.add(1.0), lambda: None),
        lambda c, p: lax.switch(p.astype(int), [lambda: c.add(1.0), lambda: None]),
        lambda c, p: lax.while_loop(lambda i: i < 2, lambda i: (c.add(1.0), i + 1)[1], 0),
    ],
    ids=["cond", "switch", "while_loop"],
)
def test_plain_lax_control_flow_inside_eqbrain_jit_advises_eqbrain_control_flow(inner):
    c = Counter()
    with pytest.raises(TraceLeakError) as info:
        eqbrain.jit(lambda p: inner(c, p))(True)
    msg = str(info.value)
    assert "nested inside" in msg and "eqbrain.cond" in msg and "eqbrain.while_loop" in msg
    assert "eqx.filter_jit(step)(model)" not in msg
    assert int(c.n.value) == 0


# -- errors: type, message, nothing changed ---------------------------------------------------


def test_condition_that_writes_is_refused():
    c = Counter()

    def cond(i):
        c.add(1.0)
        return i < 3

    with pytest.raises(ValueError, match=r"cond_fun must not write Variables.*Counter"):
        eqbrain.while_loop(lambda i: i + 1, cond, 0)
    assert int(c.n.value) == 0


def test_body_returning_the_wrong_operands():
    with pytest.raises(TypeError, match="must return the 2 operands"):
        eqbrain.while_loop(lambda x, y: x + 1, lambda x, y: x < 3, (0, 0))


def test_ifelse_branch_count_and_condition_shape():
    with pytest.raises(ValueError, match="got 4 branches for 2 conditions"):
        eqbrain.ifelse([True, False], [1, 2, 3, 4])
    with pytest.raises(ValueError, match="condition 0 has shape \\(2,\\)"):
        eqbrain.ifelse([jnp.array([True, False])], [1, 2])


def test_a_bad_write_in_a_branch_changes_nothing():
    c = Counter()

    def bad():
        c.add(1.0)
        c.total.value = jnp.zeros(3)

    with pytest.raises(MathError, match="shape"):
        eqbrain.cond(True, bad, lambda: None)
    assert int(c.n.value) == 0
    np.testing.assert_array_equal(c.total.value, [0.0, 0.0])


def test_returning_a_variable_from_a_branch():
    c = Counter()
    with pytest.raises(TypeError, match="returned a Variable"):
        eqbrain.cond(True, lambda: c.total, lambda: c.total)


def test_a_branch_that_writes_what_discovery_did_not_see_is_refused():
    c = Counter()
    traces = []

    def branch():
        traces.append(1)
        if len(traces) > 1:  # Python control flow that changes between traces
            c.add(1.0)
        return c.n.value

    with pytest.raises(RuntimeError, match="no branch wrote when their Variables"):
        eqbrain.cond(True, branch, lambda: c.n.value)
    assert int(c.n.value) == 0
