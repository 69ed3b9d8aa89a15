"""The data the trainers take, checked before anything runs: inputs with batch and time
axes, targets that match them, `(X, Y)` batches and datasets."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import jax.tree_util as jtu
import numpy as np

_LAYOUT = {"B": "(batch, time, ...)", "T": "(time, batch, ...)"}

_XY_MSG = """\
{cls}.fit: train_data must be a dataset of (X, Y) batches -- an iterable of pairs, or a \
function returning one -- not one (X, Y) pair of arrays. Wrap one batch in a list: \
`fit([(X, Y)], ...)`, or give a generator: \
`def data(): yield from ((X[i:i + 32], Y[i:i + 32]) for i in range(0, len(X), 32))`."""


def short(x: Any) -> str:
    """An array by its type and shape (never its values), else a short `repr`."""
    if hasattr(x, "shape") and hasattr(x, "dtype"):
        return f"a {type(x).__name__} of shape {tuple(x.shape)}"
    text = repr(x)
    return text if len(text) <= 60 else text[:57] + "..."


def is_array(x: Any) -> bool:
    return hasattr(x, "shape") and hasattr(x, "dtype")


def as_inputs(inputs: Any) -> tuple:
    """The inputs to `update` as a tuple of arrays (one per argument)."""
    xs = tuple(inputs) if isinstance(inputs, tuple | list) else (inputs,)
    return jtu.tree_map(lambda x: x if isinstance(x, jax.Array) else jnp.asarray(x), xs)


def check_timed(xs: tuple, first_axis: str, what: str, owner: str) -> tuple[int, int]:
    """`(batch, time)` of inputs laid out `(batch, time, ...)` (`'B'`) or `(time, batch,
    ...)` (`'T'`); `ValueError` naming `what` otherwise."""
    leaves = jtu.tree_leaves(xs)
    if not leaves:
        raise ValueError(f"{owner}: {what} is empty; give arrays of shape {_LAYOUT[first_axis]}.")
    for leaf in leaves:
        if leaf.ndim < 2:
            raise ValueError(
                f"{owner}: {what} must be laid out {_LAYOUT[first_axis]} "
                f"(data_first_axis={first_axis!r}), got {short(leaf)}."
            )
    b, t = (0, 1) if first_axis == "B" else (1, 0)
    pairs = {(leaf.shape[b], leaf.shape[t]) for leaf in leaves}
    if len(pairs) != 1:
        raise ValueError(
            f"{owner}: the arrays of {what} disagree on (batch, time): {sorted(pairs)}."
        )
    return pairs.pop()


def check_batch_of(ys: Any, batch: int, axis: int, what: str, owner: str) -> None:
    """Every array of `ys` has `batch` entries along `axis`."""
    for leaf in jtu.tree_leaves(ys):
        shape = np.shape(leaf)
        if len(shape) <= axis or shape[axis] != batch:
            raise ValueError(
                f"{owner}: {what} has {short(leaf)}, but the inputs hold a batch of {batch} "
                f"(along axis {axis}). Give one target per sample."
            )


def is_xy_pair(data: Any) -> bool:
    """Whether `data` is one `(X, Y)` pair of arrays (or dicts), not a dataset."""
    if not (isinstance(data, tuple | list) and len(data) == 2):
        return False
    return all(is_array(d) or isinstance(d, dict) for d in data)


def check_dataset(data: Any, what: str, owner: str) -> None:
    """`data` is a dataset of `(X, Y)` batches (iterable or callable)."""
    if is_xy_pair(data):
        raise TypeError(_XY_MSG.format(cls=owner).replace("train_data", what))
    if not (callable(data) or hasattr(data, "__iter__")):
        raise TypeError(
            f"{owner}.fit: {what} must be an iterable of (X, Y) batches or a function "
            f"returning one, got {short(data)}."
        )


def batches(data: Any, what: str, owner: str) -> Any:
    """The batches of one epoch of `data`, each checked to be an `(X, Y)` pair."""
    epoch: Any = data() if callable(data) else data
    for item in epoch:
        if not (isinstance(item, tuple | list) and len(item) == 2):
            raise TypeError(
                f"{owner}.fit: each batch of {what} must be an (X, Y) pair, got {short(item)}."
            )
        yield item
