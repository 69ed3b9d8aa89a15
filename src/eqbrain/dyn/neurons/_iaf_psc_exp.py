"""`IafPscExp`: NEST's `iaf_psc_exp`, leaky integrate-and-fire neurons with
exponentially decaying synaptic currents, integrated exactly."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import InitVar
from typing import Any

import jax.numpy as jnp

from ..._core import Variable
from .._population import Init, built, float_dtype, initial, param
from .._share import share
from ._base import SpikingNeuron


def _propagators(dt: float, tau_m: Any, tau_syn: Any, C_m: Any) -> tuple[Any, Any, Any, Any]:
    """`(P11, P33, P30, P31)` of NEST's exact step: current decay, membrane decay, the
    step's effect of a constant current and of the synaptic current on `V`."""
    P11 = jnp.exp(-dt / tau_syn)
    P33 = jnp.exp(-dt / tau_m)
    P30 = (1.0 - P33) * tau_m / C_m
    # the step's integral of exp(-s / tau_syn) filtered by the membrane, over C_m
    # (dt * P33 in the limit tau_m == tau_syn)
    rate = 1.0 / tau_m - 1.0 / tau_syn
    same = jnp.abs(rate) < 1e-9
    P31 = jnp.where(same, dt * P33, (P11 - P33) / jnp.where(same, 1.0, rate)) / C_m
    return P11, P33, P30, P31


class IafPscExp(SpikingNeuron):
    r"""Leaky integrate-and-fire neurons with exponential current synapses (NEST's
    `iaf_psc_exp`, the neurons of Potjans & Diesmann's microcircuit), stepped with
    NEST's exact propagators.

    $$C_m \frac{dV}{dt} = -\frac{C_m}{\tau_m}(V - E_L) + I_{syn} + I_e, \qquad
    \frac{dI_{syn}}{dt} = -\frac{I_{syn}}{\tau_{syn}},$$

    and the input `x` of a step (the summed weights of the spikes arriving, in pA) jumps
    `I_syn` by `x`. In NEST's order, a step moves `V` over `dt` (unless refractory),
    decays `I_syn` and adds `x`, then fires where `V >= V_th`: `V` is set to `V_reset`
    and held there for `t_ref` ms (`round(t_ref / dt)` steps) while `I_syn` goes on.

    **Arguments:**

    - `size`: the number of neurons (or a shape).
    - `C_m` (pF), `tau_m` (ms), `tau_syn` (ms, excitatory and inhibitory alike), `E_L`,
      `V_th`, `V_reset` (mV), `t_ref` (ms), `I_e` (pA, a constant current): NEST's
      defaults; each a number or one value per neuron.
    - `V_initializer`: the initial `V` (default `E_L`'s -70 mV).
    - `key`, `batch_size`, `spk_fun`, `spk_reset`, `detach_spk`: as for `Lif`.

    Variables: `V` (mV), `I_syn` (pA), `refractory_steps` (int32, steps left), `spike`.

    ```python
    neu = eqbrain.dyn.IafPscExp(3, I_e=400.0, V_initializer=-65.0)
    out = eqbrain.run(neu, 50.0, monitors=["V", "spike"])
    ```
    """

    V: Variable = built()
    I_syn: Variable = built()
    refractory_steps: Variable = built()
    C_m: Any = param(default=250.0, positive=True)
    tau_m: Any = param(default=10.0, positive=True)
    tau_syn: Any = param(default=2.0, positive=True)
    E_L: Any = param(default=-70.0)
    V_th: Any = param(default=-55.0)
    V_reset: Any = param(default=-70.0)
    t_ref: Any = param(default=2.0, nonnegative=True)
    I_e: Any = param(default=0.0)
    V_initializer: InitVar[Init] = initial(default=-70.0)

    def _build(self, key: Any, args: Mapping[str, Any]) -> None:
        super()._build(key, args)
        self.I_syn = self._variable(0.0, float_dtype())
        self.refractory_steps = self._variable(0, jnp.int32)

    def update(self, x: Any = None) -> Any:
        """One step with arriving synaptic input `x` (pA, default 0); returns the spikes."""
        dt = share.load("dt")
        P11, P33, P30, P31 = _propagators(dt, self.tau_m, self.tau_syn, self.C_m)
        V_rel = self.V.value - self.E_L
        refractory = self.refractory_steps.value > 0
        moved = P30 * self.I_e + P33 * V_rel + P31 * self.I_syn.value
        V = jnp.where(refractory, V_rel, moved) + self.E_L
        I_syn = self.I_syn.value * P11
        if x is not None:
            I_syn = I_syn + x
        spike, V, s = self._fire(V, self.V_th, self.V_reset)
        fired = s if s.dtype == jnp.bool_ else s > 0.0
        counts = jnp.rint(self.t_ref / dt).astype(jnp.int32)
        left = jnp.where(refractory, self.refractory_steps.value - 1, 0)
        self.refractory_steps.value = jnp.where(fired, counts, left)
        self.V.value = V.astype(self.V.dtype)
        self.I_syn.value = I_syn.astype(self.I_syn.dtype)
        self.spike.value = spike
        return spike
