"""`Lif` and `LifRef`: leaky integrate-and-fire neurons, as BrainPy's `bp.dyn.Lif`/`LifRef`."""

from __future__ import annotations

from dataclasses import InitVar
from typing import Any

from ..._core import Variable
from .._population import Init, built, initial, integral, param
from .._share import share
from ._base import IntegrateAndFire, Refractory, SpikingNeuron


def lif_derivative(V, t, I, V_rest, R, tau):
    """`dV/dt = (-V + V_rest + R I) / tau`."""
    return (-V + V_rest + R * I) / tau


class IF(SpikingNeuron):
    r"""The leaky integrator (BrainPy's `bp.dyn.IF`): `Lif`'s membrane without a
    threshold.

    $$\tau \frac{dV}{dt} = -(V - V_{rest}) + R I(t)$$

    `update` returns `V`. As in BrainPy it has a `spike` Variable, which stays `False`:
    the model never fires (use `Lif` for spikes).

    **Arguments:**

    - `size`: the number of neurons (or a shape).
    - `V_rest` (mV), `R`, `tau` (ms), `V_initializer`, `key`, `batch_size`, `method`: as
      for `Lif`; `spk_fun`, `spk_reset`, `detach_spk` are taken as BrainPy takes them
      (a surrogate makes `spike` a float Variable) and change nothing else.

    Variables: `V` (mV), `spike` (always `False`, or 0.0).

    ```python
    neu = eqbrain.dyn.IF(3)
    out = eqbrain.run(neu, 50.0, inputs=jnp.full((500, 3), 2.0), monitors=["V"])
    ```
    """

    V: Variable = built()
    V_rest: Any = param(default=0.0)
    R: Any = param(default=1.0)
    tau: Any = param(default=10.0, positive=True)
    V_initializer: InitVar[Init] = initial(default=0.0)

    def update(self, x: Any = None) -> Any:
        """One step with input current `x` (default 0); returns `V`."""
        f = integral(lif_derivative, self.method)
        t = share.load("t", 0.0)
        x = self.sum_current_inputs(self.V.value, init=0.0 if x is None else x)
        self.V.value = f(self.V.value, t, x, self.V_rest, self.R, self.tau, dt=share.load("dt"))
        return self.V.value


class Lif(IntegrateAndFire):
    r"""Leaky integrate-and-fire neurons (BrainPy's `bp.dyn.Lif`).

    $$\tau \frac{dV}{dt} = -(V - V_{rest}) + R I(t),$$

    and when `V >= V_th` the neuron spikes and `V` is set to `V_reset`. Integrated with
    exponential Euler by default (`method='exp_euler'`, BrainPy's `exp_auto`), which is
    exact for an input constant over the step. BrainPy's defaults, initial `V = 0`
    included.

    **Arguments:**

    - `size`: the number of neurons (or a shape).
    - `V_rest`, `V_reset`, `V_th`: resting, reset and threshold potentials (mV).
    - `R`: membrane resistance; `tau`: membrane time constant (ms).
    - `V_initializer`: the initial `V`: a number, an array, or an initializer
      (`f(key, shape)` as `jax.nn.initializers`, or `f(shape)`).
    - `key`: the random key for initializers (parameters may be initializers too).
    - `batch_size`: give the state a leading batch axis of this size.
    - `method`: the `eqbrain.odeint` method.
    - `spk_fun`, `spk_reset`, `detach_spk`: surrogate spikes for training (see
      `SpikingNeuron`); by default spikes are booleans and the reset is hard.

    Variables: `V` (mV), `spike`.

    ```python
    neu = eqbrain.dyn.Lif(3)
    out = eqbrain.run(neu, 50.0, inputs=jnp.full((500, 3), 25.0), monitors=["V", "spike"])
    ```
    """

    V_rest: Any = param(default=0.0)
    V_reset: Any = param(default=-5.0)
    V_th: Any = param(default=20.0)
    R: Any = param(default=1.0)
    tau: Any = param(default=10.0, positive=True)
    V_initializer: InitVar[Init] = initial(default=0.0)

    def _integrate(self, x: Any) -> Any:
        f = integral(lif_derivative, self.method)
        t = share.load("t", 0.0)
        return f(self.V.value, t, x, self.V_rest, self.R, self.tau, dt=share.load("dt"))


class LifRef(Refractory, Lif):
    r"""Leaky integrate-and-fire neurons with a refractory period (BrainPy's
    `bp.dyn.LifRef`).

    `Lif`'s dynamics, and after a spike `V` is held at its value for `tau_ref` ms
    (while `t - t_last_spike <= tau_ref`). BrainPy's defaults, initial `V = 0`
    included.

    `eqbrain.dyn.LIF` is this class (BrainPy's refractory LIF, `bp.neurons.LIF`).

    **Arguments:** those of `Lif`, and

    - `tau_ref`: the refractory period (ms).
    - `ref_var`: keep a boolean `refractory` Variable.

    Variables: `V` (mV), `spike`, `t_last_spike` (ms), and `refractory` with
    `ref_var=True`.

    ```python
    neu = eqbrain.dyn.LifRef(4000, V_rest=-60.0, V_th=-50.0, V_reset=-60.0, tau=20.0,
                         tau_ref=5.0, V_initializer=-55.0)
    ```
    """


LIF = LifRef
"""BrainPy's name for the refractory LIF (`bp.neurons.LIF`): `LifRef`."""
