"""`SlowPointFinder`: fixed and slow points of high-dimensional systems by optimisation
(BrainPy's `bp.analysis.SlowPointFinder`)."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import jax
import jax.numpy as jnp
import jax.tree_util as jtu
import numpy as np
import optax
from jax.flatten_util import ravel_pytree

from .._core import Variable
from .._errors import AnalyzerError
from ..dyn import Clock, DynamicalSystem, get_dt, share
from ..losses import mean_square, mean_squared_error
from . import _roots
from ._measurement import euclidean_distance
from ._pyplot import pyplot

_F_TYPES = ("continuous", "discrete")
_OPS: dict[str, Callable[[Any, Any], Any]] = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": lambda a, b: a / b,
    "=": lambda a, b: b + jnp.zeros_like(a),
}
_SOLVERS = ("BFGS", "NonlinearCG", "GradientDescent")

_F_TYPE_MSG = """\
f_type must be 'continuous' (f_cell is a derivative: its fixed points have f(h) = 0) or \
'discrete' (f_cell is an update: h = f(h)); got {got!r}."""

_DS_ONLY_MSG = """\
{arg} applies when f_cell is a DynamicalSystem (it is {kind}); remove it."""


def _model_paths(model: DynamicalSystem) -> dict[int, str]:
    return {id(v): k for k, v in model.vars(method="relative").items()}


class _Cell:
    """One step of a `DynamicalSystem` as a function of its target Variables' values,
    run on a copy of the model (the model itself is never written)."""

    def __init__(
        self,
        model: Any,
        paths: dict[str, str],
        batch: dict[str, int | None],
        inputs: list,
        args: tuple,
        t: float,
        dt: float,
    ):
        self.model = jtu.tree_map(lambda x: x, model)  # a snapshot: cells of its own
        self.paths, self.batch, self.inputs = paths, batch, inputs
        self.args, self.t, self.dt = args, t, dt

    def __call__(self, h: dict[str, Any]) -> dict[str, Any]:
        copy = jtu.tree_map(lambda x: x, self.model)  # new cells in the current trace
        cells = copy.vars(method="relative")
        for key, path in self.paths.items():
            axis = self.batch[key]
            var = cells[path]
            value = h[key] if axis is None else jnp.expand_dims(h[key], axis)
            var.value = jnp.asarray(value, var.dtype)
        for path, value, op in self.inputs:
            cells[path].value = _OPS[op](cells[path].value, value)
        with share.context(t=self.t, dt=self.dt, i=0):
            copy.update(*self.args)
        out = {}
        for key, path in self.paths.items():
            value = cells[path].value
            axis = self.batch[key]
            out[key] = value if axis is None else jnp.squeeze(value, axis)
        return out


class SlowPointFinder:
    """Fixed and slow points of a high-dimensional system, by minimising its speed.

    For a derivative `f` (`f_type='continuous'`) the loss of a point `h` is the mean of
    `f(h)^2`; for an update (`'discrete'`, and every `DynamicalSystem`, whose one step
    `update` is the update) the mean of `(f(h) - h)^2`; for a dict of variables, the sum
    over the variables of these means (as BrainPy). Candidates are optimised with
    optax (`find_fps_with_gd_method`) or an optimistix minimiser
    (`find_fps_with_opt_solver`), then filtered (`filter_loss`, `keep_unique`,
    `exclude_outliers`); `compute_jacobians` and `decompose_eigenvalues` tell their
    stability.

    **Arguments:**

    - `f_cell`: a function of one point `h` (an array, or a dict of arrays), or a
      `DynamicalSystem`.
    - `f_type`: `'continuous'` or `'discrete'`; a `DynamicalSystem` is `'discrete'`.
    - `f_loss`: the loss of one point, `f_loss(h, f(h))` (discrete) or `f_loss(f(h))`
      (continuous), each an array or a dict of arrays as the point; default
      `eqbrain.losses.mean_squared_error` (discrete) or `mean_square` (continuous),
      which sum over a dict's variables.
    - `verbose`: print the progress.
    - `args`: more arguments, `f_cell(h, *args)`, or `update(*args)` of a system.
    - For a `DynamicalSystem`: `target_vars` (`{'V': model.V, ...}`, default every
      floating-point Variable of the model but `excluded_vars` and a network's
      clock), `excluded_vars`,
      `inputs` (`(model.input, value[, op])`, BrainPy's `(model.input, value, 'fix',
      op)`, or a list of them, applied before each step; op `'+'` by default), `t`
      (default 0) and `dt` (default `eqbrain.dyn.get_dt()`). The other Variables
      (`excluded_vars`, by path) keep the values they had when the finder was made, and
      the model is never written.

    ```python
    finder = eqbrain.analysis.SlowPointFinder(lambda h: -h + jnp.tanh(W @ h),
                                              f_type="continuous")
    finder.find_fps_with_gd_method(candidates, tolerance=1e-8, num_opt=2000)
    finder.filter_loss(1e-8)
    finder.keep_unique()
    jacobians = finder.compute_jacobians(finder.fixed_points)
    ```
    """

    def __init__(
        self,
        f_cell: Any,
        f_type: str | None = None,
        f_loss: Callable | None = None,
        verbose: bool = True,
        args: tuple = (),
        inputs: Any = None,
        t: float | None = None,
        dt: float | None = None,
        target_vars: Mapping[str, Variable] | None = None,
        excluded_vars: Sequence[Variable] | Mapping[str, Variable] | None = None,
    ):
        if not isinstance(args, tuple):
            raise TypeError(f"args must be a tuple, got {args!r} of type {type(args).__name__}.")
        self.args = args
        self.verbose = bool(verbose)
        self.target = f_cell
        if isinstance(f_cell, DynamicalSystem):
            if f_type not in (None, "discrete"):
                raise AnalyzerError(
                    f"f_type of a DynamicalSystem is 'discrete' (update is one step), got "
                    f"{f_type!r}."
                )
            f_type = "discrete"
            self.target_vars = self._target_vars(f_cell, target_vars, excluded_vars)
            targets = {id(v) for v in self.target_vars.values()}
            self.excluded_vars: dict[str, Variable] = {
                k: v
                for k, v in f_cell.vars(method="relative").unique().items()
                if id(v) not in targets
            }
            paths = _model_paths(f_cell)
            self._cell: Callable = _Cell(
                f_cell,
                {k: paths[id(v)] for k, v in self.target_vars.items()},
                {k: v.batch_axis for k, v in self.target_vars.items()},
                self._inputs(f_cell, inputs),
                args,
                0.0 if t is None else float(t),
                get_dt() if dt is None else float(dt),
            )
        elif callable(f_cell):
            given = dict(
                inputs=inputs, t=t, dt=dt, target_vars=target_vars, excluded_vars=excluded_vars
            )
            for name, value in given.items():
                if value is not None:
                    kind = f"a {type(f_cell).__name__}"
                    raise AnalyzerError(_DS_ONLY_MSG.format(arg=name, kind=kind))
            if f_type not in _F_TYPES:
                raise AnalyzerError(_F_TYPE_MSG.format(got=f_type))
            self.target_vars = {}
            self.excluded_vars = {}
            self._cell = (lambda h: f_cell(h, *args)) if args else f_cell
        else:
            raise TypeError(
                "f_cell must be a function of one point h, or a DynamicalSystem; got "
                f"{f_cell!r} of type {type(f_cell).__name__}."
            )
        self.f_type = f_type
        if f_loss is None:
            f_loss = mean_squared_error if f_type == "discrete" else mean_square
        self.f_loss = f_loss
        self._unravel: Callable | None = None
        self._fixed_points: Any = None
        self._losses: Any = None
        self._selected_ids: Any = None
        self._opt_losses: Any = None

    # -- checks -----------------------------------------------------------------------

    @staticmethod
    def _target_vars(model: Any, target_vars: Any, excluded_vars: Any) -> dict[str, Variable]:
        known = {id(v) for v in model.vars(method="relative").values()}
        if target_vars is not None and excluded_vars is not None:
            raise AnalyzerError("Give target_vars or excluded_vars, not both.")
        if target_vars is not None:
            if not isinstance(target_vars, Mapping) or not target_vars:
                raise TypeError(
                    "target_vars must be a non-empty dict of the model's Variables, e.g. "
                    f"{{'V': model.V}}, got {target_vars!r}."
                )
            chosen = dict(target_vars)
        else:
            excluded = excluded_vars or ()
            if isinstance(excluded, Mapping):
                excluded = tuple(excluded.values())
            if not isinstance(excluded, Sequence) or not all(
                isinstance(v, Variable) for v in excluded
            ):
                raise TypeError(
                    "excluded_vars must be a list of the model's Variables "
                    f"([model.input, ...]), got {excluded!r}."
                )
            ids = {id(v) for v in excluded}
            # a network's clock is the runner's bookkeeping, not a state to analyse
            ids |= {
                id(v)
                for node in model.nodes().unique().values()
                if isinstance(node, Clock)
                for v in node.vars().values()
            }
            chosen = {
                k: v
                for k, v in model.vars(method="relative").unique().items()
                if id(v) not in ids and jnp.issubdtype(v.dtype, jnp.floating)
            }
        for key, var in chosen.items():
            if not isinstance(var, Variable) or id(var) not in known:
                raise AnalyzerError(
                    f"target_vars[{key!r}] must be a Variable of the model "
                    f"{type(model).__name__}, got {var!r}."
                )
            axis = var.batch_axis
            if axis is not None and var.shape[axis] != 1:
                raise AnalyzerError(
                    f"target_vars[{key!r}] has a batch axis of size {var.shape[axis]}; the "
                    "finder analyses one system: build the model with batch_size=1 (or none)."
                )
        return chosen

    @staticmethod
    def _inputs(model: Any, inputs: Any) -> list:
        if inputs is None:
            return []
        items = [inputs] if isinstance(inputs, tuple) else inputs
        paths = _model_paths(model)
        out = []
        for item in items if isinstance(items, list) else [items]:
            if isinstance(item, tuple) and len(item) == 4 and item[2] == "fix":
                item = (item[0], item[1], item[3])  # BrainPy's (target, value, type, op)
            ok = isinstance(item, tuple) and len(item) in (2, 3)
            var, value, op = (*item, "+")[:3] if ok else (None, None, None)
            if not ok or id(var) not in paths or op not in _OPS:
                raise AnalyzerError(
                    "inputs must be (variable, value), (variable, value, op) or (variable, "
                    f"value, 'fix', op) with a Variable of the model and op in {list(_OPS)}, "
                    f"or a list of them; got {item!r}. (A function as input: pass the "
                    "values in args instead.)"
                )
            out.append((paths[id(var)], jnp.asarray(value), op))
        return out

    def _check_candidates(self, candidates: Any) -> None:
        if not self.target_vars:
            return
        if not isinstance(candidates, Mapping) or set(candidates) != set(self.target_vars):
            got = sorted(candidates) if isinstance(candidates, Mapping) else candidates
            raise AnalyzerError(
                "candidates must be a dict with one array per target variable, "
                f"{sorted(self.target_vars)}, each (n_candidates, *shape); got {got!r}."
            )
        for key, shape in self._shapes().items():
            got = tuple(np.shape(candidates[key]))
            if got[1:] != shape:
                raise AnalyzerError(
                    f"candidates[{key!r}] must have shape (n_candidates, *{shape}), got {got}."
                )

    def _shapes(self) -> dict[str, tuple[int, ...]]:
        """Each target Variable's shape without its batch axis."""
        out = {}
        for key, var in self.target_vars.items():
            shape = list(var.shape)
            if var.batch_axis is not None:
                shape.pop(var.batch_axis)
            out[key] = tuple(shape)
        return out

    def _flatten(self, candidates: Any) -> tuple[jax.Array, Callable]:
        """`candidates` as an array `(n, dim)` of flattened points, and how to unflatten
        one point."""
        self._check_candidates(candidates)
        leaves = jtu.tree_leaves(candidates)
        sizes = {np.shape(a)[0] if np.ndim(a) else None for a in leaves}
        if not leaves or len(sizes) != 1 or None in sizes or 0 in sizes:
            raise AnalyzerError(
                "candidates must be an array (n_candidates, ...) or a dict of them with the "
                f"same number of candidates each; got leading sizes {sorted(map(str, sizes))}."
            )
        dtype = jnp.zeros(()).dtype
        candidates = jtu.tree_map(lambda a: jnp.asarray(a, dtype), candidates)
        _, unravel = ravel_pytree(jtu.tree_map(lambda a: a[0], candidates))
        return jax.vmap(lambda p: ravel_pytree(p)[0])(candidates), unravel

    def _as_batch(self, points: Any) -> Any:
        """`points`, with a leading axis added if it is one point."""
        if self.target_vars and isinstance(points, Mapping):
            shapes = self._shapes()
            single = all(np.ndim(points[k]) == len(shapes[k]) for k in shapes if k in points)
        elif isinstance(points, Mapping):
            single = all(np.ndim(a) == 1 for a in jtu.tree_leaves(points))
        else:
            single = np.ndim(points) == 1
        return jtu.tree_map(lambda a: jnp.asarray(a)[None], points) if single else points

    # -- the loss ---------------------------------------------------------------------

    def _step(self, h: Any, unravel: Callable) -> Any:
        """`f` of one flattened point, flattened."""
        return ravel_pytree(self._cell(unravel(h)))[0]

    def _loss(self, h: Any, unravel: Callable) -> Any:
        point = unravel(h)
        out = self._cell(point)
        if self.f_type == "discrete":
            return jnp.asarray(self.f_loss(point, out)).reshape(())
        return jnp.asarray(self.f_loss(out)).reshape(())

    def _point_loss(self, unravel: Callable) -> Callable:
        """The loss of one flattened point, jitted: the cell is traced once, however
        often the optimiser calls it."""
        return jax.jit(lambda h: self._loss(h, unravel))

    def _store(self, H: Any, ids: Any, losses: Any) -> None:
        self._fixed_points = np.asarray(H)
        self._losses = np.asarray(losses)
        self._selected_ids = np.asarray(ids)

    def _say(self, text: str) -> None:
        if self.verbose:
            print(text)

    # -- optimisation -----------------------------------------------------------------

    def find_fps_with_gd_method(
        self,
        candidates: Any,
        tolerance: float = 1e-5,
        num_batch: int = 100,
        num_opt: int = 10000,
        optimizer: optax.GradientTransformation | None = None,
    ) -> None:
        """Minimise the mean loss of all candidates by gradient descent, in batches of
        `num_batch` steps, until it is below `tolerance` or after `num_opt` steps.

        **Arguments:**

        - `candidates`: the starting points, `(n, ...)` or a dict of such arrays.
        - `tolerance`: stop when the mean loss is below this.
        - `num_batch`: steps per compiled batch (progress is printed after each).
        - `num_opt`: the most steps.
        - `optimizer`: an optax optimizer; default Adam with a learning rate of 0.2
          decaying by 0.9999 per step.
        """
        if optimizer is None:
            optimizer = optax.adam(optax.exponential_decay(0.2, 1, 0.9999), b1=0.9, b2=0.999)
        if not isinstance(optimizer, optax.GradientTransformation):
            raise TypeError(
                f"optimizer must be an optax optimizer (optax.adam(1e-2), ...), got {optimizer!r}."
            )
        for name, n in (("num_batch", num_batch), ("num_opt", num_opt)):
            if not (isinstance(n, int) and n > 0):
                raise AnalyzerError(f"{name} must be a positive int, got {n!r}.")
        H, unravel = self._flatten(candidates)
        self._unravel = unravel
        point_loss = self._point_loss(unravel)
        loss_and_grad = jax.value_and_grad(lambda H: jnp.mean(jax.vmap(point_loss)(H)))

        @jax.jit
        def batch(H: Any, state: Any) -> Any:
            def step(carry: Any, _: Any) -> Any:
                H, state = carry
                loss, grads = loss_and_grad(H)
                updates, state = optimizer.update(grads, state, H)
                return (optax.apply_updates(H, updates), state), loss

            (H, state), losses = jax.lax.scan(step, (H, state), None, length=num_batch)
            return H, state, losses, jax.vmap(point_loss)(H)

        state = optimizer.init(H)
        self._say(f"Optimizing with {type(optimizer).__name__} to find fixed points:")
        opt_losses, point_losses = [], None
        for i in range(max(1, math.ceil(num_opt / num_batch))):
            start = time.time()
            H, state, losses, point_losses = batch(H, state)
            opt_losses.append(losses)
            last = float(losses[-1])
            self._say(
                f"    Batches {i * num_batch + 1}-{(i + 1) * num_batch} in "
                f"{time.time() - start:0.2f} sec, Training loss {last:0.10f}"
            )
            if last < tolerance:
                self._say(
                    f"    Stop optimization as mean training loss {last:0.10f} is below "
                    f"tolerance {tolerance:0.10f}."
                )
                break
        self._opt_losses = np.concatenate([np.asarray(x) for x in opt_losses])
        self._store(H, np.arange(len(H)), point_losses)

    def find_fps_with_opt_solver(self, candidates: Any, opt_solver: str = "BFGS") -> None:
        """Minimise each candidate's loss with an optimistix minimiser (`'BFGS'`,
        `'NonlinearCG'` or `'GradientDescent'`); keeps the points that stay finite."""
        if opt_solver not in _SOLVERS:
            raise AnalyzerError(f"opt_solver must be one of {_SOLVERS}, got {opt_solver!r}.")
        H, unravel = self._flatten(candidates)
        self._unravel = unravel
        optx = _roots.optimistix()
        tol = 1e-12 if H.dtype == jnp.float64 else 1e-8
        if opt_solver == "GradientDescent":
            solver = optx.GradientDescent(learning_rate=0.1, rtol=tol, atol=tol)
        else:
            solver = getattr(optx, opt_solver)(rtol=tol, atol=tol)

        point_loss = self._point_loss(unravel)

        def one(h: Any) -> Any:
            loss = lambda y, _: point_loss(y)  # noqa: E731
            found = optx.minimise(loss, solver, h, max_steps=1000, throw=False).value
            return found, point_loss(found)

        self._say(f"Optimizing with {opt_solver} to find fixed points:")
        out, losses = map(np.asarray, jax.jit(jax.vmap(one))(H))
        ok = np.nonzero(np.all(np.isfinite(out), axis=1))[0]
        self._store(out[ok], ok, losses[ok])

    # -- filters ----------------------------------------------------------------------

    def _need_points(self, what: str) -> None:
        if self._fixed_points is None:
            raise AnalyzerError(
                f"{what} filters the points found: call find_fps_with_gd_method or "
                "find_fps_with_opt_solver first."
            )

    def _keep(self, ids: Any) -> None:
        self._fixed_points = self._fixed_points[ids]
        self._losses = self._losses[ids]
        self._selected_ids = self._selected_ids[ids]

    def filter_loss(self, tolerance: float = 1e-5) -> None:
        """Keep the points whose loss (squared speed) is below `tolerance`."""
        self._need_points("filter_loss")
        n = len(self._losses)
        self._keep(np.nonzero(self._losses < tolerance)[0])
        self._say(f"    Kept {len(self._losses)}/{n} fixed points with loss under {tolerance}.")

    def keep_unique(self, tolerance: float = 2.5e-2) -> None:
        """Keep one point of each group closer than `tolerance` (the one of least loss,
        the first of equal ones); a `tolerance` of 0 or less keeps every point."""
        self._need_points("keep_unique")
        n = len(self._losses)
        if tolerance <= 0:
            return
        order = np.argsort(self._losses, kind="stable")
        _, ids = _roots.keep_unique(self._fixed_points, tolerance, order=order)
        self._keep(np.sort(ids))
        self._say(f"    Kept {len(ids)}/{n} unique fixed points with tolerance {tolerance}.")

    def exclude_outliers(self, tolerance: float = 1.0) -> None:
        """Drop the points whose nearest other point is farther than `tolerance`."""
        self._need_points("exclude_outliers")
        n = len(self._losses)
        if n <= 1 or np.isinf(tolerance):
            return
        d = euclidean_distance(self._fixed_points)
        np.fill_diagonal(d, np.inf)
        self._keep(np.nonzero(d.min(axis=1) < tolerance)[0])
        self._say(f"    Kept {len(self._losses)}/{n} fixed points within {tolerance} of another.")

    # -- results ----------------------------------------------------------------------

    def _points(self, H: Any) -> Any:
        unravel = self._unravel
        assert unravel is not None
        points = jax.vmap(unravel)(H)
        return jtu.tree_map(np.asarray, points)

    @property
    def fixed_points(self) -> Any:
        """The points found: an array `(n, ...)`, or a dict of them by target variable."""
        self._need_points("fixed_points")
        return self._points(self._fixed_points)

    @property
    def num_fps(self) -> int:
        """How many points are kept."""
        return 0 if self._fixed_points is None else int(self._fixed_points.shape[0])

    @property
    def losses(self) -> np.ndarray:
        """The loss of each point kept."""
        self._need_points("losses")
        return np.asarray(self._losses)

    @property
    def selected_ids(self) -> np.ndarray:
        """The index of each point kept among the candidates."""
        self._need_points("selected_ids")
        return np.asarray(self._selected_ids)

    @property
    def opt_losses(self) -> np.ndarray:
        """The mean loss after each step of `find_fps_with_gd_method`."""
        if self._opt_losses is None:
            raise AnalyzerError("opt_losses come from find_fps_with_gd_method; call it first.")
        return np.asarray(self._opt_losses)

    def compute_jacobians(
        self,
        points: Any,
        stack_dict_var: bool = True,
        plot: bool = False,
        num_col: int = 4,
        len_col: int = 3,
        len_row: int = 2,
    ) -> Any:
        """The Jacobian of `f` at each point (`jax.jacfwd`): `(n, dim, dim)`, a dict's
        variables stacked in order, or (`stack_dict_var=False`) a dict of dicts. With
        `plot`, draw each point's eigenvalues in the complex plane (`num_col` columns,
        panels `len_col` by `len_row` inches) with the line of marginal stability
        (`Re = 1` discrete, `Re = 0` continuous).

        **Arguments:**

        - `points`: one point or `(n, ...)` of them, as the candidates (the
          `fixed_points`, for example).
        """
        batch = self._as_batch(points)
        H, unravel = self._flatten(batch)
        J = np.asarray(jax.jit(jax.vmap(jax.jacfwd(lambda h: self._step(h, unravel))))(H))
        if plot:
            self._plot_eigenvalues(J, num_col, len_col, len_row)
        if stack_dict_var or not isinstance(points, Mapping):
            return J
        # the blocks of J: the variables lie in the flattened point in sorted order
        n = len(J)
        shapes = {k: tuple(np.shape(batch[k])[1:]) for k in sorted(batch)}
        ends = np.cumsum([math.prod(s) for s in shapes.values()])
        spans = {k: slice(e - math.prod(s), e) for (k, s), e in zip(shapes.items(), ends)}
        return {
            r: {c: J[:, spans[r], spans[c]].reshape(n, *shapes[r], *shapes[c]) for c in shapes}
            for r in shapes
        }

    def _plot_eigenvalues(self, J: np.ndarray, num_col: int, len_col: int, len_row: int) -> None:
        plt = pyplot()
        n = len(J)
        cols = min(num_col, n)
        rows = math.ceil(n / cols)
        fig, axes = plt.subplots(
            rows, cols, figsize=(cols * len_col, rows * len_row), squeeze=False
        )
        line = 1.0 if self.f_type == "discrete" else 0.0
        for i in range(n):
            ev = np.linalg.eigvals(J[i])
            ax = axes[i // cols][i % cols]
            ax.scatter(np.real(ev), np.imag(ev))
            ax.axvline(line, linestyle="--", color="gray")
            ax.set_xlabel("Real")
            ax.set_ylabel("Imaginary")
            ax.set_title(f"Point {i}")
        for ax in axes.flat[n:]:  # the grid's unused panels
            ax.remove()
        fig.tight_layout()

    @staticmethod
    def decompose_eigenvalues(
        matrices: Any, sort_by: str = "magnitude", do_compute_lefts: bool = False
    ) -> list[dict[str, Any]]:
        """The eigenvalues and right eigenvectors (and with `do_compute_lefts` the left
        ones, by pseudo-inverse) of each matrix, sorted by decreasing `'magnitude'` or
        `'real'` part: a list of `{'eig_values', 'R', 'L'}`."""
        if sort_by not in ("magnitude", "real"):
            raise AnalyzerError(f"sort_by must be 'magnitude' or 'real', got {sort_by!r}.")
        key = np.abs if sort_by == "magnitude" else np.real
        out = []
        for mat in np.asarray(matrices):
            values, vectors = np.linalg.eig(mat)
            order = np.argsort(key(values))[::-1]
            L = np.linalg.pinv(vectors).T[:, order] if do_compute_lefts else None
            out.append({"eig_values": values[order], "R": vectors[:, order], "L": L})
        return out
