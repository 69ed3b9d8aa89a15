"""The COBA E/I network written by hand in pure JAX: one `lax.scan`, no eqbrain inside.

The reference that `bench_coba.py` times eqbrain against, and that
`tests/test_coba_reference.py` checks eqbrain's `examples/coba_ei_network.py` against
spike for spike. The model is BrainPy's own COBA example (`EINet`: Vogel & Abbott 2005,
the Brette et al. 2007 benchmark): one LIF population of `N` neurons, the first `n_exc`
excitatory; two projections (E from the excitatory neurons, I from the inhibitory ones)
to all `N` neurons over a padded ("ELL") target list per presynaptic neuron, exponential
synapses and conductance-based currents. Per step, as eqbrain's example computes it
(the same float operations in the same order, so the spikes are the same):

1. read the previous step's spikes;
2. each projection: `g = (g + w * (number of spiking sources of each target)) *
   exp(-dt / tau_syn)` (BrainPy's align-post order: the input is added, then the
   synapse steps, so a spike's weight has decayed once when the neurons read it);
3. `I = g_E (0 - V) + g_I (-80 - V) + 20`;
4. LIF with refractoriness (BrainPy's `LifRef`, eqbrain's `LIF`): exponential Euler as
   `eqbrain.dyn.integrators._steps.exponential_euler` computes it for `lif_derivative`:
   `f = (-V + V_rest + R I) / tau`, its linear part `a = -(1 / tau)` (what autodiff
   gives), `V' = V + dt * phi(a dt) * f` with `phi(z) = expm1(z) / z`; a neuron with
   `t - t_last_spike <= tau_ref` keeps its `V`; `spike = V' >= V_th`; spiking neurons
   are reset to `V_reset` and get `t_last_spike = t`; `t = i dt`.

Two versions of step 2:

- `simulate_event`: event-driven, the algorithm of
  `eqbrain.dyn.projections._event.event_sum` written out again: list the spiking ids
  `group` at a time from the population counts of packed 32-bit words (no prefix sum
  over every neuron), and scatter their target rows in a loop of `ceil(spikes / group)`
  turns (work grows with the number of spikes).
- `simulate_dense`: processes every synapse every step: one scatter-add of all rows of
  the target list, each weighted by its source's spike (0 or 1), as
  `eqbrain.dyn.projections._event.dense_sum` (a dense matrix would need `n_pre * N`
  floats: 13 GB at 64k neurons).

Both take the connectivity and the initial `V` as inputs, so they run exactly eqbrain's
network when given its arrays; `fixed_prob` draws a connectivity for standalone use.
"""

from __future__ import annotations

import functools

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

# BrainPy's COBA example (EINet), times in ms, potentials in mV.
V_REST, V_RESET, V_TH = -60.0, -60.0, -50.0
TAU, TAU_REF, R = 20.0, 5.0, 1.0
TAU_EXC, TAU_INH = 5.0, 10.0
E_EXC, E_INH = 0.0, -80.0
I_BG = 20.0
PROB = 0.02


def sizes(scale: float) -> tuple[int, int]:
    """`(n_exc, n_inh)` for a network `scale` times the 4000-neuron one."""
    return int(3200 * scale), int(800 * scale)


def weights(scale: float) -> tuple[float, float]:
    """`(w_exc, w_inh)`: 0.6 and 6.7, divided by `scale` to keep the input per neuron."""
    return 0.6 / scale, 6.7 / scale


def fixed_prob(seed: int, n_pre: int, n_post: int, prob: float = PROB) -> np.ndarray:
    """A FixedProb connectivity as a padded target list of shape `(n_pre + 1, K)`.

    Each pair is connected with probability `prob` (no self-exclusion, no multiple
    synapses); row `r` lists the targets of presynaptic neuron `r`, padded with
    `n_post`, and the last row is all `n_post` ("no neuron").
    """
    rng = np.random.default_rng(seed)
    rows: list[np.ndarray] = []
    block = max(1, 2**24 // n_post)  # draw ~16M pairs at a time
    for start in range(0, n_pre, block):
        mask = rng.random((min(block, n_pre - start), n_post), dtype=np.float32) < prob
        rows.extend(np.flatnonzero(row) for row in mask)
    k = max(1, max(len(r) for r in rows))
    out = np.full((n_pre + 1, k), n_post, np.int32)
    for i, r in enumerate(rows):
        out[i, : len(r)] = r
    return out


def initial_V(seed: int, n: int) -> jax.Array:
    """`V` drawn from Normal(-55, 2), as BrainPy's `bp.init.Normal(-55., 2.)`."""
    return -55.0 + 2.0 * jax.random.normal(jax.random.key(seed), (n,), jnp.float32)


WORD = 32  # spikes per packed word
TRI = 64  # width of the triangular matrices of the prefix sum


def running_total(x):
    """Inclusive prefix sum of small integer counts held as float32, by blocked matmuls
    with an upper-triangular matrix (exact below 2**24)."""
    m = x.shape[0]
    if m <= TRI:
        upper = jnp.triu(jnp.ones((m, m), jnp.float32))
        return jnp.dot(x, upper, precision=lax.Precision.HIGHEST)
    nb = -(-m // TRI)
    upper = jnp.triu(jnp.ones((TRI, TRI), jnp.float32))
    inner = jnp.dot(jnp.pad(x, (0, nb * TRI - m)).reshape(nb, TRI), upper, precision="highest")
    offsets = running_total(inner[:, -1]) - inner[:, -1]
    return (inner + offsets[:, None]).reshape(-1)[:m]


def event_sum(spikes, indices, weight, n_post: int, group: int = 8):
    """Sum of `weight` over the synapses of the spiking sources, by spiking rows only.

    The spiking ids are listed without a prefix sum over every neuron: the spikes are
    packed 32 to a uint32 word, the words' population counts are summed up, and the k-th
    spike is found from those running counts (its word) and a binary search on population
    counts inside the word (its bit). Rows are cut out `group` at a time as stacked
    `dynamic_slice`s and scatter-added, in a loop of `ceil(spikes / group)` turns.
    """
    spikes, indices = jnp.asarray(spikes), jnp.asarray(indices)
    n_pre = spikes.shape[0]
    n_words = -(-n_pre // WORD)
    bits = jnp.pad(spikes, (0, n_words * WORD - n_pre)).reshape(n_words, WORD)
    words = (bits.astype(jnp.uint32) << jnp.arange(WORD, dtype=jnp.uint32)).sum(
        axis=1, dtype=jnp.uint32
    )
    per_word = lax.population_count(words).astype(jnp.int32)
    ends = running_total(per_word.astype(jnp.float32)).astype(jnp.int32)
    count = ends[-1]

    def spiking(rank):
        w = jnp.minimum(jnp.sum(ends[None, :] <= rank[:, None], axis=1), n_words - 1)
        word, k = words[w], rank - (ends[w] - per_word[w])
        bit = jnp.zeros(rank.shape, jnp.uint32)  # largest bit with <= k set bits below it
        for step in (16, 8, 4, 2, 1):
            trial = bit + jnp.uint32(step)
            below = lax.population_count(word & ((jnp.uint32(1) << trial) - jnp.uint32(1)))
            bit = jnp.where(below.astype(jnp.int32) <= k, trial, bit)
        return jnp.where(rank < count, w * WORD + bit.astype(jnp.int32), n_pre)

    def scatter(c, out):
        rows = spiking(c * group + jnp.arange(group, dtype=jnp.int32))
        targets = jnp.concatenate(
            [lax.dynamic_slice_in_dim(indices, rows[i], 1) for i in range(group)]
        )
        w = jnp.full(targets.size, weight, jnp.float32)
        return out.at[targets.reshape(-1)].add(w, mode="drop")

    n_groups = (count + group - 1) // group
    return lax.fori_loop(0, n_groups, scatter, jnp.zeros(n_post, jnp.float32))


def dense_sum(spikes, indices, weight, n_post: int):
    """The same sum, every synapse every step: all rows, weighted by their spike."""
    spikes, indices = jnp.asarray(spikes), jnp.asarray(indices)
    on = jnp.concatenate([spikes, jnp.zeros(1, bool)])[:, None]  # the sentinel row: off
    w = jnp.where(on, jnp.float32(weight), jnp.float32(0.0))
    contrib = jnp.broadcast_to(w, indices.shape)
    return jnp.zeros(n_post, jnp.float32).at[indices.ravel()].add(contrib.ravel(), mode="drop")


def phi(z):
    """`(exp(z) - 1) / z`, its series below `|z| < 1e-6` (the integrator's `_phi`)."""
    small = jnp.abs(z) < 1e-6
    safe = jnp.where(small, 1.0, z)
    return jnp.where(small, 1.0 + z / 2.0 + z * z / 6.0, jnp.expm1(safe) / safe)


def lif_step(V, I, dt):
    """One exponential Euler step of `tau dV/dt = -(V - V_rest) + R I`, in the float
    operations of eqbrain's `exp_euler` on `lif_derivative`."""
    f = (-V + V_REST + R * I) / TAU
    a = -(jnp.ones_like(V) / TAU)  # d f / d V, as the integrator's autodiff gives it
    return V + dt * phi(a * dt) * f


def _simulate(sum_fn, indices_E, indices_I, V0, n_steps, w_exc, w_inh, dt):
    n = V0.shape[0]
    n_exc = indices_E.shape[0] - 1
    ts = jnp.arange(n_steps, dtype=jnp.float32) * jnp.float32(dt)  # t = i dt in float32
    decay_E = jnp.exp(-dt / TAU_EXC)
    decay_I = jnp.exp(-dt / TAU_INH)

    def step(state, t):
        V, spike, t_last, gE, gI = state
        gE = (gE + sum_fn(spike[:n_exc], indices_E, w_exc, n)) * decay_E
        gI = (gI + sum_fn(spike[n_exc:], indices_I, w_inh, n)) * decay_I
        I = gE * (E_EXC - V) + gI * (E_INH - V) + I_BG
        V_new = lif_step(V, I, dt)
        V_new = jnp.where((t - t_last) <= TAU_REF, V, V_new)
        spike = V_new >= V_TH
        V = jnp.where(spike, V_RESET, V_new)
        t_last = jnp.where(spike, t, t_last)
        return (V, spike, t_last, gE, gI), spike

    zeros = jnp.zeros(n, jnp.float32)
    state = (V0, jnp.zeros(n, bool), jnp.full(n, -1e7, jnp.float32), zeros, zeros)
    return lax.scan(step, state, ts)[1]


@functools.partial(jax.jit, static_argnames=("n_steps", "w_exc", "w_inh", "dt", "group"))
def simulate_event(indices_E, indices_I, V0, n_steps, *, w_exc, w_inh, dt=0.1, group=8):
    """Run the network event-driven for `n_steps`; returns the spikes `(n_steps, N)`.

    **Arguments:**

    - `indices_E`, `indices_I`: the padded target lists of the excitatory and inhibitory
      sources, `(n_exc + 1, K_E)` and `(n_inh + 1, K_I)`, padded with `N`.
    - `V0`: the initial membrane potentials, shape `(N,)`.
    - `n_steps`: how many steps of `dt` ms.
    - `w_exc`, `w_inh`: the synaptic weights; `dt`: the step (ms).
    - `group`: how many spiking rows are scattered at a time.
    """

    def sum_fn(spikes, indices, weight, n_post):
        return event_sum(spikes, indices, weight, n_post, group)

    return _simulate(sum_fn, indices_E, indices_I, V0, n_steps, w_exc, w_inh, dt)


@functools.partial(jax.jit, static_argnames=("n_steps", "w_exc", "w_inh", "dt"))
def simulate_dense(indices_E, indices_I, V0, n_steps, *, w_exc, w_inh, dt=0.1):
    """As `simulate_event`, but every synapse is processed every step (`dense_sum`)."""
    return _simulate(dense_sum, indices_E, indices_I, V0, n_steps, w_exc, w_inh, dt)
