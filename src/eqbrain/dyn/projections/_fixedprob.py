"""`FixedProb`: random connectivity with a fixed probability, stored sparsely,
propagating spikes event-driven."""

from __future__ import annotations

from typing import Any

import equinox as eqx
import jax.numpy as jnp
import numpy as np
from jaxtyping import Array, Float

from ..._core import Parameter
from .._dynsys import DynamicalSystem
from .._seeding import connection_rng
from ._connect import ell_synapses, ell_to_dense, propagate
from ._sharded import sharded_propagate, split_of
from ._sizes import check_number

_DRAWS = 1 << 20  # gaps drawn at a time: the int64 temporaries stay at 8 MB each


def _drawn_pairs(n_pre: int, n_post: int, prob: float, seed: int | np.random.Generator):
    """The synapses `(pre, post)` of a FixedProb draw, in increasing flat order, as int32
    blocks of at most `_DRAWS` pairs.

    The gaps between successive synapses in the flattened `n_pre x n_post` grid are
    geometric, so drawing them costs time and memory in the number of synapses, not of
    pairs; they are drawn `_DRAWS` at a time, and only a block's positions are ever held
    in int64. The stream of gaps, hence the graph, depends only on `seed` (an int, or a
    NumPy generator to draw from).
    """
    total = n_pre * n_post
    if prob == 0.0 or total == 0:
        return
    if prob == 1.0:
        rows = max(1, _DRAWS // n_post)
        for r0 in range(0, n_pre, rows):
            r1 = min(n_pre, r0 + rows)
            pre = np.repeat(np.arange(r0, r1, dtype=np.int32), n_post)
            yield pre, np.tile(np.arange(n_post, dtype=np.int32), r1 - r0)
        return
    rng = np.random.default_rng(seed)
    last = -1  # the position of the last synapse drawn
    while True:
        pos = np.cumsum(rng.geometric(prob, size=_DRAWS))
        pos += last
        end = int(np.searchsorted(pos, total))  # the first position past the grid
        pre, post = np.divmod(pos[:end], n_post)
        yield pre.astype(np.int32), post.astype(np.int32)
        if end < pos.size:
            return
        last = int(pos[-1])


def fixed_prob_ell(
    n_pre: int,
    n_post: int,
    prob: float,
    seed: int | np.random.Generator,
    include_self: bool = True,
) -> np.ndarray:
    """Every pair `i -> j` drawn independently with probability `prob`, as padded rows.

    **Returns:** the int32 array `(n_pre + 1, width)`: row `i` lists the targets of `i`
    in increasing order, padded with `n_post` to the longest row; the last row is all
    `n_post`. Built in one streaming pass: the targets are kept as int32 while the row
    lengths are counted, then moved into the padded rows block by block, so the peak is
    the result plus the int32 targets, never an int64 array of the synapses.
    """
    counts = np.zeros(n_pre, np.int64)
    blocks: list[tuple[int, np.ndarray, np.ndarray]] = []  # first row, row lengths, targets
    for pre, post in _drawn_pairs(n_pre, n_post, prob, seed):
        if not include_self:
            keep = pre != post
            pre, post = pre[keep], post[keep]
        if post.size:
            first = int(pre[0])
            lengths = np.bincount(pre - first)  # the rows this block touches (sorted)
            counts[first : first + lengths.size] += lengths
            blocks.append((first, lengths, post))
    ell = np.full((n_pre + 1, max(int(counts.max(initial=0)), 1)), n_post, np.int32)
    starts = np.concatenate([[0], np.cumsum(counts)])
    done = 0
    blocks.reverse()  # pop from the end: each block is freed once placed
    while blocks:
        first, lengths, post = blocks.pop()
        pre = np.repeat(np.arange(first, first + lengths.size, dtype=np.int32), lengths)
        ell[pre, np.arange(done, done + post.size) - starts[pre]] = post
        done += post.size
    return ell


class FixedProb(DynamicalSystem):
    """Fixed-probability random connectivity with one weight, event-driven (BrainPy's
    `EventCSRLinear(FixedProb(...))`).

    Each pair `i -> j` is connected with probability `prob`, drawn once at construction:
    from `seed` if one is given, else from `eqbrain.random`'s default generator (as in
    BrainPy), so two projections built one after the other get different synapses and
    `eqbrain.random.seed(s)` before building makes the network reproducible.

    The targets are stored row-padded (`indices`, a `Parameter`: saved with the model,
    never trained), and a step with boolean spikes touches only the rows of the neurons
    that spiked (`eqbrain._event.event_sum`), so it costs time in the number
    of spikes times the fan-out, not in the number of synapses. Non-boolean input (rates,
    surrogate spikes) is weighted and summed over every synapse instead.

    **Arguments:**

    - `n_pre`, `n_post`: the sizes of the pre- and postsynaptic populations.
    - `prob`: the connection probability, in `[0, 1]`.
    - `weight`: the weight of every synapse.
    - `seed`: an int seed of the connectivity; `None` (default) draws it from
      `eqbrain.random`'s default generator.
    - `include_self`: whether `i -> i` may be drawn (for a population onto itself).

    ```python
    conn = eqbrain.dyn.FixedProb(3200, 4000, prob=0.02, weight=0.6, seed=1)
    arriving = conn(spikes)        # (4000,) summed weight of this step's spikes
    ```
    """

    indices: Parameter
    n_pre: int = eqx.field(static=True)
    n_post: int = eqx.field(static=True)
    prob: float = eqx.field(static=True)
    weight: float = eqx.field(static=True)

    def __init__(
        self,
        n_pre: int,
        n_post: int,
        prob: float,
        weight: float = 1.0,
        *,
        seed: int | None = None,
        include_self: bool = True,
        name: str | None = None,
    ):
        super().__init__(name=name)
        for what, n in (("n_pre", n_pre), ("n_post", n_post)):
            if not isinstance(n, int | np.integer) or n <= 0:
                raise ValueError(f"{what} must be a positive int, got {n!r}.")
        prob = check_number("FixedProb", "prob", prob, "the connection probability")
        if not 0.0 <= prob <= 1.0:
            raise ValueError(f"FixedProb: prob must be in [0, 1], got {prob!r}.")
        weight = check_number("FixedProb", "weight", weight, "the weight of every synapse")
        self.n_pre, self.n_post = int(n_pre), int(n_post)
        self.prob, self.weight = prob, weight
        rng = connection_rng(seed)
        ell = fixed_prob_ell(self.n_pre, self.n_post, self.prob, rng, include_self)
        self.indices = Parameter(jnp.asarray(ell))

    @property
    def n_synapses(self) -> int:
        """The number of synapses drawn."""
        return ell_synapses(self.indices.value, self.n_post)

    def to_dense(self) -> np.ndarray:
        """The weight matrix, `(n_pre, n_post)` (for checks on small networks)."""
        return ell_to_dense(self.indices.value, self.weight, self.n_pre, self.n_post)

    def update(self, spike: Any) -> Float[Array, "*batch n_post"]:
        """The summed weight that `spike` (shape `(..., n_pre)`) sends to each target."""
        found = split_of(self.indices)
        if found is not None:  # a run on a mesh: this device's synapses only
            plan, split = found
            return sharded_propagate(
                self.name, spike, plan, split, self.weight, self.n_pre, self.n_post
            )
        return propagate(
            self.name, spike, self.indices.value, self.weight, self.n_pre, self.n_post
        )
