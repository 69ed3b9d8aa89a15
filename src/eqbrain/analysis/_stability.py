"""The stability of a fixed point, read off the eigenvalues of its Jacobian.

The names are BrainPy's (`bp.analysis.stability`), so that code comparing them keeps
working; note that BrainPy calls a saddle `'saddle node'` (in 1D, a point where
`df/dx = 0`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._errors import AnalyzerError

SADDLE_NODE = "saddle node"
CENTER_MANIFOLD = "center manifold"
STABLE_POINT_1D = "stable point"
UNSTABLE_POINT_1D = "unstable point"
CENTER_2D = "center"
STABLE_NODE_2D = "stable node"
STABLE_FOCUS_2D = "stable focus"
STABLE_STAR_2D = "stable star"
STABLE_DEGENERATE_2D = "stable degenerate"
UNSTABLE_NODE_2D = "unstable node"
UNSTABLE_FOCUS_2D = "unstable focus"
UNSTABLE_STAR_2D = "unstable star"
UNSTABLE_DEGENERATE_2D = "unstable degenerate"
UNSTABLE_LINE_2D = "unstable line"
STABLE_NODE_3D = STABLE_NODE_2D
UNSTABLE_NODE_3D = UNSTABLE_NODE_2D
UNSTABLE_SADDLE_3D = "unstable saddle"
STABLE_FOCUS_3D = STABLE_FOCUS_2D
UNSTABLE_FOCUS_3D = UNSTABLE_FOCUS_2D
UNSTABLE_CENTER_3D = "unstable center"
UNSTABLE_POINT_3D = "unclassified unstable point"
UNKNOWN_3D = "unknown 3d"

STABLE_TYPES = frozenset(
    {STABLE_POINT_1D, STABLE_NODE_2D, STABLE_FOCUS_2D, STABLE_STAR_2D, STABLE_DEGENERATE_2D}
)


def get_1d_stability_types() -> list[str]:
    """The kinds of fixed point of a 1D system: `['saddle node', 'stable point',
    'unstable point']`."""
    return [SADDLE_NODE, STABLE_POINT_1D, UNSTABLE_POINT_1D]


def get_2d_stability_types() -> list[str]:
    """The kinds of fixed point of a 2D system (BrainPy's twelve names).

    ```python
    "stable focus" in eqbrain.analysis.get_2d_stability_types()    # True
    ```
    """
    return [
        SADDLE_NODE,
        CENTER_2D,
        STABLE_NODE_2D,
        STABLE_FOCUS_2D,
        STABLE_STAR_2D,
        CENTER_MANIFOLD,
        UNSTABLE_NODE_2D,
        UNSTABLE_FOCUS_2D,
        UNSTABLE_STAR_2D,
        UNSTABLE_LINE_2D,
        STABLE_DEGENERATE_2D,
        UNSTABLE_DEGENERATE_2D,
    ]


def get_3d_stability_types() -> list[str]:
    """The kinds of fixed point of a 3D system (BrainPy's names; `'saddle node'` is one
    unstable direction, `'unstable saddle'` two).

    ```python
    "unstable saddle" in eqbrain.analysis.get_3d_stability_types()    # True
    ```
    """
    return [
        UNSTABLE_POINT_3D,
        STABLE_NODE_3D,
        UNSTABLE_SADDLE_3D,
        UNSTABLE_NODE_3D,
        SADDLE_NODE,
        STABLE_FOCUS_3D,
        UNSTABLE_FOCUS_3D,
        UNSTABLE_CENTER_3D,
        UNKNOWN_3D,
    ]


def _classify_1d(d: float, tol: float) -> str:
    if abs(d) <= tol:
        return SADDLE_NODE
    return UNSTABLE_POINT_1D if d > 0 else STABLE_POINT_1D


def _classify_2d(J: np.ndarray, tol: float) -> str:
    lam = np.linalg.eigvals(J)
    re, im = np.real(lam), np.imag(lam)
    if np.max(np.abs(im)) > tol:  # a complex pair: the real parts are equal
        if re[0] > tol:
            return UNSTABLE_FOCUS_2D
        return STABLE_FOCUS_2D if re[0] < -tol else CENTER_2D
    lo, hi = np.sort(re)
    if lo < -tol and hi > tol:
        return SADDLE_NODE
    if abs(lo) <= tol or abs(hi) <= tol:  # a zero eigenvalue: a line of equilibria
        return UNSTABLE_LINE_2D if hi > tol else CENTER_MANIFOLD
    repeated = abs(hi - lo) <= tol
    scalar = abs(J[0, 1]) <= tol and abs(J[1, 0]) <= tol and abs(J[0, 0] - J[1, 1]) <= tol
    if hi < 0:
        if not repeated:
            return STABLE_NODE_2D
        return STABLE_STAR_2D if scalar else STABLE_DEGENERATE_2D
    if not repeated:
        return UNSTABLE_NODE_2D
    return UNSTABLE_STAR_2D if scalar else UNSTABLE_DEGENERATE_2D


def _sign(x: float, tol: float) -> int:
    return 0 if abs(x) <= tol else (1 if x > 0 else -1)


def _classify_3d(J: np.ndarray, tol: float) -> str:
    lam = np.linalg.eigvals(J)
    complex_ = np.abs(np.imag(lam)) > tol
    if not np.any(complex_):  # three real eigenvalues: count the unstable directions
        signs = [_sign(x, tol) for x in np.real(lam)]
        if 0 in signs:
            return UNKNOWN_3D
        kinds = [STABLE_NODE_3D, SADDLE_NODE, UNSTABLE_SADDLE_3D, UNSTABLE_NODE_3D]
        return kinds[signs.count(1)]
    real = _sign(float(np.real(lam[~complex_][0])), tol)  # one real, a complex pair
    pair = _sign(float(np.real(lam[complex_][0])), tol)
    if real < 0:
        return {-1: STABLE_FOCUS_3D, 0: UNKNOWN_3D, 1: UNSTABLE_FOCUS_3D}[pair]
    if real == 0:
        return UNSTABLE_POINT_3D if pair > 0 else UNKNOWN_3D
    return {-1: UNSTABLE_FOCUS_3D, 0: UNSTABLE_CENTER_3D, 1: UNSTABLE_POINT_3D}[pair]


def stability_analysis(derivatives: Any, rtol: float = 1e-6) -> str:
    """The kind of a fixed point of a 1D, 2D or 3D system, from its Jacobian's
    eigenvalues.

    A 1D system's fixed point is `'stable point'` (`df/dx < 0`), `'unstable point'` or
    `'saddle node'` (`df/dx = 0`). In 2D, eigenvalues `λ1, λ2`: a complex pair is a
    focus (stable if `Re λ < 0`) or a `'center'` (`Re λ = 0`); real ones of opposite
    signs a `'saddle node'` (BrainPy's name for a saddle); both negative a stable node,
    star (`J = λI`) or degenerate node (one eigenvector), both positive the unstable
    ones; a zero eigenvalue a `'center manifold'`, or an `'unstable line'` if the other
    is positive. In 3D, three real eigenvalues make a `'stable node'`, a `'saddle node'`
    (one positive), an `'unstable saddle'` (two) or an `'unstable node'` (three); one
    real `λ0` and a complex pair a `'stable focus'` (both parts negative), an
    `'unstable focus'` (of opposite signs), an `'unstable center'` (`λ0 > 0`, the pair
    imaginary) or an `'unclassified unstable point'` (`λ0 >= 0`, the pair's real part
    positive); a zero elsewhere, `'unknown 3d'`. Values within `rtol * max|J|` of zero
    count as zero.

    **Arguments:**

    - `derivatives`: `df/dx` (1D), the 2x2 Jacobian `[[dfx/dx, dfx/dy], [dfy/dx,
      dfy/dy]]`, or a 3x3 one.
    - `rtol`: the relative tolerance of a zero.

    ```python
    eqbrain.analysis.stability_analysis([[-1.0, 2.0], [-2.0, -1.0]])   # 'stable focus'
    eqbrain.analysis.stability_analysis(0.5)                           # 'unstable point'
    ```
    """
    J = np.asarray(derivatives, dtype=np.float64)
    if not np.all(np.isfinite(J)):
        raise AnalyzerError(f"stability_analysis needs a finite Jacobian, got {J.tolist()}.")
    tol = rtol * float(np.max(np.abs(J), initial=0.0))
    if J.size == 1:
        return _classify_1d(float(J.reshape(())), tol)
    if J.size == 4:
        return _classify_2d(J.reshape(2, 2), tol)
    if J.size == 9:
        return _classify_3d(J.reshape(3, 3), tol)
    raise AnalyzerError(
        f"stability_analysis classifies 1D, 2D and 3D fixed points (derivatives: a "
        f"number, a 2x2 or a 3x3 Jacobian); got an array of shape {J.shape}. For higher "
        "dimensions, look at the eigenvalues: SlowPointFinder.decompose_eigenvalues()."
    )
