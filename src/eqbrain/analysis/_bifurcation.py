"""`Bifurcation1D`, `Bifurcation2D`, `FastSlow1D`, `FastSlow2D`: BrainPy's bifurcation
analysers, fixed points over a grid of one or two parameters, with their stability."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from .._errors import AnalyzerError
from . import _pyplot as P, _search
from ._analyzer import LowDimAnalyzer
from ._simulate import check_duration, check_initials, limit_cycle, plot_spans, run
from ._stability import stability_analysis


def _figure_axes(name: str, three_d: bool) -> Any:
    """The axes of the figure labelled `name` (BrainPy draws one figure per variable); a
    figure holding axes of the other kind (2D or 3D) is cleared first."""
    fig = P.pyplot().figure(name)
    if fig.axes and (fig.axes[0].name == "3d") == three_d:
        return fig.axes[0]
    fig.clf()
    return fig.add_subplot(projection="3d") if three_d else fig.add_subplot()


class _Bifurcation(LowDimAnalyzer):
    def __init__(
        self,
        model: Any,
        target_pars: Mapping[str, Any],
        target_vars: Mapping[str, Any],
        fixed_vars: Mapping[str, Any] | None = None,
        pars_update: Mapping[str, Any] | None = None,
        resolutions: Any = None,
        lim_scale: float = 1.05,
        options: Any = None,
    ):
        if not target_pars:
            raise AnalyzerError(
                f"{type(self).__name__} needs {self._arg_names['target_pars']}: the "
                "parameters to vary and their ranges, e.g. {'Iext': [0.0, 1.0]}."
            )
        super().__init__(
            model,
            target_vars,
            fixed_vars=fixed_vars,
            target_pars=target_pars,
            pars_update=pars_update,
            resolutions=resolutions,
            lim_scale=lim_scale,
            options=options,
        )
        if len(self.target_pars) > 2:
            raise AnalyzerError(
                f"{type(self).__name__} varies one or two parameters (codimension 1 or 2), "
                f"got {list(self.target_pars)}; set the others with pars_update."
            )
        self._fixed_points: tuple[np.ndarray, np.ndarray] | None = None

    def _draw(self, points: np.ndarray, pars: np.ndarray, kinds: list[str], show: bool) -> None:
        """One figure per target variable: the variable at each fixed point against the
        parameter (codimension 1) or the two parameters (codimension 2, in 3D)."""
        scale = (self.lim_scale - 1.0) / 2
        names = self.target_par_names
        three_d = len(names) == 2
        for i, var in enumerate(self.target_var_names):
            ax = _figure_axes(var, three_d)
            for kind in dict.fromkeys(kinds):
                sel = np.asarray([k == kind for k in kinds])
                style = P.point_style(kind, scale=0.5)
                if three_d:
                    ax.scatter(
                        pars[sel, 0],
                        pars[sel, 1],
                        points[sel, i],
                        color=style.get("color"),
                        s=8,
                        label=kind,
                    )
                else:
                    ax.plot(pars[sel, 0], points[sel, i], **style, label=kind)
            ax.set_xlabel(names[0])
            ax.set_xlim(*P.rescale(self.target_pars[names[0]], scale))
            if three_d:
                ax.set_ylabel(names[1])
                ax.set_zlabel(var)
                ax.set_ylim(*P.rescale(self.target_pars[names[1]], scale))
                ax.set_zlim(*P.rescale(self.target_vars[var], scale))
            else:
                ax.set_ylabel(var)
                ax.set_ylim(*P.rescale(self.target_vars[var], scale))
            P.finish(ax, False)
        if show:
            P.pyplot().show()

    def _trajectories(
        self,
        names: tuple[str, ...],
        initials: Any,
        duration: Any,
        dt: Any,
        pars: np.ndarray | None = None,
    ) -> Any:
        starts = check_initials(initials, names)
        steps, dt = check_duration(duration, dt)
        if pars is not None:
            return run(self._eqs, starts, pars, steps, dt)
        # The whole system: slow state variables run too; slow parameters (no equation)
        # stay at their initial values.
        running = tuple(n for n in names if n in self.model.variables)
        held = tuple(n for n in names if n not in running)
        eqs = self.model.as_pytree(running, held, self._check_complete(running))
        col = {n: i for i, n in enumerate(names)}
        mon = run(
            eqs,
            starts[:, [col[n] for n in running]],
            starts[:, [col[n] for n in held]],
            steps,
            dt,
        )
        for n in held:
            mon[n] = np.tile(starts[:, col[n]], (steps + 1, 1))
        return mon


class Bifurcation1D(_Bifurcation):
    """Fixed points of a 1D system over a grid of one or two parameters, with their
    stability (codimension 1 or 2).

    **Arguments:** `model`, `target_pars` (the parameters varied, `{'Iext': [lo, hi]}`),
    `target_vars` (one variable and its range), and as `LowDimAnalyzer`.

    ```python
    def dx(x, t, mu):
        return mu - x**2            # a saddle-node bifurcation at mu = 0

    bif = eqbrain.analysis.Bifurcation1D(
        dx, target_pars={"mu": [-1, 1]}, target_vars={"x": [-2, 2]},
        resolutions={"mu": 0.01, "x": 0.01},
    )
    xs, pars, dfdx = bif.plot_bifurcation(with_return=True)
    ```
    """

    _dim = 1

    def plot_bifurcation(
        self, with_plot: bool = True, show: bool = False, with_return: bool = False
    ) -> Any:
        """Find the fixed points at every parameter value on the grid and draw them by
        kind; with `with_return`, return `(points (n,), parameters (n, n_pars), df/dx
        (n,))`."""
        pars = self._par_grid()
        roots, rows = _search.roots_1d(self, pars)
        pars = pars[rows]
        dfdx = self._jacobians(roots[:, None], pars).reshape(len(roots))
        self._fixed_points = (roots[:, None], pars)
        if with_plot:
            kinds = [stability_analysis(d) for d in dfdx]
            self._draw(roots[:, None], pars, kinds, show)
        return (roots, pars, dfdx) if with_return else None


class Bifurcation2D(_Bifurcation):
    """Fixed points of a 2D system over a grid of one or two parameters, with their
    stability, and limit cycles found by simulation.

    **Arguments:** `model`, `target_pars` (the parameters varied), `target_vars` (two
    variables and their ranges), and as `LowDimAnalyzer`.

    ```python
    bif = eqbrain.analysis.Bifurcation2D(
        [eqbrain.odeint(dV), eqbrain.odeint(dw)],      # FitzHugh-Nagumo
        target_pars={"Iext": [0.0, 1.5]},
        target_vars={"V": [-3, 3], "w": [-1, 3]},
        resolutions={"Iext": 0.01},
    )
    bif.plot_bifurcation()
    bif.plot_limit_cycle_by_sim(duration=200.0, dt=0.05)
    bif.show_figure()
    ```
    """

    _dim = 2

    def plot_bifurcation(
        self,
        with_plot: bool = True,
        show: bool = False,
        with_return: bool = False,
        tol_aux: float = 1e-8,
        tol_unique: float = 1e-2,
        select_candidates: str = "grid",
        num_rank: int = 100,
        num_par_segments: int = 1,
        tol_opt_candidate: float | None = None,
        num_fp_segment: int = 1,
        nullcline_aux_filter: float = 0.0,
    ) -> Any:
        """Find the fixed points at every parameter value on the grid and draw each
        variable against the parameters by kind; with `with_return`, return `(points
        (n, 2), parameters (n, n_pars), Jacobians (n, 2, 2))`.

        **Arguments:**

        - `tol_aux`, `tol_unique`, `select_candidates`, `num_rank`: as
          `PhasePlane2D.find_fixed_points`.
        - `num_par_segments`: the least number of pieces the parameter grid is searched
          in (more pieces, less memory; it is cut up as needed anyway).
        - `tol_opt_candidate`: as `tol_opt_screen` of `PhasePlane2D.find_fixed_points`.
        - `num_fp_segment`: the number of pieces the candidates go through Newton's
          method in (less memory; the same points).
        - `nullcline_aux_filter`: with nullcline candidates (`'fx-nullcline'`,
          `'fy-nullcline'`, `'nullclines'`), only those where `|f|^2` is below it start
          Newton's method; `0` (the default; BrainPy's is `1.0`): all of them. No
          effect with `'grid'` or `'aux_rank'`, which make no nullcline points.

        With a nullcline helper in `options`, the fixed points are searched along its
        nullcline instead, as in `PhasePlane2D.find_fixed_points`.
        """
        if not (isinstance(num_par_segments, int) and num_par_segments > 0):
            raise AnalyzerError(
                f"num_par_segments must be a positive int, got {num_par_segments!r}."
            )
        pars = self._par_grid()
        points, rows = _search.fixed_points_2d(
            self,
            pars,
            select_candidates,
            num_rank,
            tol_aux,
            tol_unique,
            num_par_segments,
            screen=tol_opt_candidate,
            fp_segments=num_fp_segment,
            aux_filter=nullcline_aux_filter,
        )
        pars = pars[rows]
        jacobians = self._jacobians(points, pars)
        self._fixed_points = (points, pars)
        if with_plot:
            kinds = [stability_analysis(j) for j in jacobians]
            self._draw(points, pars, kinds, show)
        return (points, pars, jacobians) if with_return else None

    def plot_limit_cycle_by_sim(
        self,
        duration: float = 100.0,
        with_plot: bool = True,
        with_return: bool = False,
        plot_style: dict | None = None,
        tol: float = 0.001,
        show: bool = False,
        dt: float | None = None,
        offset: float = 1.0,
    ) -> Any:
        """From each fixed point of `plot_bifurcation` (moved by `offset`), run the model
        at its parameters; where the run ends on a limit cycle, draw the cycle's largest
        and smallest value of each variable. With `with_return`, return
        `(({'max': ..., 'min': ...} per variable), (parameter values per parameter))`.
        """
        if self._fixed_points is None:
            raise AnalyzerError(
                "plot_limit_cycle_by_sim starts next to the fixed points of "
                "plot_bifurcation: call plot_bifurcation() first."
            )
        points, pars = self._fixed_points
        mon = self._trajectories(self.target_var_names, points + offset, duration, dt, pars)
        x = self.target_var_names[0]
        scale = self.target_vars[x][1] - self.target_vars[x][0]
        ids, spans = [], []
        for i in range(len(points)):
            found = limit_cycle(mon[x][:, i], tol, scale)
            if found is not None:
                ids.append(i)
                spans.append(found)
        extremes = tuple(
            {
                "max": np.asarray([mon[v][a : b + 1, i].max() for i, (a, b) in zip(ids, spans)]),
                "min": np.asarray([mon[v][a : b + 1, i].min() for i, (a, b) in zip(ids, spans)]),
            }
            for v in self.target_var_names
        )
        cycle_pars = tuple(pars[ids, j] for j in range(len(self.target_par_names)))
        if with_plot and ids:
            self._draw_cycles(extremes, cycle_pars, dict(plot_style or {}), show)
        return (extremes, cycle_pars) if with_return else None

    def _draw_cycles(self, extremes: tuple, pars: tuple, style: dict, show: bool) -> None:
        fmt = style.pop("fmt", "*")
        three_d = len(pars) == 2
        for var, ext in zip(self.target_var_names, extremes):
            ax = _figure_axes(var, three_d)
            for which in ("max", "min"):
                label = f"limit cycle ({which})"
                if three_d:
                    ax.scatter(pars[0], pars[1], ext[which], marker=fmt, label=label, **style)
                else:
                    ax.plot(pars[0], ext[which], fmt, label=label, **style)
            P.finish(ax, False)
        if show:
            P.pyplot().show()


class _FastSlow:
    """Shared by the fast-slow analysers: the slow variables are the parameters of the
    fast subsystem, and trajectories run the whole system."""

    _arg_names = {"target_vars": "fast_vars", "target_pars": "slow_vars"}
    target_var_names: tuple[str, ...]
    target_par_names: tuple[str, ...]
    target_pars: dict[str, tuple[float, float]]
    _trajectories: Any

    def plot_trajectory(
        self,
        initials: Any,
        duration: float,
        plot_durations: Any = None,
        dt: float | None = None,
        show: bool = False,
        with_plot: bool = True,
        with_return: bool = False,
    ) -> Any:
        """Run the whole system (fast and slow variables) from each start and draw each
        fast variable against the slow ones, on its bifurcation figure; with
        `with_return`, return the records (`Monitors`).

        **Arguments:** `initials` gives every fast and slow variable; the others as
        `PhasePlane2D.plot_trajectory`.
        """
        names = (*self.target_var_names, *self.target_par_names)
        mon = self._trajectories(names, initials, duration, dt)
        n = mon[names[0]].shape[1]
        if with_plot:
            spans = plot_spans(plot_durations, duration, n, mon.ts)
            slow = self.target_par_names
            for var in self.target_var_names:
                ax = _figure_axes(var, len(slow) == 2)
                for i, (a, b) in enumerate(spans):
                    coords = [mon[s][a:b, i] for s in slow] + [mon[var][a:b, i]]
                    ax.plot(*coords, label=f"traj{i}")
                P.finish(ax, False)
            if show:
                P.pyplot().show()
        return mon if with_return else None


class FastSlow1D(_FastSlow, Bifurcation1D):
    """A fast-slow system with one fast variable: the fixed points of the fast
    equation with the slow variables frozen (its bifurcation over them), and
    trajectories of the whole system on top.

    **Arguments:** `model`; `fast_vars` (the fast variable and its range); `slow_vars`
    (one or two slow variables and their ranges: state variables of the model, or
    parameters of the fast equation, which trajectories hold at their initial value);
    `fixed_vars`, `pars_update`,
    `resolutions`, `lim_scale`, `options` as `LowDimAnalyzer`.

    ```python
    fs = eqbrain.analysis.FastSlow1D(
        [eqbrain.odeint(dx), eqbrain.odeint(dy)],
        fast_vars={"x": [-2, 2]}, slow_vars={"y": [-1, 1]},
        resolutions={"x": 0.01, "y": 0.01},
    )
    fs.plot_bifurcation()
    fs.plot_trajectory(initials={"x": [1.0], "y": [0.5]}, duration=100.0, dt=0.05)
    ```
    """

    def __init__(
        self,
        model: Any,
        fast_vars: Mapping[str, Any],
        slow_vars: Mapping[str, Any],
        fixed_vars: Mapping[str, Any] | None = None,
        pars_update: Mapping[str, Any] | None = None,
        resolutions: Any = None,
        lim_scale: float = 1.05,
        options: Any = None,
    ):
        super().__init__(
            model, slow_vars, fast_vars, fixed_vars, pars_update, resolutions, lim_scale, options
        )


class FastSlow2D(_FastSlow, Bifurcation2D):
    """A fast-slow system with two fast variables: the fixed points of the fast
    subsystem with the slow variables frozen, limit cycles by simulation, and
    trajectories of the whole system.

    **Arguments:** as `FastSlow1D`, with two fast variables.

    ```python
    fs = eqbrain.analysis.FastSlow2D(
        [int_V, int_w, int_z], fast_vars={"V": [-3, 3], "w": [-1, 3]},
        slow_vars={"z": [0, 1]}, resolutions={"z": 0.01},
    )
    fs.plot_bifurcation()
    ```
    """

    def __init__(
        self,
        model: Any,
        fast_vars: Mapping[str, Any],
        slow_vars: Mapping[str, Any],
        fixed_vars: Mapping[str, Any] | None = None,
        pars_update: Mapping[str, Any] | None = None,
        resolutions: Any = None,
        lim_scale: float = 1.05,
        options: Any = None,
    ):
        super().__init__(
            model, slow_vars, fast_vars, fixed_vars, pars_update, resolutions, lim_scale, options
        )
