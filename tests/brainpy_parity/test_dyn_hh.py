"""Parity with BrainPy 2.8's `brainpy/dyn/neurons/hh_test.py`.

BrainPy's file has 14 cases: 12 in `Test_HH` (HH, MorrisLecar and WangBuzsakiHH, each
with its `*LTC` form, each alone and in batching mode) and 2 in
`Test_CondNeuGroup_synaptic_scaling`.

- Out of scope (7): the six `*LTC` cases (`docs/models.md` lists the `*LTC` variants
  as not kept) and `test_condneugroup_synaptic_current_scaling`, which registers a
  synaptic current on the neuron (`add_inp_fun`): a frozen model has no input
  registry, a network passes the current to `update`.
- In scope (7): all pass (`HH`, `MorrisLecar` and `WangBuzsakiHH`, alone and batched;
  `test_external_input_still_scaled`: `CondNeuGroup` turns its input into a density
  by `1e-3 / A`). `WangBuzsakiHH` has the paper's `alpha_n`, a tenth of BrainPy
  2.8.2's; its trajectory is checked against BrainPy's with the paper's rate in
  `tests/test_channels.py`.

BrainPy's cases check the shapes of the records. The ports also check what the run gives:
gates within [0, 1], no spike without input, and the potential and gate of a neuron
started at -65 mV against BrainPy 2.8.2's (recorded with it). BrainPy's
`mode=bm.batching_mode` is a batch of one: `batch_size=1` here, recorded batch first as
BrainPy's runner does.

The BrainPy numbers come from `tests/data/brainpy_dyn_parity/record.py` (run it with
BrainPy installed to print them again).
"""

import numpy as np
import pytest

import eqbrain

MONITORS = {
    "HH": ["V", "m", "n", "h", "spike"],
    "MorrisLecar": ["V", "W", "spike"],
    "WangBuzsakiHH": ["V", "n", "h", "spike"],
}


def _cases():
    for name in ("HH", "MorrisLecar", "WangBuzsakiHH"):
        yield pytest.param(name, id=name)


def _run(model, names):
    runner = eqbrain.DSRunner(model, monitors=names, progress_bar=False)
    runner.run(10.0)
    return {k: np.asarray(runner.mon[k]) for k in names}


def _check_produced(mon):
    assert np.isfinite(mon["V"]).all()
    assert mon["spike"].dtype == np.bool_ and not mon["spike"].any()  # no input, no spike
    for gate in ("m", "n", "h", "W"):
        if gate in mon:
            assert ((mon[gate] >= 0) & (mon[gate] <= 1)).all()


@pytest.mark.parametrize("name", list(_cases()))
def test_model_alone(name):
    """`test_HH`, `test_MorrisLecar`, `test_WangBuzsakiModel`: one neuron, 10 ms."""
    mon = _run(getattr(eqbrain.dyn, name)(1), MONITORS[name])
    for k, x in mon.items():
        assert x.shape == (100, 1), k
    _check_produced(mon)


@pytest.mark.parametrize("name", list(_cases()))
def test_model_batching_mode(name):
    """The same `*_batching_mode` cases: ten neurons in a batch of one."""
    mon = _run(getattr(eqbrain.dyn, name)(10, batch_size=1), MONITORS[name])
    for k, x in mon.items():
        assert x.shape == (1, 100, 10), k
    _check_produced({k: x[0] for k, x in mon.items()})


def test_hh_from_a_fixed_potential_follows_brainpy():
    """BrainPy draws HH's initial potentials from its global generator, so the cases
    above cannot compare values; from V = -65 mV they can (BrainPy 2.8.2: V at steps
    0, 49, 99 and m at steps 0 and 99, recorded)."""
    mon = _run(eqbrain.dyn.HH(3, V_initializer=-65.0), ["V", "m"])
    np.testing.assert_allclose(
        mon["V"][[0, 49, 99], 0], [-65.28038, -72.14419, -72.40068], rtol=1e-4
    )
    np.testing.assert_allclose(mon["m"][[0, 99], 0], [0.05293248, 0.02135446], rtol=1e-4)


def test_external_input_still_scaled():
    """`CondNeuGroup` turns the external current into a density: `x * 1e-3 / A`."""
    A, x, dt = 1.0, 10.0, 0.1
    neu = eqbrain.dyn.CondNeuGroup(1, A=A, IL=eqbrain.dyn.IL(1, g_max=0.0, E=-70.0))
    V0 = float(neu.V.value[0])
    with eqbrain.share.context(t=0.0, i=0, dt=dt):
        neu.update(x)
    expected = dt * (x * (1e-3 / A)) / 1.0
    assert (float(neu.V.value[0]) - V0) / expected == pytest.approx(1.0, abs=1e-2)
