"""One progress bar: every loop and runner takes True/False, a dict of tqdm options, a
`ProgressBar` or an int, updates a tqdm bar from inside its compiled loop, and refuses
anything else with the same message."""

from __future__ import annotations

import io

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import pytest

import eqbrain
from tests.helpers import assert_unchanged, snapshot


class Count(eqbrain.DynamicalSystem):
    n: eqbrain.Variable
    traces: list = eqx.field(static=True)

    def __init__(self):
        super().__init__()
        self.n = eqbrain.Variable(jnp.zeros((), jnp.int32))
        self.traces = []

    def update(self, x=None):
        self.traces.append(1)
        self.n.value = self.n.value + 1
        return self.n.value


def _for_loop(m, n, bar):
    eqbrain.for_loop(m.update, jnp.ones(n), progress_bar=bar)


def _python_loop(m, n, bar):
    eqbrain.for_loop(m.update, jnp.ones(n), progress_bar=bar, jit=False)


def _scan(m, n, bar):
    eqbrain.scan(lambda c, x: (c + m.update(x), None), jnp.int32(0), jnp.ones(n), progress_bar=bar)


def _runner(m, n, bar):
    eqbrain.DSRunner(m, progress_bar=bar).run(n_steps=n)


def _eager_runner(m, n, bar):
    eqbrain.DSRunner(m, progress_bar=bar, jit=False).run(n_steps=n)


def _run(m, n, bar):
    eqbrain.run(m, n_steps=n, progress_bar=bar)


LOOPS = [_for_loop, _python_loop, _scan, _runner, _eager_runner, _run]
FORMS = [
    True,
    {"desc": "sim", "unit": "step"},
    eqbrain.ProgressBar(desc="sim", freq=7),
    eqbrain.ProgressBar(count=3),
    5,
]


@pytest.mark.parametrize("loop", LOOPS, ids=lambda f: f.__name__.strip("_"))
@pytest.mark.parametrize("bar", FORMS, ids=["true", "dict", "freq", "count", "int"])
def test_every_loop_shows_every_form(capsys, loop, bar):
    m = Count()
    loop(m, 40, bar)
    jax.effects_barrier()
    err = capsys.readouterr().err
    assert "40/40" in err
    if isinstance(bar, dict) or getattr(bar, "desc", None):
        assert "sim" in err
    assert int(m.n.value) == 40


@pytest.mark.parametrize("loop", LOOPS, ids=lambda f: f.__name__.strip("_"))
def test_no_bar_with_false(capsys, loop):
    m = Count()
    loop(m, 10, False)
    jax.effects_barrier()
    assert "10/10" not in capsys.readouterr().err
    assert int(m.n.value) == 10


def test_tqdm_options_reach_the_bar():
    buf = io.StringIO()
    eqbrain.run(Count(), n_steps=30, progress_bar={"file": buf, "desc": "to-buffer"})
    jax.effects_barrier()
    assert "to-buffer" in buf.getvalue() and "30/30" in buf.getvalue()


def test_a_runner_bar_over_runs_of_other_lengths_compiles_once_per_chunk_length(capsys):
    m = Count()
    runner = eqbrain.DSRunner(m, progress_bar=eqbrain.ProgressBar(desc="sim"))
    runner.run(n_steps=20)
    traced = len(m.traces)
    runner.run(n_steps=20)
    assert len(m.traces) == traced  # the bar's offset and length are inputs
    runner.run(n_steps=7)
    jax.effects_barrier()
    err = capsys.readouterr().err
    assert err.count("20/20") >= 2 and "7/7" in err
    assert int(m.n.value) == 47


BAD = [2.5, "yes", [1], {1: "x"}, None.__class__]


@pytest.mark.parametrize("loop", LOOPS, ids=lambda f: f.__name__.strip("_"))
@pytest.mark.parametrize("bad", BAD, ids=["float", "str", "list", "int-keys", "type"])
def test_a_bad_progress_bar_is_refused_naming_the_forms(loop, bad):
    m = Count()
    before = snapshot(m)
    with pytest.raises(TypeError) as info:
        loop(m, 5, bad)
    message = str(info.value)
    assert message.startswith("progress_bar takes")
    for form in ("True or False", "a dict of tqdm options", "ProgressBar", "an int"):
        assert form in message
    assert_unchanged(m, before)
    assert m.traces == []


def test_a_bad_progress_bar_option_is_refused_before_the_loop_runs():
    m = Count()
    with pytest.raises(TypeError, match=r"\['colour_name'\] are not tqdm options"):
        eqbrain.run(m, n_steps=5, progress_bar={"colour_name": "red"})
    with pytest.raises(TypeError, match="not tqdm options"):
        eqbrain.ProgressBar(total=3)  # the loop sets the total
    with pytest.raises(ValueError, match="must be positive"):
        eqbrain.for_loop(m.update, jnp.ones(3), progress_bar=0)
    with pytest.raises(ValueError, match="`freq` must be a positive int"):
        eqbrain.ProgressBar(freq=True)
    assert int(m.n.value) == 0 and m.traces == []


def test_progress_bar_inside_eqbrain_jit_reports_from_the_compiled_loop(capsys):
    m = Count()

    @eqbrain.jit
    def run_twice():
        eqbrain.for_loop(m.update, jnp.ones(12), progress_bar=eqbrain.ProgressBar(freq=4))
        return m.n.value

    assert int(run_twice()) == 12
    assert int(run_twice()) == 24
    jax.effects_barrier()
    assert capsys.readouterr().err.count("12/12") == 2
    np.testing.assert_array_equal(m.n.value, 24)
