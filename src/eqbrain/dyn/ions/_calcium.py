"""Calcium ions whose concentration follows the calcium current: `CalciumDetailed`,
`CalciumFirstOrder`, on `CalciumDyna`."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import InitVar
from typing import Any, ClassVar

import jax.numpy as jnp

from ..._core import Variable
from .._population import Init, Size, built, initial, integral, param
from .._share import share
from ._fixed import Calcium


def detailed_dC(C, t, ICa, F, d, C_rest, tau):
    """Influx `max(-I_Ca / (2 F d), 0)` into a shell of depth `d`, and relaxation to
    `C_rest` with time constant `tau`."""
    drive = jnp.maximum(-ICa(C) / (2.0 * F * d), 0.0)
    return drive + (C_rest - C) / tau


def first_order_dC(C, t, ICa, alpha, beta):
    """Influx `max(-alpha I_Ca, 0)` and decay at rate `beta`."""
    drive = jnp.maximum(-alpha * ICa(C), 0.0)
    return drive - beta * C


class CalciumDyna(Calcium):
    """A calcium ion whose concentration `C` (mM) follows its channels' current, and
    whose reversal potential is Nernst's, `E = R T / (2 F) log(C0 / C)` (BrainPy's
    `CalciumDyna`). Each step, its channels step at the step's starting `C` and `E`,
    then `C` is integrated with their new state, then `E` follows `C`.

    **Arguments:** `size`; `C0` (mM, outside), `T` (°C), `C_initializer` (the initial
    `C`), `method`, channels by keyword.
    """

    R: ClassVar[float] = 8.31441
    F: ClassVar[float] = 96.489
    C: Variable = built()
    E: Variable = built()
    C0: Any = param(default=2.0)
    T: Any = param(default=36.0)
    C_initializer: InitVar[Init] = initial(default=2.4e-4)

    def _build(self, key: Any, args: Mapping[str, Any]) -> None:
        super()._build(key, args)
        self.E = self._variable(self._reversal(self.C.value))

    def _reversal(self, C: Any) -> Any:
        constant = self.R / (2 * self.F) * (273.15 + self.T)
        return constant * jnp.log(self.C0 / C)

    def _step(self, C: Any, ICa: Callable, dt: Any) -> Any:
        raise NotImplementedError

    def update(self, V: Any, external: Callable | None = None) -> None:
        C, E = self.C.value, self.E.value
        for channel in self._channels():
            channel.update(V, C, E)

        def ICa(C_: Any) -> Any:
            return self.current(V, C_, E, external)

        C = self._step(C, ICa, share.load("dt"))
        self.C.value = C
        self.E.value = self._reversal(C)


class CalciumDetailed(CalciumDyna):
    r"""A calcium ion with influx through its channels into a shell of depth `d` and a
    relaxation to `C_rest` (BrainPy's `bp.dyn.CalciumDetailed`; Destexhe et al. 1993):

    $$\frac{dC}{dt} = \max\left(-\frac{I_{Ca}}{2 F d}, 0\right) + \frac{C_{rest} - C}{\tau}.$$

    **Arguments:** `size`; `T`, `d` (µm), `C_rest`, `tau` (ms), `C0`, `C_initializer`;
    channels by keyword. Variables: `C`, `E`.

    ```python
    ca = eqbrain.dyn.CalciumDetailed(1, ICa=eqbrain.dyn.ICaT_HM1992(1))
    ```
    """

    d: Any = param(default=1.0)
    C_rest: Any = param(default=2.4e-4)
    tau: Any = param(default=5.0)

    def __init__(self, size: Size, *args: Any, name: str | None = None, **kwargs: Any):
        """`size`, the parameters above, and the channels it holds, by keyword."""
        super().__init__(size, *args, name=name, **kwargs)

    def _step(self, C: Any, ICa: Callable, dt: Any) -> Any:
        f = integral(detailed_dC, self.method)
        return f(C, share.load("t", 0.0), ICa, self.F, self.d, self.C_rest, self.tau, dt=dt)


class CalciumFirstOrder(CalciumDyna):
    r"""A calcium ion with first-order dynamics (BrainPy's `bp.dyn.CalciumFirstOrder`):
    $dC/dt = \max(-\alpha I_{Ca}, 0) - \beta C$.

    **Arguments:** `size`; `T`, `alpha`, `beta`, `C0`, `C_initializer`; channels by
    keyword. Variables: `C`, `E`.

    ```python
    ca = eqbrain.dyn.CalciumFirstOrder(1, ICa=eqbrain.dyn.ICaL_IS2008(1))
    ```
    """

    alpha: Any = param(default=0.13)
    beta: Any = param(default=0.075)

    def __init__(self, size: Size, *args: Any, name: str | None = None, **kwargs: Any):
        """`size`, the parameters above, and the channels it holds, by keyword."""
        super().__init__(size, *args, name=name, **kwargs)

    def _step(self, C: Any, ICa: Callable, dt: Any) -> Any:
        f = integral(first_order_dC, self.method)
        return f(C, share.load("t", 0.0), ICa, self.alpha, self.beta, dt=dt)
