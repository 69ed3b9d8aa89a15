"""Build-time checks that the parts of a projection fit together: the connectivity's
sizes against the synapse's and the populations' (a mismatch would otherwise surface as
a bare shape error in the first step of a run), and the connectivity's scalar arguments."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..._core import Variable


def _trial_shape(var: Variable) -> tuple[int, ...]:
    shape, axis = tuple(var.shape), var.batch_axis
    return shape if axis is None else shape[:axis] + shape[axis + 1 :]


def size_of(node: Any, attr: str | None = None) -> tuple[int, ...] | None:
    """The shape of one trial of `node`'s state: its Variable `attr` (`spike`, `V`), else
    its `size` field, else its first own Variable; `None` when it has none of these."""
    if attr is not None:
        var = getattr(node, attr, None)
        return _trial_shape(var) if isinstance(var, Variable) else None
    size = node.__dict__.get("size")
    if isinstance(size, int) and not isinstance(size, bool):
        return (size,)
    if isinstance(size, tuple) and all(isinstance(s, int) for s in size):
        return size
    own = list(node.vars(level=0).values())
    return _trial_shape(own[0]) if own else None


def _describe(node: Any) -> str:
    return f"{node.name} ({type(node).__name__})"


def check_fits(
    proj: Any, role: str, comm: Any, attr: str, node: Any, size: tuple[int, ...] | None
) -> None:
    """`comm.<attr>` (`n_pre` or `n_post`) is the number of neurons of `node` (whose
    state has the shape `size`): a `ValueError` naming both parts if not. Unknown sizes
    (a connectivity without `n_pre`/`n_post`, a part without state) are not checked."""
    n = comm.__dict__.get(attr)
    if not isinstance(n, int) or size is None or size == (n,):
        return
    raise ValueError(
        f"{type(proj).__name__}: the connectivity `comm` {_describe(comm)} has {attr}={n}, "
        f"but the {role} {_describe(node)} has {math.prod(size)} neurons (shape {size}). "
        f"Build them for the same population: `{attr}` of the connectivity is the size of "
        f"the {role}."
    )


def check_same(proj: Any, role_a: str, a: Any, size_a: Any, role_b: str, b: Any, size_b: Any):
    """Two parts sized like the same population (a synapse and its population)."""
    if size_a is None or size_b is None or size_a == size_b:
        return
    raise ValueError(
        f"{type(proj).__name__}: the {role_a} {_describe(a)} has shape {size_a}, but the "
        f"{role_b} {_describe(b)} has shape {size_b}; build them with the same size."
    )


def check_number(owner: str, what: str, value: Any, meaning: str) -> float:
    """`value` as a float: a `TypeError` naming `what` and `owner` if it is no number
    (a Python or NumPy number, or a 0-d numeric array)."""
    number = not isinstance(value, bool | np.bool_) and (
        isinstance(value, int | float | np.number)
        or (
            hasattr(value, "shape")
            and np.ndim(value) == 0
            and np.issubdtype(np.asarray(value).dtype, np.number)
        )
    )
    if not number:
        raise TypeError(f"{owner}: {what} must be a number ({meaning}), got {value!r}.")
    return float(value)
