"""`JansenRitModel` against an independent solve of the paper's six equations (SciPy's
`solve_ivp`, in seconds and Hz as the paper writes them), its fixed point for a low
input rate and its alpha rhythm for an input in the oscillatory range."""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np
import pytest
from scipy.integrate import solve_ivp
from scipy.optimize import fsolve

import eqbrain

# Jansen & Rit (1995), in the paper's units: mV, 1/s, Hz
A, B, a, b, C, e0, v0, r = 3.25, 22.0, 100.0, 50.0, 135.0, 2.5, 6.0, 0.56
C1, C2, C3, C4 = C, 0.8 * C, 0.25 * C, 0.25 * C
P_HZ = np.array([60.0, 220.0])  # a fixed point, then the alpha rhythm
DT, STEPS = 0.1, 10_000  # ms: one second


def S(v):
    return 2 * e0 / (1 + np.exp(r * (v0 - v)))


def paper(t, y, p):
    y0, y1, y2, y3, y4, y5 = y
    return [
        y3,
        y4,
        y5,
        A * a * S(y1 - y2) - 2 * a * y3 - a * a * y0,
        A * a * (p + C2 * S(C1 * y0)) - 2 * a * y4 - a * a * y1,
        B * b * C4 * S(C3 * y0) - 2 * b * y5 - b * b * y2,
    ]


@pytest.fixture(scope="module")
def run():
    """One second of two columns (60 and 220 Hz of input), `y1 - y2` after each step."""
    model = eqbrain.dyn.JansenRitModel(2, p=jnp.asarray(P_HZ / 1000.0))
    out = eqbrain.run(model, STEPS * DT, dt=DT, monitors={"eeg": lambda: model.eeg})
    return np.asarray(out["eeg"])


def test_matches_an_independent_solve(run):
    t = np.arange(1, STEPS + 1) * DT / 1000.0  # s: the monitors record after each step
    for k, p in enumerate(P_HZ):
        ref = solve_ivp(paper, (0, t[-1]), np.zeros(6), args=(p,), t_eval=t, rtol=1e-10,
                        atol=1e-10)  # fmt: skip
        np.testing.assert_allclose(run[:, k], ref.y[1] - ref.y[2], atol=2e-3)


def test_low_input_rests_at_the_fixed_point(run):
    def rest(y):
        y0, y1, y2 = y
        return [
            A / a * S(y1 - y2) - y0,
            A / a * (P_HZ[0] + C2 * S(C1 * y0)) - y1,
            B / b * C4 * S(C3 * y0) - y2,
        ]

    _, y1, y2 = np.asarray(fsolve(rest, [0.0, 0.0, 0.0]))  # the lowest fixed point
    np.testing.assert_allclose(run[-2000:, 0], y1 - y2, atol=1e-3)


def test_oscillatory_input_gives_the_alpha_rhythm(run):
    eeg = run[-8000:, 1] - run[-8000:, 1].mean()  # the last 800 ms
    assert np.ptp(eeg) > 1.0  # mV: a rhythm, not a rest
    spectrum = np.abs(np.fft.rfft(eeg))
    freqs = np.fft.rfftfreq(eeg.size, DT / 1000.0)
    assert 8.0 <= freqs[np.argmax(spectrum)] <= 13.0


def test_parameters_inputs_and_refusals():
    jr = eqbrain.dyn.JansenRitModel(1, C=100.0, C3=30.0)
    assert (jr.C1, jr.C2, jr.C3, jr.C4) == (100.0, 80.0, 30.0, 25.0)
    assert jr.method == "rk4" and float(jr.p) == pytest.approx(0.22)
    # `input` and the argument of `update` add to `p`, for one step
    shifted = eqbrain.dyn.JansenRitModel(1, p=0.2)
    same = eqbrain.dyn.JansenRitModel(1, p=0.23)
    with eqbrain.share.context(dt=DT):
        for _ in range(2):
            shifted.input.value = shifted.input.value + 0.01
            shifted.update(0.02)
            same.update()
            assert float(shifted.input.value[0]) == 0.0
    np.testing.assert_allclose(shifted.eeg, same.eeg, rtol=1e-6)
    with pytest.raises(ValueError, match="a must be positive"):
        eqbrain.dyn.JansenRitModel(1, a=-0.1)
