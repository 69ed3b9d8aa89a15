"""The COBA E/I network (Vogel & Abbott 2005; Brette et al. 2007, benchmark 1) in eqbrain.

4000 leaky integrate-and-fire neurons with a refractory period (BrainPy's `LifRef`;
3200 excitatory, 800 inhibitory), each pair connected with probability 2%,
conductance-based exponential synapses, a background current of 20, dt = 0.1 ms, 1 s
simulated. The same model as BrainPy's `EINet` example, written with eqbrain's building
blocks.

    pip install ".[examples]" && python examples/coba_ei_network.py

prints the mean firing rate and saves a spike raster to `coba_raster.png`. With
`--devices 8` the same network runs split across 8 devices (the CPU is split into 8
JAX devices when it is the platform), with the same spikes.
"""

from __future__ import annotations

import argparse
import time

import equinox as eqx
import jax
import numpy as np

import eqbrain


class EINet(eqbrain.Network):
    """One LIF population; E and I projections from its two parts onto all of it."""

    N: eqbrain.dyn.LifRef
    E: eqbrain.dyn.AlignPostProj
    I: eqbrain.dyn.AlignPostProj
    n_exc: int = eqx.field(static=True)

    def __init__(
        self,
        scale: float = 1.0,
        seed: int = 0,
        delay_E: float | None = None,
        delay_I: float | None = None,
    ):
        super().__init__()
        n_exc, n_inh = int(3200 * scale), int(800 * scale)
        n = n_exc + n_inh
        self.n_exc = n_exc
        self.N = eqbrain.dyn.LifRef(
            n,
            V_rest=-60.0,
            V_th=-50.0,
            V_reset=-60.0,
            tau=20.0,
            tau_ref=5.0,
            V_initializer=lambda key, shape: -55.0 + 2.0 * jax.random.normal(key, shape),
            key=jax.random.key(seed),
        )
        self.E = eqbrain.dyn.AlignPostProj(
            comm=eqbrain.dyn.FixedProb(n_exc, n, prob=0.02, weight=0.6 / scale, seed=seed + 1),
            syn=eqbrain.dyn.Expon(n, tau=5.0),
            out=eqbrain.dyn.COBA(E=0.0),
            delay=delay_E,
        )
        self.I = eqbrain.dyn.AlignPostProj(
            comm=eqbrain.dyn.FixedProb(n_inh, n, prob=0.02, weight=6.7 / scale, seed=seed + 2),
            syn=eqbrain.dyn.Expon(n, tau=10.0),
            out=eqbrain.dyn.COBA(E=-80.0),
            delay=delay_I,
        )

    def update(self, background=20.0):
        # The projections carry the previous step's spikes, then the neurons step.
        spike, V = self.N.spike.value, self.N.V.value
        current = self.E(spike[: self.n_exc], V) + self.I(spike[self.n_exc :], V) + background
        return self.N(current)


def build(
    scale: float = 1.0, seed: int = 0, delay_E: float | None = None, delay_I: float | None = None
) -> EINet:
    """The network with `4000 * scale` neurons, weights divided by `scale` (BrainPy's),
    and optional synaptic delays (ms) of the excitatory and inhibitory projections."""
    return EINet(scale, seed, delay_E, delay_I)


def mean_rate(spikes, dt: float) -> float:
    """The mean firing rate in Hz of a spike record: the runner's sparse `SparseSpikes`,
    or a dense `(steps, neurons)` array (counted without a float copy of it)."""
    if isinstance(spikes, eqbrain.SparseSpikes):
        return spikes.mean_rate()
    spikes = np.asarray(spikes)
    return float(np.count_nonzero(spikes)) / spikes.size / (dt * 1e-3)


def raster(ts, spikes, path: str) -> None:
    """Save a raster of the spikes (sparse or dense) to `path`."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 4))
    eqbrain.plot.raster_plot(ts, spikes, ax=ax, markersize=1, title="COBA E/I network")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main(
    duration: float = 1000.0,
    scale: float = 1.0,
    dt: float = 0.1,
    png: str | None = "coba_raster.png",
    progress_bar: bool = True,
    mesh: jax.sharding.Mesh | None = None,
) -> float:
    net = build(scale)
    start = time.perf_counter()
    out = eqbrain.run(
        net, duration, monitors=["N.spike"], dt=dt, progress_bar=progress_bar, mesh=mesh
    )
    spikes = out["N.spike"]  # SparseSpikes: the (step, neuron) of each spike, on the host
    elapsed = time.perf_counter() - start
    rate = mean_rate(spikes, dt)
    print(
        f"{net.N.num} neurons, {duration:g} ms in {elapsed:.2f} s (compilation included): "
        f"mean rate {rate:.2f} Hz, {spikes.num_spikes} spikes kept in {spikes.nbytes} bytes"
    )
    if png:
        raster(out.ts, spikes, png)
        print(f"spike raster saved to {png}")
    return rate


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--duration", type=float, default=1000.0, help="ms simulated")
    parser.add_argument("--scale", type=float, default=1.0, help="network size / 4000")
    parser.add_argument("--png", default="coba_raster.png", help="raster file ('' for none)")
    parser.add_argument("--devices", type=int, default=0, help="split across this many devices")
    args = parser.parse_args()
    mesh = None
    if args.devices:
        eqbrain.set_host_device_count(args.devices)  # a CPU becomes that many devices
        mesh = jax.make_mesh((args.devices,), ("neurons",))
    main(args.duration, args.scale, png=args.png or None, mesh=mesh)
