"""Record BrainPy 2.x trajectories of every neuron and synapse model eqbrain follows.

Run once, in a virtual environment with BrainPy (never a dependency of eqbrain):

    python -m venv /tmp/bp && /tmp/bp/bin/pip install 'brainpy[cpu]>=2.8,<3'
    /tmp/bp/bin/python tests/data/brainpy_trajectories/generate.py

It writes `trajectories.npz` beside itself. For each case `<case>` the file holds

- `<case>/in0`, `<case>/in1`: the inputs of each step (time first);
- `<case>/<var>`: each monitored Variable, `(steps, ...)`, in float32 (BrainPy's default);
- `<case>/init/<var>`: each Variable's value right after construction;
- `<case>/arg/<name>`: arrays the case was built from (initial values, the weights
  BrainPy drew at random), so that eqbrain can build the same model;
- `<case>/roundoff/<var>`: the largest difference between BrainPy's float32 run and
  the same run in float64 -- the scale of rounding error this trajectory amplifies,
  which the tests use to set their tolerances;

and `brainpy_version`. Each model runs under BrainPy's `DSRunner` with `dt = 0.1` ms,
with BrainPy's defaults except where a case says otherwise. `tests/test_neurons.py` and
`tests/test_synapse_models.py` rebuild every case in eqbrain from the same numbers. The
script is deterministic: inputs come from NumPy's seeded generator.
"""

from __future__ import annotations

import pathlib
from collections.abc import Callable
from dataclasses import dataclass, field

import brainpy as bp
import brainpy.math as bm
import jax.numpy as jnp
import numpy as np

DT = 0.1
STEPS = 400
N = 3
OUT = pathlib.Path(__file__).with_name("trajectories.npz")

rng = np.random.default_rng(20240611)
ts = np.arange(STEPS) * DT


def currents(amplitudes) -> np.ndarray:
    """A current per neuron, modulated in time so that every model sees a varying input."""
    amps = np.asarray(amplitudes, np.float32)
    wave = 1.0 + 0.5 * np.sin(2 * np.pi * ts / 12.5)[:, None]
    return (amps[None, :] * wave).astype(np.float32)


def spikes(n: int, p: float) -> np.ndarray:
    """Boolean presynaptic spikes, `(STEPS, n)`, each with probability `p` per step."""
    return rng.random((STEPS, n)) < p


@dataclass
class Case:
    name: str
    build: Callable  # () -> the BrainPy model (called once per precision)
    monitors: list[str]
    inputs: list[np.ndarray]
    args: dict = field(default_factory=dict)
    # Rerun in float64 to measure rounding (see `main`). Not for models that draw random
    # weights, nor for AMPA/GABAa, whose transmitter window is not a Variable to check.
    roundoff: bool = True
    runner: dict = field(default_factory=dict)


CASES: list[Case] = []

# -- spiking neurons: BrainPy's defaults, initial values included ------------------------

REF = dict(tau_ref=2.0, ref_var=True)
for name, amps, extra in [
    ("Lif", [15.0, 25.0, 40.0], {}),
    ("LifRef", [15.0, 25.0, 40.0], REF),
    ("ExpIF", [5.0, 10.0, 20.0], {}),
    ("ExpIFRef", [5.0, 10.0, 20.0], REF),
    ("AdExIF", [5.0, 10.0, 20.0], {}),
    ("AdExIFRef", [5.0, 10.0, 20.0], REF),
    ("QuaIF", [2.0, 5.0, 10.0], {}),
    ("QuaIFRef", [2.0, 5.0, 10.0], REF),
    ("Izhikevich", [5.0, 10.0, 20.0], {}),
    ("IzhikevichRef", [5.0, 10.0, 20.0], REF),
]:
    variables = {"AdExIF": ["w"], "Izhikevich": ["u"]}.get(name.removesuffix("Ref"), [])
    ref = ["t_last_spike", "refractory"] if extra else []
    CASES.append(
        Case(
            name,
            lambda name=name, extra=extra: getattr(bp.dyn, name)(N, **extra),
            ["V", *variables, "spike", *ref],
            [currents(amps)],
        )
    )

# BrainPy's COBA-tutorial neuron, started at rest as eqbrain.dyn.LIF starts.
CASES.append(
    Case(
        "LifRef_coba",
        lambda: bp.dyn.LifRef(
            N,
            V_rest=-60.0,
            V_th=-50.0,
            V_reset=-60.0,
            tau=20.0,
            tau_ref=5.0,
            ref_var=True,
            V_initializer=bp.init.Constant(-60.0),
        ),
        ["V", "spike", "t_last_spike", "refractory"],
        [currents([5.0, 12.0, 20.0])],
    )
)

# Training mode: float spikes from the default surrogate (a Heaviside step forward) and
# BrainPy's default soft reset, `V -= (V_th - V_reset) * spike` (Izhikevich: V -> c).
for name, amps, extra in [
    ("LifRef", [15.0, 25.0, 40.0], dict(tau_ref=2.0, ref_var=True)),
    ("AdExIF", [5.0, 10.0, 20.0], dict(V_initializer=bp.init.Constant(-65.0))),
    ("Izhikevich", [5.0, 10.0, 20.0], {}),
]:
    variables = {"AdExIF": ["w"], "Izhikevich": ["u"]}.get(name, [])
    CASES.append(
        Case(
            f"{name}_training",
            lambda name=name, extra=extra: getattr(bp.dyn, name)(
                N, mode=bm.TrainingMode(batch_size=1), **extra
            ),
            ["V", *variables, "spike", *(["refractory"] if "tau_ref" in extra else [])],
            [currents(amps)[:, None, :]],
            runner=dict(data_first_axis="T"),
        )
    )

# -- Hodgkin-Huxley --------------------------------------------------------------------

HH_V0 = np.asarray([-70.0, -65.0, -60.0], np.float32)
CASES.append(
    Case(
        "HH",
        lambda: bp.dyn.HH(N, V_initializer=jnp.asarray(HH_V0, bm.float_)),
        ["V", "m", "h", "n", "spike"],
        [currents([2.0, 6.0, 10.0])],
        args={"V0": HH_V0},
    )
)

# -- rate models -------------------------------------------------------------------------

FHN_X0 = np.asarray([0.01, 0.02, 0.03], np.float32)
FHN_Y0 = np.asarray([0.0, 0.01, 0.02], np.float32)
CASES.append(
    Case(
        "FHN",
        lambda: bp.dyn.FHN(
            N,
            x_initializer=jnp.asarray(FHN_X0, bm.float_),
            y_initializer=jnp.asarray(FHN_Y0, bm.float_),
        ),
        ["x", "y"],
        [currents([0.5, 0.8, 1.0]), np.full((STEPS, N), 0.01, np.float32)],
        args={"x0": FHN_X0, "y0": FHN_Y0},
    )
)

bm.random.seed(7)
for name, activation in [("RNNCell", "relu"), ("RNNCell_tanh", "tanh")]:
    cell = bp.dyn.RNNCell(2, 4, activation=activation)
    CASES.append(
        Case(
            name,
            lambda cell=cell: cell,
            ["state"],
            [rng.normal(size=(STEPS, 2)).astype(np.float32)],
            args={"Wi": cell.Wi, "Wh": cell.Wh, "b": cell.b},
            roundoff=False,
        )
    )
for activation_type in ("internal", "external"):
    res = bp.dyn.Reservoir(
        2,
        6,
        in_connectivity=0.5,
        rec_connectivity=0.5,
        spectral_radius=0.9,
        activation_type=activation_type,
    )
    CASES.append(
        Case(
            f"Reservoir_{activation_type}",
            lambda res=res: res,
            ["state"],
            [rng.normal(size=(STEPS, 2)).astype(np.float32)],
            args={"Win": res.Win, "Wrec": res.Wrec, "bias": res.bias},
            roundoff=False,
        )
    )

# -- synapses ----------------------------------------------------------------------------

for name, cls, kwargs, boolean in [
    ("Expon", "Expon", {}, False),
    ("DualExpon", "DualExpon", {}, False),
    ("DualExpon_A", "DualExpon", dict(tau_decay=5.0, tau_rise=2.0, A=2.0), False),
    ("DualExpon_equal", "DualExpon", dict(tau_decay=4.0, tau_rise=4.0), False),
    ("Alpha", "Alpha", {}, False),
    ("AMPA", "AMPA", {}, True),
    ("GABAa", "GABAa", {}, True),
    ("NMDA", "NMDA", {}, False),
    ("STD", "STD", {}, False),
    ("STP", "STP", {}, False),
]:
    pre = spikes(N, 0.2 if name in ("STD", "STP") else 0.04)
    variables = {
        "AMPA": ["g", "spike_arrival_time"],
        "GABAa": ["g", "spike_arrival_time"],
        "NMDA": ["g", "x"],
        "STD": ["x"],
        "STP": ["u", "x"],
        "Expon": ["g"],
    }.get(name, ["g", "h"])
    CASES.append(
        Case(
            name,
            lambda cls=cls, kwargs=kwargs: getattr(bp.dyn, cls)(N, **kwargs),
            variables,
            [pre if boolean else pre.astype(np.float32)],
            roundoff=name not in ("AMPA", "GABAa"),
        )
    )


# -- models added later (appended last: the earlier cases' random inputs stay the same) --

GIF = ["V", "I1", "I2", "V_th", "spike"]
for name, amps, extra, variables in [
    ("IF", [2.0, 5.0, 10.0], {}, ["V"]),
    ("AdQuaIF", [20.0, 40.0, 80.0], {}, ["V", "w", "spike"]),
    ("AdQuaIFRef", [20.0, 40.0, 80.0], REF, ["V", "w", "spike"]),
    ("Gif", [0.8, 1.5, 2.5], {}, GIF),
    ("GifRef", [0.8, 1.5, 2.5], REF, GIF),
]:
    ref = ["t_last_spike", "refractory"] if extra else []
    CASES.append(
        Case(
            name,
            lambda name=name, extra=extra: getattr(bp.dyn, name)(N, **extra),
            [*variables, *ref],
            [currents(amps)],
        )
    )
# Morris-Lecar from fixed potentials (BrainPy's default draws them at random), driven
# hard enough to spike.
ML_V0 = np.asarray([-70.0, -65.0, -60.0], np.float32)
CASES.append(
    Case(
        "MorrisLecar",
        lambda: bp.dyn.MorrisLecar(N, V_initializer=jnp.asarray(ML_V0, bm.float_)),
        ["V", "W", "spike"],
        [currents([60.0, 90.0, 120.0])],
        args={"V0": ML_V0},
    )
)
# Gif with adaptation: a moving threshold and a current that jumps at each spike.
GIF_ADAPT = dict(a=0.005, A2=-0.6, A1=0.1, R1=0.5)
CASES.append(
    Case(
        "Gif_adapt",
        lambda: bp.dyn.Gif(N, **GIF_ADAPT),
        ["V", "I1", "I2", "V_th", "spike"],
        [currents([1.5, 2.0, 3.0])],
    )
)


EVENT_TIMES = ("t_last_spike", "spike_arrival_time", "spike", "refractory")


def run(case: Case, x64: bool) -> dict[str, np.ndarray]:
    model = case.build()
    runner = bp.DSRunner(model, monitors=case.monitors, dt=DT, progress_bar=False, **case.runner)
    dtype = jnp.float64 if x64 else jnp.float32
    inputs = tuple(jnp.asarray(x, x.dtype if x.dtype == bool else dtype) for x in case.inputs)
    init = {k: np.asarray(v.value) for k, v in model.vars(method="relative").items()}
    runner.run(inputs=inputs)
    return init, {k: np.asarray(runner.mon[k]) for k in case.monitors}


def main() -> None:
    data: dict[str, np.ndarray] = {"brainpy_version": np.asarray(bp.__version__)}
    for case in CASES:
        init, mon = run(case, x64=False)
        for k, x in enumerate(case.inputs):
            data[f"{case.name}/in{k}"] = np.asarray(x)
        data.update({f"{case.name}/init/{k}": v for k, v in init.items()})
        data.update({f"{case.name}/arg/{k}": np.asarray(v) for k, v in case.args.items()})
        data.update({f"{case.name}/{k}": v for k, v in mon.items()})

    # Static outputs: the current for a grid of conductances and potentials.
    g = rng.random(50).astype(np.float32)
    V = rng.uniform(-80.0, 20.0, 50).astype(np.float32)
    for name, out in [
        ("MgBlock", bp.dyn.MgBlock()),
        ("MgBlock_wang", bp.dyn.MgBlock(E=0.0, cc_Mg=1.0, alpha=0.062, beta=3.57)),
        ("COBA", bp.dyn.COBA(E=-80.0)),
        ("CUBA", bp.dyn.CUBA()),
    ]:
        data[f"{name}/g"], data[f"{name}/V"] = g, V
        data[f"{name}/I"] = np.asarray(out.update(jnp.asarray(g), jnp.asarray(V)))

    # The same runs in float64: how much rounding each trajectory amplifies. Recorded
    # only where the float64 run has the same discrete events (spikes, spike times, the
    # refractory flags): a refractory window whose end `t - t_spike <= tau_ref` falls a
    # step apart because t = i * dt rounds differently in float64 is not rounding
    # amplified by the dynamics (eqbrain computes t in float32, as BrainPy does).
    bm.enable_x64()
    bm.set(float_=bm.float64)
    for case in CASES:
        if not case.roundoff:
            continue
        _, mon = run(case, x64=True)
        f32 = {k: data[f"{case.name}/{k}"] for k in mon}
        events = [k for k, v in f32.items() if v.dtype == bool or k in EVENT_TIMES]
        if any(not np.allclose(mon[k], f32[k], rtol=0, atol=1e-4) for k in events):
            print(f"{case.name}: the float64 run's events differ; no roundoff recorded")
            continue
        for k, v in mon.items():
            if k not in events:
                err = np.max(np.abs(v - f32[k].astype(np.float64)))
                data[f"{case.name}/roundoff/{k}"] = np.asarray(err)

    np.savez_compressed(OUT, **data)
    print(f"wrote {OUT} ({OUT.stat().st_size / 1024:.0f} KiB, {len(data)} arrays)")


if __name__ == "__main__":
    main()
