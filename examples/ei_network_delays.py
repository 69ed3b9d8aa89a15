"""An E/I network with synaptic delays: the COBA network of `coba_ei_network.py` with
delayed excitation and inhibition, run beside the same network without delays.

Delays change the network's dynamics: inhibition that arrives late lets excitation
build up in waves, so the population rate oscillates (Brunel 2000 shows the same for
delayed E/I networks). The script runs both networks from the same initial state and
connectivity, prints their rates and the strength of the rate oscillation, and saves a
figure with both rasters and population rates.

    pip install ".[examples]" && python examples/ei_network_delays.py

saves `ei_delays.png`.
"""

from __future__ import annotations

import argparse
import pathlib
import sys

import numpy as np

import eqbrain

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from coba_ei_network import build  # noqa: E402  (the network, from the sibling example)


def population_rate(spikes: eqbrain.SparseSpikes, n: int, dt: float, width: float = 1.0):
    """The population rate (Hz) in bins of `width` ms, from the sparse spike record."""
    per_step = spikes.per_step()
    k = max(1, round(width / dt))
    bins = per_step[: len(per_step) // k * k].reshape(-1, k).sum(1)
    return bins / n / (k * dt * 1e-3)


def oscillation(rate: np.ndarray) -> float:
    """Coefficient of variation of the population rate (0 for a flat rate)."""
    return float(rate.std() / rate.mean()) if rate.mean() > 0 else 0.0


def simulate(duration: float, scale: float, delay_E: float | None, delay_I: float | None, dt=0.1):
    net = build(scale, seed=0, delay_E=delay_E, delay_I=delay_I)
    out = eqbrain.run(net, duration, monitors=["N.spike"], dt=dt)
    spikes = out["N.spike"]
    rate = population_rate(spikes, net.N.num, dt)
    return out.ts, spikes, rate, net.N.num


def main(
    duration: float = 500.0,
    scale: float = 1.0,
    delay_E: float = 1.5,
    delay_I: float = 3.0,
    png: str | None = "ei_delays.png",
) -> dict:
    results = {}
    for label, dE, dI in [("no delays", None, None), ("delayed", delay_E, delay_I)]:
        ts, spikes, rate, n = simulate(duration, scale, dE, dI)
        results[label] = dict(ts=ts, spikes=spikes, rate=rate, mean=spikes.mean_rate())
        print(
            f"{label:>9}: {n} neurons, mean rate {spikes.mean_rate():.2f} Hz, "
            f"population-rate CV {oscillation(rate):.2f}"
        )
    if png:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig, axes = plt.subplots(2, 2, figsize=(10, 5), sharex=True, height_ratios=[3, 1])
        for col, (label, r) in enumerate(results.items()):
            eqbrain.plot.raster_plot(r["ts"], r["spikes"], ax=axes[0, col], markersize=0.5)
            axes[0, col].set_title(f"{label}: {r['mean']:.1f} Hz")
            t = np.arange(len(r["rate"])) * 1.0
            axes[1, col].plot(t, r["rate"], lw=0.8)
            axes[1, col].set_xlabel("time (ms)")
        axes[1, 0].set_ylabel("rate (Hz)")
        fig.tight_layout()
        fig.savefig(png, dpi=110)
        plt.close(fig)
        print(f"figure saved to {png}")
    return results


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--duration", type=float, default=500.0, help="ms simulated")
    parser.add_argument("--scale", type=float, default=1.0, help="network size / 4000")
    parser.add_argument("--delay-E", type=float, default=1.5, help="excitatory delay (ms)")
    parser.add_argument("--delay-I", type=float, default=3.0, help="inhibitory delay (ms)")
    parser.add_argument("--png", default="ei_delays.png", help="figure file ('' for none)")
    args = parser.parse_args()
    main(args.duration, args.scale, args.delay_E, args.delay_I, png=args.png or None)
