"""`RNNCell`: the vanilla recurrent cell, as BrainPy's `bp.dyn.RNNCell` (`bp.dnn`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import equinox as eqx
import jax
import jax.numpy as jnp

from ..._core import TrainVar, Variable
from .._dynsys import DynamicalSystem
from .._population import Init, init_array, name_key

_ACTIVATION_MSG = """\
Unknown activation {name!r}: give a callable or the name of a function in jax.nn or \
jax.numpy (e.g. 'relu', 'tanh', 'sigmoid', 'gelu', 'identity')."""


def activation_fn(activation: str | Callable) -> Callable:
    """A callable activation from a callable or a name in `jax.nn` / `jax.numpy`."""
    if callable(activation):
        return activation
    if activation == "identity":
        return _identity
    for namespace in (jax.nn, jnp):
        fn = getattr(namespace, str(activation), None)
        if callable(fn):
            return fn
    raise ValueError(_ACTIVATION_MSG.format(name=activation))


def _identity(x: Any) -> Any:
    return x


def check_count(n: Any, what: str) -> int:
    """`n` as a positive int, or a `ValueError` naming `what`."""
    if isinstance(n, bool) or not isinstance(n, int) or n <= 0:
        raise ValueError(f"{what} must be a positive int, got {n!r}.")
    return n


class RNNCell(DynamicalSystem):
    r"""The vanilla recurrent cell (BrainPy's `bp.dyn.RNNCell`, `bp.dnn.RNNCell`).

    $$h_t = \phi(x_t W_i + h_{t-1} W_h + b).$$

    The weights are `TrainVar`s (BrainPy makes them trainable in its training mode);
    the state `state` is reset by `reset_state()`. Defaults as BrainPy's: Xavier
    (Glorot) truncated-normal weights, zero bias, zero initial state, ReLU.

    **Arguments:**

    - `num_in`, `num_out`: the input and hidden sizes.
    - `state_initializer`: the initial state (default 0).
    - `Wi_initializer`, `Wh_initializer`, `b_initializer`: numbers, arrays or
      initializers (`f(key, shape)` as `jax.nn.initializers`, or `f(shape)`);
      `b_initializer=None` drops the bias.
    - `activation`: a callable or a name in `jax.nn`/`jax.numpy` (default `'relu'`).
    - `train_state`: learn the initial state too (a `TrainVar` `state2train` that
      `reset_state` copies into `state`).
    - `key`: the random key of the initializers (default `jax.random.key(0)`).
    - `batch_size`: give the state a leading batch axis.

    Variables: `Wi`, `Wh`, `b` (TrainVars), `state`, and `state2train` with
    `train_state=True`.

    ```python
    cell = eqbrain.dyn.RNNCell(2, 16, key=jax.random.key(1), batch_size=8)
    h = cell(jnp.ones((8, 2)))      # (8, 16)
    ```
    """

    Wi: TrainVar
    Wh: TrainVar
    b: TrainVar | None
    state: Variable
    state2train: TrainVar | None
    num_in: int = eqx.field(static=True)
    num_out: int = eqx.field(static=True)
    activation: Callable = eqx.field(static=True)

    def __init__(
        self,
        num_in: int,
        num_out: int,
        *,
        state_initializer: Init = 0.0,
        Wi_initializer: Init = jax.nn.initializers.glorot_normal(),
        Wh_initializer: Init = jax.nn.initializers.glorot_normal(),
        b_initializer: Init | None = 0.0,
        activation: str | Callable = "relu",
        train_state: bool = False,
        key: jax.Array | None = None,
        batch_size: int | None = None,
        name: str | None = None,
    ):
        super().__init__(name=name)
        self.num_in = check_count(num_in, "num_in")
        self.num_out = check_count(num_out, "num_out")
        if batch_size is not None:
            check_count(batch_size, "batch_size")
        self.activation = activation_fn(activation)
        Wi = init_array(Wi_initializer, (num_in, num_out), name_key(key, "Wi"), "Wi")
        Wh = init_array(Wh_initializer, (num_out, num_out), name_key(key, "Wh"), "Wh")
        self.Wi, self.Wh = TrainVar(Wi), TrainVar(Wh)
        self.b = (
            None
            if b_initializer is None
            else TrainVar(init_array(b_initializer, (num_out,), name_key(key, "b"), "b"))
        )
        state0 = init_array(state_initializer, (num_out,), name_key(key, "state"), "state")
        self.state2train = TrainVar(state0) if train_state else None
        shape = (num_out,) if batch_size is None else (batch_size, num_out)
        self.state = Variable(
            jnp.broadcast_to(state0, shape), batch_axis=None if batch_size is None else 0
        )

    def reset_state(self, batch_size: int | None = None) -> None:
        """Reset `state` (to `state2train` when it is trained); see `DynamicalSystem`."""
        super().reset_state(batch_size)
        if self.state2train is not None:
            self.state.value = jnp.broadcast_to(self.state2train.value, self.state.shape)

    def update(self, x: Any) -> Any:
        """One step with input `x` (`(..., num_in)`); returns the new state."""
        h = x @ self.Wi.value
        h = h + self.state.value @ self.Wh.value
        if self.b is not None:
            h = h + self.b.value
        self.state.value = self.activation(h)
        return self.state.value
