"""The recurrent cells `RNNCell`, `GRUCell` and `LSTMCell`, as BrainPy's `bp.dyn`'s."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np

from ..._core import TrainVar, Variable
from ...init import Orthogonal, XavierNormal, ZeroInit
from .._dynsys import DynamicalSystem
from .._mode import BatchingMode, Mode
from .._population import Init
from ._base import (
    activation_fn,
    check_count,
    check_input,
    draw,
    reset_batch_size,
    unit_key,
    unit_mode,
)


class RecurrentCell(DynamicalSystem):
    """What the recurrent cells share: the weights `Wi` (`(num_in, GATES * num_out)`),
    `Wh` (`(num_out, GATES * num_out)`) and `b`, all `TrainVar`s; the `state` Variable
    (batched under a batching or training mode); and `state2train`, the trainable
    initial state that `reset_state` copies into `state` (`train_state=True`)."""

    GATES: ClassVar[int] = 1
    WIDTH: ClassVar[int] = 1  # the state's width in units of num_out (2 for [h, c])

    Wi: TrainVar
    Wh: TrainVar
    b: TrainVar | None
    state: Variable
    state2train: TrainVar | None
    num_in: int = eqx.field(static=True)
    num_out: int = eqx.field(static=True)
    activation: Callable = eqx.field(static=True)
    mode: Mode = eqx.field(static=True)
    train_state: bool = eqx.field(static=True)

    def __init__(self, name: str | None = None):
        super().__init__(name=name)

    def _setup(
        self,
        num_in: int,
        num_out: int,
        inits: tuple[Init, Init, Init | None, Init],
        activation: str | Callable,
        mode: Mode | None,
        train_state: bool,
        key: jax.Array | None,
        batch_size: int | None,
    ) -> None:
        """Check the arguments and build the weights and the state."""
        owner = type(self).__name__
        self.num_in = check_count(num_in, "num_in", owner)
        self.num_out = check_count(num_out, "num_out", owner)
        self.mode, batch_size = unit_mode(owner, mode, batch_size)
        self.activation = activation_fn(activation)
        self.train_state = bool(train_state)
        Wi_init, Wh_init, b_init, state_init = inits
        key = unit_key(key, *inits)
        width = self.GATES * self.num_out
        self.Wi = TrainVar(draw(Wi_init, (self.num_in, width), key, "Wi"))
        self.Wh = TrainVar(draw(Wh_init, (self.num_out, width), key, "Wh"))
        self.b = None if b_init is None else TrainVar(draw(b_init, (width,), key, "b"))
        n = self.WIDTH * self.num_out
        state0 = draw(state_init, (n,), key, "state")
        self.state2train = TrainVar(state0) if self.train_state else None
        if batch_size is not None:
            state0 = jnp.asarray(np.broadcast_to(np.asarray(state0), (batch_size, n)))
            # (a NumPy broadcast: nothing to compile while building)
        self.state = Variable(state0, batch_axis=None if batch_size is None else 0)

    def reset_state(self, batch_size: int | None = None, **kwargs: Any) -> None:
        """Reset `state` (to `state2train` when it is trained); see `DynamicalSystem`.
        BrainPy's keyword `batch_or_mode=` is `batch_size` (a number of trials)."""
        super().reset_state(reset_batch_size(type(self).__name__, batch_size, kwargs))
        if self.state2train is not None:
            self.state.value = jnp.broadcast_to(self.state2train.value, self.state.shape)

    def _input(self, x: Any) -> jax.Array:
        batched = isinstance(self.mode, BatchingMode)
        return check_input(x, self.num_in, "num_in", self.name, batched)


class RNNCell(RecurrentCell):
    r"""The vanilla recurrent cell (BrainPy's `bp.dyn.RNNCell`).

    $$h_t = \phi(x_t W_i + h_{t-1} W_h + b).$$

    BrainPy's defaults: Xavier (Glorot) truncated-normal weights, zero bias, zero
    initial state, ReLU. The weights are `TrainVar`s in every mode (BrainPy makes
    them trainable in its training mode only).

    **Arguments:**

    - `num_in`, `num_out`: the input and hidden sizes.
    - `state_initializer`: the initial state (default 0).
    - `Wi_initializer`, `Wh_initializer`, `b_initializer`: numbers, arrays or
      initializers (`eqbrain.init` objects, `f(shape)`, or `f(key, shape)` as
      `jax.nn.initializers`, drawn with `key`); `b_initializer=None` drops the bias.
    - `activation`: a callable or a name in `jax.nn`/`jax.numpy` (default `'relu'`).
    - `mode`: the computing mode; a batching or training mode gives `state` a leading
      batch axis (default: the current one, `eqbrain.get_mode()`).
    - `train_state`: learn the initial state too (a `TrainVar` `state2train` that
      `reset_state` copies into `state`).
    - `key`: the key of `jax.nn`-style initializers (default: split from
      `eqbrain.random`'s generator); `batch_size`: the batch axis without a mode.

    Variables: `Wi`, `Wh`, `b` (TrainVars), `state`, and `state2train`.

    ```python
    cell = eqbrain.dyn.RNNCell(2, 16, mode=eqbrain.BatchingMode(8))
    h = cell(jnp.ones((8, 2)))      # (8, 16)
    ```
    """

    def __init__(
        self,
        num_in: int,
        num_out: int,
        state_initializer: Init = ZeroInit(),  # noqa: B008 - BrainPy's default, stateless
        Wi_initializer: Init = XavierNormal(),  # noqa: B008
        Wh_initializer: Init = XavierNormal(),  # noqa: B008
        b_initializer: Init | None = ZeroInit(),  # noqa: B008
        activation: str | Callable = "relu",
        mode: Mode | None = None,
        train_state: bool = False,
        name: str | None = None,
        *,
        key: jax.Array | None = None,
        batch_size: int | None = None,
    ):
        super().__init__(name=name)
        inits = (Wi_initializer, Wh_initializer, b_initializer, state_initializer)
        self._setup(num_in, num_out, inits, activation, mode, train_state, key, batch_size)

    def update(self, x: Any) -> Any:
        """One step with input `x` (`(..., num_in)`); returns the new state."""
        h = self._input(x) @ self.Wi.value + self.state.value @ self.Wh.value
        if self.b is not None:
            h = h + self.b.value
        self.state.value = self.activation(h)
        return self.state.value


class GRUCell(RecurrentCell):
    r"""The gated recurrent unit of Chung et al. (2014) (BrainPy's `bp.dyn.GRUCell`).

    $$\begin{aligned}
    z_t &= \sigma(x_t W_{iz} + h_{t-1} W_{hz} + b_z), \quad
    r_t = \sigma(x_t W_{ir} + h_{t-1} W_{hr} + b_r), \\
    a_t &= \phi(x_t W_{ia} + (r_t \odot h_{t-1}) W_{ha} + b_a), \quad
    h_t = (1 - z_t) \odot h_{t-1} + z_t \odot a_t,
    \end{aligned}$$

    with the gates side by side in `Wi`, `Wh`, `b` as `[z, r, a]`. BrainPy's form, not
    PyTorch's (`eqx.nn.GRUCell`): the reset gate multiplies `h` before `W_ha`, and
    `z` weighs the candidate (in `eqx.nn.GRUCell` it weighs the old state).
    BrainPy's defaults: orthogonal weights, zero bias, zero initial state, tanh.

    **Arguments:** those of `RNNCell` (default `activation='tanh'`).

    Variables: `Wi` (`(num_in, 3 num_out)`), `Wh` (`(num_out, 3 num_out)`), `b`
    (`(3 num_out,)`), `state`, and `state2train`.

    ```python
    cell = eqbrain.dyn.GRUCell(3, 8)
    h = cell(jnp.ones(3))           # (8,)
    ```
    """

    GATES: ClassVar[int] = 3

    def __init__(
        self,
        num_in: int,
        num_out: int,
        Wi_initializer: Init = Orthogonal(),  # noqa: B008 - BrainPy's default, stateless
        Wh_initializer: Init = Orthogonal(),  # noqa: B008
        b_initializer: Init | None = ZeroInit(),  # noqa: B008
        state_initializer: Init = ZeroInit(),  # noqa: B008
        activation: str | Callable = "tanh",
        mode: Mode | None = None,
        train_state: bool = False,
        name: str | None = None,
        *,
        key: jax.Array | None = None,
        batch_size: int | None = None,
    ):
        super().__init__(name=name)
        inits = (Wi_initializer, Wh_initializer, b_initializer, state_initializer)
        self._setup(num_in, num_out, inits, activation, mode, train_state, key, batch_size)

    def update(self, x: Any) -> Any:
        """One step with input `x` (`(..., num_in)`); returns the new state."""
        n, h = self.num_out, self.state.value
        gx = self._input(x) @ self.Wi.value
        Wh = self.Wh.value
        zr = gx[..., : 2 * n] + h @ Wh[:, : 2 * n]
        a = gx[..., 2 * n :]
        if self.b is not None:
            zr = zr + self.b.value[: 2 * n]
            a = a + self.b.value[2 * n :]
        z, r = jnp.split(jax.nn.sigmoid(zr), 2, axis=-1)
        a = self.activation(a + (r * h) @ Wh[:, 2 * n :])
        self.state.value = (1 - z) * h + z * a
        return self.state.value


class LSTMCell(RecurrentCell):
    r"""The long short-term memory cell of Zaremba et al. (2014) (BrainPy's
    `bp.dyn.LSTMCell`).

    $$\begin{aligned}
    [i, g, f, o] &= x_t W_i + h_{t-1} W_h + b, \\
    c_t &= \sigma(f + 1) \odot c_{t-1} + \sigma(i) \odot \phi(g), \quad
    h_t = \sigma(o) \odot \phi(c_t).
    \end{aligned}$$

    The forget gate gets 1 added (Jozefowicz et al., 2015), as in BrainPy; with that
    and the gate order `[i, g, f, o]` (`eqx.nn.LSTMCell`'s is `[i, f, g, o]`) it is
    `eqx.nn.LSTMCell`'s cell. `state` is `[h, c]` side by side (`2 num_out` wide);
    `h` and `c` read and write its halves. BrainPy's defaults: Xavier weights, zero
    bias, zero initial state, tanh.

    **Arguments:** those of `RNNCell` (default `activation='tanh'`).

    Variables: `Wi` (`(num_in, 4 num_out)`), `Wh` (`(num_out, 4 num_out)`), `b`
    (`(4 num_out,)`), `state` (`(..., 2 num_out)`), and `state2train`.

    ```python
    cell = eqbrain.dyn.LSTMCell(3, 8)
    h = cell(jnp.ones(3))           # (8,); cell.c is the memory
    ```
    """

    GATES: ClassVar[int] = 4
    WIDTH: ClassVar[int] = 2

    def __init__(
        self,
        num_in: int,
        num_out: int,
        Wi_initializer: Init = XavierNormal(),  # noqa: B008 - BrainPy's default, stateless
        Wh_initializer: Init = XavierNormal(),  # noqa: B008
        b_initializer: Init | None = ZeroInit(),  # noqa: B008
        state_initializer: Init = ZeroInit(),  # noqa: B008
        activation: str | Callable = "tanh",
        mode: Mode | None = None,
        train_state: bool = False,
        name: str | None = None,
        *,
        key: jax.Array | None = None,
        batch_size: int | None = None,
    ):
        super().__init__(name=name)
        inits = (Wi_initializer, Wh_initializer, b_initializer, state_initializer)
        self._setup(num_in, num_out, inits, activation, mode, train_state, key, batch_size)

    def update(self, x: Any) -> Any:
        """One step with input `x` (`(..., num_in)`); returns the new hidden state `h`."""
        h, c = jnp.split(self.state.value, 2, axis=-1)
        gates = self._input(x) @ self.Wi.value + h @ self.Wh.value
        if self.b is not None:
            gates = gates + self.b.value
        i, g, f, o = jnp.split(gates, 4, axis=-1)
        c = jax.nn.sigmoid(f + 1.0) * c + jax.nn.sigmoid(i) * self.activation(g)
        h = jax.nn.sigmoid(o) * self.activation(c)
        self.state.value = jnp.concatenate([h, c], axis=-1)
        return h

    @property
    def h(self) -> jax.Array:
        """The hidden state: the first half of `state` (assignable)."""
        return self.state.value[..., : self.num_out]

    @h.setter
    def h(self, value: Any) -> None:
        self.state.value = self.state.value.at[..., : self.num_out].set(value)

    @property
    def c(self) -> jax.Array:
        """The memory cell: the second half of `state` (assignable)."""
        return self.state.value[..., self.num_out :]

    @c.setter
    def c(self, value: Any) -> None:
        self.state.value = self.state.value.at[..., self.num_out :].set(value)

    def __setattr__(self, name: str, value: Any) -> None:
        if name in ("h", "c") and "state" in self.__dict__:  # the setters above
            getattr(type(self), name).fset(self, value)
            return
        super().__setattr__(name, value)
