"""`unitary_LFP`: the local field potential of a spiking population (Telenczuk et al., 2020)."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from ..random import RandomState, SeedOrKey

# uLFP amplitudes (excitatory, inhibitory) at each recording depth (Telenczuk et al.).
_AMPLITUDES = {
    "soma layer": (0.48, 3.0),
    "deep layer": (-0.16, -0.2),
    "superficial layer": (0.24, -1.2),
    "surface layer": (-0.08, 0.3),
    "surface": (-0.08, 0.3),
}


def unitary_LFP(
    times: Any,
    spikes: Any,
    spike_type: str,
    xmax: float = 0.2,
    ymax: float = 0.2,
    va: float = 200.0,
    lambda_: float = 0.2,
    sig_i: float = 2.1,
    sig_e: float = 2.1 * 1.5,
    location: str = "soma layer",
    seed: SeedOrKey | None = None,
) -> jax.Array:
    r"""The unitary LFP of a population, by the kernel method of Telenczuk et al. (2020).

    The neurons are placed uniformly at random on an `xmax` x `ymax` mm rectangle with
    the electrode at its center. Each spike of neuron `i` at time `t_s` adds
    `A_i exp(-(t - t_s - d_i)^2 / (2 sigma^2))`, with `A_i = amp exp(-r_i / lambda_)`,
    the delay `d_i = 10.4 ms + r_i / va` (converted to ms) and `sigma` = `sig_e` or
    `sig_i`; `amp` depends on the spike type and the recording `location`.

    **Arguments:**

    - `times`: the `(num_time,)` times in ms.
    - `spikes`: `(num_time, num_neuron)` spikes.
    - `spike_type`: `'exc'` or `'inh'`.
    - `xmax`, `ymax`: the size of the population in mm (default 0.2).
    - `va`: the axonal velocity in mm/s (default 200).
    - `lambda_`: the spatial decay in mm (default 0.2).
    - `sig_i`, `sig_e`: the kernel widths in ms (default 2.1 and 3.15).
    - `location`: `'soma layer'`, `'deep layer'`, `'superficial layer'` or `'surface'`.
    - `seed`: the seed of the neuron positions.

    **Returns:** the `(num_time,)` LFP in microvolts.
    """
    if spike_type not in ("exc", "inh"):
        raise ValueError(f"spike_type must be 'exc' or 'inh', got {spike_type!r}.")
    if location not in _AMPLITUDES:
        raise ValueError(
            f"location must be 'soma layer', 'deep layer', 'superficial layer' or "
            f"'surface', got {location!r}."
        )
    times = jnp.asarray(times)
    spikes = np.asarray(spikes)
    if spikes.ndim != 2:
        raise ValueError(
            f"spikes must be a 2-D array of shape (num_time, num_neuron), got {spikes.shape}."
        )
    if times.shape[0] != spikes.shape[0]:
        raise ValueError(
            f"times and spikes must have the same length along the first axis, got "
            f"{times.shape[0]} and {spikes.shape[0]}."
        )
    xy = RandomState(seed).rand(2, spikes.shape[1]) * jnp.array([[xmax], [ymax]])
    dist = jnp.sqrt((xy[0] - xmax / 2) ** 2 + (xy[1] - ymax / 2) ** 2)
    amp_e, amp_i = _AMPLITUDES[location]
    amplitude = jnp.exp(-dist / lambda_) * (amp_e if spike_type == "exc" else amp_i)
    delay = 10.4 + dist / va * 1e3
    rows, cols = np.where(spikes)
    peaks = times[rows] + delay[cols]
    weights = amplitude[cols]
    sigma = sig_e if spike_type == "exc" else sig_i
    return jax.lax.map(
        lambda t: jnp.sum(weights * jnp.exp(-((t - peaks) ** 2) / (2 * sigma**2))), times
    )
