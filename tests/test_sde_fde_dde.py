"""`sdeint`, `fdeint`, `ddeint` with `TimeDelay`, and `IntegratorRunner`: numbers recorded
from BrainPy 2.8 (`tests/data/brainpy_sde/generate.py`), convergence orders against known
solutions, and the errors of bad inputs."""

from __future__ import annotations

import pathlib

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from scipy.special import gamma

import eqbrain
from eqbrain import (
    IntegratorRunner,
    JointEq,
    TimeDelay,
    ddeint,
    fdeint,
    odeint,
    sdeint,
)


def enable_x64():
    return jax.enable_x64(True)


REF = np.load(pathlib.Path(__file__).parent / "data" / "brainpy_sde" / "reference.npz")


def lorenz(x, y, z, t):
    return 10.0 * (y - x), x * (28.0 - z) - y, x * y - 8.0 / 3.0 * z


def zero_g(x, y, z, t):
    return 0.0 * x, 0.0 * y, 0.0 * z


JOINT_F = JointEq(
    lambda x, t, y: 10.0 * (y - x),
    lambda y, t, x, z: x * (28.0 - z) - y,
    lambda z, t, x, y: x * y - 8.0 / 3.0 * z,
)
JOINT_G = JointEq(lambda x, t, y: 0.0 * x, lambda y, t, x, z: 0.0 * y, lambda z, t, x, y: 0.0 * z)


def _run(intg, monitors, inits, dt, duration, **kw):
    runner = IntegratorRunner(intg, monitors=monitors, inits=inits, dt=dt, progress_bar=False)
    runner.run(duration, **kw)
    return runner


# -- BrainPy's numbers ----------------------------------------------------------------------


@pytest.mark.parametrize("method", ["euler", "milstein", "milstein2", "exp_euler"])
def test_sde_without_noise_is_brainpys_ode_step(method):
    joint = method in ("milstein", "exp_euler")
    with enable_x64():
        intg = sdeint(JOINT_F if joint else lorenz, JOINT_G if joint else zero_g, method=method)
        r = _run(intg, ["x", "y", "z"], [1.0, 1.0, 1.0], 0.01, 1.0)
        got = np.stack([r.mon.x[:, 0], r.mon.y[:, 0], r.mon.z[:, 0]])
    np.testing.assert_allclose(got, REF[f"sde_{method}"], rtol=1e-9, atol=1e-9)


def test_integrator_runner_lorenz_trials_and_continued_run():
    with enable_x64():
        r = _run(
            odeint(lorenz, method="rk4"), ["x", "y", "z"], [1.0, (1.0, 0.0), (1.0, 0.0)], 0.01, 1.0
        )
        np.testing.assert_allclose(r.mon.x, REF["runner_lorenz_x"], rtol=1e-9, atol=1e-9)
        r.run(0.5)
    np.testing.assert_allclose(r.mon.x, REF["runner_lorenz_x_continued"], rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(r.mon.ts, REF["runner_lorenz_ts_continued"], atol=1e-9)


def test_integrator_runner_args_and_dyn_args():
    a, b, tau = 0.7, 0.8, 12.5
    with enable_x64():
        fhn = odeint(
            JointEq(
                lambda V, t, w, Iext: V - V * V * V / 3 - w + Iext,
                lambda w, t, V: (V + a - b * w) / tau,
            ),
            method="rk4",
            dt=0.1,
        )
        r = _run(fhn, ["V", "w"], [1.0, 1.0], 0.1, 20.0, args=dict(Iext=1.5))
        np.testing.assert_allclose(r.mon.V, REF["runner_fhn_args"], rtol=1e-9, atol=1e-9)
        iext = np.concatenate([np.zeros(100), np.ones(100)])
        r.run(20.0, dyn_args=dict(Iext=iext))
    np.testing.assert_allclose(r.mon.V, REF["runner_fhn_dyn_args"], rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("method", ["euler", "l1", "short-memory"])
def test_fdeint_matches_brainpy(method):
    with enable_x64():
        relax = fdeint(0.8, 101, [1.0], f=lambda y, t: -y, method=method)
        r = _run(relax, ["y"], [1.0], 0.01, 1.0)
        np.testing.assert_allclose(r.mon.y[:, 0], REF[f"fde_relax_{method}"], rtol=1e-9)
        frac = fdeint(0.97, 201, [1.0, 0.0, 1.0], f=lorenz, method=method)
        r = _run(frac, ["x", "z"], [1.0, 0.0, 1.0], 0.005, 1.0)
    got = np.stack([r.mon.x[:, 0], r.mon.z[:, 0]])
    np.testing.assert_allclose(got, REF[f"fde_lorenz_{method}"], rtol=1e-8, atol=1e-8)


def _dde(delay_len, before, interp, dt, duration, method):
    delay = TimeDelay(jnp.zeros(1), delay_len, before_t0=before, dt=dt, interp_method=interp)
    intg = odeint(lambda x, t: -delay(t - delay_len), state_delays={"x": delay}, method=method)
    return _run(intg, ["x"], None, dt, duration).mon.x[:, 0]


@pytest.mark.parametrize("interp", ["round", "linear_interp"])
def test_delay_equations_match_brainpy(interp):
    with enable_x64():
        method = "euler" if interp == "round" else "rk4"  # the other pairs are recorded too
        got1 = _dde(1.0, -1.0, interp, 0.1, 20.0, method)
        got2 = _dde(
            2.0,
            lambda t: jnp.exp(-t) - 1,
            interp,
            0.01,
            4.0,
            "rk4" if interp == "round" else "euler",
        )
        np.testing.assert_allclose(got1, REF[f"dde1_{interp}_{method}"], atol=1e-9)
        other = "rk4" if interp == "round" else "euler"
        np.testing.assert_allclose(got2, REF[f"dde2_{interp}_{other}"], atol=1e-9)


def test_time_delay_reads_between_steps():
    with enable_x64():
        delay = TimeDelay(jnp.zeros(2), 1.0, before_t0=lambda t: t, dt=0.1)
        reads = [delay(-0.53), delay(-0.2), delay(0.0)]
        for k in range(5):
            delay.update(jnp.asarray([k + 1.0, -(k + 1.0)]))
        reads += [delay(0.47), delay(0.3), delay(-0.45), delay(0.5)]
    np.testing.assert_allclose(np.stack(reads), REF["time_delay_reads"], atol=1e-9)


# -- convergence orders ---------------------------------------------------------------------


def _gbm_errors(method, intg_type, mu, sig, paths, levels, fine):
    """Strong and weak errors at T = 1 on geometric Brownian motion, every level driven by
    the same Brownian paths (the fine increments summed); one compilation for all levels."""
    integral = sdeint(lambda x, t: mu * x, lambda x, t: sig * x, method, intg_type=intg_type)
    drift = mu - sig**2 / 2 if intg_type == "Ito" else mu

    @jax.jit
    def errors(key):
        dw_fine = jax.random.normal(key, (fine, paths)) / np.sqrt(fine)
        exact = jnp.exp(drift + sig * dw_fine.sum(0))
        strong, weak = [], []
        for n in levels:
            dw = dw_fine.reshape(n, fine // n, paths).sum(1)

            def body(x, w, dt=1.0 / n):
                return integral(x, 0.0, dt=dt, dW=w), None

            x, _ = jax.lax.scan(body, jnp.ones(paths), dw)
            strong.append(jnp.mean(jnp.abs(x - exact)))
            weak.append(jnp.abs(jnp.mean(x - exact)))
        return jnp.stack(strong), jnp.stack(weak)

    strong, weak = errors(jax.random.key(0))
    slope = lambda e: np.polyfit(np.log2(1.0 / np.asarray(levels)), np.log2(e), 1)[0]  # noqa: E731
    return slope(np.asarray(strong)), slope(np.asarray(weak))


@pytest.mark.parametrize(
    "method, intg_type, order",
    [
        ("euler", "Ito", 0.5),
        ("milstein", "Ito", 1.0),
        ("milstein2", "Ito", 1.0),
        ("heun", "Stratonovich", 1.0),
    ],
)
def test_strong_order_on_geometric_brownian_motion(method, intg_type, order):
    # Heun is of strong order 1 here: one noise, so the noise is commutative
    strong, _ = _gbm_errors(method, intg_type, 0.5, 1.0, 1000, (16, 32, 64, 128), 128)
    assert abs(strong - order) < 0.2, strong


def test_weak_order_of_euler_maruyama_is_one():
    _, weak = _gbm_errors("euler", "Ito", 1.0, 0.2, 10000, (4, 8, 16, 32), 32)
    assert abs(weak - 1.0) < 0.25, weak


def _mittag_leffler(a, z, terms=150):
    k = np.arange(terms)
    return float(np.sum(z**k / gamma(a * k + 1)))


@pytest.mark.parametrize("method", ["euler", "l1", "short-memory"])
def test_fdeint_converges_to_the_analytic_solution(method):
    # Caputo: D^a y = -y, y(0) = 1 is E_a(-t^a); Grünwald-Letnikov (a Riemann-Liouville
    # derivative): D^a y = 1, y(0) = 0 is t^a / Gamma(a + 1)
    a = 0.8
    gl = method == "short-memory"
    exact = 1.0 / gamma(a + 1) if gl else _mittag_leffler(a, -1.0)
    errors = []
    with enable_x64():
        for n in (20, 40, 80):
            f = (lambda y, t: 1.0 + 0.0 * y) if gl else (lambda y, t: -y)
            y0 = 0.0 if gl else 1.0
            intg = fdeint(a, 81, [y0], f=f, method=method)  # one shape for every dt
            y = jnp.asarray(y0)
            for i in range(n):  # eager, as the convergence test of the ODE methods
                y = intg(y, i / n, dt=1.0 / n)
            errors.append(abs(float(y[0]) - exact))
    orders = np.log2(np.asarray(errors[:-1]) / np.asarray(errors[1:]))
    assert errors[-1] < 2e-3 and np.all(np.abs(orders - 1.0) < 0.2), (errors, orders)


# -- noise from the model's key, under transforms -------------------------------------------


def test_noise_comes_from_the_integrators_key_in_place_and_functionally():
    integral = sdeint(lambda x, t: -x, lambda x, t: 0.5, seed=3)
    key0 = integral.rng.value
    a = integral(jnp.zeros(4), 0.0, dt=0.1)
    b = integral(jnp.zeros(4), 0.0, dt=0.1)
    assert not np.allclose(a, b) and not np.array_equal(integral.rng.value, key0)
    again = sdeint(lambda x, t: -x, lambda x, t: 0.5, seed=3)
    np.testing.assert_array_equal(again(jnp.zeros(4), 0.0, dt=0.1), a)  # a seed replays

    @eqbrain.jit
    def steps(x):
        return integral(x, 0.0, dt=0.1)

    before = integral.rng.value
    steps(jnp.zeros(4))
    assert not np.array_equal(integral.rng.value, before)  # advanced in place

    import equinox as eqx

    @eqx.filter_jit
    def functional(intg, x):
        return intg(x, 0.0, dt=0.1), intg

    x1, newer = functional(again, jnp.zeros(4))
    assert not np.array_equal(newer.rng.value, again.rng.value)


def test_explicit_keys_under_vmap_and_scan():
    integral = sdeint(lambda x, t: -x, lambda x, t: 0.3 * x, method="milstein")

    def path(key):
        def body(x, k):
            return integral(x, 0.0, dt=0.01, key=k), None

        return jax.lax.scan(body, jnp.ones(()), jax.random.split(key, 50))[0]

    ends = jax.jit(jax.vmap(path))(jax.random.split(jax.random.key(0), 256))
    assert ends.shape == (256,) and float(jnp.std(ends)) > 0.0
    assert float(jnp.mean(ends)) == pytest.approx(np.exp(-0.5), abs=0.03)


def test_vector_wiener_and_diffrax_bridge():
    f = lambda x, t: 0.5 * x  # noqa: E731
    g = lambda x, t: jnp.stack([0.1 * x, 0.2 * x], axis=-1)  # noqa: E731
    methods = [
        sdeint(f, g, m, wiener_type="vector")
        for m in ("euler", "milstein", "milstein2", "exp_euler")
    ]
    outs = jax.jit(lambda x, k: [m(x, 0.0, dt=0.01, key=k) for m in methods])(
        jnp.ones(3), jax.random.key(0)
    )  # one compilation for the four
    assert all(o.shape == (3,) and np.all(np.isfinite(o)) for o in outs)
    import diffrax

    # one step of diffrax's Euler through a VirtualBrownianTree: x + 0.5 x dt + 0.2 x dW
    intg = sdeint(f, lambda x, t: 0.2 * x, "diffrax", seed=1)
    assert isinstance(intg.solver, diffrax.Euler)
    out = intg(jnp.ones(4000), 0.0, dt=0.1)
    assert float(out.mean()) == pytest.approx(1.05, abs=0.01)
    assert float(out.std()) == pytest.approx(0.2 * np.sqrt(0.1), rel=0.05)
    strat = sdeint(f, g, "diffrax", wiener_type="vector", intg_type="Stratonovich")
    assert isinstance(strat.solver, diffrax.Heun)


# -- bad inputs -----------------------------------------------------------------------------


def test_bad_noise_shape_names_g_the_state_and_the_fix():
    integral = sdeint(lambda x, t: -x, lambda x, t: jnp.ones((3, 2)) * x[0], seed=0)
    key = integral.rng.value
    with pytest.raises(
        ValueError,
        match=r"returned shape \(3, 2\) for the state 'x' of shape \(3,\).*wiener_type='vector'",
    ):
        integral(jnp.ones(3), 0.0, dt=0.1)
    np.testing.assert_array_equal(integral.rng.value, key)  # nothing drawn
    vec = sdeint(lambda x, t: -x, lambda x, t: jnp.ones((2, 3)), wiener_type="vector")
    with pytest.raises(ValueError, match=r"state's shape plus a last axis.*\(3, 'm'\)"):
        vec(jnp.ones(3), 0.0, dt=0.1)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(method="srk1w1"), "Unknown SDE method 'srk1w1'.*method='diffrax'"),
        (dict(wiener_type="matrix"), "wiener_type must be one of"),
        (dict(intg_type="ito"), "intg_type must be one of"),
        (dict(method="heun"), "method='heun' integrates Stratonovich SDEs only"),
    ],
)
def test_bad_sde_options_name_the_argument(kwargs, match):
    with pytest.raises(ValueError, match=match):
        sdeint(lambda x, t: -x, lambda x, t: x, **kwargs)


def test_bad_fde_options_name_the_argument():
    with pytest.raises(
        ValueError, match=r"alpha, the fractional order, must be in \(0, 1\) for CaputoEuler"
    ):
        fdeint(1.0, 10, [1.0], f=lambda y, t: -y, method="euler")
    with pytest.raises(ValueError, match=r"must be in \(0, 1\] for CaputoL1Schema"):
        fdeint(1.5, 10, [1.0], f=lambda y, t: -y)
    with pytest.raises(ValueError, match="Unknown FDE method 'gl'"):
        fdeint(0.5, 10, [1.0], f=lambda y, t: -y, method="gl")
    with pytest.raises(ValueError, match="num_memory must be an int >= 1"):
        fdeint(0.5, 0, [1.0], f=lambda y, t: -y)
    intg = fdeint(0.5, 10, [1.0], f=lambda y, t: -y, dt=0.1)
    state = {k: np.asarray(v.value) for k, v in intg.vars().items()}
    with pytest.raises(ValueError, match=r"num_memory=10 steps.*num_memory\s+>= 20"):
        intg(jnp.ones(()), 2.0)
    for k, v in intg.vars().items():
        np.testing.assert_array_equal(v.value, state[k])  # nothing changed


def test_a_delay_longer_than_the_history_names_delay_len():
    delay = TimeDelay(jnp.zeros(1), 1.0, before_t0=-1.0, dt=0.1)
    intg = ddeint(lambda x, t: -delay(t - 2.0), state_delays={"x": delay}, dt=0.1)
    state = {k: np.asarray(v.value) for k, v in intg.vars().items()}
    with pytest.raises(
        ValueError, match=r"delay_len=1\) holds.*Build the TimeDelay with delay_len >= 2"
    ):
        intg(jnp.zeros(1), 0.0)
    for k, v in intg.vars().items():
        np.testing.assert_array_equal(v.value, state[k])
    with pytest.raises(ValueError, match="not a state variable of the equation"):
        ddeint(lambda x, t: -x, state_delays={"y": delay})
    with pytest.raises(ValueError, match="interp_method must be one of"):
        TimeDelay(jnp.zeros(1), 1.0, interp_method="cubic")


def test_delays_are_variables_of_the_model_saved_and_reset():
    delay = TimeDelay(jnp.zeros(1), 1.0, before_t0=-1.0, dt=0.1)
    intg = ddeint(lambda x, t: -delay(t - 1.0), state_delays={"x": delay}, dt=0.1)
    r = _run(intg, ["x"], None, 0.1, 1.0)
    assert set(k.split(".")[-1] for k in intg.vars()) >= {"data", "idx", "current_time"}
    assert float(delay.current_time.value) == pytest.approx(1.0)
    delay.reset_state()
    assert float(delay.current_time.value) == 0.0 and int(delay.idx.value) == 0
    assert r.mon.x.shape == (10, 1)


def test_the_stochastic_lorenz_example_runs(tmp_path, capsys):
    from tests.helpers import load_script

    example = load_script("examples/stochastic_lorenz.py")
    png = tmp_path / "lorenz.png"
    runner = example.main(duration=1.0, png=str(png))
    assert runner.mon.x.shape == (1000, 1) and np.all(np.isfinite(runner.mon.z))
    assert float(runner.mon.z.max()) > 10.0  # it leaves the origin for the attractor
    assert "1000 steps" in capsys.readouterr().out and png.read_bytes()[:4] == b"\x89PNG"


class _Noisy(eqbrain.DynamicalSystem):
    V: eqbrain.Variable
    tau: eqbrain.TrainVar
    integral: eqbrain.SDEIntegrator

    def __init__(self, n):
        super().__init__()
        self.V = eqbrain.Variable(jnp.zeros(n))
        self.tau = eqbrain.TrainVar(jnp.array(10.0))
        self.integral = sdeint(self.df, self.dg, method="milstein", seed=0)

    def df(self, V, t, I):
        return (-V + I) / self.tau.value

    def dg(self, V, t):
        return 0.5 + 0.0 * V

    def update(self, I):
        self.V.value = self.integral(self.V.value, eqbrain.share.load("t"), I, dt=0.1)
        return self.V.value


def test_methods_of_a_module_key_in_the_model_and_gradients():
    import equinox as eqx

    model = _Noisy(3)
    key = model.integral.rng.key
    assert any(v is key for v in model.vars().values())  # the noise key is the model's
    runner = eqbrain.DSRunner(model, monitors=["V"], dt=0.1)
    runner.run(inputs=jnp.ones(5))
    assert runner.mon["V"].shape == (5, 3) and float(jnp.std(model.V.value)) > 0.0

    def loss(m):
        return jnp.sum(m.integral(jnp.ones(3), 0.0, 2.0, dt=0.1, key=jax.random.key(0)))

    grad = eqx.filter_grad(loss)(model)  # d/dtau of 3 * (1 + 0.1 * (2 - 1) / tau)
    np.testing.assert_allclose(grad.tau.value, -3 * 0.1 / 100.0, rtol=1e-5)
