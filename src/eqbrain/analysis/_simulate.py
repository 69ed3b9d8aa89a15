"""Trajectories with the model's own integrators, and limit cycles found in them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import jax.numpy as jnp
import numpy as np

from .._errors import AnalyzerError
from ..dyn import Monitors, get_dt
from . import _roots

_INITIALS_MSG = """\
initials must give a start for each of {names}: a dict {{name: value or list}}, a tuple \
of numbers (one start), or a list of such tuples; got {got!r}."""


def check_initials(initials: Any, names: tuple[str, ...]) -> np.ndarray:
    """BrainPy's forms of `initials` as an array `(n_starts, n_vars)`."""
    dtype = jnp.zeros(()).dtype
    try:
        if isinstance(initials, Mapping):
            if set(initials) != set(names):
                raise AnalyzerError(_INITIALS_MSG.format(names=list(names), got=initials))
            cols = [np.atleast_1d(np.asarray(initials[n], dtype=float)) for n in names]
            if len({c.shape for c in cols}) != 1 or cols[0].ndim != 1:
                raise AnalyzerError(_INITIALS_MSG.format(names=list(names), got=initials))
            out = np.stack(cols, axis=1)
        elif hasattr(initials, "__array__") or (
            isinstance(initials, Sequence) and not isinstance(initials, str)
        ):
            a = np.asarray(initials, dtype=float)
            out = a[None, :] if a.ndim == 1 else a
        else:
            raise AnalyzerError(_INITIALS_MSG.format(names=list(names), got=initials))
    except (TypeError, ValueError):
        raise AnalyzerError(_INITIALS_MSG.format(names=list(names), got=initials)) from None
    if out.ndim != 2 or out.shape[1] != len(names) or not np.all(np.isfinite(out)):
        raise AnalyzerError(_INITIALS_MSG.format(names=list(names), got=initials))
    return out.astype(dtype)


def check_duration(duration: Any, dt: Any) -> tuple[int, float]:
    """`(number of steps, dt)` for BrainPy's `duration` and `dt` (default: the shared one)."""
    dt = get_dt() if dt is None else dt
    ok = isinstance(dt, int | float) and np.isfinite(dt) and dt > 0
    if not ok:
        raise AnalyzerError(f"dt must be a positive number, got {dt!r}.")
    if not (isinstance(duration, int | float) and np.isfinite(duration) and duration > 0):
        raise AnalyzerError(
            f"duration must be a positive number (the time to run), got {duration!r}."
        )
    steps = int(round(duration / dt))
    if steps < 1:
        raise AnalyzerError(f"duration {duration} is shorter than one step dt={dt}.")
    return steps, float(dt)


def run(eqs: Any, starts: np.ndarray, pars: np.ndarray, steps: int, dt: float) -> Monitors:
    """Run the equations' variables from each start (the other values held) with the
    model's integrators: `Monitors` with `ts` (`steps + 1` times from 0) and each
    variable's values, `(steps + 1, n_starts)`."""
    ys = _roots.simulate(eqs, starts, pars, dt, steps)  # (n, steps + 1, d)
    out = Monitors(ts=np.arange(steps + 1) * dt)
    for i, name in enumerate(eqs.names):
        out[name] = ys[:, :, i].T
    return out


def limit_cycle(x: np.ndarray, tol: float, scale: float) -> tuple[int, int] | None:
    """`(start, end)` of the last period of `x` if it ends on a limit cycle, else None.

    The last two local maxima bound one period; it is a cycle when they agree within
    `tol` of the period's amplitude and the amplitude exceeds `tol * scale` (a damped
    oscillation's maxima keep falling; a fixed point has no amplitude).
    """
    x = np.asarray(x)
    if not np.all(np.isfinite(x)):
        return None
    peaks = np.nonzero((x[1:-1] > x[:-2]) & (x[1:-1] >= x[2:]))[0] + 1
    if len(peaks) < 3:
        return None
    a, b = int(peaks[-2]), int(peaks[-1])
    amplitude = float(np.ptp(x[a : b + 1]))
    if amplitude <= tol * scale or abs(x[b] - x[a]) > tol * amplitude:
        return None
    return a, b


def plot_spans(plot_durations: Any, duration: float, n: int, ts: np.ndarray) -> list:
    """`(first, last)` record indices to draw for each start."""
    if plot_durations is None:
        return [(0, len(ts))] * n
    spans = np.asarray(plot_durations, dtype=float)
    if spans.shape == (2,):
        spans = np.tile(spans, (n, 1))
    if spans.shape != (n, 2) or np.any(spans[:, 0] >= spans[:, 1]):
        raise AnalyzerError(
            f"plot_durations must be (start, end) or one (start, end) per start ({n}), with "
            f"start < end, got {plot_durations!r}."
        )
    dt = ts[1] - ts[0]
    return [(int(round(a / dt)), int(round(b / dt)) + 1) for a, b in spans]
