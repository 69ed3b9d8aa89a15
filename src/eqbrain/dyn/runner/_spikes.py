"""`SparseSpikes`: a recorded spike train that keeps only the spikes (step and index).

Inside the compiled loop a boolean value is packed eight to a byte (`pack`); after each
chunk of steps the packed bytes come to the host, where `unpack` lists the set bits.
Packing costs less per step than stacking the booleans themselves (at 64k neurons, about
half the time of a scan writing the bool row: the row is an eighth of the size).
Only the spikes are kept, so the memory grows with the number of spikes, not with
`steps x neurons`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import jax.numpy as jnp
import jax.tree_util as jtu
import numpy as np
from jax import lax

_SHAPE_MSG = """\
SparseSpikes: `steps` and `indices` must be 1-D integer arrays of the same length; got \
shapes {a} and {b}."""


@jtu.register_pytree_node_class
class PackedBits:
    """A boolean value packed eight to a byte inside the compiled loop (runner-internal).

    `bits[k]` holds, in bit `j`, the flattened value's element `j * len(bits) + k`
    (eight planes ORed together: cheaper for XLA than `jnp.packbits`' neighbouring
    bits). `shape` is the value's shape, static. A value split over `blocks` devices
    (a run on a mesh) is packed block by block: `bits` is the blocks' packed bytes one
    after the other, each device's packed where it lives.
    """

    def __init__(self, bits: Any, shape: tuple[int, ...], blocks: int = 1):
        self.bits = bits
        self.shape = shape
        self.blocks = blocks

    def tree_flatten(self):
        return (self.bits,), (self.shape, self.blocks)

    @classmethod
    def tree_unflatten(cls, aux, children):
        return cls(children[0], *aux)


def pack(value: Any) -> PackedBits:
    """Pack one step's boolean value (any shape) eight to a byte, in eight planes.

    One shift and one OR-reduction over the planes: XLA fuses it into a single pass,
    cheaper in the COBA step than eight sliced ORs or `jnp.packbits`.
    """
    flat = jnp.ravel(value)
    width = -(-flat.size // 8) if flat.size else 1
    planes = jnp.pad(flat, (0, 8 * width - flat.size)).reshape(8, width).astype(jnp.uint8)
    shifted = planes << jnp.arange(8, dtype=jnp.uint8)[:, None]
    bits = lax.reduce(shifted, jnp.uint8(0), lax.bitwise_or, (0,))
    return PackedBits(bits, tuple(jnp.shape(value)))


def unpack(
    bits: np.ndarray, offset: int = 0, blocks: int = 1, size: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """`(steps, indices)` of the spikes in `(steps, width)` packed rows, in time order;
    rows packed in `blocks` blocks of `size // blocks` elements each (`pack` on a mesh)
    are listed block by block and numbered globally.

    Only the non-zero bytes are expanded, so the work beyond one pass over the bytes
    grows with the number of spikes.
    """
    if blocks > 1:
        per = bits.reshape(bits.shape[0], blocks, -1)
        parts = [unpack(per[:, s], offset) for s in range(blocks)]
        steps = np.concatenate([p[0] for p in parts])
        size_b = size // blocks
        indices = np.concatenate([p[1] + s * size_b for s, p in enumerate(parts)])
        order = np.lexsort((indices, steps))
        return steps[order], indices[order].astype(np.int32)
    rows, cols = np.nonzero(bits)
    if rows.size == 0:
        return np.zeros(0, np.int32), np.zeros(0, np.int32)
    set_bits = np.unpackbits(bits[rows, cols][:, None], axis=1, bitorder="little")
    which, plane = np.nonzero(set_bits)
    steps = (rows[which] + offset).astype(np.int32)
    indices = (plane * bits.shape[1] + cols[which]).astype(np.int32)
    order = np.lexsort((indices, steps))
    return steps[order], indices[order]


class SparseSpikes:
    """Spikes recorded as `(step, index)` pairs: the runner's default for boolean monitors.

    A `(steps, *shape)` boolean record holds one byte per neuron and step; this holds
    eight bytes per *spike* (an `int32` step and an `int32` flat neuron index), so it is
    smaller whenever fewer than one neuron in eight spikes per step (COBA: 1 in 450).

    It reads like the dense array where NumPy converts it (`np.asarray(spikes)`,
    `spikes.shape`, `spikes[:, 0]`, `spikes.sum(0)`), and gives the spikes directly:
    `indices` and `times` (Brian2's `i` and `t`), counts per step or per neuron, and
    rates, without building the dense array.

    **Arguments:**

    - `steps`: the step of each spike (0 is the first step of the run), non-decreasing.
    - `indices`: the flat index of each spiking neuron in the per-step value.
    - `n_steps`: the number of steps recorded.
    - `shape`: the shape of one step's value (e.g. `(4000,)`, or `(batch, n)`).
    - `t0`, `dt`: the time of step 0 and the step size (ms): `ts = t0 + arange(n_steps) * dt`.
    - `time_axis`: where the time axis sits in the dense form: 0, or 1 for batch-first
      records (`data_first_axis='B'`).

    ```python
    runner = eqbrain.DSRunner(net, monitors=["N.spike"])
    runner.run(1000.0)
    sp = runner.mon["N.spike"]          # SparseSpikes(shape=(10000, 4000), num_spikes=...)
    sp.indices, sp.times                 # who spiked, when (ms)
    sp.mean_rate()                       # Hz
    dense = np.asarray(sp)               # (10000, 4000) bool, on request
    ```
    """

    __array_priority__ = 10  # let NumPy convert us before mixing with arrays

    def __init__(
        self,
        steps: Any,
        indices: Any,
        n_steps: int,
        shape: Sequence[int],
        *,
        t0: float = 0.0,
        dt: float = 0.1,
        time_axis: int = 0,
    ):
        steps = np.asarray(steps)
        indices = np.asarray(indices)
        if steps.ndim != 1 or indices.ndim != 1 or steps.shape != indices.shape:
            raise ValueError(_SHAPE_MSG.format(a=steps.shape, b=indices.shape))
        if steps.size and not (
            np.issubdtype(steps.dtype, np.integer) and np.issubdtype(indices.dtype, np.integer)
        ):
            raise ValueError(_SHAPE_MSG.format(a=steps.shape, b=indices.shape))
        self.value_shape = tuple(int(s) for s in shape)
        self.n_steps = int(n_steps)
        n_values = math.prod(self.value_shape)
        if steps.size and (
            steps.min() < 0
            or steps.max() >= self.n_steps
            or indices.min() < 0
            or indices.max() >= n_values
        ):
            raise ValueError(
                f"SparseSpikes: steps must lie in [0, {self.n_steps}) and indices in "
                f"[0, {n_values}); got steps in [{steps.min()}, {steps.max()}] and indices "
                f"in [{indices.min()}, {indices.max()}]."
            )
        if time_axis not in (0, 1) or (time_axis == 1 and not self.value_shape):
            raise ValueError(f"time_axis must be 0 or 1 (with a batch axis), got {time_axis!r}.")
        self.steps = steps.astype(np.int32, copy=False)
        self.indices = indices.astype(np.int32, copy=False)
        self.t0, self.dt, self.time_axis = float(t0), float(dt), time_axis

    @classmethod
    def from_dense(
        cls, spikes: Any, *, t0: float = 0.0, dt: float = 0.1, time_axis: int = 0
    ) -> SparseSpikes:
        """The spikes of a dense boolean record (time on `time_axis`)."""
        dense = np.moveaxis(np.asarray(spikes), time_axis, 0)
        flat = dense.reshape(dense.shape[0], -1)
        steps, indices = np.nonzero(flat)
        return cls(steps, indices, dense.shape[0], dense.shape[1:], t0=t0, dt=dt,
                   time_axis=time_axis)  # fmt: skip

    # -- array-like ------------------------------------------------------------------------

    @property
    def shape(self) -> tuple[int, ...]:
        """The dense shape: `(n_steps, *value_shape)`, or `(batch, n_steps, ...)`."""
        full = (self.n_steps, *self.value_shape)
        if self.time_axis == 1:
            full = (full[1], full[0], *full[2:])
        return full

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> int:
        return math.prod(self.shape)

    @property
    def dtype(self) -> np.dtype:
        return np.dtype(bool)

    @property
    def nbytes(self) -> int:
        """The bytes held: the spikes' steps and indices."""
        return self.steps.nbytes + self.indices.nbytes

    def __len__(self) -> int:
        return self.shape[0]

    def dense(self) -> np.ndarray:
        """The dense boolean array, `shape` (builds `steps x neurons` bytes)."""
        out = np.zeros((self.n_steps, math.prod(self.value_shape)), bool)
        out[self.steps, self.indices] = True
        out = out.reshape((self.n_steps, *self.value_shape))
        return np.moveaxis(out, 0, self.time_axis) if self.time_axis else out

    def __array__(self, dtype=None, copy=None) -> np.ndarray:
        out = self.dense()
        return out if dtype is None else out.astype(dtype)

    def __getitem__(self, key) -> Any:
        return self.dense()[key]

    def astype(self, dtype) -> np.ndarray:
        return self.dense().astype(dtype)

    def _axes(self, axis) -> tuple[int, ...]:
        axes = axis if isinstance(axis, tuple) else (axis,)
        return tuple(sorted(a % self.ndim for a in axes))

    def sum(self, axis: int | tuple[int, ...] | None = None) -> Any:
        """As `np.sum` of the dense array; over time or over neurons without building it."""
        if axis is None:
            return self.num_spikes
        axes = self._axes(axis)
        others = tuple(a for a in range(self.ndim) if a != self.time_axis)
        if axes == (self.time_axis,):
            return self.per_neuron()
        if axes == others:
            return self.per_step()
        return self.dense().sum(axis=axis)

    def mean(self, axis: int | tuple[int, ...] | None = None) -> Any:
        """As `np.mean` of the dense array (the fraction of spiking entries)."""
        if axis is None:
            return self.num_spikes / self.size if self.size else float("nan")
        count = math.prod(self.shape[a] for a in self._axes(axis))
        return self.sum(axis) / count

    def __repr__(self) -> str:
        return (
            f"SparseSpikes(shape={self.shape}, num_spikes={self.num_spikes}, nbytes={self.nbytes})"
        )

    # -- spikes ----------------------------------------------------------------------------

    @property
    def num_spikes(self) -> int:
        """The number of spikes."""
        return int(self.steps.size)

    @property
    def ts(self) -> np.ndarray:
        """The time of each step (ms): `t0 + arange(n_steps) * dt`."""
        return self.t0 + np.arange(self.n_steps) * self.dt

    @property
    def times(self) -> np.ndarray:
        """The time of each spike (ms)."""
        return self.t0 + self.steps * self.dt

    @property
    def i(self) -> np.ndarray:
        """The flat neuron index of each spike (Brian2's `SpikeMonitor.i`)."""
        return self.indices

    @property
    def t(self) -> np.ndarray:
        """The time of each spike in ms (Brian2's `SpikeMonitor.t`)."""
        return self.times

    def per_step(self) -> np.ndarray:
        """The number of spikes at each step, `(n_steps,)`."""
        return np.bincount(self.steps, minlength=self.n_steps)

    def per_neuron(self) -> np.ndarray:
        """The number of spikes of each neuron, shaped like one step's value."""
        counts = np.bincount(self.indices, minlength=math.prod(self.value_shape))
        return counts.reshape(self.value_shape)

    def mean_rate(self) -> float:
        """The mean firing rate over all neurons and the whole record, in Hz."""
        n_neurons = math.prod(self.value_shape)
        if not self.n_steps or not n_neurons:
            return float("nan")
        return self.num_spikes / (n_neurons * self.n_steps * self.dt * 1e-3)

    def firing_rate(self, width: float | None = None) -> np.ndarray:
        """The population rate at each step in Hz, smoothed over a `width` ms window.

        `eqbrain.measure.firing_rate(spikes, width)` without building the dense array:
        the fraction of neurons spiking at each step, averaged over a centred window of
        `2 int(width / (2 dt)) + 1` steps (divided by that window's true length, as
        Brian2 does). Without `width`, the rate of each step alone.

        ```python
        sp.firing_rate(5.0)     # (n_steps,) Hz
        ```
        """
        fraction = self.per_step() / math.prod(self.value_shape)
        if width is None:
            return fraction / (self.dt * 1e-3)
        return self.smooth_rate(fraction, width, self.dt)

    @staticmethod
    def smooth_rate(fraction: Any, width: Any, dt: float, numpy: bool = True) -> Any:
        """The population rate (Hz) of `fraction`, the share of neurons spiking at each
        step, smoothed over `width` ms: the one implementation under `firing_rate` and
        `eqbrain.measure.firing_rate`.

        A centred box of `2 int(width / (2 dt)) + 1` steps, normalized by its true length
        in seconds (so a width below one step is one step, not a higher rate); the edges
        see zeros beyond the record (`mode='same'`). A window longer than the record is
        refused: `np.convolve` would return the window's length instead of the record's.
        `numpy=False` computes with `jax.numpy` (jittable).

        ```python
        SparseSpikes.smooth_rate(dense.mean(1), width=5.0, dt=0.1)   # (n_steps,) Hz
        ```
        """
        xp = np if numpy else jnp
        if isinstance(width, bool) or not isinstance(width, int | float | np.number):
            raise TypeError(f"firing_rate: width must be a number of ms, got {width!r}.")
        if not (width > 0 and math.isfinite(width)):
            raise ValueError(f"firing_rate: width must be a positive number of ms, got {width!r}.")
        steps = int(width / 2 / dt) * 2 + 1
        n = fraction.shape[0]
        if steps > n:
            longest = (n - 1) * dt if n % 2 else (n - 2) * dt
            raise ValueError(
                f"firing_rate: width={width!r} ms is a window of {steps} steps of dt={dt:g} ms, "
                f"longer than the record ({n} steps). Give a width of at most {longest:g} ms "
                "(or record longer); for one rate over the whole record, use `mean_rate()`."
            )
        window = xp.ones(steps) / (steps * dt) * 1000.0
        return xp.convolve(fraction, window, mode="same")
