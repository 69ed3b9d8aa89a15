"""Parity with BrainPy 2.8's channel and ion tests: `brainpy/dyn/channels/Ca_test.py`,
`IH_test.py`, `KCa_test.py`, `K_test.py`, `Na_test.py`, `leaky_test.py`,
`dyn_channels_fixes_test.py` and `brainpy/dyn/ions/MixIons_test.py`.

BrainPy's files have 46 cases, all in scope and all ported here; 46 pass:

- the six run tests (12 cases: each channel family in a `CondNeuGroup`, 10 ms, the
  records' shapes) run as one compiled run of all twelve neurons, and each port also
  checks that the run is finite and every gate stays in [0, 1];
- `MixIons_test.py` (5): a mix of ions builds; a channel that reads ions the mix does
  not hold is refused (`TypeError`, as BrainPy); the mix's potassium current counts in
  the calcium current, as in BrainPy (`Ion.current(V, external=mix.external(ion))`
  is BrainPy's `current(V, external=True)`);
- `dyn_channels_fixes_test.py` (29): every rate function finite, with a finite
  gradient, at its removable singularity and over a sweep; `PotassiumFixed`'s `E`;
  `add_elem` under distinct names; each channel set hosted and stepped (BrainPy's
  `CondNeuGroupLTC` hosts are `CondNeuGroup` here, the `*LTC` forms not being kept;
  BrainPy's duplicate potassium classes in `potassium.py` are the same classes here).

The trajectories themselves are compared with BrainPy's in `tests/test_channels.py`.
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import eqbrain
from eqbrain import dyn

U = eqbrain.init.Uniform(-70.0, -50.0)
N = 2  # BrainPy's MixIons cases use 10 neurons; one size for every case here


def _ca(**channels):
    return {"Ca": dyn.CalciumDetailed(1, **channels)}


RUNS: dict[str, tuple[Any, list[str]]] = {
    "Ca": (
        lambda: {
            "Ca1": dyn.CalciumFixed(1),
            "Ca2": dyn.CalciumDetailed(1),
            "Ca3": dyn.CalciumFirstOrder(1),
        },
        ["V", "Ca2.C", "Ca3.C"],
    ),
    **{
        name: (lambda name=name: _ca(ICa=getattr(dyn, name)(1)), ["V", "Ca.ICa.p"])
        for name in (
            "ICaN_IS2008",
            "ICaT_HM1992",
            "ICaT_HP1992",
            "ICaHT_HM1992",
            "ICaHT_Re1993",
            "ICaL_IS2008",
        )
    },
    "IH": (
        lambda: {"IH": dyn.Ih_HM1992(1), **_ca(IH=dyn.Ih_De1996(1))},
        ["V", "IH.p", "Ca.IH.O"],
    ),
    "KCa": (lambda: _ca(KCa=dyn.IAHP_De1994(1)), ["V", "Ca.KCa.p"]),
    "K": (
        lambda: {
            f"IK_{i}": getattr(dyn, c)(1)
            for i, c in enumerate(
                [
                    "IKDR_Ba2002",
                    "IK_TM1991",
                    "IK_HH1952",
                    "IKA1_HM1992",
                    "IKA2_HM1992",
                    "IKK2A_HM1992",
                    "IKK2B_HM1992",
                    "IKNI_Ya1989",
                ],
                1,
            )
        },
        ["V"] + [f"IK_{i}.p" for i in range(1, 9)],
    ),
    "Na": (
        lambda: {
            "INa_1": dyn.INa_HH1952(1, E=50.0, g_max=120.0),
            "INa_2": dyn.INa_TM1991(1),
            "INa_3": dyn.INa_Ba2002(1),
        },
        ["V"] + [f"INa_{i}.{g}" for i in (1, 2, 3) for g in "pq"],
    ),
    "leaky": (lambda: {"leaky1": dyn.IL(1), "leaky2": dyn.IKL(1)}, ["V"]),
}


class Bench(eqbrain.DynamicalSystem):
    cells: eqbrain.NodeDict

    def __init__(self):
        super().__init__()
        cells = {
            k: dyn.CondNeuGroup(1, V_initializer=U, **make()) for k, (make, _) in RUNS.items()
        }
        self.cells = eqbrain.NodeDict(cells)

    def update(self):
        for cell in self.cells.values():
            cell.update()


@pytest.fixture(scope="module")
def runs() -> dict[str, dict[str, np.ndarray]]:
    bench = Bench()
    watch = {}
    for case, (_, monitors) in RUNS.items():
        for path in monitors:
            obj: Any = bench.cells[case]
            for part in path.split("."):
                obj = getattr(obj, part)
            watch[f"{case}/{path}"] = obj
    runner = eqbrain.DSRunner(bench, monitors=watch, progress_bar=False)
    runner.run(10.0)
    out: dict[str, dict[str, np.ndarray]] = {c: {} for c in RUNS}
    for key in watch:
        case, path = key.split("/", 1)
        out[case][path] = np.asarray(runner.mon[key])
    return out


@pytest.mark.parametrize("case", list(RUNS))
def test_channel_family_runs(runs, case):
    """`test_Ca`, `test_ICaN_IS2008`, ..., `test_IH`, `test_KCa`, `test_K`, `test_Na`,
    `test_leaky`: one neuron, 10 ms; every record is (100, 1)."""
    for path, x in runs[case].items():
        assert x.shape == (100, 1), path
        assert np.isfinite(x).all(), path
        if path.rsplit(".", 1)[-1] in ("p", "q", "O"):
            assert ((x >= 0) & (x <= 1)).all(), path


# -- MixIons_test.py -----------------------------------------------------------------------


def _mixed(*kinds: str, **channels) -> dyn.CondNeuGroup:
    ions = {
        "na": dyn.SodiumFixed(N),
        "k": dyn.PotassiumFixed(N),
        "ca": dyn.CalciumFirstOrder(N),
    }
    chosen = {k: ions[k] for k in kinds}
    mix = dyn.mix_ions(*chosen.values())
    mix.add_elem(**channels)
    return dyn.CondNeuGroup(N, **chosen, kca=mix)


def test_mix_ions_init():
    neu = _mixed("k", "ca", ahp=dyn.IAHP_De1994v2(N))
    assert neu.kca.ahp.p.value.shape == (N,)


@pytest.mark.parametrize("kinds", [("k", "ca"), ("na", "ca")], ids=["init2", "init3"])
def test_mix_ions_refuses_a_channel_of_other_ions(kinds):
    """`test_init2`: a sodium channel that reads no ion; `test_init3`: the AHP channel,
    which reads potassium, in a mix of sodium and calcium."""
    with pytest.raises(TypeError):
        channels = {"ahp": dyn.IAHP_De1994v2(N), "na": dyn.INa_Ba2002(N)}
        _mixed(*kinds, **channels)


def test_mix_ions_init4():
    neu = _mixed("na", "k", "ca", ahp=dyn.IAHP_De1994v2(N))
    assert [k for k, _ in neu.members()][-1] == "kca"


def test_mix_ions_current():
    """`test_current1`: the mix's AHP current counts in the calcium's and the
    potassium's current, not in the sodium's."""
    neu = _mixed("k", "na", "ca", ahp=dyn.IAHP_De1994v2(N))
    neu.reset_state()
    V, mix = neu.V.value, neu.kca

    def external(ion):
        return ion.current(V, external=mix.external(ion))

    ICa, INa, IK = external(neu.ca), external(neu.na), external(neu.k)
    np.testing.assert_allclose(INa, 0.0)
    np.testing.assert_allclose(ICa, IK)
    assert np.all(np.asarray(IK) != 0.0)


# -- dyn_channels_fixes_test.py ------------------------------------------------------------

SWEEP = jnp.linspace(-120.0, 60.0, 91)
LEGACY = [
    ("IKDR_Ba2002", "f_p_alpha", -35.0),
    ("IK_TM1991", "f_p_alpha", -45.0),
    ("IK_HH1952", "f_p_alpha", -55.0),
    ("INa_Ba2002", "f_p_alpha", -37.0),
    ("INa_Ba2002", "f_p_beta", -10.0),
    ("INa_TM1991", "f_p_alpha", -50.0),
    ("INa_TM1991", "f_p_beta", -23.0),
    ("INa_HH1952", "f_p_alpha", -40.0),
]
V2 = [(c + "v2", f, v) for c, f, v in LEGACY] + [("ICaHT_Re1993", "f_p_alpha", -27.0)]


@pytest.fixture(scope="module")
def at_singularities() -> list[tuple[Any, Any, Any]]:
    """(values over the sweep, value at the singular V, gradient there) of every case,
    computed in one compiled function."""

    def one(cls_name: str, fname: str, v: Any):
        f = getattr(getattr(dyn, cls_name)(1), fname)
        return f(SWEEP), f(v[None]), jax.grad(lambda x: f(x))(v)

    cases = LEGACY + V2
    return jax.jit(lambda vs: [one(c, f, v) for (c, f, _), v in zip(cases, vs)])(
        [jnp.asarray(v) for _, _, v in cases]
    )


@pytest.mark.parametrize("k", range(len(LEGACY + V2)), ids=[f"{c}-{f}" for c, f, _ in LEGACY + V2])
def test_rate_is_finite_with_a_finite_gradient_at_its_singularity(at_singularities, k):
    sweep, at_v, grad = at_singularities[k]
    assert np.isfinite(np.asarray(sweep)).all()
    assert np.isfinite(np.asarray(at_v)).all()
    assert np.isfinite(float(grad))


def test_ik_hh1952v2_alpha_at_its_singularity():
    val = dyn.IK_HH1952v2(1).f_p_alpha(jnp.asarray([-55.0]))
    np.testing.assert_allclose(val, 0.1, atol=1e-4)


def test_every_rate_function_is_finite_over_a_sweep():
    for cls_name in sorted({c for c, _, _ in LEGACY + V2}):
        channel = getattr(dyn, cls_name)(1)
        for fname in ("f_p_alpha", "f_p_beta", "f_q_alpha", "f_q_beta"):
            if hasattr(channel, fname):
                assert np.isfinite(np.asarray(getattr(channel, fname)(SWEEP))).all()


def test_potassium_fixed_default_E():
    np.testing.assert_allclose(dyn.PotassiumFixed(1).E, -95.0)


def test_ion_add_elem_keeps_distinct_names():
    na = dyn.SodiumFixed(2, E=50.0)
    hh, ba = dyn.INa_HH1952v2(2), dyn.INa_Ba2002v2(2)
    na.add_elem(ina_hh=hh, ina_ba=ba)
    assert set(na.children) == {"ina_hh", "ina_ba"}
    assert na.children["ina_hh"] is hh and na.children["ina_ba"] is ba
    assert hh.name != ba.name


def _step(net: dyn.CondNeuGroup, n: int = 2) -> None:
    net.reset_state()
    for i in range(n):
        with eqbrain.share.context(t=i * 0.1, i=i, dt=0.1):
            net.update(jnp.ones(net.num))
    assert np.isfinite(np.asarray(net.V.value)).all()


def test_mix_ions_holds_two_channels_of_the_same_class():
    ca, k = dyn.CalciumDetailed(2), dyn.PotassiumFixed(2, E=-95.0)
    mix = dyn.MixIons(ca, k)
    mix.add_elem(iahp1=dyn.IAHP_De1994v2(2), iahp2=dyn.IAHP_De1994v2(2))
    net = dyn.CondNeuGroup(2, Ca=ca, K=k, KCa=mix)
    assert set(net.KCa.children) == {"iahp1", "iahp2"}
    _step(net, 1)
    assert np.isfinite(np.asarray(net.KCa.current(net.V.value))).all()


def test_mix_ions_helper_and_ion_current():
    na, k = dyn.SodiumFixed(2, E=50.0), dyn.PotassiumFixed(2, E=-95.0)
    na.add_elem(ina=dyn.INa_HH1952v2(2))
    k.add_elem(ik=dyn.IK_HH1952v2(2))
    assert isinstance(dyn.mix_ions(na, k), dyn.MixIons)
    V = jnp.full(2, -65.0)
    for ion in (na, k):
        ion.init_state(V)
        with eqbrain.share.context(t=0.0, i=0, dt=0.1):
            ion.update(V)
    assert np.isfinite(np.asarray(k.current(V))).all()
    assert set(k.pack_info()) == {"C", "E"}


@pytest.mark.parametrize(
    "hosted",
    [
        "INa_Ba2002 INa_TM1991 INa_HH1952 IKDR_Ba2002 IK_TM1991 IK_HH1952 IKA1_HM1992 "
        "IKA2_HM1992 IKK2A_HM1992 IKK2B_HM1992 IKNI_Ya1989 IKL",
        "Na: INa_Ba2002v2 INa_TM1991v2 INa_HH1952v2 | K: IKDR_Ba2002v2 IK_TM1991v2 "
        "IK_HH1952v2 IKA1_HM1992v2 IKA2_HM1992v2 IKK2A_HM1992v2 IKK2B_HM1992v2 "
        "IKNI_Ya1989v2 IK_Leak",
        "IKDR_Ba2002 IK_TM1991 IK_HH1952 IKA1_HM1992 IKA2_HM1992 IKK2A_HM1992 "
        "IKK2B_HM1992 IKNI_Ya1989",
        "CaFixed: ICaT_HM1992 ICaT_HP1992 ICaHT_HM1992 ICaHT_Re1993 ICaL_IS2008",
        "CaDetailed: ICaN_IS2008",
    ],
    ids=["compatible", "v2", "potassium_module", "calcium_fixed", "calcium_dyna"],
)
def test_every_channel_is_hosted_and_steps(hosted):
    ions = {
        "Na": lambda **c: dyn.SodiumFixed(2, E=50.0, **c),
        "K": lambda **c: dyn.PotassiumFixed(2, E=-95.0, **c),
        "CaFixed": lambda **c: dyn.CalciumFixed(2, **c),
        "CaDetailed": lambda **c: dyn.CalciumDetailed(2, **c),
    }
    members: dict[str, Any] = {}
    for part in hosted.split("|"):
        ion, _, names = part.rpartition(":")
        channels = {n: getattr(dyn, n)(2) for n in names.split()}
        if ion.strip():
            members[ion.strip()] = ions[ion.strip()](**channels)
        else:
            members.update(channels)
    _step(dyn.CondNeuGroup(2, **members))


def test_ion_objects_init_step_and_current():
    V = jnp.full(2, -65.0)
    k = dyn.PotassiumFixed(2, E=-95.0)
    k.add_elem(ik=dyn.IK_HH1952v2(2))
    na = dyn.SodiumFixed(2, E=50.0)
    na.add_elem(ina=dyn.INa_HH1952v2(2))
    ca = dyn.CalciumFixed(2)
    ca.add_elem(ical=dyn.ICaL_IS2008(2))
    for ion in (k, na, ca):
        ion.init_state(V)
        with eqbrain.share.context(t=0.0, i=0, dt=0.1):
            ion.update(V)
        assert np.isfinite(np.asarray(ion.current(V))).all()
    ca_dyn = dyn.CalciumFirstOrder(2)
    ca_dyn.reset_state()
    assert np.isfinite(np.asarray(ca_dyn.C.value)).all()
