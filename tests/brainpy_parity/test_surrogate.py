"""BrainPy parity: `eqbrain.surrogate` against what BrainPy 2.8's surrogate tests check:
the surrogate section of `brainpy/math/math_sparse_surrogate_fixes_test.py` (46 cases:
the re-export check, 4 grad-vs-autograd cases, 5 formula/shape regressions, and one
call-and-grad case per class and per functional alias, 18 each).

In BrainPy 2.8 `bm.surrogate` is `braintools.surrogate`; the re-export case here checks
what it checks beyond that identity: that `InvSquareGrad` and `relu_grad` exist and are
callable. All 46 are in scope.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import eqbrain.surrogate as S

CLASSES = sorted(n for n in dir(S) if n[0].isupper() and n != "Surrogate")
FUNCTIONS = sorted(
    n for n in dir(S) if n[0].islower() and not n.startswith("_") and callable(getattr(S, n))
)


def test_families_are_complete():
    assert len(CLASSES) == 18 and len(FUNCTIONS) == 18


def test_surrogate_is_braintools_reexport():
    assert callable(S.InvSquareGrad) and callable(S.relu_grad) and callable(S.InvSquareGrad())


@pytest.mark.parametrize("name", ["PiecewiseQuadratic", "QPseudoSpike", "Arctan", "ERF"])
def test_surrogate_grad_matches_autograd(name):
    inst = getattr(S, name)()
    xs = jnp.asarray([-0.85, -0.4, -0.1, 0.1, 0.4, 0.85], jnp.float32)
    auto = jax.vmap(jax.grad(lambda v: jnp.squeeze(inst.surrogate_fun(v.reshape(1)))))(xs)
    np.testing.assert_allclose(np.asarray(inst.surrogate_grad(xs)), auto, rtol=2e-3, atol=2e-4)


def test_arctan_surrogate_fun_does_not_raise():
    out = np.asarray(S.Arctan().surrogate_fun(jnp.asarray([-0.5, -0.1, 0.0, 0.1, 0.5])))
    assert np.all(np.isfinite(out)) and np.isclose(out[2], 0.5, atol=1e-6)
    assert np.all(np.diff(out) > 0)


def test_erf_surrogate_fun_is_increasing():
    out = np.asarray(S.ERF().surrogate_fun(jnp.linspace(-0.5, 0.5, 11)))
    assert np.all(np.diff(out) > 0) and np.isclose(out[5], 0.5, atol=1e-6)


def test_gaussian_grad_bump_widens_with_sigma():
    narrow = float(S.GaussianGrad(sigma=0.5).surrogate_grad(jnp.asarray(1.0)))
    wide = float(S.GaussianGrad(sigma=2.0).surrogate_grad(jnp.asarray(1.0)))
    assert wide > narrow and wide == pytest.approx(0.088, abs=2e-2)


def test_piecewise_quadratic_grad_formula():
    inst = S.PiecewiseQuadratic(alpha=1.0)
    assert float(inst.surrogate_grad(jnp.asarray(0.5))) == pytest.approx(0.5)
    assert float(inst.surrogate_grad(jnp.asarray(5.0))) == pytest.approx(0.0)


def test_qpseudospike_grad_at_zero_is_one():
    assert float(S.QPseudoSpike(alpha=2.0).surrogate_grad(jnp.asarray(0.0))) == pytest.approx(1.0)


@pytest.mark.parametrize("name", CLASSES)
def test_surrogate_call_and_grad_run(name):
    inst = getattr(S, name)()
    x = jnp.linspace(-1.5, 1.5, 9)
    y = np.asarray(inst(x))
    assert y.shape == (9,) and set(np.unique(y).tolist()) <= {0.0, 1.0}
    g = np.asarray(inst.surrogate_grad(x))
    assert g.shape == (9,) and np.all(np.isfinite(g))
    assert np.all(np.isfinite(np.asarray(jax.grad(lambda v: jnp.sum(inst(v)))(x))))


@pytest.mark.parametrize("name", FUNCTIONS)
def test_functional_alias_forward(name):
    y = np.asarray(getattr(S, name)(jnp.linspace(-1.2, 1.2, 7)))
    assert y.shape == (7,) and np.all(np.isfinite(y))
