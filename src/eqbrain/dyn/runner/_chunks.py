"""Chunks of a run: how many steps each, and how their records come to the host.

A run whose boolean records are kept sparse is cut into chunks of steps, so that the
packed bits on the device stay within a budget; each chunk's records are brought to the
host while the next chunk runs, and joined at the end.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import jax.tree_util as jtu
import numpy as np

from ._monitors import Monitor
from ._spikes import PackedBits, unpack


class HostSpikes:
    """The spikes of one chunk (or of a whole run) of one record, on the host."""

    def __init__(self, steps: np.ndarray, indices: np.ndarray, shape: tuple[int, ...]):
        self.steps, self.indices, self.shape = steps, indices, shape


def is_record(x: Any) -> bool:
    """Whether `x` is a sparse record on its way (packed bits, or spikes on the host)."""
    return isinstance(x, PackedBits | HostSpikes)


def sync(tree: Any) -> None:
    """Wait for every array of `tree`."""
    leaves = jtu.tree_leaves(tree, is_leaf=is_record)
    jax.block_until_ready([x for x in leaves if isinstance(x, jax.Array)])


def chunk_length(
    n: int,
    monitors: list[Monitor],
    is_dense: Callable[[str], bool],
    memory_efficient: bool,
    budget: int,
) -> int:
    """The steps per chunk of an `n`-step run: all of them unless records need chunks.

    Only Variable monitors count: their sizes are known before anything is traced, so a
    second run of the same length cuts the same chunks (and compiles nothing new).
    """
    per_step = 0
    for m in monitors:
        if m.var is None:
            continue
        size = m.var.size
        if m.index is not None:
            size = size // max(1, m.var.shape[0]) * m.index.size
        if m.var.dtype == jnp.bool_ and not is_dense(m.name):
            per_step += -(-size // 8)
        elif memory_efficient:
            per_step += size * m.var.dtype.itemsize
    if per_step == 0:
        return n
    most = max(1, budget // per_step)
    if n <= most:
        return n
    # Equal chunks share one compilation: prefer a divisor of n near the budget.
    fewest = -(-n // most)
    for count in range(fewest, 2 * fewest + 1):
        if n % count == 0:
            return n // count
    return most


def gathered(leaf: Any) -> Any:
    """A record spread over several processes (a run on a multi-process mesh), gathered
    into every process (each holds the whole record, as on one host)."""
    if isinstance(leaf, jax.Array) and not leaf.is_fully_addressable:
        from jax.experimental import multihost_utils

        return multihost_utils.process_allgather(leaf, tiled=True)
    return leaf


def to_host(offset: int, leaves: list, memory_efficient: bool) -> list:
    """One chunk's record leaves: packed bits listed as spikes (steps from `offset`);
    with `memory_efficient`, every other record moved to host memory too."""

    def host(leaf):
        if isinstance(leaf, PackedBits):
            size = math.prod(leaf.shape)
            steps, indices = unpack(np.asarray(gathered(leaf.bits)), offset, leaf.blocks, size)
            return HostSpikes(steps, indices, leaf.shape)
        if memory_efficient:
            return np.asarray(gathered(leaf))
        return gathered(leaf)

    return [host(leaf) for leaf in leaves]


def join(done: list[list], j: int) -> Any:
    """Leaf `j` of every chunk, joined; each chunk's part is let go once copied."""
    first = done[0][j]
    if len(done) == 1:
        return first
    if isinstance(first, HostSpikes):
        # Exactly the spikes' bytes, filled chunk by chunk: no second full copy.
        total = sum(chunk[j].steps.size for chunk in done)
        steps, indices = np.empty(total, np.int32), np.empty(total, np.int32)
        at = 0
        for chunk in done:
            part, chunk[j] = chunk[j], None
            steps[at : at + part.steps.size] = part.steps
            indices[at : at + part.steps.size] = part.indices
            at += part.steps.size
        return HostSpikes(steps, indices, first.shape)
    parts = [chunk[j] for chunk in done]
    for chunk in done:
        chunk[j] = None
    return np.concatenate(parts) if isinstance(first, np.ndarray) else jnp.concatenate(parts)
