"""The runner's arguments, checked before anything runs: durations, the inputs to
`update` (time axis, length, batch) and `shared_args`."""

from __future__ import annotations

import math
from typing import Any

import jax.numpy as jnp
import jax.tree_util as jtu
import numpy as np

from ._errors import RunningError

_INPUT_SHAPE_MSG = """\
inputs to `update` need a leading time axis of length {n} ({axis}); got {what} of shape \
{shape}. For a constant input, pass it to the runner: `DSRunner(model, \
inputs=[("target.path", value)])`, or broadcast it: `jnp.full(({n}, ...), value)`."""

_AXES = {"T": "(time, batch, ...)", "B": "(batch, time, ...)"}

BOTH_MSG = """\
the inputs to `update` already set the number of steps ({n}); `duration` is ignored \
(BrainPy's rule). Give one or the other."""


def short(x: Any) -> str:
    """`x` for an error message: an array by its type, shape and dtype (never its
    values), anything else by a `repr` cut to 80 characters."""
    if hasattr(x, "shape") and hasattr(x, "dtype"):
        return f"a {type(x).__name__} of shape {tuple(x.shape)} and dtype {x.dtype}"
    text = repr(x)
    return text if len(text) <= 80 else text[:77] + "..."


def is_data(x: Any) -> bool:
    """Whether `x` looks like inputs to `update` (an array with an axis, or a tuple,
    list or dict of such) rather than a duration."""
    if isinstance(x, tuple | list | dict):
        leaves = jtu.tree_leaves(x)
        return bool(leaves) and all(np.ndim(leaf) >= 1 for leaf in leaves)
    return hasattr(x, "shape") and len(x.shape) >= 1


def steps_in(duration: Any, dt: float) -> int:
    """`int(duration / dt)`, BrainPy's count, without losing a step to rounding error."""
    if isinstance(duration, bool) or not isinstance(duration, int | float | np.number):
        raise RunningError(
            f"duration must be a number of ms, got {short(duration)}. Inputs to `update` "
            "go in `inputs=` (or alone, as the first argument: `runner.predict(xs)`)."
        )
    if not (duration > 0 and math.isfinite(duration)):
        raise RunningError(f"duration must be a positive number of ms, got {duration!r}.")
    q = duration / dt
    n = round(q) if abs(q - round(q)) <= 1e-9 * max(1.0, q) else math.floor(q)
    if n < 1:
        raise RunningError(
            f"duration={duration!r} ms is shorter than one step (dt={dt} ms): nothing to "
            "run. Durations are in ms."
        )
    return n


def format_xs(inputs: Any, first_axis: str) -> tuple:
    """The inputs to `update` as a tuple of time-first arrays (checked for a time axis)."""
    if inputs is None:
        return ()
    xs = tuple(inputs) if isinstance(inputs, tuple | list) else (inputs,)
    for leaf in jtu.tree_leaves(xs):
        if not hasattr(leaf, "shape"):
            leaf = np.asarray(leaf)
        need = 2 if first_axis == "B" else 1
        if len(leaf.shape) < need:
            axis = "(batch, time, ...)" if need == 2 else "(time, ...)"
            raise RunningError(
                _INPUT_SHAPE_MSG.format(
                    n="n_steps", axis=axis, what=f"a {type(leaf).__name__}", shape=leaf.shape
                )
            )
    xs = jtu.tree_map(jnp.asarray, xs)
    if first_axis == "B":
        xs = jtu.tree_map(lambda x: jnp.moveaxis(x, 0, 1), xs)
    return xs


def length_of(xs: tuple) -> int:
    """The number of steps the inputs to `update` give."""
    lengths = {x.shape[0] for x in jtu.tree_leaves(xs)}
    if len(lengths) != 1:
        raise RunningError(f"inputs to `update` disagree on the number of steps: {lengths}.")
    n = lengths.pop()
    if n < 1:
        raise RunningError("inputs to `update` have no steps (a time axis of length 0).")
    return n


def check_xs(xs: tuple, n: int, first_axis: str) -> None:
    """Every input to `update` has `n` steps."""
    for leaf in jtu.tree_leaves(xs):
        if leaf.shape[0] != n:
            shape = leaf.shape
            if first_axis == "B":
                shape = (shape[1], shape[0], *shape[2:])
            axis = "batch first" if first_axis == "B" else "time first"
            raise RunningError(
                _INPUT_SHAPE_MSG.format(n=n, axis=axis, what="an array", shape=shape)
            )


def check_batch(xs: tuple, variables: list, first_axis: str) -> None:
    """The inputs to `update` have the model's batch size."""
    sizes = {v.shape[v.batch_axis] for v in variables if v.batch_axis is not None}
    if len(sizes) != 1:
        return
    (size,) = sizes
    for leaf in jtu.tree_leaves(xs):
        if leaf.ndim >= 2 and leaf.shape[1] != size:
            given = leaf.shape if first_axis == "T" else jnp.moveaxis(leaf, 0, 1).shape
            raise RunningError(
                f"the model runs a batch of {size}, but an input to `update` of shape "
                f"{given} has {leaf.shape[1]} along its batch axis (data_first_axis="
                f"{first_axis!r}: {_AXES[first_axis]}). A batched "
                "model takes its inputs batch first by default, as BrainPy's DSRunner "
                "does; pass data_first_axis='T' for time-first inputs."
            )


def check_shared(shared_args: Any) -> dict:
    """`shared_args`, checked: a dict of str keys other than `t`, `i`, `dt`."""
    if shared_args is None:
        return {}
    if not isinstance(shared_args, dict) or not all(isinstance(k, str) for k in shared_args):
        raise RunningError(f"shared_args must be a dict with str keys, got {shared_args!r}.")
    reserved = {"t", "i", "dt"} & set(shared_args)
    if reserved:
        raise RunningError(
            f"shared_args cannot set {sorted(reserved)}: the runner sets t, i and dt "
            "for each step (use `dt=` and `t0=` of the runner)."
        )
    return dict(shared_args)
