"""Parity with BrainPy 2.8's `brainpy/math/object_transform/controls_test.py`.

All 43 cases: `for_loop` (eager or inside `jit`, with a jitted body, unrolled; progress
bars given as `True`, an int or a `ProgressBar`; `jit=False` and its zero-length
fallback; a `DynamicalSystem.step_run` body), `scan` (eager, inside `jit`, under
`jax.disable_jit()`, with progress bars), `cond` (callable and constant branches,
branches that write Variables), `ifelse` (callable and constant branches, a branch that
writes a Variable, `vmap`, `grad`, scalar conditions) and `while_loop` (Variables written
by the body and read by the condition, under `jax.disable_jit()`, a condition that
writes refused inside `jit`). BrainPy's `bm.random` becomes `jax.random` with keys (a
key held in a Variable where BrainPy's global random state is written).

Listed in `docs/migrating.md`: `progress_bar={}` -- BrainPy refuses a dict, eqbrain
takes a dict of tqdm keyword arguments (an empty one is the default bar).
"""

import functools
import warnings

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import eqbrain
from eqbrain import ProgressBar, Variable

# -- for_loop -----------------------------------------------------------------------------


@pytest.mark.parametrize("unroll", [1, 2])
@pytest.mark.parametrize("jit_f", [False, True])
@pytest.mark.parametrize("jit_scan", [False, True])
def test_for_loop(jit_scan, jit_f, unroll):
    k1, k2, k3 = jax.random.split(jax.random.key(123), 3)
    c = Variable(jax.random.normal(k1, (4,)))
    d = jax.random.normal(k2, (2,))
    all_a = jax.random.normal(k3, (5, 3))
    c0 = np.asarray(c.value)

    def f(a):
        assert a.shape == (3,) and c.shape == (4,)
        b = jnp.cos(jnp.sum(jnp.sin(a)) + jnp.sum(jnp.cos(c.value)) + jnp.sum(jnp.tan(d)))
        c.value = jnp.sin(c.value * b)
        assert b.shape == ()
        return b

    if jit_f:
        f = eqbrain.jit(f)
    loop = functools.partial(eqbrain.for_loop, f, unroll=unroll)
    if jit_scan:
        loop = eqbrain.jit(loop)
    ans = loop(operands=all_a)

    expected_c, expected = c0, []
    for a in np.asarray(all_a):
        b = np.cos(np.sin(a).sum() + np.cos(expected_c).sum() + np.tan(np.asarray(d)).sum())
        expected_c = np.sin(expected_c * b)
        expected.append(b)
    np.testing.assert_allclose(ans, expected, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(c.value, expected_c, rtol=1e-4, atol=1e-5)


def test_for_loop_progress_bar():
    xs = jnp.arange(100)
    np.testing.assert_array_equal(eqbrain.for_loop(lambda a: a, xs, progress_bar=True), xs)


def test_for_loop_progress_bar_custom():
    xs = jnp.arange(100)
    for bar in [ProgressBar(freq=10), ProgressBar(desc="Custom progress"), ProgressBar(count=5)]:
        np.testing.assert_array_equal(eqbrain.for_loop(lambda a: a, xs, progress_bar=bar), xs)


def test_for_loop_progress_bar_int():
    xs = jnp.arange(50)
    np.testing.assert_array_equal(eqbrain.for_loop(lambda a: a, xs, progress_bar=10), xs)


def test_for_loop_progress_bar_backward_compat():
    xs = jnp.arange(20)
    for bar in (False, True):
        np.testing.assert_array_equal(eqbrain.for_loop(lambda a: a, xs, progress_bar=bar), xs)


def test_for_loop_progress_bar_invalid_type():
    xs = jnp.arange(10)
    with pytest.raises(TypeError, match="progress_bar takes True or False.*; got "):
        eqbrain.for_loop(lambda a: a, xs, progress_bar="invalid")  # pyright: ignore[reportArgumentType]
    # The difference: a dict is tqdm's keyword arguments (an empty one: the default bar).
    np.testing.assert_array_equal(eqbrain.for_loop(lambda a: a, xs, progress_bar={}), xs)


def test_for_loop_progress_bar_with_jit_false():
    xs = jnp.arange(20)
    bar = ProgressBar(freq=5)
    np.testing.assert_array_equal(
        eqbrain.for_loop(lambda a: a, xs, progress_bar=bar, jit=False), xs
    )
    np.testing.assert_array_equal(
        eqbrain.for_loop(lambda a: a, xs, progress_bar=True, jit=False), xs
    )


def test_for_loop2():
    class MyClass(eqbrain.DynamicalSystem):
        a: Variable

        def __init__(self):
            super().__init__()
            self.a = Variable(jnp.zeros(1))

        def update(self):
            self.a += 1

    cls = MyClass()
    eqbrain.for_loop(cls.step_run, jnp.arange(10))
    np.testing.assert_allclose(cls.a.value, [10.0])


def test_for_loop_jit_false():
    a = Variable(jnp.zeros(1))
    calls = []

    def body(x):
        calls.append(1)  # a side effect at every step: the body runs eagerly
        a.value += x
        return a.value

    eqbrain.for_loop(body, operands=jnp.arange(3), jit=False)
    assert len(calls) == 3
    np.testing.assert_allclose(a.value, [3.0])


def test_for_loop_jit_default():
    a = Variable(jnp.zeros(1))

    def body(x):
        a.value += x
        return a.value

    result = eqbrain.for_loop(body, operands=jnp.arange(3))
    np.testing.assert_allclose(a.value, [3.0])
    np.testing.assert_allclose(result, [[0.0], [1.0], [3.0]])


def test_for_loop_jit_false_zero_length():
    a = Variable(jnp.zeros(1))

    def body(x):
        a.value += x
        return a.value

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = eqbrain.for_loop(body, operands=jnp.arange(0), jit=False)
    assert any("zero-length operands" in str(w.message) for w in caught)
    assert result.shape == (0, 1)
    np.testing.assert_allclose(a.value, [0.0])


# -- scan ---------------------------------------------------------------------------------


def _counting_body(a):
    def f(carry, x):
        carry += x
        a.value += 1.0
        return carry, a.value

    return f


def _check_scan(carry, outs):
    np.testing.assert_allclose(carry, [45.0, 45.0])
    np.testing.assert_allclose(outs, np.arange(1, 11, dtype=np.float32)[:, None])


def test_scan1():
    a = Variable(1)  # an int is a size, as in BrainPy: zeros(1)
    _check_scan(*eqbrain.scan(_counting_body(a), jnp.zeros(2), jnp.arange(10)))
    np.testing.assert_allclose(a.value, [10.0])


def test_scan2():
    a = Variable(1)

    @eqbrain.jit
    def outer(carry, x):
        return eqbrain.scan(_counting_body(a), carry, x, unroll=2)

    _check_scan(*outer(jnp.zeros(2), jnp.arange(10)))


def test_scan_disable_jit():
    def cumsum(res, el):
        res = res + el
        return res, res

    a = jnp.array([1, 2, 3, 5, 7, 11, 13, 17])
    with jax.disable_jit():
        final, result = jax.lax.scan(cumsum, 0, a)
        final2, result2 = eqbrain.scan(cumsum, 0, a)
    assert int(final2) == int(final) == 59
    np.testing.assert_array_equal(result2, result)


def test_scan_array_aware():
    def cumsum(res, el):
        res = jnp.asarray(res + el)
        return res, res

    with jax.disable_jit():
        final, _ = eqbrain.scan(cumsum, 0, jnp.array([1, 2, 3, 5, 7, 11, 13, 17]))
    assert int(final) == 59


def test_scan_progress_bar_custom():
    a = Variable(1)
    _check_scan(
        *eqbrain.scan(
            _counting_body(a), jnp.zeros(2), jnp.arange(10), progress_bar=ProgressBar(freq=2)
        )
    )


def test_scan_progress_bar_int():
    a = Variable(1)
    carry, _ = eqbrain.scan(_counting_body(a), jnp.zeros(2), jnp.arange(10), progress_bar=5)
    np.testing.assert_allclose(carry, [45.0, 45.0])


def test_scan_progress_bar_backward_compat():
    a = Variable(1)
    carry, _ = eqbrain.scan(_counting_body(a), jnp.zeros(2), jnp.arange(10), progress_bar=True)
    np.testing.assert_allclose(carry, [45.0, 45.0])
    a.value = jnp.asarray([1.0])
    carry, _ = eqbrain.scan(_counting_body(a), jnp.zeros(2), jnp.arange(10), progress_bar=False)
    np.testing.assert_allclose(carry, [45.0, 45.0])
    np.testing.assert_allclose(a.value, [11.0])


def test_scan_progress_bar_invalid_type():
    with pytest.raises(TypeError, match="progress_bar takes True or False.*; got "):
        eqbrain.scan(lambda c, x: (c + x, c), 0, jnp.arange(10), progress_bar=[1, 2, 3])  # pyright: ignore[reportArgumentType]


# -- cond ---------------------------------------------------------------------------------


def test_cond1():
    key = Variable(jax.random.PRNGKey(1))

    def draw():
        k, sub = jax.random.split(key.value)
        key.value = k
        return jax.random.uniform(sub, (10,))

    first = np.asarray(key.value)
    x = eqbrain.cond(True, draw, draw, ())
    y = eqbrain.cond(False, draw, draw, ())
    assert x.shape == y.shape == (10,) and not np.array_equal(x, y)
    assert not np.array_equal(key.value, first)


def test_cond_with_constant_branches():
    assert float(eqbrain.cond(True, 1.0, 2.0)) == 1.0
    assert float(eqbrain.cond(False, 1.0, 2.0)) == 2.0


def test_cond_with_array_branches():
    yes, no = jnp.asarray([1.0, 2.0]), jnp.asarray([3.0, 4.0])
    np.testing.assert_array_equal(eqbrain.cond(True, yes, no), yes)
    np.testing.assert_array_equal(eqbrain.cond(False, yes, no), no)


def test_cond_callable_branches_write_variables():
    a = Variable(jnp.zeros(2))

    def true_f(op):
        a.value += op

    def false_f(op):
        a.value -= op

    eqbrain.cond(True, true_f, false_f, 5.0)
    np.testing.assert_array_equal(a.value, [5.0, 5.0])


# -- ifelse -------------------------------------------------------------------------------


def test_ifelse1():
    def f(a):
        return eqbrain.ifelse(
            conditions=[a < 0, a < 2, a < 5, a < 10, a < 20],
            branches=[lambda: 1, lambda: 2, lambda: 3, lambda: 4, lambda: 5],
        )

    assert f(3) == 3 and f(1) == 2 and f(-1) == 1


def test_ifelse2():
    def f(a):
        return eqbrain.ifelse(
            conditions=[a > 10, a > 5, a > 2, a > 0, a > -1], branches=[1, 2, 3, 4, 5]
        )

    assert f(3) == 3 and f(1) == 4 and f(-1) == 5


def test_ifelse_branch_writes_a_variable():
    var_a = Variable(jnp.zeros(1))

    def f(a):
        def f1():
            var_a.value += 1
            return 1

        return eqbrain.ifelse(
            conditions=[a > 10, a > 5, a > 2, a > 0, a > -1],
            branches=[f1, lambda: 2, lambda: 3, lambda: 4, lambda: 5],
        )

    assert f(11) == 1
    np.testing.assert_array_equal(var_a.value, [1.0])
    assert f(1) == 4 and f(-1) == 5
    np.testing.assert_array_equal(var_a.value, [1.0])


def test_ifelse_vmap():
    def f(operands):
        g = lambda a: eqbrain.ifelse(  # noqa: E731
            conditions=[a > 10, a > 5, a > 2, a > 0],
            branches=[lambda _: 1, lambda _: 2, lambda _: 3, lambda _: 4, lambda _: 5],
            operands=a,
        )
        return jax.vmap(g)(operands)

    xs = jax.random.randint(jax.random.key(0), (200,), -20, 20)
    r = f(xs)
    assert r.size == 200
    expected = np.select([xs > 10, xs > 5, xs > 2, xs > 0], [1, 2, 3, 4], 5)
    np.testing.assert_array_equal(r, expected)


def test_ifelse_vmap2():
    g = lambda a: eqbrain.ifelse(  # noqa: E731
        conditions=[a > 10, a > 5, a > 2, a > 0], branches=[1, 2, 3, 4, lambda _: 5], operands=a
    )
    assert jax.vmap(g)(jax.random.randint(jax.random.key(1), (200,), -20, 20)).size == 200


def test_ifelse_grad1():
    def F2(x):
        return eqbrain.ifelse(
            conditions=(x >= 10,), branches=[lambda x: x, lambda x: x**2], operands=x
        )

    assert eqbrain.grad(F2)(9.0) == 18.0 and eqbrain.grad(F2)(11.0) == 1.0


def test_ifelse_grad2():
    def F3(x):
        return eqbrain.ifelse(
            conditions=(x >= 10, x >= 0),
            branches=[lambda x: x, lambda x: x**2, lambda x: x**4],
            operands=x,
        )

    assert eqbrain.grad(F3)(9.0) == 18.0 and eqbrain.grad(F3)(11.0) == 1.0


def test_ifelse_scalar_python_bool():
    assert int(eqbrain.ifelse(conditions=True, branches=[lambda: 1, lambda: 2])) == 1
    assert int(eqbrain.ifelse(conditions=False, branches=[lambda: 1, lambda: 2])) == 2


def test_ifelse_scalar_array_bool():
    assert (
        int(eqbrain.ifelse(conditions=jnp.asarray(True), branches=[lambda: 10, lambda: 20])) == 10
    )
    assert (
        int(eqbrain.ifelse(conditions=jnp.asarray(False), branches=[lambda: 10, lambda: 20])) == 20
    )


# -- while_loop -----------------------------------------------------------------------------


def _ab_loop():
    a = Variable(jnp.zeros(1))
    b = Variable(jnp.ones(1))

    def cond(x, y):
        return x < 6.0

    def body(x, y):
        a.value += x
        b.value *= y
        return x + b[0], y + 1.0

    return a, b, body, cond


def test_while1():
    a, b, body, cond = _ab_loop()
    res = eqbrain.while_loop(body, cond, operands=(1.0, 1.0))
    assert float(res[0]) == 10.0 and float(res[1]) == 4.0
    np.testing.assert_array_equal(a.value, [7.0])
    np.testing.assert_array_equal(b.value, [6.0])


def test_while2():
    a, b, body, cond = _ab_loop()
    res = eqbrain.while_loop(body, cond, operands=(1.0, 1.0))
    a2, b2, body2, cond2 = _ab_loop()
    with jax.disable_jit():
        res2 = eqbrain.while_loop(body2, cond2, operands=(1.0, 1.0))
    np.testing.assert_array_equal(res2[0], res[0])
    np.testing.assert_array_equal(res2[1], res[1])
    np.testing.assert_array_equal(a2.value, a.value)


def test_while3():
    a = Variable(jnp.zeros(1))
    b = Variable(jnp.ones(1))

    def cond(x, y):
        return jnp.all(a.value < 6.0)

    def body(x, y):
        a.value += x
        b.value *= y

    eqbrain.while_loop(body, cond, operands=(1.0, 1.0))
    np.testing.assert_allclose(a.value, [6.0])
    np.testing.assert_allclose(b.value, [1.0])


def test_while5_a_condition_that_writes_is_refused():
    a = Variable(jnp.zeros(1))
    b = Variable(jnp.ones(1))
    c = Variable(jnp.ones(1))

    def cond(x, y):
        a.value += 1
        return jnp.all(a.value < 6.0)

    def body(x, y):
        a.value += x
        b.value *= y
        return x + 1, y + 1

    @eqbrain.jit
    def run(x, y):
        x, y = eqbrain.while_loop(body, cond, operands=(x, y))
        return c + x

    with pytest.raises(ValueError, match="cond_fun must not write Variables"):
        run(0.0, 1.0)
    np.testing.assert_array_equal(a.value, [0.0])
