"""The trainers against BrainPy 2.8's numbers (`tests/data/brainpy_train/generate.py`
recorded them): ridge and least-squares readouts, FORCE and LMS, BPTT on a tanh RNN and
on a spiking network with surrogate gradients, BPFF, the algorithms alone; and
`jax.checkpoint`ed BPTT computing the same training."""

from __future__ import annotations

import pathlib

import jax.numpy as jnp
import numpy as np
import pytest

import eqbrain
from eqbrain import algorithms, dnn, optim

DATA = np.load(pathlib.Path(__file__).parent / "data" / "brainpy_train" / "train.npz")


def d(key: str) -> jnp.ndarray:
    return jnp.asarray(DATA[key])


class Reservoir(eqbrain.DynamicalSystem):
    """A fixed tanh reservoir with a `Dense` readout in training mode."""

    Win: jnp.ndarray
    Wrec: jnp.ndarray
    h: eqbrain.Variable
    o: dnn.Dense

    def __init__(self):
        super().__init__()
        self.Win, self.Wrec = d("offline/arg_Win"), d("offline/arg_Wrec")
        self.h = eqbrain.Variable(jnp.zeros((1, 10)), batch_axis=0)
        self.o = dnn.Dense(
            10,
            2,
            W_initializer=d("offline/arg_W0"),
            b_initializer=d("offline/arg_b0"),
            mode=eqbrain.training_mode,
        )

    def update(self, x):
        self.h.value = jnp.tanh(x @ self.Win + self.h.value @ self.Wrec)
        return self.o(self.h.value)


class TinyRNN(eqbrain.DynamicalSystem):
    wi: eqbrain.TrainVar
    wh: eqbrain.TrainVar
    wo: eqbrain.TrainVar
    h: eqbrain.Variable

    def __init__(self):
        super().__init__()
        self.wi = eqbrain.TrainVar(d("bptt_rnn/arg_Wi"))
        self.wh = eqbrain.TrainVar(d("bptt_rnn/arg_Wh"))
        self.wo = eqbrain.TrainVar(d("bptt_rnn/arg_Wo"))
        self.h = eqbrain.Variable(jnp.zeros((1, 4)), batch_axis=0)

    def update(self, x):
        self.h.value = jnp.tanh(x @ self.wi.value + self.h.value @ self.wh.value)
        return self.h.value @ self.wo.value


@pytest.mark.parametrize(
    "case, method", [("ridge", {"name": "ridge", "alpha": 1e-4}), ("linear", "linear")]
)
def test_offline_trainer_fits_brainpys_readout(case, method):
    model = Reservoir()
    trainer = eqbrain.OfflineTrainer(model, fit_method=method)
    trainer.fit((d("offline/arg_X"), d("offline/arg_Y")), reset_state=True)
    np.testing.assert_allclose(model.o.W.value, DATA[f"{case}/W"], rtol=2e-3, atol=2e-3)
    assert model.o.b is not None
    np.testing.assert_allclose(model.o.b.value, DATA[f"{case}/b"], rtol=2e-3, atol=2e-3)
    pred = trainer.predict(d("offline/arg_X2"), reset_state=True)
    np.testing.assert_allclose(pred, DATA[f"{case}/predict"], rtol=2e-3, atol=2e-3)


@pytest.mark.parametrize("case", ["force", "lms"])
def test_online_trainer_follows_brainpys_steps(case):
    model = Reservoir()
    if case == "force":
        trainer = eqbrain.ForceTrainer(model, alpha=0.5)
    else:
        trainer = eqbrain.OnlineTrainer(model, fit_method={"name": "lms", "alpha": 0.01})
    X, Y = d("offline/arg_X")[:1, :30], d("offline/arg_Y")[:1, :30]
    out = trainer.fit((X, Y), reset_state=True)
    np.testing.assert_allclose(out, DATA[f"{case}/outputs"], rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(model.o.W.value, DATA[f"{case}/W"], rtol=1e-4, atol=1e-4)
    assert model.o.b is not None
    np.testing.assert_allclose(model.o.b.value, DATA[f"{case}/b"], rtol=1e-4, atol=1e-4)


@pytest.fixture(scope="module")
def rnn_batches():
    X, Y = DATA["bptt_rnn/arg_X"], DATA["bptt_rnn/arg_Y"]
    return [(jnp.asarray(X[i]), jnp.asarray(Y[i])) for i in range(len(X))]


@pytest.mark.parametrize("checkpoint", [None, 4])
def test_bptt_trains_the_rnn_as_brainpy(rnn_batches, checkpoint):
    model = TinyRNN()
    trainer = eqbrain.BPTT(
        model, loss_fun="mean_squared_error", optimizer=optim.Adam(lr=0.02), checkpoint=checkpoint
    )
    trainer.fit(rnn_batches, num_epoch=3)
    np.testing.assert_allclose(trainer.train_losses, DATA["bptt_rnn/train_losses"], rtol=1e-5)
    detailed = trainer.get_hist_metric("fit", which="detailed")
    assert detailed is not None
    np.testing.assert_allclose(detailed, DATA["bptt_rnn/detailed"], rtol=1e-5)
    for name in ("wi", "wh", "wo"):
        np.testing.assert_allclose(getattr(model, name).value, DATA[f"bptt_rnn/{name}"], atol=2e-4)
    pred = trainer.predict(rnn_batches[0][0], reset_state=True)
    np.testing.assert_allclose(pred, DATA["bptt_rnn/predict"], atol=1e-4)


def test_bptt_trains_a_spiking_network_with_surrogate_gradients_as_brainpy():
    with eqbrain.environment(mode=eqbrain.training_mode):
        snn = eqbrain.Sequential(
            dnn.Linear(4, 6, W_initializer=d("bptt_snn/arg_W1"), b_initializer=None),
            eqbrain.dyn.Lif(6, V_th=1.0, tau=5.0, V_reset=0.0),
            dnn.Linear(6, 2, W_initializer=d("bptt_snn/arg_W2"), b_initializer=None),
        )
    trainer = eqbrain.BPTT(
        snn,
        loss_fun=lambda out, y: eqbrain.losses.mean_squared_error(out.mean(1), y),
        optimizer=optim.Adam(lr=0.05),
    )
    trainer.fit([(d("bptt_snn/arg_X"), d("bptt_snn/arg_Y"))], num_epoch=4)
    np.testing.assert_allclose(trainer.train_losses, DATA["bptt_snn/train_losses"], rtol=1e-4)
    # Adam's step is ~lr * sign(grad): where a surrogate gradient is ~0, float32 rounding
    # decides its sign, so a weight may differ by a fraction of lr = 0.05.
    np.testing.assert_allclose(snn[0].W.value, DATA["bptt_snn/W1"], atol=1e-2)
    np.testing.assert_allclose(snn[2].W.value, DATA["bptt_snn/W2"], atol=1e-2)


def test_bpff_trains_as_brainpy():
    class TinyFF(eqbrain.DynamicalSystem):
        w: eqbrain.TrainVar
        b: eqbrain.TrainVar

        def __init__(self):
            super().__init__()
            self.w, self.b = eqbrain.TrainVar(d("bpff/arg_W")), eqbrain.TrainVar(d("bpff/arg_b"))

        def update(self, x):
            return x @ self.w.value + self.b.value

    model = TinyFF()
    trainer = eqbrain.BPFF(model, loss_fun="mean_squared_error", optimizer=optim.SGD(lr=0.1))
    trainer.fit([(d("bpff/arg_X"), d("bpff/arg_Y"))], num_epoch=3)
    np.testing.assert_allclose(trainer.train_losses, DATA["bpff/train_losses"], rtol=1e-5)
    np.testing.assert_allclose(model.w.value, DATA["bpff/w"], atol=1e-6)
    np.testing.assert_allclose(model.b.value, DATA["bpff/b"], atol=1e-6)


def test_the_algorithms_alone_give_brainpys_numbers():
    A, T = d("algorithms/arg_A"), d("algorithms/arg_T")
    ridge = algorithms.RidgeRegression(alpha=0.5)(T, A)
    np.testing.assert_allclose(ridge, DATA["algorithms/ridge"], rtol=1e-4, atol=1e-5)
    linear = algorithms.LinearRegression()(T, A)
    np.testing.assert_allclose(linear, DATA["algorithms/linear"], rtol=1e-4, atol=1e-5)
    x, t, y = d("algorithms/arg_x"), d("algorithms/arg_t"), d("algorithms/arg_y")
    rls = algorithms.RLS(alpha=0.3)
    rls.register_target(4, identifier="n")
    np.testing.assert_allclose(rls(t, x, y, identifier="n"), DATA["algorithms/rls_dW"], rtol=1e-5)
    np.testing.assert_allclose(
        rls.implicit_vars["n.rls.P"].value, DATA["algorithms/rls_P"], rtol=1e-5
    )
    np.testing.assert_allclose(
        algorithms.LMS(alpha=0.1)(t, x, y), DATA["algorithms/lms_dW"], rtol=1e-6
    )
