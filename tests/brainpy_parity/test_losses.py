"""BrainPy parity: `eqbrain.losses` against what BrainPy 2.8's loss tests check:
`brainpy/losses/comparison_test.py` (23 cases), `comparison_coverage_test.py` (44) and
`regularization_test.py` (9): 76 cases.

Out of scope (7): the coverage cases of the private helpers `_reduce`,
`_multi_return` and `_is_leaf`. BrainPy's comparisons with `braintools.metric` are made
against the formulas it computes (and `ctc_loss` against optax, which both wrap);
BrainPy's `bm.Array` inputs become `eqbrain.Variable`s; where BrainPy raises
`AssertionError` for a bad argument, eqbrain raises `ValueError` with a message.
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np
import optax
import pytest

import eqbrain
import eqbrain.losses as L


def arr(*shape, seed=0):
    return jnp.asarray(np.random.RandomState(seed).randn(*shape), jnp.float32)


def close(a, b, atol=1e-5) -> bool:
    return np.allclose(np.asarray(a), np.asarray(b), atol=atol)


def f64(x):
    return np.asarray(x, np.float64)


def log_softmax(x):
    x = f64(x)
    return x - np.log(np.exp(x).sum(-1, keepdims=True))


# -- comparison_test.py: the delegated losses equal their formulas ----------------------------

rng = np.random.RandomState(7)
PRED, TAR, LOGITS = (jnp.asarray(rng.randn(4, 5), jnp.float32) for _ in range(3))
_labels = rng.rand(4, 5)
LABELS = jnp.asarray(_labels / _labels.sum(-1, keepdims=True), jnp.float32)
D = f64(PRED) - f64(TAR)


def test_l1_loss():
    for red in ("mean", "sum", "none"):
        per = np.abs(D).mean(-1)
        ref = {"mean": per.mean(), "sum": per.sum(), "none": per}[red]
        assert close(L.l1_loss(PRED, TAR, reduction=red), ref)


def test_l2_loss():
    assert close(L.l2_loss(PRED, TAR), 0.5 * D**2)


def test_huber_loss():
    for delta in (0.5, 1.0, 2.0):
        a = np.abs(D)
        ref = np.where(a <= delta, 0.5 * D**2, delta * (a - 0.5 * delta))
        assert close(L.huber_loss(PRED, TAR, delta=delta), ref)


def test_softmax_cross_entropy():
    assert close(
        L.softmax_cross_entropy(LOGITS, LABELS), -(f64(LABELS) * log_softmax(LOGITS)).sum(-1)
    )


def test_sigmoid_binary_cross_entropy():
    x, y = f64(LOGITS), f64(LABELS)
    ref = np.maximum(x, 0) - x * y + np.log1p(np.exp(-np.abs(x)))
    assert close(L.sigmoid_binary_cross_entropy(LOGITS, LABELS), ref)


def test_log_cosh_loss():
    assert close(L.log_cosh_loss(PRED, TAR), np.log(np.cosh(D)))


def test_mean_squared_error():
    for red in ("mean", "sum", "none"):
        ref = {"mean": (D**2).mean(), "sum": (D**2).sum(), "none": D**2}[red]
        assert close(L.mean_squared_error(PRED, TAR, reduction=red), ref)


def test_mean_squared_error_axis():
    assert close(L.mean_squared_error(PRED, TAR, axis=-1, reduction="mean"), (D**2).mean(-1))


def test_mean_absolute_error():
    for red in ("mean", "sum", "none"):
        a = np.abs(D)
        ref = {"mean": a.mean(), "sum": a.sum(), "none": a}[red]
        assert close(L.mean_absolute_error(PRED, TAR, reduction=red), ref)


def test_l1_loss_default_is_mean():
    pred, tar = arr(3, 4, seed=1), arr(3, 4, seed=2)
    assert close(L.l1_loss(pred, tar), L.l1_loss(pred, tar, reduction="mean"))
    assert close(L.l1_loss(pred, tar), L.L1Loss().update(pred, tar))


def test_mse_default_is_mean():
    assert np.shape(L.mean_squared_error(arr(3, 4, seed=1), arr(3, 4, seed=2))) == ()


def test_mae_default_is_mean():
    assert np.shape(L.mean_absolute_error(arr(3, 4, seed=1), arr(3, 4, seed=2))) == ()


def test_pytree_l2_loss():
    a, b = arr(3, 4, seed=1), arr(3, 4, seed=2)
    assert close(L.l2_loss(a, b), L.l2_loss({"x": a}, {"x": b}))


def test_pytree_huber():
    a, b = arr(3, 4, seed=3), arr(3, 4, seed=4)
    assert close(L.huber_loss(a, b), L.huber_loss({"x": a}, {"x": b}))


def test_pytree_multi_leaf_sums():
    a, b = arr(3, 4, seed=5), arr(3, 4, seed=6)
    single = L.mean_squared_error(a, b, reduction="sum")
    multi = L.mean_squared_error({"x": a, "y": a}, {"x": b, "y": b}, reduction="sum")
    assert close(2.0 * np.asarray(single), multi)


def test_accepts_bm_array():
    a, b = eqbrain.Variable(arr(2, 3, seed=8)), eqbrain.Variable(arr(2, 3, seed=9))
    assert L.l1_loss(a, b) is not None


_r = np.random.RandomState(0)
CTC = (
    jnp.asarray(_r.randn(2, 6, 4), jnp.float32),
    jnp.zeros((2, 6)),
    jnp.asarray(_r.randint(1, 4, size=(2, 3))),
    jnp.zeros((2, 3)),
)


def test_ctc_loss_matches():
    a = L.ctc_loss(*CTC)
    assert a.shape == (2,) and close(a, optax.ctc_loss(*CTC))


def test_ctc_forward_probs_matches():
    ours, theirs = L.ctc_loss_with_forward_probs(*CTC), optax.ctc_loss_with_forward_probs(*CTC)
    assert ours[0].shape == (2,)
    assert all(close(a, b) for a, b in zip(ours, theirs))


def test_cross_entropy_loss_runs():
    r = np.random.RandomState(2)
    out = L.cross_entropy_loss(jnp.asarray(r.randn(4, 5)), jnp.asarray(r.randint(0, 5, size=(4,))))
    assert np.shape(out) == ()


def test_cross_entropy_sparse_runs():
    r = np.random.RandomState(2)
    out = L.cross_entropy_sparse(jnp.asarray(r.randn(4, 5)), jnp.asarray(r.randint(0, 5, (4, 1))))
    assert out.shape == (4,)


def test_multi_margin_loss_runs():
    r = np.random.RandomState(2)
    assert L.multi_margin_loss(jnp.asarray(r.randn(4, 5)), r.randint(0, 5, size=(4,))) is not None


def test_multi_margin_accepts_bm_array():
    p = eqbrain.Variable(jnp.asarray([[0.2, 0.8], [0.6, 0.4]]))
    t = eqbrain.Variable(jnp.asarray([1, 0]))
    out = L.multi_margin_loss(p.value, t.value, margin=1.0, p=1, reduction="mean")
    assert np.isfinite(float(out))


def test_multi_margin_bm_matches_jax():
    p = np.array([[0.2, 0.8, 0.1], [0.6, 0.4, 0.9]])
    t = np.array([1, 0])
    a = L.multi_margin_loss(jnp.asarray(p), jnp.asarray(t), p=2, reduction="none")
    assert close(a, L.multi_margin_loss(p, t, p=2, reduction="none"))


# -- comparison_coverage_test.py ----------------------------------------------------------------


# BrainPy builds its base classes bare; in eqbrain `update` is abstract, so the bases are
# built through a subclass that defines it (an incomplete one is a TypeError).


class _Loss(L.Loss):
    def update(self, input, target):
        return L.l1_loss(input, target, self.reduction)


class _WeightedLoss(L.WeightedLoss):
    def update(self, input, target):
        return L.l1_loss(input, target, self.reduction)


def test_loss_reduction_attr():
    assert _Loss(reduction="sum").reduction == "sum"


def test_weighted_loss_attrs():
    w = jnp.asarray([1.0, 2.0])
    loss = _WeightedLoss(weight=w, reduction="none")
    assert loss.reduction == "none" and close(loss.weight, w)


LG = jnp.array([[2.0, 1.0, 0.0], [0.0, 2.0, 1.0]])
IDX = jnp.array([0, 1])


def ce_ref(logits, idx):
    return -log_softmax(logits)[np.arange(len(idx)), idx]


def test_integer_targets_mean():
    assert float(L.cross_entropy_loss(LG, IDX)) == pytest.approx(
        ce_ref(LG, [0, 1]).mean(), rel=1e-5
    )


def test_integer_targets_none_and_sum():
    ref = ce_ref(LG, [0, 1])
    assert close(L.cross_entropy_loss(LG, IDX, reduction="none"), ref)
    assert float(L.cross_entropy_loss(LG, IDX, reduction="sum")) == pytest.approx(
        ref.sum(), rel=1e-5
    )


PROBS = jnp.array([[0.7, 0.2, 0.1]])


def test_probability_targets():
    ref = -(f64(PROBS)[0] * log_softmax(LG[:1])[0]).sum()
    assert float(L.cross_entropy_loss(LG[:1], PROBS)) == pytest.approx(ref, rel=1e-5)


def test_weighted_integer_targets():
    w = jnp.array([2.0, 1.0, 1.0])
    per, sw = ce_ref(LG, [0, 1]), np.array([2.0, 1.0])
    out = L.cross_entropy_loss(LG, IDX, weight=w, reduction="mean")
    assert float(out) == pytest.approx((per * sw).sum() / sw.sum(), rel=1e-5)


def test_weighted_probability_targets():
    out = L.cross_entropy_loss(LG[:1], PROBS, weight=jnp.array([2.0, 1.0, 1.0]), reduction="sum")
    assert np.isfinite(float(out))


def test_ignore_index_excludes_sample():
    out = L.cross_entropy_loss(LG, jnp.array([0, -100]), reduction="mean", ignore_index=-100)
    assert float(out) == pytest.approx(ce_ref(LG, [0, 0])[0], rel=1e-5)


def test_label_smoothing_changes_value():
    plain = float(L.cross_entropy_loss(LG, IDX))
    assert plain != pytest.approx(float(L.cross_entropy_loss(LG, IDX, label_smoothing=0.2)))


def test_label_smoothing_probability_targets():
    plain = float(L.cross_entropy_loss(LG[:1], PROBS))
    assert plain != pytest.approx(float(L.cross_entropy_loss(LG[:1], PROBS, label_smoothing=0.3)))


def test_class_matches_function():
    layer = L.CrossEntropyLoss(reduction="mean")
    assert float(layer.update(LG, IDX)) == pytest.approx(float(L.cross_entropy_loss(LG, IDX)))
    assert float(layer(LG, IDX)) == pytest.approx(float(layer.update(LG, IDX)))


def test_sparse_with_int_target():
    out = L.cross_entropy_sparse(LG[:1], 0)
    assert float(out[0]) == pytest.approx(-log_softmax(LG[:1])[0, 0], rel=1e-5)


def test_sparse_with_array_target():
    assert L.cross_entropy_sparse(LG, jnp.array([[0], [1]])).shape == (2,)


def test_sigmoid():
    x, y = jnp.array([0.5, -0.5]), jnp.array([1.0, 0.0])
    ref = np.maximum(f64(x), 0) - f64(x) * f64(y) + np.log1p(np.exp(-np.abs(f64(x))))
    assert close(L.cross_entropy_sigmoid(x, y), ref)


LOGP = jnp.log(jnp.array([[0.7, 0.3], [0.4, 0.6]]))


def test_nll_basic_mean():
    ref = -np.array([np.log(0.7), np.log(0.6)]).mean()
    assert float(L.nll_loss(LOGP, IDX)) == pytest.approx(ref, rel=1e-5)


def test_nll_sum_none_and_none_keyword():
    assert float(L.nll_loss(LOGP, IDX, "sum")) == pytest.approx(-(np.log(0.7) + np.log(0.6)))
    assert L.nll_loss(LOGP, IDX, "none").shape == (2,)
    assert L.nll_loss(LOGP, IDX, None).shape == (2,)


def test_nll_invalid_reduction_raises():
    with pytest.raises(ValueError, match="reduction must be"):
        L.nll_loss(LOGP[:1], jnp.array([0]), "bogus")


def test_nll_class_wrapper():
    layer = L.NLLLoss(reduction="mean")
    assert float(layer.update(LOGP, IDX)) == pytest.approx(float(L.nll_loss(LOGP, IDX)))


X = jnp.array([[1.0, 2.0], [3.0, 4.0]])
Z = jnp.zeros((2, 2))


def test_l1_loss_reductions():
    assert close(L.l1_loss(X, Z, reduction="none"), [1.5, 3.5])
    assert float(L.l1_loss(X, Z, reduction="sum")) == pytest.approx(5.0)
    assert float(L.l1_loss(X, Z, reduction="mean")) == pytest.approx(2.5)


def test_l1_class():
    assert float(L.L1Loss(reduction="sum").update(X, Z)) == pytest.approx(5.0)


def test_l2_loss_elementwise():
    assert close(L.l2_loss(jnp.array([2.0, 0.0]), jnp.array([0.0, 0.0])), [2.0, 0.0])


def test_mae_axis_and_class():
    x = jnp.array([[1.0, -2.0], [3.0, -4.0]])
    assert close(L.mean_absolute_error(x, Z, axis=1), [1.5, 3.5])
    assert float(L.MAELoss(reduction="mean").update(x, Z)) == pytest.approx(2.5)


def test_mae_bm_array_input():
    out = L.mean_absolute_error(eqbrain.Variable(jnp.array([[1.0, -2.0]])), jnp.zeros((1, 2)))
    assert float(out) == pytest.approx(1.5)


def test_mse_and_class():
    assert float(L.mean_squared_error(X, Z)) == pytest.approx(30 / 4)
    assert float(L.MSELoss(reduction="sum").update(X, Z)) == pytest.approx(30.0)


def test_msle():
    assert float(L.mean_squared_log_error(jnp.array([0.0, 1.0]), jnp.array([0.0, 1.0]))) == 0.0
    val = float(L.mean_squared_log_error(jnp.array([2.0]), jnp.array([0.0])))
    assert val == pytest.approx(np.log1p(2.0) ** 2, rel=1e-5)


def test_huber_quadratic_and_linear():
    out = L.huber_loss(jnp.array([0.5, 5.0]), jnp.array([0.0, 0.0]), delta=1.0)
    assert float(out[0]) == pytest.approx(0.125) and float(out[1]) == pytest.approx(4.5)


def test_pytree_dict_input():
    x = {"a": jnp.array([1.0, 2.0]), "b": jnp.array([3.0])}
    y = {"a": jnp.array([0.0, 0.0]), "b": jnp.array([0.0])}
    assert float(L.mean_squared_error(x, y, reduction="sum")) == pytest.approx(14.0)


def test_binary_logistic_loss():
    assert float(L.binary_logistic_loss(jnp.array(0.0), jnp.array(1.0))) == pytest.approx(
        np.log(2)
    )


def test_multiclass_logistic_loss():
    logits = jnp.array([2.0, 1.0, 0.0])
    ref = np.log(np.exp(f64(logits)).sum()) - 2.0
    assert float(L.multiclass_logistic_loss(jnp.array(0), logits)) == pytest.approx(ref, rel=1e-5)


def test_logistic_family_sigmoid_binary_cross_entropy():
    out = L.sigmoid_binary_cross_entropy(jnp.array([0.0, 2.0]), jnp.array([1.0, 0.0]))
    assert out.shape == (2,) and float(out[0]) == pytest.approx(np.log(2.0), rel=1e-5)


def test_logistic_family_softmax_cross_entropy():
    out = L.softmax_cross_entropy(LG[:1], jnp.array([[1.0, 0.0, 0.0]]))
    assert float(out[0]) == pytest.approx(-log_softmax(LG[:1])[0, 0], rel=1e-5)


def test_logistic_family_log_cosh_loss():
    assert float(L.log_cosh_loss(jnp.array([0.0]), jnp.array([0.0]))[0]) == pytest.approx(0.0)
    big = float(L.log_cosh_loss(jnp.array([10.0]), jnp.array([0.0]))[0])
    assert big == pytest.approx(10.0 - np.log(2.0), rel=1e-3)


MP, MT = jnp.array([[0.2, 0.8], [0.6, 0.4]]), jnp.array([1, 0])


def test_p1_mean():
    out = float(L.multi_margin_loss(MP, MT, margin=1.0, p=1, reduction="mean"))
    assert np.isfinite(out) and out >= 0


def test_p2_sum_none():
    assert np.isfinite(float(L.multi_margin_loss(MP, MT, p=2, reduction="sum")))
    assert L.multi_margin_loss(MP, MT, p=2, reduction="none").shape == (2, 2)


def test_invalid_p_raises():
    with pytest.raises(ValueError, match="p = 1 or 2"):
        L.multi_margin_loss(MP[:1], MT[:1], p=3)


def ctc_inputs():
    return jnp.zeros((1, 4, 3)), jnp.zeros((1, 4)), jnp.array([[1, 2]]), jnp.zeros((1, 2))


def test_ctc_loss_shape_and_nonneg():
    loss = L.ctc_loss(*ctc_inputs())
    assert loss.shape == (1,) and float(loss[0]) >= 0


def test_ctc_with_forward_probs():
    per_seq, phi, emit = L.ctc_loss_with_forward_probs(*ctc_inputs())
    assert per_seq.shape == (1,) and phi.shape[1] == 1
    assert close(L.ctc_loss(*ctc_inputs()), per_seq)


# -- regularization_test.py ----------------------------------------------------------------

_r11 = np.random.RandomState(11)
RX = jnp.asarray(_r11.randn(4, 5), jnp.float32)
_r11.randn(4, 5)
ONEHOT = jnp.asarray(np.eye(5)[_r11.randint(0, 5, size=(4,))], jnp.float32)


def test_log_cosh():
    assert close(L.log_cosh(RX), np.log(np.cosh(f64(RX))))


def test_smooth_labels():
    for alpha in (0.0, 0.1, 0.5):
        assert close(L.smooth_labels(ONEHOT, alpha), (1 - alpha) * f64(ONEHOT) + alpha / 5)


def test_mean_square():
    assert close(L.mean_square(RX), (f64(RX) ** 2).mean())


def test_mean_square_axis():
    assert close(L.mean_square(RX, axis=-1), (f64(RX) ** 2).mean(-1))


def test_mean_absolute():
    assert close(L.mean_absolute(RX), np.abs(f64(RX)).mean())


def test_mean_absolute_axis():
    assert close(L.mean_absolute(RX, axis=0), np.abs(f64(RX)).mean(0))


def test_smooth_labels_pytree():
    oh = jnp.asarray(np.eye(4)[np.random.RandomState(3).randint(0, 4, size=(5,))])
    assert close(L.smooth_labels(oh, 0.2), L.smooth_labels({"a": oh}, 0.2))


def test_mean_square_pytree_sums_leaves():
    a = jnp.asarray(np.random.RandomState(4).randn(3, 3))
    assert close(2.0 * np.asarray(L.mean_square(a)), L.mean_square({"x": a, "y": a}))


def test_l2_norm_is_sqrt_sum_squares():
    assert close(L.l2_norm(jnp.array([3.0, 4.0])), 5.0)
