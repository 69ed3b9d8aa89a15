"""Parity with BrainPy 2.8's `brainpy/integrators/ode/ode_keywords_for_adaptive_rk_test.py`.

6 cases (bs, rkf45, heun_euler, rkf12, ck, rkdp), each with `adaptive` True and False:
`f(v, t, p)` is accepted, and the names of BrainPy's generated code (`v_new`, `dv_k1`,
`k2_v_arg`, and with `adaptive=True` `error`, `v_te`, `dt_new`) are refused. All 6 cases pass.
"""

import pytest

from ._keywords import check_generated_names_are_refused, check_plain_names_work


@pytest.mark.parametrize("adaptive", [True, False])
@pytest.mark.parametrize("method", ["bs", "rkf45", "heun_euler", "rkf12", "ck", "rkdp"])
def test_adaptive_rk_keywords(method, adaptive):
    check_plain_names_work(method, adaptive=adaptive)
    check_generated_names_are_refused(method, adaptive=adaptive)
