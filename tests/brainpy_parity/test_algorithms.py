"""BrainPy 2.8.2 parity for the fitting algorithms (`bp.algorithms`).

Checks the behaviour that BrainPy's `brainpy/algorithms/offline_test.py` (30 cases),
`online_test.py` (13) and `utils_test.py` (13) test, written anew for eqbrain and
grouped into fewer tests. All 56 are in scope and pass; the three cases of BrainPy's
private `_check_data_2d_atls` are checked through the algorithms that use it (2-D data
as it is, 3-D data flattened to rows, 1-D data refused). `tests/test_trainers.py`
checks the numbers against BrainPy's.
"""

from __future__ import annotations

import warnings

import jax.numpy as jnp
import numpy as np
import pytest

from eqbrain import algorithms as alg


def _xy(slope=2.0, intercept=0.0, n=20, seed=0):
    x = np.random.default_rng(seed).uniform(-1.0, 1.0, (n, 1)).astype(np.float32)
    return jnp.asarray(x), jnp.asarray(slope * x + intercept)


def test_the_bases_are_abstract_and_named_by_class():
    with pytest.raises(NotImplementedError):
        alg.OfflineAlgorithm().call(jnp.ones((2, 1)), jnp.ones((2, 1)))
    with pytest.raises(NotImplementedError):
        alg.OnlineAlgorithm().call(jnp.ones((1, 1)), jnp.ones((1, 1)), jnp.ones((1, 1)))
    assert repr(alg.OfflineAlgorithm()) == "OfflineAlgorithm"
    assert repr(alg.OnlineAlgorithm()) == "OnlineAlgorithm"
    assert alg.OnlineAlgorithm().register_target(3) is None
    assert alg.LinearRegression().initialize(1, 2, foo="bar") is None


def test_data_is_flattened_to_rows_and_1d_data_is_refused():
    w = alg.LinearRegression()(jnp.ones((2, 3, 1)), jnp.ones((2, 3, 4)))
    assert w.shape == (4, 1)
    with pytest.raises(ValueError, match="at least 2-D"):
        alg.LinearRegression()(jnp.ones(5), jnp.ones(5))


def test_least_squares_closed_form_gradient_descent_predict_and_singleton():
    x, y = _xy()
    assert np.allclose(alg.LinearRegression()(y, x)[0, 0], 2.0, atol=1e-3)
    assert np.allclose(alg.linear_regression(y, x)[0, 0], 2.0, atol=1e-3)
    gd = alg.LinearRegression(gradient_descent=True, max_iter=20000, learning_rate=1e-3)
    assert np.allclose(gd(*_xy(n=40)[::-1])[0, 0], 2.0, atol=1e-2)  # the loop really runs
    w = alg.LinearRegression()(y, x)
    assert alg.LinearRegression().predict(w, x).shape[0] == x.shape[0]
    assert alg.LinearRegression().init_weights(3, 2).shape == (3, 2)


def test_ridge_closed_form_gradient_descent_beta_and_unpenalized_intercept():
    x, y = _xy()
    assert np.allclose(alg.RidgeRegression(alpha=1e-3)(y, x)[0, 0], 2.0, atol=1e-2)
    gd = alg.RidgeRegression(alpha=1e-3, gradient_descent=True, max_iter=2000, learning_rate=0.01)
    assert np.all(np.isfinite(gd(y, x)))
    with pytest.warns(UserWarning, match="beta"):
        old = alg.RidgeRegression(beta=0.5)
    assert old.regularizer.alpha == 0.5 and "beta=" in repr(old)
    x, y = _xy(intercept=1.0)
    ridge = alg.RidgeRegression(alpha=1.0)
    ridge.add_bias = True  # type: ignore[attr-defined]
    w = ridge(y, jnp.concatenate([jnp.ones((x.shape[0], 1)), x], axis=1))
    assert abs(float(w[0, 0]) - 1.0) < 0.2


def test_lasso_polynomial_and_elastic_net_fit_and_predict_consistently():
    x, y = _xy()
    for algo in (
        alg.LassoRegression(alpha=0.01, degree=2, max_iter=500),
        alg.PolynomialRegression(degree=2, max_iter=300),
        alg.PolynomialRidgeRegression(alpha=0.1, degree=2, max_iter=300),
        alg.ElasticNetRegression(alpha=0.01, degree=2, l1_ratio=0.5, max_iter=50),
        alg.ElasticNetRegression(alpha=0.01, degree=2, add_bias=True, max_iter=50),
    ):
        w = algo(y, x)
        pred = algo.predict(w, x)
        assert np.all(np.isfinite(w)) and np.all(np.isfinite(pred)), algo
        assert pred.shape[0] == x.shape[0]


def test_logistic_regression_gradient_descent_newton_predict_and_one_target():
    rng = np.random.default_rng(1)
    x = jnp.asarray(rng.uniform(-1, 1, (30, 2)), jnp.float32)
    y = (x[:, :1] > 0).astype(jnp.float32)
    algo = alg.LogisticRegression(max_iter=200, learning_rate=0.5)
    w = algo(y, x)
    assert w.shape == (2,) and np.mean((algo.predict(w, x) > 0.5) == y[:, 0]) >= 0.8
    X = jnp.asarray(rng.standard_normal((100, 3)), jnp.float32)
    p = 1 / (1 + np.exp(-np.asarray(X) @ np.array([0.8, -0.5, 0.3])))
    Y = jnp.asarray((rng.random(100) < p).astype(np.float32)[:, None])
    w = alg.LogisticRegression(gradient_descent=False, max_iter=100)(Y, X)
    assert np.sign(w[0]) == 1 and np.sign(w[1]) == -1
    assert np.allclose(algo.predict(jnp.zeros((2, 1)), jnp.ones((3, 2))), 0.5)
    with pytest.raises(ValueError, match="one binary target"):
        algo(jnp.ones((4, 2)), jnp.ones((4, 2)))


def test_offline_registry():
    names = alg.get_supported_offline_methods()
    for m in (
        "linear",
        "lstsq",
        "ridge",
        "lasso",
        "logistic",
        "polynomial",
        "polynomial_ridge",
        "elastic_net",
    ):
        assert m in names
    assert alg.get_offline_method("linear") is alg.LinearRegression
    with pytest.raises(ValueError, match="not an offline method"):
        alg.get_offline_method("nonexistent_method")
    with pytest.raises(ValueError, match="is taken"):
        alg.register_offline_method("linear", alg.LinearRegression())
    with pytest.raises(ValueError, match="OfflineAlgorithm instance"):
        alg.register_offline_method("brand_new", object())  # type: ignore[arg-type]
    alg.register_offline_method("custom_offline_t", alg.LinearRegression())
    assert "custom_offline_t" in alg.get_supported_offline_methods()


def test_rls_starts_at_alpha_identity_takes_1d_and_batches_and_converges():
    rls = alg.RLS(alpha=0.5)
    rls.register_target(feature_in=3, identifier="node1")
    assert np.allclose(rls.implicit_vars["node1" + alg.RLS.postfix].value, 0.5 * np.eye(3))
    rls = alg.RLS(alpha=1.0)
    rls.register_target(feature_in=2)
    assert rls(jnp.asarray([1.0]), jnp.asarray([1.0, 2.0]), jnp.asarray([0.0])).shape == (2, 1)
    dw = rls(jnp.asarray([[1.0], [2.0]]), jnp.eye(2), jnp.zeros((2, 1)))
    assert dw.shape == (2, 1) and np.all(np.isfinite(dw))
    rng = np.random.default_rng(0)
    W_true, W = np.array([[2.0], [-1.0]]), np.zeros((2, 1))
    rls = alg.RLS(alpha=100.0)  # P starts large: little regularization, fast convergence
    rls.register_target(feature_in=2)
    for _ in range(30):
        x = rng.standard_normal((1, 2))
        W = W + np.asarray(rls(jnp.asarray(x @ W_true), jnp.asarray(x), jnp.asarray(x @ W)))
    assert np.allclose(W, W_true, atol=1e-2)


def test_lms_steps_against_the_error():
    assert alg.LMS(alpha=0.1)(
        jnp.asarray([1.0]), jnp.asarray([1.0, 2.0]), jnp.asarray([0.0])
    ).shape == (2, 1)
    dw = alg.LMS(alpha=0.5)(jnp.asarray([[1.0]]), jnp.asarray([[2.0, 4.0]]), jnp.asarray([[0.0]]))
    assert np.allclose(dw.ravel(), [1.0, 2.0])


def test_online_registry():
    assert {"rls", "lms"} <= set(alg.get_supported_online_methods())
    assert alg.get_online_method("rls") is alg.RLS
    with pytest.raises(ValueError, match="not an online method"):
        alg.get_online_method("does_not_exist")
    with pytest.raises(ValueError, match="is taken"):
        alg.register_online_method("rls", alg.RLS(alpha=0.1))
    with pytest.raises(ValueError, match="OnlineAlgorithm instance"):
        alg.register_online_method("brand_new", object())  # type: ignore[arg-type]
    alg.register_online_method("custom_online_t", alg.LMS(alpha=0.2))
    assert "custom_online_t" in alg.get_supported_online_methods()


def test_sigmoid_and_regularizers():
    s = alg.Sigmoid()
    assert np.allclose(
        s(jnp.asarray([0.0, 2.0, -2.0])), 1 / (1 + np.exp(-np.array([0.0, 2.0, -2.0])))
    )
    g = s.grad(jnp.asarray([0.0, 1.0, -1.0]))
    assert np.isclose(g[0], 0.25) and np.isclose(g[1], g[2])
    base = alg.Regularization(alpha=0.7)
    assert base.alpha == 0.7 and base(jnp.ones(3)) == 0 and base.grad(jnp.ones(3)) == 0
    w = jnp.asarray([3.0, -4.0])
    assert np.isclose(alg.L1Regularization(2.0)(w), 10.0)
    assert np.allclose(alg.L1Regularization(2.0).grad(w), [2.0, -2.0])
    w = jnp.asarray([3.0, 4.0])
    assert np.isclose(alg.L2Regularization(2.0)(w), 25.0)
    assert np.allclose(alg.L2Regularization(2.0).grad(w), [6.0, 8.0])
    assert np.isclose(alg.L1L2Regularization(1.0, l1_ratio=0.5)(w), 8.75)
    assert np.allclose(alg.L1L2Regularization(1.0, 0.5).grad(w), [2.0, 2.5])


def test_polynomial_features_and_normalize():
    assert alg.index_combinations(2, 2) == [(0, 0), (0, 1), (1, 1)]
    X = jnp.asarray([[2.0], [3.0]])
    assert np.allclose(alg.polynomial_features(X, 1, add_bias=True), [[1, 2], [1, 3]])
    assert np.allclose(alg.polynomial_features(X, 1, add_bias=False), X)
    out = alg.polynomial_features(jnp.asarray([[2.0, 3.0]]), 2, add_bias=True)
    assert np.allclose(out, [[1, 2, 3, 4, 6, 9]])
    assert alg.polynomial_features(jnp.asarray([[2.0, 3.0]]), 2, add_bias=False).shape == (1, 5)
    assert np.allclose(alg.normalize(jnp.asarray([[3.0, 4.0]])), [[0.6, 0.8]])
    out = alg.normalize(jnp.asarray([[0.0, 0.0], [3.0, 4.0]]))
    assert not np.any(np.isnan(out)) and np.allclose(out[0], 0.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        alg.normalize(jnp.ones((2, 2)))
