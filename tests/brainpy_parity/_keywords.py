"""Shared by the `test_ode_keywords_*` parity files: BrainPy's reserved parameter names."""

import numpy as np
import pytest

from eqbrain import DiffEqError, odeint


def generated_names(method: str, adaptive: bool = False) -> list[str]:
    """The names BrainPy's generated code uses for state `v` of a method's `stages`."""
    stages = odeint(lambda v, t: -v, method=method).tableau.stages
    names = ["v_new", *(f"dv_k{i}" for i in range(1, stages + 1))]
    for i in range(2, stages + 1):
        names += [f"k{i}_v_arg", f"k{i}_t_arg"]
    if adaptive:
        names += ["error", "v_te", "dt_new"]
    return names


def check_plain_names_work(method: str, **kw) -> None:
    """`f(v, t, p)` is accepted and integrated (BrainPy's first check in each case)."""
    integral = odeint(lambda v, t, p: -p * v, method=method, **kw)
    out = integral(1.0, 0.0, 2.0, dt=0.001)
    y = out[0] if kw.get("adaptive") else out
    np.testing.assert_allclose(y, np.exp(-0.002), rtol=1e-5)


def check_generated_names_are_refused(method: str, **kw) -> None:
    """BrainPy refuses these names (its generated code would shadow them); so does
    eqbrain, naming the parameter and saying to rename it, so code runs in both."""
    for name in generated_names(method, kw.get("adaptive", False)):
        ns: dict = {}
        exec(f"def f(v, t, {name}):\n    return -{name} * v", ns)
        with pytest.raises(DiffEqError, match=f"named '{name}'.*Rename the parameter"):
            odeint(ns["f"], method=method, **kw)
