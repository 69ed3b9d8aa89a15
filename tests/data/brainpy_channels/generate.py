"""Record BrainPy 2.x trajectories of conductance-based neurons built from its ion
channels and ions, and of the Wang-Buzsaki model with the paper's rates.

Run once, in a virtual environment with BrainPy (never a dependency of eqbrain):

    /tmp/bp/bin/python tests/data/brainpy_channels/generate.py

It writes `channels.npz` beside itself. Each case is a `CondNeuGroup` described by
`CASES` (the same description builds it in eqbrain, `tests/test_channels.py`): its
members in order, each `(attribute, class, keywords, channels it holds)`, a `MixIons`
as `(attribute, 'MixIons', [ion attributes], channels)`. For each case `<case>` the file
holds `<case>/spec` (the description as JSON), `<case>/in` (the input of each step),
`<case>/<path>` (every monitored Variable, `(steps, N)`, float32), and
`<case>/roundoff/<path>` (the largest difference between the float32 run and the same
run in float64: the rounding the trajectory amplifies, which sets the tests'
tolerances). Two neurons, `dt = 0.1` ms, 300 steps; the input is 0 for 5 ms, then a
step of each neuron's amplitude. The group starts at V = -65 mV with every channel at
rest (BrainPy's `reset_state()` after construction). The script is deterministic.
"""

from __future__ import annotations

import json
import pathlib

import brainpy as bp
import brainpy.math as bm
import numpy as np

DT = 0.1
STEPS = 300
OUT = pathlib.Path(__file__).with_name("channels.npz")

HH = [
    ["INa", "INa_HH1952", {}, {}],
    ["IK", "IK_HH1952", {"E": -77.0, "g_max": 36.0}, {}],
    ["IL", "IL", {"E": -54.387, "g_max": 0.03}, {}],
]
CALCIUM = {
    "IT": ["ICaT_HM1992", {}],
    "IT2": ["ICaT_HP1992", {}],
    "IHT": ["ICaHT_HM1992", {}],
    "IHT2": ["ICaHT_Re1993", {}],
    "IL": ["ICaL_IS2008", {}],
    "ICaN": ["ICaN_IS2008", {}],
    "IH": ["Ih_De1996", {}],
    "AHP": ["IAHP_De1994", {}],
}
CASES: dict[str, dict] = {
    "hh": {"amps": [5.0, 10.0], "members": HH},
    "ba2002": {
        "amps": [2.0, 6.0],
        "members": [
            ["INa", "INa_Ba2002", {}, {}],
            ["IK", "IKDR_Ba2002", {}, {}],
            ["IL", "IL", {}, {}],
        ],
    },
    "tm1991": {
        "amps": [2.0, 6.0],
        "members": [
            ["INa", "INa_TM1991", {}, {}],
            ["IK", "IK_TM1991", {}, {}],
            ["IL", "IL", {}, {}],
        ],
    },
    "potassium": {
        "amps": [5.0, 15.0],
        "members": [
            ["INa", "INa_HH1952", {}, {}],
            ["IA1", "IKA1_HM1992", {}, {}],
            ["IA2", "IKA2_HM1992", {}, {}],
            ["IK2A", "IKK2A_HM1992", {}, {}],
            ["IK2B", "IKK2B_HM1992", {}, {}],
            ["INI", "IKNI_Ya1989", {}, {}],
            ["IKL", "IKL", {}, {}],
            ["IH", "Ih_HM1992", {"g_max": 1.0}, {}],
        ],
    },
    "ions_v2": {
        "amps": [5.0, 10.0],
        "members": [
            [
                "na",
                "SodiumFixed",
                {},
                {"INa": ["INa_HH1952v2", {}]},
            ],
            [
                "k",
                "PotassiumFixed",
                {"E": -77.0},
                {
                    "IK": ["IK_HH1952v2", {"g_max": 36.0}],
                    "IA": ["IKA1_HM1992v2", {"g_max": 1.0}],
                    "leak": ["IK_Leak", {}],
                },
            ],
            ["IL", "IL", {"E": -54.387, "g_max": 0.03}, {}],
        ],
    },
    "calcium_detailed": {
        "amps": [5.0, 10.0],
        "members": [["IL", "IL", {}, {}], ["Ca", "CalciumDetailed", {}, CALCIUM]],
    },
    "calcium_first_order": {
        "amps": [5.0, 10.0],
        "members": [
            ["IL", "IL", {}, {}],
            ["Ca", "CalciumFirstOrder", {}, {"IL": ["ICaL_IS2008", {}], "N": ["ICaN_IS2008", {}]}],
            ["Ca2", "CalciumFixed", {}, {"IT": ["ICaT_HM1992", {}]}],
        ],
    },
    "mix_ions": {
        "amps": [5.0, 10.0],
        "members": [
            ["IL", "IL", {}, {}],
            ["k", "PotassiumFixed", {}, {}],
            ["ca", "CalciumFirstOrder", {}, {"IL": ["ICaL_IS2008", {}]}],
            ["kca", "MixIons", ["k", "ca"], {"ahp": ["IAHP_De1994v2", {}]}],
        ],
    },
}
STATE = ("p", "q", "O", "OL", "P1", "C", "E")


def build(spec: dict):
    """The BrainPy `CondNeuGroup` of a case, at rest at -65 mV, and its monitors."""
    monitors = ["V"]

    class Cell(bp.dyn.CondNeuGroup):
        def __init__(self, size):
            super().__init__(size, V_initializer=bp.init.OneInit(-65.0))
            for attr, cls, kw, children in spec["members"]:
                if cls == "MixIons":
                    node = bp.dyn.MixIons(*[getattr(self, a) for a in kw])
                    kids = {k: getattr(bp.dyn, c)(size, **a) for k, (c, a) in children.items()}
                    node.add_elem(**kids)
                else:
                    kids = {k: getattr(bp.dyn, c)(size, **a) for k, (c, a) in children.items()}
                    node = getattr(bp.dyn, cls)(size, **kw, **kids)
                setattr(self, attr, node)

    model = Cell(2)
    model.reset_state()
    # BrainPy's `CalciumDyna.reset_state` leaves the `IonChannel`s it holds that are not
    # `CalciumChannel`s (`Ih_De1996`, `IAHP_De1994`) at 0: set every channel of an ion at
    # rest, as eqbrain does once a group is built.
    for attr, cls, _, children in spec["members"]:
        ion = getattr(model, attr)
        if cls != "MixIons":
            for k in children:
                getattr(ion, k).reset_state(model.V.value, ion.C, ion.E)
    for attr, cls, _, children in spec["members"]:
        node = getattr(model, attr)
        paths = [(attr, node)] + [(f"{attr}.{k}", getattr(node, k)) for k in children]
        for path, obj in paths:
            for name in STATE:
                if isinstance(getattr(obj, name, None), bm.Variable):
                    monitors.append(f"{path}.{name}")
    return model, monitors


def current(amps) -> np.ndarray:
    x = np.zeros((STEPS, len(amps)), np.float32)
    x[50:] = np.asarray(amps, np.float32)
    return x


class WangBuzsakiPaper(bp.dyn.WangBuzsakiHH):
    """BrainPy's model with the paper's alpha_n = 0.01 (V + 34) / (1 - exp(-0.1 (V + 34)))."""

    def dn(self, n, t, V):
        alpha = 0.1 / bm.exprel(-0.1 * (V + 34))
        beta = 0.125 * bm.exp(-(V + 44) / 80)
        return self.phi * (alpha * (1 - n) - beta * n)


def run(name: str) -> dict[str, np.ndarray]:
    bm.random.seed(0)
    if name.startswith("wang_buzsaki"):
        cls = WangBuzsakiPaper if name == "wang_buzsaki" else bp.dyn.WangBuzsakiHH
        model, monitors = cls(2), ["V", "h", "n", "spike"]
        x = current([0.5, 1.5])
    else:
        model, monitors = build(CASES[name])
        x = current(CASES[name]["amps"])
    runner = bp.DSRunner(model, monitors=monitors, progress_bar=False, dt=DT)
    runner.run(inputs=bm.asarray(x), duration=STEPS * DT)
    out = {k: np.asarray(runner.mon[k]) for k in monitors}
    out["in"] = x
    return out


def main() -> None:
    names = [*CASES, "wang_buzsaki", "wang_buzsaki_brainpy"]
    data: dict[str, np.ndarray] = {"brainpy_version": np.asarray(bp.__version__)}
    for name in names:
        for k, v in run(name).items():
            data[f"{name}/{k}"] = v
        if name in CASES:
            data[f"{name}/spec"] = np.asarray(json.dumps(CASES[name]))
    bm.enable_x64()
    bm.set(float_=bm.float64)
    for name in names:
        for k, v in run(name).items():
            if k == "in" or v.dtype == bool:
                continue
            err = np.max(np.abs(v - data[f"{name}/{k}"].astype(np.float64)))
            data[f"{name}/roundoff/{k}"] = np.asarray(err)
    np.savez_compressed(OUT, **data)
    print(f"wrote {OUT} ({OUT.stat().st_size / 1024:.0f} KiB, {len(data)} arrays)")


if __name__ == "__main__":
    main()
