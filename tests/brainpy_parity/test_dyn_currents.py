"""Parity with BrainPy 2.8's `brainpy/inputs/currents_test.py`.

BrainPy's file has 14 cases, all in scope:

- 7 pass: `section_input` (with `return_length`, three sections, arrays as section
  values), `constant_input`, `spike_input`, `ramp_input` (whole duration and a window),
  and the step counts at two `dt`s. BrainPy's first five cases only plot the current;
  the ports check its values. Each array here was compared element by element with
  BrainPy 2.8.2's for the same call when the ports were written: all equal.
- 6 more pass since eqbrain gained the functions: `wiener_process`, `ou_process`,
  `sinusoidal_input`, `square_input`, and the deprecated aliases `spike_current` and
  `ramp_current` (`tests/test_inputs_waveforms.py` checks their values).
- 1 is `xfail`: the second `sinusoidal_input` case passes `brainunit` quantities, and
  eqbrain takes plain numbers (ms, Hz): no physical units.
"""

import warnings
from typing import Any

import jax.numpy as jnp
import numpy as np
import pytest

import eqbrain

DT = 0.1


def _sections(current, bounds_and_values):
    """`current[a:b] == value` for each `(a, b, value)`."""
    for a, b, value in bounds_and_values:
        got = np.asarray(current[a:b])
        want = np.broadcast_to(np.asarray(value, np.float32), got.shape)
        np.testing.assert_array_equal(got, want, err_msg=f"[{a}:{b}]")


# -- the waveforms BrainPy only plots ----------------------------------------------------------


def test_section_input():
    current, duration = eqbrain.inputs.section_input(
        values=[0, 1.0, 0.0], durations=[100, 300, 100], return_length=True, dt=DT
    )
    assert duration == 500 and current.shape == (5000,) and current.dtype == jnp.float32
    _sections(current, [(0, 1000, 0.0), (1000, 4000, 1.0), (4000, 5000, 0.0)])


def test_constant_input():
    with eqbrain.share.context(dt=DT):
        current, duration = eqbrain.inputs.constant_input([(0, 100), (1, 300), (0, 100)])
    assert duration == 500 and current.shape == (5000,)
    _sections(current, [(0, 1000, 0.0), (1000, 4000, 1.0), (4000, 5000, 0.0)])


def test_spike_input():
    with eqbrain.share.context(dt=DT):
        current = eqbrain.inputs.spike_input(
            sp_times=[10, 20, 30, 200, 300], sp_lens=1.0, sp_sizes=0.5, duration=400.0
        )
    assert current.shape == (4000,)
    pulses = np.zeros(4000, np.float32)
    for t in (10, 20, 30, 200, 300):  # 1 ms = 10 steps of 0.5 from each time
        pulses[t * 10 : t * 10 + 10] = 0.5
    np.testing.assert_array_equal(np.asarray(current), pulses)


def test_ramp_input():
    with eqbrain.share.context(dt=DT):
        current = eqbrain.inputs.ramp_input(0, 1, 500)
    assert current.shape == (5000,)
    np.testing.assert_allclose(np.asarray(current), np.linspace(0, 1, 5000), atol=1e-7)


def test_ramp_input_in_a_window():
    with eqbrain.share.context(dt=DT):
        current = eqbrain.inputs.ramp_input(0, 1, 500, 100, 400)
    assert current.shape == (5000,)
    _sections(current, [(0, 1000, 0.0), (4000, 5000, 0.0)])
    np.testing.assert_allclose(np.asarray(current[1000:4000]), np.linspace(0, 1, 3000), atol=1e-7)


# -- the generators eqbrain lacks -----------------------------------------------------------


def test_wiener_process():
    with eqbrain.share.context(dt=DT):
        current = eqbrain.inputs.wiener_process(200, n=2, t_start=10.0, t_end=180.0)
    assert current.shape == (2000, 2)
    _sections(current, [(0, 100, 0.0), (1800, 2000, 0.0)])


def test_ou_process():
    with eqbrain.share.context(dt=DT):
        current = eqbrain.inputs.ou_process(
            mean=1.0, sigma=0.1, tau=10.0, duration=200, n=2, t_start=10.0, t_end=180.0
        )
    assert current.shape == (2000, 2)
    assert abs(float(np.asarray(current[100:1800]).mean()) - 1.0) < 0.1


def test_sinusoidal_input_bare_frequency():
    current = eqbrain.inputs.sinusoidal_input(
        amplitude=1.0, frequency=2.0, duration=2000, t_start=100.0, dt=DT
    )
    current = np.asarray(current)
    assert current.shape == (20000,)
    assert np.abs(current).max() <= 1.0 + 1e-5
    np.testing.assert_allclose(current[:1000], 0.0)


def test_square_input_bare_frequency():
    current = np.asarray(
        eqbrain.inputs.square_input(
            amplitude=1.0, frequency=2.0, duration=2000, t_start=100.0, dt=DT
        )
    )
    assert current.shape == (20000,)
    assert np.abs(current).max() <= 1.0 + 1e-5


@pytest.mark.xfail(
    strict=True, reason="eqbrain takes plain numbers (ms, Hz), not brainunit quantities"
)
def test_sinusoidal_input_quantity_frequency():
    bare = eqbrain.inputs.sinusoidal_input(
        amplitude=1.0, frequency=2.0, duration=2000, t_start=100.0, dt=DT
    )
    import brainunit as u  # pyright: ignore[reportMissingImports]  (not installed: xfail)

    with_units = eqbrain.inputs.sinusoidal_input(
        amplitude=1.0,
        frequency=2.0 * u.Hz,
        duration=2000 * u.ms,
        t_start=100.0 * u.ms,
        dt=DT * u.ms,
    )
    np.testing.assert_allclose(np.asarray(bare), np.asarray(with_units))


# -- step counts and section values ---------------------------------------------------------


def test_section_input_step_counts_follow_dt():
    coarse = eqbrain.inputs.section_input(values=[0, 1, 2], durations=[10, 20, 30], dt=0.1)
    fine = eqbrain.inputs.section_input(values=[0, 1, 2], durations=[10, 20, 30], dt=0.01)
    assert coarse.shape == (600,) and fine.shape == (6000,)
    _sections(fine, [(0, 1000, 0.0), (1000, 3000, 1.0), (3000, 6000, 2.0)])


def test_section_input_broadcasts_array_values():
    block = np.random.default_rng(123).random((3, 10)).astype(np.float32)
    with eqbrain.share.context(dt=DT):
        current = eqbrain.inputs.section_input(
            values=[0, jnp.ones(10), block], durations=[100, 300, 100]
        )
    assert current.shape == (5000, 3, 10)
    _sections(current, [(0, 1000, 0.0), (1000, 4000, 1.0), (4000, 5000, block)])


# -- the deprecated aliases ------------------------------------------------------------------


def test_spike_current_alias():
    kwargs: dict[str, Any] = dict(sp_times=[10, 20, 30], sp_lens=1.0, sp_sizes=0.5, duration=40.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        aliased = eqbrain.inputs.spike_current(**kwargs)
    np.testing.assert_array_equal(aliased, eqbrain.inputs.spike_input(**kwargs))


def test_ramp_current_alias():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        aliased = eqbrain.inputs.ramp_current(0.0, 1.0, 100.0)
    np.testing.assert_array_equal(aliased, eqbrain.inputs.ramp_input(0.0, 1.0, 100.0))
