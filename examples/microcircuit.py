"""The cortical microcircuit of Potjans & Diesmann (2014): 77,169 neurons in 8
populations (layers 2/3, 4, 5 and 6, excitatory and inhibitory) under 1 mm² of cortex,
0.3 billion synapses, with the parameters of NEST's example of the model.

- neurons: NEST's `iaf_psc_exp` (`eqbrain.dyn.IafPscExp`: C_m 250 pF, tau_m 10 ms,
  E_L -65, V_th -50, V_reset -65 mV, t_ref 2 ms, current synapses of tau_syn 0.5 ms),
  initial V drawn per population (NEST's "optimized" V0);
- connectivity: the number of synapses of each pair of populations from its
  connection probability, drawn as NEST's `fixed_total_number` (or a fixed in-degree),
  multapses and autapses allowed; weights normal around 87.8 pA (0.15 mV PSPs), twice
  that from L4E to L2/3E, -4 times for inhibition, 10 % spread; delays normal, 1.5 ±
  0.75 ms excitatory and 0.75 ± 0.375 ms inhibitory, redrawn below dt, rounded to
  steps: all in one `eqbrain.dyn.DelayConn`;
- background: Poisson spikes at 8 Hz x K_ext per neuron (`PoissonBackground`), or the
  equivalent DC current;
- `scale` multiplies the neuron numbers and the in-degrees; the weights grow by
  1/sqrt(scale) and a DC current makes up the mean input lost, as NEST's example does.

    python examples/microcircuit.py                     # scale 0.1, 0.5 s warm-up, 1 s
    python examples/microcircuit.py --scale 1 --t-sim 200

prints each population's rate next to NEST's run of its example at scale 0.1
(`tests/data/nest_microcircuit/rates.json`) and the full-scale rates NEST's example
uses to compensate the scaling.
"""

from __future__ import annotations

import argparse
import json
import pathlib
import time
from collections.abc import Iterator
from typing import Any

import equinox as eqx
import numpy as np

import eqbrain

POPULATIONS = ("L2/3E", "L2/3I", "L4E", "L4I", "L5E", "L5I", "L6E", "L6I")
FULL_NUM_NEURONS = np.array([20683, 5834, 21915, 5479, 4850, 1065, 14395, 2948])
# connection probabilities, targets by row and sources by column
CONN_PROBS = np.array(
    [
        [0.1009, 0.1689, 0.0437, 0.0818, 0.0323, 0.0, 0.0076, 0.0],
        [0.1346, 0.1371, 0.0316, 0.0515, 0.0755, 0.0, 0.0042, 0.0],
        [0.0077, 0.0059, 0.0497, 0.135, 0.0067, 0.0003, 0.0453, 0.0],
        [0.0691, 0.0029, 0.0794, 0.1597, 0.0033, 0.0, 0.1057, 0.0],
        [0.1004, 0.0622, 0.0505, 0.0057, 0.0831, 0.3726, 0.0204, 0.0],
        [0.0548, 0.0269, 0.0257, 0.0022, 0.06, 0.3158, 0.0086, 0.0],
        [0.0156, 0.0066, 0.0211, 0.0166, 0.0572, 0.0197, 0.0396, 0.2252],
        [0.0364, 0.001, 0.0034, 0.0005, 0.0277, 0.008, 0.0658, 0.1443],
    ]
)
K_EXT = np.array([1600, 1500, 2100, 1900, 2000, 1900, 2900, 2100])
# the full-scale rates NEST's example compensates the scaling with (spikes/s)
FULL_MEAN_RATES = np.array([0.903, 2.965, 4.414, 5.876, 7.569, 8.633, 1.105, 7.829])
V0_MEAN = np.array([-68.28, -63.16, -63.33, -63.45, -63.11, -61.66, -66.72, -61.43])
V0_STD = np.array([5.36, 4.57, 4.74, 4.94, 4.94, 4.55, 5.46, 4.48])
NEURON: dict[str, Any] = dict(
    C_m=250.0, tau_m=10.0, tau_syn=0.5, E_L=-65.0, V_th=-50.0, V_reset=-65.0, t_ref=2.0
)
PSP_E, G, BG_RATE, WEIGHT_REL_STD = 0.15, -4.0, 8.0, 0.1
DELAY_E, DELAY_I, DELAY_REL_STD = 1.5, 0.75, 0.5
RULES = ("fixed_total_number", "fixed_indegree")
NEST_RATES = pathlib.Path(__file__).parent.parent / "tests/data/nest_microcircuit/rates.json"


def psc_over_psp(C_m: float, tau_m: float, tau_syn: float) -> float:
    """The PSC amplitude (pA) of a 1 mV PSP peak for `iaf_psc_exp` (NEST's conversion)."""
    sub = 1.0 / (tau_syn - tau_m)
    frac = (tau_m / tau_syn) ** sub
    return 1.0 / (tau_m * tau_syn / C_m * sub * (frac**tau_m - frac**tau_syn))


def parameters(scale: float = 0.1, poisson: bool = True) -> dict[str, Any]:
    """The derived numbers of the model at `scale` (neurons and in-degrees): population
    sizes, synapse counts `[target, source]`, mean weights (pA), background rate and
    weight per neuron, and DC currents (pA), as NEST's example computes them."""
    if isinstance(scale, bool) or not isinstance(scale, int | float) or not 0 < scale <= 1:
        raise ValueError(
            f"scale must be a number in (0, 1] (the fraction of neurons and in-degrees), "
            f"got {scale!r}."
        )
    prod = np.outer(FULL_NUM_NEURONS, FULL_NUM_NEURONS).astype(np.float64)
    full_synapses = np.log(1.0 - CONN_PROBS) / np.log((prod - 1.0) / prod)
    psc = psc_over_psp(NEURON["C_m"], NEURON["tau_m"], NEURON["tau_syn"])
    w_mean = np.tile([PSP_E, G * PSP_E], (8, 4)) * psc
    w_mean[0, 2] *= 2.0  # L4E -> L2/3E
    w_ext = PSP_E * psc
    tau = NEURON["tau_syn"]
    dc = np.zeros(8) if poisson else BG_RATE * K_EXT * w_ext * tau * 1e-3
    if scale != 1:  # what the lost in-degree took: the mean input, as a current
        indegree = full_synapses / FULL_NUM_NEURONS[:, None]
        recurrent = np.sum(w_mean * indegree * FULL_MEAN_RATES, axis=1)
        dc = dc + 1e-3 * tau * (1 - np.sqrt(scale)) * recurrent
        if poisson:
            dc = dc + 1e-3 * tau * (1 - np.sqrt(scale)) * w_ext * K_EXT * BG_RATE
        w_mean, w_ext = w_mean / np.sqrt(scale), w_ext / np.sqrt(scale)
    return {
        "num_neurons": np.round(FULL_NUM_NEURONS * scale).astype(int),
        "num_synapses": np.round(full_synapses * scale * scale).astype(int),
        "weight_mean": w_mean,
        "delay_mean": np.tile([DELAY_E, DELAY_I], (8, 4)),
        "bg_rate": BG_RATE * np.round(K_EXT * scale) if poisson else np.zeros(8),
        "weight_ext": w_ext,
        "dc": dc,
    }


def _redrawn_normal(rng: np.random.Generator, mean: float, std: float, n: int, ok) -> np.ndarray:
    """`n` normal draws, each redrawn until `ok` (NEST's `redraw`)."""
    x = rng.normal(mean, std, n)
    bad = np.nonzero(~ok(x))[0]
    while bad.size:
        x[bad] = rng.normal(mean, std, bad.size)
        bad = bad[~ok(x[bad])]
    return x


class Microcircuit(eqbrain.Network):
    """The microcircuit as one population of `IafPscExp` neurons (the 8 populations are
    index ranges, `bounds`), one `DelayConn` and an optional `PoissonBackground`."""

    neurons: eqbrain.dyn.IafPscExp
    conn: eqbrain.dyn.DelayConn
    background: eqbrain.dyn.PoissonBackground | None
    bounds: tuple[int, ...] = eqx.field(static=True)

    def __init__(
        self,
        scale: float = 0.1,
        *,
        poisson: bool = True,
        seed: int = 55,
        dt: float = 0.1,
        rule: str = "fixed_total_number",
    ):
        super().__init__()
        if rule not in RULES:
            raise ValueError(f"rule must be one of {RULES}, got {rule!r}.")
        p = parameters(scale, poisson)
        sizes = p["num_neurons"]
        self.bounds = tuple(int(b) for b in np.concatenate([[0], np.cumsum(sizes)]))
        n = self.bounds[-1]
        rng = np.random.default_rng([seed, 0])
        V0 = np.concatenate([rng.normal(m, s, k) for m, s, k in zip(V0_MEAN, V0_STD, sizes)])
        I_e = np.repeat(p["dc"], sizes)
        self.neurons = eqbrain.dyn.IafPscExp(n, **NEURON, I_e=I_e, V_initializer=V0)

        def blocks() -> Iterator[tuple]:
            for i in range(8):  # target population
                for j in range(8):  # source population
                    if p["num_synapses"][i, j] > 0:
                        yield self._block(p, i, j, seed, rule, dt)

        self.conn = eqbrain.dyn.DelayConn.from_blocks(n, n, blocks, dt=dt)
        self.background = None
        if poisson:
            rate = np.repeat(p["bg_rate"], sizes)
            self.background = eqbrain.dyn.PoissonBackground(
                n, rate, p["weight_ext"], seed=seed, dt=dt
            )

    def _block(self, p, i, j, seed, rule, dt) -> tuple:
        """The synapses from population `j` onto population `i`, in global indices; the
        weights and delays as functions, drawn only when `DelayConn` places them."""
        b = self.bounds
        rng = np.random.default_rng([seed, 1, i, j])
        n_pre, n_post = b[j + 1] - b[j], b[i + 1] - b[i]
        if rule == "fixed_total_number":
            num = int(p["num_synapses"][i, j])
            pre, post = eqbrain.dyn.fixed_total_pairs(n_pre, n_post, num, rng)
        else:
            k = int(round(p["num_synapses"][i, j] / n_post))
            pre, post = eqbrain.dyn.fixed_indegree_pairs(n_pre, n_post, k, rng)
        mean, d_mean = float(p["weight_mean"][i, j]), float(p["delay_mean"][i, j])
        sign = (lambda w: w >= 0) if mean >= 0 else (lambda w: w <= 0)

        def weights() -> np.ndarray:
            rng = np.random.default_rng([seed, 2, i, j])
            w = _redrawn_normal(rng, mean, abs(mean) * WEIGHT_REL_STD, pre.size, sign)
            return w.astype(np.float32)

        def delays() -> np.ndarray:
            rng = np.random.default_rng([seed, 3, i, j])
            return _redrawn_normal(
                rng, d_mean, d_mean * DELAY_REL_STD, pre.size, lambda x: x >= dt
            )

        return pre + b[j], post + b[i], weights, delays

    def update(self) -> Any:
        """One step: the input arriving now (recurrent and background), then the neurons."""
        x = self.conn(self.neurons.spike.value)
        if self.background is not None:
            x = x + self.background()
        return self.neurons(x)

    def rates(self, spikes: eqbrain.SparseSpikes, duration: float) -> np.ndarray:
        """The mean rate (spikes/s) of each population over `duration` ms of `spikes`."""
        counts = np.asarray(spikes.per_neuron(), np.float64)
        b = self.bounds
        return np.array([counts[b[k] : b[k + 1]].mean() for k in range(8)]) / (duration * 1e-3)


def simulate(
    scale: float = 0.1,
    t_presim: float = 500.0,
    t_sim: float = 1000.0,
    *,
    poisson: bool = True,
    seed: int = 55,
    dt: float = 0.1,
    rule: str = "fixed_total_number",
) -> dict[str, Any]:
    """Build, warm up for `t_presim` ms, and record `t_sim` ms: rates and timings."""
    t0 = time.perf_counter()
    net = Microcircuit(scale, poisson=poisson, seed=seed, dt=dt, rule=rule)
    build = time.perf_counter() - t0
    if t_presim > 0:
        eqbrain.run(net, t_presim, dt=dt)
    runner = eqbrain.DSRunner(net, monitors=["neurons.spike"], dt=dt)
    t0 = time.perf_counter()
    runner.run(t_sim)
    spikes = runner.mon["neurons.spike"]
    run = time.perf_counter() - t0
    return {
        "net": net,
        "rates": net.rates(spikes, t_sim),
        "build_s": build,
        "run_s": run,
        "n_neurons": net.bounds[-1],
        "n_synapses": net.conn.n_synapses,
        "bytes_per_synapse": net.conn.nbytes / max(net.conn.n_synapses, 1),
    }


def main(scale: float = 0.1, t_presim: float = 500.0, t_sim: float = 1000.0, **kw: Any) -> dict:
    out = simulate(scale, t_presim, t_sim, **kw)
    nest = json.loads(NEST_RATES.read_text()) if NEST_RATES.exists() else None
    print(
        f"scale {scale}: {out['n_neurons']} neurons, {out['n_synapses']} synapses "
        f"({out['bytes_per_synapse']:.2f} bytes each), built in {out['build_s']:.1f} s, "
        f"{t_sim:g} ms simulated in {out['run_s']:.1f} s (with compilation)"
    )
    nest_label = f"NEST {nest['scale']:g}" if nest else "NEST"
    print(f"{'population':>10} {'eqbrain':>9} {nest_label:>9} {'NEST 1.0':>9}   (spikes/s)")
    for k, name in enumerate(POPULATIONS):
        ref = f"{nest['rates_hz'][k]:9.3f}" if nest else f"{'-':>9}"
        print(f"{name:>10} {out['rates'][k]:9.3f} {ref} {FULL_MEAN_RATES[k]:9.3f}")
    return out


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--scale", type=float, default=0.1, help="neurons and in-degrees")
    parser.add_argument("--t-presim", type=float, default=500.0, help="warm-up (ms)")
    parser.add_argument("--t-sim", type=float, default=1000.0, help="ms recorded")
    parser.add_argument("--dc", action="store_true", help="DC instead of Poisson background")
    parser.add_argument("--seed", type=int, default=55)
    parser.add_argument("--rule", choices=RULES, default="fixed_total_number")
    args = parser.parse_args()
    main(
        args.scale, args.t_presim, args.t_sim, poisson=not args.dc, seed=args.seed, rule=args.rule
    )
