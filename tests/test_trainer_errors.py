"""Bad inputs to the trainers: errors that name the argument and say what to do, raised
before anything runs, so that nothing is trained or changed."""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np
import pytest

import eqbrain
from eqbrain import dnn, optim

from .helpers import assert_unchanged, snapshot


class RNN(eqbrain.DynamicalSystem):
    w: eqbrain.TrainVar
    h: eqbrain.Variable

    def __init__(self, batch_axis: int | None = 0):
        super().__init__()
        self.w = eqbrain.TrainVar(jnp.full((2, 2), 0.1))
        shape = (1, 2) if batch_axis is not None else (2,)
        self.h = eqbrain.Variable(jnp.zeros(shape), batch_axis=batch_axis)

    def update(self, x):
        self.h.value = jnp.tanh(x @ self.w.value + self.h.value)
        return self.h.value


class Frozen(eqbrain.DynamicalSystem):
    h: eqbrain.Variable

    def __init__(self):
        super().__init__()
        self.h = eqbrain.Variable(jnp.zeros((1, 2)), batch_axis=0)

    def update(self, x):
        self.h.value = x
        return x


class Readout(eqbrain.DynamicalSystem):
    h: eqbrain.Variable
    o: dnn.Dense

    def __init__(self):
        super().__init__()
        self.h = eqbrain.Variable(jnp.zeros((1, 3)), batch_axis=0)
        self.o = dnn.Dense(3, 2, mode=eqbrain.training_mode)

    def update(self, x):
        self.h.value = jnp.tanh(x + self.h.value)
        return self.o(self.h.value)


X = jnp.ones((4, 5, 2))
Y = jnp.ones((4, 5, 2))


def test_a_model_without_trainable_variables_is_refused():
    model = Frozen()
    with pytest.raises(ValueError, match=r"no trainable Variables \(TrainVar\).*eqbrain.TrainVar"):
        eqbrain.BPTT(model, loss_fun="mean_squared_error")


def test_a_model_without_a_batch_axis_is_refused():
    model = RNN(batch_axis=None)
    before = snapshot(model)
    with pytest.raises(eqbrain.RunningError, match=r"BPTT trains a batched model.*training_mode"):
        eqbrain.BPTT(model, loss_fun="mean_squared_error")
    assert_unchanged(model, before)


def test_boolean_spikes_in_a_non_training_mode_are_refused():
    with eqbrain.environment(mode=eqbrain.batching_mode):
        net = eqbrain.Sequential(dnn.Dense(2, 3), eqbrain.dyn.Lif(3), dnn.Dense(3, 2))
    with pytest.raises(eqbrain.RunningError, match=r"boolean state.*training_mode"):
        eqbrain.BPTT(net, loss_fun="mean_squared_error")


def test_an_unknown_loss_names_loss_fun():
    with pytest.raises(ValueError, match=r"loss_fun='mse_loss' is not a loss of eqbrain.losses"):
        eqbrain.BPTT(RNN(), loss_fun="mse_loss")
    with pytest.raises(TypeError, match="loss_fun must be"):
        eqbrain.BPTT(RNN(), loss_fun=123)  # pyright: ignore[reportArgumentType]


def test_an_optimizer_over_other_variables_is_refused():
    other = RNN()
    opt = optim.Adam(lr=0.1, train_vars=other.train_vars())
    with pytest.raises(ValueError, match=r"the optimizer trains Variables that are not"):
        eqbrain.BPTT(RNN(), loss_fun="mean_squared_error", optimizer=opt)


@pytest.fixture(scope="module")
def trainer():
    model = RNN()
    return model, eqbrain.BPTT(model, loss_fun="mean_squared_error", optimizer=optim.Adam(lr=0.1))


@pytest.mark.parametrize(
    "data, error, match",
    [
        ([(jnp.ones(4), Y)], ValueError, r"the inputs X must be laid out \(batch, time, \.\.\.\)"),
        ([(X, jnp.ones((3, 5, 2)))], ValueError, r"the targets Y has .* a batch of 4"),
        ((X, Y), TypeError, r"not one \(X, Y\) pair of arrays.*fit\(\[\(X, Y\)\]"),
        ([X], TypeError, r"each batch of train_data must be an \(X, Y\) pair"),
    ],
)
def test_bad_data_changes_nothing(trainer, data, error, match):
    model, tr = trainer
    before, opt_before = snapshot(model), snapshot(tr.optimizer)
    with pytest.raises(error, match=match):
        tr.fit(data, num_epoch=1)
    assert_unchanged(model, before)
    assert_unchanged(tr.optimizer, opt_before)
    assert tr.train_losses is None


def test_bpff_refuses_time_first_data():
    model = RNN()
    tr = eqbrain.BPFF(model, loss_fun="mean_squared_error", data_first_axis="T")
    with pytest.raises(ValueError, match=r"BPFF has no time axis.*data_first_axis='B'"):
        tr.fit([(jnp.ones((4, 2)), jnp.ones((4, 2)))], num_epoch=1)


@pytest.mark.parametrize(
    "cls, method, match",
    [
        (eqbrain.OfflineTrainer, "ridg", r"fit_method='ridg' is not an offline method.*'ridge'"),
        (eqbrain.OnlineTrainer, "force", r"fit_method='force' is not an online method.*'rls'"),
        (eqbrain.OfflineTrainer, {"alpha": 1.0}, r"fit_method as a dict needs a 'name'"),
    ],
)
def test_an_unknown_algorithm_names_fit_method(cls, method, match):
    model = Readout()
    before = snapshot(model)
    with pytest.raises(ValueError, match=match):
        cls(model, fit_method=method)
    assert_unchanged(model, before)


def test_offline_trainers_need_a_dense_layer_in_training_mode():
    with pytest.raises(ValueError, match=r"has no layer to fit.*mode=eqbrain.training_mode"):
        eqbrain.RidgeTrainer(RNN())
    with eqbrain.environment(mode=eqbrain.training_mode):
        net = eqbrain.Sequential(dnn.Dense(2, 3), dnn.BatchNorm1d(3))
    with pytest.raises(TypeError, match=r"can only fit `eqbrain.dnn.Dense`"):
        eqbrain.RidgeTrainer(net)


@pytest.mark.parametrize(
    "Y_bad, match",
    [
        (jnp.ones((4, 5, 3)), r"have 3 features, but .* has num_out=2"),
        (jnp.ones((4, 5)), r"must be laid out \(batch, time, features\)"),
        (jnp.ones((4, 6, 2)), r"\(batch, time\) = \(4, 6\), but X has \(4, 5\)"),
        ({"nope": jnp.ones((4, 5, 2))}, r"the targets name 'nope', which is not a layer"),
    ],
)
def test_offline_fit_with_bad_targets_changes_nothing(Y_bad, match):
    model = Readout()
    trainer = eqbrain.RidgeTrainer(model)
    before = snapshot(model)
    with pytest.raises(ValueError, match=match):
        trainer.fit((jnp.ones((4, 5, 3)), Y_bad))
    assert_unchanged(model, before)


def test_runner_predict_takes_inputs_first_and_never_prints_an_array():
    model = Readout()
    runner = eqbrain.DSRunner(model)
    assert runner.predict(jnp.ones((2, 5, 3)), reset_state=True).shape == (2, 5, 2)
    with pytest.raises(eqbrain.RunningError) as info:
        runner.predict(duration=jnp.ones(()) * np.arange(1), inputs=jnp.ones((2, 5, 3)))
    assert "of shape (1,)" in str(info.value) and len(str(info.value)) < 300
