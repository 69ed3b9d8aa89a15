"""Conductance-based neurons built from ion channels, against BrainPy 2.8's trajectories.

Every case of `tests/data/brainpy_channels/generate.py` (each channel family on a
two-neuron `CondNeuGroup` with a step current, and `WangBuzsakiHH`) is built in eqbrain
from the same description and run once, all cases side by side in one compiled run.
A trajectory may differ from BrainPy's by `rtol=1e-5` plus 4x the rounding error the
same BrainPy run shows in float64 (recorded beside it).
"""

from __future__ import annotations

import json
import pathlib
from typing import Any

import jax.numpy as jnp
import numpy as np
import pytest

import eqbrain
from eqbrain import dyn

DATA = np.load(pathlib.Path(__file__).parent / "data" / "brainpy_channels" / "channels.npz")
CASES = sorted({k.split("/")[0] for k in DATA.files if k.endswith("/in")})
GROUPS = [c for c in CASES if f"{c}/spec" in DATA.files]


def build(spec: dict, n: int = 2, **kw: Any) -> dyn.CondNeuGroup:
    """A case's `CondNeuGroup`, its members given by keyword in the recorded order."""
    members: dict[str, Any] = {}
    for attr, cls, args, children in spec["members"]:
        kids = {k: getattr(dyn, c)(n, **a, **kw) for k, (c, a) in children.items()}
        if cls == "MixIons":
            members[attr] = dyn.MixIons(*[members[a] for a in args], **kids)
        else:
            members[attr] = getattr(dyn, cls)(n, **args, **kids, **kw)
    return dyn.CondNeuGroup(n, V_initializer=-65.0, **members, **kw)


def monitored(case: str) -> list[str]:
    skip = ("in", "spec")
    return [
        k.split("/", 1)[1]
        for k in DATA.files
        if k.startswith(case + "/") and k.count("/") == 1 and k.split("/")[1] not in skip
    ]


class Bench(eqbrain.DynamicalSystem):
    """Every case side by side: `update(x)` gives case `k` the input `x[k]`."""

    cases: eqbrain.NodeDict

    def __init__(self):
        super().__init__()
        models: dict[str, Any] = {c: build(json.loads(str(DATA[f"{c}/spec"]))) for c in GROUPS}
        models["wang_buzsaki"] = dyn.WangBuzsakiHH(2)
        self.cases = eqbrain.NodeDict(models)

    def update(self, x):
        for k, model in enumerate(self.cases.values()):
            model.update(x[k])


@pytest.fixture(scope="module")
def runs() -> dict[str, dict[str, np.ndarray]]:
    bench = Bench()
    names = list(bench.cases)
    x = np.stack([DATA[f"{c}/in"] for c in names], axis=1)  # (steps, cases, 2)
    watch: dict[str, Any] = {}
    for c in names:
        for path in monitored(c):
            obj: Any = bench.cases[c]
            for part in path.split("."):
                obj = getattr(obj, part)
            watch[f"{c}/{path}"] = obj
    runner = eqbrain.DSRunner(bench, monitors=watch, progress_bar=False)
    runner.run(inputs=jnp.asarray(x))
    out: dict[str, dict[str, np.ndarray]] = {c: {} for c in names}
    for key in watch:
        c, path = key.split("/", 1)
        out[c][path] = np.asarray(runner.mon[key])
    return out


@pytest.mark.parametrize("case", GROUPS + ["wang_buzsaki"])
def test_trajectory_matches_brainpy(runs, case):
    for var, ours in runs[case].items():
        theirs = DATA[f"{case}/{var}"]
        if theirs.dtype == bool:
            np.testing.assert_array_equal(ours, theirs, err_msg=f"{case}.{var}")
            continue
        atol = 4 * float(DATA[f"{case}/roundoff/{var}"]) + 1e-7
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=atol, err_msg=f"{case}.{var}")


def test_wang_buzsaki_rate_is_the_papers_not_brainpys(runs):
    """BrainPy 2.8's `alpha_n` is ten times the paper's: its trajectory is another one."""
    ours, brainpy = runs["wang_buzsaki"]["n"], DATA["wang_buzsaki_brainpy/n"]
    assert np.max(np.abs(ours - brainpy)) > 0.05
    assert runs["wang_buzsaki"]["spike"].any()


def test_every_case_stays_finite_and_follows_its_input(runs):
    for case in GROUPS:
        V = runs[case]["V"]
        assert np.isfinite(V).all(), case
        assert V[50:, 1].mean() > V[50:, 0].mean(), case  # the larger step depolarizes more
    assert runs["hh"]["V"].max() > 0.0  # the HH set spikes


def _step(model: Any, x: Any, n: int = 1) -> None:
    for i in range(n):
        with eqbrain.share.context(t=i * 0.1, i=i, dt=0.1):
            model.update(x)


def test_channels_start_at_rest_and_reset_there():
    neu = dyn.CondNeuGroup(3, V_initializer=-65.0, INa=dyn.INa_HH1952(3), IL=dyn.IL(3))
    a, b = neu.INa.f_p_alpha(-65.0), neu.INa.f_p_beta(-65.0)
    np.testing.assert_allclose(neu.INa.p.value, np.full(3, a / (a + b)), rtol=1e-6)
    start = np.asarray(neu.INa.q.value)
    _step(neu, 20.0, 2)
    assert not np.allclose(neu.INa.q.value, start)
    neu.reset_state()
    np.testing.assert_array_equal(neu.INa.q.value, start)


def test_subclass_form_with_annotated_fields():
    class Cell(dyn.CondNeuGroup):
        INa: dyn.INa_HH1952
        Ca: dyn.CalciumDetailed

        def __init__(self, size):
            super().__init__(size, V_initializer=-65.0)
            self.INa = dyn.INa_HH1952(size)
            self.Ca = dyn.CalciumDetailed(size, IT=dyn.ICaT_HM1992(size))

    cell = Cell(2)
    assert [k for k, _ in cell.members()] == ["INa", "Ca"]
    np.testing.assert_allclose(cell.Ca.IT.p.value, cell.Ca.IT.f_p_inf(jnp.full(2, -65.0)))
    _step(cell, 5.0)
    assert cell.V.value.shape == cell.Ca.IT.p.value.shape == cell.Ca.C.value.shape == (2,)


def test_batched_group_steps_each_trial():
    neu = build(json.loads(str(DATA["hh/spec"])), n=3, batch_size=2)
    assert neu.INa.p.value.shape == (2, 3)
    _step(neu, jnp.stack([jnp.zeros(3), jnp.full(3, 50.0)]))
    assert neu.V.value.shape == (2, 3)
    assert float(neu.V.value[1, 0]) > float(neu.V.value[0, 0])


# -- bad inputs: the error names the argument and says what to do; nothing changes --------


def test_a_channel_whose_ion_is_missing_is_refused():
    ica = dyn.ICaT_HM1992(2)
    before = np.asarray(ica.p.value)
    with pytest.raises(
        TypeError,
        match=r"'ICa' \(ICaT_HM1992\) reads a Calcium ion.*"
        r"CalciumFixed\(size, ICa=\.\.\.\)",
    ):
        dyn.CondNeuGroup(2, ICa=ica)
    np.testing.assert_array_equal(ica.p.value, before)

    class Cell(dyn.CondNeuGroup):
        IA: dyn.IK_HH1952v2

        def __init__(self, size):
            super().__init__(size)
            self.IA = dyn.IK_HH1952v2(size)

    with pytest.raises(TypeError, match=r"'IA' \(IK_HH1952v2\) reads a Potassium ion"):
        Cell(2)
    with pytest.raises(TypeError, match=r"'INa' \(INa_HH1952\) reads no ion"):
        dyn.CalciumFixed(2, INa=dyn.INa_HH1952(2))


def test_a_channel_of_another_size_is_refused():
    with pytest.raises(
        ValueError,
        match=r"'IK' \(IK_HH1952\) has size \(3,\).*INa_HH1952|"
        r"'IK' \(IK_HH1952\) has size \(3,\).*IK_HH1952\(2\)",
    ):
        dyn.CondNeuGroup(2, INa=dyn.INa_HH1952(2), IK=dyn.IK_HH1952(3))
    with pytest.raises(ValueError, match=r"batch_size.*IK_HH1952\(2, batch_size=4\)"):
        dyn.CondNeuGroup(2, batch_size=4, IK=dyn.IK_HH1952(2))
    ca = dyn.CalciumFixed(2)
    with pytest.raises(ValueError, match=r"'IT' \(ICaT_HM1992\) has size \(5,\)"):
        ca.add_elem(IL=dyn.ICaL_IS2008(2), IT=dyn.ICaT_HM1992(5))
    assert list(ca.children) == []  # checked before any is added


def test_unknown_method_and_keywords_are_refused():
    with pytest.raises(ValueError, match="bogus"):
        dyn.INa_HH1952(2, method="bogus")
    with pytest.raises(TypeError, match=r"noise=0\.1 is not an ion channel or an ion"):
        dyn.CondNeuGroup(2, noise=0.1)
    with pytest.raises(TypeError, match=r"'T' is one of its parameters.*IT=\.\.\."):
        dyn.CalciumDetailed(2, T=dyn.ICaT_HM1992(2))


def test_mix_ions_refuses_channels_of_other_ions():
    na, ca = dyn.SodiumFixed(2), dyn.CalciumFirstOrder(2)
    mix = dyn.mix_ions(na, ca)
    with pytest.raises(
        TypeError,
        match=r"'ahp' \(IAHP_De1994v2\) reads a Calcium and a "
        r"Potassium ion",
    ):
        mix.add_elem(ahp=dyn.IAHP_De1994v2(2))
    assert list(mix.children) == []
    with pytest.raises(TypeError, match="MixIons takes two or more ions"):
        dyn.MixIons(na)


def test_other_methods_step_the_same_equations():
    """A group and its channels on `rk4` (odeint's path) agree with exponential Euler
    over one short step."""

    def cell(method: str) -> dyn.CondNeuGroup:
        return dyn.CondNeuGroup(
            2,
            V_initializer=-65.0,
            method=method,
            INa=dyn.INa_HH1952(2, method=method),
            IA=dyn.IKA1_HM1992(2, method=method),
            Ca=dyn.CalciumDetailed(2, method=method, AHP=dyn.IAHP_De1994(2, method=method)),
        )

    a, b = cell("exp_euler"), cell("rk4")
    for model in (a, b):
        _step(model, 20.0)
    for get in (lambda m: m.V, lambda m: m.INa.q, lambda m: m.IA.p, lambda m: m.Ca.AHP.p):
        np.testing.assert_allclose(get(b).value, get(a).value, rtol=1e-4)
