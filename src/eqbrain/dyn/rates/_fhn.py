"""`FHN` and `FeedbackFHN`: FitzHugh-Nagumo rate models, as BrainPy's `bp.dyn.FHN` and
`bp.dyn.FeedbackFHN` (`bp.rates`)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import InitVar
from typing import Any

import jax.numpy as jnp
import numpy as np

from ..._core import Variable
from .._population import Init, built, initial, option, param
from .._share import get_dt
from ._rate_model import RateModel, uniform_0_005


def fhn_derivative(x, y, t, x_ext, y_ext, alpha, beta, gamma, delta, epsilon, tau):
    """`dx/dt` and `dy/dt` of the FitzHugh-Nagumo model."""
    dx = -alpha * x**3 + beta * x**2 + gamma * x - y + x_ext
    dy = (x - delta - epsilon * y) / tau + y_ext
    return dx, dy


class FHN(RateModel):
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
    - `input_var`: keep the inputs in the Variables `input`, `input_y` (default);
      `False`: only the arguments of `update` count.
    - `batch_size`, `method`: as for `Lif`.

    Variables: `x`, `y`, `input`, `input_y` (and the noise processes' `x`, `key`).

    ```python
    fhn = eqbrain.dyn.FHN(3)
    out = eqbrain.run(fhn, 100.0, inputs=jnp.full((1000, 3), 0.8), monitors=["x", "y"])
    ```
    """

    alpha: Any = param(default=3.0)
    beta: Any = param(default=4.0)
    gamma: Any = param(default=-1.5)
    delta: Any = param(default=0.0)
    epsilon: Any = param(default=0.5)
    tau: Any = param(default=20.0, positive=True)
    x_initializer: InitVar[Init] = initial(default=uniform_0_005)
    y_initializer: InitVar[Init] = initial(default=uniform_0_005)

    _derivative = staticmethod(fhn_derivative)

    def _params(self) -> tuple:
        return (self.alpha, self.beta, self.gamma, self.delta, self.epsilon, self.tau)


def feedback_fhn_derivative(x, y, t, x_ext, y_ext, x_delayed, a, b, tau, mu, v0):
    """`dx/dt` and `dy/dt` of the FitzHugh-Nagumo model with delayed feedback."""
    dx = x - x * x * x / 3 - y + x_ext + mu * (x_delayed - v0)
    dy = (x + a - b * y + y_ext) / tau
    return dx, dy


class FeedbackFHN(RateModel):
    r"""FitzHugh-Nagumo oscillators with delayed self-feedback (Plant 1981; BrainPy's
    `bp.dyn.FeedbackFHN`).

    $$\frac{dx}{dt} = x - \frac{x^3}{3} - y + I_x + \mu\,[x(t - \mathrm{delay}) - v_0],
    \qquad \frac{dy}{dt} = \frac{x + a - b y + I_y}{\tau}.$$

    The delayed `x` is the value `ceil(delay / dt)` steps before (zero before the
    start), kept in the model's ring buffer `x_history` (`delay_steps + 1` rows, the
    latest at `x_head`; Variables, so it resets, rebatches and is saved with the
    model). Inputs and noise as for `FHN`.

    **Arguments:**

    - `size`: the number of oscillators (or a shape).
    - `a`, `b`, `tau` (ms), `mu` (the feedback strength; negative: inhibitory), `v0`.
    - `delay`: the feedback delay (ms), a number >= 0, counted in steps of the `dt` in
      force when the model is built.
    - the noise, initializers, `key`, `seed`, `input_var`, `batch_size`, `method`: as
      for `FHN`.

    Variables: `x`, `y`, `input`, `input_y`, `x_history`, `x_head`.

    ```python
    fhn = eqbrain.dyn.FeedbackFHN(1, delay=10.0)
    out = eqbrain.run(fhn, 100.0, inputs=jnp.ones((1000, 1)), monitors=["x", "y"])
    ```
    """

    x_history: Variable = built()
    x_head: Variable = built()
    delay_steps: int = built(default=0, static=True)
    a: Any = param(default=0.7)
    b: Any = param(default=0.8)
    delay: float = option(default=10.0)
    tau: Any = param(default=12.5, positive=True)
    mu: Any = param(default=1.6886)
    v0: Any = param(default=-1.0)
    x_initializer: InitVar[Init] = initial(default=uniform_0_005)
    y_initializer: InitVar[Init] = initial(default=uniform_0_005)

    def _build(self, key: Any, args: Mapping[str, Any]) -> None:
        """The delay line of `x`: `ceil(delay / dt)` steps, its latest entry the initial
        `x`."""
        super()._build(key, args)
        delay = args["delay"]
        if isinstance(delay, bool) or np.ndim(delay) != 0:
            raise TypeError(
                f"FeedbackFHN: delay must be one number of ms (the same for every "
                f"oscillator), got {delay!r}."
            )
        delay = float(delay)
        if not math.isfinite(delay) or delay < 0:
            raise ValueError(f"FeedbackFHN: delay must be a number of ms >= 0, got {delay!r}.")
        self.delay = delay
        self.delay_steps = steps = math.ceil(delay / get_dt() - 1e-9)
        history = jnp.zeros((steps + 1, *self.x.shape), self.x.dtype).at[0].set(self.x.value)
        batched = self.batch_size is not None
        self.x_history = Variable(history, batch_axis=1 if batched else None)
        self.x_head = Variable(jnp.zeros((), jnp.int32))

    def delayed_x(self) -> Any:
        """`x` of `delay_steps` steps before (zero before the start)."""
        return self.x_history.value[
            (self.x_head.value + self.delay_steps) % (self.delay_steps + 1)
        ]

    def _params(self) -> tuple:
        return (self.a, self.b, self.tau, self.mu, self.v0)

    def derivative(
        self, x: Any, y: Any, t: Any, x_ext: Any = 0.0, y_ext: Any = 0.0, x_delayed: Any = 0.0
    ) -> Any:
        """`(dx/dt, dy/dt)` at `x`, `y` with inputs `x_ext`, `y_ext` and the delayed `x`."""
        return feedback_fhn_derivative(x, y, t, x_ext, y_ext, x_delayed, *self._params())

    def update(self, inp_x: Any = None, inp_y: Any = None) -> Any:
        """One step with inputs `inp_x` and `inp_y`; returns `x`."""
        input_x, input_y = self._inputs(inp_x, inp_y)
        x = self._step(input_x, input_y, x_delayed=self.delayed_x())
        head = (self.x_head.value - 1) % (self.delay_steps + 1)
        self.x_history.value = self.x_history.value.at[head].set(x)
        self.x_head.value = head
        return x
