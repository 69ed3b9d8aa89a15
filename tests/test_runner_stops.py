"""A run that stops early (Ctrl-C, an error in a step) keeps the model, its clock and
its records consistent: the chunks of steps that finished are kept, the rest is undone,
and the exception goes on with a note saying so."""

import os
import random
import signal
import threading
import time

import equinox as eqx
import jax.numpy as jnp
import numpy as np
import pytest

import eqbrain
from eqbrain.dyn._clock import step_times
from eqbrain.dyn.runner import _runner
from eqbrain.dyn.runner._stopping import interrupts_deferred
from tests.helpers import assert_unchanged, snapshot


class Counter(eqbrain.DynamicalSystem):
    """Counts its steps; fails (`eqx.error_if`) once the count would pass `limit`."""

    count: eqbrain.Variable
    limit: eqbrain.Variable
    spike: eqbrain.Variable

    def __init__(self, limit=10**6):
        super().__init__()
        self.count = eqbrain.Variable(jnp.int32(0))
        self.limit = eqbrain.Variable(jnp.int32(limit))
        self.spike = eqbrain.Variable(jnp.zeros(8, bool))

    def update(self):
        count = self.count.value + 1
        self.count.value = eqx.error_if(count, count > self.limit.value, "count passed limit")
        self.spike.value = jnp.ones(8, bool)


class Net(eqbrain.Network):
    c: Counter

    def __init__(self, limit=10**6):
        super().__init__()
        self.c = Counter(limit)


def _runner_of(net, **kwargs):
    # 8 neurons pack into one byte a step: chunks of 5 steps (of a 100-step run)
    kwargs.setdefault("chunk_bytes", 5)
    return eqbrain.DSRunner(net, monitors=["c.count", "c.spike"], dt=0.1, **kwargs)


def _check_consistent(net, runner, first: int, kept: int) -> None:
    """The model, its clock and `runner.mon` all stand at `first + kept` steps."""
    assert int(net.c.count.value) == first + kept
    assert int(net.clock.i.value) == first + kept == runner.i0
    mon = runner.mon
    np.testing.assert_array_equal(mon["c.count"], np.arange(first + 1, first + kept + 1))
    np.testing.assert_allclose(mon.ts, step_times(0.0, 0.1, first, kept), rtol=1e-6)
    spikes = mon["c.spike"]
    assert spikes.n_steps == kept and spikes.num_spikes == 8 * kept


def test_an_error_in_chunk_8_keeps_the_7_chunks_before_it():
    net = Net(limit=37)
    runner = _runner_of(net)
    with pytest.raises(Exception, match="count passed limit") as info:
        runner.run(n_steps=100)
    assert not isinstance(info.value, eqbrain.RunningError)  # the original error goes on
    _check_consistent(net, runner, 0, 35)  # before: 35 steps applied, i0 0, records lost
    note = getattr(info.value, "__notes__")[-1]
    assert "stopped after 35 of this run's 100 steps" in note
    assert "step 35 (t = 3.5 ms)" in note and "runner.mon" in note
    assert getattr(info.value, "mon") is runner.mon
    net.c.limit.value = jnp.int32(1000)
    runner.run(n_steps=10)  # continues from the kept chunks
    _check_consistent(net, runner, 35, 10)


def test_an_error_in_the_first_chunk_undoes_the_run():
    net = Net(limit=3)
    runner = _runner_of(net)
    before = snapshot(net)
    with pytest.raises(Exception, match="count passed limit") as info:
        runner.run(n_steps=100)
    assert_unchanged(net, before)
    assert "undid the run" in getattr(info.value, "__notes__")[-1]
    assert list(runner.mon) == ["ts"] and runner.mon.ts.size == 0


def test_an_unchunked_run_that_fails_changes_nothing():
    net = Net(limit=37)
    runner = eqbrain.DSRunner(net, monitors=["c.count"])  # no sparse records: one chunk
    runner.run(n_steps=30)
    before = snapshot(net)
    with pytest.raises(Exception, match="count passed limit"):
        runner.run(n_steps=30)
    assert_unchanged(net, before)
    assert runner.i0 == 30


def test_an_eager_run_keeps_every_finished_step():
    net = Net(limit=37)
    runner = _runner_of(net, jit=False)
    with pytest.raises(Exception, match="count passed limit") as info:
        runner.run(n_steps=100)
    _check_consistent(net, runner, 0, 37)  # before: 955 steps of 1000 applied, i0 0
    assert "kept the steps that finished" in getattr(info.value, "__notes__")[-1]


def test_the_run_function_hands_the_kept_records_over_on_the_exception():
    net = Net(limit=12)
    with pytest.raises(Exception, match="count passed limit") as info:
        eqbrain.run(net, n_steps=100, monitors=["c.count", "c.spike"], chunk_bytes=5)
    np.testing.assert_array_equal(getattr(info.value, "mon")["c.count"], np.arange(1, 11))
    assert int(net.clock.i.value) == 10


def test_an_interrupt_while_a_chunk_comes_to_the_host_keeps_that_chunk(monkeypatch):
    calls = []
    real = _runner.to_host

    def interrupted(*args):
        calls.append(1)
        if len(calls) == 3:  # chunk 3's records, while chunk 4 runs
            raise KeyboardInterrupt
        return real(*args)

    monkeypatch.setattr(_runner, "to_host", interrupted)
    net = Net()
    runner = _runner_of(net)
    with pytest.raises(KeyboardInterrupt) as info:
        runner.run(n_steps=100)
    _check_consistent(net, runner, 0, 15)  # chunk 4 was written to the model: undone
    assert "stopped after 15 of this run's 100 steps" in getattr(info.value, "__notes__")[-1]


def test_an_interrupt_right_after_a_chunk_is_written_back_undoes_that_chunk(monkeypatch):
    net = Net()
    runner = _runner_of(net)
    real = runner._compiled
    calls = []

    def interrupted(*args):
        out = real(*args)  # the chunk's state is in the model now
        calls.append(1)
        if len(calls) == 4:
            raise KeyboardInterrupt
        return out

    monkeypatch.setattr(runner, "_compiled", interrupted)
    with pytest.raises(KeyboardInterrupt):
        runner.run(n_steps=100)
    _check_consistent(net, runner, 0, 15)


@pytest.mark.parametrize("jit", [True, False], ids=["compiled", "eager"])
def test_ctrl_c_after_the_last_step_keeps_every_step_and_its_records(jit, monkeypatch):
    # Ctrl-C landing after the last step, just before the runner holds interrupts off to
    # put the records together: the model has run every step, and its records say so
    # (they stayed those of the run before when the eager runner assembled them
    # unguarded).
    net = Net()
    runner = _runner_of(net, jit=jit)
    runner.run(n_steps=10)
    real, calls = _runner.interrupts_deferred, []

    def interrupted():
        calls.append(1)
        if len(calls) == 1:
            raise KeyboardInterrupt
        return real()

    monkeypatch.setattr(_runner, "interrupts_deferred", interrupted)
    with pytest.raises(KeyboardInterrupt):
        runner.run(n_steps=20)
    _check_consistent(net, runner, 10, 20)


def test_an_error_while_an_eager_run_is_recorded_keeps_every_step(monkeypatch):
    net = Net()
    runner = _runner_of(net, jit=False)
    runner.run(n_steps=10)
    real, calls = runner._finish, []

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise MemoryError("no room for the records")
        return real(*args, **kwargs)

    monkeypatch.setattr(runner, "_finish", failing)
    with pytest.raises(MemoryError, match="no room"):
        runner.run(n_steps=20)
    _check_consistent(net, runner, 10, 20)


def test_ctrl_c_is_held_off_while_a_stopped_run_is_put_back():
    with interrupts_deferred() as got:
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.05)  # a signal is handled between bytecodes: none is raised here
    assert got == [signal.SIGINT]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


class Busy(eqbrain.Network):
    """Enough work per step (a 200k-element state) that a run takes about a second."""

    c: Counter
    big: eqbrain.Variable

    def __init__(self):
        super().__init__()
        self.c = Counter()
        self.big = eqbrain.Variable(jnp.linspace(0.0, 1.0, 200_000))

    def update(self):
        self.big.value = jnp.sin(self.big.value) + 1e-3
        self.c.update()


@pytest.mark.slow
@pytest.mark.parametrize("jit, steps, rounds", [(True, 3000, 6), (False, 300, 3)])
def test_ctrl_c_at_random_moments_leaves_model_clock_and_records_consistent(jit, steps, rounds):
    net = Busy()
    runner = eqbrain.DSRunner(
        net, monitors=["c.count", "c.spike"], dt=0.1, jit=jit, chunk_bytes=8 * 100
    )
    runner.run(n_steps=steps)  # compiles
    began = time.perf_counter()
    runner.run(n_steps=steps)  # how long a run takes on this machine now
    took = time.perf_counter() - began
    rng = random.Random(0)
    stopped = 0
    for _ in range(rounds):
        first = runner.i0
        delay = rng.uniform(0.0, took)
        timer = threading.Timer(delay, os.kill, (os.getpid(), signal.SIGINT))
        try:
            timer.start()
            runner.run(n_steps=steps)
            timer.cancel()
            timer.join()
            time.sleep(0.05)  # a signal sent meanwhile is raised here, not later
        except KeyboardInterrupt:
            stopped += 1
            timer.join()
        kept = runner.i0 - first
        assert 0 <= kept <= steps
        if kept:
            _check_consistent(net, runner, first, kept)
        else:
            assert int(net.c.count.value) == first and runner.mon.ts.size in (0, steps)
        big = np.asarray(net.big.value)
        assert np.isfinite(big).all()
    assert stopped >= 1
