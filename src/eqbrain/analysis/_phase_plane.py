"""`PhasePlane1D` and `PhasePlane2D`: BrainPy's `bp.analysis` phase-plane analysers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from .._errors import AnalyzerError
from . import _pyplot as P, _search
from ._analyzer import LowDimAnalyzer
from ._simulate import check_duration, check_initials, limit_cycle, plot_spans, run
from ._stability import stability_analysis


def _arrow(ax: Any, line: Any) -> None:
    """An arrow half-way along a drawn trajectory, pointing forward in time."""
    x, y = line.get_xdata(), line.get_ydata()
    if len(x) < 3:
        return
    i = len(x) // 2
    ax.annotate(
        "",
        xytext=(x[i], y[i]),
        xy=(x[i + 1], y[i + 1]),
        arrowprops=dict(arrowstyle="-|>", color=line.get_color(), mutation_scale=15),
    )


def _a(kind: str) -> str:
    return f"an {kind}" if kind[0] in "aeiou" else f"a {kind}"


def _no_target_pars(cls: str, target_pars: Any) -> None:
    if target_pars:
        bif = cls.replace("PhasePlane", "Bifurcation")
        raise AnalyzerError(
            f"{cls} analyses the model at one set of parameters, so it takes no "
            f"target_pars (got {dict(target_pars)!r}): set them with pars_update="
            f"{{name: value}}, or vary them with {bif}."
        )


class PhasePlane1D(LowDimAnalyzer):
    """The phase line of a 1D system `dx/dt = f(x)`: its fixed points and their stability.

    **Arguments:** as `LowDimAnalyzer` (`model`, `target_vars`, `fixed_vars`,
    `pars_update`, `resolutions`, `lim_scale`, `options`), with one target variable;
    `target_pars` must be empty (vary parameters with `Bifurcation1D`).

    ```python
    def qif(V, t, c=0.07, R=1.0, tau=10.0, Iext=0.0, V_rest=-65.0, V_c=-50.0):
        return (c * (V - V_rest) * (V - V_c) + R * Iext) / tau

    pp = eqbrain.analysis.PhasePlane1D(
        qif, target_vars={"V": [-80, -30]}, pars_update={"Iext": 0.0}, resolutions=0.01
    )
    pp.plot_vector_field()
    pp.plot_fixed_point(show=True)   # V=-65 stable, V=-50 unstable
    ```
    """

    _dim = 1

    def __init__(
        self,
        model: Any,
        target_vars: Mapping[str, Any],
        fixed_vars: Mapping[str, Any] | None = None,
        target_pars: Mapping[str, Any] | None = None,
        pars_update: Mapping[str, Any] | None = None,
        resolutions: Any = None,
        lim_scale: float = 1.05,
        options: Any = None,
    ):
        _no_target_pars(type(self).__name__, target_pars)
        super().__init__(
            model,
            target_vars,
            fixed_vars=fixed_vars,
            pars_update=pars_update,
            resolutions=resolutions,
            lim_scale=lim_scale,
            options=options,
        )
        self.x_var = self.target_var_names[0]

    def find_fixed_points(self) -> tuple[np.ndarray, list[str]]:
        """`(points, kinds)`: the fixed points in the target range, in increasing order,
        and the kind of each (`'stable point'`, `'unstable point'`, `'saddle node'`)."""
        pars = self._par_grid()
        roots, rows = _search.roots_1d(self, pars)
        if len(roots) == 0:
            return roots, []
        J = self._jacobians(roots[:, None], pars[rows])
        return roots, [stability_analysis(j) for j in J]

    def plot_vector_field(
        self, with_plot: bool = True, with_return: bool = False, show: bool = False, ax=None
    ) -> Any:
        """Draw `dx/dt` against `x` over the grid; with `with_return`, return its values."""
        xs = self.resolutions[self.x_var]
        dx = self._field_on_grid(self._par_grid())[0, :, 0]
        if with_plot:
            ax = P.axes(ax)
            ax.plot(xs, dx, color="lightcoral", linewidth=3, alpha=0.7, label=f"d{self.x_var}dt")
            ax.axhline(0.0, color="gray", linewidth=0.8)
            ax.set_xlabel(self.x_var)
            ax.set_ylabel(f"d{self.x_var}/dt")
            P.finish(ax, show)
        return dx if with_return else None

    def plot_fixed_point(
        self, with_plot: bool = True, with_return: bool = False, show: bool = False, ax=None
    ) -> Any:
        """Find the fixed points, print each with its kind, and mark them on the `x` axis;
        with `with_return`, return them (an array)."""
        points, kinds = self.find_fixed_points()
        if not len(points):
            print(f"No fixed point found in {self.x_var} in {list(self.target_vars[self.x_var])}.")
        for i, (x, kind) in enumerate(zip(points, kinds)):
            print(f"Fixed point #{i + 1} at {self.x_var}={x:.6g} is {_a(kind)}.")
        if with_plot:
            ax = P.axes(ax)
            for x, kind in zip(points, kinds):
                ax.plot([x], [0.0], **P.point_style(kind), label=kind)
            ax.set_xlabel(self.x_var)
            P.finish(ax, show)
        return points if with_return else None


class PhasePlane2D(LowDimAnalyzer):
    """The phase plane of a 2D system: vector field, nullclines, fixed points and their
    stability, trajectories and limit cycles.

    **Arguments:** as `LowDimAnalyzer` (`model`, `target_vars`, `fixed_vars`,
    `pars_update`, `resolutions`, `lim_scale`, `options`), with two target variables;
    `target_pars` must be empty (vary parameters with `Bifurcation2D`).

    ```python
    def dV(V, t, w, Iext=0.0):
        return V - V**3 / 3 - w + Iext

    def dw(w, t, V, a=0.7, b=0.8):
        return (V + a - b * w) / 12.5

    pp = eqbrain.analysis.PhasePlane2D(
        [eqbrain.odeint(dV), eqbrain.odeint(dw)],
        target_vars={"V": [-3, 3], "w": [-1, 3]},
        pars_update={"Iext": 1.0},
        resolutions=0.01,
    )
    pp.plot_vector_field()
    pp.plot_nullcline()
    pp.plot_fixed_point()
    pp.plot_trajectory(initials={"V": [0.0], "w": [1.0]}, duration=100.0, dt=0.05)
    pp.show_figure()
    ```
    """

    _dim = 2

    def __init__(
        self,
        model: Any,
        target_vars: Mapping[str, Any],
        fixed_vars: Mapping[str, Any] | None = None,
        target_pars: Mapping[str, Any] | None = None,
        pars_update: Mapping[str, Any] | None = None,
        resolutions: Any = None,
        lim_scale: float = 1.05,
        options: Any = None,
    ):
        _no_target_pars(type(self).__name__, target_pars)
        super().__init__(
            model,
            target_vars,
            fixed_vars=fixed_vars,
            pars_update=pars_update,
            resolutions=resolutions,
            lim_scale=lim_scale,
            options=options,
        )
        self.x_var, self.y_var = self.target_var_names

    def _limits(self, ax: Any) -> None:
        scale = (self.lim_scale - 1.0) / 2
        ax.set_xlim(*P.rescale(self.target_vars[self.x_var], scale))
        ax.set_ylim(*P.rescale(self.target_vars[self.y_var], scale))
        ax.set_xlabel(self.x_var)
        ax.set_ylabel(self.y_var)

    def find_fixed_points(
        self,
        select_candidates: str = "grid",
        num_rank: int = 100,
        tol_aux: float = 1e-8,
        tol_unique: float = 1e-2,
        tol_opt_screen: float | None = None,
    ) -> tuple[np.ndarray, list[str]]:
        """`(points, kinds)`: the fixed points in the target box, `(n, 2)` in the order
        of `target_vars`, and the kind of each (see `stability_analysis`).

        **Arguments:**

        - `select_candidates`: where Newton's method starts: `'grid'` (default: the
          centres of the grid cells both nullclines cross), `'aux_rank'` (the `num_rank`
          grid points of smallest `|f|^2`), `'fx-nullcline'`, `'fy-nullcline'` or
          `'nullclines'` (points of those nullclines).
        - `num_rank`: how many points `'aux_rank'` starts from.
        - `tol_aux`: a point is fixed when `|f|^2` there is below this.
        - `tol_unique`: points closer than this are one.
        - `tol_opt_screen`: if given, only candidates where `|f|^2` is below it start
          Newton's method (fewer starts; a fixed point whose candidates are all screened
          out is missed).

        With a nullcline helper in `options`, the fixed points are searched along its
        nullcline instead (`select_candidates`, `num_rank`, `tol_opt_screen` unused).
        """
        pars = self._par_grid()
        points, rows = _search.fixed_points_2d(
            self, pars, select_candidates, num_rank, tol_aux, tol_unique, screen=tol_opt_screen
        )
        if len(points) == 0:
            return points, []
        J = self._jacobians(points, pars[rows])
        return points, [stability_analysis(j) for j in J]

    def plot_vector_field(
        self,
        with_plot: bool = True,
        with_return: bool = False,
        plot_method: str = "streamplot",
        plot_style: dict | None = None,
        show: bool = False,
        ax=None,
    ) -> Any:
        """Draw the vector field (`'streamplot'`, with line widths by speed, or
        `'quiver'`, unit arrows); with `with_return`, return `(dx, dy)` on the grid,
        each `(n_y, n_x)`.

        **Arguments:**

        - `plot_method`: `'streamplot'` (needs evenly spaced resolutions) or `'quiver'`.
        - `plot_style`: keywords for `ax.streamplot` or `ax.quiver`.
        """
        if plot_method not in ("streamplot", "quiver"):
            raise AnalyzerError(
                f"plot_method must be 'streamplot' or 'quiver', got {plot_method!r}."
            )
        xs, ys = self.resolutions[self.x_var], self.resolutions[self.y_var]
        F = self._field_on_grid(self._par_grid())[0]
        dx, dy = F[..., 0].T, F[..., 1].T
        if with_plot:
            ax = P.axes(ax)
            style = dict(plot_style or {})
            speed = np.hypot(dx, dy)
            if plot_method == "quiver":
                style.setdefault("units", "xy")
                norm = np.where(speed > 0, speed, 1.0)
                ax.quiver(xs, ys, dx / norm, dy / norm, **style)
            else:
                for k, v in dict(arrowsize=1.2, density=1, color="thistle").items():
                    style.setdefault(k, v)
                if "linewidth" not in style and np.all(np.isfinite(speed)) and speed.max() > 0:
                    style["linewidth"] = 0.5 + 5.0 * speed / speed.max()
                ax.streamplot(xs, ys, dx, dy, **style)
            self._limits(ax)
            P.finish(ax, show, legend=False)
        return (dx, dy) if with_return else None

    def _coords(self, coords: Any) -> dict[str, tuple[int, ...]]:
        """For each variable's nullcline, the variables to solve for (0: x, 1: y)."""
        out: dict[str, tuple[int, ...]] = {self.x_var: (0, 1), self.y_var: (0, 1)}
        if coords is None:
            return out
        if not isinstance(coords, Mapping):
            raise AnalyzerError(f"coords must be a dict like {{'V': 'w-V'}}, got {coords!r}.")
        forms: dict[str, tuple[int, ...]] = {
            f"{self.x_var}-{self.y_var}": (0,),
            f"{self.y_var}-{self.x_var}": (1,),
        }
        for key, form in coords.items():
            if key not in out or form not in forms:
                raise AnalyzerError(
                    f"coords[{key!r}] = {form!r}: coords maps a target variable "
                    f"({self.x_var!r} or {self.y_var!r}) to {list(forms)}, the variable "
                    "solved for first."
                )
            out[key] = forms[form]
        return out

    def plot_nullcline(
        self,
        with_plot: bool = True,
        with_return: bool = False,
        y_style: dict | None = None,
        x_style: dict | None = None,
        show: bool = False,
        coords: Mapping[str, str] | None = None,
        ax=None,
    ) -> Any:
        """Draw the nullclines (`dx/dt = 0` and `dy/dt = 0`) as points found by bisection
        along the grid lines (or, for a nullcline with a helper in `options`, its points
        at the grid of its free variable); with `with_return`, return `{x_var: (xs,
        ys), y_var: (xs, ys)}`.

        **Arguments:**

        - `x_style`, `y_style`: `ax.plot` keywords for each nullcline (`fmt` too).
        - `coords`: for a variable's nullcline, which variable to solve for along the
          grid lines of the other, e.g. `{'V': 'w-V'}` (solve for `w` at each `V`);
          default both ways (unused for a nullcline given by a helper in `options`).
        """
        ways = self._coords(coords)
        pars = self._par_grid()
        F = self._field_on_grid(pars)
        found = {}
        for k, var in enumerate(self.target_var_names):
            helpers = [c for c in self._curves.values() if c.k == k]
            if helpers:
                parts = [_search.curve_nullcline(self, c, pars)[0] for c in helpers]
            else:
                parts = [_search.nullcline_points(self, F, pars, k, j)[0] for j in ways[var]]
            pts = np.concatenate(parts)
            found[var] = (pts[:, 0], pts[:, 1])
        if with_plot:
            ax = P.axes(ax)
            defaults = [dict(color="cornflowerblue"), dict(color="lightcoral")]
            for k, (var, style) in enumerate(zip(self.target_var_names, (x_style, y_style))):
                s = {**defaults[k], "alpha": 0.7, "markersize": 2, "fmt": ".", **(style or {})}
                fmt = s.pop("fmt")
                ax.plot(*found[var], fmt, **s, label=f"{var} nullcline")
            self._limits(ax)
            P.finish(ax, show)
        return found if with_return else None

    def plot_fixed_point(
        self,
        with_plot: bool = True,
        with_return: bool = False,
        show: bool = False,
        tol_unique: float = 1e-2,
        tol_aux: float = 1e-8,
        select_candidates: str = "grid",
        num_rank: int = 100,
        ax=None,
        tol_opt_screen: float | None = None,
    ) -> Any:
        """Find the fixed points (`find_fixed_points`, which takes the same arguments),
        print each with its kind, and mark them; with `with_return`, return them,
        `(n, 2)`."""
        points, kinds = self.find_fixed_points(
            select_candidates, num_rank, tol_aux, tol_unique, tol_opt_screen
        )
        if not len(points):
            print("No fixed point found in the target box.")
        for i, (p, kind) in enumerate(zip(points, kinds)):
            print(
                f"Fixed point #{i + 1} at {self.x_var}={p[0]:.6g}, {self.y_var}={p[1]:.6g} "
                f"is {_a(kind)}."
            )
        if with_plot:
            ax = P.axes(ax)
            for p, kind in zip(points, kinds):
                ax.plot([p[0]], [p[1]], **P.point_style(kind), label=kind)
            self._limits(ax)
            P.finish(ax, show)
        return points if with_return else None

    def _simulate(self, initials: Any, duration: Any, dt: Any) -> Any:
        starts = check_initials(initials, self.target_var_names)
        steps, dt = check_duration(duration, dt)
        pars = np.zeros((len(starts), 0))
        return run(self._eqs, starts, pars, steps, dt), starts

    def plot_trajectory(
        self,
        initials: Any,
        duration: float,
        plot_durations: Any = None,
        axes: str = "v-v",
        dt: float | None = None,
        show: bool = False,
        with_plot: bool = True,
        with_return: bool = False,
        ax=None,
        **kwargs: Any,
    ) -> Any:
        """Run the model from each start with its own integrators and draw the paths;
        with `with_return`, return the records (`Monitors`: `ts` and each variable,
        `(steps + 1, n_starts)`, the starts included).

        **Arguments:**

        - `initials`: `{'V': [0.0, 1.0], 'w': [1.0, 0.0]}`, one start `(V, w)`, or a list
          of starts.
        - `duration`: the time to run; `dt` the step (default `eqbrain.dyn.get_dt()`).
        - `plot_durations`: the part to draw, `(start, end)` for all or one per start.
        - `axes`: `'v-v'` (the phase plane) or `'t-v'` (each variable against time).
        - `kwargs`: `ax.plot` keywords.
        """
        if axes not in ("v-v", "t-v"):
            raise AnalyzerError(f"axes must be 'v-v' or 't-v', got {axes!r}.")
        mon, starts = self._simulate(initials, duration, dt)
        if with_plot:
            ax = P.axes(ax)
            spans = plot_spans(plot_durations, duration, len(starts), mon.ts)
            for i, (start, (a, b)) in enumerate(zip(starts, spans)):
                label = f"traj{i}: " + ", ".join(
                    f"{v}={s:.4g}" for v, s in zip(self.target_var_names, start)
                )
                if axes == "v-v":
                    (line,) = ax.plot(
                        mon[self.x_var][a:b, i], mon[self.y_var][a:b, i], label=label, **kwargs
                    )
                    _arrow(ax, line)
                else:
                    for v in self.target_var_names:
                        ax.plot(mon.ts[a:b], mon[v][a:b, i], label=f"{label}, {v}", **kwargs)
            if axes == "v-v":
                self._limits(ax)
            else:
                ax.set_xlabel("t")
            P.finish(ax, show)
        return mon if with_return else None

    def plot_limit_cycle_by_sim(
        self,
        initials: Any,
        duration: float,
        tol: float = 0.01,
        show: bool = False,
        dt: float | None = None,
        with_plot: bool = True,
        with_return: bool = False,
        ax=None,
    ) -> Any:
        """Run the model from each start and draw the last period of each run that ends
        on a limit cycle (its last two maxima of `x` agree within `tol` of the
        amplitude); with `with_return`, return one `(xs, ys)` or `None` per start."""
        mon, starts = self._simulate(initials, duration, dt)
        scale = self.target_vars[self.x_var][1] - self.target_vars[self.x_var][0]
        cycles: list[Any] = []
        for i, start in enumerate(starts):
            found = limit_cycle(mon[self.x_var][:, i], tol, scale)
            if found is None:
                print(f"No limit cycle found from {tuple(float(s) for s in start)}.")
                cycles.append(None)
                continue
            a, b = found
            cycles.append((mon[self.x_var][a : b + 1, i], mon[self.y_var][a : b + 1, i]))
        if with_plot:
            ax = P.axes(ax)
            for cycle in cycles:
                if cycle is not None:
                    (line,) = ax.plot(*cycle, label="limit cycle")
                    _arrow(ax, line)
            self._limits(ax)
            P.finish(ax, show)
        return cycles if with_return else None
