"""`JansenRitModel`: the Jansen & Rit (1995) neural mass model of a cortical column
(BrainPy 2.8 names `JansenRitModel` as an empty placeholder)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import InitVar
from typing import Any

import jax.numpy as jnp

from ..._core import Variable
from .._population import Init, Population, built, initial, option, param
from .._share import share
from ..integrators import ODEIntegrator, odeint


def jansen_rit_sigmoid(v, e0, v0, r):
    """The potential-to-rate sigmoid `2 e0 / (1 + exp(r (v0 - v)))` (rate in 1/ms)."""
    return 2.0 * e0 / (1.0 + jnp.exp(r * (v0 - v)))


def jansen_rit_derivative(y0, y1, y2, y3, y4, y5, t, p, A, B, a, b, C1, C2, C3, C4, e0, v0, r):
    """The six derivatives of the Jansen-Rit model (times in ms)."""
    del t
    S = jansen_rit_sigmoid
    dy3 = A * a * S(y1 - y2, e0, v0, r) - 2.0 * a * y3 - a * a * y0
    dy4 = A * a * (p + C2 * S(C1 * y0, e0, v0, r)) - 2.0 * a * y4 - a * a * y1
    dy5 = B * b * C4 * S(C3 * y0, e0, v0, r) - 2.0 * b * y5 - b * b * y2
    return y3, y4, y5, dy3, dy4, dy5


class JansenRitModel(Population):
    r"""The Jansen & Rit (1995) neural mass model of a cortical column: pyramidal cells
    with excitatory and inhibitory interneurons, whose summed postsynaptic potential
    `y1 - y2` (the EEG) shows alpha-like (about 10 Hz) oscillations for an input rate
    `p` from about 120 to 320 Hz and rests at a fixed point for lower rates.

    $$\ddot y_0 = A a\,S(y_1 - y_2) - 2a\dot y_0 - a^2 y_0,$$
    $$\ddot y_1 = A a\,(p + C_2 S(C_1 y_0)) - 2a\dot y_1 - a^2 y_1,$$
    $$\ddot y_2 = B b\,C_4 S(C_3 y_0) - 2b\dot y_2 - b^2 y_2,$$

    with $S(v) = 2e_0 / (1 + e^{r(v_0 - v)})$, written as six first-order equations
    ($y_3 = \dot y_0$, $y_4 = \dot y_1$, $y_5 = \dot y_2$). BrainPy 2.8 names
    `JansenRitModel` but its class is an empty placeholder; this is the paper's model.

    Times are in ms, as everywhere in eqbrain: the paper's rates in 1/s are divided by
    1000 (`a = 100/s` is `0.1`, `e0 = 2.5/s` is `0.0025`, `p = 220 Hz` is `0.22`).

    **Arguments:**

    - `size`: the number of columns (or a shape).
    - `A`, `B`: the excitatory and inhibitory synaptic gains (mV; 3.25, 22).
    - `a`, `b`: the inverse time constants (1/ms; 0.1, 0.05).
    - `C`: the connectivity constant (135); `C1`, `C2`, `C3`, `C4` default to `C`,
      `0.8 C`, `0.25 C`, `0.25 C`.
    - `e0` (1/ms; 0.0025), `v0` (mV; 6), `r` (1/mV; 0.56): the sigmoid.
    - `p`: the input rate to the pyramidal cells' excitatory synapses (1/ms; 0.22).
    - `y0_initializer`, `y1_initializer`, `y2_initializer`, `y3_initializer`,
      `y4_initializer`, `y5_initializer`: the initial states (default 0).
    - `method`: the `eqbrain.odeint` method (default `'rk4'`); `key`, `batch_size`,
      `mode`: as for every population.

    Variables: `y0` ... `y5`, and `input`, added to `p` at the next step and then
    cleared (the runner's `inputs=`, a coupling). `update(inp)` adds `inp` as well and
    returns the EEG `y1 - y2`.

    ```python
    jr = eqbrain.dyn.JansenRitModel(2, p=jnp.array([0.05, 0.22]))
    out = eqbrain.run(jr, 1000.0, monitors={"eeg": lambda: jr.y1.value - jr.y2.value})
    ```
    """

    y0: Variable = built()
    y1: Variable = built()
    y2: Variable = built()
    y3: Variable = built()
    y4: Variable = built()
    y5: Variable = built()
    input: Variable = built()
    integral: ODEIntegrator = built()
    method: str = option(default="rk4")
    A: Any = param(default=3.25)
    B: Any = param(default=22.0)
    a: Any = param(default=0.1, positive=True)
    b: Any = param(default=0.05, positive=True)
    C: Any = param(default=135.0)
    C1: Any = param(default=None)
    C2: Any = param(default=None)
    C3: Any = param(default=None)
    C4: Any = param(default=None)
    e0: Any = param(default=0.0025)
    v0: Any = param(default=6.0)
    r: Any = param(default=0.56)
    p: Any = param(default=0.22)
    y0_initializer: InitVar[Init] = initial(default=0.0)
    y1_initializer: InitVar[Init] = initial(default=0.0)
    y2_initializer: InitVar[Init] = initial(default=0.0)
    y3_initializer: InitVar[Init] = initial(default=0.0)
    y4_initializer: InitVar[Init] = initial(default=0.0)
    y5_initializer: InitVar[Init] = initial(default=0.0)

    def _build(self, key: Any, args: Mapping[str, Any]) -> None:
        """The connectivity constants not given, the input Variable and the integrator."""
        super()._build(key, args)
        for name, ratio in (("C1", 1.0), ("C2", 0.8), ("C3", 0.25), ("C4", 0.25)):
            if getattr(self, name) is None:
                setattr(self, name, self.C * ratio)
        self.input = self._variable(0.0, self.y0.dtype)
        self.integral = odeint(jansen_rit_derivative, method=self.method)

    def _params(self) -> tuple:
        return (
            self.A, self.B, self.a, self.b, self.C1, self.C2, self.C3, self.C4,
            self.e0, self.v0, self.r,
        )  # fmt: skip

    def derivative(self, y0, y1, y2, y3, y4, y5, t, p_ext: Any = 0.0) -> tuple:
        """The six derivatives at a state, with `p_ext` added to the input rate `p`."""
        return jansen_rit_derivative(y0, y1, y2, y3, y4, y5, t, self.p + p_ext, *self._params())

    @property
    def eeg(self) -> Any:
        """The pyramidal cells' summed postsynaptic potential `y1 - y2` (mV)."""
        return self.y1.value - self.y2.value

    def update(self, inp: Any = None) -> Any:
        """One step with `inp` added to the input rate `p` (1/ms); returns `y1 - y2`."""
        t, dt = share.load("t", 0.0), share.load("dt")
        p = self.p + self.input.value
        if inp is not None:
            p = p + inp
        ys = (self.y0, self.y1, self.y2, self.y3, self.y4, self.y5)
        new = self.integral(*(y.value for y in ys), t, p, *self._params(), dt=dt)
        for var, value in zip(ys, new):
            var.value = value
        self.clear_input()
        return self.eeg

    def clear_input(self) -> None:
        """Set `input` to zero (BrainPy's `clear_input`)."""
        self.input.value = jnp.zeros_like(self.input.value)
