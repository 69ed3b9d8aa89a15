"""eqbrain.optim schedulers: optax's values at an int32 counter Variable, advanced by
step_call()/step_epoch() (an optimizer steps it once per update), checkpointed."""

from __future__ import annotations

import math
import tempfile
from pathlib import Path

import jax.numpy as jnp
import numpy as np
import optax
import pytest
from hypothesis import given, settings, strategies as st

import eqbrain
from eqbrain import optim

from .helpers import assert_unchanged, snapshot

# Each scheduler and the optax schedule it must equal at every count.
CASES = {
    "constant": (lambda: optim.Constant(0.3), optax.constant_schedule(0.3)),
    "exponential_decay": (
        lambda: optim.ExponentialDecayLR(0.1, decay_steps=3, decay_rate=0.5),
        optax.exponential_decay(0.1, 3, 0.5),
    ),
    "exponential": (
        lambda: optim.ExponentialLR(0.1, gamma=0.9),
        optax.exponential_decay(0.1, 1, 0.9),
    ),
    "step": (
        lambda: optim.StepLR(0.1, step_size=3, gamma=0.5),
        optax.exponential_decay(0.1, 3, 0.5, staircase=True),
    ),
    "multistep": (
        lambda: optim.MultiStepLR(0.1, milestones=[2, 5], gamma=0.1),
        optax.piecewise_constant_schedule(0.1, {2: 0.1, 5: 0.1}),
    ),
    "piecewise": (
        lambda: optim.PiecewiseConstantLR([2, 4], [0.3, 0.2, 0.1]),
        optax.join_schedules([optax.constant_schedule(v) for v in (0.3, 0.2, 0.1)], [2, 4]),
    ),
    "cosine": (
        lambda: optim.CosineAnnealingLR(0.1, T_max=6, eta_min=0.01),
        optax.cosine_decay_schedule(0.1, 6, alpha=0.1),
    ),
    "warmup_cosine": (
        lambda: optim.WarmupCosineLR(0.1, warmup_steps=2, decay_steps=7, end_lr=0.001),
        optax.warmup_cosine_decay_schedule(0.0, 0.1, 2, 7, 0.001),
    ),
    "polynomial": (
        lambda: optim.PolynomialDecayLR(0.1, decay_steps=5, final_lr=0.0, power=2.0),
        optax.polynomial_schedule(0.1, 0.0, 2.0, 5),
    ),
    "any_optax": (
        lambda: optim.Scheduler(optax.linear_schedule(0.1, 0.0, 4)),
        optax.linear_schedule(0.1, 0.0, 4),
    ),
}
N = 9  # counts 0..8 cover every boundary above


@pytest.mark.parametrize("case", sorted(CASES))
def test_values_follow_the_optax_schedule_exactly(case):
    make, schedule = CASES[case]
    sch = make()
    seen = []
    for _ in range(N):
        seen.append(np.asarray(sch()))
        sch.step_call()
    want = [np.asarray(jnp.asarray(schedule(jnp.asarray(i, jnp.int32)))) for i in range(N)]
    np.testing.assert_array_equal(seen, want)
    np.testing.assert_array_equal(sch(4), jnp.asarray(schedule(4)))  # an explicit count
    assert sch.calls.dtype == jnp.int32 and int(sch.calls.value) == N
    assert int(sch.epochs.value) == 0


def test_values_are_brainpys():
    """The BrainPy/PyTorch closed forms, not just whatever optax does."""
    step = optim.StepLR(1.0, step_size=3, gamma=0.5)
    assert [float(step(i)) for i in range(7)] == [1, 1, 1, 0.5, 0.5, 0.5, 0.25]
    multi = optim.MultiStepLR(1.0, milestones=[2, 4], gamma=0.1)
    np.testing.assert_allclose([multi(i) for i in range(5)], [1, 1, 0.1, 0.1, 0.01], rtol=1e-6)
    piece = optim.PiecewiseConstantLR([2], [0.5, 0.25])
    assert [float(piece(i)) for i in range(4)] == [0.5, 0.5, 0.25, 0.25]
    cos = optim.CosineAnnealingLR(0.1, T_max=8, eta_min=0.02)
    for t in range(10):
        want = 0.02 + 0.08 * (1 + math.cos(math.pi * min(t, 8) / 8)) / 2
        np.testing.assert_allclose(cos(t), want, rtol=1e-6)
    warm = optim.WarmupCosineLR(1.0, warmup_steps=4, decay_steps=10)
    np.testing.assert_allclose([warm(0), warm(2), warm(4), warm(10)], [0, 0.5, 1, 0], atol=1e-7)


def test_by_epoch_follows_step_epoch_only():
    sch = optim.StepLR(1.0, step_size=1, gamma=0.5, by="epoch")
    sch.step_call()
    sch.step_call()
    assert float(sch()) == 1.0 and sch.count is sch.epochs
    sch.step_epoch()
    assert float(sch()) == 0.5
    assert (int(sch.calls.value), int(sch.epochs.value)) == (2, 1)


def test_counters_advance_inside_jit_without_retracing():
    sch = optim.ExponentialDecayLR(0.1, decay_steps=2, decay_rate=0.5)
    traces = []

    @eqbrain.jit
    def step():
        traces.append(1)
        lr = sch()
        sch.step_call()
        sch.step_epoch()
        return lr

    lrs = [float(step()) for _ in range(5)]
    np.testing.assert_allclose(lrs, [0.1 * 0.5 ** (i / 2) for i in range(5)], rtol=1e-6)
    assert len(traces) == 2  # discovery + compilation, then no retrace
    assert int(sch.calls.value) == 5 and int(sch.epochs.value) == 5
    assert sch.calls.dtype == sch.epochs.dtype == jnp.int32


def test_optimizer_uses_the_scheduled_lr_at_each_update():
    """The lr of update k is schedule(k), exactly what optax would use, eager and jitted."""
    schedule = optax.warmup_cosine_decay_schedule(0.0, 0.1, 2, 6)
    for jitted in (False, True):
        w = eqbrain.TrainVar(jnp.ones(3))
        opt = optim.SGD(optim.WarmupCosineLR(0.1, warmup_steps=2, decay_steps=6), [w])
        update = eqbrain.jit(opt.update) if jitted else opt.update
        for k in range(8):
            before = np.asarray(w.value)
            update([jnp.ones(3)])
            np.testing.assert_array_equal(
                optax.tree_utils.tree_get(opt.opt_state, "learning_rate"), schedule(k)
            )
            step = before - np.asarray(w.value)
            np.testing.assert_allclose(step, np.full(3, schedule(k)), rtol=1e-5, atol=1e-8)
        assert int(opt.lr.calls.value) == 8


class Holder(eqbrain.Module):
    sch: optim.Scheduler


@settings(max_examples=10, deadline=None)
@given(
    calls=st.integers(0, 2**31 - 2),
    epochs=st.integers(0, 1000),
    by=st.sampled_from(["call", "epoch"]),
)
def test_checkpoint_round_trip(calls, epochs, by):
    a = Holder(sch=optim.MultiStepLR(0.1, [3, 7], by=by))
    a.sch.calls.value = jnp.asarray(calls, jnp.int32)
    a.sch.epochs.value = jnp.asarray(epochs, jnp.int32)
    with tempfile.TemporaryDirectory() as tmp:
        eqbrain.save(Path(tmp) / "s.safetensors", a, fsync=False)
        b = Holder(sch=optim.MultiStepLR(0.1, [3, 7], by=by))
        eqbrain.load(Path(tmp) / "s.safetensors", b, strict=True)
    assert (int(b.sch.calls.value), int(b.sch.epochs.value)) == (calls, epochs)
    assert b.sch.calls.dtype == jnp.int32
    np.testing.assert_array_equal(b.sch(), a.sch())
    b.sch.step_call()
    assert int(b.sch.calls.value) == calls + 1


def test_counter_rejects_a_float_write():
    sch = optim.Constant(0.1)
    before = snapshot(sch)
    with pytest.raises(eqbrain.MathError, match="dtype of the original data is int32"):
        sch.calls.value = jnp.asarray(1.0)
    assert_unchanged(sch, before)


@pytest.mark.parametrize(
    "make, error, words",
    [
        (lambda: optim.Constant(-1.0), ValueError, "lr must be a finite number >= 0, got -1.0"),
        (lambda: optim.Constant(True), TypeError, "lr must be a real number, got bool"),
        (lambda: optim.StepLR(0.1, step_size=0), ValueError, "step_size must be an int >= 1"),
        (lambda: optim.StepLR(0.1, step_size=2.5), TypeError, "step_size must be an int"),
        (lambda: optim.StepLR(0.1, 2, gamma=0.0), ValueError, "gamma must be a finite number > 0"),
        (lambda: optim.ExponentialDecayLR(0.1, 0, 0.5), ValueError, "decay_steps must be an int"),
        (lambda: optim.ExponentialDecayLR(-0.1, 5, 0.5), ValueError, "would climb the loss"),
        (lambda: optim.MultiStepLR(0.1, [5, 3]), ValueError, "milestones must be strictly incr"),
        (lambda: optim.MultiStepLR(0.1, []), TypeError, "milestones must be a non-empty list"),
        (lambda: optim.MultiStepLR(0.1, [2], gamma=-1), ValueError, "gamma must be a finite"),
        (lambda: optim.PiecewiseConstantLR([2], [0.1]), ValueError, "one learning rate more"),
        (lambda: optim.PiecewiseConstantLR([2], [0.1, -1]), ValueError, "values[1] must be"),
        (lambda: optim.CosineAnnealingLR(0.1, T_max=0), ValueError, "T_max must be an int >= 1"),
        (lambda: optim.CosineAnnealingLR(0.1, 5, eta_min=0.2), ValueError, "must not exceed lr"),
        (
            lambda: optim.WarmupCosineLR(0.1, 10, 10),
            ValueError,
            "decay_steps must be an int >= 11",
        ),
        (
            lambda: optim.WarmupCosineLR(0.1, -1, 10),
            ValueError,
            "warmup_steps must be an int >= 0",
        ),
        (lambda: optim.PolynomialDecayLR(0.1, 5, power=0), ValueError, "power must be"),
        (lambda: optim.StepLR(0.1, 2, by="batch"), ValueError, "by must be 'call'"),
        (lambda: optim.Scheduler(0.1), TypeError, "use eqbrain.optim.Constant(lr)"),
    ],
)
def test_bad_arguments(make, error, words):
    with pytest.raises(error) as e:
        make()
    assert words in str(e.value)
