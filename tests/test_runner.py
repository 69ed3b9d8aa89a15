"""DSRunner / Runner / run: outputs, monitors, inputs, time, layouts, compilation, bad input."""

from typing import Any

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

    def __init__(self, n=2, name=None, batch_size=None):
        super().__init__(name=name)
        shape = (n,) if batch_size is None else (batch_size, n)
        self.x = eqbrain.Variable(jnp.zeros(shape), batch_axis=None if batch_size is None else 0)
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


class Counter(eqbrain.DynamicalSystem):
    """Counts steps; `spike` is true every third step for neuron 0 and every step for 2."""

    i: eqbrain.Variable
    spike: eqbrain.Variable
    inp: eqbrain.Variable

    def __init__(self, n=3):
        super().__init__()
        self.i = eqbrain.Variable(jnp.zeros(1))
        self.spike = eqbrain.Variable(jnp.zeros(n, bool))
        self.inp = eqbrain.Variable(jnp.zeros(n))

    def update(self):
        self.i.value = self.i.value + 1.0
        k = self.i.value[0].astype(jnp.int32)
        self.spike.value = jnp.zeros(self.spike.shape, bool).at[0].set(k % 3 == 0).at[-1].set(True)

    def clear_input(self):
        self.inp.value = jnp.zeros_like(self.inp.value)


def eager(model, n_steps, inputs=None, dt=0.1):
    """The reference: the same steps, one by one, without a runner."""
    xs = []
    for i in range(n_steps):
        with eqbrain.share.context(t=i * dt, i=i, dt=dt):
            model.update(*(() if inputs is None else (inputs[i],)))
        xs.append(np.array(model.x.value))
    return np.stack(xs)


# -- run(): the records ---------------------------------------------------------------------


def test_run_matches_stepping_by_hand_and_leaves_the_final_state():
    a, b = Leaky(), Leaky()
    inputs = jnp.linspace(0.0, 1.0, 50)[:, None] * jnp.ones(2)
    out = eqbrain.run(a, 5.0, inputs=inputs, monitors=["x", "seen_t"], dt=0.1)
    expected = eager(b, 50, inputs)
    assert isinstance(out, eqbrain.Monitors)
    np.testing.assert_allclose(out["x"], expected, rtol=1e-6)
    np.testing.assert_allclose(a.x.value, b.x.value, rtol=1e-6)
    np.testing.assert_allclose(out["ts"], np.arange(50) * 0.1, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(out.seen_t, out.ts, atol=1e-5)


def test_monitors_in_every_form():
    net = Two()
    out = eqbrain.run(
        net,
        n_steps=4,
        inputs=jnp.ones((4,)),
        monitors={
            "ax": "a.x",
            "bx": f"{net.b.name}.x",
            "cell": net.a.seen_t,
            "b0": (net.b.x, 0),
            "b12": ("b.x", [1, 2]),
            "total": lambda m: m.a.x.value.sum() + m.b.x.value.sum(),
            "first": lambda: net.b.x.value[:1],
        },
    )
    assert out["ax"].shape == (4, 2) and out["bx"].shape == (4, 3) and out["cell"].shape == (4,)
    np.testing.assert_allclose(out["total"], out["ax"].sum(1) + out["bx"].sum(1), rtol=1e-6)
    np.testing.assert_array_equal(out["b0"], out["bx"][:, :1])
    np.testing.assert_array_equal(out["first"], out["bx"][:, :1])
    np.testing.assert_array_equal(out["b12"], out["bx"][:, 1:])
    listed = eqbrain.run(Two(), n_steps=2, monitors=["a.x", ("b.x", 2), ("b.x",)][:2])
    assert listed["b.x"].shape == (2, 1)


def test_mon_has_attribute_and_item_access():
    runner = eqbrain.DSRunner(Leaky(), monitors=["x"], dt=0.5)
    runner.run(2.0)
    assert runner.mon.x is runner.mon["x"] and runner.mon.ts is runner.mon["ts"]
    assert isinstance(runner.mon.ts, np.ndarray) and runner.mon.ts.dtype == np.float64
    with pytest.raises(AttributeError, match=r"no 'y'.*\['ts', 'x'\]"):
        runner.mon.y
    assert "x" in dir(runner.mon)


def test_run_returns_the_stacked_outputs_of_update():
    model = Leaky()
    runner = eqbrain.DSRunner(model, monitors=["x"], dt=0.1)
    out = runner.run(1.0)
    assert isinstance(out, jax.Array) and out.shape == (10, 2)
    np.testing.assert_array_equal(out, runner.mon.x)
    assert runner(1.0).shape == (10, 2) and runner.predict(1.0).shape == (10, 2)

    class Quiet(eqbrain.DynamicalSystem):
        v: eqbrain.Variable

        def __init__(self):
            super().__init__()
            self.v = eqbrain.Variable(jnp.zeros(2))

        def update(self) -> Any:
            self.v.value = self.v.value + 1.0

    assert eqbrain.DSRunner(Quiet()).run(1.0) is None

    class Tree(Quiet):
        def __init__(self):  # Quiet's, spelled out: pyright would build one from the fields
            super().__init__()

        def update(self):
            self.v.value = self.v.value + 1.0
            return {"a": self.v.value, "b": self.v.value * 2}

    tree = eqbrain.DSRunner(Tree(), dt=1.0).run(4.0)
    np.testing.assert_allclose(tree["b"], 2 * tree["a"])
    np.testing.assert_allclose(tree["a"][:, 0], [1, 2, 3, 4])


def test_runner_continues_in_time_without_recompiling():
    model = Leaky()
    runner = eqbrain.Runner(model, monitors=["seen_t"], dt=0.5)
    runner.run(2.0)
    first = runner.mon
    n = len(model.traces)
    runner.run(2.0)
    second = runner.mon
    assert len(model.traces) == n  # the same compiled loop
    np.testing.assert_allclose(first.ts, [0.0, 0.5, 1.0, 1.5])
    np.testing.assert_allclose(second.ts, [2.0, 2.5, 3.0, 3.5])
    np.testing.assert_allclose(second.seen_t, second.ts)
    assert runner.i0 == 8
    runner.run(3.0)  # another number of steps: compiled again
    assert len(model.traces) > n


def test_t0_reset_state_and_predict_reset():
    model = Leaky()
    runner = eqbrain.DSRunner(model, monitors=["seen_t", "x"], dt=0.1, t0=5.0)
    runner.run(inputs=jnp.ones((10, 2)))
    np.testing.assert_allclose(runner.mon.ts[:2], [5.0, 5.1])
    np.testing.assert_allclose(runner.mon.seen_t, runner.mon.ts, rtol=1e-6)
    first = runner.mon.x
    runner.reset_state()
    assert runner.i0 == 0 and float(model.x.value[0]) > 0  # the model is untouched
    seconds, out = runner.predict(inputs=jnp.ones((10, 2)), reset_state=True, eval_time=True)
    assert isinstance(seconds, float) and seconds >= 0
    np.testing.assert_array_equal(runner.mon.x, first)  # replayed from the initial state
    np.testing.assert_array_equal(out, first)


def test_duration_counts_steps_as_brainpy_without_rounding_error():
    out = eqbrain.run(Leaky(), 0.3, monitors=["x"], dt=0.1)  # int(0.3 / 0.1) == 2
    assert out.x.shape == (3, 2)
    assert eqbrain.run(Leaky(), 0.35, monitors=["x"], dt=0.1).x.shape == (3, 2)


def test_default_dt_and_set_dt():
    try:
        eqbrain.set_dt(0.25)
        out = eqbrain.run(Leaky(), 1.0, monitors=["x"])
    finally:
        eqbrain.set_dt(0.1)
    assert out["x"].shape == (4, 2)


@pytest.mark.parametrize("chunk_bytes", [4 << 20, 1])
def test_progress_bar(capsys, chunk_bytes):
    out = eqbrain.run(
        Counter(),
        n_steps=300,
        monitors=["spike"],
        progress_bar={"desc": "sim"},
        chunk_bytes=chunk_bytes,
    )
    jax.effects_barrier()
    err = capsys.readouterr().err
    assert "sim" in err and "300/300" in err
    assert out.spike.num_spikes == 400


def test_run_inside_eqbrain_jit_is_in_place_and_dense():
    model = Counter()

    @eqbrain.jit
    def twice():
        eqbrain.run(model, n_steps=3)
        return eqbrain.run(model, n_steps=3, monitors=["i", "spike"])

    out = twice()
    np.testing.assert_allclose(out["i"][:, 0], [4, 5, 6])
    assert out["spike"].dtype == jnp.bool_ and out["spike"].shape == (3, 3)  # dense in a trace
    np.testing.assert_allclose(model.i.value, [6.0])


def test_shared_args_reach_every_step():
    class Gain(eqbrain.DynamicalSystem):
        v: eqbrain.Variable

        def __init__(self):
            super().__init__()
            self.v = eqbrain.Variable(jnp.zeros(1))

        def update(self, x):
            self.v.value = self.v.value + eqbrain.share.load("gain", 1.0)
            return self.v.value

    runner = eqbrain.DSRunner(Gain(), monitors=["v"], dt=1.0)
    runner.predict(inputs=np.zeros((3, 1)), shared_args={"gain": 2.0}, reset_state=True)
    np.testing.assert_allclose(runner.mon.v.ravel(), [2.0, 4.0, 6.0])
    runner.predict(inputs=np.zeros((3, 1)), shared_args={"gain": jnp.float32(3.0)})
    np.testing.assert_allclose(runner.mon.v.ravel(), [9.0, 12.0, 15.0])


def test_clear_input_is_called_after_the_monitors():
    model = Counter()
    runner = eqbrain.DSRunner(model, inputs=[("inp", 1.0)], monitors=["inp"])
    runner.run(0.3)
    np.testing.assert_array_equal(runner.mon.inp, np.ones((3, 3)))  # seen before clearing
    np.testing.assert_array_equal(model.inp.value, np.zeros(3))


# -- runner inputs ----------------------------------------------------------------------------


def test_runner_inputs_types_and_operations():
    model = Counter()
    runner = eqbrain.DSRunner(
        model,
        inputs=[
            ("inp", 2.0, "fix", "="),
            (model.inp, jnp.arange(6.0)[:, None] * jnp.ones(3), "iter", "+"),
            ("inp", lambda: eqbrain.share.load("t"), "func", "-"),
            ("inp", 10.0, "fix", "*"),
            ("inp", 4.0, "fix", "/"),
        ],
        monitors=["inp"],
        dt=0.5,
    )
    runner.run(1.0)
    t = np.array([0.0, 0.5])
    # fixed ones first ('=', then '*', '/'), then iterated, then functions
    expected = (2.0 * 10.0 / 4.0 + np.arange(2.0) - t)[:, None] * np.ones(3)
    np.testing.assert_allclose(runner.mon.inp, expected, rtol=1e-6)
    runner.run(1.0)  # the 'iter' array is indexed by the step index: it goes on
    np.testing.assert_allclose(runner.mon.inp[:, 0], 5.0 + np.arange(2.0, 4.0) - [1.0, 1.5])


def test_iterator_and_callable_inputs():
    model = Counter()
    values = iter([np.full(3, float(k)) for k in range(100)])
    runner = eqbrain.DSRunner(model, inputs=[("inp", values, "iter", "=")], monitors=["inp"])
    runner.run(0.3)
    runner.run(0.2)  # the iterator goes on
    np.testing.assert_allclose(runner.mon.inp[:, 0], [3.0, 4.0])

    def drive():
        model.inp.value = model.inp.value + eqbrain.share.load("i")

    runner = eqbrain.DSRunner(model, inputs=drive, monitors=["inp"])
    runner.run(0.4)
    np.testing.assert_allclose(runner.mon.inp[:, 1], [0.0, 1.0, 2.0, 3.0])


# -- inputs to update, batches and layouts ---------------------------------------------------


def test_inputs_tuple_spreads_over_update_arguments():
    class Add(eqbrain.DynamicalSystem):
        v: eqbrain.Variable

        def __init__(self):
            super().__init__()
            self.v = eqbrain.Variable(jnp.zeros(2))

        def update(self, a, b):
            self.v.value = a + b
            return self.v.value

    out = eqbrain.DSRunner(Add()).run(inputs=(jnp.ones((5, 2)), jnp.full((5, 2), 2.0)))
    np.testing.assert_allclose(out, np.full((5, 2), 3.0))
    out = eqbrain.DSRunner(Add()).run(inputs=[jnp.ones((5, 2)), jnp.ones((5, 2))])
    np.testing.assert_allclose(out, np.full((5, 2), 2.0))


def test_duration_with_inputs_warns_and_uses_the_inputs_length():
    runner = eqbrain.DSRunner(Leaky(), monitors=["x"])
    with pytest.warns(
        UserWarning, match=r"already set the number of steps \(7\); `duration` is ignored"
    ):
        runner.predict(1.0, inputs=jnp.ones((7, 2)))
    assert runner.mon.ts.shape == (7,)


def test_batched_model_is_batch_first_by_default():
    model = Leaky(4, batch_size=3)
    runner = eqbrain.DSRunner(model, monitors=["x", "seen_t"], dt=0.1)
    assert runner.data_first_axis == "B"
    xs = jnp.ones((3, 12, 4)) * jnp.arange(3.0)[:, None, None]  # (batch, time, n)
    out = runner.predict(inputs=xs, reset_state=True)
    assert out.shape == (3, 12, 4) and runner.mon.x.shape == (3, 12, 4)
    assert runner.mon.seen_t.shape == (12,)  # not batched: not moved
    np.testing.assert_allclose(runner.mon.x[2], 2 * runner.mon.x[1], rtol=1e-6)
    assert runner.mon.ts.shape == (12,)
    # reset_state resizes the batch to the inputs'
    runner.predict(inputs=jnp.ones((5, 12, 4)), reset_state=True)
    assert runner.mon.x.shape == (5, 12, 4) and model.x.value.shape == (5, 4)


def test_batched_model_time_first():
    model = Leaky(4, batch_size=3)
    runner = eqbrain.DSRunner(model, monitors=["x"], data_first_axis="T")
    out = runner.predict(inputs=jnp.ones((12, 3, 4)))
    assert out.shape == (12, 3, 4) and runner.mon.x.shape == (12, 3, 4)


def test_batched_spikes_are_sparse_and_batch_first():
    group = eqbrain.dyn.SpikeTimeGroup(3, indices=[0, 2, 1], times=[0.1, 0.2, 0.2], batch_size=2)
    runner = eqbrain.DSRunner(group, monitors=["spike"])
    out = runner.run(0.5)
    spikes = runner.mon.spike
    assert isinstance(spikes, eqbrain.SparseSpikes) and spikes.shape == (2, 5, 3)
    dense = np.zeros((2, 5, 3), bool)
    dense[:, 1, 0] = dense[:, 2, 2] = dense[:, 2, 1] = True
    np.testing.assert_array_equal(np.asarray(spikes), dense)
    np.testing.assert_array_equal(np.asarray(out), dense)


def test_numpy_mon_after_run_false_keeps_jax_arrays():
    runner = eqbrain.DSRunner(Leaky(), monitors=["x"], numpy_mon_after_run=False)
    runner.run(1.0)
    assert isinstance(runner.mon.x, jax.Array) and isinstance(runner.mon.ts, jax.Array)


@pytest.mark.parametrize("kwargs", [dict(jit=False), dict(memory_efficient=True)])
def test_eager_and_memory_efficient_runs_match_the_compiled_one(kwargs):
    ref, other = Counter(), Counter()
    a = eqbrain.DSRunner(ref, monitors=["i", "spike"], dt=1.0)
    b = eqbrain.DSRunner(other, monitors=["i", "spike"], dt=1.0, **kwargs)
    for runner in (a, b):
        runner.run(7.0)
    np.testing.assert_array_equal(a.mon.i, b.mon.i)
    np.testing.assert_array_equal(np.asarray(a.mon.spike), np.asarray(b.mon.spike))
    assert isinstance(b.mon.spike, eqbrain.SparseSpikes) and isinstance(b.mon.i, np.ndarray)
    np.testing.assert_array_equal(ref.i.value, other.i.value)


def test_jit_dict_setting():
    runner = eqbrain.DSRunner(Leaky(), jit={"predict": False, "fit": True})
    assert runner.jit == {"predict": False, "fit": True}
    assert "DSRunner" in repr(runner) and "data_first_axis" in repr(runner)


# -- sparse spikes ----------------------------------------------------------------------------


def test_boolean_monitors_are_sparse_unless_asked_dense():
    model = Counter()
    runner = eqbrain.DSRunner(model, monitors=["spike", "i"], dt=1.0)
    runner.run(9.0)
    spikes = runner.mon.spike
    assert isinstance(spikes, eqbrain.SparseSpikes) and spikes.shape == (9, 3)
    np.testing.assert_array_equal(spikes.steps, [0, 1, 2, 2, 3, 4, 5, 5, 6, 7, 8, 8])
    np.testing.assert_array_equal(spikes.indices, [2, 2, 0, 2, 2, 2, 0, 2, 2, 2, 0, 2])
    np.testing.assert_allclose(spikes.times, spikes.steps * 1.0)
    for dense_monitors in (True, ["spike"]):
        model.reset_state()
        dense = eqbrain.DSRunner(model, monitors=["spike"], dt=1.0, dense_monitors=dense_monitors)
        dense.run(9.0)
        assert isinstance(dense.mon.spike, np.ndarray)
        np.testing.assert_array_equal(dense.mon.spike, np.asarray(spikes))


def test_chunked_sparse_records_equal_one_chunk_and_compile_once():
    class Rand(eqbrain.DynamicalSystem):
        key: eqbrain.Variable
        spike: eqbrain.Variable
        traces: list = eqx.field(static=True)

        def __init__(self):
            super().__init__()
            self.key = eqbrain.Variable(jax.random.key_data(jax.random.key(0)))
            self.spike = eqbrain.Variable(jnp.zeros(37, bool))
            self.traces = []

        def update(self):
            self.traces.append(1)
            k, sub = jax.random.split(jax.random.wrap_key_data(self.key.value))
            self.key.value = jax.random.key_data(k)
            self.spike.value = jax.random.uniform(sub, (37,)) < 0.1
            return self.spike.value

    whole, chunked = Rand(), Rand()
    a = eqbrain.DSRunner(whole, monitors=["spike"])
    b = eqbrain.DSRunner(chunked, monitors=["spike"], chunk_bytes=5 * 30)  # 30 steps a chunk
    out_a, out_b = a.run(30.0), b.run(30.0)
    np.testing.assert_array_equal(np.asarray(a.mon.spike), np.asarray(b.mon.spike))
    np.testing.assert_array_equal(np.asarray(out_a), np.asarray(out_b))
    assert a.mon.spike.num_spikes > 100
    n = len(chunked.traces)
    b.run(30.0)  # ten equal chunks again: no new compilation
    assert len(chunked.traces) == n


# -- bad input --------------------------------------------------------------------------------


def test_unknown_monitor_suggests_the_closest_and_changes_nothing():
    net = Two()
    before = snapshot(net)
    with pytest.raises(
        eqbrain.MonitorError, match=r"Unknown monitor 'a.xx'.*Did you mean 'a.x'\?"
    ) as e:
        eqbrain.run(net, 1.0, monitors=["a.xx"])
    assert "a.seen_t" in str(e.value)
    assert_unchanged(net, before)


@pytest.mark.parametrize(
    "monitors, message",
    [
        (3, "got a int"),
        ([3], "got the list entry 3"),
        ([(1, 2)], r"needs a str path"),
        ([("x", 1, 2)], "got the list entry"),
        ({1: "x"}, "dict keys are names"),
        ({"a": 42}, "maps to a int"),
        ({"a": (42, 1)}, r"expected \(Variable or path, index\)"),
        ({"a": lambda a, b: 0}, "takes 2"),
        ([("x", 5)], "out of range"),
        ([("x", [[0]])], "1-D list of ints"),
        ({"ts": "x"}, "'ts' is the runner's own"),
        ([("x", 0), ("x", 1)], r"unique; \['x'\] repeat"),
        (["traces"], "It is a list, not a Variable"),
    ],
)
def test_bad_monitors(monitors, message):
    with pytest.raises(eqbrain.MonitorError, match=message):
        eqbrain.DSRunner(Leaky(), monitors=monitors)


@pytest.mark.parametrize(
    "inputs, error, message",
    [
        (123, eqbrain.RunningError, "got a int"),
        ([1.0, 2.0], eqbrain.RunningError, r"got \[1.0, 2.0\]"),
        (("x",), eqbrain.RunningError, "needs a target and a value"),
        (["x"], eqbrain.RunningError, "pass `monitors=` by keyword"),
        (("x", 1.0, "fix", "^"), eqbrain.RunningError, "operation must be one of"),
        (("x", 1.0, "bogus"), eqbrain.RunningError, "type must be one of"),
        (("x", 5, "iter"), ValueError, "must be an array"),
        (("x", 5, "func"), ValueError, "must be a function"),
        (("nothing.here", 1.0), eqbrain.RunningError, "Unknown input target"),
        ([(123, 1.0)], eqbrain.RunningError, "a Variable or its path"),
        ((123, 1.0), eqbrain.RunningError, r"got \(123, 1.0\)"),
        (("x", jnp.ones(3)), eqbrain.RunningError, r"shape \(3,\) does not broadcast"),
        (("x", jnp.ones((5, 3)), "iter"), eqbrain.RunningError, r"shape \(3,\) does not"),
    ],
)
def test_bad_runner_inputs(inputs, error, message):
    with pytest.raises(error, match=message):
        eqbrain.DSRunner(Leaky(), inputs=inputs)


def test_an_iter_input_too_short_changes_nothing():
    model = Leaky()
    runner = eqbrain.DSRunner(model, inputs=[("x", jnp.ones((5, 2)), "iter")])
    runner.run(0.5)
    before = snapshot(model)
    with pytest.raises(eqbrain.RunningError, match=r"has 5 steps, but this run needs steps 5..9"):
        runner.run(0.5)
    assert_unchanged(model, before)
    assert runner.i0 == 5


def test_inputs_of_the_wrong_length_change_nothing():
    model = Leaky()
    before = snapshot(model)
    with pytest.raises(eqbrain.RunningError, match=r"time axis of length 10.*\(7, 2\)"):
        eqbrain.run(model, 1.0, inputs=jnp.ones((7, 2)), dt=0.1)
    with pytest.raises(eqbrain.RunningError, match=r"time axis .*shape \(\)"):
        eqbrain.run(model, 1.0, inputs=1.0, dt=0.1)
    with pytest.raises(eqbrain.RunningError, match="disagree on the number of steps"):
        eqbrain.DSRunner(model).run(inputs=(jnp.ones((3, 2)), jnp.ones((4, 2))))
    assert_unchanged(model, before)


def test_inputs_that_do_not_fit_the_model_change_nothing():
    model = Leaky()
    before = snapshot(model)
    with pytest.raises(eqbrain.MathError, match=r"original data is \(2,\), while we got \(3, 2\)"):
        eqbrain.run(model, n_steps=5, inputs=jnp.ones((5, 3, 2)))
    assert_unchanged(model, before)


@pytest.mark.parametrize("dt", [0.0, -0.1, float("nan"), "x"])
def test_bad_dt(dt):
    with pytest.raises(eqbrain.RunningError, match="dt must be a positive"):
        eqbrain.run(Leaky(), 1.0, dt=dt)


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        (dict(duration=-1.0), eqbrain.RunningError, "duration must be a positive number of ms"),
        (dict(duration=0.01), eqbrain.RunningError, "shorter than one step"),
        (dict(duration=1.0, n_steps=3), eqbrain.RunningError, "either `duration` or `n_steps`"),
        (dict(n_steps=0), eqbrain.RunningError, "n_steps must be a positive int"),
        (dict(), eqbrain.RunningError, r"Give `duration` \(ms\) or `n_steps`"),
        (dict(duration=1.0, t0="a"), eqbrain.RunningError, "t0 must be a number"),
        (dict(duration=1.0, data_first_axis="X"), eqbrain.RunningError, "'T' or 'B'"),
        (dict(duration=1.0, dense_monitors="x"), TypeError, "dense_monitors must be"),
        (dict(duration=1.0, dense_monitors=["y"]), eqbrain.RunningError, r"unknown monitors"),
        (dict(duration=1.0, chunk_bytes=0), ValueError, "chunk_bytes must be a positive int"),
        (dict(duration=1.0, jit="yes"), ValueError, 'Unknown "jit" setting'),
        (
            dict(duration=1.0, memory_efficient=True, numpy_mon_after_run=False),
            ValueError,
            "needs numpy_mon_after_run=True",
        ),
        (dict(duration=1.0, progress_bar="yes"), TypeError, "progress_bar takes True or False"),
    ],
)
def test_bad_arguments(kwargs, error, message):
    with pytest.raises(error, match=message):
        eqbrain.run(Leaky(), monitors=["x"], **kwargs)


def test_bad_shared_args_change_nothing():
    model = Leaky()
    runner = eqbrain.DSRunner(model)
    before = snapshot(model)
    with pytest.raises(eqbrain.RunningError, match=r"cannot set \['t'\]"):
        runner.predict(1.0, shared_args={"t": 1.0})
    with pytest.raises(eqbrain.RunningError, match="dict with str keys"):
        runner.predict(1.0, shared_args=[1])  # pyright: ignore[reportArgumentType]
    assert_unchanged(model, before)
    assert runner.i0 == 0


def test_runner_needs_a_dynamical_system():
    class Plain(eqbrain.Module):
        pass

    with pytest.raises(eqbrain.RunningError, match="DSRunner runs a DynamicalSystem"):
        eqbrain.Runner(Plain())  # pyright: ignore[reportArgumentType]
    assert eqbrain.Runner is eqbrain.DSRunner


def test_time_first_inputs_to_a_batched_model_get_advice_and_change_nothing():
    neu = eqbrain.dyn.LifRef(3, batch_size=2)
    before = {k: np.asarray(v.value) for k, v in neu.vars(method="relative").items()}
    runner = eqbrain.DSRunner(neu, monitors=["V"], dt=0.1)
    time_first = jnp.ones((50, 2, 3))
    with pytest.raises(eqbrain.RunningError, match="data_first_axis='T'") as info:
        runner.predict(inputs=time_first, reset_state=False)
    assert "batch of 2" in str(info.value) and "(50, 2, 3)" in str(info.value)
    for key, var in neu.vars(method="relative").items():
        np.testing.assert_array_equal(var.value, before[key], err_msg=key)
    out = eqbrain.DSRunner(neu, monitors=["V"], dt=0.1, data_first_axis="T").predict(
        inputs=time_first, reset_state=False
    )
    assert out.shape[:2] == (50, 2)
