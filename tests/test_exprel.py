"""`eqbrain.exprel`: `(exp(x) - 1) / x`, finite and accurate at and near 0."""

import jax
import jax.numpy as jnp
import numpy as np

import eqbrain


def test_matches_the_formula_away_from_zero_and_its_limit_near_zero():
    x = np.array([-20.0, -1.0, -1e-3, 1e-3, 0.5, 10.0])
    np.testing.assert_allclose(eqbrain.exprel(x), np.expm1(x) / x, rtol=1e-6)
    tiny = np.array([-1e-6, -1e-9, 0.0, 1e-9, 1e-6], np.float32)
    np.testing.assert_allclose(eqbrain.exprel(tiny), 1.0 + tiny / 2.0, rtol=1e-7)


def test_finite_with_finite_gradient_at_zero_where_the_naive_form_is_nan():
    V = jnp.float32(-50.0)  # the Traub-Miles alpha_m's removable singularity: 13 - V + V_T = 0
    naive = 0.32 * (13.0 - V - 63.0) / (jnp.exp((13.0 - V - 63.0) / 4.0) - 1.0)
    assert bool(jnp.isnan(naive))
    stable = 0.32 * 4.0 / eqbrain.exprel((13.0 - V - 63.0) / 4.0)
    assert float(stable) == np.float32(0.32 * 4.0)  # the limit, exactly (float32)
    grad = jax.grad(lambda x: eqbrain.exprel(x))(0.0)
    assert float(grad) == 0.5  # d/dx (1 + x/2 + x^2/6) at 0
