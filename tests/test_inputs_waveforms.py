"""`sinusoidal_input`, `square_input`, `wiener_process`, `ou_process` and the deprecated
`spike_current`/`ramp_current`: BrainPy's `bp.inputs` generators."""

import numpy as np
import pytest

import eqbrain
from eqbrain import inputs


def test_sinusoid_is_the_formula_inside_its_window_and_zero_outside():
    I = np.asarray(inputs.sinusoidal_input(2.0, 10.0, 300.0, dt=0.1, t_start=50.0, t_end=250.0))
    assert I.shape == (3000,) and I.dtype == np.float32
    t = np.arange(2000) * 0.1  # ms since t_start
    np.testing.assert_allclose(I[500:2500], 2.0 * np.sin(2 * np.pi * 10.0 / 1000.0 * t), atol=1e-5)
    assert not I[:500].any() and not I[2500:].any()
    assert I[500 + 250] == pytest.approx(2.0)  # a quarter of the 100 ms period
    biased = np.asarray(inputs.sinusoidal_input(2.0, 10.0, 300.0, dt=0.1, bias=True))
    assert biased.min() >= -1e-6 and biased.max() == pytest.approx(4.0)


def test_square_wave_holds_each_level_half_a_period():
    I = np.asarray(inputs.square_input(1.5, 20.0, 100.0, dt=0.1))  # a 50 ms period
    np.testing.assert_array_equal(I[:250], 1.5)
    np.testing.assert_array_equal(I[250:500], -1.5)
    np.testing.assert_array_equal(I[500:750], 1.5)
    biased = np.asarray(inputs.square_input(1.5, 20.0, 100.0, dt=0.1, bias=True))
    assert set(np.unique(biased)) == {0.0, 3.0}


def test_wiener_increments_have_variance_dt_and_a_seed_repeats_them():
    W = np.asarray(inputs.wiener_process(1000.0, dt=0.1, n=20, t_start=100.0, seed=3))
    assert W.shape == (10000, 20)
    assert not W[:1000].any()
    assert W[1000:].std() == pytest.approx(np.sqrt(0.1), rel=0.03)
    assert abs(W[1000:].mean()) < 0.01
    np.testing.assert_array_equal(
        W, inputs.wiener_process(1000.0, dt=0.1, n=20, t_start=100.0, seed=3)
    )
    eqbrain.random.seed(7)
    a = inputs.wiener_process(10.0, dt=0.1, n=2)
    eqbrain.random.seed(7)
    np.testing.assert_array_equal(a, inputs.wiener_process(10.0, dt=0.1, n=2))


def test_ou_process_relaxes_around_its_mean_with_the_stationary_spread():
    X = np.asarray(inputs.ou_process(1.0, 0.5, 10.0, 2000.0, dt=0.1, n=50, seed=0))
    assert X.shape == (20000, 50)
    assert X[0].mean() == pytest.approx(1.0, abs=0.2)  # starts at the mean
    late = X[5000:]
    assert late.mean() == pytest.approx(1.0, abs=0.05)
    # stationary standard deviation sigma * sqrt(tau / 2)
    assert late.std() == pytest.approx(0.5 * np.sqrt(10.0 / 2), rel=0.1)


def test_bad_arguments_are_refused_with_the_reason():
    with pytest.raises(ValueError, match="tau must be a positive number of ms"):
        inputs.ou_process(0.0, 1.0, 0.0, 10.0)
    with pytest.raises(ValueError, match="n must be a positive int"):
        inputs.wiener_process(10.0, n=0)
    with pytest.raises(ValueError, match="frequency must be a number of Hz"):
        inputs.sinusoidal_input(1.0, "10 Hz", 10.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"t_end \(5.0\) must not come before t_start"):
        inputs.square_input(1.0, 10.0, 10.0, t_start=6.0, t_end=5.0)


def test_the_deprecated_names_warn_and_give_the_new_ones_arrays():
    with pytest.warns(DeprecationWarning, match="use spike_input"):
        a = inputs.spike_current([10.0], 1.0, 0.5, 20.0, dt=0.1)
    np.testing.assert_array_equal(a, inputs.spike_input([10.0], 1.0, 0.5, 20.0, dt=0.1))
    with pytest.warns(DeprecationWarning, match="use ramp_input"):
        b = inputs.ramp_current(0.0, 1.0, 10.0, dt=0.1)
    np.testing.assert_array_equal(b, inputs.ramp_input(0.0, 1.0, 10.0, dt=0.1))
