"""`FixedProb`: random connectivity with a fixed probability, stored sparsely,
propagating spikes event-driven."""

from __future__ import annotations

from typing import Any

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
from jaxtyping import Array, Float

from ..core import Parameter
from ._dynsys import DynamicalSystem
from ._event import dense_sum, event_sum


def fixed_prob_targets(
    n_pre: int, n_post: int, prob: float, seed: int, include_self: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """Every pair `i -> j` drawn independently with probability `prob`, as CSR.

    The gaps between successive synapses in the flattened `n_pre x n_post` grid are
    geometric, so drawing them costs time and memory in the number of synapses, not
    of pairs. **Returns:** `(indptr, indices)`, the targets of each row sorted.
    """
    rng = np.random.default_rng(seed)
    total = n_pre * n_post
    if prob == 0.0 or total == 0:
        flat = np.zeros(0, np.int64)
    elif prob == 1.0:
        flat = np.arange(total, dtype=np.int64)
    else:
        parts, last = [], -1
        while last < total:
            n = int(1.05 * prob * (total - last)) + 1024
            pos = last + np.cumsum(rng.geometric(prob, size=n))
            parts.append(pos)
            last = int(pos[-1])
        flat = np.concatenate(parts)
        flat = flat[flat < total]
    pre, post = np.divmod(flat, n_post)
    if not include_self:
        keep = pre != post
        pre, post = pre[keep], post[keep]
    indptr = np.zeros(n_pre + 1, np.int64)
    np.cumsum(np.bincount(pre, minlength=n_pre), out=indptr[1:])
    return indptr, post.astype(np.int32)


def to_ell(indptr: np.ndarray, indices: np.ndarray, n_post: int) -> np.ndarray:
    """CSR rows padded to the longest with the sentinel `n_post`, plus one sentinel row."""
    n_pre = len(indptr) - 1
    counts = np.diff(indptr)
    width = max(int(counts.max(initial=0)), 1)
    ell = np.full((n_pre + 1, width), n_post, np.int32)
    rows = np.repeat(np.arange(n_pre), counts)
    cols = np.arange(len(indices)) - indptr[rows]
    ell[rows, cols] = indices
    return ell


class FixedProb(DynamicalSystem):
    """Fixed-probability random connectivity with one weight, event-driven (BrainPy's
    `EventCSRLinear(FixedProb(...))`).

    Each pair `i -> j` is connected with probability `prob`, drawn once at construction
    from `seed`. The targets are stored row-padded (`indices`, a `Parameter`: saved with
    the model, never trained), and a step with boolean spikes touches only the rows of
    the neurons that spiked (`eqbrain._event.event_sum`), so it costs time in the number
    of spikes times the fan-out, not in the number of synapses. Non-boolean input (rates,
    surrogate spikes) is weighted and summed over every synapse instead.

    **Arguments:**

    - `n_pre`, `n_post`: the sizes of the pre- and postsynaptic populations.
    - `prob`: the connection probability, in `[0, 1]`.
    - `weight`: the weight of every synapse.
    - `seed`: the seed of the connectivity.
    - `include_self`: whether `i -> i` may be drawn (for a population onto itself).

    ```python
    conn = eqbrain.FixedProb(3200, 4000, prob=0.02, weight=0.6, seed=1)
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
        seed: int = 0,
        include_self: bool = True,
        name: str | None = None,
    ):
        super().__init__(name=name)
        for what, n in (("n_pre", n_pre), ("n_post", n_post)):
            if not isinstance(n, int | np.integer) or n <= 0:
                raise ValueError(f"{what} must be a positive int, got {n!r}.")
        if not 0.0 <= prob <= 1.0:
            raise ValueError(f"prob must be in [0, 1], got {prob!r}.")
        self.n_pre, self.n_post = int(n_pre), int(n_post)
        self.prob, self.weight = float(prob), float(weight)
        indptr, targets = fixed_prob_targets(
            self.n_pre, self.n_post, self.prob, seed, include_self
        )
        self.indices = Parameter(jnp.asarray(to_ell(indptr, targets, self.n_post)))

    @property
    def n_synapses(self) -> int:
        """The number of synapses drawn."""
        return int(np.sum(np.asarray(self.indices.value) < self.n_post))

    def to_dense(self) -> np.ndarray:
        """The weight matrix, `(n_pre, n_post)` (for checks on small networks)."""
        ell = np.asarray(self.indices.value)[:-1]
        dense = np.zeros((self.n_pre, self.n_post + 1), np.float32)
        np.add.at(dense, (np.arange(self.n_pre)[:, None], ell), self.weight)
        return dense[:, :-1]

    def update(self, spike: Any) -> Float[Array, "*batch n_post"]:
        """The summed weight that `spike` (shape `(..., n_pre)`) sends to each target."""
        spike = jnp.asarray(spike)
        if spike.shape[-1:] != (self.n_pre,):
            raise ValueError(
                f"{self.name} expects presynaptic input of shape (..., {self.n_pre}), "
                f"got {spike.shape}."
            )
        indices = self.indices.value
        if spike.dtype == jnp.bool_:

            def one(s):
                return event_sum(s, indices, self.weight, self.n_post)
        else:

            def one(s):
                return dense_sum(s, indices, self.weight, self.n_post)

        for _ in range(spike.ndim - 1):
            one = jax.vmap(one)
        return one(spike)
