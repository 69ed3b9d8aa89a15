"""Classification losses: cross entropies, negative log likelihood, logistic losses, the
multi-class margin loss and CTC, on optax where optax has them, with BrainPy's
`reduction=` and pytree rules (a pytree of predictions gives the sum of its leaves'
losses)."""

from __future__ import annotations

from typing import Any

import equinox as eqx
import jax
import jax.numpy as jnp
import optax

from ._loss import Loss, WeightedLoss, check_reduction, over_leaves, reduce


def cross_entropy_loss(
    predicts: Any,
    targets: Any,
    weight: Any = None,
    reduction: str = "mean",
    ignore_index: int = -100,
    label_smoothing: float = 0.0,
) -> jax.Array:
    """Softmax cross entropy of logits against class indices or class probabilities
    (BrainPy's and PyTorch's `cross_entropy`).

    `targets` with one axis fewer than `predicts` are class indices (those equal to
    `ignore_index` are left out); otherwise they are probabilities over the last axis.
    With a class `weight`, each sample's loss is multiplied by the weight of its class
    (for probabilities, the probability-weighted class weight) and `'mean'` divides by
    the sum of those weights.

    **Arguments:**

    - `predicts`: logits of shape `(..., C)`.
    - `targets`: indices of shape `(...)` or probabilities of shape `(..., C)`.
    - `weight`: an optional array of `C` class weights.
    - `reduction`: `'mean'` (default), `'sum'` or `'none'`.
    - `ignore_index`: the index to leave out (default -100).
    - `label_smoothing`: mix the targets with the uniform distribution (0 to 1).

    ```python
    loss = eqbrain.losses.cross_entropy_loss(logits, labels)   # logits (N, C), labels (N,)
    ```
    """
    check_reduction(reduction)

    def one(pred: jax.Array, tar: jax.Array) -> jax.Array:
        pred = jnp.asarray(pred)
        tar = jnp.asarray(tar)
        n = pred.shape[-1]
        sample_w = valid = None
        if tar.ndim + 1 == pred.ndim:
            valid = tar != ignore_index
            index = jnp.where(valid, tar, 0)
            soft = jax.nn.one_hot(index, n, dtype=pred.dtype)
            if weight is not None:
                sample_w = jnp.asarray(weight)[index]
        else:
            soft = tar.astype(pred.dtype)
            if weight is not None:
                sample_w = (jnp.asarray(weight) * soft).sum(-1)
        if label_smoothing > 0.0:
            soft = optax.smooth_labels(soft, label_smoothing)
        loss = optax.softmax_cross_entropy(pred, soft)
        if sample_w is not None:
            loss = loss * sample_w
        if valid is not None:
            loss = jnp.where(valid, loss, 0.0)
            if sample_w is not None:
                sample_w = jnp.where(valid, sample_w, 0.0)
        if reduction == "mean":
            if sample_w is not None:
                return loss.sum() / sample_w.sum()
            if valid is not None:
                return loss.sum() / jnp.maximum(valid.sum(), 1)
        return reduce(loss, reduction)

    return over_leaves(one, predicts, targets)


def cross_entropy_sparse(predicts: Any, targets: Any) -> jax.Array:
    """Softmax cross entropy with integer labels, per entry
    (`optax.softmax_cross_entropy_with_integer_labels`).

    `targets` is one int for every entry, labels of shape `predicts.shape[:-1]`, or
    (as BrainPy) of shape `predicts.shape[:-1] + (1,)`.
    """

    def one(pred: jax.Array, tar: Any) -> jax.Array:
        pred = jnp.asarray(pred)
        tar = jnp.asarray(tar)
        if tar.ndim == pred.ndim:
            tar = tar[..., 0]
        labels = jnp.broadcast_to(tar, pred.shape[:-1])
        return optax.softmax_cross_entropy_with_integer_labels(pred, labels)

    return over_leaves(one, predicts, targets)


def cross_entropy_sigmoid(predicts: Any, targets: Any) -> jax.Array:
    """Sigmoid cross entropy per entry: `max(x, 0) - x t + log(1 + exp(-|x|))`
    (`optax.sigmoid_binary_cross_entropy`)."""
    return over_leaves(optax.sigmoid_binary_cross_entropy, predicts, targets)


def sigmoid_binary_cross_entropy(logits: Any, labels: Any) -> jax.Array:
    """Sigmoid cross entropy per entry for independent binary labels
    (`optax.sigmoid_binary_cross_entropy`)."""
    return over_leaves(optax.sigmoid_binary_cross_entropy, logits, labels)


def softmax_cross_entropy(logits: Any, labels: Any) -> jax.Array:
    """Softmax cross entropy over the last axis against probability labels
    (`optax.softmax_cross_entropy`): one value per row."""
    return over_leaves(optax.softmax_cross_entropy, logits, labels)


def nll_loss(input: Any, target: Any, reduction: str | None = "mean") -> jax.Array:
    """The negative log likelihood `-input[..., target]` of log-probabilities `input`
    (shape `(..., C)`) at class indices `target` (shape `(...)`).

    **Arguments:**

    - `reduction`: `'mean'` (default), `'sum'`, or `'none'`/`None` for every value.
    """
    reduction = "none" if reduction is None else check_reduction(reduction)
    input = jnp.asarray(input)
    target = jnp.asarray(target)
    if target.ndim + 1 != input.ndim:
        raise ValueError(
            f"nll_loss takes log-probabilities of shape (..., C) and class indices of "
            f"shape (...); got {input.shape} and {target.shape}."
        )
    picked = jnp.take_along_axis(input, target[..., None], axis=-1)[..., 0]
    return reduce(-picked, reduction)


def binary_logistic_loss(predicts: Any, targets: Any) -> jax.Array:
    """`softplus(x) - t x` for scores `x` and labels `t` in {0, 1}, elementwise."""
    return over_leaves(lambda x, t: jax.nn.softplus(x) - t * x, predicts, targets)


def multiclass_logistic_loss(label: Any, logits: Any) -> jax.Array:
    """`logsumexp(logits) - logits[label]` (note the argument order: label first)
    (`optax.softmax_cross_entropy_with_integer_labels`)."""
    return over_leaves(
        lambda lab, x: optax.softmax_cross_entropy_with_integer_labels(x, lab), label, logits
    )


def multi_margin_loss(
    predicts: Any, targets: Any, margin: float = 1.0, p: int = 1, reduction: str = "mean"
) -> jax.Array:
    """The multi-class hinge loss: `sum_{j != y} max(0, x_j - x_y + margin)^p` per sample.

    **Arguments:**

    - `predicts`: scores of shape `(N, C)`; `targets`: class indices of shape `(N,)`.
    - `margin`: the margin (default 1.0).
    - `p`: 1 or 2, the power of each hinge.
    - `reduction`: `'mean'` (the sum over classes, averaged over samples), `'sum'`, or
      `'none'` for the `(N, C)` hinges (0 at each sample's own class).
    """
    if p not in (1, 2):
        raise ValueError(f"multi_margin_loss takes p = 1 or 2, got {p!r}.")
    check_reduction(reduction)
    predicts = jnp.asarray(predicts)
    targets = jnp.asarray(targets)
    rows = jnp.arange(predicts.shape[0])
    correct = predicts[rows, targets]
    hinges = jnp.maximum(0.0, predicts - correct[:, None] + margin) ** p
    hinges = hinges.at[rows, targets].set(0.0)
    if reduction == "mean":
        return hinges.sum() / predicts.shape[0]
    return reduce(hinges, reduction)


def ctc_loss_with_forward_probs(
    logits: Any,
    logit_paddings: Any,
    labels: Any,
    label_paddings: Any,
    blank_id: int = 0,
    log_epsilon: float = -1e5,
) -> tuple[jax.Array, jax.Array, jax.Array]:
    """CTC loss and forward probabilities (`optax.ctc_loss_with_forward_probs`):
    `(loss (B,), log alpha blank (T, B, N+1), log alpha label (T, B, N))`."""
    return optax.ctc_loss_with_forward_probs(
        logits, logit_paddings, labels, label_paddings, blank_id=blank_id, log_epsilon=log_epsilon
    )


def ctc_loss(
    logits: Any,
    logit_paddings: Any,
    labels: Any,
    label_paddings: Any,
    blank_id: int = 0,
    log_epsilon: float = -1e5,
) -> jax.Array:
    """The CTC loss of each sequence, shape `(B,)` (`optax.ctc_loss`).

    **Arguments:**

    - `logits`: `(B, T, K)` logits, blank included.
    - `logit_paddings`: `(B, T)`, 1.0 where a frame is padding.
    - `labels`: `(B, N)` integer labels; `label_paddings`: `(B, N)`, right-padded.
    - `blank_id`: the blank class (default 0).
    - `log_epsilon`: stands for log(0) (default -1e5).
    """
    return optax.ctc_loss(
        logits, logit_paddings, labels, label_paddings, blank_id=blank_id, log_epsilon=log_epsilon
    )


class CrossEntropyLoss(WeightedLoss):
    """`cross_entropy_loss` as a module.

    **Arguments:**

    - `weight`: optional class weights; `ignore_index`: the index to leave out;
      `reduction`: `'mean'` (default), `'sum'` or `'none'`; `label_smoothing`: 0 to 1.

    ```python
    loss_fn = eqbrain.losses.CrossEntropyLoss(label_smoothing=0.1)
    loss = loss_fn(logits, labels)
    ```
    """

    ignore_index: int = eqx.field(default=-100, static=True)
    label_smoothing: float = eqx.field(default=0.0, static=True)

    def __init__(
        self,
        weight: Any = None,
        ignore_index: int = -100,
        reduction: str = "mean",
        label_smoothing: float = 0.0,
        *,
        name: str | None = None,
    ):
        super().__init__(weight, reduction, name=name)
        self.ignore_index = ignore_index
        self.label_smoothing = label_smoothing

    def update(self, input: Any, target: Any) -> jax.Array:
        return cross_entropy_loss(
            input,
            target,
            self.weight,
            self.reduction,
            self.ignore_index,
            self.label_smoothing,
        )


class NLLLoss(Loss):
    """`nll_loss` as a module.

    **Arguments:**

    - `reduction`: `'mean'` (default), `'sum'` or `'none'`.
    """

    def update(self, input: Any, target: Any) -> jax.Array:
        return nll_loss(input, target, self.reduction)
