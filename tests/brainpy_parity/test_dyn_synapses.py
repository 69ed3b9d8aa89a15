"""Parity with BrainPy 2.8's `brainpy/dyn/synapses/abstract_models_test.py`.

BrainPy's file has 9 cases, all in scope and all passing here:

- `TestDualExpon.test_dual_expon`, `test_dual_expon_v2`, `TestAlpha.test_v1`: a
  `SpikeTimeGroup` drives `DualExpon` / `DualExponV2` / an `Alpha` synapse (inside a
  `FullProjAlignPreDS` onto a `LifRef`) over several time constants and spike counts;
  BrainPy only plots the traces. The ports compare the traces with BrainPy 2.8.2's at
  four steps (recorded with it). BrainPy runs 1000 steps of 0.01 ms (resp. 0.1 ms); the
  ports run 100 steps of 0.1 ms, which covers the same first spikes.
- `TestDualExpEqualTau` (3): equal rise and decay times: `DualExpon`'s normaliser stays
  finite (scalar and per-synapse taus), a unit spike then peaks at 1 (an alpha
  function), and `DualExponV2` refuses them with a `ValueError` (its normaliser has no
  value there). BrainPy's peak case runs 4000 steps of 0.05 ms; the port 300 (the peak
  is at 11 ms).
- `TestSTPReset` (3): `STP` with one `U` per synapse: initial values, a run, and a
  batched `STP` with a scalar `U`.

eqbrain's networks pass the spikes in and take the current back (`docs/migrating.md`,
"Networks"), where BrainPy's register them on the populations.

The BrainPy numbers come from `tests/data/brainpy_dyn_parity/record.py` (run it with
BrainPy installed to print them again).
"""

from typing import Any

import jax.numpy as jnp
import numpy as np
import pytest

import eqbrain

STEPS = [20, 21, 40, 99]  # the steps compared with BrainPy's records


def _spike_times(n_spk):
    """Neuron 0 spikes `n_spk` times, evenly from 2 to 100 ms (BrainPy's cases)."""
    return eqbrain.dyn.SpikeTimeGroup(1, np.zeros(n_spk, int), np.linspace(2.0, 100.0, n_spk))


class Drive(eqbrain.DynSysGroup):
    """Spike times into one synapse; returns what `read` takes from the synapse."""

    inp: eqbrain.dyn.SpikeTimeGroup
    syn: eqbrain.DynamicalSystem
    v2: bool

    def __init__(self, syn, n_spk, v2=False):
        super().__init__()
        self.inp, self.syn, self.v2 = _spike_times(n_spk), syn, v2

    def update(self):
        out = self.syn(self.inp())
        syn: Any = self.syn  # a two-state synapse: h and g
        return out if self.v2 else (syn.h.value, syn.g.value)


def _loop(net, steps=100, dt=0.1):
    with eqbrain.share.context(dt=dt):
        return eqbrain.for_loop(net.step_run, jnp.arange(steps))


# BrainPy 2.8.2, dt = 0.1 ms: (h, g) of DualExpon at STEPS. With 1 or 10 spikes only
# the spike at 2 ms falls in the first 10 ms, so the two runs are the same.
DUAL_EXPON = {
    (1.0, 10.0, 1): (
        [1.2915497, 1.1686425, 0.17479229, 0.00047883418],
        [0.0, 0.12851126, 1.0306481, 0.6838975],
    ),
    (1.0, 10.0, 100): (
        [1.2915497, 1.1686425, 1.9414766, 0.8304252],
        [0.0, 0.12851126, 1.8404498, 7.0061874],
    ),
    (10.0, 100.0, 1): (
        [0.12915497, 0.12786986, 0.10574316, 0.05861634],
        [0.0, 0.01290917, 0.23287843, 0.6781426],
    ),
    (10.0, 100.0, 100): (
        [0.12915497, 0.12786986, 0.35176235, 0.68304706],
        [0.0, 0.01290917, 0.35577673, 3.4167893],
    ),
}
DUAL_EXPON_V2 = {  # g at STEPS
    (1.0, 10.0, 1): [0.0, 0.12228452, 0.98071057, 0.65076107],
    (1.0, 10.0, 100): [0.0, 0.12228452, 1.7512748, 6.666719],
    (5.0, 50.0, 1): [0.0, 0.025548736, 0.41683957, 0.92973506],
    (5.0, 50.0, 100): [0.0, 0.025548736, 0.6485545, 5.2468467],
    (10.0, 100.0, 1): [0.0, 0.012844678, 0.23171486, 0.67475456],
    (10.0, 100.0, 100): [0.0, 0.012844678, 0.3539991, 3.3997204],
}


def _recorded(table, tau_r, tau_d, n_spk):
    return table[(tau_r, tau_d, 1 if n_spk == 10 else n_spk)]


@pytest.mark.parametrize("tau_r, tau_d", [(1.0, 10.0), (10.0, 100.0)])
@pytest.mark.parametrize("n_spk", [1, 10, 100])
def test_dual_expon(tau_r, tau_d, n_spk):
    net = Drive(eqbrain.dyn.DualExpon(1, tau_rise=tau_r, tau_decay=tau_d), n_spk)
    hs, gs = _loop(net)
    assert hs.shape == gs.shape == (100, 1)
    h, g = _recorded(DUAL_EXPON, tau_r, tau_d, n_spk)
    np.testing.assert_allclose(hs[STEPS, 0], h, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(gs[STEPS, 0], g, rtol=1e-5, atol=1e-7)
    assert not np.asarray(gs[:20]).any()  # nothing before the first spike at 2 ms


@pytest.mark.parametrize("tau_r, tau_d", [(1.0, 10.0), (5.0, 50.0), (10.0, 100.0)])
@pytest.mark.parametrize("n_spk", [1, 10, 100])
def test_dual_expon_v2(tau_r, tau_d, n_spk):
    net = Drive(eqbrain.dyn.DualExponV2(1, tau_rise=tau_r, tau_decay=tau_d), n_spk, v2=True)
    gs = _loop(net)
    assert gs.shape == (100, 1)
    g = _recorded(DUAL_EXPON_V2, tau_r, tau_d, n_spk)
    np.testing.assert_allclose(gs[STEPS, 0], g, rtol=1e-5, atol=1e-7)


# -- TestAlpha.test_v1: an Alpha synapse in a FullProjAlignPreDS onto one LifRef ------------


class AlphaNet(eqbrain.DynSysGroup):
    inp: eqbrain.dyn.SpikeTimeGroup
    neu: eqbrain.dyn.LifRef
    proj: eqbrain.dyn.FullProjAlignPreDS[eqbrain.dyn.Alpha]

    def __init__(self, tau, n_spk):
        super().__init__()
        self.inp = _spike_times(n_spk)
        self.neu = eqbrain.dyn.LifRef(1)
        self.proj = eqbrain.dyn.FullProjAlignPreDS(
            self.inp, eqbrain.dyn.Alpha(1, tau_decay=tau), eqbrain.dyn.All2All(1, 1, 1.0),
            eqbrain.dyn.CUBA(), self.neu,
        )  # fmt: skip

    def update(self):
        self.inp()
        self.neu(self.proj())
        return self.proj.syn.h.value, self.proj.syn.g.value, self.neu.V.value


ALPHA = {  # BrainPy 2.8.2: h, g, and the neuron's V at STEPS (tau = 10)
    1: (
        [1.0, 0.99004984, 0.81873101, 0.45384529],
        [0.0, 0.00995016, 0.16456753, 0.36033624],
        [0.0, 9.9005687e-05, 0.01719347, 0.1434161],
    ),
    50: (
        [1.0, 0.99004984, 1.8187311, 2.5121887],
        [0.0, 0.00995016, 0.16456753, 1.1123171],
        [0.0, 9.9005687e-05, 0.01719347, 0.31005591],
    ),
}


@pytest.mark.parametrize("n_spk", [1, 10, 50])
def test_alpha_in_a_projection(n_spk):
    hs, gs, Vs = _loop(AlphaNet(10.0, n_spk))
    for got, want in zip((hs, gs, Vs), ALPHA[1 if n_spk == 10 else n_spk]):
        np.testing.assert_allclose(got[STEPS, 0], want, rtol=1e-5, atol=1e-7)


# -- TestDualExpEqualTau --------------------------------------------------------------------


def test_dual_expon_equal_taus_have_a_finite_normaliser():
    syn = eqbrain.dyn.DualExpon(2, tau_rise=10.0, tau_decay=10.0)
    # the limit of the normaliser as tau_rise -> tau_decay: e / tau (BrainPy's 0.2718...)
    np.testing.assert_allclose(syn.a, np.e / 10.0, rtol=1e-6)
    mixed = eqbrain.dyn.DualExpon(
        2, tau_rise=jnp.array([10.0, 5.0]), tau_decay=jnp.array([10.0, 50.0])
    )
    np.testing.assert_allclose(mixed.a, [0.27182817, 0.25830993], rtol=1e-6)  # BrainPy's


def test_dual_expon_equal_taus_is_a_normalised_alpha():
    class One(eqbrain.DynSysGroup):
        inp: eqbrain.dyn.SpikeTimeGroup
        syn: eqbrain.dyn.DualExpon

        def __init__(self):
            super().__init__()
            self.inp = eqbrain.dyn.SpikeTimeGroup(1, [0], [1.0])
            self.syn = eqbrain.dyn.DualExpon(1, tau_rise=10.0, tau_decay=10.0)

        def update(self):
            return self.syn(self.inp())

    gs = np.asarray(_loop(One(), steps=300, dt=0.05))
    assert np.isfinite(gs).all()
    assert abs(gs.max() - 1.0) < 0.005  # BrainPy: equal to 1 within 2 decimal places
    assert gs.argmax() * 0.05 == pytest.approx(11.0, abs=0.1)  # tau after the 1 ms spike


def test_dual_expon_v2_refuses_equal_taus():
    with pytest.raises(ValueError, match="tau_rise == tau_decay"):
        eqbrain.dyn.DualExponV2(2, tau_rise=10.0, tau_decay=10.0)


# -- TestSTPReset: one U per synapse --------------------------------------------------------


def test_stp_with_one_U_per_synapse_starts_at_U():
    U = jnp.array([0.1, 0.2, 0.3])
    syn = eqbrain.dyn.STP(3, U=U)
    np.testing.assert_allclose(syn.u.value, U)
    np.testing.assert_allclose(syn.x.value, np.ones(3))
    syn.u.value = jnp.zeros(3)
    syn.reset_state()
    np.testing.assert_allclose(syn.u.value, U)


def test_stp_with_one_U_per_synapse_runs():
    syn = eqbrain.dyn.STP(3, U=jnp.array([0.1, 0.2, 0.3]))
    out = []
    for i in range(20):
        with eqbrain.share.context(t=i * 0.1, dt=0.1, i=i):
            spk = jnp.array([1.0, 0.0, 1.0]) if i == 5 else jnp.zeros(3)
            out.append(np.asarray(syn.update(spk)))
    out = np.asarray(out)
    assert np.isfinite(out).all()
    # BrainPy 2.8.2's outputs at steps 4, 5, 6, 19 and the final u and x (recorded)
    want = [
        [0.0999667, 0.19993339, 0.29990003],
        [0.15387769, 0.19992007, 0.24990167],
        [0.15388547, 0.19990675, 0.25001499],
        [0.1539857, 0.19973363, 0.25148073],
    ]
    np.testing.assert_allclose(out[[4, 5, 6, 19]], want, rtol=1e-5)
    np.testing.assert_allclose(syn.u.value, [0.1897869, 0.19973363, 0.50944036], rtol=1e-5)
    np.testing.assert_allclose(syn.x.value, [0.81136107, 1.0, 0.49364114], rtol=1e-5)


def test_stp_scalar_U_batched():
    syn = eqbrain.dyn.STP(3, U=0.15, batch_size=4)
    assert syn.u.shape == (4, 3)
    np.testing.assert_allclose(syn.u.value, np.full((4, 3), 0.15))
