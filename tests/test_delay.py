"""Synaptic delays: `LengthDelay` ring buffers and `AlignPostProj(delay=...)`."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import eqbrain


def test_retrieve_gives_the_value_pushed_d_updates_ago():
    buf = eqbrain.LengthDelay(jnp.zeros(2), max_len=3)
    for k in range(1, 6):
        buf.update(jnp.full(2, float(k)))
        for d in range(4):
            expected = max(k - d, 0)  # zeros before enough pushes
            np.testing.assert_array_equal(buf.retrieve(d), [expected, expected])


def test_initial_history_and_bad_arguments_change_nothing():
    buf = eqbrain.LengthDelay(3, max_len=2, initial_delay_data=-1.0)
    np.testing.assert_array_equal(buf.retrieve(2), [-1.0, -1.0, -1.0])
    before = np.array(buf.data.value)
    with pytest.raises(ValueError, match=r"outside this buffer's range \[0, 2\]"):
        buf.retrieve(3)
    with pytest.raises(ValueError, match="max_len must be an int"):
        eqbrain.LengthDelay(3, max_len=-1)
    with pytest.raises(ValueError, match=r"shape \(3, 3\)"):
        eqbrain.LengthDelay(3, max_len=2, initial_delay_data=jnp.zeros((2, 3)))
    np.testing.assert_array_equal(buf.data.value, before)


def _projection(delay):
    comm = eqbrain.dyn.FixedProb(4, 3, prob=1.0, weight=1.0, seed=0)
    return eqbrain.dyn.AlignPostProj(
        comm=comm, syn=eqbrain.dyn.Expon(3, tau=1e9), out=eqbrain.dyn.CUBA(), delay=delay
    )


@pytest.mark.parametrize("delay", [0.0, 0.1, 1.5])
def test_a_spike_arrives_exactly_delay_over_dt_steps_later(delay):
    proj = _projection(delay)
    steps = round(delay / 0.1)
    spikes = jnp.zeros((20, 4), bool).at[2, 1].set(True)

    def step(i, s):
        with eqbrain.share.context(t=i * 0.1, i=i, dt=0.1):
            return proj(s, jnp.zeros(3))

    current = eqbrain.for_loop(step, (jnp.arange(20), spikes))
    arrived = np.nonzero(np.asarray(current[:, 0]) > 0)[0]
    # A network hands a projection the previous step's spikes, so the buffer holds one
    # step less than the delay: counted from the spike's own step, the delay is exact
    # (and delay=dt needs no buffer), as in BrainPy.
    assert arrived[0] == 2 + max(steps - 1, 0)  # the synapse never decays
    assert len(proj.vars(method="relative")) == (3 if steps >= 1 else 1) + 1


@pytest.mark.parametrize("delay", [0.1, 1.0])
def test_a_delay_refuses_a_run_at_another_dt(delay):
    # Built at dt = 0.1 ms, run at 0.05 ms: the buffer's steps would be half as long,
    # and the delay with them. It says so instead, and nothing is written.
    proj = _projection(delay)
    before = {k: np.asarray(v.value) for k, v in proj.vars().items()}
    with eqbrain.share.context(t=0.0, i=0, dt=0.05):
        with pytest.raises(
            ValueError, match=r"built for dt = 0.1 ms.*dt = 0.05 ms.*set_dt\(0.05\)"
        ):
            proj(jnp.ones(4, bool), jnp.zeros(3))
    assert all(np.array_equal(before[k], v.value) for k, v in proj.vars().items())
    with eqbrain.share.context(dt=0.05):  # built at the run's dt, it runs
        ok = _projection(delay)
    with eqbrain.share.context(t=0.0, i=0, dt=0.05):
        ok(jnp.ones(4, bool), jnp.zeros(3))
    assert ok.delay is not None and bool(ok.delay.data.value.any())  # the spikes went in


def test_a_float32_dt_is_the_same_step():
    # share.context(dt=np.float32(0.1)) holds 0.10000000149: the same step as 0.1
    proj = _projection(1.0)
    with eqbrain.share.context(t=0.0, i=0, dt=np.float32(0.1)):
        proj(jnp.ones(4, bool), jnp.zeros(3))
    assert proj.delay is not None and bool(proj.delay.data.value.any())


def test_the_delay_buffer_is_state_resets_and_round_trips(tmp_path):
    proj = _projection(0.5)
    with eqbrain.share.context(t=0.0, i=0, dt=0.1):
        proj(jnp.ones(4, bool), jnp.zeros(3))
    sd = proj.state_dict()
    keys = set(proj.vars(method="relative"))
    assert {"delay.data", "delay.head"} <= keys
    eqbrain.save(tmp_path / "p.safetensors", proj)
    fresh = _projection(0.5)
    assert eqbrain.load(tmp_path / "p.safetensors", fresh, strict=True) == ([], [])
    assert fresh.delay is not None and proj.delay is not None
    np.testing.assert_array_equal(fresh.delay.data.value, proj.delay.data.value)
    assert int(fresh.delay.head.value) == int(proj.delay.head.value) != 0
    proj.reset_state()
    assert not np.asarray(proj.delay.data.value).any() and int(proj.delay.head.value) == 0
    assert proj.load_state_dict(sd) == ([], [])


def test_a_delay_that_is_not_a_whole_number_of_steps_is_refused():
    with pytest.raises(ValueError, match="not a whole number of steps"):
        _projection(0.25)
    with pytest.raises(ValueError, match="finite number of ms >= 0"):
        _projection(-1.0)


def _buffer():
    buf = eqbrain.LengthDelay(jnp.zeros(()), max_len=3, initial_delay_data=jnp.arange(4.0) + 5)
    return buf, (np.array(buf.data.value), int(buf.head.value))


def _unchanged(buf, before):
    np.testing.assert_array_equal(buf.data.value, before[0])
    assert int(buf.head.value) == before[1]


@pytest.mark.parametrize("delay_len", [jnp.int32(5), np.int64(4), -1, jnp.array([0, 4])])
def test_a_known_step_outside_the_buffer_is_refused_naming_the_delay(delay_len):
    buf, before = _buffer()
    # before: retrieve(jnp.int32(5)) gave 7.0, the value 1 step ago, wrapped around
    with pytest.raises(ValueError, match=rf"{buf.name}\.retrieve.*outside this buffer's range"):
        buf.retrieve(delay_len)
    _unchanged(buf, before)


@pytest.mark.parametrize("delay_len", [2.0, True, jnp.float32(1)])
def test_a_step_that_is_not_an_integer_is_refused(delay_len):
    buf, before = _buffer()
    with pytest.raises(TypeError, match=r"delay_len counts steps, so it must be an int"):
        buf.retrieve(delay_len)
    _unchanged(buf, before)


def test_a_traced_step_is_checked_when_the_computation_runs():
    buf, before = _buffer()
    read = jax.jit(lambda k: buf.retrieve(k))
    assert float(read(jnp.int32(2))) == 7.0 and float(buf.retrieve(2)) == 7.0
    for bad in (-1, 4):  # before: read(-1) gave 5.0, wrapped around
        with pytest.raises(Exception, match=r"outside this buffer's range \[0, 3\] steps"):
            jax.block_until_ready(read(jnp.int32(bad)))
    with pytest.raises(Exception, match=r"outside this buffer's range"):
        jax.block_until_ready(eqbrain.jit(lambda k: buf.retrieve(k))(jnp.int32(9)))
    np.testing.assert_array_equal(read(jnp.array([0, 3])), [5.0, 8.0])
    _unchanged(buf, before)


def test_var_delay_checks_a_traced_step_too():
    v = eqbrain.Variable(jnp.float32(1.0))
    delay = eqbrain.VarDelay(v, time=0.3, entries={})
    delay.update()
    v.value = jnp.float32(2.0)
    read = jax.jit(lambda k: delay.retrieve(k))
    assert float(read(jnp.int32(0))) == 2.0 and float(read(jnp.int32(1))) == 1.0
    with pytest.raises(Exception, match=r"outside this buffer's range"):
        jax.block_until_ready(read(jnp.int32(4)))
    with pytest.raises(TypeError, match="delay_step counts steps"):
        delay.retrieve(1.0)
