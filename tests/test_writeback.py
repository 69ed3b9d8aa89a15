"""Writes land whole: an exception or a Ctrl-C during a transform's write-back (or its
restore of the caller's cells) leaves every Variable from one step, never a mix."""

from __future__ import annotations

import os
import random
import signal
import sys
import threading

import jax.numpy as jnp
import numpy as np
import pytest
from jax.core import Tracer

import eqbrain
from eqbrain.internal import StateTrace, active_recorder, set_raw_values


class Counters(eqbrain.Module):
    cs: eqbrain.VarList

    def __init__(self, n: int):
        super().__init__()
        self.cs = eqbrain.VarList([eqbrain.Variable(jnp.zeros((), jnp.int32)) for _ in range(n)])

    def step(self):
        for c in self.cs:
            c.value = c.value + 1

    def counts(self) -> set[int]:
        return {int(np.asarray(c.value)) for c in self.cs}


class _Inject:
    """A trace function that raises `error` at the `at`-th line run inside `code`."""

    def __init__(self, code, at: int, error: type[BaseException]):
        self.code, self.at, self.error = code, at, error
        self.lines, self.fired = 0, False

    def __call__(self, frame, event, arg):
        if event == "call":
            return self.local if frame.f_code is self.code and not self.fired else None
        return None

    def local(self, frame, event, arg):
        if event == "line" and not self.fired:
            self.lines += 1
            if self.lines == self.at:
                self.fired = True
                raise self.error("injected")
        return self.local


def _run_injected(fn, code, at: int, error: type[BaseException]) -> bool:
    """Run `fn()` with `error` injected at the `at`-th line of `code`; whether it fired."""
    inject = _Inject(code, at, error)
    sys.settrace(inject)
    try:
        fn()
    except error:
        assert inject.fired
    finally:
        sys.settrace(None)
    return inject.fired


@pytest.mark.parametrize("error", [KeyboardInterrupt, RuntimeError])
def test_an_exception_at_any_point_of_the_write_back_leaves_all_old(error):
    # The error is raised at the 1st, 2nd, ... line the write-back runs, until one run
    # goes through untouched: every interrupted call leaves all Variables as they were.
    m = Counters(12)
    step = eqbrain.jit(m.step)
    step()
    code = set_raw_values.__code__
    done = 1
    for at in range(1, 200):
        if not _run_injected(step, code, at, error):
            done += 1
            break
        assert m.counts() == {done}, f"torn write-back after line {at}: {m.counts()}"
    else:
        pytest.fail("the write-back never completed")
    assert at > 12  # the injection reached every store (one line per store at least)
    assert m.counts() == {done}
    step()
    assert m.counts() == {done + 1}


def test_an_interrupt_in_a_traces_restore_puts_every_cell_back():
    # The restore at the end of a trace is interrupted at each of its lines in turn:
    # the caller's cells never keep a tracer, and the interrupt still propagates.
    code = StateTrace.restore.__code__
    m = None
    for at in range(1, 10):
        m = Counters(5)
        before = [c.raw_value for c in m.cs]
        fired = _run_injected(eqbrain.jit(m.step), code, at, KeyboardInterrupt)
        for c, old in zip(m.cs, before):
            assert not isinstance(c.raw_value, Tracer)
            if fired:
                assert c.raw_value is old
        if not fired:
            break
        assert active_recorder() is None
    assert m is not None and m.counts() == {1}


def test_set_raw_values_with_old_is_all_or_nothing_and_checks_lengths():
    cells = [eqbrain.Variable(jnp.zeros(2)) for _ in range(3)]
    old = [c.raw_value for c in cells]
    with pytest.raises(ValueError, match="3 cells but 2 values"):
        set_raw_values(cells, [jnp.ones(2)] * 2, old)
    with pytest.raises(ValueError, match="and 1 old values"):
        set_raw_values(cells, [jnp.ones(2)] * 3, old[:1])
    assert all(c.raw_value is o for c, o in zip(cells, old))


@pytest.mark.slow
def test_ctrl_c_during_a_jit_loop_never_tears_the_model():
    # Dozens of real SIGINTs, each at a random moment of a loop of compiled calls over
    # 200 Variables: after each KeyboardInterrupt every counter shows the same step.
    if threading.current_thread() is not threading.main_thread():
        pytest.skip("signals are handled on the main thread")
    if signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
        pytest.skip("SIGINT does not raise KeyboardInterrupt here")
    m = Counters(200)
    step = eqbrain.jit(m.step)
    step()
    rng = random.Random(0)
    torn = []
    for k in range(60):
        sent = threading.Event()

        def fire():
            os.kill(os.getpid(), signal.SIGINT)
            sent.set()

        timer = threading.Timer(rng.uniform(0.0, 0.004), fire)
        try:
            timer.start()
            for _ in range(100_000):
                step()
            pytest.fail("the interrupt never came")
        except KeyboardInterrupt:
            pass
        assert sent.wait(5.0)
        timer.join()
        counts = m.counts()
        if len(counts) != 1:
            torn.append((k, sorted(counts)))
    assert not torn, f"{len(torn)} of 60 interrupts tore the model: {torn[:3]}"
