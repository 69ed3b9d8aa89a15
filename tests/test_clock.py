"""The clock in the model: a network's step index and time go into its checkpoints, so
that a run saved, loaded into a fresh network and runner, and continued gives the spikes
of one uninterrupted run (delays and refractory periods included)."""

import pathlib

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import eqbrain
from eqbrain.dyn._clock import step_times, traced_step_times
from tests.helpers import assert_unchanged, load_script, snapshot

coba = load_script("examples/coba_ei_network.py")


def _ei():
    # LIF neurons with a 5 ms refractory period, delays of 1.5 and 3 ms
    return coba.build(0.1, delay_E=1.5, delay_I=3.0)


class Leaky(eqbrain.DynamicalSystem):
    x: eqbrain.Variable
    seen_t: eqbrain.Variable
    seen_i: eqbrain.Variable

    def __init__(self):
        super().__init__()
        self.x = eqbrain.Variable(jnp.zeros(2))
        self.seen_t = eqbrain.Variable(jnp.float32(0))
        self.seen_i = eqbrain.Variable(jnp.int32(0))

    def update(self):
        self.x.value = self.x.value + 1.0
        self.seen_t.value = jnp.float32(eqbrain.share.load("t"))
        self.seen_i.value = jnp.int32(eqbrain.share.load("i"))


class Net(eqbrain.Network):
    a: Leaky

    def __init__(self):
        super().__init__()
        self.a = Leaky()


def test_a_network_saved_mid_run_continues_with_the_spikes_of_one_run(tmp_path):
    whole = eqbrain.run(_ei(), 100.0, monitors=["N.spike"])["N.spike"]
    net = _ei()
    first = eqbrain.run(net, 50.0, monitors=["N.spike"])["N.spike"]
    eqbrain.save(tmp_path / "net.safetensors", net)
    fresh = _ei()
    eqbrain.load(tmp_path / "net.safetensors", fresh, strict=True)
    assert int(fresh.clock.i.value) == 500 and float(fresh.clock.t) == pytest.approx(50.0)
    runner = eqbrain.DSRunner(fresh, monitors=["N.spike"])
    runner.run(50.0, outputs=False)
    second = runner.mon["N.spike"]
    both = np.concatenate([np.asarray(first), np.asarray(second)])
    assert whole.num_spikes > 1000
    np.testing.assert_array_equal(both, np.asarray(whole))  # before: 1,850 of 3,174
    np.testing.assert_allclose(runner.mon.ts[[0, -1]], [50.0, 99.9])
    assert second.t0 == 50.0 and runner.i0 == 1000


def test_the_checkpoint_holds_the_step_index_and_time(tmp_path):
    net = Net()
    eqbrain.run(net, 2.0, dt=0.25, t0=1.0)
    eqbrain.save(tmp_path / "n.safetensors", net)
    state = eqbrain.read_state(tmp_path / "n.safetensors")
    assert {k: float(v) for k, v in state.items() if k.startswith("clock.")} == {
        "clock.i": 8.0,
        "clock.t0": 1.0,
        "clock.dt": 0.25,
    }
    assert float(net.clock.t) == 3.0
    assert net.state_dict()[net.clock.name][f"{net.clock.name}.i"] == 8


def test_share_t_and_i_go_on_from_the_loaded_clock(tmp_path):
    net = Net()
    eqbrain.DSRunner(net, dt=0.5, t0=2.0).run(n_steps=3)
    eqbrain.save(tmp_path / "n.safetensors", net)
    fresh = Net()
    eqbrain.load(tmp_path / "n.safetensors", fresh)
    runner = eqbrain.DSRunner(fresh, monitors=["a.seen_t", "a.seen_i"])  # dt: the clock's
    runner.run(n_steps=2)
    assert runner.dt == 0.5
    np.testing.assert_array_equal(runner.mon["a.seen_i"], [3, 4])
    np.testing.assert_array_equal(runner.mon["a.seen_t"], step_times(2.0, 0.5, 3, 2))
    np.testing.assert_allclose(runner.mon.ts, [3.5, 4.0])


@pytest.mark.parametrize("jit", [True, False])
def test_every_way_of_running_advances_the_same_clock(jit):
    net = Net()
    runner = eqbrain.DSRunner(net, monitors=["a.seen_t"], dt=0.1, t0=5.0, jit=jit)
    runner.run(n_steps=4)
    runner.run(n_steps=3)
    assert runner.i0 == 7 and int(net.clock.i.value) == 7
    np.testing.assert_array_equal(runner.mon["a.seen_t"], step_times(5.0, 0.1, 4, 3))
    assert runner.clock is net.clock


def test_a_run_inside_eqbrain_jit_advances_the_network_clock():
    net = Net()
    runner = eqbrain.DSRunner(net, monitors=["a.seen_t"], dt=0.1, t0=1.0)
    runner.run(n_steps=5)

    @eqbrain.jit
    def twice():
        runner.run(n_steps=5)
        runner.run(n_steps=5)
        return runner.mon["a.seen_t"]

    seen = twice()
    assert int(net.clock.i.value) == 15
    np.testing.assert_array_equal(seen, step_times(1.0, 0.1, 10, 5))  # traced: the same times
    runner.run(n_steps=2)
    np.testing.assert_array_equal(runner.mon["a.seen_t"], step_times(1.0, 0.1, 15, 2))


def test_traced_step_times_round_as_the_host_does():
    for t0, dt in [(0.0, 0.1), (5.0, 0.1), (0.3, 0.025), (-2.0, 0.07)]:
        got = jax.jit(lambda i: traced_step_times(t0, dt, i, 4000), static_argnums=())(
            jnp.int32(123456)
        )
        np.testing.assert_array_equal(np.asarray(got), step_times(t0, dt, 123456, 4000))


def test_a_clocks_time_reads_inside_a_trace():
    # its Variables are traced there, dt included (the host callback takes them all)
    clock = eqbrain.dyn.Clock()
    clock.dt.value, clock.i.value = jnp.float32(0.1), jnp.int32(5)
    eager = clock.t
    traced = eqbrain.jit(lambda: clock.t)()
    assert float(traced) == float(eager) == float(step_times(0.0, 0.1, 5, 1)[0])


def test_reset_state_starts_the_clock_again():
    net = Net()
    runner = eqbrain.DSRunner(net, dt=0.1, t0=3.0)
    runner.run(n_steps=4)
    net.reset_state()
    assert int(net.clock.i.value) == 0 and float(net.clock.t) == 0.0
    runner.run(n_steps=2, reset_state=False)
    assert float(net.clock.t) == pytest.approx(3.2)  # the runner's t0 again
    runner.reset_state()
    assert runner.i0 == 0 and float(net.a.x.value[0]) == 2.0  # the rest is untouched


def test_a_t0_against_a_clock_that_has_run_is_refused_and_changes_nothing(tmp_path):
    net = Net()
    eqbrain.run(net, 1.0, dt=0.1)
    before = snapshot(net)
    message = r"t0=50 was given.*run 10 steps from t0 = 0 ms.*t = 1 ms"
    with pytest.raises(eqbrain.RunningError, match=message):
        eqbrain.run(net, 1.0, dt=0.1, t0=50.0)
    assert_unchanged(net, before)
    runner = eqbrain.DSRunner(net, dt=0.1, t0=50.0)
    runner.run(1.0, reset_state=True)  # starting again at t0 is fine
    assert float(net.clock.t) == pytest.approx(51.0)


def test_another_dt_against_a_clock_that_has_run_is_refused_and_changes_nothing():
    net = Net()
    eqbrain.run(net, 1.0, dt=0.1)
    before = snapshot(net)
    with pytest.raises(eqbrain.RunningError, match=r"dt = 0.1 ms.*dt = 0.05 ms.*dt=0.1"):
        eqbrain.run(net, 1.0, dt=0.05)
    assert_unchanged(net, before)


def test_a_model_that_is_not_a_network_can_declare_its_clock():
    class Timed(Leaky):
        clock: eqbrain.dyn.Clock

        def __init__(self):
            super().__init__()
            self.clock = eqbrain.dyn.Clock()

    model = Timed()
    runner = eqbrain.DSRunner(model, dt=0.1)
    runner.run(n_steps=3)
    assert runner.clock is model.clock and int(model.clock.i.value) == 3
    plain = Leaky()  # no clock of its own: the runner keeps one
    other = eqbrain.DSRunner(plain)
    other.run(n_steps=2)
    assert other.i0 == 2 and "clock" not in plain.__dict__


def test_a_clock_is_advanced_by_the_runner_only():
    net = Net()
    with pytest.raises(TypeError, match="advanced by the runner"):
        net.clock.update()
    with eqbrain.share.context(t=0.0, i=0):
        net.update()  # the network's own update steps its parts, not the clock
    assert int(net.clock.i.value) == 0 and float(net.a.x.value[0]) == 1.0
    assert repr(net.clock) == "Clock(i=0, t=0 ms)"


def test_a_brainpy_file_leaves_the_clock_as_it_is():
    class BP(eqbrain.DynSysGroup):  # the network of tests/data/make_brainpy_dyn_blocks.py
        E: eqbrain.dyn.LifRef
        syn: eqbrain.dyn.Expon

        def __init__(self):
            super().__init__()
            self.E = eqbrain.dyn.LifRef(4)
            self.syn = eqbrain.dyn.Expon(4, tau=5.0)

        def update(self):
            self.syn()
            return self.E(0.0)

    net = BP()
    eqbrain.run(net, 1.0, dt=0.1)
    path = pathlib.Path(__file__).parent / "data" / "brainpy_dyn_blocks.msgpack"
    assert eqbrain.load_brainpy(path, net, strict=True) == ([], [])  # no clock in the file
    np.testing.assert_array_equal(net.syn.g.value, [0.5, 0.25, 0.125, 0.0])
    assert int(net.clock.i.value) == 10  # kept


def test_the_slow_point_finder_leaves_a_network_clock_out_of_its_variables():
    net = Net()
    finder = eqbrain.analysis.SlowPointFinder(net, dt=0.1, verbose=False)
    assert set(finder.target_vars) == {"a.x", "a.seen_t"}  # the float Variables, not clock.*
