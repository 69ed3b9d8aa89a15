"""The COBA-HH network (Brette et al. 2007, benchmark 3) in eqbrain.

4000 Hodgkin-Huxley neurons of the Traub-Miles type (3200 excitatory, 800 inhibitory),
each pair connected with probability 2%, conductance-based exponential synapses, no
external input: the activity is self-sustained. The neuron model is written here with
`eqbrain.odeint` and `eqbrain.JointEq` (exponential Euler on the joint system), the way
BrainPy's COBA-HH example writes it; the network uses eqbrain's building blocks.
Parameters from the paper: C = 200 pF, g_L = 10 nS, g_Na = 20 uS, g_K = 6 uS,
E_L = -60 mV, E_Na = 50 mV, E_K = -90 mV, V_T = -63 mV, spikes at -20 mV;
excitatory synapses 6 nS (tau 5 ms, E 0 mV), inhibitory 67 nS (tau 10 ms, E -80 mV).

    pip install ".[examples]" && python examples/coba_hh_network.py

prints the mean firing rate and saves a spike raster to `coba_hh_raster.png`. The weights
are divided by `--scale`; below about 0.5 the potentials diverge (in BrainPy too), and
the script says so instead of printing a rate.
"""

from __future__ import annotations

import argparse
import time

import equinox as eqx
import jax
import jax.numpy as jnp

import eqbrain

C, GL, GNA, GK = 200.0, 10.0, 20.0e3, 6.0e3  # pF, nS
EL, ENA, EK, VT, V_SPIKE = -60.0, 50.0, -90.0, -63.0, -20.0  # mV


def dV(V, t, m, h, n, I):
    I_na = GNA * m**3 * h * (V - ENA)
    I_k = GK * n**4 * (V - EK)
    return (GL * (EL - V) - I_na - I_k + I) / C


# The rates `c x / (exp(x / k) - 1)` are written `c k / exprel(x / k)`: the same
# function, but finite where x = 0 (exactly -50 mV for `a` of m), which long float32
# runs do hit, turning a neuron into NaN for good (BrainPy's example has that 0/0).


def dm(m, t, V):
    a = 0.32 * 4.0 / eqbrain.exprel((13.0 - V + VT) / 4.0)
    b = 0.28 * 5.0 / eqbrain.exprel((V - VT - 40.0) / 5.0)
    return a * (1.0 - m) - b * m


def dh(h, t, V):
    a = 0.128 * jnp.exp((17.0 - V + VT) / 18.0)
    b = 4.0 / (1.0 + jnp.exp(-(V - VT - 40.0) / 5.0))
    return a * (1.0 - h) - b * h


def dn(n, t, V):
    a = 0.032 * 5.0 / eqbrain.exprel((15.0 - V + VT) / 5.0)
    b = 0.5 * jnp.exp((10.0 - V + VT) / 40.0)
    return a * (1.0 - n) - b * n


class TraubHH(eqbrain.DynamicalSystem):
    """Hodgkin-Huxley neurons of the Traub-Miles type (the COBA-HH benchmark's)."""

    V: eqbrain.Variable
    m: eqbrain.Variable
    h: eqbrain.Variable
    n: eqbrain.Variable
    spike: eqbrain.Variable
    integral: eqbrain.ODEIntegrator
    num: int = eqx.field(static=True)

    def __init__(self, num: int, key: jax.Array):
        super().__init__()
        self.num = num
        self.V = eqbrain.Variable(EL + (jax.random.normal(key, (num,)) * 5.0 - 5.0))
        self.m = eqbrain.Variable(jnp.zeros(num))
        self.h = eqbrain.Variable(jnp.zeros(num))
        self.n = eqbrain.Variable(jnp.zeros(num))
        self.spike = eqbrain.Variable(jnp.zeros(num, bool))
        self.integral = eqbrain.odeint(eqbrain.JointEq(dV, dm, dh, dn), method="exp_auto")

    def update(self, I):
        t, dt = eqbrain.share.load("t"), eqbrain.share.load("dt")
        V, m, h, n = self.integral(
            self.V.value, self.m.value, self.h.value, self.n.value, t, I, dt=dt
        )
        self.spike.value = (self.V.value < V_SPIKE) & (V >= V_SPIKE)
        self.V.value, self.m.value, self.h.value, self.n.value = V, m, h, n
        return self.spike.value


class COBAHH(eqbrain.Network):
    """One Traub-Miles population; E and I projections from its two parts onto all of it."""

    N: TraubHH
    E: eqbrain.dyn.AlignPostProj
    I: eqbrain.dyn.AlignPostProj
    n_exc: int = eqx.field(static=True)

    def __init__(self, scale: float = 1.0, seed: int = 0):
        super().__init__()
        n_exc, n_inh = int(3200 * scale), int(800 * scale)
        n = n_exc + n_inh
        self.n_exc = n_exc
        self.N = TraubHH(n, jax.random.key(seed))
        self.E = eqbrain.dyn.AlignPostProj(
            comm=eqbrain.dyn.FixedProb(n_exc, n, prob=0.02, weight=6.0 / scale, seed=seed + 1),
            syn=eqbrain.dyn.Expon(n, tau=5.0),
            out=eqbrain.dyn.COBA(E=0.0),
        )
        self.I = eqbrain.dyn.AlignPostProj(
            comm=eqbrain.dyn.FixedProb(n_inh, n, prob=0.02, weight=67.0 / scale, seed=seed + 2),
            syn=eqbrain.dyn.Expon(n, tau=10.0),
            out=eqbrain.dyn.COBA(E=-80.0),
        )

    def update(self):
        spike, V = self.N.spike.value, self.N.V.value
        current = self.E(spike[: self.n_exc], V) + self.I(spike[self.n_exc :], V)
        return self.N(current)


def check_finite(net: COBAHH) -> None:
    """Raise if any potential has become NaN or infinite (then the spikes mean nothing)."""
    bad = int(jnp.sum(~jnp.isfinite(net.N.V.value)))
    if bad:
        raise FloatingPointError(
            f"{bad} of {net.N.num} membrane potentials diverged (NaN or inf): the "
            "weights are divided by the scale, and below a scale of about 0.5 the "
            "synaptic current (applied explicitly over each step) is too strong for "
            "dt = 0.1 ms. Use a scale of 0.5 or more; BrainPy diverges the same way."
        )


def main(
    duration: float = 1000.0, scale: float = 1.0, png: str | None = "coba_hh_raster.png"
) -> float:
    net = COBAHH(scale)
    start = time.perf_counter()
    out = eqbrain.run(net, duration, monitors=["N.spike"], dt=0.1)
    spikes = out["N.spike"]
    elapsed = time.perf_counter() - start
    check_finite(net)
    rate = spikes.mean_rate()
    print(
        f"{net.N.num} HH neurons, {duration:g} ms in {elapsed:.2f} s (compilation "
        f"included): mean rate {rate:.2f} Hz, {spikes.num_spikes} spikes"
    )
    if png:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(8, 4))
        eqbrain.plot.raster_plot(out.ts, spikes, ax=ax, markersize=1, title="COBA-HH network")
        fig.tight_layout()
        fig.savefig(png, dpi=100)
        plt.close(fig)
        print(f"spike raster saved to {png}")
    return rate


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--duration", type=float, default=1000.0, help="ms simulated")
    parser.add_argument("--scale", type=float, default=1.0, help="network size / 4000")
    parser.add_argument("--png", default="coba_hh_raster.png", help="raster file ('' for none)")
    args = parser.parse_args()
    main(args.duration, args.scale, png=args.png or None)
