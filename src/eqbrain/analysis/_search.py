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
from ._roots import batched, bisection, keep_unique, newton, sign_changes

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


def fixed_points_2d(
    an: Any,
    pars: np.ndarray,
    select_candidates: str = "grid",
    num_rank: int = 100,
    tol_aux: float = 1e-8,
    tol_unique: float = 1e-2,
    pieces: int = 1,
) -> tuple[np.ndarray, np.ndarray]:
    """The fixed points of a 2D field in the target box, for each row of `pars`:
    `(points (K, 2), their rows (K,))`, unique within `tol_unique` per row; the rows are
    searched in at least `pieces` chunks."""
    if select_candidates not in CANDIDATES:
        raise AnalyzerError(
            f"select_candidates must be one of {CANDIDATES}, got {select_candidates!r}."
        )
    if not (isinstance(num_rank, int) and num_rank > 0):
        raise AnalyzerError(f"num_rank must be a positive int, got {num_rank!r}.")
    points, rows = [], []
    for chunk in _chunks(an, pars, pieces):
        F = an._field_on_grid(pars[chunk])
        cands, crow = candidates_2d(an, F, pars[chunk], select_candidates, num_rank)
        roots, residual = batched(newton, an._eqs, cands, pars[chunk][crow], **ONE_SIZE)
        ok = (residual <= tol_aux) & an._in_box(roots)
        roots, residual, crow = roots[ok], residual[ok], chunk[crow[ok]]
        for row in np.unique(crow):
            sel = np.nonzero(crow == row)[0]
            kept, ids = keep_unique(roots[sel], tol_unique, order=np.argsort(residual[sel]))
            points.append(kept)
            rows.append(np.full(len(ids), row))
    if not points:
        return np.zeros((0, 2), dtype=pars.dtype), np.zeros(0, dtype=int)
    points_, rows_ = np.concatenate(points), np.concatenate(rows)
    order = np.lexsort((points_[:, 1], points_[:, 0], rows_))
    return points_[order], rows_[order]
