"""`Reservoir`: an echo-state reservoir, as BrainPy's `bp.dyn.Reservoir`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np

from ..._core import Parameter, TrainVar, Variable
from .._dynsys import DynamicalSystem
from .._mode import BatchingMode, Mode, TrainingMode
from .._population import Init, name_key
from .._seeding import noise_key_data
from ._base import activation_fn, check_count, check_input, draw, unit_key, unit_mode

_NOISE_TYPES = ("normal", "uniform")
_COMP_TYPES = ("dense", "sparse", "jit")

_COMP_MSG = """\
Reservoir: comp_type must be 'dense' (weight matrices), 'sparse' (only the nonzero \
weights, summed per target unit) or 'jit' (computed as 'dense', as in BrainPy 2.8), got \
{comp_type!r}."""


def _fraction(x: Any, what: str) -> float:
    if not isinstance(x, int | float) or isinstance(x, bool) or not 0.0 <= x <= 1.0:
        raise ValueError(f"{what} must be a number in [0, 1], got {x!r}.")
    return float(x)


def normal_01(key: jax.Array, shape: tuple[int, ...]) -> jax.Array:
    """BrainPy's default reservoir weights: normal with mean 0 and scale 0.1."""
    return 0.1 * jax.random.normal(key, shape)


def _sparse_matmul(x: Any, data: Any, pre: Any, post: Any, n_post: int) -> Any:
    """`x @ W` for the matrix `W` whose nonzero entries are `W[pre, post] = data`."""
    out = jnp.zeros((*x.shape[:-1], n_post), jnp.result_type(x, data))
    return out.at[..., post].add(x[..., pre] * data)


def _masked(W: jax.Array, fraction: float, key: Any, what: str) -> jax.Array:
    """`W` with each entry kept with probability `fraction` and zeroed otherwise."""
    if fraction >= 1.0:
        return W
    draw = jax.random.uniform(name_key(key, what), W.shape)
    return jnp.where(draw <= fraction, W, 0.0)


def _rescaled(W: jax.Array, radius: float) -> jax.Array:
    """`W` times the factor that makes its spectral radius `radius`."""
    w = np.asarray(W, np.float64)
    current = float(np.max(np.abs(np.linalg.eigvals(w))))
    if current <= 1e-6 * float(np.max(np.abs(w), initial=0.0)):  # 0 up to rounding
        raise ValueError(
            "Reservoir: spectral_radius cannot rescale Wrec: its spectral radius is 0 (raise "
            "rec_connectivity or give a Wrec_initializer with nonzero eigenvalues)."
        )
    return W * (radius / current)


class Reservoir(DynamicalSystem):
    r"""A leaky echo-state reservoir (BrainPy's `bp.dyn.Reservoir`).

    $$h = x W_{in} + s W_{rec} + b, \qquad
    s \leftarrow (1 - a) s + a\, \phi(h)$$

    with leak rate `a` (`activation_type='internal'`), or
    $s \leftarrow \phi((1 - a) s + a h)$ (`'external'`). The weights are drawn once:
    each entry of `Win` (`Wrec`) is kept with probability `in_connectivity`
    (`rec_connectivity`) and zeroed otherwise, and `Wrec` is rescaled to
    `spectral_radius` when one is given. They are `Parameter`s (saved with the model,
    never trained or reset), and `TrainVar`s in a training mode, as in BrainPy. With
    `comp_type='sparse'`, `Win` and `Wrec` hold only the nonzero weights (BrainPy's
    layout), at the connections `ff_pres -> ff_posts` and `rec_pres -> rec_posts`. The
    optional input and recurrent noise draw from a key Variable (reproducible,
    replayed by `reset_state()`).

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
    - `comp_type`: `'dense'` (matrix products), `'sparse'` (the nonzero weights only)
      or `'jit'` (as `'dense'`, as BrainPy 2.8 computes it).
    - `spectral_radius`: rescale `Wrec` to this spectral radius.
    - `noise_in`, `noise_rec`, `noise_type`: noise on the input and on the recurrent
      drive: `noise * U(-1, 1)` for `'uniform'`, `noise * N(0, 1)` for `'normal'`.
    - `mode`: the computing mode: a batching or training mode gives `state` a leading
      batch axis (default: the current one, `eqbrain.get_mode()`).
    - `key`: the random key of the weights and masks (default: split from
      `eqbrain.random`'s generator, so `eqbrain.random.seed` fixes it); `seed`: the
      seed of the noise (default: drawn from `eqbrain.random`).
    - `batch_size`: give the state a leading batch axis (without a mode).

    Variables: `Win`, `Wrec`, `bias` (Parameters, or TrainVars in a training mode),
    `state`, and `key`.

    ```python
    res = eqbrain.dyn.Reservoir(3, 100, spectral_radius=0.9, comp_type="sparse")
    out = eqbrain.run(res, n_steps=200, inputs=jnp.ones((200, 3)), monitors=["state"])
    ```
    """

    Win: Parameter | TrainVar
    Wrec: Parameter | TrainVar
    bias: Parameter | TrainVar | None
    state: Variable
    key: Variable
    ff_pres: jax.Array | None
    ff_posts: jax.Array | None
    rec_pres: jax.Array | None
    rec_posts: jax.Array | None
    input_shape: tuple[int, ...] = eqx.field(static=True)
    num_unit: int = eqx.field(static=True)
    leaky_rate: float = eqx.field(static=True)
    activation: Callable = eqx.field(static=True)
    activation_type: str = eqx.field(static=True)
    ff_connectivity: float = eqx.field(static=True)
    rec_connectivity: float = eqx.field(static=True)
    comp_type: str = eqx.field(static=True)
    spectral_radius: float | None = eqx.field(static=True)
    noise_in: float = eqx.field(static=True)
    noise_rec: float = eqx.field(static=True)
    noise_type: str = eqx.field(static=True)
    mode: Mode = eqx.field(static=True)

    def __init__(
        self,
        input_shape: int | tuple[int, ...],
        num_out: int,
        leaky_rate: float = 0.3,
        activation: str | Callable = "tanh",
        activation_type: str = "internal",
        Win_initializer: Init = normal_01,
        Wrec_initializer: Init = normal_01,
        b_initializer: Init | None = 0.0,
        in_connectivity: float = 0.1,
        rec_connectivity: float = 0.1,
        comp_type: str = "dense",
        spectral_radius: float | None = None,
        noise_in: float = 0.0,
        noise_rec: float = 0.0,
        noise_type: str = "normal",
        mode: Mode | None = None,
        name: str | None = None,
        *,
        key: jax.Array | None = None,
        seed: int | None = None,
        batch_size: int | None = None,
    ):
        super().__init__(name=name)
        self._set_shape_and_activation(
            input_shape, num_out, leaky_rate, activation, activation_type
        )
        self.ff_connectivity = _fraction(in_connectivity, "in_connectivity")
        self.rec_connectivity = _fraction(rec_connectivity, "rec_connectivity")
        if comp_type not in _COMP_TYPES:
            raise ValueError(_COMP_MSG.format(comp_type=comp_type))
        self.comp_type = comp_type
        if spectral_radius is not None and not spectral_radius > 0:
            raise ValueError(f"spectral_radius must be positive, got {spectral_radius!r}.")
        self.spectral_radius = None if spectral_radius is None else float(spectral_radius)
        if noise_type not in _NOISE_TYPES:
            raise ValueError(f"noise_type must be 'normal' or 'uniform', got {noise_type!r}.")
        self.noise_in, self.noise_rec = float(noise_in), float(noise_rec)
        self.noise_type = noise_type
        self.mode, batch_size = unit_mode("Reservoir", mode, batch_size)
        n_in, n = self.input_shape[-1], self.num_unit
        masked = self.ff_connectivity < 1.0 or self.rec_connectivity < 1.0
        key = unit_key(key, Win_initializer, Wrec_initializer, b_initializer, draws=masked)
        win = draw(Win_initializer, (n_in, n), key, "Win")
        win = _masked(win, self.ff_connectivity, key, "Win_mask")
        wrec = draw(Wrec_initializer, (n, n), key, "Wrec")
        wrec = _masked(wrec, self.rec_connectivity, key, "Wrec_mask")
        if self.spectral_radius is not None:
            wrec = _rescaled(wrec, self.spectral_radius)
        bias = None if b_initializer is None else draw(b_initializer, (n,), key, "bias")
        self._weights(win, wrec, bias)
        out_shape = self.output_shape if batch_size is None else (batch_size, *self.output_shape)
        self.state = Variable(
            jnp.asarray(np.zeros(out_shape, win.dtype)),
            batch_axis=None if batch_size is None else 0,
        )
        self.key = Variable(noise_key_data(seed))

    def _set_shape_and_activation(
        self, input_shape: Any, num_out: Any, leaky_rate: Any, activation: Any, kind: Any
    ) -> None:
        shape = (input_shape,) if isinstance(input_shape, int) else tuple(input_shape)
        if not shape or not all(isinstance(s, int) and s > 0 for s in shape):
            raise ValueError(f"input_shape must be a positive int or tuple, got {input_shape!r}.")
        self.input_shape = shape
        self.num_unit = check_count(num_out, "num_out")
        self.leaky_rate = _fraction(leaky_rate, "leaky_rate")
        self.activation = activation_fn(activation)
        if kind not in ("internal", "external"):
            raise ValueError(f"activation_type must be 'internal' or 'external', got {kind!r}.")
        self.activation_type = kind

    def _weights(self, win: jax.Array, wrec: jax.Array, bias: jax.Array | None) -> None:
        """The weight Variables (the nonzero entries only for `comp_type='sparse'`)."""
        cell = TrainVar if isinstance(self.mode, TrainingMode) else Parameter
        self.ff_pres = self.ff_posts = self.rec_pres = self.rec_posts = None
        if self.comp_type == "sparse":
            win_np, wrec_np = np.asarray(win), np.asarray(wrec)
            ff, rec = np.nonzero(win_np), np.nonzero(wrec_np)
            self.ff_pres, self.ff_posts = jnp.asarray(ff[0]), jnp.asarray(ff[1])
            self.rec_pres, self.rec_posts = jnp.asarray(rec[0]), jnp.asarray(rec[1])
            win, wrec = jnp.asarray(win_np[ff]), jnp.asarray(wrec_np[rec])
        self.Win, self.Wrec = cell(win), cell(wrec)
        self.bias = None if bias is None else cell(bias)

    @property
    def output_shape(self) -> tuple[int, ...]:
        """The state's shape without a batch axis."""
        return (*self.input_shape[:-1], self.num_unit)

    def _noise(self, key: jax.Array, shape: tuple[int, ...]) -> jax.Array:
        if self.noise_type == "uniform":
            return jax.random.uniform(key, shape, minval=-1.0, maxval=1.0)
        return jax.random.normal(key, shape)

    def _drive(self, x: jax.Array) -> jax.Array:
        """`x @ Win + state @ Wrec`, dense or over the nonzero weights."""
        s = self.state.value
        if self.ff_pres is None or self.ff_posts is None:
            return x @ self.Win.value + s @ self.Wrec.value
        assert self.rec_pres is not None and self.rec_posts is not None
        n = self.num_unit
        ff = _sparse_matmul(x, self.Win.value, self.ff_pres, self.ff_posts, n)
        return ff + _sparse_matmul(s, self.Wrec.value, self.rec_pres, self.rec_posts, n)

    def update(self, x: Any) -> Any:
        """One step with input `x` (`(..., features)`); returns the new state."""
        batched = isinstance(self.mode, BatchingMode)
        x = check_input(x, self.input_shape[-1], "input_shape[-1]", self.name, batched)
        k_in = k_rec = None
        if self.noise_in > 0 or self.noise_rec > 0:
            key, k_in, k_rec = jax.random.split(jax.random.wrap_key_data(self.key.value), 3)
            self.key.value = jax.random.key_data(key)
        if k_in is not None and self.noise_in > 0:
            x = x + self.noise_in * self._noise(k_in, x.shape)
        hidden = self._drive(x)
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
