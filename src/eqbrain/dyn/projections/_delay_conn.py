"""`DelayConn`: sparse connectivity with one weight and one delay per synapse, delivered
through a ring buffer of arriving input.

Storage (8 bytes a synapse, 4 with one weight for all): the synapses are sorted by
presynaptic neuron into flat arrays (compressed rows, `indptr`), and each holds one
int32 `code = (delay_steps - 1) * n_post + post`, its target and its delay in one
number, and a float32 weight. The input that will arrive in the next `max_delay` steps
waits in a ring buffer of `(max_delay, n_post)` floats: a spike of the previous step
adds each of its synapses' weights to the slot of the step it arrives at (one scatter,
event-driven: the rows of the neurons that spiked only), then the slot of this step is
read; it is cleared at the next step, before that step's scatter. (In this order, and
indexed by row and column, XLA updates the buffer in place; a slot cleared right after
its read, or a flat view of the buffer, makes it copy the whole buffer every step.) So
the work grows with spikes times fan-out, whatever the spread of the delays, and memory
with the synapses plus `max_delay` rows of targets.

On a mesh (`DSRunner(..., mesh=...)`, `_sharded`) each device keeps the synapses onto
its block of targets, in rows of its own, and the buffer's columns of that block; the
global arrays, padded to a multiple of 256 entries, are split evenly for checkpoints.

(The alternative, delay-sorted event lists, keeps the spike history instead and, every
step, reads the synapses of each delay for the spikes of that many steps ago: each
spike is then looked up `max_delay` times, in short rows, with a row pointer per
(neuron, delay) pair. On the microcircuit's synapses it measured 7-9 times slower:
`benchmarks/bench_delay_layouts.py`, `docs/microcircuit.md`.)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any

import equinox as eqx
import jax.numpy as jnp
import numpy as np
from jax import lax
from jax.core import Tracer
from jaxtyping import Array, Float

from ..._core import Parameter, Variable
from .._dynsys import DynamicalSystem
from .._share import get_dt, share
from ._connect import check_pairs
from ._event import spike_lister
from ._sharded import delay_split_of, sharded_delay_update

Block = tuple[Any, Any, Any, Any]
"""`(pre, post, weight, delay)`: synapses as arrays of one length, delays in ms; `weight`
and `delay` may be scalars, or functions returning them (called once, when the block's
synapses are placed)."""

_SCATTER = lax.ScatterDimensionNumbers(  # (row, column) updates of the ring buffer
    update_window_dims=(), inserted_window_dims=(0, 1), scatter_dims_to_operand_dims=(0, 1)
)
_INT32 = 2**31 - 1
_TAIL = 256


def delays_to_steps(delay: Any, dt: float, what: str = "delay") -> np.ndarray:
    """Delays in ms as whole steps of `dt` (rounded to the nearest step, as NEST does).

    **Raises:** `ValueError` naming `what` if a delay is not finite or shorter than
    `dt` (a spike would arrive before the step after it was emitted).
    """
    d = np.asarray(delay, np.float64)
    if not np.all(np.isfinite(d)):
        raise ValueError(f"{what} must be finite numbers of ms, got non-finite values.")
    if d.size and d.min() < dt * (1 - 1e-6):
        raise ValueError(
            f"{what} must be at least dt = {dt:g} ms (one step), got {d.min():g} ms. Draw "
            "delays of at least dt (NEST redraws shorter ones) or lower dt."
        )
    return np.maximum(np.rint(d / dt), 1).astype(np.int64)


def _check_block(block: Block, n_pre: int, n_post: int) -> tuple[np.ndarray, np.ndarray]:
    """The block's `(pre, post)`, checked (its weights and delays are read later)."""
    return check_pairs(block[0], block[1], n_pre, n_post)


def _values(x: Any, n: int) -> np.ndarray:
    """A block's weights or delays: an array, a scalar, or a function giving them (drawn
    only when the synapses are placed, not when they are counted)."""
    return np.broadcast_to(np.asarray(x() if callable(x) else x), (n,))


class DelayConn(DynamicalSystem):
    """Sparse connectivity with a weight and a delay per synapse (NEST's synapses with
    heterogeneous delays), event-driven.

    `update(spike)` takes the spikes of the previous step (as a network passes them)
    and returns the summed weight arriving at each target this step: a spike emitted at
    step `s` through a synapse of delay `d` (rounded to `k = round(d / dt)` steps,
    `d >= dt`) arrives at step `s + k`, as `AlignPostProj(delay=d)` delivers it. The
    pending input is state (`buffer`, `step`): it resets with the model and goes into
    checkpoints. Weights and targets are `Parameter`s.

    **Arguments:**

    - `pre`, `post`: the synapses' source and target indices (int arrays of one length).
    - `n_pre`, `n_post`: the numbers of neurons.
    - `weight`: one weight for every synapse, or one per synapse.
    - `delay`: the delays in ms, one for all or one per synapse, each at least `dt`.
    - `dt`: the step the delays count (default: the current `eqbrain.get_dt()`).

    `DelayConn.from_blocks(n_pre, n_post, blocks)` builds one from many blocks of
    synapses without holding them all at once (the microcircuit's 64 projections).

    ```python
    conn = eqbrain.dyn.DelayConn([0, 0, 1], [1, 2, 0], n_pre=2, n_post=3,
                                 weight=[1.0, 2.0, -1.0], delay=[0.1, 1.5, 0.8])
    arriving = conn(spikes)   # (3,)
    ```
    """

    codes: Parameter
    weights: Parameter | None
    indptr: Parameter
    buffer: Variable
    step: Variable
    n_pre: int = eqx.field(static=True)
    n_post: int = eqx.field(static=True)
    max_delay: int = eqx.field(static=True)
    width: int = eqx.field(static=True)
    weight: float | None = eqx.field(static=True)
    dt: float = eqx.field(static=True)

    def __init__(
        self,
        pre: Any,
        post: Any,
        n_pre: int,
        n_post: int,
        weight: Any = 1.0,
        delay: Any = None,
        *,
        dt: float | None = None,
        blocks: Callable[[], Iterable[Block]] | None = None,
        name: str | None = None,
    ):
        super().__init__(name=name)
        dt = get_dt() if dt is None else dt
        if blocks is None:
            one = [(pre, post, weight, dt if delay is None else delay)]
            blocks = lambda: one  # noqa: E731
        shared = weight if np.ndim(weight) == 0 and weight is not None else None
        self._setup(n_pre, n_post, blocks, dt, None if shared is None else float(shared))

    @classmethod
    def from_blocks(
        cls,
        n_pre: int,
        n_post: int,
        blocks: Callable[[], Iterable[Block]],
        *,
        weight: float | None = None,
        dt: float | None = None,
        name: str | None = None,
    ) -> DelayConn:
        """A `DelayConn` from blocks of synapses: `blocks()` yields `(pre, post, weight,
        delay)` tuples and is called twice (to count, then to place), yielding the same
        synapses both times (draw each block from its own seed). With `weight` given,
        every synapse has that weight and the blocks' weights are ignored (4 bytes a
        synapse); the peak memory of the build is the result plus the largest block.

        ```python
        def blocks():
            for k, (a, b) in enumerate(pairs_of_populations):
                rng = np.random.default_rng([seed, k])
                yield draw(rng, a, b)          # (pre, post, weight, delay)

        conn = eqbrain.dyn.DelayConn.from_blocks(n, n, blocks)
        ```
        """
        return cls(None, None, n_pre, n_post, weight, dt=dt, blocks=blocks, name=name)

    def _setup(self, n_pre, n_post, blocks, dt, weight) -> None:
        for what, n in (("n_pre", n_pre), ("n_post", n_post)):
            if isinstance(n, bool) or not isinstance(n, int | np.integer) or n <= 0:
                raise ValueError(f"DelayConn: {what} must be a positive int, got {n!r}.")
        if not (isinstance(dt, int | float) and math.isfinite(dt) and dt > 0):
            raise ValueError(f"DelayConn: dt must be a positive number of ms, got {dt!r}.")
        if weight is not None and not math.isfinite(weight):
            raise ValueError(f"DelayConn: weight must be a finite number, got {weight!r}.")
        self.n_pre, self.n_post, self.dt, self.weight = int(n_pre), int(n_post), float(dt), weight
        counts = np.zeros(self.n_pre, np.int64)
        for block in blocks():  # pass 1: the row lengths
            counts += np.bincount(
                _check_block(block, self.n_pre, self.n_post)[0], minlength=self.n_pre
            )
        total = int(counts.sum())
        self.width = max(int(counts.max(initial=0)), 1)
        # padded with at least the widest row (each row is read as `width` entries), to
        # a multiple of `_TAIL`: the tables split evenly over a mesh of 2, 4, ... devices
        length = -(-(total + self.width) // _TAIL) * _TAIL
        if length > _INT32:
            raise ValueError(f"DelayConn: {total} synapses exceed int32 indexing.")
        indptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
        codes = np.zeros(length, np.int32)
        weights = None if weight is not None else np.zeros(length, np.float32)
        self.max_delay = self._place(blocks, indptr, codes, weights)
        self.codes = Parameter(jnp.asarray(codes))
        self.weights = None if weights is None else Parameter(jnp.asarray(weights))
        self.indptr = Parameter(jnp.asarray(indptr))
        self.buffer = Variable(jnp.zeros((self.max_delay, self.n_post), jnp.float32))
        self.step = Variable(jnp.zeros((), jnp.int32))

    def _place(self, blocks, indptr, codes, weights) -> int:
        """Pass 2: every synapse into its row; returns the longest delay in steps."""
        cursor = indptr[:-1].astype(np.int64)
        max_steps = 1
        for block in blocks():
            pre, post = _check_block(block, self.n_pre, self.n_post)
            order = np.argsort(pre, kind="stable")
            pre_s = pre[order]
            first = np.searchsorted(pre_s, pre_s, side="left")  # rank inside the row
            where = cursor[pre_s] + (np.arange(pre_s.size) - first)
            steps = delays_to_steps(_values(block[3], pre.size)[order], self.dt)
            if steps.size:
                max_steps = max(max_steps, int(steps.max()))
            if max_steps * self.n_post > _INT32:
                raise ValueError(
                    f"DelayConn: {max_steps} steps of delay x {self.n_post} targets exceed "
                    "int32 indexing; use a longer dt or split the network."
                )
            codes[where] = (steps - 1) * self.n_post + post[order]
            if weights is not None:
                weights[where] = _values(block[2], pre.size).astype(np.float32)[order]
            cursor += np.bincount(pre_s, minlength=self.n_pre)
        return max_steps

    @property
    def n_synapses(self) -> int:
        """The number of synapses."""
        return int(self.indptr.value[-1])

    @property
    def nbytes(self) -> int:
        """The bytes of the connectivity (codes, weights, row pointers), not the buffer."""
        arrays = [self.codes.value, self.indptr.value]
        if self.weights is not None:
            arrays.append(self.weights.value)
        return int(sum(a.nbytes for a in arrays))

    def synapses(self) -> dict[str, np.ndarray]:
        """The synapses as NumPy arrays `pre`, `post`, `delay_steps`, `weight`, sorted by
        `pre` (for checks and analysis)."""
        indptr = np.asarray(self.indptr.value)
        total = int(indptr[-1])
        codes = np.asarray(self.codes.value)[:total]
        pre = np.repeat(np.arange(self.n_pre, dtype=np.int32), np.diff(indptr))
        w = (
            np.full(total, self.weight, np.float32)
            if self.weights is None
            else np.asarray(self.weights.value)[:total]
        )
        return {
            "pre": pre,
            "post": codes % self.n_post,
            "delay_steps": codes // self.n_post + 1,
            "weight": w,
        }

    def update(self, spike: Any) -> Float[Array, " n_post"]:
        """Deliver the previous step's `spike`s (bool, `(n_pre,)`) to the steps they
        arrive at; return the input arriving now, `(n_post,)`."""
        self._check_dt()
        spike = jnp.asarray(spike)
        if spike.shape != (self.n_pre,) or spike.dtype != jnp.bool_:
            raise ValueError(
                f"{self.name} expects boolean spikes of shape ({self.n_pre},), got "
                f"{spike.dtype}{list(spike.shape)}."
            )
        found = delay_split_of(self.codes)
        if found is not None:  # a run on a mesh: this device's synapses and columns only
            plan, split = found
            now, buffer = sharded_delay_update(
                self._local, spike, self.buffer.value, self.step.value, plan, split
            )
        else:
            weights = None if self.weights is None else self.weights.value
            now, buffer = self._local(
                spike,
                self.buffer.value,
                self.step.value,
                self.indptr.value,
                self.codes.value,
                weights,
                self.width,
            )
        self.buffer.value = buffer
        self.step.value = self.step.value + 1
        return now

    def _local(self, spike, buffer, step, indptr, codes, weights, width):
        """Clear the slot read at the previous step, deliver `spike` through rows
        `(indptr, codes, weights)` into `buffer` (`(max_delay, n)`, the codes counting
        `n` targets a delay step) and read this step's slot: `(input arriving now (n,),
        the new buffer)`."""
        slot = step % self.max_delay
        read = (slot + self.max_delay - 1) % self.max_delay
        zeros = jnp.zeros(buffer.shape[1], buffer.dtype)
        buffer = lax.dynamic_update_index_in_dim(buffer, zeros, read, 0)
        buffer = self._deliver(buffer, spike, (indptr, codes, weights, width), slot)
        return lax.dynamic_index_in_dim(buffer, slot, keepdims=False), buffer

    def _check_dt(self) -> None:
        dt = share.load("dt", None)
        if dt is None or isinstance(dt, Tracer):
            return
        if abs(float(dt) - self.dt) > 1e-6 * self.dt:
            raise ValueError(
                f"{self.name}: its delays were built for dt = {self.dt:g} ms, but the step "
                f"runs with dt = {float(dt):g} ms. Build the model after "
                f"`eqbrain.set_dt({float(dt):g})`, or pass dt= to DelayConn."
            )

    def _deliver(self, buffer, spike, rows, slot, group: int = 8):
        """Add the weights of the synapses of `spike`'s neurons to `buffer`, `group`
        neurons a scatter, each at row `(slot + delay_steps - 1) % max_delay`."""
        ids, count = spike_lister(spike)
        indptr, codes, weights, width = rows
        n = buffer.shape[1]
        lane = jnp.arange(width, dtype=jnp.int32)

        def scatter(buf, start):
            rows = ids(start, group)
            starts = jnp.where(rows < self.n_pre, indptr[jnp.minimum(rows, self.n_pre - 1)], 0)
            ends = jnp.where(rows < self.n_pre, indptr[jnp.minimum(rows, self.n_pre - 1) + 1], 0)
            c = jnp.concatenate(
                [lax.dynamic_slice_in_dim(codes, starts[i], width) for i in range(group)]
            )
            inside = (lane[None, :] < (ends - starts)[:, None]).reshape(-1)
            row = c // n + slot
            row = jnp.where(row >= self.max_delay, row - self.max_delay, row)
            row = jnp.where(inside, row, self.max_delay)  # out of range: dropped
            target = jnp.stack([row, c % n], axis=1)
            if weights is None:
                w = jnp.full(target.shape[0], self.weight or 0.0, jnp.float32)
            else:
                w = jnp.concatenate(
                    [lax.dynamic_slice_in_dim(weights, starts[i], width) for i in range(group)]
                )
            return lax.scatter_add(
                buf, target, w, _SCATTER, mode=lax.GatherScatterMode.FILL_OR_DROP
            )

        n_groups = (count + group - 1) // group
        return lax.fori_loop(0, n_groups, lambda k, buf: scatter(buf, k * group), buffer)
