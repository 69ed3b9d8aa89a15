"""BrainPy 2.8.2 parity for the learning-rate schedulers.

Checks the behaviour that BrainPy's `brainpy/optim/scheduler_test.py` (skipped as a
whole in BrainPy itself) and `brainpy/optim/ModifyLr_test.py` test, written anew for
eqbrain, plus the rates BrainPy gives when driven as its users drive it, recorded by
`tests/data/brainpy_optim_reference.py`.

`ModifyLr_test.py` trains with `bp.BPTT` on `bp.dyn.RNNCell`; here a small eqbrain rate
RNN and a loop that registers the model's Variables with the optimizer (what BPTT does)
stand in for them.

`BRAINPY_CASES` maps each BrainPy test case to the eqbrain test that checks the same
behaviour.
"""

from __future__ import annotations

import json
import math
import pathlib
import sys

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import eqbrain
from eqbrain import optim

LAST_EPOCHS = [-1, 0, 5, 10]
NEW_SCHEDULERS = ["exponential_decay", "inverse_time_decay", "polynomial_decay", "piecewise"]

_S = "scheduler_test.py"
_M = "ModifyLr_test.py"
BRAINPY_CASES: dict[str, tuple[str, str]] = {
    **{
        f"{_S}::TestMultiStepLR::test2[last_epoch={e}]": ("pass", "test_multistep_resumes")
        for e in LAST_EPOCHS
    },
    **{
        f"{_S}::TestStepLR::test1[last_epoch={e}]": ("pass", "test_step_resumes")
        for e in LAST_EPOCHS
    },
    f"{_S}::TestCosineAnnealingLR::test1": ("pass", "test_cosine_annealing_by_epoch"),
    f"{_S}::TestCosineAnnealingWarmRestarts::test1": ("pass", "test_warm_restarts_by_call"),
    **{
        f"{_M}::test_ModifyLr::test_NewScheduler[{name}]": ("pass", "test_new_scheduler_trains")
        for name in NEW_SCHEDULERS
    },
    f"{_M}::test_ModifyLr::test_modifylr": ("pass", "test_modify_the_learning_rate"),
}


def test_every_case_is_accounted_for():
    module = sys.modules[__name__]
    for case, (verdict, what) in BRAINPY_CASES.items():
        assert verdict == "pass" and callable(getattr(module, what, None)), case
    assert len(BRAINPY_CASES) == 15


# -- scheduler_test.py -------------------------------------------------------------------


@pytest.mark.parametrize("last_epoch", LAST_EPOCHS)
def test_multistep_resumes(last_epoch):
    """A scheduler built at `last_epoch` and stepped by epochs gives the rate that an
    explicit count `epoch + last_epoch` gives."""
    stepped = optim.MultiStepLR(0.1, [10, 20], gamma=0.1, last_epoch=last_epoch)
    explicit = optim.MultiStepLR(0.1, [10, 20], gamma=0.1, last_epoch=last_epoch)
    for i in range(1, 25):
        assert float(explicit(i + last_epoch)) == float(stepped())
        stepped.step_epoch()
    assert int(stepped.last_epoch.value) == last_epoch + 24


@pytest.mark.parametrize("last_epoch", LAST_EPOCHS)
def test_step_resumes(last_epoch):
    stepped = optim.StepLR(0.1, 10, gamma=0.1, last_epoch=last_epoch)
    explicit = optim.StepLR(0.1, 10, gamma=0.1, last_epoch=last_epoch)
    for i in range(1, 25):
        assert float(explicit(i + last_epoch)) == float(stepped())
        stepped.step_epoch()


def test_cosine_annealing_by_epoch():
    """Stepped once per batch (BrainPy's test steps epochs at every batch): BrainPy's
    cosine, which goes on oscillating with period 2 * T_max."""
    sch = optim.CosineAnnealingLR(0.1, T_max=5, eta_min=0, last_epoch=-1)
    step = eqbrain.jit(lambda: (sch(), sch.step_epoch())[0])
    rates = np.asarray([float(step()) for _ in range(10 * 20)])  # 20 batches an epoch
    t = np.arange(rates.size)
    np.testing.assert_allclose(rates, 0.05 * (1 + np.cos(np.pi * t / 5)), atol=1e-5)
    assert rates.max() == pytest.approx(0.1) and rates.min() == pytest.approx(0.0, abs=1e-8)


def test_warm_restarts_by_call():
    iters = 20
    sch = optim.CosineAnnealingWarmRestarts(0.1, iters, T_0=5, T_mult=1, last_call=-1)
    per_call, per_epoch = [], []
    for _ in range(12):
        for _ in range(iters):
            per_call.append(float(sch()))
            sch.step_call()
        per_epoch.append(float(sch()))
        sch.step_epoch()  # does not move a call-driven scheduler
    epoch = np.arange(len(per_call)) / iters
    want = 0.05 * (1 + np.cos(np.pi * (epoch % 5) / 5))
    np.testing.assert_allclose(per_call, want, atol=1e-6)
    after = np.arange(1, 13)  # the rate right after each epoch: call count iters * e
    np.testing.assert_allclose(per_epoch, 0.05 * (1 + np.cos(np.pi * (after % 5) / 5)), atol=1e-6)
    assert per_call[5 * iters] == pytest.approx(0.1)  # the restart after T_0 epochs
    assert float(sch.current_epoch()) == 12 and int(sch.last_epoch.value) == 11


# -- ModifyLr_test.py -----------------------------------------------------------------------


class RNN(eqbrain.Module):
    """A rate RNN with a trainable initial state (BrainPy's RNNCell(train_state=True))
    and a dense readout."""

    w_in: eqbrain.TrainVar
    w_rec: eqbrain.TrainVar
    b: eqbrain.TrainVar
    h0: eqbrain.TrainVar
    w_out: eqbrain.TrainVar

    def __init__(self, num_in: int, num_hidden: int, seed: int = 0):
        super().__init__()
        k = jax.random.split(jax.random.PRNGKey(seed), 3)
        self.w_in = eqbrain.TrainVar(jax.random.normal(k[0], (num_in, num_hidden)) / num_in)
        rec = jax.random.normal(k[1], (num_hidden, num_hidden)) / math.sqrt(num_hidden)
        self.w_rec = eqbrain.TrainVar(rec)
        self.b = eqbrain.TrainVar(jnp.zeros(num_hidden))
        self.h0 = eqbrain.TrainVar(jnp.zeros(num_hidden))
        self.w_out = eqbrain.TrainVar(jax.random.normal(k[2], (num_hidden, 1)) / num_hidden)

    def loss(self, inputs, targets, l2_reg=2e-4):
        h = jnp.broadcast_to(self.h0.value, (inputs.shape[0], self.h0.shape[0]))
        outs = []
        for t in range(inputs.shape[1]):
            h = jnp.tanh(inputs[:, t] @ self.w_in.value + h @ self.w_rec.value + self.b.value)
            outs.append(h @ self.w_out.value)
        mse = jnp.mean((jnp.stack(outs, 1) - targets) ** 2)
        l2 = sum(jnp.sum(v.value**2) for v in self.train_vars().unique().values())
        return mse + l2_reg * l2


def batches(n: int, num_batch: int = 16, num_step: int = 5, dt: float = 0.04):
    key = jax.random.PRNGKey(1)
    for _ in range(n):
        key, k1, k2 = jax.random.split(key, 3)
        bias = 0.05 * (jax.random.normal(k1, (num_batch, 1, 1)) - 0.5)
        inputs = bias + 0.01 / dt**0.5 * jax.random.normal(k2, (num_batch, num_step, 1))
        yield inputs, jnp.cumsum(inputs, axis=1)


def fit(model: RNN, opt: optim.Optimizer, n: int = 3) -> list[float]:
    """What bp.BPTT does with the optimizer: register the model's Variables, then
    update them with the gradients of the loss, once per batch."""
    opt.register_train_vars(model.train_vars().unique())
    grad = eqbrain.grad(model.loss, grad_vars=opt.vars_to_train, return_value=True)
    losses = []
    for inputs, targets in batches(n):
        grads, loss = grad(inputs, targets)
        opt.update(grads)
        losses.append(float(loss))
    return losses


def new_scheduler(name: str) -> optim.Scheduler:
    if name == "exponential_decay":
        return optim.ExponentialDecayLR(eqbrain.Variable(jnp.asarray(0.025)), 1, 0.99975)
    if name == "inverse_time_decay":
        return optim.InverseTimeDecayLR(eqbrain.Variable(jnp.asarray(0.025)), 1, 0.99975)
    if name == "polynomial_decay":
        return optim.PolynomialDecayLR(eqbrain.Variable(jnp.asarray(0.1)), 1, final_lr=0.025)
    return optim.PiecewiseConstantLR(boundaries=(2, 2), values=(2, 2, 2))


@pytest.mark.parametrize("name", NEW_SCHEDULERS)
def test_new_scheduler_trains(name):
    """Adam takes a scheduler (base rate in the user's Variable, or integer rates)
    before it has Variables to train; a trainer registers them later."""
    model = RNN(1, 8)
    sch = new_scheduler(name)
    opt = optim.Adam(lr=sch, eps=1e-1)
    third = float(sch(2))
    losses = fit(model, opt)  # three updates: at call counts 0, 1, 2
    assert np.all(np.isfinite(losses))
    assert list(opt.vars_to_train) == list(model.train_vars().unique())
    assert float(opt.opt_state.hyperparams["learning_rate"]) == pytest.approx(third)


def test_modify_the_learning_rate():
    model = RNN(1, 8)
    sch = optim.ExponentialDecayLR(lr=0.025, decay_steps=1, decay_rate=0.99975)
    adam = optim.Adam(lr=sch, eps=1e-1)
    assert adam.lr is not None
    adam.lr.lr = 0.01  # pyright: ignore[reportAttributeAccessIssue]  (BrainPy's form)
    assert float(sch()) == pytest.approx(0.01)
    fit(model, adam, n=2)
    assert float(adam.opt_state.hyperparams["learning_rate"]) == pytest.approx(0.01 * 0.99975)

    sgd = optim.SGD(lr=sch)  # the same scheduler object, as in BrainPy's test
    assert sgd.lr is not None and sgd.lr.lr is not None
    sgd.lr.set_value(0.02)
    assert adam.lr is sgd.lr and float(sgd.lr.lr.value) == pytest.approx(0.02)
    before = np.asarray(model.w_out.value)
    fit(model, sgd, n=1)
    assert not np.array_equal(before, model.w_out.value)
    assert float(sgd.opt_state.hyperparams["learning_rate"]) == pytest.approx(0.02 * 0.99975**2)


# -- BrainPy's numbers (tests/data/brainpy_optim_reference.py) ---------------------------

REFERENCE = json.loads(
    (pathlib.Path(__file__).parents[1] / "data" / "brainpy_optim_reference.json").read_text()
)["schedulers"]

# How each reference sequence was made: the scheduler and the counter BrainPy's user steps.
MAKE = {
    "constant": (lambda: optim.Constant(0.3), "epoch"),
    "step": (lambda: optim.StepLR(0.1, step_size=3, gamma=0.5), "epoch"),
    "step_last_epoch_5": (lambda: optim.StepLR(0.1, 3, gamma=0.5, last_epoch=5), "epoch"),
    "step_calls_only": (lambda: optim.StepLR(0.1, step_size=2, gamma=0.5), "call"),
    "multistep": (lambda: optim.MultiStepLR(1.0, [2, 5], gamma=0.1), "epoch"),
    "multistep_repeat": (lambda: optim.MultiStepLR(1.0, [2, 2, 4], gamma=0.5), "epoch"),
    "cosine": (lambda: optim.CosineAnnealingLR(0.1, T_max=4, eta_min=0.01), "epoch"),
    "exponential": (lambda: optim.ExponentialLR(0.1, gamma=0.9), "epoch"),
    "exponential_decay": (lambda: optim.ExponentialDecayLR(0.1, 3, 0.5), "call"),
    "inverse_time": (lambda: optim.InverseTimeDecayLR(0.1, 2, 0.5), "call"),
    "inverse_time_stair": (lambda: optim.InverseTimeDecayLR(0.1, 2, 0.5, True), "call"),
    "polynomial": (lambda: optim.PolynomialDecayLR(0.1, 5, 0.01, power=2.0), "call"),
    "piecewise": (lambda: optim.PiecewiseConstantLR([2, 4], [0.3, 0.2, 0.1]), "call"),
    "piecewise_repeat": (lambda: optim.PiecewiseConstantLR((2, 2), (2, 2, 2)), "call"),
    "warm_restarts": (lambda: optim.CosineAnnealingWarmRestarts(0.1, 3, T_0=2), "call"),
}


def test_reference_covers_every_scheduler():
    assert set(MAKE) == set(REFERENCE)


@pytest.mark.parametrize("case", sorted(MAKE))
def test_brainpys_rates(case):
    make, counter = MAKE[case]
    sch = make()
    got = []
    for _ in REFERENCE[case]:
        got.append(float(sch()))
        if counter == "epoch":
            sch.step_epoch()
        else:
            sch.step_call()
    np.testing.assert_allclose(got, REFERENCE[case], rtol=1e-5, atol=1e-8)
