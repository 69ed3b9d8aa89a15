"""`RateModel`: what BrainPy's two-variable rate models share (`x`, `y`, their inputs and
Ornstein-Uhlenbeck input noise)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import InitVar
from typing import Any, ClassVar

import jax
import jax.numpy as jnp
import numpy as np

from ..._core import Variable
from .._population import Init, Population, built, option
from .._share import share
from ..integrators import ODEIntegrator, odeint
from ..neurons import OUProcess


def uniform_0_005(key: jax.Array, shape: tuple[int, ...]) -> jax.Array:
    """Uniform in [0, 0.05): BrainPy's default initial `x` and `y` of most rate models."""
    return jax.random.uniform(key, shape, minval=0.0, maxval=0.05)


class RateModel(Population):
    """The shared part of BrainPy's rate models with two variables `x` and `y`
    (`FHN`, `FeedbackFHN`, `QIF`, `StuartLandauOscillator`, `WilsonCowanModel`).

    A subclass gives `_derivative` (a module-level `f(x, y, t, x_ext, y_ext, *params)`
    returning `(dx, dy)`) and `_params()`; this class adds the inputs and the noise and
    integrates one step with `integral`, the `odeint` integrator of `derivative` (the
    model's own parameters bound), which is also what `eqbrain.analysis` reads:
    `PhasePlane2D(model, target_vars={"x": ..., "y": ...})`, with `x_ext`, `y_ext` as
    parameters.

    The inputs of a step are what was added to the `input` and `input_y` Variables
    since the last step (by a coupling, or the runner's `inputs=`), plus the arguments
    of `update`, plus the OU noise (`x_ou_*`, `y_ou_*`; on when a mean or sigma is > 0).
    A step consumes them: `input` and `input_y` are zero after it. With
    `input_var=False` there are no input Variables and only the arguments count.

    **Arguments every such model takes** (besides `size` and its parameters):

    - `x_ou_mean`, `x_ou_sigma`, `x_ou_tau`, `y_ou_mean`, `y_ou_sigma`, `y_ou_tau`: the
      OU noise on each input (off by default).
    - `x_initializer`, `y_initializer`: the initial `x` and `y`.
    - `seed`: the seed of the noise (default: drawn from `eqbrain.random`); `y`'s noise
      uses `seed + 1`.
    - `input_var`: keep the inputs in Variables (default `True`).
    - `key`, `batch_size`, `method`, `mode`: as for every `Population`.
    """

    x: Variable = built()
    y: Variable = built()
    integral: ODEIntegrator = built()
    # `None` with `input_var=False` (typed as the usual case, for `coupling(fhn.input)`)
    input: Variable = built()
    input_y: Variable = built()
    x_ou: OUProcess | None = built()
    y_ou: OUProcess | None = built()
    input_var: bool = option(default=True)
    x_ou_mean: InitVar[Init] = 0.0
    x_ou_sigma: InitVar[Init] = 0.0
    x_ou_tau: InitVar[Init] = 5.0
    y_ou_mean: InitVar[Init] = 0.0
    y_ou_sigma: InitVar[Init] = 0.0
    y_ou_tau: InitVar[Init] = 5.0
    seed: InitVar[int | None] = None

    def _build(self, key: Any, args: Mapping[str, Any]) -> None:
        """The input Variables, and the OU noise processes when asked for."""
        super()._build(key, args)
        self.integral = odeint(self.derivative, method=self.method)
        if self.input_var:
            self.input = self._variable(0.0, self.x.dtype)
            self.input_y = self._variable(0.0, self.x.dtype)
        else:
            self.input = self.input_y = None  # pyright: ignore[reportAttributeAccessIssue]
        seed = args["seed"]
        self.x_ou = self._noise(args, "x", seed)
        self.y_ou = self._noise(args, "y", None if seed is None else seed + 1)

    def _noise(self, args: Mapping[str, Any], var: str, seed: int | None) -> OUProcess | None:
        """The OU process of the input to `var`, if its mean or sigma is > 0."""
        mean, sigma, tau = (args[f"{var}_ou_{k}"] for k in ("mean", "sigma", "tau"))
        if np.any(np.asarray(mean) > 0) or np.any(np.asarray(sigma) > 0):
            return OUProcess(
                self.size,
                mean,
                sigma,
                tau,
                seed=seed,
                batch_size=self.batch_size,
                method=self.method,
            )
        return None

    # the module-level `f(x, y, t, x_ext, y_ext, *params)` of the model
    _derivative: ClassVar[Callable[..., Any]]

    def derivative(self, x: Any, y: Any, t: Any, x_ext: Any = 0.0, y_ext: Any = 0.0) -> Any:
        """`(dx/dt, dy/dt)` at `x`, `y` with inputs `x_ext`, `y_ext`."""
        return type(self)._derivative(x, y, t, x_ext, y_ext, *self._params())

    def _params(self) -> tuple:  # pragma: no cover - abstract
        raise NotImplementedError

    def _inputs(self, inp_x: Any, inp_y: Any) -> tuple[Any, Any]:
        """This step's inputs to `dx/dt` and `dy/dt`: the input Variables, the arguments
        and the noise."""
        zero = jnp.zeros(self.state_shape, self.x.dtype)
        input_x = zero if self.input is None else self.input.value
        input_y = zero if self.input_y is None else self.input_y.value
        if inp_x is not None:
            input_x = input_x + inp_x
        if self.x_ou is not None:
            input_x = input_x + self.x_ou()
        if inp_y is not None:
            input_y = input_y + inp_y
        if self.y_ou is not None:
            input_y = input_y + self.y_ou()
        return input_x, input_y

    def _step(self, input_x: Any, input_y: Any, **extra: Any) -> Any:
        """Integrate one step, store `x` and `y`, consume the inputs; returns `x`."""
        t, dt = share.load("t", 0.0), share.load("dt")
        x, y = self.integral(self.x.value, self.y.value, t, input_x, input_y, dt=dt, **extra)
        self.x.value, self.y.value = x, y
        self.clear_input()
        return x

    def update(self, inp_x: Any = None, inp_y: Any = None) -> Any:
        """One step with inputs `inp_x` (to `dx/dt`) and `inp_y` (to `dy/dt`); returns `x`."""
        input_x, input_y = self._inputs(inp_x, inp_y)
        return self._step(input_x, input_y)

    def clear_input(self) -> None:
        """Set `input` and `input_y` to zero (BrainPy's `clear_input`)."""
        if self.input is not None and self.input_y is not None:
            self.input.value = jnp.zeros_like(self.input.value)
            self.input_y.value = jnp.zeros_like(self.input_y.value)
