"""eqbrain.scan / for_loop: Variables threaded through the carry, progress bar, errors."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jax.core import Tracer

import eqbrain
from eqbrain import MathError, Variable
from eqbrain._transforms import _lift as lift_module


class Leaky(eqbrain.Module):
    V: Variable
    n: Variable

    def __init__(self):
        super().__init__()
        self.V = Variable(jnp.zeros(2))
        self.n = Variable(jnp.zeros((), jnp.int32))

    def step(self, x):
        self.V.value = 0.5 * self.V.value + x
        self.n.value = self.n.value + 1
        return self.V.value


def _reference(xs):
    V, out = np.zeros(2), []
    for x in np.asarray(xs):
        V = 0.5 * V + x
        out.append(V)
    return np.stack(out)


def test_for_loop_stacks_outputs_and_writes_back():
    net = Leaky()
    xs = jnp.arange(10.0)
    ys = eqbrain.for_loop(net.step, xs)
    np.testing.assert_allclose(ys, _reference(xs), rtol=1e-6)
    np.testing.assert_allclose(net.V.value, _reference(xs)[-1], rtol=1e-6)
    assert int(net.n.value) == 10


def test_for_loop_tuple_operands_and_length():
    net = Leaky()
    ys = eqbrain.for_loop(lambda a, b: net.step(a * b), (jnp.ones(4), jnp.full(4, 2.0)))
    assert ys.shape == (4, 2)
    eqbrain.for_loop(lambda: net.step(1.0), length=3)
    assert int(net.n.value) == 7


def test_for_loop_inside_jit_never_retraces():
    net = Leaky()
    traces = []

    def run(xs):
        traces.append(1)
        return eqbrain.for_loop(net.step, xs)

    f = eqbrain.jit(run)
    f(jnp.ones(5))
    n = len(traces)
    f(jnp.zeros(5))
    assert len(traces) == n
    assert int(net.n.value) == 10


def test_scan_carry_and_variables():
    net = Leaky()

    def body(total, x):
        v = net.step(x)
        return total + v.sum(), v

    total, ys = eqbrain.scan(body, jnp.float32(0.0), jnp.arange(4.0))
    np.testing.assert_allclose(total, _reference(jnp.arange(4.0)).sum(), rtol=1e-6)
    assert ys.shape == (4, 2)
    assert int(net.n.value) == 4


def test_progress_bar(capsys):
    net = Leaky()
    eqbrain.for_loop(net.step, jnp.ones(250), progress_bar={"desc": "sim"})
    jax.effects_barrier()
    err = capsys.readouterr().err
    assert "sim" in err and "250/250" in err


def test_bad_operands_and_errors_change_nothing():
    net = Leaky()
    with pytest.raises(TypeError, match=r"must be arrays.*str"):
        eqbrain.for_loop(net.step, "abc")
    with pytest.raises(TypeError, match="must be arrays"):
        eqbrain.for_loop(net.step, [1.0, 2.0])
    with pytest.raises(ValueError, match="length="):
        eqbrain.for_loop(lambda: None)

    def bad(x):
        net.step(x)
        net.V.value = jnp.zeros(3)

    with pytest.raises(MathError, match="shape"):
        eqbrain.for_loop(bad, jnp.ones(3))
    with pytest.raises(TypeError, match="returned a Variable"):
        eqbrain.for_loop(lambda x: (net.step(x), net.V), jnp.ones(3))
    np.testing.assert_array_equal(net.V.value, np.zeros(2))
    assert int(net.n.value) == 0


def test_only_written_variables_are_carried():
    """Weights the body only reads stay loop constants, as in a hand-written scan."""
    w = Variable(jnp.ones((3, 3)))
    V = Variable(jnp.zeros(3))

    def body(x):
        V.value = w.value @ V.value + x
        return V.value

    run = eqbrain.jit(lambda xs: eqbrain.for_loop(body, xs))
    jaxpr = run.jaxpr(jnp.ones((4, 3)))
    (scan,) = [e for e in jaxpr.jaxpr.eqns if e.primitive.name == "scan"]
    carried = [v.aval.shape for v in scan.outvars[: scan.params["num_carry"]]]
    assert (3, 3) not in carried and (3,) in carried
    ys = run(jnp.ones((4, 3)))
    expected, v = [], np.zeros(3)
    for _ in range(4):
        v = np.ones((3, 3)) @ v + 1
        expected.append(v)
    np.testing.assert_allclose(ys, np.stack(expected))
    np.testing.assert_allclose(V.value, expected[-1])
    np.testing.assert_array_equal(w.value, np.ones((3, 3)))


@pytest.mark.parametrize("once", [True, False], ids=["traced-once", "discovered-first"])
def test_a_body_that_writes_what_it_only_read_before_is_refused(once, monkeypatch):
    # A body is traced once into the loop's step; where JAX cannot lift inputs it is
    # traced twice, and a second trace that writes what the first only read raises.
    if not once:
        monkeypatch.setattr(lift_module, "_usable", False)
    v = Variable(jnp.zeros(2))
    traces = []

    def body(x):
        traces.append(1)
        if len(traces) > 1:  # Python control flow that changes between traces
            v.value = v.value + x
        return v.value

    if once:
        np.testing.assert_array_equal(eqbrain.for_loop(body, jnp.ones((3, 2))), np.zeros((3, 2)))
        assert len(traces) == 1
    else:
        with pytest.raises(RuntimeError, match=r"the loop body wrote Variable .*only read"):
            eqbrain.for_loop(body, jnp.ones((3, 2)))
    np.testing.assert_array_equal(v.value, np.zeros(2))


def test_progress_bar_forms(capsys):
    net = Leaky()
    eqbrain.for_loop(net.step, jnp.ones(40), progress_bar=eqbrain.ProgressBar(desc="pb", freq=7))
    eqbrain.scan(lambda c, x: (c + net.step(x).sum(), None), 0.0, jnp.ones(30), progress_bar=10)
    jax.effects_barrier()
    err = capsys.readouterr().err
    assert "pb" in err and "40/40" in err and "30/30" in err
    assert int(net.n.value) == 70
    with pytest.raises(ValueError, match="`freq` or `count`, not both"):
        eqbrain.ProgressBar(freq=2, count=3)
    with pytest.raises(ValueError, match="`count` must be a positive int"):
        eqbrain.ProgressBar(count=0)
    with pytest.raises(TypeError, match="progress_bar takes True or False, a dict"):
        eqbrain.for_loop(net.step, jnp.ones(3), progress_bar=2.5)  # pyright: ignore[reportArgumentType]
    assert int(net.n.value) == 70


def test_reverse_and_eager_python_loop_agree_with_the_compiled_loop():
    xs = jnp.arange(1.0, 6.0)
    outs = {}
    for jit in (None, False):
        for reverse in (False, True):
            net = Leaky()
            outs[jit, reverse] = (eqbrain.for_loop(net.step, xs, reverse=reverse, jit=jit), net)
    for reverse in (False, True):
        (a, na), (b, nb) = outs[None, reverse], outs[False, reverse]
        np.testing.assert_allclose(a, b, rtol=1e-6)
        np.testing.assert_allclose(na.V.value, nb.V.value, rtol=1e-6)
    rev, _ = outs[None, True]
    np.testing.assert_allclose(rev[-1], [5.0, 5.0])  # the first step taken was xs[-1]


def test_for_loop_jit_false_runs_each_step_eagerly():
    net = Leaky()
    seen = []

    def body(x):
        seen.append(isinstance(x, Tracer))
        return net.step(x)

    eqbrain.for_loop(body, jnp.ones(4), jit=False)
    assert seen == [False] * 4 and int(net.n.value) == 4
    # inside a transform jit=False has no effect: the loop is traced
    eqbrain.jit(lambda xs: eqbrain.for_loop(body, xs, jit=False))(jnp.ones(4))
    assert int(net.n.value) == 8 and any(seen[4:])


def test_scan_remat_gives_the_same_gradient():
    w = eqbrain.TrainVar(jnp.full(2, 0.5))

    def loss(remat):
        def body(c, x):
            return jnp.tanh(c * w.value + x), c

        c, _ = eqbrain.scan(body, jnp.ones(2), jnp.ones((5, 2)), remat=remat)
        return jnp.sum(c)

    g1 = eqbrain.grad(lambda: loss(False), grad_vars=w)()
    g2 = eqbrain.grad(lambda: loss(True), grad_vars=w)()
    np.testing.assert_allclose(g1, g2, rtol=1e-6)


def test_operands_may_be_variables_read_as_values():
    xs = Variable(jnp.arange(3.0))
    net = Leaky()
    eqbrain.for_loop(net.step, xs)
    carry, _ = eqbrain.scan(lambda c, x: (c + x, c), Variable(jnp.zeros(())), xs)
    assert float(carry) == 3.0 and int(net.n.value) == 3
