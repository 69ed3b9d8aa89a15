"""Ctrl-C halfway through `BPTT.fit` (a `KeyboardInterrupt` from the report callback, the
dataset, or right after a step is written back) leaves the model's weights and the
optimizer's state of the last step that finished, whole, and `fit` continues from
there to the same weights as a run that was never stopped."""

from __future__ import annotations

import re

import jax.numpy as jnp
import numpy as np
import pytest

import eqbrain
from eqbrain import optim

rng = np.random.default_rng(0)
BATCHES = [
    (jnp.asarray(rng.normal(size=(2, 5, 3)), jnp.float32),
     jnp.asarray(rng.normal(size=(2, 5, 2)), jnp.float32))
    for _ in range(4)
]  # fmt: skip


class Net(eqbrain.DynamicalSystem):
    w: eqbrain.TrainVar
    h: eqbrain.Variable

    def __init__(self):
        super().__init__()
        self.w = eqbrain.TrainVar(
            jnp.asarray(np.linspace(-0.5, 0.5, 6).reshape(3, 2), jnp.float32)
        )
        self.h = eqbrain.Variable(jnp.zeros((1, 2)), batch_axis=0)

    def update(self, x):
        self.h.value = jnp.tanh(x @ self.w.value + 0.5 * self.h.value)
        return self.h.value


def trainer() -> eqbrain.BPTT:
    return eqbrain.BPTT(Net(), loss_fun="mean_squared_error", optimizer=optim.Adam(lr=0.05))


def state(t: eqbrain.BPTT) -> dict[str, np.ndarray]:
    """The model's weights and the optimizer's state, as host arrays (keyed without the
    instance numbers of the names, so that two trainers compare)."""
    out = {re.sub(r"\d+", "", k): np.array(v.value) for k, v in t.target.train_vars().items()}
    out.update({re.sub(r"\d+", "", k): np.array(v.value) for k, v in t.optimizer.vars().items()})
    return out


def assert_same(a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> None:
    assert a.keys() == b.keys()
    for k in a:
        np.testing.assert_allclose(a[k], b[k], rtol=1e-6, atol=1e-7, err_msg=k)


@pytest.fixture(scope="module")
def reference():
    """`(steps, ends)`: the states after each of 8 steps (2 epochs of 4 batches) and at
    the end of each epoch (after the scheduler's epoch step), never stopped."""
    t = trainer()
    steps, ends = [], []
    for _ in range(2):
        t.fit(
            BATCHES, num_epoch=1, num_report=1, fun_after_report=lambda *a: steps.append(state(t))
        )
        ends.append(state(t))
    return steps, ends


def test_ctrl_c_in_the_report_callback_keeps_the_last_step_and_fit_goes_on(reference):
    t = trainer()
    seen = []

    def after(index, metrics, phase):
        seen.append(state(t))
        if index == 6:  # epoch 2, its second batch
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        t.fit(BATCHES, num_epoch=2, num_report=1, fun_after_report=after)
    assert_same(state(t), seen[-1])
    assert_same(state(t), reference[0][5])
    detailed = t.get_hist_metric("fit", which="detailed")
    assert detailed is not None and len(detailed) == 6  # the losses of those 6 steps
    t.fit(BATCHES[2:], num_epoch=1)  # the rest of the second epoch
    assert_same(state(t), reference[1][1])


def test_ctrl_c_from_the_dataset_keeps_the_steps_before_it(reference):
    t = trainer()

    def data():
        for k, batch in enumerate(BATCHES):
            if k == 3:
                raise KeyboardInterrupt
            yield batch

    with pytest.raises(KeyboardInterrupt):
        t.fit(data, num_epoch=1)
    assert_same(state(t), reference[0][2])
    t.fit(BATCHES[3:], num_epoch=1)
    assert_same(state(t), reference[1][0])


def test_ctrl_c_right_after_a_step_is_written_back_keeps_that_step_whole(reference):
    t = trainer()
    real, calls = t._f_fit, []

    def interrupted(*args):
        out = real(*args)  # the weights and the optimizer's state of this step are in
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return out

    t._f_fit = interrupted  # type: ignore[method-assign]
    with pytest.raises(KeyboardInterrupt):
        t.fit(BATCHES, num_epoch=1)
    assert_same(state(t), reference[0][2])  # both of step 3, none of step 2 left
    t._f_fit = real
    t.fit(BATCHES[3:], num_epoch=1)
    assert_same(state(t), reference[1][0])
