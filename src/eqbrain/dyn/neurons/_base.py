"""What every neuron model shares: parameters, initial values, integrators, spike and reset."""

from __future__ import annotations

import functools
import inspect
import math
from collections.abc import Callable
from typing import Any, ClassVar

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
from jax.core import Tracer

from ..._core import Variable
from .._dynsys import DynamicalSystem, state_shape
from .._seeding import key_or_default
from .._share import share
from ..integrators import ODEIntegrator, odeint

Init = float | jax.Array | np.ndarray | Callable
"""An initial value or a parameter: a number, an array, or an initializer function."""

SPK_RESETS = ("soft", "hard")


def float_dtype() -> Any:
    """JAX's default float (float32, or float64 with `jax_enable_x64`)."""
    return jnp.result_type(float)


def _takes_key(init: Callable) -> bool:
    """Whether `init` is called `init(key, shape)` (JAX style) or `init(shape)` (BrainPy)."""
    try:
        params = inspect.signature(init).parameters.values()
    except (TypeError, ValueError):
        return True
    positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    required = [p for p in params if p.kind in positional and p.default is p.empty]
    return len(required) != 1


def init_array(init: Init, shape: tuple[int, ...], key: Any, what: str) -> jax.Array:
    """An array of `shape` from a number, an array, or an initializer.

    An initializer is called `init(key, shape)` (as `jax.nn.initializers`) or, when it
    takes a single required argument, `init(shape)` (as BrainPy's `bp.init` objects).
    """
    if callable(init):
        if _takes_key(init):
            value = init(key_or_default(key), shape)
        else:
            value = init(shape)
        value = jnp.asarray(value)
        if value.shape != shape:
            raise ValueError(f"{what} gave an array of shape {value.shape}, expected {shape}.")
        return value.astype(float_dtype())
    value = jnp.asarray(init, float_dtype())
    try:
        return jnp.broadcast_to(value, shape)
    except ValueError:
        raise ValueError(
            f"{what} has shape {value.shape}, which does not broadcast to {shape}."
        ) from None


def init_param(
    value: Init, size: tuple[int, ...], key: Any, what: str, *, positive: bool = False
) -> float | jax.Array:
    """A parameter: a Python float, or an array broadcastable to the population's `size`.

    A callable is an initializer (`init(key, size)` or `init(size)`), giving one value
    per neuron (heterogeneous parameters, as BrainPy's `init_param`).
    """
    if callable(value):
        param: float | jax.Array = init_array(value, size, key, what)
    elif np.ndim(value) == 0 and not isinstance(value, Tracer):
        try:
            param = float(value)
        except (TypeError, ValueError):
            raise TypeError(f"{what} must be a number or an array, got {value!r}.") from None
    else:
        param = jnp.asarray(value, float_dtype())
        try:
            np.broadcast_shapes(param.shape, size)
        except ValueError:
            raise ValueError(
                f"{what} has shape {param.shape}, which does not broadcast to the "
                f"population's size {size}."
            ) from None
    if positive and not isinstance(param, Tracer) and not np.all(np.asarray(param) > 0):
        raise ValueError(f"{what} must be positive, got {value!r}.")
    return param


def keys_for(key: Any, n: int) -> list[Any]:
    """`n` independent keys from `key` (or `None`s, meaning the default key)."""
    if key is None:
        return [None] * n
    return list(jax.random.split(key, n))


@functools.cache
def integral(f: Callable, method: str) -> ODEIntegrator:
    """The integrator of a module-level derivative function, made once per method."""
    return odeint(f, method=method)  # type: ignore[return-value]


class Population(DynamicalSystem):
    """A population of neurons or synapses (BrainPy's `NeuDyn`/`SynDyn`): its size, batch
    axis and integration method.

    The base of every neuron, rate and synapse model here. A subclass builds its state with
    `self._variable(...)` and steps it in `update`.
    """

    size: tuple[int, ...] = eqx.field(static=True)
    batch_size: int | None = eqx.field(static=True)
    method: str = eqx.field(static=True)

    def __init__(
        self,
        size: int | tuple[int, ...],
        *,
        batch_size: int | None = None,
        method: str = "exp_euler",
        name: str | None = None,
    ):
        super().__init__(name=name)
        shape = state_shape(size, batch_size)
        self.size = shape[1:] if batch_size is not None else shape
        self.batch_size = batch_size
        integral(_probe, method)  # refuse an unknown method now, with odeint's message
        self.method = method

    @property
    def num(self) -> int:
        """The number of neurons."""
        return math.prod(self.size)

    @property
    def varshape(self) -> tuple[int, ...]:
        """The population's shape (without the batch axis), as BrainPy's `varshape`."""
        return self.size

    @property
    def state_shape(self) -> tuple[int, ...]:
        """The shape of each state Variable: `size`, after the batch axis if batched."""
        return self.size if self.batch_size is None else (self.batch_size, *self.size)

    def _variable(self, value: Any, dtype: Any = None) -> Variable:
        """A state Variable of the population's shape (batched if the population is)."""
        value = jnp.broadcast_to(jnp.asarray(value, dtype), self.state_shape)
        return Variable(value, batch_axis=None if self.batch_size is None else 0)


def _probe(y, t):
    return y


class SpikingNeuron(Population):
    """A spiking population: a `spike` output and BrainPy's two ways to emit it.

    With `spk_fun=None` (BrainPy's default, non-training mode) a spike is the boolean
    `V >= V_th` and `V` is set to its reset value. With a surrogate `spk_fun` (BrainPy's
    `TrainingMode`), the spike is the float `spk_fun(V - V_th)`, differentiable through
    the surrogate's gradient, and the reset is `spk_reset`: `'soft'` subtracts
    `V_th - V_reset` times the spike, `'hard'` moves `V` to `V_reset` by the spike.
    `detach_spk=True` stops the gradient through the spike where it resets `V`.
    """

    spike: Variable
    spk_fun: Callable | None = eqx.field(static=True)
    spk_reset: str = eqx.field(static=True)
    detach_spk: bool = eqx.field(static=True)

    def __init__(
        self,
        size: int | tuple[int, ...],
        *,
        batch_size: int | None = None,
        method: str = "exp_euler",
        spk_fun: Callable | None = None,
        spk_reset: str = "soft",
        detach_spk: bool = False,
        name: str | None = None,
    ):
        super().__init__(size, batch_size=batch_size, method=method, name=name)
        if spk_fun is not None and not callable(spk_fun):
            raise TypeError(f"spk_fun must be a callable surrogate or None, got {spk_fun!r}.")
        if spk_reset not in SPK_RESETS:
            raise ValueError(f"spk_reset must be 'soft' or 'hard', got {spk_reset!r}.")
        self.spk_fun = spk_fun
        self.spk_reset = spk_reset
        self.detach_spk = bool(detach_spk)
        self.spike = self._variable(False, bool if spk_fun is None else float_dtype())

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
    values from `_integrate(x)` (one value, or a tuple in `STATES` order), and extends
    `_spike` for what a spike does besides resetting `V` (e.g. `w += b`).
    """

    STATES: ClassVar[tuple[str, ...]] = ("V",)
    V: Variable

    def __init__(self, size: int | tuple[int, ...], **kwargs: Any):
        # SpikingNeuron's arguments; spelled out so that type checkers do not take the
        # dataclass fields for this class's constructor
        super().__init__(size, **kwargs)

    def _integrate(self, x: Any) -> Any:
        """The new values of `STATES` after one step with input current `x`."""
        raise NotImplementedError

    def _spike(self, new: dict[str, Any]) -> tuple[Any, Any]:
        """`(spike, s)`: fire where `new['V']` reaches `V_th` and reset `new` in place
        (`V -> V_reset`); `s` is the spike the other resets use (see `_fire`)."""
        own: Any = self  # every subclass that does not override this has V_th, V_reset
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
        values = self._integrate(0.0 if x is None else x)
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

    Put first among the bases (`class LifRef(Refractory, Lif)`): it takes `tau_ref` and
    `ref_var`, passes the rest to the model, and adds the Variables `t_last_spike` (ms,
    `T_LAST_SPIKE` before any spike) and, with `ref_var=True`, `refractory` (bool).
    """

    T_LAST_SPIKE: ClassVar[float] = -1e7
    t_last_spike: Variable
    refractory: Variable | None
    tau_ref: Any

    def __init__(
        self,
        size: int | tuple[int, ...],
        *,
        tau_ref: Init = 0.0,
        ref_var: bool = False,
        **kwargs: Any,
    ):
        super().__init__(size, **kwargs)
        key = kwargs.get("key")
        key = None if key is None else jax.random.fold_in(key, 0x7EF)
        self.tau_ref = init_param(tau_ref, self.size, key, "tau_ref")
        if not np.all(np.asarray(self.tau_ref) >= 0):
            raise ValueError(f"tau_ref must be >= 0, got {tau_ref!r}.")
        self.t_last_spike = self._variable(self.T_LAST_SPIKE, float_dtype())
        self.refractory = self._variable(False, bool) if ref_var else None

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
