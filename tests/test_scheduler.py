"""eqbrain.optim schedulers: optax's values at an int32 counter Variable, advanced by
step_epoch() or step_call() (an optimizer steps the latter once per update), with the
base rate in a Variable too; all checkpointed. (BrainPy's own expectations are checked
in tests/brainpy_parity/test_schedulers.py.)"""

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
    "multistep": (  # BrainPy's milestones: the drop comes one count after each
        lambda: optim.MultiStepLR(0.1, milestones=[2, 5], gamma=0.1),
        optax.piecewise_constant_schedule(0.1, {3: 0.1, 6: 0.1}),
    ),
    "piecewise": (  # BrainPy's boundaries: the new value comes one count after each
        lambda: optim.PiecewiseConstantLR([2, 4], [0.3, 0.2, 0.1]),
        optax.join_schedules([optax.constant_schedule(v) for v in (0.3, 0.2, 0.1)], [3, 5]),
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


def step(sch: optim.Scheduler) -> None:
    """Advance the counter that drives `sch` (BrainPy's choice for its class)."""
    if sch.by == "epoch":
        sch.step_epoch()
    else:
        sch.step_call()


@pytest.mark.parametrize("case", sorted(CASES))
def test_values_follow_the_optax_schedule(case):
    make, schedule = CASES[case]
    sch = make()
    seen = []
    for _ in range(N):
        seen.append(np.asarray(sch()))
        step(sch)
    want = [np.asarray(jnp.asarray(schedule(jnp.asarray(i, jnp.int32)))) for i in range(N)]
    np.testing.assert_allclose(seen, want, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(sch(4), jnp.asarray(schedule(4)), rtol=1e-6)  # explicit count
    assert sch.count.dtype == jnp.int32 and int(sch.count.value) == N - 1  # from -1
    other = sch.last_call if sch.by == "epoch" else sch.last_epoch
    assert int(other.value) == -1


def test_values_are_brainpys():
    """The BrainPy closed forms, not just whatever optax does."""
    step_lr = optim.StepLR(1.0, step_size=3, gamma=0.5)
    assert [float(step_lr(i)) for i in range(7)] == [1, 1, 1, 0.5, 0.5, 0.5, 0.25]
    multi = optim.MultiStepLR(1.0, milestones=[2, 4], gamma=0.1)
    np.testing.assert_allclose([multi(i) for i in range(6)], [1, 1, 1, 0.1, 0.1, 0.01], rtol=1e-6)
    piece = optim.PiecewiseConstantLR([2], [0.5, 0.25])
    assert [float(piece(i)) for i in range(5)] == [0.5, 0.5, 0.5, 0.25, 0.25]
    cos = optim.CosineAnnealingLR(0.1, T_max=8, eta_min=0.02)
    for t in range(20):  # past T_max the cosine goes on: back up to lr at 2 * T_max
        want = 0.02 + 0.08 * (1 + math.cos(math.pi * t / 8)) / 2
        np.testing.assert_allclose(cos(t), want, rtol=1e-5)
    inv = optim.InverseTimeDecayLR(1.0, decay_steps=2, decay_rate=0.5, staircase=True)
    np.testing.assert_allclose([inv(i) for i in range(5)], [1, 1, 2 / 3, 2 / 3, 0.5], rtol=1e-6)
    warm = optim.WarmupCosineLR(1.0, warmup_steps=4, decay_steps=10)
    np.testing.assert_allclose([warm(0), warm(2), warm(4), warm(10)], [0, 0.5, 1, 0], atol=1e-7)


def test_warm_restarts_with_growing_periods():
    """SGDR with T_mult = 2: periods of 1, 2, 4 epochs (BrainPy 2.8.2 raises here)."""
    sch = optim.CosineAnnealingWarmRestarts(1.0, num_call_per_epoch=2, T_0=1, T_mult=2)
    seen = [float(sch(i)) for i in range(14)]
    for i, got in enumerate(seen):
        epoch = i / 2
        start, period = 0.0, 1.0
        while epoch >= start + period:
            start, period = start + period, 2 * period
        want = (1 + math.cos(math.pi * (epoch - start) / period)) / 2
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6, err_msg=str(i))
    assert [seen[i] for i in (0, 2, 6)] == [1.0, 1.0, 1.0]  # restarts at epochs 1, 3
    assert float(sch.current_epoch(7)) == 3.0


def test_base_rate_is_a_variable_set_in_place():
    """BrainPy's `opt.lr.lr = x` and `set_value`, also between calls of a jitted step."""
    sch = optim.ExponentialDecayLR(0.1, decay_steps=1, decay_rate=0.5)
    lr = sch.lr
    traces = []

    @eqbrain.jit
    def rate():
        traces.append(1)
        out = sch()
        sch.step_call()
        return out

    np.testing.assert_allclose(rate(), 0.1)
    sch.lr = 0.4  # pyright: ignore[reportAttributeAccessIssue]
    assert sch.lr is lr  # the same cell, a new value
    np.testing.assert_allclose(rate(), 0.2)  # 0.4 * 0.5 ** 1
    sch.set_value(0.8)
    np.testing.assert_allclose(rate(), 0.2)  # 0.8 * 0.5 ** 2
    assert len(traces) == 1  # one trace: new base rates never retrace


def test_a_users_variable_is_shared_as_the_base_rate():
    v = eqbrain.Variable(jnp.asarray(0.025))
    sch = optim.PolynomialDecayLR(lr=v, decay_steps=1, final_lr=0.01)
    assert sch.lr is v
    v.value = 0.05
    np.testing.assert_allclose(sch(), 0.05)
    with pytest.raises(TypeError, match="must hold one floating-point number"):
        optim.Constant(eqbrain.Variable(jnp.ones(2)))


def test_no_base_rate_to_set():
    piece = optim.PiecewiseConstantLR([2], [0.5, 0.25])
    with pytest.raises(TypeError, match="its rates are given explicitly"):
        piece.lr = 0.1  # pyright: ignore[reportAttributeAccessIssue]
    with pytest.raises(TypeError, match="follows an optax schedule"):
        optim.Scheduler(optax.linear_schedule(0.1, 0.0, 4)).set_value(0.1)
    assert piece.lr is None and float(piece()) == 0.5


def test_repr_shows_the_hyperparameters():
    assert repr(optim.StepLR(0.1, 10, gamma=0.5)) == (
        "StepLR(lr=0.1, step_size=10, gamma=0.5, last_epoch=-1)"
    )
    sch = optim.ExponentialDecayLR(0.1, 2, 0.5)
    sch.step_call()
    assert repr(sch) == (
        "ExponentialDecayLR(lr=0.1, decay_steps=2, decay_rate=0.5, staircase=False, last_call=0)"
    )
    assert repr(optim.Constant(0.3)) == "Constant(lr=0.3, last_epoch=-1)"


def test_brainpy_subclass_overrides_call():
    """BrainPy's `CustomizeScheduler`: pass lr up, override __call__."""

    class Halving(optim.Scheduler):
        def __init__(self, lr):
            super().__init__(lr)

        def __call__(self, i=None):
            i = self.last_epoch.value + 1 if i is None else i
            assert self.lr is not None  # passed up
            return self.lr.value * 0.5**i

    sch = Halving(1.0)
    sch.step_epoch()
    assert float(sch()) == 0.5 and float(sch(3)) == 0.125
    with pytest.raises(NotImplementedError, match=r"override `__call__\(self, i=None\)`"):
        optim.Scheduler(0.1)()


def test_deprecated_brainpy_names_warn():
    with pytest.warns(DeprecationWarning, match="use eqbrain.optim.ExponentialDecayLR"):
        old = optim.ExponentialDecay(0.1, 2, 0.5)
    assert isinstance(old, optim.ExponentialDecayLR) and float(old(2)) == pytest.approx(0.05)
    for name in ("InverseTimeDecay", "PolynomialDecay", "PiecewiseConstant"):
        assert issubclass(getattr(optim, name), getattr(optim, name + "LR"))


def test_by_epoch_follows_step_epoch_only():
    sch = optim.StepLR(1.0, step_size=1, gamma=0.5)  # epochs, as in BrainPy
    sch.step_call()
    sch.step_call()
    assert float(sch()) == 1.0 and sch.count is sch.last_epoch
    sch.step_epoch()
    assert float(sch()) == 0.5
    assert (int(sch.last_call.value), int(sch.last_epoch.value)) == (1, 0)
    by_call = optim.StepLR(1.0, step_size=1, gamma=0.5, by="call")
    by_call.step_call()
    assert float(by_call()) == 0.5 and by_call.count is by_call.last_call


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
    assert len(traces) == 1  # one trace, then no retrace
    assert int(sch.last_call.value) == 4 and int(sch.last_epoch.value) == 4
    assert sch.last_call.dtype == sch.last_epoch.dtype == jnp.int32


def test_optimizer_uses_the_scheduled_lr_at_each_update():
    """The lr of update k is schedule(k), exactly what optax would use, eager and jitted."""
    schedule = optax.warmup_cosine_decay_schedule(0.0, 0.1, 2, 6)
    for jitted in (False, True):
        w = eqbrain.TrainVar(jnp.ones(3))
        opt = optim.SGD(optim.WarmupCosineLR(0.1, warmup_steps=2, decay_steps=6), {"w": w})
        update = eqbrain.jit(opt.update) if jitted else opt.update
        for k in range(8):
            before = np.asarray(w.value)
            update({"w": jnp.ones(3)})
            np.testing.assert_array_equal(
                optax.tree_utils.tree_get(opt.opt_state, "learning_rate"), schedule(k)
            )
            step = before - np.asarray(w.value)
            np.testing.assert_allclose(step, np.full(3, schedule(k)), rtol=1e-5, atol=1e-8)
        assert opt.lr is not None and int(opt.lr.last_call.value) == 7


class Holder(eqbrain.Module):
    sch: optim.Scheduler


@settings(max_examples=10, deadline=None)
@given(
    calls=st.integers(-1, 2**31 - 2),
    epochs=st.integers(-1, 1000),
    lr=st.floats(0.0, 10.0, width=32),
    by=st.sampled_from(["call", "epoch"]),
)
def test_checkpoint_round_trip(calls, epochs, lr, by):
    a = Holder(sch=optim.MultiStepLR(0.1, [3, 7], by=by))
    a.sch.last_call.value = jnp.asarray(calls, jnp.int32)
    a.sch.last_epoch.value = jnp.asarray(epochs, jnp.int32)
    a.sch.lr = lr
    with tempfile.TemporaryDirectory() as tmp:
        eqbrain.save(Path(tmp) / "s.safetensors", a, fsync=False)
        b = Holder(sch=optim.MultiStepLR(0.1, [3, 7], by=by))
        eqbrain.load(Path(tmp) / "s.safetensors", b, strict=True)
    assert (int(b.sch.last_call.value), int(b.sch.last_epoch.value)) == (calls, epochs)
    assert b.sch.last_call.dtype == jnp.int32
    assert b.sch.lr is not None and float(b.sch.lr.value) == np.float32(lr)
    np.testing.assert_array_equal(b.sch(), a.sch())
    b.sch.step_call()
    assert int(b.sch.last_call.value) == calls + 1


def test_counter_rejects_a_float_write():
    sch = optim.Constant(0.1)
    before = snapshot(sch)
    with pytest.raises(eqbrain.MathError, match="dtype of the original data is int32"):
        sch.last_call.value = jnp.asarray(1.0)
    with pytest.raises(ValueError, match="lr must be a finite number >= 0"):
        sch.lr = -0.1  # pyright: ignore[reportAttributeAccessIssue]
    assert_unchanged(sch, before)


@pytest.mark.parametrize(
    "make, error, words",
    [
        (lambda: optim.Constant(-1.0), ValueError, "lr must be a finite number >= 0, got -1.0"),
        (lambda: optim.Constant(True), TypeError, "lr must be a real number, got bool"),
        (lambda: optim.StepLR(0.1, step_size=0), ValueError, "step_size must be an int >= 1"),
        (lambda: optim.StepLR(0.1, step_size=2.5), TypeError, "step_size must be an int"),  # pyright: ignore[reportArgumentType]
        (lambda: optim.StepLR(0.1, 2, gamma=0.0), ValueError, "gamma must be a finite number > 0"),
        (lambda: optim.StepLR(0.1, 2, gamma=1.5), ValueError, "and <= 1, got 1.5"),
        (
            lambda: optim.StepLR(0.1, 2, last_epoch=-2),
            ValueError,
            "last_epoch must be an int >= -1",
        ),
        (lambda: optim.ExponentialDecayLR(0.1, 0, 0.5), ValueError, "decay_steps must be an int"),
        (lambda: optim.ExponentialDecayLR(-0.1, 5, 0.5), ValueError, "would climb the loss"),
        (lambda: optim.MultiStepLR(0.1, [5, 3]), ValueError, "milestones must be in increasing"),
        (lambda: optim.MultiStepLR(0.1, []), TypeError, "milestones must be a non-empty list"),
        (lambda: optim.MultiStepLR(0.1, [2], gamma=-1), ValueError, "gamma must be a finite"),
        (lambda: optim.PiecewiseConstantLR([2], [0.1]), ValueError, "one learning rate more"),
        (lambda: optim.PiecewiseConstantLR([2], [0.1, -1]), ValueError, "values[1] must be"),
        (lambda: optim.CosineAnnealingLR(0.1, T_max=0), ValueError, "T_max must be an int >= 1"),
        (lambda: optim.CosineAnnealingLR(0.1, 5, eta_min=-1), ValueError, "eta_min must be a"),
        (
            lambda: optim.CosineAnnealingWarmRestarts(0.1, 10, T_0=0),
            ValueError,
            "T_0 must be an int >= 1",
        ),
        (
            lambda: optim.CosineAnnealingWarmRestarts(0.1, 10, T_0=2, T_mult=1.5),  # pyright: ignore[reportArgumentType]
            TypeError,
            "T_mult must be an int",
        ),
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
        (lambda: optim.StepLR(0.1, 2, by="batch"), ValueError, "by must be 'epoch'"),  # pyright: ignore[reportArgumentType]
        (lambda: optim.Scheduler(), TypeError, "use eqbrain.optim.Constant(lr)"),
        (lambda: optim.Scheduler("fast"), TypeError, "got str: 'fast'"),
        (lambda: optim.Constant(optax.constant_schedule(0.1)), TypeError, "Scheduler(schedule)"),
    ],
)
def test_bad_arguments(make, error, words):
    with pytest.raises(error) as e:
        make()
    assert words in str(e.value)
