"""`eqbrain.losses`: each loss against a NumPy formula, BrainPy's `reduction=` and pytree
rules, the module forms, gradients, and bad inputs."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra import numpy as hnp

import eqbrain
import eqbrain.losses as L

RNG = np.random.default_rng(0)
P = RNG.normal(size=(4, 5)).astype(np.float32)
T = RNG.normal(size=(4, 5)).astype(np.float32)
LABELS = np.array([0, 3, 1, 4])
PROBS = RNG.random((4, 5)).astype(np.float32)
PROBS /= PROBS.sum(-1, keepdims=True)


def log_softmax(x):
    x = np.asarray(x, np.float64)
    return x - np.log(np.exp(x).sum(-1, keepdims=True))


def close(a, b, tol=1e-5) -> bool:
    return np.allclose(np.asarray(a, np.float64), np.asarray(b, np.float64), rtol=tol, atol=tol)


# -- values ---------------------------------------------------------------------------------


def test_cross_entropy_with_indices_and_probabilities():
    per = -log_softmax(P)[np.arange(4), LABELS]
    assert close(L.cross_entropy_loss(P, LABELS), per.mean())
    assert close(L.cross_entropy_loss(P, LABELS, reduction="sum"), per.sum())
    assert close(L.cross_entropy_loss(P, LABELS, reduction="none"), per)
    soft = -(PROBS * log_softmax(P)).sum(-1)
    assert close(L.cross_entropy_loss(P, PROBS, reduction="none"), soft)


def test_cross_entropy_weights_ignore_index_and_smoothing():
    w = np.array([2.0, 1.0, 1.0, 0.5, 3.0], np.float32)
    per = -log_softmax(P)[np.arange(4), LABELS]
    sw = w[LABELS]
    assert close(L.cross_entropy_loss(P, LABELS, weight=w), (per * sw).sum() / sw.sum())
    ignored = np.array([0, -100, 1, 4])
    keep = ignored != -100
    assert close(L.cross_entropy_loss(P, ignored), per[keep].mean())
    smooth = 0.9 * np.eye(5)[LABELS] + 0.1 / 5
    assert close(
        L.cross_entropy_loss(P, LABELS, label_smoothing=0.1),
        -(smooth * log_softmax(P)).sum(-1).mean(),
    )


def test_cross_entropy_sparse_and_sigmoid():
    per = -log_softmax(P)[np.arange(4), LABELS]
    assert close(L.cross_entropy_sparse(P, LABELS), per)
    assert close(L.cross_entropy_sparse(P, LABELS[:, None]), per)
    assert close(L.cross_entropy_sparse(P, 2), -log_softmax(P)[:, 2])
    y = (PROBS > 0.2).astype(np.float32)
    ref = np.maximum(P, 0) - P * y + np.log1p(np.exp(-np.abs(P)))
    assert close(L.cross_entropy_sigmoid(P, y), ref)
    assert close(L.sigmoid_binary_cross_entropy(P, y), ref)


def test_softmax_cross_entropy_and_logistic_losses():
    assert close(L.softmax_cross_entropy(P, PROBS), -(PROBS * log_softmax(P)).sum(-1))
    assert close(L.binary_logistic_loss(P, (P > 0) * 1.0), np.log1p(np.exp(P)) - (P > 0) * P)
    logits = P[0]
    assert close(L.multiclass_logistic_loss(3, logits), -log_softmax(logits)[3])


def test_nll_loss():
    logp = log_softmax(P).astype(np.float32)
    per = -logp[np.arange(4), LABELS]
    assert close(L.nll_loss(logp, LABELS), per.mean())
    assert close(L.nll_loss(logp, LABELS, "sum"), per.sum())
    assert close(L.nll_loss(logp, LABELS, None), per)
    assert close(L.NLLLoss("none")(logp, LABELS), per)


def test_regression_losses():
    d = P - T
    assert close(L.l1_loss(P, T, "none"), np.abs(d).mean(-1))
    assert close(L.l1_loss(P, T), np.abs(d).mean())
    assert close(L.l2_loss(P, T), 0.5 * d**2)
    huber = np.where(np.abs(d) <= 0.5, 0.5 * d**2, 0.5 * (np.abs(d) - 0.25))
    assert close(L.huber_loss(P, T, delta=0.5), huber)
    assert close(L.mean_absolute_error(P, T), np.abs(d).mean())
    assert close(L.mean_absolute_error(P, T, axis=0), np.abs(d).mean(0))
    assert close(L.mean_squared_error(P, T), (d**2).mean())
    assert close(L.mean_squared_error(P, T, axis=-1, reduction="sum"), (d**2).sum(-1))
    a, b = np.abs(P), np.abs(T)
    assert close(L.mean_squared_log_error(a, b), ((np.log1p(a) - np.log1p(b)) ** 2).mean())
    assert close(L.log_cosh_loss(P, T), np.log(np.cosh(d)))


def test_multi_margin_loss():
    x = np.array([[0.2, 0.8, 0.1], [0.6, 0.4, 0.9]], np.float32)
    y = np.array([1, 0])
    hinge = np.maximum(0, x - x[np.arange(2), y][:, None] + 1.0)
    hinge[np.arange(2), y] = 0
    assert close(L.multi_margin_loss(x, y), hinge.sum() / 2)
    assert close(L.multi_margin_loss(x, y, p=2, reduction="none"), hinge**2)
    half = np.maximum(0, x - x[np.arange(2), y][:, None] + 0.5)
    half[np.arange(2), y] = 0
    assert close(L.multi_margin_loss(x, y, margin=0.5, reduction="sum"), half.sum())


def test_regularization():
    assert close(L.l2_norm(jnp.array([3.0, 4.0])), 5.0)
    assert close(L.l2_norm({"a": jnp.array([3.0]), "b": jnp.array([[4.0]])}), 5.0)
    assert close(L.l2_norm(P, axis=1), np.linalg.norm(P, axis=1))
    assert close(L.mean_absolute(P), np.abs(P).mean())
    assert close(L.mean_square(P, axis=0), (P**2).mean(0))
    assert close(L.log_cosh(P), np.log(np.cosh(P)))
    assert close(L.smooth_labels(np.eye(5)[LABELS], 0.2), 0.8 * np.eye(5)[LABELS] + 0.04)


def test_ctc_is_optax():
    import optax

    logits = jnp.asarray(RNG.normal(size=(2, 6, 4)), jnp.float32)
    pads = jnp.zeros((2, 6))
    labels = jnp.array([[1, 2, 3], [2, 2, 0]])
    lpads = jnp.array([[0.0, 0, 0], [0, 0, 1]])
    assert close(
        L.ctc_loss(logits, pads, labels, lpads), optax.ctc_loss(logits, pads, labels, lpads)
    )
    loss, a, b = L.ctc_loss_with_forward_probs(logits, pads, labels, lpads)
    assert loss.shape == (2,) and a.shape == (6, 2, 4) and b.shape == (6, 2, 3)


# -- pytrees, Variables, modules, transforms ----------------------------------------------


def test_pytrees_add_their_leaves_and_variables_count_as_leaves():
    one = L.mean_squared_error(P, T)
    assert close(L.mean_squared_error({"a": P, "b": P}, {"a": T, "b": T}), 2 * one)
    assert close(L.mean_squared_error(eqbrain.Variable(jnp.asarray(P)), T), one)
    assert close(L.mean_squared_error([eqbrain.Variable(jnp.asarray(P))], [T]), one)


def test_loss_modules_call_update():
    assert close(L.MSELoss()(P, T), L.mean_squared_error(P, T))
    assert close(L.MAELoss(axis=1, reduction="sum")(P, T), np.abs(P - T).sum(1))
    assert close(L.L1Loss("sum")(P, T), np.abs(P - T).mean(-1).sum())
    w = np.array([2.0, 1.0, 1.0, 0.5, 3.0], np.float32)
    ce = L.CrossEntropyLoss(weight=w, label_smoothing=0.1)
    assert close(ce(P, LABELS), L.cross_entropy_loss(P, LABELS, w, label_smoothing=0.1))
    assert isinstance(ce, eqbrain.Module) and ce.reduction == "mean"


def test_losses_jit_and_differentiate():
    grad = jax.grad(lambda p: L.mean_squared_error(p, T))(jnp.asarray(P))
    assert close(grad, 2 * (P - T) / P.size)
    jitted = jax.jit(lambda p: L.cross_entropy_loss(p, LABELS, label_smoothing=0.1))
    assert close(jitted(P), L.cross_entropy_loss(P, LABELS, label_smoothing=0.1))


@settings(max_examples=30, deadline=None)
@given(
    x=hnp.arrays(
        np.float32,
        hnp.array_shapes(min_dims=1, max_dims=3, max_side=4),
        elements=st.floats(-3, 3, width=32),
    ),
    name=st.sampled_from(["mean_squared_error", "mean_absolute_error", "mean_squared_log_error"]),
)
def test_reductions_agree(x, name):
    fn = getattr(L, name)
    y = np.abs(x[::-1]) if name == "mean_squared_log_error" else x[::-1]
    x = np.abs(x) if name == "mean_squared_log_error" else x
    none = np.asarray(fn(x, y, reduction="none"))
    assert none.shape == x.shape
    assert close(fn(x, y, reduction="sum"), none.sum(), 1e-4)
    assert close(fn(x, y, reduction="mean"), none.mean(), 1e-4)


# -- bad inputs ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: L.mean_squared_error(P, T, reduction="avg"), "reduction must be 'mean', 'sum'"),
        (lambda: L.l1_loss(P, T, "max"), "reduction must be 'mean', 'sum'"),
        (lambda: L.cross_entropy_loss(P, LABELS, reduction="max"), "reduction must be"),
        (lambda: L.nll_loss(P, LABELS, "bogus"), "reduction must be"),
        (lambda: L.MSELoss("bogus"), "reduction must be"),
        (lambda: L.nll_loss(P, P), r"class indices of shape \(...\)"),
        (lambda: L.multi_margin_loss(P, LABELS, p=3), "p = 1 or 2"),
        (lambda: L.mean_squared_error({}, {}), "empty pytrees"),
    ],
)
def test_bad_inputs(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_loss_module_without_update_cannot_be_built():
    class Bare(L.Loss):
        pass

    with pytest.raises(TypeError, match="abstract class Bare .*update"):
        Bare()  # pyright: ignore[reportAbstractUsage]


def test_loss_subclass_with_update_is_built_and_called():
    class Squared(L.Loss):
        def update(self, input, target):
            return jnp.sum((jnp.asarray(input) - jnp.asarray(target)) ** 2)

    assert close(Squared()(P, T), np.sum((P - T) ** 2))
