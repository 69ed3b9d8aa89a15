"""`LowDimAnalyzer`: the arguments every phase plane and bifurcation shares, checked, and
the vector field they analyse as a JAX function of the target variables and parameters."""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any

import numpy as np

from .._errors import AnalyzerError
from . import _roots
from ._model import REQUIRED, System
from ._options import read_options
from ._pyplot import pyplot

_MAX_GRID = 10_000_000

_RANGE_MSG = """\
{arg}[{key!r}] must be a range [low, high] of two finite numbers with low < high, \
got {value!r}."""

_DIM_MSG = """\
{cls} analyses {dim} variable{s}, but target_vars names {n}: {names}. {hint}"""

_ONE_STEP_MSG = """\
resolutions={step!r} is one step for every target variable and parameter {names}: \
the variables' step sets how finely roots are searched, the parameters' how many \
points the diagram has, and the grid is their product. Give a step per name, \
e.g. resolutions={{'V': 0.01, 'Iext': 0.05}}."""

_UNKNOWN_MSG = """\
{arg} names {key!r}, which is not {what} of the model; the model has {described}."""

_ELSEWHERE = {
    "fixed_vars": " {key!r} is a parameter: set it with pars_update={{{key!r}: value}}.",
    "pars_update": " {key!r} is a state variable: hold it with fixed_vars={{{key!r}: value}}.",
}

_MISSING_VAR_MSG = """\
The equations of {targets} read {missing}, state variable{s} given neither in \
{target_arg} nor in fixed_vars: hold {them} at a value with fixed_vars={example}."""

_MISSING_PAR_MSG = """\
The equations of {targets} need the parameter{s} {missing}, which {have} no default: \
give {them} in pars_update={example}."""


def _is_number(x: Any) -> bool:
    try:
        a = np.asarray(x, dtype=float)
    except (TypeError, ValueError):
        return False
    return a.size == 1 and bool(np.isfinite(a))


def check_ranges(arg: str, value: Any, cls: str) -> dict[str, tuple[float, float]]:
    """`{name: (low, high)}` from BrainPy's `{name: [low, high]}`, or an error naming `arg`."""
    if not isinstance(value, Mapping):
        raise TypeError(
            f"{cls}: {arg} must be a dict of ranges, e.g. {{'V': [-3.0, 3.0]}}, got "
            f"{value!r} of type {type(value).__name__}."
        )
    out = {}
    for key, lim in value.items():
        try:
            low, high = lim
        except (TypeError, ValueError):
            raise AnalyzerError(_RANGE_MSG.format(arg=arg, key=key, value=lim)) from None
        if not (_is_number(low) and _is_number(high) and float(low) < float(high)):
            raise AnalyzerError(_RANGE_MSG.format(arg=arg, key=key, value=lim))
        out[key] = (float(low), float(high))
    return out


def check_values(arg: str, value: Any, cls: str) -> dict[str, float]:
    """`{name: number}`, or an error naming `arg`."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise TypeError(
            f"{cls}: {arg} must be a dict of numbers, e.g. {{'Iext': 1.0}}, got {value!r} "
            f"of type {type(value).__name__}."
        )
    for key, x in value.items():
        if not _is_number(x):
            raise AnalyzerError(f"{arg}[{key!r}] must be a finite number, got {x!r}.")
    return {k: float(np.asarray(x, dtype=float).reshape(())) for k, x in value.items()}


class LowDimAnalyzer:
    """What the phase planes and bifurcations share (BrainPy's `LowDimAnalyzer`).

    **Arguments:**

    - `model`: an integrator made by `eqbrain.odeint`, a derivative function
      `f(x, t, *args)` (integrated with `'rk4'` for trajectories), a list of them, or a
      `DynamicalSystem` whose fields hold integrators.
    - `target_vars`: the variables analysed and their ranges, `{'V': [-3, 3], ...}`.
    - `fixed_vars`: other state variables held at a value, `{'h': 0.6}`.
    - `target_pars`: parameters varied over a range (bifurcations), `{'Iext': [0, 1]}`.
    - `pars_update`: parameters set to a value, `{'Iext': 0.5}` (others keep the
      defaults of the derivative functions).
    - `resolutions`: the grid: a step for every variable and parameter (`0.01`; with
      `target_pars`, a `UserWarning` asks for a step per name), or a dict of steps or
      1D arrays of points by name; default 20 points over each range.
    - `lim_scale`: the axes show each range widened by `(lim_scale - 1) / 2` on each side.
    - `options`: BrainPy's analytic nullcline helpers (2D systems), by name:
      `'x_by_y_in_fx'`, `'y_by_x_in_fx'`, `'x_by_y_in_fy'`, `'y_by_x_in_fy'` (or
      BrainPy's `'fx::x=f(y)'`, ...), e.g. `{'y_by_x_in_fy': lambda V: (V + 0.7) / 0.8}`:
      `w = g(V)` on the nullcline `dw/dt = 0`. The helper's first argument is the
      other variable, the rest target parameters or values of `pars_update` /
      `fixed_vars` by name. That nullcline is then drawn from the helper, and the fixed
      points are searched along the first helper's nullcline (bisection on the other
      component of the field), not from `select_candidates`.

    ```python
    def dV(V, t, w, Iext=0.0):                  # V is a state variable; w, Iext are not
        return V - V**3 / 3 - w + Iext

    def dw(w, t, V):                            # now w is a state variable too
        return (V + 0.7 - 0.8 * w) / 12.5

    pp = eqbrain.analysis.PhasePlane1D(         # every analyser takes these arguments
        [dV, dw], target_vars={"V": [-3, 3]}, fixed_vars={"w": 1.0},
        pars_update={"Iext": 0.5},
    )
    pp.resolutions["V"]                         # 20 points from -3 to 3
    ```
    """

    _dim: int | None = None
    _arg_names = {"target_vars": "target_vars", "target_pars": "target_pars"}

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
        cls = type(self).__name__
        tv, tp = self._arg_names["target_vars"], self._arg_names["target_pars"]
        if not (_is_number(lim_scale) and float(lim_scale) >= 1.0):
            raise AnalyzerError(f"lim_scale must be a number >= 1, got {lim_scale!r}.")
        self.model = System(model)
        self.target_vars = check_ranges(tv, target_vars, cls)
        self.fixed_vars = check_values("fixed_vars", fixed_vars, cls)
        self.target_pars = check_ranges(tp, {} if target_pars is None else target_pars, cls)
        self.pars_update = check_values("pars_update", pars_update, cls)
        self.lim_scale = float(lim_scale)
        self._check_names(cls)
        self.target_var_names = tuple(self.target_vars)
        self.target_par_names = tuple(self.target_pars)
        self._constants = self._check_complete(self.target_var_names)
        self.resolutions = self._check_resolutions(resolutions)
        self._eqs = self.model.as_pytree(
            self.target_var_names, self.target_par_names, self._constants
        )
        self._curves = read_options(self, options)
        self.options = dict(options or {})

    # -- checks -----------------------------------------------------------------------

    def _check_names(self, cls: str) -> None:
        m = self.model
        tv, tp = self._arg_names["target_vars"], self._arg_names["target_pars"]
        if not self.target_vars:
            raise AnalyzerError(f"{cls}: {tv} is empty; name the variables to analyse.")
        for key in self.target_vars:
            if key not in m.variables:
                what = "a state variable"
                raise AnalyzerError(
                    _UNKNOWN_MSG.format(arg=tv, key=key, what=what, described=m.describe())
                )
        if self._dim is not None and len(self.target_vars) != self._dim:
            raise AnalyzerError(self._dim_message(cls))
        for key in self.fixed_vars:
            if key not in m.variables:
                raise AnalyzerError(self._unknown("fixed_vars", key, "a state variable"))
            if key in self.target_vars or key in self.target_pars:
                where = tv if key in self.target_vars else tp
                raise AnalyzerError(
                    f"{key!r} is in both {where} and fixed_vars: a variable is either "
                    "analysed or held fixed."
                )
        allowed = set(m.parameters) | (set(m.variables) if tp == "slow_vars" else set())
        for key in self.target_pars:
            if key not in allowed or key in self.target_vars:
                what = "a state variable or parameter" if tp == "slow_vars" else "a parameter"
                raise AnalyzerError(
                    _UNKNOWN_MSG.format(arg=tp, key=key, what=what, described=m.describe())
                )
        for key in self.pars_update:
            if key not in m.parameters:
                raise AnalyzerError(self._unknown("pars_update", key, "a parameter"))
            if key in self.target_pars:
                raise AnalyzerError(
                    f"{key!r} is in both {tp} and pars_update: a parameter is either varied "
                    "or set."
                )

    def _unknown(self, arg: str, key: str, what: str) -> str:
        m = self.model
        text = _UNKNOWN_MSG.format(arg=arg, key=key, what=what, described=m.describe())
        if key in (m.parameters if arg == "fixed_vars" else m.variables):
            text += _ELSEWHERE[arg].format(key=key)
        return text

    def _dim_message(self, cls: str) -> str:
        n = len(self.target_vars)
        dim = self._dim or 0
        if n < dim:
            hint = f"Use {cls.replace('2D', '1D')} for one variable."
        else:
            hint = "Choose them and hold the others at a value with fixed_vars={...}."
        return _DIM_MSG.format(
            cls=cls,
            dim=dim,
            s="" if dim == 1 else "s",
            n=n,
            names=list(self.target_vars),
            hint=hint,
        )

    def _check_complete(self, names: tuple[str, ...]) -> dict[str, float]:
        """The values every equation of `names` reads but the analysis does not vary."""
        m = self.model
        given = set(names) | set(self.target_pars)
        constants: dict[str, float] = {}
        missing_vars: list[str] = []
        missing_pars: list[str] = []
        for eq in m.equations_of(names):
            for v in (*eq.variables, *eq.arguments):
                if v in given:
                    continue
                if v in m.owner:
                    if v in self.fixed_vars:
                        constants[v] = self.fixed_vars[v]
                    elif v not in missing_vars:
                        missing_vars.append(v)
                elif v in self.pars_update:
                    constants[v] = self.pars_update[v]
                elif eq.defaults.get(v, REQUIRED) is REQUIRED and v not in missing_pars:
                    missing_pars.append(v)
        targets = list(names)
        if missing_vars:
            s = len(missing_vars) > 1
            raise AnalyzerError(
                _MISSING_VAR_MSG.format(
                    targets=targets,
                    missing=missing_vars,
                    s="s" if s else "",
                    target_arg=self._arg_names["target_vars"],
                    them="them" if s else "it",
                    example={v: 0.0 for v in missing_vars},
                )
            )
        if missing_pars:
            s = len(missing_pars) > 1
            raise AnalyzerError(
                _MISSING_PAR_MSG.format(
                    targets=targets,
                    missing=missing_pars,
                    s="s" if s else "",
                    have="have" if s else "has",
                    them="them" if s else "it",
                    example={p: 0.0 for p in missing_pars},
                )
            )
        return constants

    def _check_resolutions(self, resolutions: Any) -> dict[str, np.ndarray]:
        lims = {**self.target_vars, **self.target_pars}
        if resolutions is None:
            resolutions = {}
        elif _is_number(resolutions):
            if self.target_pars:
                text = _ONE_STEP_MSG.format(step=resolutions, names=list(lims))
                warnings.warn(text, UserWarning, stacklevel=4)
            resolutions = {k: resolutions for k in lims}
        elif not isinstance(resolutions, Mapping):
            raise TypeError(
                "resolutions must be a step (0.01), a dict of steps or 1D arrays by name, "
                f"or None, got {resolutions!r} of type {type(resolutions).__name__}."
            )
        out = {}
        for key in resolutions:
            if key not in lims:
                raise AnalyzerError(
                    f"resolutions names {key!r}, which is neither a target variable "
                    f"{list(self.target_vars)} nor a target parameter {list(self.target_pars)}."
                )
        for key, (low, high) in lims.items():
            out[key] = self._grid(key, resolutions.get(key), low, high)
        size = int(np.prod([len(g) for g in out.values()]))
        if size > _MAX_GRID:
            raise AnalyzerError(
                f"resolutions make a grid of {size:,} points (more than {_MAX_GRID:,}); use "
                "coarser steps, e.g. resolutions={'V': 0.05, 'Iext': 0.05}."
            )
        return out

    @staticmethod
    def _grid(key: str, res: Any, low: float, high: float) -> np.ndarray:
        if res is None:
            return np.linspace(low, high, 20)
        if _is_number(res):
            step = float(np.asarray(res, dtype=float).reshape(()))
            if step <= 0:
                raise AnalyzerError(f"resolutions[{key!r}] must be a positive step, got {res!r}.")
            n = int(np.floor((high - low) / step + 1e-9)) + 1
            if n < 2:
                raise AnalyzerError(
                    f"resolutions[{key!r}] = {res!r} is wider than the range [{low}, {high}]; "
                    "use a smaller step."
                )
            return low + step * np.arange(n)
        a = np.asarray(res)
        if a.ndim != 1 or a.size < 2 or not np.all(np.isfinite(a)) or np.any(np.diff(a) <= 0):
            raise AnalyzerError(
                f"resolutions[{key!r}] must be a step or a 1D array of at least two increasing "
                f"finite points, got {res!r}."
            )
        return a.astype(np.float64)

    # -- the vector field -------------------------------------------------------------

    def _par_grid(self) -> np.ndarray:
        """Every combination of the target parameters' grids: `(m, n_pars)`."""
        if not self.target_par_names:
            return np.zeros((1, 0))
        mesh = np.meshgrid(*(self.resolutions[p] for p in self.target_par_names), indexing="ij")
        return np.stack([a.ravel() for a in mesh], axis=-1)

    def _var_grid(self) -> np.ndarray:
        """The grid of the target variables, `(n_1, ..., n_d, d)`."""
        mesh = np.meshgrid(*(self.resolutions[v] for v in self.target_var_names), indexing="ij")
        return np.stack(mesh, axis=-1)

    def _field_on_grid(self, pars: np.ndarray) -> np.ndarray:
        """The field on the variables' grid for each row of `pars`: `(m, n_1, ..., d)`."""
        grid = self._var_grid()
        shape = grid.shape
        pts = grid.reshape(-1, shape[-1])
        n = len(pts)
        allx = np.tile(pts, (len(pars), 1))
        allp = np.repeat(pars, n, axis=0)
        out = _roots.batched(_roots.field, self._eqs, allx, allp, small=1 << 14, large=1 << 14)
        return np.asarray(out).reshape((len(pars), *shape))

    def _jacobians(self, points: np.ndarray, pars: np.ndarray) -> np.ndarray:
        return np.asarray(
            _roots.batched(_roots.jacobian, self._eqs, points, pars, small=1024, large=1024)
        )

    def _in_box(self, points: np.ndarray) -> np.ndarray:
        ok = np.ones(len(points), dtype=bool)
        for i, v in enumerate(self.target_var_names):
            low, high = self.target_vars[v]
            slack = 1e-6 * (high - low)
            ok &= (points[:, i] >= low - slack) & (points[:, i] <= high + slack)
        return ok

    def show_figure(self) -> None:
        """`plt.show()`: show the figures drawn so far (BrainPy's `show_figure`)."""
        pyplot().show()
