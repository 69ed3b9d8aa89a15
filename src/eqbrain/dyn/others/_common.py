"""`Leaky` and `Integrator`: leaky integrators, as BrainPy's `bp.dyn.Leaky` and
`bp.dyn.Integrator`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import InitVar
from typing import Any

from ..._core import Variable
from .._population import Init, Population, built, float_dtype, initial, integral, param
from .._share import share


def leak(x, t, tau):
    """`dx/dt = -x / tau`."""
    return -x / tau


def leaky_integration(x, t, I_ext, tau):
    """`dx/dt = (-x + I_ext) / tau`."""
    return (-x + I_ext) / tau


class Leaky(Population):
    r"""Leaky units (BrainPy's `bp.dyn.Leaky`): each step the value decays and the
    input is added,

    $$x \leftarrow e^{-\Delta t / \tau} x + I.$$

    The decay integrates $dx/dt = -x/\tau$ with `method` (exact for the default
    `'exp_euler'`, BrainPy's `exp_auto`). `x` starts at 0. A training mode
    (`eqbrain.training_mode`) or batching mode gives `x` a leading batch axis.

    **Arguments:**

    - `size`: the number of units (or a shape).
    - `tau`: the time constant (ms), a number or one per unit.
    - `method`, `mode`, `batch_size`, `key`, `name`: as for every `Population`.
    - `init_var`: accepted for BrainPy's signature; the state is always built.

    Variables: `x`.

    ```python
    leaky = eqbrain.dyn.Leaky(3, tau=8.0)
    out = eqbrain.run(leaky, 10.0, inputs=jnp.ones((100, 3)), monitors=["x"])
    ```
    """

    x: Variable = built()
    tau: Any = param(default=10.0, positive=True)
    init_var: InitVar[bool] = True

    def _build(self, key: Any, args: Mapping[str, Any]) -> None:
        super()._build(key, args)
        self.x = self._variable(0.0, float_dtype())

    def derivative(self, x: Any, t: Any) -> Any:
        """`dx/dt = -x / tau` (BrainPy's `derivative`)."""
        return leak(x, t, self.tau)

    def update(self, inp: Any = None) -> Any:
        """One step: decay, then add `inp` (default 0); returns `x`."""
        f = integral(leak, self.method)
        x = f(self.x.value, share.load("t", 0.0), self.tau, dt=share.load("dt"))
        self.x.value = x if inp is None else x + inp
        return self.x.value

    def return_info(self) -> Variable:
        """The output Variable, `x` (BrainPy's `return_info`)."""
        return self.x


class Integrator(Population):
    r"""Leaky integrators of their input (BrainPy's `bp.dyn.Integrator`):

    $$\tau \frac{dx}{dt} = -x + I(t).$$

    Integrated with `method` (exact for an input constant over the step with the
    default `'exp_euler'`, BrainPy's `exp_auto`). (`eqbrain.ODEIntegrator` is the
    integrator class, BrainPy's `bp.Integrator`.)

    **Arguments:**

    - `size`: the number of units (or a shape).
    - `tau`: the time constant (ms), a number or one per unit.
    - `x_initializer`: the initial `x`: a number, an array or an initializer.
    - `method`, `mode`, `batch_size`, `key`, `name`: as for every `Population`.
    - `init_var`: accepted for BrainPy's signature; the state is always built.

    Variables: `x`.

    ```python
    unit = eqbrain.dyn.Integrator(3, tau=5.0, x_initializer=0.5)
    out = eqbrain.run(unit, 10.0, inputs=jnp.ones((100, 3)), monitors=["x"])
    ```
    """

    x: Variable = built()
    tau: Any = param(default=10.0, positive=True)
    x_initializer: InitVar[Init] = initial(default=0.0)
    init_var: InitVar[bool] = True

    def derivative(self, V: Any, t: Any, I_ext: Any) -> Any:
        """`dx/dt = (-x + I_ext) / tau` (BrainPy's `derivative`)."""
        return leaky_integration(V, t, I_ext, self.tau)

    def update(self, x: Any = None) -> Any:
        """One step with input `x` (default 0); returns `x`."""
        f = integral(leaky_integration, self.method)
        inp = 0.0 if x is None else x
        self.x.value = f(self.x.value, share.load("t", 0.0), inp, self.tau, dt=share.load("dt"))
        return self.x.value

    def return_info(self) -> Variable:
        """The output Variable, `x` (BrainPy's `return_info`)."""
        return self.x
