"""`Reservoir`: an echo-state reservoir, as BrainPy's `bp.dyn.Reservoir` (`bp.dnn`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np

from ..._core import Parameter, Variable
from .._dynsys import DynamicalSystem
from .._population import Init, init_array, name_key
from .._seeding import noise_key_data
from ._rnncell import activation_fn, check_count

_NOISE_TYPES = ("normal", "uniform")


def _fraction(x: Any, what: str) -> float:
    if not isinstance(x, int | float) or isinstance(x, bool) or not 0.0 <= x <= 1.0:
        raise ValueError(f"{what} must be a number in [0, 1], got {x!r}.")
    return float(x)


def normal_01(key: jax.Array, shape: tuple[int, ...]) -> jax.Array:
    """BrainPy's default reservoir weights: normal with mean 0 and scale 0.1."""
    return 0.1 * jax.random.normal(key, shape)


class Reservoir(DynamicalSystem):
    r"""A leaky echo-state reservoir (BrainPy's `bp.dyn.Reservoir`, `bp.dnn.Reservoir`).

    $$h = x W_{in} + s W_{rec} + b, \qquad
    s \leftarrow (1 - a) s + a\, \phi(h)$$

    with leak rate `a` (`activation_type='internal'`), or
    $s \leftarrow \phi((1 - a) s + a h)$ (`'external'`). The weights are drawn once:
    each entry of `Win` (`Wrec`) is kept with probability `in_connectivity`
    (`rec_connectivity`) and zeroed otherwise, and `Wrec` is rescaled to
    `spectral_radius` when one is given. They are `Parameter`s: saved with the model,
    never trained or reset. The optional input and recurrent noise draw from a key
    Variable (reproducible, replayed by `reset_state()`).

    **Arguments:**

    - `input_shape`: the input's shape (its last axis is the number of features), or
      that number.
    - `num_out`: the number of reservoir units.
    - `leaky_rate`: `a`, in [0, 1].
    - `activation`: a callable or a name in `jax.nn`/`jax.numpy` (default `'tanh'`).
    - `activation_type`: `'internal'` or `'external'` (see above).
    - `Win_initializer`, `Wrec_initializer`, `b_initializer`: numbers, arrays or
      initializers (default normal with scale 0.1, and a zero bias; `None` drops it).
    - `in_connectivity`, `rec_connectivity`: the kept fraction of each weight matrix.
    - `spectral_radius`: rescale `Wrec` to this spectral radius.
    - `noise_in`, `noise_rec`, `noise_type`: noise on the input and on the recurrent
      drive: `noise * U(-1, 1)` for `'uniform'`, `noise * N(0, 1)` for `'normal'`.
    - `key`: the random key of the weights (default `jax.random.key(0)`); `seed`: the
      seed of the noise (default: drawn from `eqbrain.random`).
    - `batch_size`: give the state a leading batch axis.

    Variables: `Win`, `Wrec`, `bias` (Parameters), `state`, and `key`.

    ```python
    res = eqbrain.dyn.Reservoir(3, 100, spectral_radius=0.9, key=jax.random.key(0))
    out = eqbrain.run(res, n_steps=200, inputs=jnp.ones((200, 3)), monitors=["state"])
    ```
    """

    Win: Parameter
    Wrec: Parameter
    bias: Parameter | None
    state: Variable
    key: Variable
    input_shape: tuple[int, ...] = eqx.field(static=True)
    num_unit: int = eqx.field(static=True)
    leaky_rate: float = eqx.field(static=True)
    activation: Callable = eqx.field(static=True)
    activation_type: str = eqx.field(static=True)
    ff_connectivity: float = eqx.field(static=True)
    rec_connectivity: float = eqx.field(static=True)
    spectral_radius: float | None = eqx.field(static=True)
    noise_in: float = eqx.field(static=True)
    noise_rec: float = eqx.field(static=True)
    noise_type: str = eqx.field(static=True)

    def __init__(
        self,
        input_shape: int | tuple[int, ...],
        num_out: int,
        *,
        leaky_rate: float = 0.3,
        activation: str | Callable = "tanh",
        activation_type: str = "internal",
        Win_initializer: Init = normal_01,
        Wrec_initializer: Init = normal_01,
        b_initializer: Init | None = 0.0,
        in_connectivity: float = 0.1,
        rec_connectivity: float = 0.1,
        spectral_radius: float | None = None,
        noise_in: float = 0.0,
        noise_rec: float = 0.0,
        noise_type: str = "normal",
        key: jax.Array | None = None,
        seed: int | None = None,
        batch_size: int | None = None,
        name: str | None = None,
    ):
        super().__init__(name=name)
        shape = (input_shape,) if isinstance(input_shape, int) else tuple(input_shape)
        if not shape or not all(isinstance(s, int) and s > 0 for s in shape):
            raise ValueError(f"input_shape must be a positive int or tuple, got {input_shape!r}.")
        self.input_shape = shape
        self.num_unit = check_count(num_out, "num_out")
        self.leaky_rate = _fraction(leaky_rate, "leaky_rate")
        self.activation = activation_fn(activation)
        if activation_type not in ("internal", "external"):
            raise ValueError(
                f"activation_type must be 'internal' or 'external', got {activation_type!r}."
            )
        self.activation_type = activation_type
        self.ff_connectivity = _fraction(in_connectivity, "in_connectivity")
        self.rec_connectivity = _fraction(rec_connectivity, "rec_connectivity")
        if spectral_radius is not None and not spectral_radius > 0:
            raise ValueError(f"spectral_radius must be positive, got {spectral_radius!r}.")
        self.spectral_radius = None if spectral_radius is None else float(spectral_radius)
        if noise_type not in _NOISE_TYPES:
            raise ValueError(f"noise_type must be 'normal' or 'uniform', got {noise_type!r}.")
        self.noise_in, self.noise_rec = float(noise_in), float(noise_rec)
        self.noise_type = noise_type
        win = init_array(Win_initializer, (shape[-1], num_out), name_key(key, "Win"), "Win")
        if self.ff_connectivity < 1.0:
            draw = jax.random.uniform(name_key(key, "Win_mask"), win.shape)
            win = jnp.where(draw <= self.ff_connectivity, win, 0.0)
        wrec = init_array(Wrec_initializer, (num_out, num_out), name_key(key, "Wrec"), "Wrec")
        if self.rec_connectivity < 1.0:
            draw = jax.random.uniform(name_key(key, "Wrec_mask"), wrec.shape)
            wrec = jnp.where(draw <= self.rec_connectivity, wrec, 0.0)
        if self.spectral_radius is not None:
            radius = float(np.max(np.abs(np.linalg.eigvals(np.asarray(wrec, np.float64)))))
            if radius == 0.0:
                raise ValueError(
                    "spectral_radius cannot rescale Wrec: its spectral radius is 0 (raise "
                    "rec_connectivity or give a Wrec_initializer with nonzero eigenvalues)."
                )
            wrec = wrec * (self.spectral_radius / radius)
        self.Win, self.Wrec = Parameter(win), Parameter(wrec)
        self.bias = (
            None
            if b_initializer is None
            else Parameter(init_array(b_initializer, (num_out,), name_key(key, "bias"), "bias"))
        )
        out_shape = (*shape[:-1], num_out)
        if batch_size is not None:
            out_shape = (check_count(batch_size, "batch_size"), *out_shape)
        self.state = Variable(
            jnp.zeros(out_shape, win.dtype), batch_axis=None if batch_size is None else 0
        )
        self.key = Variable(noise_key_data(seed))

    @property
    def output_shape(self) -> tuple[int, ...]:
        """The state's shape without a batch axis."""
        return (*self.input_shape[:-1], self.num_unit)

    def _noise(self, key: jax.Array, shape: tuple[int, ...]) -> jax.Array:
        if self.noise_type == "uniform":
            return jax.random.uniform(key, shape, minval=-1.0, maxval=1.0)
        return jax.random.normal(key, shape)

    def update(self, x: Any) -> Any:
        """One step with input `x` (`(..., features)`); returns the new state."""
        x = jnp.asarray(x)
        k_in = k_rec = None
        if self.noise_in > 0 or self.noise_rec > 0:
            key, k_in, k_rec = jax.random.split(jax.random.wrap_key_data(self.key.value), 3)
            self.key.value = jax.random.key_data(key)
        if k_in is not None and self.noise_in > 0:
            x = x + self.noise_in * self._noise(k_in, x.shape)
        hidden = x @ self.Win.value + self.state.value @ self.Wrec.value
        if self.bias is not None:
            hidden = hidden + self.bias.value
        if self.activation_type == "internal":
            hidden = self.activation(hidden)
        if k_rec is not None and self.noise_rec > 0:
            hidden = hidden + self.noise_rec * self._noise(k_rec, self.state.shape)
        state = (1 - self.leaky_rate) * self.state.value + self.leaky_rate * hidden
        if self.activation_type == "external":
            state = self.activation(state)
        self.state.value = state
        return state
