"""eqbrain.run and Runner: monitors, inputs, time, compilation, bad input."""

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import pytest

import eqbrain
from tests.helpers import assert_unchanged, snapshot


class Leaky(eqbrain.DynamicalSystem):
    x: eqbrain.Variable
    seen_t: eqbrain.Variable
    traces: list = eqx.field(static=True)

    def __init__(self, n=2, name=None):
        super().__init__(name=name)
        self.x = eqbrain.Variable(jnp.zeros(n))
        self.seen_t = eqbrain.Variable(jnp.float32(0))
        self.traces = []

    def update(self, inp=0.0):
        self.traces.append(1)
        dt = eqbrain.share.load("dt")
        self.x.value = self.x.value * jnp.exp(-dt / 10.0) + inp
        self.seen_t.value = jnp.float32(eqbrain.share.load("t"))
        return self.x.value


class Two(eqbrain.Network):
    a: Leaky
    b: Leaky

    def __init__(self):
        super().__init__()
        self.a, self.b = Leaky(), Leaky(3)


def eager(model, n_steps, inputs=None, dt=0.1):
    """The reference: the same steps, one by one, without a runner."""
    xs = []
    for i in range(n_steps):
        with eqbrain.share.context(t=i * dt, i=i, dt=dt):
            model.update(*(() if inputs is None else (inputs[i],)))
        xs.append(np.array(model.x.value))
    return np.stack(xs)


def test_run_matches_stepping_by_hand_and_leaves_the_final_state():
    a, b = Leaky(), Leaky()
    inputs = jnp.linspace(0.0, 1.0, 50)[:, None] * jnp.ones(2)
    out = eqbrain.run(a, 5.0, inputs=inputs, monitors=["x", "seen_t"], dt=0.1)
    expected = eager(b, 50, inputs)
    np.testing.assert_allclose(out["x"], expected, rtol=1e-6)
    np.testing.assert_allclose(a.x.value, b.x.value, rtol=1e-6)
    np.testing.assert_allclose(out["ts"], np.arange(50) * 0.1, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(out["seen_t"], out["ts"])


def test_monitors_by_relative_or_absolute_path_variable_or_function():
    net = Two()
    out = eqbrain.run(
        net,
        n_steps=4,
        inputs=jnp.ones((4,)),
        monitors={
            "ax": "a.x",
            "bx": f"{net.b.name}.x",
            "cell": net.a.seen_t,
            "total": lambda m: m.a.x.value.sum() + m.b.x.value.sum(),
        },
    )
    assert out["ax"].shape == (4, 2) and out["bx"].shape == (4, 3) and out["cell"].shape == (4,)
    np.testing.assert_allclose(out["total"], out["ax"].sum(1) + out["bx"].sum(1), rtol=1e-6)


def test_runner_continues_in_time_without_recompiling():
    model = Leaky()
    runner = eqbrain.Runner(model, monitors=["seen_t"], dt=0.5)
    first = runner.run(2.0)
    n = len(model.traces)
    second = runner.run(2.0)
    assert len(model.traces) == n  # the same compiled loop
    np.testing.assert_allclose(first["ts"], [0.0, 0.5, 1.0, 1.5])
    np.testing.assert_allclose(second["ts"], [2.0, 2.5, 3.0, 3.5])
    np.testing.assert_allclose(second["seen_t"], second["ts"])
    assert runner.mon is second and runner.i == 8
    runner.run(3.0)  # another number of steps: compiled again
    assert len(model.traces) > n


def test_default_dt_and_set_dt():
    try:
        eqbrain.set_dt(0.25)
        out = eqbrain.run(Leaky(), 1.0, monitors=["x"])
    finally:
        eqbrain.set_dt(0.1)
    assert out["x"].shape == (4, 2)


def test_progress_bar(capsys):
    out = eqbrain.run(Leaky(), n_steps=300, monitors=["x"], progress_bar={"desc": "sim"})
    jax.block_until_ready(out)
    jax.effects_barrier()
    err = capsys.readouterr().err
    assert "sim" in err and "300/300" in err


def test_run_inside_eqx_style_code_is_in_place_not_a_leak():
    model = Leaky()

    @eqbrain.jit
    def twice():
        eqbrain.run(model, n_steps=3, inputs=jnp.ones((3, 2)))
        return eqbrain.run(model, n_steps=3, monitors=["x"])["x"]

    xs = twice()
    np.testing.assert_allclose(model.x.value, xs[-1])


# -- bad input ----------------------------------------------------------------------------


def test_unknown_monitor_suggests_the_closest_and_changes_nothing():
    net = Two()
    before = snapshot(net)
    with pytest.raises(ValueError, match=r"Unknown monitor 'a.xx'.*Did you mean 'a.x'\?") as e:
        eqbrain.run(net, 1.0, monitors=["a.xx"])
    assert "a.seen_t" in str(e.value)
    assert_unchanged(net, before)


def test_inputs_of_the_wrong_length_change_nothing():
    model = Leaky()
    before = snapshot(model)
    with pytest.raises(ValueError, match=r"leading time axis of length n_steps=10.*\(7, 2\)"):
        eqbrain.run(model, 1.0, inputs=jnp.ones((7, 2)), dt=0.1)
    with pytest.raises(ValueError, match=r"n_steps=10.*shape \(\)"):
        eqbrain.run(model, 1.0, inputs=1.0, dt=0.1)
    assert_unchanged(model, before)


def test_inputs_that_do_not_fit_the_model_change_nothing():
    model = Leaky()
    before = snapshot(model)
    with pytest.raises(eqbrain.MathError, match=r"original data is \(2,\), while we got \(3, 2\)"):
        eqbrain.run(model, n_steps=5, inputs=jnp.ones((5, 3, 2)))
    assert_unchanged(model, before)


@pytest.mark.parametrize("dt", [0.0, -0.1, float("nan")])
def test_bad_dt(dt):
    model = Leaky()
    with pytest.raises(ValueError, match="dt must be a positive, finite number"):
        eqbrain.run(model, 1.0, dt=dt)


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        (dict(duration=-1.0), ValueError, "duration must be a positive number of ms"),
        (dict(duration=1.0, n_steps=3), TypeError, "either `duration` or `n_steps`"),
        (dict(n_steps=0), ValueError, "n_steps must be a positive int"),
        (dict(), TypeError, r"Give `duration` \(ms\) or `n_steps`"),
        (dict(duration=1.0, monitors=3), TypeError, "monitors must be a list"),
    ],
)
def test_bad_arguments(kwargs, error, message):
    with pytest.raises(error, match=message):
        eqbrain.run(Leaky(), **kwargs)


def test_runner_needs_a_dynamical_system():
    class Plain(eqbrain.Module):
        pass

    with pytest.raises(TypeError, match="Runner runs a DynamicalSystem"):
        eqbrain.Runner(Plain())
