"""Wang (2002) decision making: a spiking network with AMPA, NMDA and GABA_A synapses.

1600 excitatory and 400 inhibitory LIF neurons. Two groups of 240 excitatory neurons
(A and B) each prefer one of two choices; a stimulus of coherence `c` drives A at
`40 (1 + c)` Hz and B at `40 (1 - c)` Hz. Recurrent excitation through slow NMDA
synapses, stronger within a group (`w+ = 1.7`), and shared inhibition make the groups
compete: one of them wins and keeps firing, the network's decision. All neurons get
background Poisson input (800 inputs at 3 Hz through AMPA synapses). Parameters from
Wang (2002), Neuron 36: 955-968.

Written with eqbrain's blocks: `LifRef` neurons; `Expon` (AMPA, GABA_A: 2 and 5 ms) and
`NMDA` synapses with `COBA` and `MgBlock` outputs; `FullProjAlignPre` projections (the
synaptic gating variable is per presynaptic neuron, as in the paper); `PoissonInput`
for the background and the stimulus.

    pip install ".[examples]" && python examples/decision_making.py --coherence 25.6

prints the rates of A and B and which won, and saves `decision_making.png`.
"""

from __future__ import annotations

import argparse

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np

import eqbrain

F, W_PLUS = 0.15, 1.7  # fraction of E neurons per selective group; potentiated weight
W_MINUS = 1.0 - F * (W_PLUS - 1.0) / (1.0 - F)
# conductances (nS), to E and to I
G = {
    "E": dict(ext=2.1, ampa=0.05, nmda=0.165, gaba=1.3),
    "I": dict(ext=1.62, ampa=0.04, nmda=0.13, gaba=1.0),
}


class GroupComm(eqbrain.DynamicalSystem):
    """Connectivity with one weight per pair of groups: target `i` receives
    `sum_g W[group(i), g] * sum(x over source group g)` (all-to-all, structured)."""

    src_groups: tuple = eqx.field(static=True)  # (start, stop) of each source group
    dst_groups: tuple = eqx.field(static=True)
    W: tuple = eqx.field(static=True)  # (n_dst_groups, n_src_groups) nested tuples

    def __init__(self, src_groups, dst_groups, W):
        super().__init__()
        self.src_groups, self.dst_groups = tuple(src_groups), tuple(dst_groups)
        self.W = tuple(tuple(float(w) for w in row) for row in np.asarray(W))

    def update(self, x):
        sums = jnp.stack([jnp.sum(x[a:b]) for a, b in self.src_groups])
        per_group = jnp.asarray(self.W, jnp.float32) @ sums
        return jnp.concatenate(
            [jnp.full(b - a, per_group[k]) for k, (a, b) in enumerate(self.dst_groups)]
        )


def lif(n: int, tau: float, R: float, tau_ref: float, key) -> eqbrain.dyn.LifRef:
    V0 = lambda k, shape: -70.0 + 10.0 * jax.random.uniform(k, shape)  # noqa: E731
    return eqbrain.dyn.LifRef(
        n, V_rest=-70.0, V_reset=-55.0, V_th=-50.0, tau=tau, R=R, tau_ref=tau_ref,
        V_initializer=V0, key=key,
    )  # fmt: skip


class DecisionNet(eqbrain.Network):
    E: eqbrain.dyn.LifRef
    I: eqbrain.dyn.LifRef
    projections: dict[str, eqbrain.dyn.FullProjAlignPre]
    ext: dict[str, tuple[eqbrain.dyn.Expon, eqbrain.dyn.PoissonInput]]
    stim: dict[str, tuple[eqbrain.dyn.Expon, eqbrain.dyn.PoissonInput]]
    n_sel: int = eqx.field(static=True)
    stim_on: float = eqx.field(static=True)
    stim_off: float = eqx.field(static=True)

    def __init__(
        self,
        scale: float = 1.0,
        coherence: float = 25.6,
        mu0: float = 40.0,
        stim_on: float = 200.0,
        stim_off: float = 1200.0,
        seed: int = 0,
    ):
        super().__init__()
        n_e, n_i = int(1600 * scale), int(400 * scale)
        n_sel = int(F * n_e)
        self.n_sel, self.stim_on, self.stim_off = n_sel, stim_on, stim_off
        k = jax.random.split(jax.random.key(seed), 2)
        self.E = lif(n_e, tau=20.0, R=0.04, tau_ref=2.0, key=k[0])  # C 0.5 nF, gL 25 nS
        self.I = lif(n_i, tau=10.0, R=0.05, tau_ref=1.0, key=k[1])  # C 0.2 nF, gL 20 nS
        groups_e = [(0, n_sel), (n_sel, 2 * n_sel), (2 * n_sel, n_e)]  # A, B, non-selective
        W_ee = [[W_PLUS, W_MINUS, W_MINUS], [W_MINUS, W_PLUS, W_MINUS], [1.0, 1.0, 1.0]]
        all_e, all_i = [(0, n_e)], [(0, n_i)]
        # recurrent conductances are per synapse, for the paper's 1600 E and 400 I inputs
        ge, gi = G["E"], G["I"]
        s = 1.0 / scale

        def proj(pre, syn, src, post, dst, W, out):
            return eqbrain.dyn.FullProjAlignPre(
                pre=pre, syn=syn, comm=GroupComm(src, dst, W), out=out, post=post
            )

        def mg_block():
            return eqbrain.dyn.MgBlock(E=0.0, cc_Mg=1.0)

        self.projections = {
            "E2E_ampa": proj(self.E, eqbrain.dyn.Expon(n_e, tau=2.0), groups_e, self.E, groups_e,
                             np.multiply(W_ee, ge["ampa"] * s), eqbrain.dyn.COBA(E=0.0)),
            "E2E_nmda": proj(self.E, eqbrain.dyn.NMDA(n_e), groups_e, self.E, groups_e,
                             np.multiply(W_ee, ge["nmda"] * s), mg_block()),
            "E2I_ampa": proj(self.E, eqbrain.dyn.Expon(n_e, tau=2.0), all_e, self.I, all_i,
                             [[gi["ampa"] * s]], eqbrain.dyn.COBA(E=0.0)),
            "E2I_nmda": proj(self.E, eqbrain.dyn.NMDA(n_e), all_e, self.I, all_i,
                             [[gi["nmda"] * s]], mg_block()),
            "I2E": proj(self.I, eqbrain.dyn.Expon(n_i, tau=5.0), all_i, self.E, all_e,
                        [[ge["gaba"] * s]], eqbrain.dyn.COBA(E=-70.0)),
            "I2I": proj(self.I, eqbrain.dyn.Expon(n_i, tau=5.0), all_i, self.I, all_i,
                        [[gi["gaba"] * s]], eqbrain.dyn.COBA(E=-70.0)),
        }  # fmt: skip
        # background: 800 Poisson inputs at 3 Hz on AMPA synapses (g in nS)
        self.ext = {}
        for name, pop, g in (("E", self.E, ge["ext"]), ("I", self.I, gi["ext"])):
            syn = eqbrain.dyn.Expon(pop.num, tau=2.0)
            noise = eqbrain.dyn.PoissonInput(syn.g, 800, 3.0, g, seed=seed + len(self.ext) + 1)
            self.ext[name] = (syn, noise)
        # the stimulus: one Poisson input per selective neuron at 40 (1 +- c) Hz
        self.stim = {}
        for name, sign in (("A", 1.0), ("B", -1.0)):
            syn = eqbrain.dyn.Expon(n_sel, tau=2.0)
            rate = mu0 * (1.0 + sign * coherence / 100.0)
            self.stim[name] = (
                syn,
                eqbrain.dyn.PoissonInput(syn.g, 1, rate, ge["ext"], seed=seed + 9 + int(sign > 0)),
            )

    def _ext(self, syn, noise, V):
        syn()  # decay g over the step
        noise()  # add this step's Poisson input to g
        return syn.g.value * (0.0 - V)

    def update(self):
        t = eqbrain.share.load("t")
        VE, VI = self.E.V.value, self.I.V.value
        p = {k: proj() for k, proj in self.projections.items()}
        IE = p["E2E_ampa"] + p["E2E_nmda"] + p["I2E"] + self._ext(*self.ext["E"], VE)
        II = p["E2I_ampa"] + p["E2I_nmda"] + p["I2I"] + self._ext(*self.ext["I"], VI)
        on = (t >= self.stim_on) & (t < self.stim_off)
        n = self.n_sel
        stim = jnp.concatenate([
            self._ext(*self.stim["A"], VE[:n]), self._ext(*self.stim["B"], VE[n : 2 * n])
        ])  # fmt: skip
        IE = IE.at[: 2 * n].add(jnp.where(on, stim, 0.0))
        self.E(IE)
        self.I(II)
        return self.E.spike.value


def group_rates(spikes: eqbrain.SparseSpikes, n_sel: int, dt: float, window: float = 50.0):
    """Rates (Hz) of groups A and B in sliding windows of `window` ms."""
    counts = np.zeros((spikes.n_steps, 2))
    for g in range(2):
        sel = (spikes.indices >= g * n_sel) & (spikes.indices < (g + 1) * n_sel)
        counts[:, g] = np.bincount(spikes.steps[sel], minlength=spikes.n_steps)
    k = max(1, round(window / dt))
    kernel = np.ones(k) / (k * dt * 1e-3 * n_sel)
    return np.stack([np.convolve(counts[:, g], kernel, mode="same") for g in range(2)], 1)


def main(
    coherence: float = 25.6,
    duration: float = 1500.0,
    scale: float = 1.0,
    seed: int = 0,
    png: str | None = "decision_making.png",
) -> dict:
    net = DecisionNet(scale, coherence, seed=seed)
    dt = 0.1
    out = eqbrain.run(net, duration, monitors=["E.spike"], dt=dt)
    spikes = out["E.spike"]
    rates = group_rates(spikes, net.n_sel, dt)
    end = rates[int((net.stim_off - 100.0) / dt) : int(net.stim_off / dt)].mean(0)
    winner = "A" if end[0] > end[1] else "B"
    print(
        f"coherence {coherence:g}%: rates before the stimulus ends A {end[0]:.1f} Hz, "
        f"B {end[1]:.1f} Hz -> {winner} wins; mean E rate {spikes.mean_rate():.2f} Hz"
    )
    if png:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(8, 5), sharex=True, height_ratios=[2, 1])
        sel = spikes.indices < 2 * net.n_sel
        ax1.plot(spikes.times[sel], spikes.indices[sel], ",k")
        ax1.set_ylabel("A | B neuron")
        ax1.set_title(f"Wang (2002), coherence {coherence:g}%: {winner} wins")
        ts = np.asarray(out.ts)
        ax2.plot(ts, rates[:, 0], label="A")
        ax2.plot(ts, rates[:, 1], label="B")
        ax2.axvspan(net.stim_on, net.stim_off, color="0.9")
        ax2.set_xlabel("time (ms)")
        ax2.set_ylabel("rate (Hz)")
        ax2.legend()
        fig.tight_layout()
        fig.savefig(png, dpi=100)
        plt.close(fig)
        print(f"figure saved to {png}")
    return {"rates": rates, "end": end, "winner": winner, "spikes": spikes}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--coherence", type=float, default=25.6, help="percent")
    parser.add_argument("--duration", type=float, default=1500.0, help="ms simulated")
    parser.add_argument("--scale", type=float, default=1.0, help="network size / 2000")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--png", default="decision_making.png", help="figure ('' for none)")
    args = parser.parse_args()
    main(args.coherence, args.duration, args.scale, args.seed, png=args.png or None)
