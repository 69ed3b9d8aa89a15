"""`FHN`: the FitzHugh-Nagumo rate model, as BrainPy's `bp.dyn.FHN` (`bp.rates.FHN`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import InitVar
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from ..._core import Variable
from .._population import Init, Population, built, initial, integral, param
from .._share import share
from ._ou_process import OUProcess


def fhn_derivative(x, y, t, x_ext, y_ext, alpha, beta, gamma, delta, epsilon, tau):
    """`dx/dt` and `dy/dt` of the FitzHugh-Nagumo model."""
    dx = -alpha * x**3 + beta * x**2 + gamma * x - y + x_ext
    dy = (x - delta - epsilon * y) / tau + y_ext
    return dx, dy


def uniform_0_005(key: jax.Array, shape: tuple[int, ...]) -> jax.Array:
    """BrainPy's default initial `x` and `y` for `FHN`: uniform in [0, 0.05)."""
    return jax.random.uniform(key, shape, minval=0.0, maxval=0.05)


class FHN(Population):
    r"""FitzHugh-Nagumo oscillators, a rate model (BrainPy's `bp.dyn.FHN`).

    $$\frac{dx}{dt} = -\alpha x^3 + \beta x^2 + \gamma x - y + I_x, \qquad
    \frac{dy}{dt} = \frac{x - \delta - \epsilon y}{\tau} + I_y,$$

    with optional Ornstein-Uhlenbeck noise added to the inputs (`x_ou_*`, `y_ou_*`;
    off by default). BrainPy's defaults and initial values: `x` and `y` uniform in
    [0, 0.05) (drawn from `key`, default: split from `eqbrain.random`'s generator).

    The inputs of a step are what was added to the `input` and `input_y` Variables
    since the last step (by other modules, `fhn.input.value += ...`), plus the
    arguments of `update`. A step consumes them: `input` and `input_y` are zero after
    it. (BrainPy's runner clears them after each step, after its monitors read them;
    here a monitor of `input` therefore reads zeros.)

    **Arguments:**

    - `size`: the number of oscillators (or a shape).
    - `alpha`, `beta`, `gamma`, `delta`, `epsilon`, `tau`: the model's parameters.
    - `x_ou_mean`, `x_ou_sigma`, `x_ou_tau`, `y_ou_mean`, `y_ou_sigma`, `y_ou_tau`:
      OU noise on each input (an `OUProcess` is made when the mean or sigma is > 0).
    - `x_initializer`, `y_initializer`: initial values.
    - `key`: the random key for the initializers; `seed`: the seed of the noise
      (default: drawn from `eqbrain.random`).
    - `batch_size`, `method`: as for `Lif`.

    Variables: `x`, `y`, `input`, `input_y` (and the noise processes' `x`, `key`).

    ```python
    fhn = eqbrain.dyn.FHN(3)
    out = eqbrain.run(fhn, 100.0, inputs=jnp.full((1000, 3), 0.8), monitors=["x", "y"])
    ```
    """

    x: Variable = built()
    y: Variable = built()
    input: Variable = built()
    input_y: Variable = built()
    x_ou: OUProcess | None = built()
    y_ou: OUProcess | None = built()
    alpha: Any = param(default=3.0)
    beta: Any = param(default=4.0)
    gamma: Any = param(default=-1.5)
    delta: Any = param(default=0.0)
    epsilon: Any = param(default=0.5)
    tau: Any = param(default=20.0, positive=True)
    x_ou_mean: InitVar[Init] = 0.0
    x_ou_sigma: InitVar[Init] = 0.0
    x_ou_tau: InitVar[Init] = 5.0
    y_ou_mean: InitVar[Init] = 0.0
    y_ou_sigma: InitVar[Init] = 0.0
    y_ou_tau: InitVar[Init] = 5.0
    x_initializer: InitVar[Init] = initial(default=uniform_0_005)
    y_initializer: InitVar[Init] = initial(default=uniform_0_005)
    seed: InitVar[int | None] = None

    def _build(self, key: Any, args: Mapping[str, Any]) -> None:
        """The input Variables, and the OU noise processes when asked for."""
        super()._build(key, args)
        self.input = self._variable(0.0, self.x.dtype)
        self.input_y = self._variable(0.0, self.x.dtype)
        self.x_ou = self._noise(args, "x", args["seed"])
        seed = args["seed"]
        self.y_ou = self._noise(args, "y", None if seed is None else seed + 1)

    def _noise(self, args: Mapping[str, Any], var: str, seed: int | None) -> OUProcess | None:
        """The OU process of the input to `var`, if its mean or sigma is > 0."""
        mean, sigma, tau = (args[f"{var}_ou_{k}"] for k in ("mean", "sigma", "tau"))
        if np.any(np.asarray(mean) > 0) or np.any(np.asarray(sigma) > 0):
            return OUProcess(self.size, mean, sigma, tau, seed=seed, batch_size=self.batch_size)
        return None

    def update(self, inp_x: Any = None, inp_y: Any = None) -> Any:
        """One step with inputs `inp_x` (to `dx/dt`) and `inp_y` (to `dy/dt`); returns `x`."""
        input_x, input_y = self.input.value, self.input_y.value
        if inp_x is not None:
            input_x = input_x + inp_x
        if self.x_ou is not None:
            input_x = input_x + self.x_ou()
        if inp_y is not None:
            input_y = input_y + inp_y
        if self.y_ou is not None:
            input_y = input_y + self.y_ou()
        f = integral(fhn_derivative, self.method)
        x, y = f(
            self.x.value,
            self.y.value,
            share.load("t", 0.0),
            input_x,
            input_y,
            self.alpha,
            self.beta,
            self.gamma,
            self.delta,
            self.epsilon,
            self.tau,
            dt=share.load("dt"),
        )
        self.x.value, self.y.value = x, y
        self.clear_input()
        return x

    def clear_input(self) -> None:
        """Set `input` and `input_y` to zero (BrainPy's `clear_input`)."""
        self.input.value = jnp.zeros_like(self.input.value)
        self.input_y.value = jnp.zeros_like(self.input_y.value)
