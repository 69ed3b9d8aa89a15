"""What the spiking neurons share: the spike, the reset, the integrate-and-fire step and
the refractory period."""

from __future__ import annotations

import abc
from collections.abc import Callable, Mapping
from dataclasses import InitVar
from typing import Any, ClassVar, Protocol, cast

import jax
import jax.numpy as jnp

from ..._core import Variable
from .._population import Population, built, float_dtype, option, param
from .._share import share

SPK_RESETS = ("soft", "hard")


class _Resets(Protocol):
    """A neuron that fires at `V_th` and resets to `V_reset` (parameters)."""

    V_th: float | jax.Array
    V_reset: float | jax.Array


class SpikingNeuron(Population):
    """A spiking population: a `spike` output and BrainPy's two ways to emit it.

    With `spk_fun=None` (BrainPy's default, non-training mode) a spike is the boolean
    `V >= V_th` and `V` is set to its reset value. With a surrogate `spk_fun` (BrainPy's
    `TrainingMode`), the spike is the float `spk_fun(V - V_th)`, differentiable through
    the surrogate's gradient, and the reset is `spk_reset`: `'soft'` subtracts
    `V_th - V_reset` times the spike, `'hard'` moves `V` to `V_reset` by the spike.
    `detach_spk=True` stops the gradient through the spike where it resets `V`.

    A mode (`mode=`, or one chosen by `eqbrain.environment`/`set_mode`) decides as in
    BrainPy: `eqbrain.training_mode` uses `spk_fun` (`InvSquareGrad()` if none is given)
    and batches the state; the other modes emit boolean spikes whatever `spk_fun` is.
    """

    spike: Variable = built()
    spk_fun: Callable | None = option(default=None)
    spk_reset: str = option(default="soft")
    detach_spk: bool = option(default=False)

    def _build(self, key: Any, args: Mapping[str, Any]) -> None:
        super()._build(key, args)
        if self.spk_fun is not None and not callable(self.spk_fun):
            raise TypeError(f"spk_fun must be a callable surrogate or None, got {self.spk_fun!r}.")
        if self.spk_reset not in SPK_RESETS:
            raise ValueError(f"spk_reset must be 'soft' or 'hard', got {self.spk_reset!r}.")
        self.detach_spk = bool(self.detach_spk)
        self.spike = self._variable(False, bool if self.spk_fun is None else float_dtype())

    def _fire(self, V: Any, V_th: Any, V_reset: Any) -> tuple[Any, Any, Any]:
        """`(spike, V after the reset, spike for the other resets)`.

        In training mode the third is the spike with its gradient stopped when
        `detach_spk`; otherwise it is the boolean spike itself.
        """
        if self.spk_fun is None:
            spike = V >= V_th
            return spike, jnp.where(spike, V_reset, V), spike
        spike = self.spk_fun(V - V_th)
        s = jax.lax.stop_gradient(spike) if self.detach_spk else spike
        if self.spk_reset == "soft":
            V = V - (V_th - V_reset) * s
        else:
            V = V + (V_reset - V) * s
        return spike, V, s

    def _jump(self, s: Any, x: Any, new: Any) -> Any:
        """`x` set to `new` where the neuron spiked (`s` from `_fire`)."""
        if self.spk_fun is None:
            return jnp.where(s, new, x)
        return x + (new - x) * s


class IntegrateAndFire(SpikingNeuron):
    """The step shared by the integrate-and-fire family (`Lif`, `ExpIF`, `QuaIF`,
    `AdExIF`, `Izhikevich` and their `*Ref` forms): integrate the state over `dt`,
    hold `V` while refractory (in `Refractory` subclasses), fire and reset, write.

    A subclass lists its state Variables in `STATES` (`V` first), returns their new
    values from `_integrate(x)`, which it must define (one value, or a tuple in `STATES`
    order), and extends `_spike` for what a spike does besides resetting `V` (e.g.
    `w += b`).
    """

    STATES: ClassVar[tuple[str, ...]] = ("V",)
    V: Variable = built()

    @abc.abstractmethod
    def _integrate(self, x: Any) -> Any:
        """The new values of `STATES` after one step with input current `x`."""

    def _spike(self, new: dict[str, Any]) -> tuple[Any, Any]:
        """`(spike, s)`: fire where `new['V']` reaches `V_th` and reset `new` in place
        (`V -> V_reset`); `s` is the spike the other resets use (see `_fire`)."""
        own = cast(_Resets, self)  # every subclass that keeps this `_spike` declares both
        spike, new["V"], s = self._fire(new["V"], own.V_th, own.V_reset)
        return spike, s

    def _hold(self, V_new: Any) -> tuple[Any, Any]:
        """`(V, record)`: `V` after the refractory hold (none here), and what
        `_record_spike` needs."""
        return V_new, None

    def _record_spike(self, record: Any, s: Any) -> None:
        """Note this step's spikes `s` (nothing to note without a refractory period)."""

    def update(self, x: Any = None) -> Any:
        """One step with input current `x` (default 0); returns the spikes."""
        x = self.sum_current_inputs(self.V.value, init=0.0 if x is None else x)
        values = self._integrate(x)
        new = dict(zip(self.STATES, values if len(self.STATES) > 1 else (values,)))
        new["V"], record = self._hold(new["V"])
        spike, s = self._spike(new)
        self._record_spike(record, s)
        for name, value in new.items():
            getattr(self, name).value = value
        self.spike.value = spike
        return spike


class Refractory(IntegrateAndFire):
    """BrainPy's `*Ref` neurons: `V` is held for `tau_ref` ms after each spike.

    Put first among the bases (`class LifRef(Refractory, Lif)`): it declares `tau_ref`
    (ms, `>= 0`) and `ref_var` after the model's arguments, and adds the Variables
    `t_last_spike` (ms, `T_LAST_SPIKE` before any spike) and, with `ref_var=True`,
    `refractory` (bool).
    """

    T_LAST_SPIKE: ClassVar[float] = -1e7
    tau_ref: Any = param(default=0.0, nonnegative=True)
    ref_var: InitVar[bool] = False
    t_last_spike: Variable = built()
    refractory: Variable | None = built()

    def _build(self, key: Any, args: Mapping[str, Any]) -> None:
        super()._build(key, args)
        self.t_last_spike = self._variable(self.T_LAST_SPIKE, float_dtype())
        self.refractory = self._variable(False, bool) if args["ref_var"] else None

    def _hold(self, V_new: Any) -> tuple[Any, Any]:
        """`V` kept at its old value where the neuron is refractory; the record is
        `(t, refractory)`."""
        t = share.load("t")
        refractory = (t - self.t_last_spike.value) <= self.tau_ref
        if self.spk_fun is not None:
            refractory = jax.lax.stop_gradient(refractory)
        return jnp.where(refractory, self.V.value, V_new), (t, refractory)

    def _record_spike(self, record: Any, s: Any) -> None:
        """Write `t_last_spike` (and `refractory`) after this step's spikes `s`."""
        t, refractory = record
        fired = s if s.dtype == jnp.bool_ else s > 0.0
        last = jnp.where(fired, t, self.t_last_spike.value)
        if self.spk_fun is not None:
            fired, last = jax.lax.stop_gradient(fired), jax.lax.stop_gradient(last)
        self.t_last_spike.value = last
        if self.refractory is not None:
            self.refractory.value = jnp.logical_or(refractory, fired)
