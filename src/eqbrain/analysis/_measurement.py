"""Distances between points and limit cycles in a trace (BrainPy's
`bp.analysis.utils.euclidean_distance` and `find_indexes_of_limit_cycle_max`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import jax.tree_util as jtu
import numpy as np

from .._errors import AnalyzerError


def euclidean_distance(points: Any, num_point: int | None = None) -> np.ndarray:
    """The matrix of Euclidean distances between `points`, `(n, n)`.

    **Arguments:**

    - `points`: `(n, ...)` points, or a dict of such arrays (one point is its row of every
      array: the distance sums over the variables).
    - `num_point`: `n`, if given checked against the points (BrainPy needs it for a dict).

    It is SciPy's `squareform(pdist(points))`, for points of any shape or a dict of them.

    ```python
    d = eqbrain.analysis.euclidean_distance(np.array([[0.0, 0.0], [3.0, 4.0]]))  # d[0, 1] == 5
    ```
    """
    leaves = [np.asarray(a) for a in jtu.tree_leaves(points)]
    sizes = {a.shape[0] if a.ndim else None for a in leaves}
    if not leaves or len(sizes) != 1 or None in sizes:
        kind = "dict of arrays" if isinstance(points, Mapping) else "array"
        raise AnalyzerError(
            "points must be an array (n_points, ...) or a dict of such arrays with the same "
            f"number of points each; got a {kind} with leading sizes {sorted(map(str, sizes))}."
        )
    n = int(leaves[0].shape[0])
    if num_point is not None and num_point != n:
        raise AnalyzerError(f"num_point is {num_point!r}, but the points hold {n} points.")
    flat = np.concatenate([a.reshape(n, -1) for a in leaves], axis=1).astype(float)
    diff = flat[:, None, :] - flat[None, :, :]
    return np.sqrt(np.sum(diff * diff, axis=-1))


def find_indexes_of_limit_cycle_max(arr: Any, tol: float = 0.001) -> np.ndarray:
    """The indices `[i, j]` of the last two maxima of `arr` when they bound one period of
    a limit cycle, else `[-1, -1]`.

    The maxima are where `np.gradient(arr)` turns from non-negative to non-positive; the
    last two bound a cycle when the trace between them spans more than `1e-3` and the
    two maxima differ by at most `tol` times that span (a damped oscillation's maxima
    keep falling).

    ```python
    t = np.linspace(0, 6 * np.pi, 600)
    i, j = eqbrain.analysis.find_indexes_of_limit_cycle_max(np.sin(t), tol=0.1)
    ```
    """
    x = np.asarray(arr, dtype=float)
    if x.ndim != 1 or len(x) < 2:
        raise AnalyzerError(f"arr must be a 1D trace of at least 2 values, got shape {x.shape}.")
    grad = np.gradient(x)
    peaks = np.nonzero((grad[:-1] >= 0) & (grad[:-1] * grad[1:] <= 0))[0]
    if len(peaks) >= 2:
        a, b = int(peaks[-2]), int(peaks[-1])
        span = float(np.ptp(x[a:b])) if b > a else 0.0
        if span > 1e-3 and abs(x[a] - x[b]) <= tol * span:
            return np.array([a, b])
    return np.array([-1, -1])
