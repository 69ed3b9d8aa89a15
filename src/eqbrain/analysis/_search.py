"""Searching the grid: roots of 1D fields, nullclines and fixed points of 2D ones.

A root between two grid points where the field changes sign is refined by bisection and
kept if the field there is less than half its larger value at the bracket's ends (a
pole or a jump also changes sign, but the field does not vanish there). Fixed points of
2D fields start from the centres of the grid cells that both nullclines cross (or from
other candidates) and are refined by Newton's method.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._errors import AnalyzerError
from ._roots import (
    batched,
    bisection,
    curve_bisection,
    curve_points,
    field,
    keep_unique,
    newton,
    sign_changes,
)

ONE_SIZE = dict(small=1024, large=1024)  # one compilation of Newton and bisection
CANDIDATES = ("grid", "aux_rank", "fx-nullcline", "fy-nullcline", "nullclines")
_GRID_BUDGET = 1 << 22  # grid points per chunk of parameter values


def _chunks(an: Any, pars: np.ndarray, pieces: int = 1) -> list[np.ndarray]:
    per_row = int(np.prod([len(an.resolutions[v]) for v in an.target_var_names]))
    size = max(1, min(_GRID_BUDGET // per_row, -(-len(pars) // pieces)))
    return [np.arange(i, min(i + size, len(pars))) for i in range(0, len(pars), size)]


def _kept(f: np.ndarray, f_lo: np.ndarray, f_hi: np.ndarray, roots: np.ndarray) -> np.ndarray:
    return np.isfinite(roots) & (np.abs(f) <= 0.5 * np.maximum(np.abs(f_lo), np.abs(f_hi)))


def roots_1d(an: Any, pars: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The roots of a 1D field for each row of `pars`: `(roots (K,), their rows (K,))`."""
    xs = an.resolutions[an.target_var_names[0]]
    all_roots, all_rows = [], []
    for rows_chunk in _chunks(an, pars):
        F = an._field_on_grid(pars[rows_chunk])[..., 0]  # (m, n)
        (rows, cols), (zrows, zcols) = sign_changes(F, axis=1)
        args = np.concatenate([np.zeros((len(rows), 2), F.dtype), pars[rows_chunk][rows]], 1)
        sign = np.sign(F[rows, cols + 1])
        r, f = batched(bisection, an._eqs, xs[cols], xs[cols + 1], sign, args, **ONE_SIZE)
        ok = _kept(f, F[rows, cols], F[rows, cols + 1], r)
        all_roots += [r[ok], xs[zcols]]
        all_rows += [rows_chunk[rows[ok]], rows_chunk[zrows]]
    roots, rows = np.concatenate(all_roots), np.concatenate(all_rows)
    order = np.lexsort((roots, rows))
    return roots[order], rows[order]


def nullcline_points(
    an: Any, F: np.ndarray, pars: np.ndarray, k: int, j: int
) -> tuple[np.ndarray, np.ndarray]:
    """Points where component `k` of a 2D field vanishes, solved for variable `j` along
    each grid line of the other: `(points (K, 2), their rows (K,))`. `F` is the field on
    the grid for each row of `pars`, `(m, nx, ny, 2)`."""
    xs, ys = (an.resolutions[v] for v in an.target_var_names)
    Fk = F[..., k]
    (r, i, l), (zr, zi, zl) = sign_changes(Fk, axis=1 + j)
    if j == 0:
        lo, hi, other = xs[i], xs[i + 1], ys[l]
        f_hi = Fk[r, i + 1, l]
    else:
        lo, hi, other = ys[l], ys[l + 1], xs[i]
        f_hi = Fk[r, i, l + 1]
    head = np.stack([np.full(len(r), j), np.full(len(r), k), other], axis=1).astype(F.dtype)
    args = np.concatenate([head, pars[r]], axis=1)
    s, f = batched(bisection, an._eqs, lo, hi, np.sign(f_hi), args, **ONE_SIZE)
    ok = _kept(f, Fk[r, i, l], f_hi, s)
    pts = np.stack([s, other] if j == 0 else [other, s], axis=1)[ok]
    zeros = np.stack([xs[zi], ys[zl]], axis=1)
    return np.concatenate([pts, zeros]), np.concatenate([r[ok], zr])


def _crossed_cells(F: np.ndarray, xs: np.ndarray, ys: np.ndarray) -> tuple:
    """Centres of the cells in which both components of the field change sign."""
    corners = np.stack([F[:, :-1, :-1], F[:, 1:, :-1], F[:, :-1, 1:], F[:, 1:, 1:]], axis=0)
    lo, hi = corners.min(axis=0), corners.max(axis=0)
    both = np.all((lo <= 0) & (hi >= 0), axis=-1)  # (m, nx-1, ny-1)
    rows, i, l = np.nonzero(both)
    cx, cy = (xs[:-1] + xs[1:]) / 2, (ys[:-1] + ys[1:]) / 2
    return np.stack([cx[i], cy[l]], axis=1), rows


def _lowest(F: np.ndarray, grid: np.ndarray, num_rank: int) -> tuple:
    """The `num_rank` grid points of each row where `|F|^2` is lowest."""
    loss = np.sum(F**2, axis=-1).reshape(len(F), -1)
    loss = np.where(np.isfinite(loss), loss, np.inf)
    k = min(num_rank, loss.shape[1])
    idx = np.argpartition(loss, k - 1, axis=1)[:, :k]
    flat = grid.reshape(-1, 2)
    return flat[idx.ravel()], np.repeat(np.arange(len(F)), k)


def candidates_2d(an: Any, F: np.ndarray, pars: np.ndarray, how: str, num_rank: int) -> tuple:
    """Starting points for Newton's method and their rows of `pars`."""
    xs, ys = (an.resolutions[v] for v in an.target_var_names)
    if how == "grid":
        return _crossed_cells(F, xs, ys)
    if how == "aux_rank":
        return _lowest(F, an._var_grid(), num_rank)
    parts = []
    comps = {"fx-nullcline": (0,), "fy-nullcline": (1,), "nullclines": (0, 1)}[how]
    for k in comps:
        for j in (0, 1):
            parts.append(nullcline_points(an, F, pars, k, j))
    return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])


def _loss(an: Any, points: np.ndarray, pars: np.ndarray) -> np.ndarray:
    """`sum(f^2)` at each point (infinite where not finite)."""
    f = batched(field, an._eqs, points, pars, **ONE_SIZE)
    loss = np.sum(np.asarray(f) ** 2, axis=-1)
    return np.where(np.isfinite(loss), loss, np.inf)


def _screen(an: Any, cands: np.ndarray, crow: np.ndarray, p: np.ndarray, limit: Any) -> tuple:
    """The candidates where `sum(f^2) < limit` (all of them when `limit` is None)."""
    if limit is None or len(cands) == 0:
        return cands, crow
    ok = _loss(an, cands, p[crow]) < limit
    return cands[ok], crow[ok]


def _newton_in_segments(an: Any, cands: np.ndarray, P: np.ndarray, segments: int) -> tuple:
    """Newton's method from each start, the starts taken in `segments` chunks."""
    size = max(1, -(-len(cands) // segments))
    parts = [
        batched(newton, an._eqs, cands[i : i + size], P[i : i + size], **ONE_SIZE)
        for i in range(0, max(len(cands), 1), size)
    ]
    return np.concatenate([r for r, _ in parts]), np.concatenate([f for _, f in parts])


def _unique_per_row(roots: np.ndarray, residual: np.ndarray, rows: np.ndarray, tol: float):
    points, out_rows = [], []
    for row in np.unique(rows):
        sel = np.nonzero(rows == row)[0]
        kept, ids = keep_unique(roots[sel], tol, order=np.argsort(residual[sel]))
        points.append(kept)
        out_rows.append(np.full(len(ids), row))
    return points, out_rows


def _sorted(points: list, rows: list, dtype: Any) -> tuple[np.ndarray, np.ndarray]:
    if not points:
        return np.zeros((0, 2), dtype=dtype), np.zeros(0, dtype=int)
    points_, rows_ = np.concatenate(points), np.concatenate(rows)
    order = np.lexsort((points_[:, 1], points_[:, 0], rows_))
    return points_[order], rows_[order]


def check_knobs(num_rank: Any, fp_segments: Any, screen: Any, aux_filter: Any) -> None:
    """Errors naming a bad `num_rank`, `num_fp_segment`, `tol_opt_screen` or
    `nullcline_aux_filter`."""
    for name, v in (("num_rank", num_rank), ("num_fp_segment", fp_segments)):
        if not (isinstance(v, int) and not isinstance(v, bool) and v > 0):
            raise AnalyzerError(f"{name} must be a positive int, got {v!r}.")
    if not (screen is None or (_number(screen) and screen > 0)):
        raise AnalyzerError(f"tol_opt_screen must be None or a positive number, got {screen!r}.")
    if not (_number(aux_filter) and aux_filter >= 0):
        raise AnalyzerError(
            f"nullcline_aux_filter must be a number >= 0 (0: no filter), got {aux_filter!r}."
        )


def _number(x: Any) -> bool:
    return isinstance(x, (int, float, np.floating, np.integer)) and bool(np.isfinite(x))


def fixed_points_2d(
    an: Any,
    pars: np.ndarray,
    select_candidates: str = "grid",
    num_rank: int = 100,
    tol_aux: float = 1e-8,
    tol_unique: float = 1e-2,
    pieces: int = 1,
    screen: float | None = None,
    fp_segments: int = 1,
    aux_filter: float = 0.0,
) -> tuple[np.ndarray, np.ndarray]:
    """The fixed points of a 2D field in the target box, for each row of `pars`:
    `(points (K, 2), their rows (K,))`, unique within `tol_unique` per row; the rows are
    searched in at least `pieces` chunks. Candidates where `sum(f^2) >= screen` (and
    nullcline points where it is `>= aux_filter`, when that is positive) are dropped
    before Newton's method, which takes the rest in `fp_segments` chunks. With a
    nullcline helper (`an._curves`), the fixed points are searched along it instead."""
    if select_candidates not in CANDIDATES:
        raise AnalyzerError(
            f"select_candidates must be one of {CANDIDATES}, got {select_candidates!r}."
        )
    check_knobs(num_rank, fp_segments, screen, aux_filter)
    if an._curves:
        return curve_fixed_points(an, pars, tol_aux, tol_unique)
    nullcline = select_candidates not in ("grid", "aux_rank")
    points, rows = [], []
    for chunk in _chunks(an, pars, pieces):
        F = an._field_on_grid(pars[chunk])
        p = pars[chunk]
        cands, crow = candidates_2d(an, F, p, select_candidates, num_rank)
        if nullcline and aux_filter > 0:
            cands, crow = _screen(an, cands, crow, p, aux_filter)
        cands, crow = _screen(an, cands, crow, p, screen)
        roots, residual = _newton_in_segments(an, cands, p[crow], fp_segments)
        ok = (residual <= tol_aux) & an._in_box(roots)
        found = _unique_per_row(roots[ok], residual[ok], chunk[crow[ok]], tol_unique)
        points += found[0]
        rows += found[1]
    return _sorted(points, rows, pars.dtype)


def curve_nullcline(an: Any, curve: Any, pars: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The points of a helper's nullcline in the target box at the grid of its free
    variable, for each row of `pars`: `(points (K, 2), their rows (K,))`."""
    s = an.resolutions[an.target_var_names[1 - curve.j]]
    S, P = np.tile(s, len(pars)), np.repeat(pars, len(s), axis=0)
    pts, _ = batched(curve_points, curve, S, P, **ONE_SIZE)
    ok = np.all(np.isfinite(pts), axis=1) & an._in_box(pts)
    return pts[ok], np.repeat(np.arange(len(pars)), len(s))[ok]


def curve_fixed_points(
    an: Any, pars: np.ndarray, tol_aux: float, tol_unique: float
) -> tuple[np.ndarray, np.ndarray]:
    """Fixed points along the first helper's nullcline: where the other component of
    the field changes sign between grid points of the free variable, refined by
    bisection; kept where `sum(f^2) <= tol_aux`, in the box, unique per row."""
    curve = an._curves[min(an._curves, key=list(_CURVE_ORDER).index)]
    s = an.resolutions[an.target_var_names[1 - curve.j]]
    S, P = np.tile(s, len(pars)), np.repeat(pars, len(s), axis=0)
    _, h = batched(curve_points, curve, S, P, **ONE_SIZE)
    H = np.asarray(h).reshape(len(pars), len(s))
    (rows, cols), (zrows, zcols) = sign_changes(H, axis=1)
    sign = np.sign(H[rows, cols + 1])
    r, f = batched(curve_bisection, curve, s[cols], s[cols + 1], sign, pars[rows], **ONE_SIZE)
    ok = _kept(f, H[rows, cols], H[rows, cols + 1], r)
    roots = np.concatenate([r[ok], s[zcols]])
    rows = np.concatenate([rows[ok], zrows])
    pts, _ = batched(curve_points, curve, roots, pars[rows], **ONE_SIZE)
    loss = _loss(an, pts, pars[rows]) if len(pts) else np.zeros(0)
    ok = (loss <= tol_aux) & an._in_box(pts)
    return _sorted(*_unique_per_row(pts[ok], loss[ok], rows[ok], tol_unique), pars.dtype)


# BrainPy's order of preference when several helpers are given
_CURVE_ORDER = ("x_by_y_in_fx", "x_by_y_in_fy", "y_by_x_in_fx", "y_by_x_in_fy")
