"""Competitive Hebbian learning through STDP (Song, Miller & Abbott 2000).

1000 Poisson inputs (15 Hz each) drive one conductance-based LIF neuron through
excitatory synapses whose weights learn by spike-timing-dependent plasticity
(`eqbrain.dyn.STDP_Song2000`, depression slightly stronger than potentiation:
`A2 = 1.05 A1`). The inputs compete for control of the neuron's spikes: starting from
uniform weights in `[0, g_max]`, the weights spread to a bimodal distribution, most
near 0 or near `g_max`. BrainPy's `examples/dynamics_simulation/stdp.py` (the same
network and parameters), run for 400 s instead of 100 s, so that the distribution
settles (it takes about 300 s at this learning rate, `A1 = 0.01 g_max`).

    pip install ".[examples]" && python examples/stdp_song2000.py

prints the fraction of weights in the bottom and top tenth of `[0, g_max]` every few
seconds of simulated time and saves `stdp_song2000.png`.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import jax.numpy as jnp
import matplotlib
import numpy as np

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

import eqbrain  # noqa: E402

DT = 0.1  # ms


class STDPNet(eqbrain.DynSysGroup):
    """Poisson inputs onto LIF neurons through plastic excitatory synapses."""

    g_max: float
    noise: eqbrain.dyn.PoissonGroup
    group: eqbrain.dyn.Lif
    syn: eqbrain.dyn.STDP_Song2000

    def __init__(self, num_poisson=1000, num_lif=1, g_max=0.01, rate=0.01, seed=0):
        super().__init__()
        self.g_max = g_max
        self.noise = eqbrain.dyn.PoissonGroup(num_poisson, freqs=15.0, seed=seed)
        self.group = eqbrain.dyn.Lif(
            num_lif, V_reset=-60.0, V_rest=-74.0, V_th=-54.0, tau=10.0,
            V_initializer=eqbrain.init.Normal(-60.0, 1.0, seed=seed),
        )  # fmt: skip
        self.syn = eqbrain.dyn.STDP_Song2000(
            pre=self.noise,
            delay=None,
            syn=eqbrain.dyn.Expon.desc(num_lif, tau=5.0),
            comm=eqbrain.dnn.AllToAll(
                num_poisson, num_lif, eqbrain.init.Uniform(0.0, g_max, seed=seed + 1)
            ),
            out=eqbrain.dyn.COBA.desc(E=0.0),
            post=self.group,
            tau_s=20.0,
            tau_t=20.0,
            W_max=g_max,
            W_min=0.0,
            A1=rate * g_max,
            A2=1.05 * rate * g_max,
        )

    def update(self):
        self.noise()
        self.syn()  # learns, and registers the current that `group` adds
        self.group()
        return self.group.spike.value


def fractions(w, g_max):
    """The fractions of weights in the bottom and the top tenth of `[0, g_max]`."""
    w = np.asarray(w) / g_max
    return float(np.mean(w <= 0.1)), float(np.mean(w >= 0.9))


def simulate(net, seconds, report=20):
    """Run `seconds` of simulated time, one second per compiled loop; returns the
    weights after each second `(seconds + 1, num_poisson, num_lif)` and the output
    rate (Hz) in each second."""
    steps = int(round(1000.0 / DT))
    weights = [np.asarray(net.syn.comm.weight.value)]
    rates = []
    with eqbrain.share.context(dt=DT):
        for s in range(seconds):
            spikes = eqbrain.for_loop(net.step_run, jnp.arange(s * steps, (s + 1) * steps))
            weights.append(np.asarray(net.syn.comm.weight.value))
            rates.append(float(np.asarray(spikes).sum(0).mean()))
            if report and (s + 1) % report == 0:
                low, high = fractions(weights[-1], net.g_max)
                print(
                    f"t = {s + 1:4d} s: output {rates[-1]:5.1f} Hz; weights <= 0.1 g_max: "
                    f"{low:.0%}, >= 0.9 g_max: {high:.0%}"
                )
    return np.stack(weights), np.asarray(rates)


def plot(weights, rates, g_max, path):
    w = weights[-1].ravel() / g_max
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.4))
    axes[0].hist(weights[0].ravel() / g_max, 20, range=(0, 1), color="0.7", label="start")
    axes[0].hist(w, 20, range=(0, 1), color="C0", alpha=0.8, label="end")
    axes[0].set(xlabel="weight / g_max", ylabel="synapses", title="Weight distribution")
    axes[0].legend()
    axes[1].plot(w, ".k", ms=2)
    axes[1].set(xlabel="input", ylabel="weight / g_max", title="Final weights")
    t = np.arange(weights.shape[0])
    axes[2].plot(t, weights[:, :10, 0] / g_max, lw=0.8)
    axes[2].set(xlabel="time (s)", ylabel="weight / g_max", title="Ten weights")
    ax = axes[2].twinx()
    ax.plot(t[1:], rates, color="k", lw=1.5)
    ax.set_ylabel("output rate (Hz)")
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    plt.close(fig)


def main(seconds=400, rate=0.01, out="."):
    net = STDPNet(rate=rate)
    weights, rates = simulate(net, seconds)
    low, high = fractions(weights[-1], net.g_max)
    print(
        f"after {seconds} s: {low:.1%} of the weights <= 0.1 g_max, {high:.1%} >= 0.9 g_max "
        f"({low + high:.1%} in the two tenths at the ends); output {rates[-1]:.1f} Hz"
    )
    path = Path(out) / "stdp_song2000.png"
    plot(weights, rates, net.g_max, path)
    print(f"saved {path}")
    return weights, rates


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seconds", type=int, default=400, help="simulated time (s)")
    parser.add_argument("--rate", type=float, default=0.01, help="A1 / g_max")
    parser.add_argument("--out", default=".", help="where to save the figure")
    args = parser.parse_args()
    main(args.seconds, args.rate, args.out)
